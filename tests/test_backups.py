"""Dated backups: one an hour before the first change, pruned to hourly for 2 days and daily for 30, restorable (and
a restore undoable), never the only copy of anything."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from planner.backups import before_change, clean_leftovers, list_backups, prune, state_at
from planner.doctor import examine
from planner.errors import PlannerError, StoreError, ValidationError
from planner.model import OUTBOUND, Engagement, LogEntry
from planner.schedule import parse_moment
from planner.store import Store
from tests.helpers import snapshot_files


def log(store: Store, start: str, end: str) -> LogEntry:
    client = store.engagements()[0]
    return store.add_log(LogEntry(0, client.id, parse_moment(start), parse_moment(end)))


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("PLANNER_NOW", moment)


def hourly_changes(store: Store, monkeypatch: pytest.MonkeyPatch, hours: int) -> Engagement:
    """A client, then an hour's log on 2026-11-20 written at 09:00, 10:00, ... (one backup each hour); the client."""
    at(monkeypatch, "2026-11-20T09:00:00+01:00")
    client = store.add_engagement(Engagement(0, "globex", OUTBOUND))
    for hour in range(hours):
        at(monkeypatch, f"2026-11-20T{9 + hour:02d}:00:00+01:00")
        log(store, f"2026-11-20 {7 + hour:02d}:00", f"2026-11-20 {8 + hour:02d}:00")
    return client


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
    with pytest.raises(StoreError, match=r"is damaged or incomplete: planner\.json has 7 bytes"):
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
    assert {key: listed[1][key] for key in ("when", "files", "absent", "complete", "bytes", "note")} == {
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


# ---------------------------------------------------------------- restores that cannot lose data (issue 10, part 5)


def data_state(root: Path) -> dict[str, object]:
    """The data files as parsed JSON (backups and leftovers aside), without the id counters, which a restore keeps
    at their highest: what a person would call the data."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*.json")):
        relative = path.relative_to(root)
        if relative.parts[0] == "backups" or path.name.startswith("."):
            continue
        data = json.loads(path.read_text())
        if str(relative) == "planner.json":
            for counter in ("next_log", "next_block"):
                data.get("state", {}).get("1", {}).pop(counter, None)
            if data.get("state") == {"1": {}}:
                del data["state"]
        found[str(relative)] = data
    return found


def leftovers(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.name.endswith(".tmp") or path.name == ".journal.json"]


def month_entries(store: Store, months: list[str], per_month: int) -> None:
    client = store.engagements()[0]
    store.add_logs(
        LogEntry(
            0, client.id, parse_moment(f"{month}-{day + 1:02d} 09:00"), parse_moment(f"{month}-{day + 1:02d} 10:00")
        )
        for month in months
        for day in range(per_month)
    )


def restore_scene(root: Path, months: list[str], per_month: int, monkeypatch) -> tuple[dict, dict]:
    """A folder with many month files and three backups; the restore of 2026-11-21T08 (T) needs files that T's own
    backup does not hold (they did not change since). Returns (the data at T, the data now)."""
    store = Store(root)
    at(monkeypatch, "2026-11-20T09:00:00+01:00")
    store.add_engagement(Engagement(0, "globex", OUTBOUND))
    month_entries(store, months, per_month)
    at(monkeypatch, "2026-11-21T09:00:00+01:00")
    at_t = data_state(root)
    log(store, "2026-11-21 07:00", "2026-11-21 08:00")
    at(monkeypatch, "2026-11-22T09:00:00+01:00")
    log(store, f"{months[0]}-28 07:00", f"{months[0]}-28 08:00")
    assert [backup.label[:13] for backup in store.backups()] == ["2026-11-20T08", "2026-11-21T08", "2026-11-22T08"]
    return at_t, data_state(root)


class Cut(BaseException):
    """The process stops here (as under SIGKILL: no `except Exception` runs)."""


@contextlib.contextmanager
def cut_at(step: int):
    """Stop at the `step`-th file system change (write, fsync, rename, unlink, mkdir, rmdir)."""
    calls = [0]
    names = ("write", "fsync", "replace", "rename", "unlink", "mkdir", "rmdir")
    real = {name: getattr(os, name) for name in names}

    def hook(name):
        def call(*args, **kwargs):
            calls[0] += 1
            if calls[0] == step:
                raise Cut(f"cut at step {step}: os.{name}")
            return real[name](*args, **kwargs)

        return call

    for name in names:
        setattr(os, name, hook(name))
    try:
        yield calls
    finally:
        for name in names:
            setattr(os, name, real[name])


def test_a_restore_cut_off_at_any_step_is_finished_or_undone_by_the_next_command_and_loses_nothing(
    tmp_path, monkeypatch
):
    """Finding: a restore killed while copying left its "before restoring" backup marked complete with 9 of 139
    files, and a later restore deleted the other files' data. Cut the restore at every step in turn: the next
    command leaves the data as it was or as restored, nothing half-done is trusted, and restoring again (and
    undoing that) gives exactly the right data."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # each call is still a step to cut at, only faster
    months = [f"2026-{month:02d}" for month in range(1, 9)]
    at_t, now = restore_scene(tmp_path / "template", months, 2, monkeypatch)
    at(monkeypatch, "2026-11-22T10:00:00+01:00")
    step, outcomes = 0, set()
    while True:
        step += 1
        root = tmp_path / f"run{step}"
        shutil.copytree(tmp_path / "template", root)
        store = Store(root)
        try:
            with cut_at(step):
                store.restore_backup("2026-11-21T08")
            finished = True
        except Cut:
            finished = False
        store.recover()  # the next command
        state = data_state(root)
        assert state in (at_t, now), f"cut at step {step}: a state that never existed"
        outcomes.add("restored" if state == at_t else "as before")
        assert not leftovers(root), f"cut at step {step}: {leftovers(root)}"
        assert not [problem for problem in examine(root) if not problem.repairable], f"cut at step {step}"
        before = data_state(root)
        _, kept = store.restore_backup("2026-11-21T08")
        assert data_state(root) == at_t, f"cut at step {step}: restoring again lost data"
        store.restore_backup(kept.label)
        assert data_state(root) == before, f"cut at step {step}: undoing the restore lost data"
        shutil.rmtree(root)
        if finished:
            break
    print(f"restore cut at each of {step} steps")
    assert step > 30 and outcomes == {"restored", "as before"}


def test_a_restore_killed_at_random_moments_loses_nothing(tmp_path, monkeypatch):
    """The same with SIGKILL at random moments, on 139 month files as in the finding."""
    months = [f"{2015 + index // 12}-{index % 12 + 1:02d}" for index in range(139)]
    at_t, now = restore_scene(tmp_path / "template", months, 3, monkeypatch)
    env = {**os.environ, "PLANNER_NOW": "2026-11-22T10:00:00+01:00"}
    command = [sys.executable, "-m", "planner", "backup", "restore", "2026-11-21T08"]
    timed = tmp_path / "timed"
    shutil.copytree(tmp_path / "template", timed)
    started = time.perf_counter()
    subprocess.run(command, env={**env, "PLANNER_DB": str(timed)}, check=True, capture_output=True, timeout=60)
    took = time.perf_counter() - started
    rng = random.Random(139)
    at(monkeypatch, "2026-11-22T10:00:00+01:00")
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # in this process only: the checks after each kill
    for round_number in range(5):
        root = tmp_path / f"round{round_number}"
        shutil.copytree(tmp_path / "template", root)
        process = subprocess.Popen(command, env={**env, "PLANNER_DB": str(root)}, stdout=subprocess.DEVNULL)
        time.sleep(took * (0.4 + 0.55 * rng.random()))  # past start-up (about a third), mostly while copying
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        store = Store(root)
        store.recover()  # the next command
        assert data_state(root) in (at_t, now), f"round {round_number}: a state that never existed"
        assert not leftovers(root)
        store.restore_backup("2026-11-21T08")
        assert data_state(root) == at_t, f"round {round_number}: the next restore lost data"
        assert examine(root) == []


def test_a_backup_or_its_pruning_cut_off_at_any_step_leaves_every_kept_moment_whole(tmp_path, monkeypatch):
    """The hourly backup before a change, and the pruning it sets off (dropped backups hand their files on), cut at
    every step in turn: what the next command finds is only backups that match their manifests, each restoring its
    moment exactly, and no leftovers once it cleaned up."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # each call is still a step to cut at, only faster
    template = tmp_path / "template"
    (template / "logs").mkdir(parents=True)
    (template / "planner.json").write_text("main 0")
    names = [Path("planner.json"), Path("logs/2026-10.json"), Path("logs/2026-09.json")]
    start = datetime(2026, 10, 1, 0, 30, tzinfo=UTC)
    truth: dict[datetime, dict[Path, str | None]] = {}

    def folder(root: Path) -> dict[Path, str | None]:
        return {name: (root / name).read_text() if (root / name).exists() else None for name in names}

    for step, hour in enumerate(range(0, 48, 7)):  # a change every 7 hours for 2 days: nothing is pruned yet
        moment = start + timedelta(hours=hour)
        truth[moment.replace(minute=0)] = folder(template)
        before_change(template, [names[0], names[1 + step % 2]], moment)
        for name in (names[0], names[1 + step % 2]):
            (template / name).write_text(f"{name} {step}")
    last = start + timedelta(days=3, hours=1)  # three of the first day's backups go, handing their files on
    truth[last.replace(minute=0)] = folder(template)
    step = 0
    while True:
        step += 1
        root = tmp_path / f"run{step}"
        shutil.copytree(template, root)
        try:
            with cut_at(step):
                before_change(root, names[:2], last)
            finished = True
        except Cut:
            finished = False
        clean_leftovers(root)  # the first thing the next command does
        assert not leftovers(root), f"cut at step {step}"
        for attempt in ("after the cut", "after the next change's backup and pruning"):
            for backup in list_backups(root):
                assert backup.check(full=True) is None, f"cut at step {step}, {attempt}: {backup.check(full=True)}"
                state = state_at(root, backup)
                restored = {
                    name: (None if state[name] is None else state[name].read_text()) if name in state else now
                    for name, now in folder(root).items()
                }
                assert restored == truth[backup.when], f"cut at step {step}, {attempt}: {backup.label}"
            before_change(root, names[:2], last)
            prune(root, last)  # a change at the next hour would prune again; here, now
        assert len(list_backups(root)) == 5  # 7 + 1, less three of the first day
        shutil.rmtree(root)
        if finished:
            break
    print(f"backup and pruning cut at each of {step} steps")
    assert step > 40


def test_restoring_after_the_clock_went_back_gives_each_moment_exactly(store, monkeypatch):
    """Finding: with the clock set back, restoring an earlier moment deleted a month file that held data of that
    moment. Backups are ordered by when they were taken, whatever the clock says, and each restores its moment."""
    truth: dict[str, dict] = {}

    def change(moment: str, start: str, end: str) -> None:
        at(monkeypatch, moment)
        before, known = data_state(store.root), {backup.label for backup in store.backups()}
        log(store, start, end)
        truth.update({backup.label: before for backup in store.backups() if backup.label not in known})

    at(monkeypatch, "2026-11-25T12:30:00+00:00")
    store.add_engagement(Engagement(0, "globex", OUTBOUND))
    change("2026-11-25T12:35:00+00:00", "2026-11-02 08:00", "2026-11-02 09:00")  # backup 12:00
    change("2026-11-25T11:30:00+00:00", "2026-12-02 08:00", "2026-12-02 09:00")  # the clock went back an hour
    change("2026-11-25T13:10:00+00:00", "2026-10-02 08:00", "2026-10-02 09:00")
    change("2026-11-25T12:50:00+00:00", "2026-10-03 08:00", "2026-10-03 09:00")  # back into an hour with a backup
    change("2026-11-25T12:55:00+00:00", "2026-09-03 08:00", "2026-09-03 09:00")
    taken = [backup.label for backup in store.backups()]
    assert taken[:3] == ["2026-11-25T12:00:00+00:00", "2026-11-25T11:00:00+00:00", "2026-11-25T13:00:00+00:00"]
    assert len(taken) == 4 and set(truth) == set(taken)  # listed in the order they were taken
    at(monkeypatch, "2026-11-25T14:30:00+00:00")
    for label in taken:
        store.restore_backup(label)
        assert data_state(store.root) == truth[label], f"restoring {label} gave a state that never existed"


def test_ids_are_never_handed_out_again_after_a_restore(store, monkeypatch):
    from planner.model import Block

    client = hourly_changes(store, monkeypatch, 2)
    block = store.add_block(Block(0, client.id, date(2026, 11, 24), 600, 660))
    store.restore_backup("2026-11-20T09")  # entry 1 only, no block
    assert [entry.id for entry in store.logs(parse_moment("2026-11-01 00:00"), parse_moment("2026-12-01 00:00"))] == [1]
    assert log(store, "2026-11-20 10:00", "2026-11-20 11:00").id == 3  # not 2, which the restored-away entry had
    assert store.add_block(Block(0, client.id, date(2026, 11, 25), 600, 660)).id == block.id + 1
    assert examine(store.root) == []


def test_refused_backups_on_a_full_disk_leave_nothing_behind(store, data_dir, monkeypatch, capsys):
    from planner.cli import main

    at(monkeypatch, "2026-11-20T09:00:00+01:00")
    store.add_engagement(Engagement(0, "globex", OUTBOUND))
    log(store, "2026-11-20 08:00", "2026-11-20 09:00")
    before = sorted(str(path) for path in data_dir.rglob("*"))

    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    for hour in (10, 11, 12):  # each a new hour, so each would start a backup
        at(monkeypatch, f"2026-11-20T{hour}:00:00+01:00")
        assert (
            main(["--db", str(data_dir), "log", "add", "globex", "--start", f"{hour}:00", "--end", f"{hour}:30"]) == 2
        )
    monkeypatch.undo()
    assert len(capsys.readouterr().err.strip().splitlines()) == 3
    assert sorted(str(path) for path in data_dir.rglob("*")) == before


def test_a_file_from_a_newer_planner_is_never_answered_with_an_older_backup(store, data_dir, monkeypatch, cli):
    hourly_changes(store, monkeypatch, 2)  # a backup holds a good older copy of the month file
    shard = data_dir / "logs" / "2026-11.json"
    data = json.loads(shard.read_text())
    data["_meta"]["1"]["schema"] = 99
    shard.write_text(json.dumps(data))
    [problem] = [problem for problem in examine(data_dir) if problem.where == "logs/2026-11.json"]
    assert "upgrade planner" in problem.message
    assert "backup restore" not in problem.message and "Move it away" not in problem.message
    before = snapshot_files(data_dir)
    refused = cli("backup", "restore", store.backups()[0].label, now="2026-11-20T11:00:00+01:00")
    assert refused.code == 2 and refused.err.count("\n") == 1 and "newer planner" in refused.err
    assert snapshot_files(data_dir) == before


def test_a_backup_is_trusted_only_as_far_as_its_manifest_vouches(store, data_dir, monkeypatch, cli):
    hourly_changes(store, monkeypatch, 3)
    first, second, third = store.backups()
    assert examine(data_dir) == []
    listed = json.loads(cli("backup", "list", "--json").out)
    assert all({"when", "files", "absent", "complete", "bytes", "note"} <= set(item) for item in listed)
    copy = second.path / "logs" / "2026-11.json"
    copy.write_bytes(copy.read_bytes()[:-20])  # cut short, as by a disk fault
    problems = [problem for problem in examine(data_dir) if "backups" in problem.where]
    assert len(problems) == 1 and "logs/2026-11.json" in problems[0].message
    assert [item["damaged"] is not None for item in json.loads(cli("backup", "list", "--json").out)] == [
        False,
        True,
        False,
    ]
    assert "DAMAGED" in cli("backup", "list").out
    before = snapshot_files(data_dir)
    for label in (first.label, second.label):  # it, and what needs it, are refused
        refused = cli("backup", "restore", label, now="2026-11-20T12:00:00+01:00")
        assert refused.code == 2 and refused.err.count("\n") == 1 and second.label in refused.err
        assert snapshot_files(data_dir) == before
    assert cli("backup", "restore", third.label, now="2026-11-20T12:00:00+01:00").code == 0  # later ones restore
    copy.unlink()
    assert "missing" in " ".join(problem.message for problem in examine(data_dir) if "backups" in problem.where)


def test_a_before_restoring_copy_cut_short_by_an_older_planner_deletes_nothing(store, data_dir, monkeypatch):
    """A backup from before manifests that says it is complete but was cut short (the finding's 9 of 139 files):
    it is not taken to say that the files it lacks did not exist."""
    months = [f"2026-{month:02d}" for month in range(1, 7)]
    at_t, _ = restore_scene(data_dir, months, 2, monkeypatch)
    legacy = data_dir / "backups" / "2026-11-22T085512Z"
    (legacy / "logs").mkdir(parents=True)
    (legacy / ".backup.json").write_text(
        json.dumps({"when": "2026-11-22T08:55:12+00:00", "note": "before restoring", "complete": True, "absent": []})
    )
    (legacy / "planner.json").write_bytes((data_dir / "planner.json").read_bytes())
    (legacy / "logs" / "2026-01.json").write_bytes((data_dir / "logs" / "2026-01.json").read_bytes())
    [listed] = [backup.describe() for backup in store.backups() if backup.path == legacy]
    assert listed["complete"] is False and listed["bytes"] > 0 and listed["damaged"] is None
    at(monkeypatch, "2026-11-22T10:00:00+01:00")
    store.restore_backup("2026-11-21T08")
    assert data_state(data_dir) == at_t


def test_restore_never_follows_a_symbolic_link(store, data_dir, monkeypatch, tmp_path):
    hourly_changes(store, monkeypatch, 2)
    backup = store.backups()[0]
    outside = tmp_path / "elsewhere.json"
    copy = backup.path / "planner.json"
    outside.write_bytes(copy.read_bytes())
    copy.unlink()
    copy.symlink_to(outside)
    before = snapshot_files(data_dir)
    with pytest.raises(PlannerError, match="symbolic link"):
        store.restore_backup(backup.label)
    assert snapshot_files(data_dir) == before


def test_restore_of_nothing_is_one_error_line(cli, data_dir):
    assert cli("client", "add", "globex", now="2026-11-20T09:00:00+01:00").code == 0
    assert cli("log", "add", "globex", "--start", "08:00", "--end", "09:00", now="2026-11-20T09:00:00+01:00").code == 0
    before = snapshot_files(data_dir)
    for when in ("", "   ", "2026-11-20T09:00:00+00:00", "1999"):
        refused = cli("backup", "restore", when)
        assert refused.code == 2 and refused.err.startswith("error:") and refused.err.count("\n") == 1, when
        assert snapshot_files(data_dir) == before
