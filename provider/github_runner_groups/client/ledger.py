"""The pacing ledger: what every process using one credential on one GitHub has reserved, shared through a file.

GitHub counts its secondary limits per credential, not per process, and a run is several processes: `pulumi up`
previews in one provider process and updates in another, a refresh is followed by an up, two stacks of one
pipeline share a token. So every process appends each request to a file named after the server and the
credential (a hash: neither can be read from the name) when it is SENT, as a reservation: the check that the
request fits and its line are made under the file's lock, so two processes cannot both take a window's last
points, nor start two writes closer than the spacing (the last write's line is the next free write slot). A
request whose answer never comes still counts. A secondary-limit answer is written too, as a pause every
process keeps until its retry-after.

A line is `PROCESS SEQUENCE TIME POINTS`: POINTS 1 or 5 is a request sent at TIME, 0 a pause until TIME. Lines
that do not parse, that claim the future (beyond a pause's longest) or points no request costs are skipped;
anything older than GitHub's longest window (the hour of 500 writes) is dropped when the file is rewritten.

Only this code's own files are ever touched: `<64 hex digits>.ledger` and its rewrite's temporary
`<64 hex digits>.ledger.rewrite-<12 hex digits>`, by exact pattern; by default in a directory of its own. Every
wait on the lock is bounded (LOCK_WAIT_SECONDS): a process holding it that is stopped (Ctrl-Z, a debugger)
makes the others pace alone, with a warning, never hang. The directory must be the user's own and closed to
others. Where the ledger cannot be used (no `fcntl`, as on Windows; no absolute cache directory; a directory
others can write to; any I/O error) pacing stays per process, with one warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
import threading
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
LOCK_WAIT_SECONDS = 2.0  # the longest wait for another process's turn before pacing alone
PAUSE = 0  # the POINTS of a pause line
_FUTURE_SLACK_SECONDS = 5.0  # clocks of processes on one machine agree; more ahead than this is a damaged line
_LONGEST_PAUSE_SECONDS = HORIZON_SECONDS  # a pause line further ahead than GitHub's longest window is damaged
_LOCK_POLL_SECONDS = 0.002
_REWRITE_AT_BYTES = 256 * 1024  # about 6,000 lines: an hour of writes and several minutes of reads
_READ_CHUNK_BYTES = 1024 * 1024
_REWRITE_READ_BYTES = 4 * _REWRITE_AT_BYTES  # more only if something else writes to the file: keep its tail
_LONGEST_LINE = 100
_OURS = re.compile(r"[0-9a-f]{64}\.ledger(\.rewrite-[0-9a-f]{12})?")
SUBDIRECTORY = os.path.join("github-runner-groups", "pacing")


@dataclass(frozen=True)
class Spending:
    """Another process's request: how long ago it was sent, and its points (PAUSE: a pause, `age_seconds`
    negative: how long it still lasts)."""

    age_seconds: float
    points: int


class LedgerBusy(Exception):
    """Another process has held the ledger's lock for longer than LOCK_WAIT_SECONDS."""


def ledger_name(base_url: str, credential: str) -> str:
    """The file's name: a hash of the server and the credential, so that neither shows in a directory listing."""
    return hashlib.sha256(f"{base_url}\0{credential}".encode()).hexdigest() + ".ledger"


def default_directory(environ: dict[str, str] | None = None) -> str | None:
    """`$XDG_CACHE_HOME/github-runner-groups/pacing`, else `$HOME/.cache/...` or the passwd entry's home: a
    directory of its own where the process's user keeps caches. None where no absolute directory is known (no
    home, or `/` as the home): never anything relative to the current directory (a relative XDG_CACHE_HOME is
    ignored, as the XDG spec says), never `~` taken literally."""
    env = os.environ if environ is None else environ
    cache = env.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(cache):
        home = env.get("HOME", "") if "HOME" in env else _passwd_home()
        if not os.path.isabs(home) or os.path.normpath(home) == "/":
            _warn_once_without_directory()
            return None
        cache = os.path.join(home, ".cache")
    return os.path.join(cache, SUBDIRECTORY)


_without_directory_said = threading.Event()


def _warn_once_without_directory() -> None:
    if not _without_directory_said.is_set():
        _without_directory_said.set()
        log.warning(
            "pacing ledger: no absolute cache directory (HOME and XDG_CACHE_HOME are unset, empty, relative or /); "
            "pacing counts this process's requests only: set github-runner-groups:ledgerDir to share it"
        )


def _passwd_home() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError):  # Windows; a uid without an entry (`docker run --user 12345`)
        return ""


class Ledger:
    """One process's view of the shared file; thread-safe: `turn` gives one thread at a time the file's lock."""

    def __init__(
        self,
        path: Path,
        keep_reads_seconds: float,
        wall: Callable[[], float] = time.time,
        lock_wait_seconds: float = LOCK_WAIT_SECONDS,
    ) -> None:
        self.path = path
        self._keep_reads_seconds = min(keep_reads_seconds, HORIZON_SECONDS)
        self._wall = wall
        self._lock_wait = lock_wait_seconds
        self._mutex = threading.Lock()
        self._process = secrets.token_hex(6)
        self._sequence = 0
        self._seen: dict[str, int] = {}
        self._last_heard: dict[str, float] = {}  # other process -> when its latest line was written
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
            if not os.path.isabs(directory):
                raise OSError("it is not an absolute path")
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

    @property
    def usable(self) -> bool:
        return self._fd >= 0

    @contextlib.contextmanager
    def turn(self) -> Iterator[bool]:
        """This thread alone holds the file (waiting at most the lock wait for it): True, or False if the ledger
        is given up (busy for too long, an I/O error), when the caller counts alone."""
        deadline = time.monotonic() + self._lock_wait
        if not self._mutex.acquire(timeout=self._lock_wait):
            yield False  # another thread of this process is stuck on the file: it gives the ledger up
            return
        try:
            held = False
            try:
                if self._fd >= 0:
                    self._lock(deadline)
                    held = True
            except LedgerBusy:
                self._give_up(
                    f"another process has held its lock for over {self._lock_wait:g}s (stopped, or hung on a slow disk)"
                )
            except OSError as exc:
                self._give_up(f"it cannot be used ({exc.strerror or exc})")
            try:
                yield held
            finally:
                if held and self._fd >= 0:
                    with contextlib.suppress(OSError):
                        fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._mutex.release()

    def news(self) -> list[Spending]:
        """What other processes reserved since the last call (since the last hour, on the first); in a `turn`."""
        try:
            return self._news()
        except OSError as exc:
            self._give_up(f"it cannot be used ({exc.strerror or exc})")
            return []

    def record(self, points: int, at: float | None = None) -> None:
        """Append a request of this process (sent now), or a pause until `at` (points PAUSE); in a `turn`."""
        try:
            self._record(points, self._wall() if at is None else at)
        except OSError as exc:
            self._give_up(f"it cannot be used ({exc.strerror or exc})")

    def wall(self) -> float:
        return self._wall()

    def others(self, within_seconds: float) -> int:
        """How many other processes wrote a line in the last `within_seconds`."""
        since = self._wall() - within_seconds
        return sum(1 for heard in self._last_heard.values() if heard > since)

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):  # closing after an I/O error
                os.close(fd)

    def _give_up(self, problem: str) -> None:
        """The run goes on, paced by this process's own count; said once."""
        if self._fd >= 0:
            _warn(str(self.path.parent), problem)
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
            process, sequence, at, points = entry
            if process == self._process or sequence <= self._seen.get(process, 0):
                continue
            self._seen[process] = sequence
            age = now - at
            if points == PAUSE:
                if -_LONGEST_PAUSE_SECONDS <= age < 0:
                    spent.append(Spending(age, PAUSE))
            elif -_FUTURE_SLACK_SECONDS <= age < HORIZON_SECONDS:
                self._last_heard[process] = max(self._last_heard.get(process, at), at)
                spent.append(Spending(max(0.0, age), points))
        return spent

    def _record(self, points: int, at: float) -> None:
        if self._fd < 0:
            return
        self._sequence += 1
        # Led by a newline too: a line someone left unfinished cannot swallow this one.
        os.write(self._fd, f"\n{self._process} {self._sequence} {at:.3f} {points}\n".encode())
        if os.fstat(self._fd).st_size > max(_REWRITE_AT_BYTES, 2 * self._kept_bytes):
            self._rewrite()

    def _rewrite(self) -> None:
        """Keep what still counts (writes for the hour, reads for the window, pauses to come). In a turn: the
        others wait for the old file's lock, then find it replaced and follow (`_seen` skips what they counted)."""
        size = os.fstat(self._fd).st_size
        old = os.pread(self._fd, _REWRITE_READ_BYTES, max(0, size - _REWRITE_READ_BYTES))
        now = self._wall()
        kept = [line for line in old.split(b"\n") if self._still_counts(line, now)]  # empty lines go too
        text = b"".join(line + b"\n" for line in kept)
        # Still-counting lines above the threshold would otherwise make every append rewrite them all.
        self._kept_bytes = len(text)
        temporary = self.path.with_name(f"{self.path.name}.rewrite-{secrets.token_hex(6)}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temporary, flags, 0o600)
        try:
            try:
                os.write(fd, text)
            finally:
                os.close(fd)
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):  # no temporary file left behind
                os.unlink(temporary)
            raise

    def _still_counts(self, line: bytes, now: float) -> bool:
        entry = _parse(line)
        if entry is None:
            return False
        _process, _sequence, at, points = entry
        if points == PAUSE:
            return at > now
        horizon = self._keep_reads_seconds if points == 1 else HORIZON_SECONDS
        return now - at < horizon

    def _lock(self, deadline: float) -> None:
        """Hold the current file exclusively, polling (never blocking) until `deadline`."""
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LedgerBusy() from None
                time.sleep(_LOCK_POLL_SECONDS)
                continue
            if self._follow_rewrite():
                return

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
    does a rewrite's temporary file that a process killed mid-rewrite left behind. Only names this code makes."""
    old = time.time() - HORIZON_SECONDS
    with os.scandir(directory) as entries:
        for entry in entries:
            if _OURS.fullmatch(entry.name) and entry.stat(follow_symlinks=False).st_mtime < old:
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
    process, sequence, at, points = parts
    try:
        entry = (process.decode("ascii"), int(sequence), float(at), int(points))
    except (UnicodeDecodeError, ValueError):
        return None
    if not (entry[0].isalnum() and entry[1] > 0 and 0 <= entry[3] <= MAX_POINTS and entry[2] == entry[2]):
        return None
    return entry
