"""The lock every change of a data folder holds, so that two planners never write at once.

On POSIX it is `fcntl.flock` on the folder's `.lock` file: a few lines of the standard library, where the filelock
package cost `start` and `stop` 18 ms of imports (logging, threading, hashlib, platform) in a command that runs many
times a day. Elsewhere (Windows) filelock takes it, as before. Both lock the same way on POSIX (filelock's Unix lock
is flock too), so a planner of either kind waits for the other.

The lock is re-entrant within a thread, like filelock's: a change that calls another change does not wait for
itself. Two threads of one process open the file each and so wait for each other, as two processes do.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from planner.errors import StoreError

#: How often a waiting planner tries the lock again.
POLL_SECONDS = 0.05

#: Locks this process holds: (path, thread) -> (file descriptor or filelock object, depth).
_held: dict[tuple[str, int], tuple[object, int]] = {}


def _thread_id() -> int:
    import _thread

    return _thread.get_ident()


class DataLock:
    """The exclusive lock of `path`, waited for at most `timeout` seconds."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._key = (str(path), _thread_id())

    def __enter__(self) -> DataLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        held = _held.get(self._key)
        if held is not None:
            _held[self._key] = (held[0], held[1] + 1)
            return
        handle = _lock_posix(self.path, self.timeout) if os.name == "posix" else _lock_portable(self.path, self.timeout)
        _held[self._key] = (handle, 1)

    def release(self) -> None:
        handle, depth = _held[self._key]
        if depth > 1:
            _held[self._key] = (handle, depth - 1)
            return
        del _held[self._key]
        if isinstance(handle, int):
            import fcntl

            try:
                fcntl.flock(handle, fcntl.LOCK_UN)
            finally:
                os.close(handle)
        else:
            handle.release()  # type: ignore[attr-defined]


def _timed_out(path: Path, timeout: float) -> StoreError:
    return StoreError(f"another planner has held {path} for {timeout:g} s; wait for it to finish, then try again")


def _lock_posix(path: Path, timeout: float) -> int:
    import fcntl

    # never through a symbolic link (the folder's layout is checked before, this says so to the system too)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _timed_out(path, timeout) from None
                time.sleep(POLL_SECONDS)
    except BaseException:
        os.close(fd)
        raise


def _lock_portable(path: Path, timeout: float) -> object:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=timeout, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise _timed_out(path, timeout) from None
    return lock
