"""The pacing ledger: what every process using one credential on one GitHub has spent, shared through a file.

GitHub counts its secondary limits per credential, not per process, and a run is several processes: `pulumi up`
previews in one provider process and updates in another, a refresh is followed by an up, two stacks of one
pipeline share a token. Each process's pacer alone would spend the whole minute's budget again (a refresh of 200
groups right after another met four limit answers). So every process appends what it spent (when it was
answered, how many points) to a file named after the server and the credential (a hash: neither can be read
from the name), and before each request reads what the others appended since.

A line is `PROCESS SEQUENCE ANSWERED POINTS`. Lines that do not parse, that claim an answer in the future or
points no request costs are skipped; anything older than GitHub's longest window (the hour of 500 writes) is
dropped when the file is rewritten. The directory must be the user's own and closed to others: the ledger can
only slow a run down, and only a process of the same user can write to it. Where it cannot be used (no `fcntl`,
as on Windows; a directory others can write to; any I/O error) pacing stays per process, with a warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..redaction import logger, scrub

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, so no shared ledger
    fcntl = None  # type: ignore[assignment]

log = logger("github_runner_groups")

HORIZON_SECONDS = 3600.0  # GitHub's longest secondary window: 500 writes an hour
MAX_POINTS = 100  # far above any request's cost; a line claiming more is damaged
_FUTURE_SLACK_SECONDS = 5.0  # clocks of processes on one machine agree; more ahead than this is a damaged line
_REWRITE_AT_BYTES = 256 * 1024  # about 6,000 lines: an hour of writes and several minutes of reads
_READ_CHUNK_BYTES = 1024 * 1024
_REWRITE_READ_BYTES = 4 * _REWRITE_AT_BYTES  # more only if something else writes to the file: keep its tail
_LONGEST_LINE = 100
_REWRITE_PREFIX = ".rewrite-"


@dataclass(frozen=True)
class Spending:
    """Another process's request: how long ago it was answered, and its points."""

    age_seconds: float
    points: int


def ledger_name(base_url: str, credential: str) -> str:
    """The file's name: a hash of the server and the credential, so that neither shows in a directory listing."""
    return hashlib.sha256(f"{base_url}\0{credential}".encode()).hexdigest()[:32] + ".ledger"


def default_directory() -> str:
    """`$XDG_CACHE_HOME/github-runner-groups`, else `~/.cache/github-runner-groups`: where the process's user keeps
    caches (the process environment's, not a setting)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "github-runner-groups")


class Ledger:
    """One process's view of the shared file; not thread-safe on its own (the pacer calls it under its lock)."""

    def __init__(self, path: Path, keep_reads_seconds: float, wall: Callable[[], float] = time.time) -> None:
        self.path = path
        self._keep_reads_seconds = min(keep_reads_seconds, HORIZON_SECONDS)
        self._wall = wall
        self._process = secrets.token_hex(6)
        self._sequence = 0
        self._seen: dict[str, int] = {}
        self._fd = -1
        self._offset = 0
        self._partial = b""
        self._kept_bytes = 0  # what the last rewrite kept: the next waits until the file has doubled

    @classmethod
    def open(cls, directory: str, name: str, keep_reads_seconds: float) -> Ledger | None:
        """The ledger in `directory` (created, closed to others), or None, with a warning, where it cannot be used."""
        try:
            if fcntl is None:
                raise OSError("this system has no fcntl locks")
            os.makedirs(directory, mode=0o700, exist_ok=True)
            problem = _directory_problem(os.stat(directory, follow_symlinks=False))
            if problem is None:
                _forget_old_ledgers(directory)
                ledger = cls(Path(directory) / name, keep_reads_seconds)
                ledger._reopen()
                return ledger
        except (OSError, ValueError) as exc:  # ValueError: a path with a NUL in it
            problem = f"it cannot be used ({getattr(exc, 'strerror', None) or exc})"
        _warn(directory, problem)
        return None

    def news(self) -> list[Spending]:
        """What other processes have spent since the last call (since the last hour, on the first)."""
        try:
            return self._news()
        except OSError as exc:
            self._give_up(exc)
            return []

    def record(self, points: int) -> None:
        """Append a request of this process, answered now."""
        try:
            self._record(points)
        except OSError as exc:
            self._give_up(exc)

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):  # closing after an I/O error
                os.close(fd)

    def _give_up(self, error: OSError) -> None:
        """An I/O error: the run goes on, paced by this process's own count."""
        if self._fd >= 0:
            _warn(str(self.path.parent), f"it cannot be used ({error.strerror or error})")
        self.close()

    def _news(self) -> list[Spending]:
        if self._fd < 0:
            return []
        self._follow_rewrite()
        chunk = os.pread(self._fd, _READ_CHUNK_BYTES, self._offset)
        self._offset += len(chunk)
        *lines, partial = (self._partial + chunk).split(b"\n")
        self._partial = partial if len(partial) <= _LONGEST_LINE else b""  # never a line: not kept growing
        now = self._wall()
        spent = []
        for line in lines:
            entry = _parse(line)
            if entry is None:
                continue
            process, sequence, answered, points = entry
            if process == self._process or sequence <= self._seen.get(process, 0):
                continue
            self._seen[process] = sequence
            age = now - answered
            if -_FUTURE_SLACK_SECONDS <= age < HORIZON_SECONDS:
                spent.append(Spending(max(0.0, age), points))
        return spent

    def _record(self, points: int) -> None:
        if self._fd < 0:
            return
        self._sequence += 1
        # Led by a newline too: a line someone left unfinished cannot swallow this one.
        line = f"\n{self._process} {self._sequence} {self._wall():.3f} {points}\n".encode()
        with self._locked(fcntl.LOCK_SH):
            os.write(self._fd, line)
            size = os.fstat(self._fd).st_size
        if size > max(_REWRITE_AT_BYTES, 2 * self._kept_bytes):
            self._rewrite()

    def _rewrite(self) -> None:
        """Keep what still counts (writes for the hour, reads for the window); others follow the new file."""
        with self._locked(fcntl.LOCK_EX):
            size = os.fstat(self._fd).st_size
            old = os.pread(self._fd, _REWRITE_READ_BYTES, max(0, size - _REWRITE_READ_BYTES))
            now = self._wall()
            kept = [line for line in old.split(b"\n") if self._still_counts(line, now)]  # empty lines go too
            text = b"".join(line + b"\n" for line in kept)
            # Still-counting lines above the threshold would otherwise make every append rewrite them all.
            self._kept_bytes = len(text)
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=_REWRITE_PREFIX)
            try:
                os.write(fd, text)
            finally:
                os.close(fd)
            os.replace(temporary, self.path)
        self._follow_rewrite()

    def _still_counts(self, line: bytes, now: float) -> bool:
        entry = _parse(line)
        if entry is None:
            return False
        _process, _sequence, answered, points = entry
        horizon = self._keep_reads_seconds if points == 1 else HORIZON_SECONDS
        return now - answered < horizon

    @contextlib.contextmanager
    def _locked(self, kind: int) -> Iterator[None]:
        """Hold `kind` on the current file: a rewrite (exclusive) waits for appends (shared) and the reverse."""
        while True:
            fcntl.flock(self._fd, kind)
            if self._follow_rewrite():
                break
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _follow_rewrite(self) -> bool:
        """True if the open file is still the one at `path`; else switch to the new one (read from its start,
        `_seen` skips the lines already counted) and return False."""
        try:
            current = os.stat(self.path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            current = -1
        if current == os.fstat(self._fd).st_ino:
            return True
        self._reopen()
        return False

    def _reopen(self) -> None:
        self.close()
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        self._fd = os.open(self.path, flags, 0o600)
        info = os.fstat(self._fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            self.close()
            raise OSError(f"{self.path.name} is not a file of this user")
        self._offset, self._partial = 0, b""


def _warn(directory: str, problem: str) -> None:
    log.warning(
        "pacing ledger directory %s: %s; pacing counts this process's requests only", scrub(directory)[:200], problem
    )


def _forget_old_ledgers(directory: str) -> None:
    """Ledgers untouched for an hour hold nothing that counts (an emulator on a new port each run leaves many), nor
    does a rewrite's temporary file that a process killed mid-rewrite left behind."""
    old = time.time() - HORIZON_SECONDS
    with os.scandir(directory) as entries:
        for entry in entries:
            ours = entry.name.endswith(".ledger") or entry.name.startswith(_REWRITE_PREFIX)
            if ours and entry.stat(follow_symlinks=False).st_mtime < old:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def _directory_problem(info: os.stat_result) -> str | None:
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a directory"
    if info.st_uid != os.getuid():
        return "it belongs to another user"
    if info.st_mode & 0o022:
        return "others can write to it (chmod 700 it)"
    return None


def _parse(line: bytes) -> tuple[str, int, float, int] | None:
    parts = line.split(b" ")
    if len(parts) != 4 or len(line) > _LONGEST_LINE:
        return None
    process, sequence, answered, points = parts
    try:
        entry = (process.decode("ascii"), int(sequence), float(answered), int(points))
    except (UnicodeDecodeError, ValueError):
        return None
    if not (entry[0].isalnum() and entry[1] > 0 and 0 < entry[3] <= MAX_POINTS and entry[2] == entry[2]):
        return None
    return entry
