"""Durable file writes: a temporary file beside the target, flushed to disk, renamed over it; folders synced."""

from __future__ import annotations

import os
from pathlib import Path

TMP_SUFFIX = ".tmp"


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(path: Path, payload: bytes, *, durable: bool = True) -> Path:
    """Write `payload` to a fresh temporary file beside `path` (mode 0600), flushed to disk unless not `durable`;
    return its path."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{TMP_SUFFIX}")
    # O_EXCL never opens an existing path, a symbolic link included; O_NOFOLLOW says so for any other system
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def write_private(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` whole (readable by its owner alone)."""
    os.replace(write_temp(path, payload), path)
