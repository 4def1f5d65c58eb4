"""One run at a time per output folder: an advisory lock (``fcntl.flock``) on ``OUT/.hpdgenomics.lock``.

A second run into the same folder fails at once with the first one's pid and command line, instead of both checking
that no report exists and then overwriting each other's. The kernel drops the lock when its holder dies (kill -9
included), so a lock file left behind by a killed run never blocks the next one. Where ``fcntl`` does not exist
(Windows) the lock is a no-op.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from types import TracebackType

from hpdgenomics.errors import OutputError

LOCK_NAME = ".hpdgenomics.lock"


class OutputLock:
    """Hold the lock of output folder ``out`` (created if missing, and removed again on release if this lock
    created it and it is still empty)."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.path = self.out / LOCK_NAME
        self._fd: int | None = None
        self._created = False

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        for _ in range(20):  # a holder may remove the file between our open and our lock: open it again
            if not self.out.exists():
                self._created = True
            try:
                self.out.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise OutputError(f"cannot use the output folder {self.out}: {exc.strerror or exc}") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _holder(fd)
                os.close(fd)
                self._created = False  # the other run owns the folder's fate
                raise OutputError(f"{self.out} is being written by another hpdgenomics run ({holder}); wait for it "
                                  "to finish or choose another --out") from None
            if _same_file(fd, self.path):
                self._fd = fd
                os.ftruncate(fd, 0)
                record = {"pid": os.getpid(), "command": " ".join(sys.argv), "started": time.strftime(
                    "%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
                os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))
                return
            os.close(fd)  # locked a file its holder had just removed
        raise OutputError(f"cannot lock the output folder {self.out}: its lock file keeps changing")

    def release(self) -> None:
        if self._fd is None:
            return
        # Remove the file while still holding the lock, so that a run waiting on this inode sees it is gone.
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)
        self._fd = None
        if self._created:
            with contextlib.suppress(OSError):
                self.out.rmdir()  # only when empty: a failed run into a new folder leaves nothing behind


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except OSError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def _holder(fd: int) -> str:
    """'pid N, started T: COMMAND' from the lock file, or what is known when it cannot be read yet."""
    try:
        record = json.loads(os.pread(fd, 65536, 0).decode("utf-8") or "{}")
    except (OSError, ValueError):
        record = {}
    if not record.get("pid"):
        return "its details are not written yet"
    command = str(record.get("command", ""))
    command = command if len(command) <= 200 else command[:200] + " …"
    return f"pid {record['pid']}, started {record.get('started', '?')}: {command!r}"
