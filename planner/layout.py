"""The data folder's layout, read without the domain model: where it is, its paths, the checks that refuse a
symbolic link or a path of the wrong kind, and the one way a data file is read. planner.store builds on it; so does
planner.glance, which answers a shell prompt without loading the model.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys

from planner.errors import StoreError, ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

SCHEMA = 1
APP = "planner"
MAIN_FILE = "planner.json"
LOCK_FILE = ".lock"
JOURNAL_FILE = ".journal.json"
BACKUP_DIR = "backups"
SHARD_KINDS = ("logs", "blocks")
#: The checksums of the data files as planner last wrote them (see `seal`).
SEAL_FILE = ".seal.json"


def data_folder(root: Path | str | None) -> Path:
    """The data folder --db names (`root`), else the default one."""
    from pathlib import Path

    return Path(folder_text(root))


def folder_text(root: Path | str | None) -> str:
    """The data folder (--db's `root`, else $PLANNER_DB, else the platform's user data folder) as text, `~` and
    `~user` read as home folders. Text, not a Path: a prompt's `status` does not load pathlib (3 ms) for it."""
    if isinstance(root, str) and not root.strip():  # Path("") is the current folder
        raise ValidationError("--db '' names no folder; give the data folder, or leave --db out for the default")
    if root is not None:
        return _expanded(str(root), "--db")
    env = os.environ.get("PLANNER_DB")
    if env and env.strip():
        return _expanded(env, "PLANNER_DB")
    found = _xdg_data_folder()
    if found is not None:
        return found
    import platformdirs

    return str(platformdirs.user_data_path(APP))


def _xdg_data_folder() -> str | None:
    """The user data folder platformdirs gives on Linux, in the cases it takes from the environment alone:
    $XDG_DATA_HOME/planner, else $HOME/.local/share/planner, each when absolute; None in every other case (another
    system, no usable HOME), which platformdirs itself answers. Loading platformdirs costs a prompt 10 ms, a third of
    `status`; tests check this against platformdirs."""
    if not sys.platform.startswith("linux"):
        return None
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if xdg.startswith("/"):
        return os.path.normpath(os.path.join(xdg, APP))
    home = os.environ.get("HOME", "")
    if home.startswith("/"):
        return os.path.normpath(os.path.join(os.path.expanduser("~/.local/share"), APP))
    return None


def _expanded(text: str, source: str) -> str:
    """The folder `text` names, `~` and `~user` read as home folders."""
    expanded = os.path.expanduser(text)
    if expanded.startswith("~"):  # ~nobody: no such user, or no home folder to be found
        raise ValidationError(
            f"{source} '{text}' starts with a home folder that cannot be found; give the folder's full path"
        )
    return expanded


# ---------------------------------------------------------------- the seal


def seal(root: Path, written: dict[str, bytes]) -> None:
    """Note the checksum (CRC-32 and size) of each data file a change has just written, by its name in the folder.

    Every command checks each record of a file it reads with the model's own validation, which takes the model and
    dataclasses to load: more than a shell prompt can pay every few seconds. A file whose bytes are the ones planner
    wrote was sound when written, so `sealed` hands those bytes to planner.glance unchecked; any other change (an
    edit by hand, damage, a restored backup) breaks the checksum and the prompt takes the long way, which checks
    every record and refuses a damaged file as every command does. A seal that is lost, torn or stale only costs
    that time: it is written after the data, without a flush. It is a checksum, not a signature (anyone who can
    write planner.json can write a matching seal), so only what a prompt shows trusts it, planner.glance checking
    and escaping each field it shows; no command that reads data to change it does."""
    import zlib
    from contextlib import suppress

    from planner.files import write_temp

    entries = _seal_entries(root)
    for name, payload in written.items():
        entries[name] = [zlib.crc32(payload), len(payload)]
    with suppress(OSError):  # the data is written; without a seal the next prompt reads it the long way
        temporary = write_temp(root / SEAL_FILE, json.dumps(entries).encode(), durable=False)
        try:
            os.replace(temporary, root / SEAL_FILE)
        except OSError:  # a folder where the seal belongs, say: no seal, and nothing left behind
            temporary.unlink(missing_ok=True)


def _seal_entries(root: Path | str) -> dict[str, list[int]]:
    try:
        read = _read_file(os.path.join(root, SEAL_FILE))
        entries = json.loads(read[0]) if read is not None else {}
    except (StoreError, OSError, ValueError, RecursionError):  # a seal of any other kind is no seal
        return {}
    if not isinstance(entries, dict):
        return {}
    return {
        name: value
        for name, value in entries.items()
        if isinstance(value, list) and len(value) == 2 and all(type(number) is int for number in value)
    }


def sealed(root: Path | str, name: str) -> bytes | None:
    """The bytes of the data file `name` when they are exactly those planner last wrote there, else None."""
    import zlib

    entry = _seal_entries(root).get(name)
    if entry is None:
        return None
    try:
        read = _read_file(os.path.join(root, name))
    except StoreError:
        return None
    if read is None or len(read[0]) != entry[1] or zlib.crc32(read[0]) != entry[0]:
        return None
    return read[0]


# ---------------------------------------------------------------- reading and checking the layout


def _read_file(path: Path | str) -> tuple[bytes, tuple[int, ...]] | None:
    """The bytes of the data file at `path` and the identity of what was read, None when there is no file. Never
    follows a symbolic link, never waits on a pipe, and reads only a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(_os_problem(exc, path)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # before a file object is made: a folder would fail that, named by its fd
        os.close(fd)
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise StoreError(f"{path} is {what} where planner keeps a data file; move it away, then try again")
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read()
        except OSError as exc:
            raise StoreError(_os_problem(exc, path)) from None
    return raw, (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _os_problem(exc: OSError, path: Path | str | None = None) -> str:
    """One line for a file system error on a path of the data folder: which path, and what to do."""
    where = exc.filename if exc.filename is not None else path
    if exc.errno == errno.ELOOP:
        return (
            f"{where} is a symbolic link; planner never follows a link out of its data folder: "
            "put the file or folder itself there, or move the link away"
        )
    if exc.errno == errno.ENOTDIR:
        return f"a part of {where} is a file where planner keeps a folder; move it away, then try again"
    if exc.errno == errno.EISDIR:
        return f"{where} is a folder where planner keeps a file; move it away, then try again"
    if isinstance(exc, PermissionError):
        return f"cannot use {where}: {exc.strerror}; check its permissions (and those of the folders it is in)"
    return f"cannot use {where}: {exc.strerror or exc}"


#: The data folder's own paths: (name, whether it is a folder). None of them may be a symbolic link.
_LAYOUT = ((MAIN_FILE, False), (LOCK_FILE, False), (JOURNAL_FILE, False), ("logs", True), ("blocks", True))


def layout_problems(root: Path) -> list[tuple[Path, str]]:
    """What is wrong with the paths of the data folder at `root`, found without following any link: a symbolic link
    (to anywhere: planner never follows one out of its data folder), a folder where a file belongs or a file where a
    folder belongs, a folder that cannot be read. Each as (path, one line naming it). The folder itself may be a
    link (people keep their data elsewhere that way); what is in it may not."""
    from pathlib import Path

    return [(Path(path), message) for path, message in layout_problem_texts(str(root))]


def layout_problem_texts(root: str) -> list[tuple[str, str]]:
    """`layout_problems` with the paths as text (what a prompt's `status` asks, without loading pathlib)."""
    try:
        if not stat.S_ISDIR(os.stat(root).st_mode):
            return [(root, f"{root} is a file, not a folder; point --db or PLANNER_DB at a folder")]
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [(root, _os_problem(exc, root))]
    problems: list[tuple[str, str]] = []
    for name, folder in (*_LAYOUT, (BACKUP_DIR, True)):
        path = os.path.join(root, name)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        except PermissionError as exc:  # the folder itself cannot be searched: name it, once
            exc.filename = str(root)
            return [(root, _os_problem(exc, root))]
        except OSError as exc:
            problems.append((path, _os_problem(exc, path)))
            continue
        if stat.S_ISLNK(mode):
            problems.append((path, _link_problem(path)))
        elif folder and not stat.S_ISDIR(mode):
            problems.append((path, f"{path} is a file where planner keeps a folder; move it away, then try again"))
        elif not folder and not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            problems.append((path, f"{path} is {what} where planner keeps a file; move it away, then try again"))
        elif folder:
            try:
                with os.scandir(path) as entries:  # the kind of each entry comes with the listing: no stat calls
                    for entry in entries:
                        if name != BACKUP_DIR and (entry.name.startswith(".") or not entry.name.endswith(".json")):
                            continue
                        if entry.is_symlink():
                            problems.append((entry.path, _link_problem(entry.path)))
                        elif name != BACKUP_DIR and not entry.is_file(follow_symlinks=False):
                            problems.append(
                                (
                                    entry.path,
                                    f"{entry.path} is not a file, where planner keeps a month file; "
                                    "move it away, then try again",
                                )
                            )
            except OSError as exc:
                problems.append((path, _os_problem(exc, path)))
    return problems


def _link_problem(path: Path | str) -> str:
    return (
        f"{path} is a symbolic link; planner never follows a link out of its data folder: "
        "put the file or folder itself there, or move the link away"
    )


def check_layout(root: Path) -> None:
    """Refuse, naming it, the first of `layout_problems`."""
    problems = layout_problem_texts(str(root))
    if problems:
        raise StoreError(problems[0][1])
