"""Another process of this user that took a file's lock and was stopped (Ctrl-Z, a debugger): what every file
the providers share between processes (the pacing ledger, the ownership journal, the read-ahead hints) must
survive without hanging a provider."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def stopped_lock_holder(path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process holding `path`'s lock (flock, created 0600 if missing), stopped; killed on the way out."""
    code = (
        "import fcntl, os, signal, sys\n"
        f"fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "sys.stdout.write('held\\n'); sys.stdout.flush()\n"
        "os.kill(os.getpid(), signal.SIGSTOP)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        yield holder
    finally:
        holder.send_signal(signal.SIGKILL)  # the process this helper started, by its id
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
