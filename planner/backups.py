"""Dated backups of the data folder, kept inside it under `backups/`, and restoring one. Used by the store only,
under its lock.

A backup is a whole snapshot: every data file as it was just before the first change of an hour, hard-linked into
`backups/<UTC time>/` (planner replaces a data file by renaming a new one over it, never by writing into it, so the
linked old version stays as it was and costs no copy). One snapshot an hour at most; pruned to every snapshot of the
last 2 days and the first of each day for 30 days. A snapshot is built in a hidden folder and renamed into place, so
a crash never leaves half of one; a restore is recorded in the store's journal before it renames anything.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

BACKUP_DIR = "backups"
META = ".backup.json"
KEEP_HOURLY = timedelta(days=2)
KEEP_DAILY = timedelta(days=30)
_NAME_FORMAT = "%Y-%m-%dT%H%M%SZ"


def data_files(root: Path) -> list[Path]:
    """The data files of a folder (main file and shards), relative to it."""
    found = [Path("planner.json")] if (root / "planner.json").is_file() else []
    for kind in ("logs", "blocks"):
        folder = root / kind
        if folder.is_dir():
            found += sorted(
                Path(kind) / name for name in os.listdir(folder) if name.endswith(".json") and not name.startswith(".")
            )
    return found


@dataclass(frozen=True)
class Backup:
    path: Path
    when: datetime  # UTC
    note: str

    @property
    def label(self) -> str:
        """The `when` people and scripts pass to `planner backup restore`."""
        return self.when.isoformat()

    def files(self) -> list[Path]:
        return data_files(self.path)

    def describe(self) -> dict[str, object]:
        files = self.files()
        months = sorted(file.stem for file in files if file.parent.name == "logs")
        return {
            "when": self.label,
            "files": len(files),
            "bytes": sum((self.path / file).stat().st_size for file in files),
            "log_months": [months[0], months[-1]] if months else [],
            "note": self.note,
        }


def list_backups(root: Path) -> list[Backup]:
    """Every complete snapshot, oldest first."""
    folder = root / BACKUP_DIR
    if not folder.is_dir():
        return []
    found = []
    for name in os.listdir(folder):
        if name.startswith("."):
            continue
        try:
            when = datetime.strptime(name, _NAME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            continue
        note = ""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            note = str(json.loads((folder / name / META).read_text()).get("note", ""))
        found.append(Backup(folder / name, when, note))
    found.sort(key=lambda backup: (backup.when, backup.path.name))
    return found


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def snapshot(root: Path, now: datetime, *, force: bool = False, note: str = "") -> Backup | None:
    """Keep the current data files as a backup, unless one was taken this hour (or `force`). Then prune."""
    files = data_files(root)
    if not files:
        return None
    existing = list_backups(root)
    now = now.astimezone(UTC).replace(microsecond=0)
    if not force and existing and existing[-1].when.replace(minute=0, second=0) == now.replace(minute=0, second=0):
        return None
    folder = root / BACKUP_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    taken = {backup.when for backup in existing}
    while now in taken:  # a forced one in the same second as another: its `when` must still name it alone
        now += timedelta(seconds=1)
    name = now.strftime(_NAME_FORMAT)
    building = folder / f".{name}.{os.getpid()}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(mode=0o700)
    for kind in ("logs", "blocks"):
        if any(file.parent.name == kind for file in files):
            (building / kind).mkdir(mode=0o700)
    for file in files:
        try:
            os.link(root / file, building / file)
        except OSError:  # a file system without hard links: copy instead
            shutil.copyfile(root / file, building / file)
            os.chmod(building / file, 0o600)
    meta = building / META
    meta.write_text(json.dumps({"when": now.isoformat(), "note": note}))
    os.chmod(meta, 0o600)
    for kind in ("logs", "blocks"):
        if (building / kind).is_dir():
            _fsync_dir(building / kind)
    _fsync_dir(building)
    os.replace(building, folder / name)
    _fsync_dir(folder)
    prune(root, now)
    return Backup(folder / name, now, note)


def prune(root: Path, now: datetime) -> list[Backup]:
    """Drop snapshots older than 30 days, and of those older than 2 days all but the first of each day; also the
    remains of a snapshot a crash interrupted. Returns what was dropped."""
    folder = root / BACKUP_DIR
    for name in os.listdir(folder):
        if name.startswith(".") and name.endswith(".building") and not name.endswith(f".{os.getpid()}.building"):
            shutil.rmtree(folder / name, ignore_errors=True)
    dropped = []
    seen_days: set[str] = set()
    for backup in list_backups(root):
        age = now - backup.when
        day = backup.when.date().isoformat()
        if age > KEEP_DAILY or (age > KEEP_HOURLY and day in seen_days):
            dropped.append(backup)
            shutil.rmtree(backup.path, ignore_errors=True)
        seen_days.add(day)
    return dropped


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
        raise ValidationError(f"{root} has no backups yet; they are made as you change your data")
    if not matches:
        raise ValidationError(f"no backup from '{wanted}'; see 'planner backup list' for the ones there are")
    raise ValidationError(f"'{wanted}' matches {len(matches)} backups; give more of its time, e.g. {matches[0].label}")
