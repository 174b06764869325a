"""What a command writes besides its result: the request log (`--debug`, `--log-file`) and, on a terminal only,
a progress line on stderr while it reads, erased when it is done (nothing when stderr is piped or redirected)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from .errors import ConfigError

PACKAGE_LOGGER = "github_runner_groups"
REQUEST_LOGGER = "github_runner_groups.http"  # one DEBUG record per request (client/transport.py)
LOG_FORMAT = "%(asctime)s github-runner-groups %(levelname)s %(name)s: %(message)s"


class Progress(logging.Handler):
    """Counts the requests as they are answered, on one line that it rewrites and finally erases."""

    def __init__(self, stream: TextIO, label: str) -> None:
        super().__init__(logging.DEBUG)
        self.stream, self.label, self.requests, self.width = stream, label, 0, 0
        self.addFilter(lambda record: record.name == REQUEST_LOGGER)

    def emit(self, record: logging.LogRecord) -> None:
        self.requests += 1
        text = f"{self.label}: {self.requests} request{'s' if self.requests > 1 else ''} answered"
        self.width = max(self.width, len(text))
        self.stream.write(f"\r{text}")
        self.stream.flush()

    def close(self) -> None:
        if self.requests:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
        super().close()


def end_progress() -> None:
    """Erase the progress line before the command writes its result (it would otherwise follow the line)."""
    logger = logging.getLogger(PACKAGE_LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, Progress)]:
        logger.removeHandler(handler)
        handler.close()


@contextmanager
def diagnostics(label: str, debug: bool, log_file: Path | None, stream: TextIO | None = None) -> Iterator[None]:
    """Attach the handlers the options ask for to the package's logger for the length of a command."""
    stream = sys.stderr if stream is None else stream
    handlers: list[logging.Handler] = []
    if debug:
        handlers.append(logging.StreamHandler(stream))
    if log_file is not None:
        try:
            handlers.append(logging.FileHandler(log_file, mode="a", encoding="utf-8"))
        except OSError as error:
            message = f"cannot write --log-file {log_file}: {error.strerror or error}; pick a writable file."
            raise ConfigError(message) from None
    for handler in handlers:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
    if not debug and stream.isatty():
        handlers.append(Progress(stream, label))
    logger = logging.getLogger(PACKAGE_LOGGER)
    level = logger.level
    for handler in handlers:
        logger.addHandler(handler)
    if handlers:
        logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for handler in handlers:
            if handler in logger.handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)
