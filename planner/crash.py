"""What happens when planner itself fails (a bug, not bad input): the person sees one line naming the problem and a
file holding the full traceback, the process exits non-zero, and the data stays as the last finished change left it
(every change is one transaction, so an exception midway writes nothing).

The report goes into the data folder, readable by its owner alone; when that folder cannot take it (it is missing,
not a folder, a symlink, or not writable), into the system's temporary folder instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from planner.text import printable

#: Exit status of an unexpected failure (EX_SOFTWARE of sysexits.h): never 0, never the 1 or 2 of a normal run.
EXIT_CRASH = 70


class BoardCrashed(Exception):
    """The board stopped on an unhandled exception; carries the traceback Textual caught."""

    def __init__(self, error: BaseException, text: str) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error
        self.text = text


def _usable(folder: Path) -> bool:
    try:
        return folder.is_dir() and not folder.is_symlink() and os.access(folder, os.W_OK | os.X_OK)
    except OSError:
        return False


def write_report(error: BaseException, folder: Path | str | None, argv: list[str]) -> Path | None:
    """Write the full traceback of `error` to `crash-YYYYMMDD-HHMMSS.log` (mode 0600) in `folder`, else in the
    temporary folder. Returns where it went, or None when no file could be written at all."""
    from planner import __version__

    text = error.text if isinstance(error, BoardCrashed) else "".join(traceback.format_exception(error))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    body = (
        f"planner {__version__} crashed at {datetime.now(UTC).isoformat(timespec='seconds')}\n"
        f"python {sys.version.split()[0]} on {sys.platform}\n"
        f"command: planner {' '.join(argv)}\n\n{text}"
    ).encode("utf-8", "backslashreplace")
    folder = Path(folder) if folder is not None else None
    candidates = [folder] if folder is not None and _usable(folder) else []
    candidates.append(Path(tempfile.gettempdir()))
    for place in candidates:
        for attempt in range(100):
            path = place / (f"crash-{stamp}.log" if attempt == 0 else f"crash-{stamp}-{attempt}.log")
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                continue
            except OSError:
                break
            try:
                os.write(fd, body)
            finally:
                os.close(fd)
            return path
    return None


def summary(error: BaseException) -> str:
    """The problem in one printable line."""
    name = type(error.error if isinstance(error, BoardCrashed) else error).__name__
    message = str(error.error if isinstance(error, BoardCrashed) else error)
    line = printable(f"{name}: {message}" if message else name)
    return line if len(line) <= 200 else line[:199] + "…"


def report(error: BaseException, folder: Path | str | None, argv: list[str]) -> int:
    """Tell the person planner failed, in one line on stderr, and return the exit status."""
    try:
        where = write_report(error, folder, argv)
    except Exception:  # the report itself must never turn into a traceback
        where = None
    kept = f"; the full report is in {printable(where)}" if where else ""
    print(
        f"error: planner failed unexpectedly ({summary(error)}){kept}; your data was left as it was. "
        "Please report this, with that file.",
        file=sys.stderr,
    )
    return EXIT_CRASH
