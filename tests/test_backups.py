"""Dated backups: one an hour before the first change, pruned to hourly for 2 days and daily for 30, restorable (and
a restore undoable), never the only copy of anything."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from planner.backups import before_change, list_backups, prune, state_at
from planner.errors import ValidationError
from planner.model import OUTBOUND, Engagement, LogEntry
from planner.schedule import parse_moment
from planner.store import Store
from tests.conftest import snapshot_files


def log(store: Store, start: str, end: str) -> LogEntry:
    client = store.engagements()[0]
    return store.add_log(LogEntry(0, client.id, parse_moment(start), parse_moment(end)))


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("PLANNER_NOW", moment)


def test_one_backup_an_hour_holding_the_state_before_the_change(store, monkeypatch):
    at(monkeypatch, "2026-11-25T09:05:00+01:00")
    store.add_engagement(Engagement(0, "globex", OUTBOUND))  # nothing to back up yet: the folder was empty
    assert store.backups() == []
    log(store, "2026-11-25 08:00", "2026-11-25 08:30")
    at(monkeypatch, "2026-11-25T09:45:00+01:00")
    log(store, "2026-11-25 08:30", "2026-11-25 09:00")
    backups = store.backups()
    assert [backup.label for backup in backups] == ["2026-11-25T08:00:00+00:00"]
    assert [str(file) for file in backups[0].files()] == ["planner.json"]  # before the first log was written
    assert backups[0].absent == ["logs/2026-11.json"]
    at(monkeypatch, "2026-11-25T10:01:00+01:00")
    log(store, "2026-11-25 09:00", "2026-11-25 09:30")
    assert len(store.backups()) == 2
    held = json.loads((store.backups()[1].path / "logs" / "2026-11.json").read_text())
    assert len(held["logs"]) == 2  # the two entries of 9:05 and 9:45, not the one of 10:01


def test_pruned_to_hourly_for_two_days_and_daily_for_thirty_and_every_kept_moment_stays_whole(tmp_path):
    root = tmp_path / "data"
    (root / "logs").mkdir(parents=True)
    (root / "planner.json").write_text("main 0")
    start = datetime(2026, 10, 1, 0, 30, tzinfo=UTC)
    truth: dict[datetime, tuple[str, str | None]] = {}  # the folder at the start of each hour with a change
    for step, hour in enumerate(range(0, 24 * 50, 5)):  # a change every 5 hours for 50 days
        moment = start + timedelta(hours=hour)
        shard = root / "logs" / f"{moment:%Y-%m}.json"
        changed = [Path("planner.json"), shard.relative_to(root)]
        truth[moment.replace(minute=0)] = ((root / "planner.json").read_text(),
                                           shard.read_text() if shard.exists() else None)  # fmt: skip
        before_change(root, changed, moment)
        (root / "planner.json").write_text(f"main {step + 1}")
        shard.write_text(f"shard {step + 1}")
    now = start + timedelta(hours=24 * 50 - 5)
    kept = list_backups(root)
    recent = [backup.when for backup in kept if now - backup.when <= timedelta(days=2)]
    older = [backup.when for backup in kept if now - backup.when > timedelta(days=2)]
    assert len(recent) == 10 and all(b - a == timedelta(hours=5) for a, b in pairwise(recent))
    assert len({when.date() for when in older}) == len(older) >= 27  # one a day
    assert min(backup.when for backup in kept) >= now - timedelta(days=30)
    for backup in kept:
        state = state_at(root, backup)
        main, shard = truth[backup.when]
        assert state[Path("planner.json")].read_text() == main
        copy = state.get(Path("logs") / f"{backup.when:%Y-%m}.json", "current")
        if shard is None:
            assert copy is None
        elif copy != "current":
            assert copy.read_text() == shard
    assert prune(root, now) == []  # pruning again drops nothing more


def test_restore_puts_everything_back_and_can_itself_be_undone(store, monkeypatch):
    at(monkeypatch, "2026-11-20T09:00:00+01:00")
    store.add_engagement(Engagement(0, "globex", OUTBOUND))
    log(store, "2026-11-20 08:00", "2026-11-20 09:00")
    at(monkeypatch, "2026-11-21T09:00:00+01:00")
    log(store, "2026-12-01 08:00", "2026-12-01 09:00")  # a new month file after the backup
    at(monkeypatch, "2026-11-22T09:00:00+01:00")
    store.remove_log(1)
    before_restore = snapshot_files(store.root)
    wanted = store.backups()[1]  # 2026-11-21 08:00 UTC: entry 1 only
    restored, kept = store.restore_backup(wanted.label[:13])
    assert restored == wanted and kept is not None
    entries = store.logs(parse_moment("2026-11-01 00:00"), parse_moment("2027-01-01 00:00"))
    assert [entry.id for entry in entries] == [1]
    assert not (store.root / "logs" / "2026-12.json").exists()
    assert not [name for name in os.listdir(store.root / "logs") if name.startswith(".")]
    assert store.usage() == {1: 3600}  # the totals came back with the entries
    store.restore_backup(kept.label)
    assert {k: v for k, v in snapshot_files(store.root).items() if not k.startswith("backups")} == {
        k: v for k, v in before_restore.items() if not k.startswith("backups")
    }


def test_restore_refuses_unknown_or_damaged_backups(store, monkeypatch):
    with pytest.raises(ValidationError, match="no backups yet"):
        store.restore_backup("2026")
    at(monkeypatch, "2026-11-20T09:00:00+01:00")
    store.add_engagement(Engagement(0, "globex", OUTBOUND))
    log(store, "2026-11-20 08:00", "2026-11-20 09:00")
    with pytest.raises(ValidationError, match="no backup from '2025'"):
        store.restore_backup("2025")
    backup = store.backups()[0]
    (backup.path / "planner.json").unlink()
    (backup.path / "planner.json").write_text("{broken")
    before = snapshot_files(store.root)
    with pytest.raises(Exception, match="is not valid JSON"):
        store.restore_backup(backup.label)
    assert snapshot_files(store.root) == before


def test_backups_are_private(store, monkeypatch):
    at(monkeypatch, "2026-11-20T09:00:00+01:00")
    store.add_engagement(Engagement(0, "globex", OUTBOUND))
    log(store, "2026-11-20 08:00", "2026-11-20 09:00")
    folder = store.root / "backups"
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_cli_backup_list_and_restore(cli):
    assert cli("client", "add", "globex", now="2026-11-20T09:00:00+01:00").code == 0
    assert cli("log", "add", "globex", "--start", "08:00", "--end", "09:00", now="2026-11-20T09:00:00+01:00").code == 0
    assert cli("log", "rm", "1", now="2026-11-20T11:00:00+01:00").code == 0
    listed = json.loads(cli("backup", "list", "--json").out)
    assert [item["when"] for item in listed] == ["2026-11-20T08:00:00+00:00", "2026-11-20T10:00:00+00:00"]
    assert listed[1] == {
        "when": "2026-11-20T10:00:00+00:00",
        "files": ["planner.json", "logs/2026-11.json"],
        "absent": [],
        "complete": False,
        "bytes": listed[1]["bytes"],
        "note": "",
    }
    done = cli("backup", "restore", listed[1]["when"], now="2026-11-20T12:00:00+01:00")
    assert done.code == 0 and "Restored the data as it was at 2026-11-20 11:00" in done.out
    assert json.loads(cli("log", "list", "--from", "2026-11-20", "--json").out)[0]["id"] == 1
    bad = cli("backup", "restore", "1999")
    assert bad.code == 2 and bad.err.startswith("error: no backup from '1999'")


def test_a_full_disk_during_the_backup_stops_the_change_cleanly(store, data_dir, monkeypatch, capsys):
    from planner.cli import main

    at(monkeypatch, "2026-11-20T09:00:00+01:00")
    store.add_engagement(Engagement(0, "globex", OUTBOUND))
    log(store, "2026-11-20 08:00", "2026-11-20 09:00")
    at(monkeypatch, "2026-11-20T10:00:00+01:00")  # a new hour: the next change backs up first
    before = snapshot_files(data_dir)
    real_write = os.write

    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    code = main(["--db", str(data_dir), "log", "add", "globex", "--start", "09:00", "--end", "09:30"])
    monkeypatch.setattr(os, "write", real_write)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error: could not back up") and "No space left on device; nothing was changed" in err[0]
    assert snapshot_files(data_dir) == before
    log(store, "2026-11-20 09:00", "2026-11-20 09:30")  # space again: the next change goes through and cleans up
    assert not list(data_dir.rglob("*.tmp"))
