"""`planner doctor`: check every data file and what they hold together, say what is wrong and what to do, and
(with `--repair`) fix what can be fixed without a person's judgement, saying what changed.

Checks: each file parses, is planner's, has a schema this planner reads and the kind its place says; ids are unique;
each entry lives in the month file of its start, ends after it starts and lasts at most 28 days; no two entries
overlap; at most one timer runs; every entry, block and the timer belong to an engagement that exists; the logged
totals and id counters agree with the entries; no half-finished change or stray temporary file is left; files are
yours alone (0600, folders 0700); every backup holds what its manifest lists (size and SHA-256 of each file).

Repairs (always in one transaction of the store, so a backup of the state before is kept): permissions, leftover
temporary files and an interrupted change, entries moved to the right month file, a duplicate id given a fresh one,
a missing engagement recreated (archived, named `missing-<id>`) so its history is kept, totals and counters
recomputed. Overlaps, entries that end before they start, a second timer and damaged files are left to you: doctor
says how, naming a backup to restore from (one that is sound, and only for a file this planner can read: a file
from a newer planner calls for upgrading planner, never for an older backup).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from planner.backups import BACKUP_DIR, list_backups, read_regular
from planner.errors import PlannerError
from planner.layout import JOURNAL_FILE, LOCK_FILE, layout_problems
from planner.model import MAX_LOG_SPAN
from planner.schedule import format_local, month_key, parse_stored_moment
from planner.store import SCHEMA, TMP_SUFFIX, Store, load_data_file


@dataclass
class Problem:
    where: str  # a file, relative to the data folder, or "data folder"
    message: str  # what is wrong and what to do
    repairable: bool = False


def examine(root: Path) -> list[Problem]:
    """Everything wrong with the data folder at `root`; an empty list when all is well. Never follows a symbolic
    link: a link, or a folder where a file belongs (or the other way round), is named as a problem of its own."""
    problems: list[Problem] = []
    if not os.path.lexists(root):
        return problems
    try:
        _examine(root, problems)
        _check_backups(root, problems)
    except OSError as error:  # a path that vanished or cannot be read midway: name it, never a traceback
        where = Path(error.filename) if error.filename else root
        problems.append(Problem(_rel(root, where), f"cannot read it: {error.strerror}; check its permissions"))
    return problems


def _examine(root: Path, problems: list[Problem]) -> None:
    layout = layout_problems(root)
    for path, message in layout:
        problems.append(Problem(_rel(root, path), _short_message(message, root)))
    if not os.path.isdir(root):
        return  # not a folder at all
    _check_links_in_backups(root, problems)
    _check_modes(root, problems)
    _check_leftovers(root, problems)
    documents: dict[Path, dict] = {}
    for file in _data_files(root):
        try:
            documents[file] = load_data_file(root / file, file)
        except PlannerError as error:
            hint = "" if "check its permissions" in str(error) else f" {_restore_hint(root, file)}"
            problems.append(Problem(str(file), f"{_short(error, root)}{hint}"))
    if os.path.lexists(root / "planner.json") and Path("planner.json") not in documents:
        return  # named above; nothing else can be checked without it
    main = documents.get(Path("planner.json"), {})
    complete = not problems or all(problem.repairable for problem in problems)
    engagements = {int(key) for key in main.get("engagements", {})}
    state = main.get("state", {}).get("1", {})
    _check_logs(documents, engagements, state, main, problems, complete=complete)
    _check_blocks(documents, main, engagements, state, problems, complete=complete)
    _check_income(main, engagements, problems)


def _check_income(main: dict, engagements: set[int], problems: list[Problem]) -> None:
    """Income entries, milestones and delegated tasks belong to an engagement that exists (else their sums drop out
    of every total), and a task to a person who exists."""
    people = {int(key) for key in main.get("people", {})}
    for key, doc in main.get("tasks", {}).items():
        if doc.get("person_id") not in people:
            problems.append(
                Problem(
                    "planner.json",
                    f"task {key} is handed to person {doc.get('person_id')}, who does not exist;"
                    " --repair recreates them (archived)",
                    True,
                )
            )
        if doc.get("for_id") is not None and doc.get("for_id") not in engagements:
            problems.append(
                Problem(
                    "planner.json",
                    f"task {key} is for engagement {doc.get('for_id')}, which does not exist;"
                    " --repair recreates it (archived)",
                    True,
                )
            )
    for table, what in (("income", "income entry"), ("milestones", "milestone")):
        for key, doc in main.get(table, {}).items():
            if doc.get("engagement_id") not in engagements:
                problems.append(
                    Problem(
                        "planner.json",
                        f"{what} {key} belongs to engagement {doc.get('engagement_id')}, which does not exist;"
                        " --repair recreates it (archived)",
                        True,
                    )
                )


def _data_files(root: Path) -> list[Path]:
    """The data files of the folder that are files (no link, no folder: those are named as problems), relative."""
    found = [Path("planner.json")] if _is(root / "planner.json", stat.S_ISREG) else []
    for kind in ("logs", "blocks"):
        if not _is(root / kind, stat.S_ISDIR):
            continue
        with contextlib.suppress(OSError), os.scandir(root / kind) as entries:  # an unreadable folder is named
            found += sorted(
                Path(kind) / entry.name
                for entry in entries
                if entry.name.endswith(".json")
                and not entry.name.startswith(".")
                and entry.is_file(follow_symlinks=False)
            )
    return found


def _is(path: Path, kind) -> bool:
    """Whether `path` itself (never what a link points to) is of `kind` (stat.S_ISREG, stat.S_ISDIR)."""
    try:
        return bool(kind(os.lstat(path).st_mode))
    except OSError:
        return False


def _short_message(message: str, root: Path) -> str:
    return message.replace(f"{root}/", "")


def _check_links_in_backups(root: Path, problems: list[Problem]) -> None:
    """Name every symbolic link inside backups/: a restore never reads through one, --repair never touches one."""
    for path in _walk(root / BACKUP_DIR)[2]:
        problems.append(
            Problem(
                _rel(root, path),
                "is a symbolic link; planner never follows a link out of its data folder: move it away",
            )
        )


def _walk(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(folders, regular files, symbolic links) under `folder`, never following a link; unreadable folders are
    skipped (their own mode is reported)."""
    folders: list[Path] = []
    files: list[Path] = []
    links: list[Path] = []
    if not _is(folder, stat.S_ISDIR):
        return folders, files, links
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    path = Path(entry.path)
                    if entry.is_symlink():
                        links.append(path)
                    elif entry.is_dir(follow_symlinks=False):
                        folders.append(path)
                        pending.append(path)
                    elif entry.is_file(follow_symlinks=False):
                        files.append(path)
        except OSError:
            continue
    return sorted(folders), sorted(files), sorted(links)


def _short(error: PlannerError, root: Path) -> str:
    return str(error).replace(f"{root}/", "").split("; planner will not touch it")[0] + "."


def _restore_hint(root: Path, file: Path) -> str:
    if _newer_schema(root / file):
        return (
            "Install the planner that wrote it (e.g. pip install --upgrade planner); restoring a backup or moving the "
            "file away would lose what it wrote."
        )
    try:
        backups = list_backups(root)
    except (OSError, PlannerError):
        backups = []
    for backup in reversed(backups):
        if backup.check() is not None:
            break  # neither it nor any backup before it can be restored
        if str(file) not in backup.held:
            continue
        try:
            backup.read(file)  # as its manifest vouches for it
            load_data_file(backup.path / file, file)  # a copy holding the same bad record is no help
        except PlannerError:
            continue
        return (
            f"Move it away and restore the backup: 'planner backup restore {backup.label}' (the current state is "
            "kept), or repair the file by hand."
        )
    return "Move it away (planner then starts that file empty) or repair it by hand; no backup holds a good copy."


def _newer_schema(path: Path) -> bool:
    """Whether the file at `path` says a newer planner wrote it."""
    try:
        schema = json.loads(read_regular(path))["_meta"]["1"]["schema"]
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        return False
    return isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA


def _check_backups(root: Path, problems: list[Problem]) -> None:
    """Each backup against its manifest: one that does not match cannot be restored, nor can a moment before it."""
    try:
        backups = list_backups(root)
    except (OSError, PlannerError):
        return  # a linked or unreadable backups/ is named with the layout and the modes
    for backup in backups:
        problem = backup.check(full=True)
        if problem is not None:
            problems.append(
                Problem(
                    _rel(root, backup.path),
                    f"backup {backup.label} is damaged or incomplete: {problem}; restoring it, or any backup taken "
                    "before it, is refused (those taken after it are unaffected); pruning drops it after 30 days",
                )
            )


def _open_to_others(root: Path) -> tuple[list[Path], list[Path]]:
    """The folders that are not 0700 and the data, lock and backup files that are not 0600: only real folders and
    regular files, never a link nor what it points to (the data folder itself may be a link to a folder)."""
    backup_folders, backup_files, _ = _walk(root / BACKUP_DIR)
    folders = [folder for folder in (root / "logs", root / "blocks", root / BACKUP_DIR) if _is(folder, stat.S_ISDIR)]
    folders += backup_folders
    open_folders = [folder for folder in folders if _mode(folder, follow=False) != 0o700]
    if _mode(root, follow=True) not in (None, 0o700):
        open_folders.insert(0, root)
    files = [root / file for file in _data_files(root)]
    files += [root / name for name in (LOCK_FILE, JOURNAL_FILE) if _is(root / name, stat.S_ISREG)]
    files += backup_files
    return open_folders, [path for path in files if _mode(path, follow=False) not in (None, 0o600)]


def _mode(path: Path, *, follow: bool) -> int | None:
    try:
        return stat.S_IMODE((os.stat if follow else os.lstat)(path).st_mode)
    except OSError:
        return None


def _check_modes(root: Path, problems: list[Problem]) -> None:
    open_folders, loose = _open_to_others(root)
    for folder in open_folders:
        mode = _mode(folder, follow=folder == root) or 0
        what = "is readable by others" if mode & 0o077 else "cannot be used by you"
        problems.append(Problem(_rel(root, folder), f"folder {what} (mode {mode:03o}); --repair makes it 0700", True))
    closed = [path for path in loose if not (_mode(path, follow=False) or 0) & 0o077]
    shared = [path for path in loose if path not in closed]
    if shared:
        problems.append(
            Problem(_rel(root, shared[0]), f"{len(shared)} file(s) readable by others; --repair makes them 0600", True)
        )
    if closed:
        problems.append(
            Problem(
                _rel(root, closed[0]),
                f"{len(closed)} file(s) you cannot read or write (mode {_mode(closed[0], follow=False) or 0:03o});"
                " --repair makes them 0600",
                True,
            )
        )


def _make_private(path: Path, mode: int) -> None:
    """chmod `path` to `mode` only if it is still a regular file or folder, never through a symbolic link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except PermissionError:  # mode 000 and not root: it cannot be opened, but its owner may chmod it
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
            os.chmod(path, mode)
        return
    try:
        kind = os.fstat(fd).st_mode
        if stat.S_ISREG(kind) or stat.S_ISDIR(kind):
            os.fchmod(fd, mode)
    finally:
        os.close(fd)


def _rel(root: Path, path: Path) -> str:
    if path == root:
        return "data folder"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _check_leftovers(root: Path, problems: list[Problem]) -> None:
    if _is(root / JOURNAL_FILE, stat.S_ISREG):
        problems.append(Problem(JOURNAL_FILE, "a change was interrupted; --repair (or any command) finishes it", True))
    for folder in (root, root / "logs", root / "blocks", root / BACKUP_DIR):  # backups/: one being built or dropped
        if folder == root or _is(folder, stat.S_ISDIR):
            try:
                names = os.listdir(folder)
            except OSError:
                continue  # named with the folder's mode or as unreadable
            stray = [name for name in names if name.startswith(".") and name.endswith(TMP_SUFFIX)]
            if stray:
                problems.append(
                    Problem(
                        _rel(root, folder / stray[0]),
                        f"{len(stray)} leftover temporary file(s); --repair removes them",
                        True,
                    )
                )


def _check_logs(
    documents: dict[Path, dict],
    engagements: set[int],
    state: dict,
    main: dict,
    problems: list[Problem],
    *,
    complete: bool = True,
) -> None:
    """Entries, the timer, the log id counter and the logged totals; the last two only when every file could be
    read (`complete`), since a damaged file's entries are unknown."""
    entries: dict[int, str] = {}  # id → the file it is in
    intervals: list[tuple[datetime, datetime, int]] = []
    totals: dict[int, int] = {}
    for file, data in sorted(documents.items()):
        if file.parent.name != "logs":
            continue
        for key, doc in data.get("logs", {}).items():
            where = str(file)
            entry_id = int(key)
            if entry_id in entries:
                problems.append(
                    Problem(
                        where,
                        f"log id {entry_id} is also in {entries[entry_id]}; --repair gives this one a new id",
                        True,
                    )
                )
            entries[entry_id] = where
            try:
                start = parse_stored_moment(doc["start"])
                end = None if doc.get("end") is None else parse_stored_moment(doc["end"])
            except (PlannerError, KeyError, TypeError):
                problems.append(
                    Problem(where, f"log {entry_id} has no readable start or end; fix it by hand or restore a backup")
                )
                continue
            if doc.get("engagement_id") not in engagements:
                problems.append(
                    Problem(
                        where,
                        f"log {entry_id} belongs to engagement {doc.get('engagement_id')}, which does not exist;"
                        " --repair recreates it (archived) to keep the history",
                        True,
                    )
                )
            if month_key(start) != file.stem:
                problems.append(
                    Problem(
                        where,
                        f"log {entry_id} starts in {month_key(start)}, not in this month file; --repair moves it",
                        True,
                    )
                )
            if end is None:
                problems.append(
                    Problem(
                        where,
                        f"log {entry_id} has no end: a second running timer;"
                        f" give it one with 'planner log edit {entry_id} --end T'",
                    )
                )
                continue
            if end <= start:
                problems.append(
                    Problem(
                        where,
                        f"log {entry_id} ends ({format_local(end)}) before it starts ({format_local(start)});"
                        f" fix it with 'planner log edit {entry_id}' or remove it",
                    )
                )
                continue
            if end - start > MAX_LOG_SPAN:
                problems.append(
                    Problem(
                        where,
                        f"log {entry_id} lasts more than 28 days;"
                        f" split or shorten it with 'planner log edit {entry_id}'",
                    )
                )
            intervals.append((start, end, entry_id))
            engagement_id = doc.get("engagement_id")
            if isinstance(engagement_id, int):
                totals[engagement_id] = totals.get(engagement_id, 0) + round((end - start).total_seconds())
    timer = state.get("timer")
    if timer:
        try:
            start = parse_stored_moment(timer["start"])
            if timer.get("engagement_id") not in engagements:
                problems.append(
                    Problem(
                        "planner.json",
                        f"the running timer belongs to engagement {timer.get('engagement_id')}, which does not exist;"
                        " --repair recreates it (archived)",
                        True,
                    )
                )
            intervals.append((start, datetime.max.replace(tzinfo=start.tzinfo), int(timer.get("id", 0))))
        except (PlannerError, KeyError, TypeError, ValueError):
            problems.append(
                Problem(
                    "planner.json", "the running timer is unreadable; stop it with 'planner stop' or restore a backup"
                )
            )
    intervals.sort()
    latest_end: datetime | None = None
    latest_id = 0
    for start, end, entry_id in intervals:
        if latest_end is not None and start < latest_end:
            problems.append(
                Problem(
                    "logs",
                    f"log {entry_id} ({format_local(start)}) overlaps log {latest_id};"
                    " shorten or remove one with 'planner log edit' or 'planner log rm'",
                )
            )
        if latest_end is None or end > latest_end:
            latest_end, latest_id = end, entry_id
    if not complete:
        return
    highest = max([*entries, int(timer.get("id", 0)) if timer else 0], default=0)
    if int(state.get("next_log", 1)) <= highest:
        problems.append(
            Problem(
                "planner.json",
                f"the next log id ({state.get('next_log', 1)}) is not above the highest one in use ({highest});"
                " --repair raises it",
                True,
            )
        )
    if state.get("usage_ready"):
        stored = {int(key): doc.get("seconds", 0) for key, doc in main.get("usage", {}).items()}
        if {key: value for key, value in stored.items() if value} != {
            key: value for key, value in totals.items() if value
        }:
            problems.append(
                Problem(
                    "planner.json",
                    "the logged totals per engagement disagree with the entries; --repair recomputes them",
                    True,
                )
            )


def _check_blocks(
    documents: dict[Path, dict],
    main: dict,
    engagements: set[int],
    state: dict,
    problems: list[Problem],
    *,
    complete: bool = True,
) -> None:
    seen: dict[int, str] = {}
    sources = [("planner.json", main.get("series", {}))]
    sources += [
        (str(file), data.get("blocks", {})) for file, data in sorted(documents.items()) if file.parent.name == "blocks"
    ]
    for where, table in sources:
        for key, doc in table.items():
            block_id = int(key)
            if block_id in seen:
                problems.append(
                    Problem(
                        where,
                        f"block id {block_id} is also in {seen[block_id]}; --repair gives this one a new id",
                        True,
                    )
                )
            seen[block_id] = where
            if doc.get("engagement_id") not in engagements:
                problems.append(
                    Problem(
                        where,
                        f"block {block_id} belongs to engagement {doc.get('engagement_id')}, which does not exist;"
                        " --repair recreates it (archived)",
                        True,
                    )
                )
    highest = max(seen, default=0)
    if complete and int(state.get("next_block", 1)) <= highest:
        problems.append(
            Problem(
                "planner.json",
                f"the next block id ({state.get('next_block', 1)}) is not above the highest one in use ({highest});"
                " --repair raises it",
                True,
            )
        )


def repair(store: Store) -> list[str]:
    """Fix what can be fixed safely; return a sentence for each change. Damaged files stop it before anything."""
    root = store.root
    done: list[str] = []
    if not root.exists():
        return done
    open_folders, loose = _open_to_others(root)
    for folder in open_folders:
        if folder == root:
            os.chmod(folder, 0o700)  # the data folder itself, even through a link to it
        else:
            _make_private(folder, 0o700)
        done.append(f"made {_rel(root, folder)} private (0700)")
    for path in loose:
        _make_private(path, 0o600)
    if loose:
        done.append(f"made {len(loose)} file(s) private (0600)")
    leftovers: list[Problem] = []
    _check_leftovers(root, leftovers)
    if leftovers:
        try:
            store.recover()
            done.append("finished an interrupted change and removed leftover temporary files")
        except PlannerError:
            pass  # a damaged or linked path stops it; examine() names it and what to do
    # a damaged file stops the content repairs: examine() names it and what to do; the rest waits until then
    with contextlib.suppress(PlannerError):
        done += store.repair_contents()
    return done
