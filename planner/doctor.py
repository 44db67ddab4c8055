"""`planner doctor`: check every data file and what they hold together, say what is wrong and what to do, and
(with `--repair`) fix what can be fixed without a person's judgement, saying what changed.

Checks: each file parses, is planner's, has a schema this planner reads and the kind its place says; ids are unique;
each entry lives in the month file of its start, ends after it starts and lasts at most 28 days; no two entries
overlap; at most one timer runs; every entry, block and the timer belong to an engagement that exists; the logged
totals and id counters agree with the entries; no half-finished change or stray temporary file is left; files are
yours alone (0600, folders 0700).

Repairs (always in one transaction of the store, so a backup of the state before is kept): permissions, leftover
temporary files and an interrupted change, entries moved to the right month file, a duplicate id given a fresh one,
a missing engagement recreated (archived, named `missing-<id>`) so its history is kept, totals and counters
recomputed. Overlaps, entries that end before they start, a second timer and damaged files are left to you: doctor
says how, naming a backup to restore from.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from planner.backups import BACKUP_DIR, data_files, list_backups
from planner.errors import PlannerError
from planner.model import MAX_LOG_SPAN
from planner.schedule import format_local, month_key, parse_stored_moment
from planner.store import JOURNAL_FILE, TMP_SUFFIX, Store, load_data_file


@dataclass
class Problem:
    where: str  # a file, relative to the data folder, or "data folder"
    message: str  # what is wrong and what to do
    repairable: bool = False


def examine(root: Path) -> list[Problem]:
    """Everything wrong with the data folder at `root`; an empty list when all is well."""
    problems: list[Problem] = []
    if not root.exists():
        return problems
    _check_modes(root, problems)
    _check_leftovers(root, problems)
    documents: dict[Path, dict] = {}
    for file in data_files(root):
        try:
            documents[file] = load_data_file(root / file, file)
        except PlannerError as error:
            problems.append(Problem(str(file), f"{_short(error, root)} {_restore_hint(root, file)}"))
    main = documents.get(Path("planner.json"))
    if main is None:
        if (root / "planner.json").exists():
            return problems  # named above; nothing else can be checked without it
        main = {}
    engagements = {int(key) for key in main.get("engagements", {})}
    state = main.get("state", {}).get("1", {})
    _check_logs(documents, engagements, state, main, problems)
    _check_blocks(documents, main, engagements, state, problems)
    return problems


def _short(error: PlannerError, root: Path) -> str:
    return str(error).replace(f"{root}/", "").split("; planner will not touch it")[0] + "."


def _restore_hint(root: Path, file: Path) -> str:
    for backup in reversed(list_backups(root)):
        copy = backup.path / file
        if copy.exists():
            try:
                json.loads(copy.read_bytes())
            except ValueError:
                continue
            return (
                f"Move it away and restore the backup: 'planner backup restore {backup.label}' (the current state is "
                "kept), or repair the file by hand."
            )
    return "Move it away (planner then starts that file empty) or repair it by hand; no backup holds a good copy."


def _open_to_others(root: Path) -> tuple[list[Path], list[Path]]:
    """The folders that are not 0700 and the data and backup files that are not 0600."""
    folders = [root, *(root / kind for kind in ("logs", "blocks", BACKUP_DIR))]
    open_folders = [folder for folder in folders if folder.is_dir() and stat.S_IMODE(folder.stat().st_mode) != 0o700]
    files = [root / file for file in data_files(root)]
    if (root / BACKUP_DIR).is_dir():
        files += [path for path in (root / BACKUP_DIR).rglob("*") if path.is_file()]
    return open_folders, [path for path in files if stat.S_IMODE(path.stat().st_mode) != 0o600]


def _check_modes(root: Path, problems: list[Problem]) -> None:
    open_folders, loose = _open_to_others(root)
    for folder in open_folders:
        problems.append(Problem(_rel(root, folder), "folder is readable by others; --repair makes it 0700", True))
    if loose:
        problems.append(
            Problem(_rel(root, loose[0]), f"{len(loose)} file(s) readable by others; --repair makes them 0600", True)
        )


def _rel(root: Path, path: Path) -> str:
    return "data folder" if path == root else str(path.relative_to(root))


def _check_leftovers(root: Path, problems: list[Problem]) -> None:
    if (root / JOURNAL_FILE).exists():
        problems.append(Problem(JOURNAL_FILE, "a change was interrupted; --repair (or any command) finishes it", True))
    for folder in (root, root / "logs", root / "blocks"):
        if folder.is_dir():
            stray = [name for name in os.listdir(folder) if name.startswith(".") and name.endswith(TMP_SUFFIX)]
            if stray:
                problems.append(
                    Problem(
                        _rel(root, folder / stray[0]),
                        f"{len(stray)} leftover temporary file(s); --repair removes them",
                        True,
                    )
                )


def _check_logs(
    documents: dict[Path, dict], engagements: set[int], state: dict, main: dict, problems: list[Problem]
) -> None:
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
    documents: dict[Path, dict], main: dict, engagements: set[int], state: dict, problems: list[Problem]
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
    if int(state.get("next_block", 1)) <= highest:
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
        os.chmod(folder, 0o700)
        done.append(f"made {_rel(root, folder)} private (0700)")
    for path in loose:
        os.chmod(path, 0o600)
    if loose:
        done.append(f"made {len(loose)} file(s) private (0600)")
    leftovers: list[Problem] = []
    _check_leftovers(root, leftovers)
    if leftovers:
        store.recover()
        done.append("finished an interrupted change and removed leftover temporary files")
    # a damaged file stops the content repairs: examine() names it and what to do; the rest waits until then
    with contextlib.suppress(PlannerError):
        done += store.repair_contents()
    return done
