"""Dated backups inside the data folder (`backups/`), and restoring the folder to one of them. Used by the store
only, under its lock.

Before the first change of an hour to a data file, its current content is copied into that hour's backup
(`backups/2026-11-25T150000Z-42/logs/2026-11.json`); a file that did not exist yet is noted as absent. Backups are
numbered in the order they were taken (the `-42`), whatever the clock says, and a change only ever adds to the
newest one. So each backup holds every file it names as it was when the backup began, and the whole data folder as
it was at that moment is: for each file, its copy in the first backup from then on (in the order taken) that names
it, else the file as it is now. Copies, not links: a backup never shares its bytes with a live file that something
might damage in place.

A backup vouches only for what its manifest (`.backup.json`: each file's size and SHA-256, the files noted absent,
its number) lists, and the manifest is replaced whole, last, after every file it lists is on disk. A new backup is
built in a temporary folder and renamed into place with its manifest, so one a crash cut short never has a name;
a file added to the newest backup counts only once the manifest names it. A backup whose files do not match its
manifest is damaged: restoring it, or any moment before it, is refused, never half done.

Pruning keeps every hour of the last 2 days and the first backup of each day for 30 days. A backup that goes hands
its files to the backup before it (when that one has none of them), so every moment still kept stays whole. Before a
restore, a complete copy of the current state is kept as a backup of its own, so the restore can be undone.

Nothing here follows a symbolic link: files are read with O_NOFOLLOW, and a link where a backup folder or file
should be makes that backup damaged.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from planner.errors import StoreError, ValidationError
from planner.files import TMP_SUFFIX, fsync_dir, write_private, write_temp
from planner.layout import BACKUP_DIR

META = ".backup.json"
MANIFEST_VERSION = 2
KEEP_HOURLY = timedelta(days=2)
KEEP_DAILY = timedelta(days=30)
_STAMP = "%Y-%m-%dT%H%M%SZ"
#: A backup folder's name: its UTC moment, then its number in the order taken (none for backups made before
#: numbering, which come first, by their moment).
_NAME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{6}Z)(?:-([1-9][0-9]{0,11}))?")
#: The only names a manifest may give: a data file of the folder, never a path out of it.
_DATA_FILE = re.compile(r"planner\.json|(?:logs|blocks)/[^/\\\x00.][^/\\\x00]*\.json")
_KINDS = ("logs", "blocks")


def data_files(root: Path) -> list[Path]:
    """The data files of a folder (main file and month files), relative to it."""
    found = [Path("planner.json")] if (root / "planner.json").is_file() else []
    for kind in _KINDS:
        folder = root / kind
        if folder.is_dir():
            found += sorted(
                Path(kind) / name for name in os.listdir(folder) if name.endswith(".json") and not name.startswith(".")
            )
    return found


def read_regular(path: Path) -> bytes:
    """The bytes of the regular file at `path`. Never through a symbolic link (OSError ELOOP), never waiting on a
    pipe (OSError EINVAL for anything but a regular file)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _kind(path: Path) -> int | None:
    """The file type bits of `path` itself (never what a link points to); None when there is nothing there."""
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def _what_is(path: Path, kind: int) -> str:
    return "a symbolic link" if kind == stat.S_IFLNK else "a folder" if kind == stat.S_IFDIR else "not a regular file"


def _digest(payload: bytes) -> str:
    import hashlib  # only a backup being added to needs it, not every change (it costs a command 2 ms to load)

    return hashlib.sha256(payload).hexdigest()


def _file_order(name: str) -> tuple[int, str]:
    return (0 if name == "planner.json" else 1 if name.startswith("logs/") else 2, name)


@dataclass
class Backup:
    path: Path
    when: datetime  # UTC: the moment whose state it restores
    seq: int = 0  # its place in the order backups were taken; 0 for those made before numbering (ordered by `when`)
    note: str = ""
    complete: bool = False  # a full copy (taken before a restore); else the files changed in its hour
    absent: list[str] = field(default_factory=list)  # files that did not exist yet at `when`
    held: dict[str, dict] = field(default_factory=dict)  # file → {"size", "sha256"}: what it vouches for
    damaged: str | None = None  # why nothing in it can be trusted (its manifest is missing or unreadable)
    manifest: bool = False  # it has a manifest; else (made before manifests) the files in it are what it holds

    @property
    def label(self) -> str:
        """The `when` people and scripts pass to `planner backup restore`."""
        return self.when.isoformat()

    @property
    def order(self) -> tuple[int, datetime]:
        return (self.seq, self.when)

    def files(self) -> list[Path]:
        return [Path(name) for name in sorted(self.held, key=_file_order)]

    def holds(self, file: Path) -> bool:
        return str(file) in self.held or str(file) in self.absent or self.complete

    def check(self, *, full: bool = False) -> str | None:
        """What is wrong with it, or None when every file its manifest lists is there, a regular file of the listed
        size (and, `full`, of the listed SHA-256)."""
        if self.damaged is not None:
            return self.damaged
        for folder in (self.path, *(self.path / kind for kind in _KINDS)):
            kind = _kind(folder)
            if kind is None and folder == self.path:
                return "its folder is gone"
            if kind not in (None, stat.S_IFDIR):
                return f"{folder.relative_to(self.path.parent)} is {_what_is(folder, kind)}, not a folder"
        for name, facts in sorted(self.held.items()):
            path = self.path / name
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                return f"{name} is missing"
            except OSError as exc:
                return f"{name} cannot be read: {exc.strerror}"
            if not stat.S_ISREG(info.st_mode):
                return f"{name} is {_what_is(path, stat.S_IFMT(info.st_mode))}"
            size = facts.get("size")
            if size is not None and info.st_size != size:
                return f"{name} has {info.st_size} bytes where its manifest lists {size}"
            if full and facts.get("sha256"):
                try:
                    payload = read_regular(path)
                except OSError as exc:
                    return f"{name} cannot be read: {exc.strerror}"
                if _digest(payload) != facts["sha256"]:
                    return f"{name} differs from the copy its manifest lists (another SHA-256)"
        return None

    def read(self, file: Path) -> bytes:
        """Its copy of `file`, as its manifest vouches for it; StoreError for anything else."""
        facts = self.held[str(file)]
        path = self.path / file
        try:
            payload = read_regular(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                problem = f"{file} is a symbolic link (planner never follows one)"
            else:
                problem = f"{file} cannot be read: {exc.strerror}"
            raise StoreError(f"backup {self.label} cannot be used: {problem}; {_DAMAGED_ADVICE}") from None
        size, digest = facts.get("size"), facts.get("sha256")
        if (size is not None and len(payload) != size) or (digest and _digest(payload) != digest):
            raise StoreError(
                f"backup {self.label} is damaged: {file} differs from the copy its manifest lists; {_DAMAGED_ADVICE}"
            )
        return payload

    def describe(self) -> dict[str, object]:
        return {
            "when": self.label,
            "files": [str(file) for file in self.files()],
            "absent": list(self.absent),
            "complete": self.complete,
            "bytes": sum(int(facts.get("size") or 0) for facts in self.held.values()),
            "note": self.note,
            "seq": self.seq,
            "damaged": self.check(),
        }

    def manifest_bytes(self) -> bytes:
        manifest = {
            "version": MANIFEST_VERSION,
            "seq": self.seq,
            "when": self.label,
            "note": self.note,
            "complete": self.complete,
            "absent": self.absent,
            "files": self.held,
        }
        return json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()


_DAMAGED_ADVICE = "it cannot be restored, nor can any backup taken before it; backups taken after it still can"


def _read(path: Path, when: datetime, seq: int) -> Backup:
    backup = Backup(path, when, seq)
    kind = _kind(path)
    if kind != stat.S_IFDIR:
        backup.damaged = f"{path.name} is {_what_is(path, kind or 0)}, not a folder"
        return backup
    meta: object = None
    with contextlib.suppress(OSError, ValueError, RecursionError):
        meta = json.loads(read_regular(path / META))
    if _take_manifest(backup, meta):
        return backup
    if seq:
        backup.damaged = "its manifest is missing or damaged"
        return backup
    # A backup from before manifests: each file in it was written whole, so what is there is what it holds. Its
    # "complete" is not believed: a copy a crash cut short said so too, and the files it lacked were then deleted.
    if isinstance(meta, dict):
        backup.note = str(meta.get("note", ""))
        absent = meta.get("absent", [])
        if isinstance(absent, list):
            backup.absent = [str(name) for name in absent if isinstance(name, str) and _DATA_FILE.fullmatch(name)]
    for name in ("planner.json", *(f"{kind}/{entry}" for kind in _KINDS for entry in _names_in(path / kind))):
        with contextlib.suppress(FileNotFoundError):
            info = os.lstat(path / name)
            if _DATA_FILE.fullmatch(name):  # a link or a folder is held too, for check() to name it
                backup.held[name] = {"size": info.st_size} if stat.S_ISREG(info.st_mode) else {}
    return backup


def _names_in(folder: Path) -> list[str]:
    if _kind(folder) != stat.S_IFDIR:
        return []
    return sorted(name for name in os.listdir(folder) if name.endswith(".json") and not name.startswith("."))


def _take_manifest(backup: Backup, meta: object) -> bool:
    """Fill `backup` from its manifest; False when it is not a sound manifest of this backup."""
    if not isinstance(meta, dict) or meta.get("version") != MANIFEST_VERSION or meta.get("seq") != backup.seq:
        return False
    files, absent = meta.get("files"), meta.get("absent", [])
    if not isinstance(files, dict) or not isinstance(absent, list):
        return False
    held = {}
    for name, facts in files.items():
        if not _DATA_FILE.fullmatch(name) or not isinstance(facts, dict):
            return False
        size, digest = facts.get("size"), facts.get("sha256")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0 or not isinstance(digest, str):
            return False
        held[name] = {"size": size, "sha256": digest}
    if not all(isinstance(name, str) and _DATA_FILE.fullmatch(name) for name in absent):
        return False
    backup.held, backup.absent = held, list(absent)
    backup.note = str(meta.get("note", ""))
    backup.complete = meta.get("complete") is True
    backup.manifest = True
    return True


def _entries(root: Path) -> list[tuple[int, datetime, str]]:
    """(number, when, folder name) of every backup, in the order they were taken, from the folder names alone."""
    folder = root / BACKUP_DIR
    kind = _kind(folder)
    if kind is None:
        return []
    if kind != stat.S_IFDIR:
        raise StoreError(
            f"{folder} is {_what_is(folder, kind)}, where planner keeps its backups; planner never follows a link: "
            "move it away, then try again"
        )
    found = []
    for name in os.listdir(folder):
        match = _NAME.fullmatch(name)
        if match is None:
            continue  # not a backup (a leftover of one being built or dropped is cleaned by the next change)
        try:
            when = _stamp_moment(match[1])
        except ValueError:
            continue
        found.append((int(match[2] or 0), when, name))
    found.sort(key=lambda item: (item[0], item[1]))
    return found


def _stamp_moment(stamp: str) -> datetime:
    """The moment a backup's name gives (`_STAMP`: 2026-12-07T060000Z, its digits checked by `_NAME`), read by hand:
    strptime would load its locale machinery on every change. ValueError for a date that does not exist."""
    return datetime(
        int(stamp[0:4]),
        int(stamp[5:7]),
        int(stamp[8:10]),
        int(stamp[11:13]),
        int(stamp[13:15]),
        int(stamp[15:17]),
        tzinfo=UTC,
    )


def list_backups(root: Path) -> list[Backup]:
    """Every backup, in the order they were taken (oldest first)."""
    return [_read(root / BACKUP_DIR / name, when, seq) for seq, when, name in _entries(root)]


def _next_seq(entries: list[tuple[int, datetime, str]]) -> int:
    return max((seq for seq, _, _ in entries), default=0) + 1


def _free_moment(now: datetime, taken: set[datetime]) -> datetime:
    """`now` to the second, moved on until no backup has it and it is not on the hour (whole hours are the hourly
    backups' `when`: a restore of `2026-11-25T14` must name one backup)."""
    when = now.astimezone(UTC).replace(microsecond=0)
    while when in taken or (when.minute, when.second) == (0, 0):
        when += timedelta(seconds=1)
    return when


def _read_live(root: Path, file: Path) -> bytes | None:
    """The bytes of the data file `file` as it is now, None when there is none; never through a link."""
    path = root / file
    try:
        if file.parent != Path(".") and _kind(root / file.parent) not in (None, stat.S_IFDIR):
            raise OSError(errno.ELOOP, "a symbolic link", str(root / file.parent))
        return read_regular(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EINVAL, errno.ENOTDIR):
            raise StoreError(
                f"{exc.filename or path} is a symbolic link or not a regular file; planner never follows a link "
                "and backs up only its own files: put the file itself there, or move it away"
            ) from None
        raise


def _remove_tree(path: Path) -> None:
    kind = _kind(path)
    if kind == stat.S_IFDIR:
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    elif kind is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _place(staging: Path, target: Path, payload: bytes) -> None:
    """Put `payload` at `target` whole: written and flushed in a temporary file in `staging` (backups/ itself, where
    the next change finds and removes a leftover), then renamed over `target`."""
    tmp = write_temp(staging / target.name, payload)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _build(root: Path, when: datetime, seq: int, files: list[Path], note: str = "", complete: bool = False) -> Backup:
    """A new backup of `files` as they are now, built in a temporary folder and renamed into place with its
    manifest: a crash or a full disk midway leaves no backup and nothing that looks like one."""
    folder = root / BACKUP_DIR
    created = _kind(folder) is None
    if created:
        os.mkdir(folder, 0o700)
    backup = Backup(folder / f"{when:{_STAMP}}-{seq}", when, seq, note=note, complete=complete, manifest=True)
    building = folder / f".{backup.path.name}.{os.getpid()}.{os.urandom(4).hex()}{TMP_SUFFIX}"
    try:
        os.mkdir(building, 0o700)
        for kind in _KINDS:
            os.mkdir(building / kind, 0o700)
        for file in files:
            payload = _read_live(root, file)
            if payload is None:
                if not complete:
                    backup.absent.append(str(file))
                continue
            write_private(building / file, payload)
            backup.held[str(file)] = {"size": len(payload), "sha256": _digest(payload)}
        for kind in _KINDS:
            fsync_dir(building / kind)
        write_private(building / META, backup.manifest_bytes())
        fsync_dir(building)
        os.rename(building, backup.path)
    except BaseException:
        _remove_tree(building)
        if created:
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        raise
    fsync_dir(folder)
    return backup


def _add(root: Path, backup: Backup, files: list[Path], copies: dict[Path, bytes] | None = None) -> None:
    """Add `files` (as they are now, or as `copies` gives them) to `backup`: each copy is put in place whole, then
    the manifest is replaced by one that lists them. Until then they do not count, and a failure removes them."""
    staging = backup.path.parent
    placed: list[Path] = []
    listed = False
    try:
        for file in files:
            payload = copies[file] if copies is not None else _read_live(root, file)
            if payload is None:
                backup.absent.append(str(file))
                continue
            target = backup.path / file
            if _kind(target.parent) is None:
                os.mkdir(target.parent, 0o700)
            placed.append(target)
            _place(staging, target, payload)
            backup.held[str(file)] = {"size": len(payload), "sha256": _digest(payload)}
        for parent in {target.parent for target in placed}:
            fsync_dir(parent)
        _place(staging, backup.path / META, backup.manifest_bytes())
        listed = True
        backup.manifest = True
        fsync_dir(backup.path)
    except BaseException:
        if not listed:
            for target in placed:
                with contextlib.suppress(OSError):
                    os.unlink(target)
        raise


def before_change(root: Path, files: list[Path], now: datetime) -> None:
    """Keep, in the newest backup (a new one at a new hour), each of `files` (relative) as it is before its first
    change since that backup began."""
    if _kind(root / "planner.json") is None:
        return  # a new, empty data folder: nothing to keep yet
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    entries = _entries(root)
    if entries:
        seq, when, name = entries[-1]
        newest = _read(root / BACKUP_DIR / name, when, seq)
        same_hour = newest.when.replace(minute=0, second=0) == hour
        if newest.manifest and seq and not newest.complete and same_hour and newest.check() is None:
            missing = [file for file in files if not newest.holds(file)]
            if missing:
                _add(root, newest, missing)
            return
    # Only the newest backup may be added to: a file not in it has not changed since it began. Any other backup,
    # even one of this very hour (the clock went back, or a restore came between), would get a later state.
    taken = {when for _, when, _ in entries}
    _build(root, hour if hour not in taken else _free_moment(now, taken), _next_seq(entries), files)
    prune(root, now)


def keep_everything(root: Path, now: datetime, note: str) -> Backup | None:
    """A complete copy of the data folder as it is now (before a restore), in place only once whole."""
    files = data_files(root)
    if not files:
        return None
    entries = _entries(root)
    when = _free_moment(now, {when for _, when, _ in entries})
    return _build(root, when, _next_seq(entries), files, note=note, complete=True)


def _files_named(root: Path, backups: list[Backup]) -> set[Path]:
    """Every data file that exists now or that one of `backups` holds or notes as absent."""
    names = set(data_files(root))
    for backup in backups:
        names.update(backup.files())
        names.update(Path(name) for name in backup.absent)
    return names


def _chain(root: Path, target: Backup) -> list[Backup]:
    """`target` and every backup taken after it, in the order taken."""
    return [backup for backup in list_backups(root) if backup.order >= target.order]


def _sources(root: Path, chain: list[Backup]) -> dict[Path, Backup | None]:
    """For each file, the backup of `chain` whose copy was the file at the first one's moment, or None for a file
    that did not exist then. Files left out are as they are now."""
    sources: dict[Path, Backup | None] = {}
    for name in sorted(_files_named(root, chain)):
        for backup in chain:
            if str(name) in backup.held:
                sources[name] = backup
                break
            if str(name) in backup.absent or backup.complete:
                sources[name] = None
                break
    return sources


def state_at(root: Path, backup: Backup) -> dict[Path, Path | None]:
    """The data folder as it was at `backup.when`: for each file, the path of the copy to restore, or None for a
    file that did not exist then. Files left out are as they are now."""
    return {
        name: None if source is None else source.path / name
        for name, source in _sources(root, _chain(root, backup)).items()
    }


def restore_plan(root: Path, target: Backup) -> dict[Path, tuple[Path, bytes] | None]:
    """The data folder as it was at `target`: for each file, (the copy, its bytes) or None for a file that did not
    exist then; files left out are as they are now. Every backup this needs is checked against its manifest first,
    and every copy as it is read: a damaged one refuses the whole restore."""
    chain = _chain(root, target)
    for backup in chain:
        problem = backup.check()
        if problem is None:
            continue
        if backup.order == target.order:
            raise StoreError(f"backup {target.label} is damaged or incomplete: {problem}; {_DAMAGED_ADVICE}")
        raise StoreError(
            f"cannot restore {target.label}: backup {backup.label}, taken after it and needed to rebuild it, is "
            f"damaged or incomplete: {problem}; backups taken after {backup.label} can still be restored"
        )
    return {
        name: None if source is None else (source.path / name, source.read(name))
        for name, source in _sources(root, chain).items()
    }


def prune(root: Path, now: datetime) -> list[Backup]:
    """Drop backups older than 30 days, and of those older than 2 days all but the first of each day, handing each
    dropped backup's files to the kept one before it. The newest is always kept, and so is a damaged one (its files
    cannot be handed on) until it is 30 days old. Returns what was dropped."""
    backups = list_backups(root)
    kept: list[Backup] = []
    dropped = []
    seen_days: set[str] = set()
    for index, backup in enumerate(backups):
        age = now - backup.when
        day = backup.when.date().isoformat()
        seen = day in seen_days
        seen_days.add(day)
        if index == len(backups) - 1 or not (age > KEEP_DAILY or (age > KEEP_HOURLY and seen)):
            kept.append(backup)
            continue
        if age <= KEEP_DAILY:
            problem = backup.check()
            try:
                if problem is None and kept:
                    _hand_over(root, backup, kept[-1])  # reads every copy it hands on before writing any
            except StoreError as error:
                problem = str(error)
            if problem is not None:
                kept.append(backup)  # doctor names it; it goes once it is 30 days old
                continue
        _discard(backup)
        dropped.append(backup)
    return dropped


def _hand_over(root: Path, gone: Backup, previous: Backup) -> None:
    """Give `previous` the files of `gone` it does not hold, so that its moment stays whole without `gone`."""
    if previous.complete or previous.check() is not None:
        return  # a full copy needs nothing; a damaged one cannot be mended by this
    files = [file for file in gone.files() if not previous.holds(file)]
    absent = [name for name in gone.absent if not previous.holds(Path(name))]
    if gone.complete:  # a full copy: every file it lacks did not exist then
        absent += [
            str(name)
            for name in sorted(_files_named(root, list_backups(root)))
            if str(name) not in gone.held and not previous.holds(name) and str(name) not in absent
        ]
    if not files and not absent and previous.manifest:
        return
    if not previous.manifest:  # from before manifests: its files get one now, read as they are
        for name in list(previous.held):
            payload = previous.read(Path(name))
            previous.held[name] = {"size": len(payload), "sha256": _digest(payload)}
    previous.absent += absent
    _add(root, previous, files, copies={file: gone.read(file) for file in files})


def _discard(backup: Backup) -> None:
    """Remove a backup: renamed out of the list first (atomic), then deleted, so none is ever half there."""
    folder = backup.path.parent
    trash = folder / f".{backup.path.name}.{os.getpid()}.{os.urandom(4).hex()}.dropped{TMP_SUFFIX}"
    os.rename(backup.path, trash)
    fsync_dir(folder)
    _remove_tree(trash)


def clean_leftovers(root: Path) -> None:
    """Remove what a crash left of a backup being built, added to or dropped (all in `backups/` itself, named
    `.*.tmp`), and the temporary files an older planner left in the newest backup."""
    folder = root / BACKUP_DIR
    if _kind(folder) != stat.S_IFDIR:
        return
    newest: tuple[int, str, str] | None = None
    for name in os.listdir(folder):
        if name.startswith(".") and name.endswith(TMP_SUFFIX):
            _remove_tree(folder / name)
            continue
        match = _NAME.fullmatch(name)
        if match is not None:
            key = (int(match[2] or 0), match[1], name)  # the stamps sort as the moments they name
            newest = key if newest is None or key > newest else newest
    if newest is not None and newest[0] == 0:
        path = folder / newest[2]
        for inner in (path, *(path / kind for kind in _KINDS)):
            if _kind(inner) == stat.S_IFDIR:
                for name in os.listdir(inner):
                    if name.startswith(".") and name.endswith(TMP_SUFFIX):
                        _remove_tree(inner / name)


def find(root: Path, when: str) -> Backup:
    """The backup whose `when` is `when`, or starts with it (one only)."""
    wanted = when.strip()
    if not wanted:
        raise ValidationError(
            "give the `when` of the backup to restore, as 'planner backup list' shows it (or its start, e.g. "
            "2026-11-25T14)"
        )
    backups = list_backups(root)
    exact = [backup for backup in backups if backup.label == wanted or backup.path.name == wanted]
    matches = exact or [backup for backup in backups if backup.label.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not backups:
        raise ValidationError(f"there are no backups yet in {root}; one is kept before the first change of each hour")
    if not matches:
        raise ValidationError(f"no backup from '{wanted}'; see 'planner backup list' for the ones there are")
    raise ValidationError(
        f"'{wanted}' matches {len(matches)} backups; give more of its time, e.g. {matches[0].label}, or its folder "
        f"name, e.g. {matches[0].path.name}"
    )
