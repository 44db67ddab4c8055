"""Dated backups inside the data folder (`backups/`), and restoring the folder to one of them. Used by the store
only, under its lock.

Before the first change of an hour to a data file, its current content is copied into that hour's backup folder
(`backups/2026-11-25T150000Z/logs/2026-11.json`); a file that did not exist yet is noted as absent. So each hour's
folder holds every file as it was when the hour's changes began, and the whole data folder as it was at that moment
is: for each file, its copy in the earliest backup from then on that has one, else the file as it is now. Copies,
not links: a backup never shares its bytes with a live file that something might damage in place.

Pruning keeps every hour of the last 2 days and the first backup of each day for 30 days. A backup that goes hands
its files to the backup before it (when that one has none of them), so every moment still kept stays whole. Before a
restore, a complete copy of the current state is kept as a backup of its own, so the restore can be undone.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from planner.files import fsync_dir, write_private

BACKUP_DIR = "backups"
META = ".backup.json"
KEEP_HOURLY = timedelta(days=2)
KEEP_DAILY = timedelta(days=30)
_NAME_FORMAT = "%Y-%m-%dT%H%M%SZ"


def data_files(root: Path) -> list[Path]:
    """The data files of a folder (main file and month files), relative to it."""
    found = [Path("planner.json")] if (root / "planner.json").is_file() else []
    for kind in ("logs", "blocks"):
        folder = root / kind
        if folder.is_dir():
            found += sorted(
                Path(kind) / name for name in os.listdir(folder) if name.endswith(".json") and not name.startswith(".")
            )
    return found


@dataclass
class Backup:
    path: Path
    when: datetime  # UTC: the moment whose state it restores
    note: str = ""
    complete: bool = False  # a full copy (taken before a restore); else the files changed in its hour
    absent: list[str] = field(default_factory=list)  # files that did not exist yet at `when`

    @property
    def label(self) -> str:
        """The `when` people and scripts pass to `planner backup restore`."""
        return self.when.isoformat()

    def files(self) -> list[Path]:
        return data_files(self.path)

    def holds(self, file: Path) -> bool:
        return (self.path / file).is_file() or str(file) in self.absent or self.complete

    def describe(self) -> dict[str, object]:
        files = self.files()
        return {
            "when": self.label,
            "files": [str(file) for file in files],
            "absent": list(self.absent),
            "complete": self.complete,
            "bytes": sum((self.path / file).stat().st_size for file in files),
            "note": self.note,
        }

    def save_meta(self) -> None:
        meta = {"when": self.label, "note": self.note, "complete": self.complete, "absent": self.absent}
        write_private(self.path / META, json.dumps(meta).encode())


def _read(path: Path, when: datetime) -> Backup:
    backup = Backup(path, when)
    try:
        meta = json.loads((path / META).read_text())
        backup.note = str(meta.get("note", ""))
        backup.complete = bool(meta.get("complete", False))
        backup.absent = [str(item) for item in meta.get("absent", [])]
    except (OSError, ValueError, AttributeError, TypeError):
        pass  # a backup whose note a crash cut short: its files are what it holds
    return backup


def list_backups(root: Path) -> list[Backup]:
    """Every backup, oldest first."""
    folder = root / BACKUP_DIR
    if not folder.is_dir():
        return []
    found = []
    for name in os.listdir(folder):
        try:
            when = datetime.strptime(name, _NAME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            continue  # not a backup
        found.append(_read(folder / name, when))
    found.sort(key=lambda backup: backup.when)
    return found


def _folder(root: Path) -> Path:
    folder = root / BACKUP_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _new_backup(root: Path, when: datetime, note: str = "", complete: bool = False) -> Backup:
    backup = Backup(_folder(root) / when.strftime(_NAME_FORMAT), when, note, complete)
    backup.path.mkdir(mode=0o700)
    for kind in ("logs", "blocks"):
        (backup.path / kind).mkdir(mode=0o700)
    backup.save_meta()
    fsync_dir(backup.path.parent)
    return backup


def _keep_copy(root: Path, backup: Backup, file: Path) -> None:
    if (root / file).is_file():
        write_private(backup.path / file, (root / file).read_bytes())
        fsync_dir((backup.path / file).parent)
    else:
        backup.absent.append(str(file))
        backup.save_meta()


def before_change(root: Path, files: list[Path], now: datetime) -> None:
    """Keep, in this hour's backup, each of `files` (relative) as it is before its first change of the hour."""
    if not (root / "planner.json").exists():
        return  # a new, empty data folder: nothing to keep yet
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    path = root / BACKUP_DIR / hour.strftime(_NAME_FORMAT)
    if path.is_dir():  # the common case, read alone: a change costs the same with 30 days of backups
        current = _read(path, hour)
    else:
        current = _new_backup(root, hour)
        prune(root, hour)
    for file in files:
        if not current.holds(file):
            _keep_copy(root, current, file)


def keep_everything(root: Path, now: datetime, note: str) -> Backup | None:
    """A complete copy of the data folder as it is now (before a restore)."""
    files = data_files(root)
    if not files:
        return None
    when = now.astimezone(UTC).replace(microsecond=0)
    taken = {backup.when for backup in list_backups(root)}
    while when in taken or (when.minute, when.second) == (0, 0):  # its `when` must name it alone, not an hour
        when += timedelta(seconds=1)
    backup = _new_backup(root, when, note, complete=True)
    for file in files:
        _keep_copy(root, backup, file)
    return backup


def _files_named(root: Path, backups: list[Backup]) -> set[Path]:
    """Every data file that exists now or that one of `backups` holds or notes as absent."""
    names = set(data_files(root))
    for backup in backups:
        names.update(backup.files())
        names.update(Path(name) for name in backup.absent)
    return names


def state_at(root: Path, backup: Backup) -> dict[Path, Path | None]:
    """The data folder as it was at `backup.when`: for each file, the path of the copy to restore, or None for a
    file that did not exist then. Files left out are as they are now."""
    later = [item for item in list_backups(root) if item.when >= backup.when]
    names = _files_named(root, later)
    state: dict[Path, Path | None] = {}
    for name in sorted(names):
        for item in later:
            if (item.path / name).is_file():
                state[name] = item.path / name
                break
            if str(name) in item.absent or item.complete:
                state[name] = None
                break
    return state


def prune(root: Path, now: datetime) -> list[Backup]:
    """Drop backups older than 30 days, and of those older than 2 days all but the first of each day, handing each
    dropped backup's files to the kept one before it. Returns what was dropped."""
    backups = list_backups(root)
    kept: list[Backup] = []
    dropped = []
    seen_days: set[str] = set()
    for backup in backups:
        age = now - backup.when
        day = backup.when.date().isoformat()
        if age > KEEP_DAILY or (age > KEEP_HOURLY and day in seen_days):
            if kept and age <= KEEP_DAILY:
                _hand_over(root, backup, kept[-1])
            shutil.rmtree(backup.path, ignore_errors=True)
            dropped.append(backup)
        else:
            kept.append(backup)
        seen_days.add(day)
    return dropped


def _hand_over(root: Path, gone: Backup, previous: Backup) -> None:
    """Give `previous` the files of `gone` it does not hold, so that its moment stays whole without `gone`."""
    if previous.complete:
        return
    for file in gone.files():
        if not previous.holds(file):
            (previous.path / file).parent.mkdir(mode=0o700, exist_ok=True)
            os.replace(gone.path / file, previous.path / file)
    absent = list(gone.absent)
    if gone.complete:  # a full copy: every file it lacks did not exist then
        absent += [str(name) for name in _files_named(root, list_backups(root)) if not (gone.path / name).is_file()]
    for name in absent:
        if not previous.holds(Path(name)):
            previous.absent.append(name)
    previous.save_meta()


def clean_leftovers(root: Path) -> None:
    """Remove the temporary files of a backup copy a crash interrupted (only the newest backup is ever written)."""
    backups = list_backups(root)
    if not backups:
        return
    for folder in (backups[-1].path, backups[-1].path / "logs", backups[-1].path / "blocks"):
        if folder.is_dir():
            for name in os.listdir(folder):
                if name.startswith(".") and name.endswith(".tmp"):
                    (folder / name).unlink(missing_ok=True)


def find(root: Path, when: str) -> Backup:
    """The backup whose `when` is `when`, or starts with it (one only)."""
    from planner.errors import ValidationError

    backups = list_backups(root)
    wanted = when.strip()
    exact = [backup for backup in backups if backup.label == wanted or backup.path.name == wanted]
    matches = exact or [backup for backup in backups if backup.label.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not backups:
        raise ValidationError(f"there are no backups yet in {root}; one is kept before the first change of each hour")
    if not matches:
        raise ValidationError(f"no backup from '{wanted}'; see 'planner backup list' for the ones there are")
    raise ValidationError(f"'{wanted}' matches {len(matches)} backups; give more of its time, e.g. {matches[0].label}")
