"""The ownership journal: what a stack's resources created, adopted or were about to write, kept in a small file
next to the pacing ledger, so that a later provider process can tell its own work from someone else's.

Pulumi's state is written only after a step answers; a provider killed (or a run cancelled) between GitHub's
answer and the state write leaves a write that no state records. The journal closes that gap: an intent is noted
before an additive write, so the next create recognises an entry it finds as its own earlier write, not as
someone else's. It also keeps the groups and hosted runners the stack's resources hold (dropped when one of them
deletes it), so that a create refused because a name is taken can tell "held by this stack under another resource
name: use an alias" from "someone else's: adopt it or choose another name".

The provider process sees neither the stack nor the resource's URN: the Resource classes put the program's
`project/stack` on the provider instance they register (`_common.of_this_stack`), and entries are keyed by it, by
the object (org, group, ids) and, for an intent, by the list the resource declares. The file is named by the
server and the credential (a hash, as the ledger is): two stacks sharing one token share the file, not their
entries. A provider instance that names no stack (made outside a Resource class) keeps no records. The file is
created 0600 in a 0700 directory of the user's own; where no such directory can be used, the journal is off (a
warning, once) and everything else works as before.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..client import GitHubClient
from ..client.ledger import ledger_name
from ..redaction import logger

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, so no journal
    fcntl = None  # type: ignore[assignment]

log = logger("github_runner_groups")

SUFFIX = ".journal"


@dataclass(frozen=True)
class Use:
    """A file of this kind beside the ledger: its suffix, what a warning calls it, what its loss means, and how
    long to wait for its lock (every wait on it is bounded)."""

    suffix: str
    name: str
    without: str
    lock_wait_seconds: float


JOURNAL = Use(
    SUFFIX,
    "ownership journal",
    "a run interrupted between GitHub's answer and the state write may leave an entry no resource owns",
    5.0,
)
_MAX_BYTES = 1024 * 1024  # a journal larger than this is damaged: it is started afresh
_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()
_process_lock = threading.Lock()  # flock is per open file; the SDK's worker threads also take this
# The `project/stack` the current provider call acts for (see `for_stack`); None: unknown, records are not used.
_stack: contextvars.ContextVar[str | None] = contextvars.ContextVar("github_runner_groups_stack", default=None)
Method = TypeVar("Method", bound=Callable[..., Any])


def for_stack(method: Method) -> Method:
    """A provider method that acts for the stack its instance names (`provider.stack`), so that the records of
    what it created or adopted are this stack's: another stack using the same credential is then someone else."""

    @functools.wraps(method)
    def acting(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = _stack.set(getattr(self, "stack", None))
        try:
            return method(self, *args, **kwargs)
        finally:
            _stack.reset(token)

    return acting  # type: ignore[return-value]


def held_entry(*parts: Any) -> str | None:
    """The key of "a resource of this stack created or adopted this object" (`parts` name it), or None when the
    stack is not known (a provider not made by a Resource class)."""
    stack = _stack.get()
    return None if stack is None else key("held", stack, *parts)


def holds(client: GitHubClient, *parts: Any) -> bool:
    entry = held_entry(*parts)
    return entry is not None and get(client, entry) is not None


def note_held(client: GitHubClient, *parts: Any) -> None:
    entry = held_entry(*parts)
    if entry is not None:
        note(client, entry, {})


def drop_held(client: GitHubClient, *parts: Any) -> None:
    entry = held_entry(*parts)
    if entry is not None:
        drop(client, entry)


def journal_path(client: GitHubClient, use: Use = JOURNAL) -> str | None:
    """The journal's file for this client's server and credential (or its sibling `use`, such as the refresh
    read-ahead's hints), or None when no directory can hold it."""
    settings = client.settings
    directory = settings.pacing.ledger_directory
    if not directory or not os.path.isabs(directory) or fcntl is None:
        _warn_once(use, str(directory), "no usable absolute directory (github-runner-groups:ledgerDir)")
        return None
    credential = settings.token or (f"app {settings.app.app_id} {settings.app.installation_id}" if settings.app else "")
    name = ledger_name(settings.base_url.rstrip("/"), credential).removesuffix(".ledger") + use.suffix
    return os.path.join(directory, name)


def key(*parts: Any) -> str:
    """An entry's key: its parts in order, hashed when long (names never show in the file)."""
    text = "\0".join(str(part).lower() for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def get(client: GitHubClient, entry: str) -> dict[str, Any] | None:
    with opened(client) as entries:
        found = entries.get(entry) if entries is not None else None
        return dict(found) if isinstance(found, dict) else None


def note(client: GitHubClient, entry: str, value: Mapping[str, Any]) -> None:
    """Record `value` under `entry` (replacing any earlier one), durably, before the caller goes on."""
    with opened(client, write=True) as entries:
        if entries is not None:
            entries[entry] = {**value, "at": round(time.time())}


def drop(client: GitHubClient, *entries_to_drop: str) -> None:
    with opened(client, write=True) as entries:
        if entries is not None:
            for entry in entries_to_drop:
                entries.pop(entry, None)


@contextlib.contextmanager
def opened(client: GitHubClient, *, write: bool = False, use: Use = JOURNAL) -> Iterator[dict[str, Any] | None]:
    """The journal's entries (or those of its sibling `use`) under its file lock (None when the file is off or
    its lock was held too long); written back on a clean exit of a writer. An unreadable or damaged file counts
    as empty."""
    path = journal_path(client, use)
    if path is None:
        yield None
        return
    with _process_lock:
        try:
            fd = _open(path)
        except OSError as exc:
            _warn_once(use, os.path.dirname(path), f"it cannot be used ({exc.strerror or exc})")
            yield None
            return
        try:
            try:
                _lock(fd, use.lock_wait_seconds)
                entries = _read(fd)
            except OSError as exc:
                _warn_once(use, os.path.dirname(path), f"it cannot be used ({exc.strerror or exc})")
                yield None
                return
            yield entries
            if write:
                data = json.dumps(entries, sort_keys=True).encode()
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
                os.write(fd, data)
                os.fsync(fd)
        finally:
            os.close(fd)  # also releases the lock


def _open(path: str) -> int:
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    info = os.stat(directory, follow_symlinks=False)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise OSError(f"{directory} is not a directory of this user's closed to others (chmod 700 it)")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    if os.fstat(fd).st_uid != os.getuid() or not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a file of this user's")
    return fd


def _lock(fd: int, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise OSError("another process held its lock too long") from None
            time.sleep(0.01)


def _read(fd: int) -> dict[str, Any]:
    size = os.fstat(fd).st_size
    if size == 0 or size > _MAX_BYTES:
        return {}
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        loaded = json.loads(os.read(fd, size))
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _warn_once(use: Use, directory: str, problem: str) -> None:
    with _warned_lock:
        if (use.suffix, directory) in _warned:
            return
        _warned.add((use.suffix, directory))
    log.warning("%s directory %s: %s; %s", use.name, directory[:200], problem, use.without)
