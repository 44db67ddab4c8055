import json
import os
import stat
from datetime import date, timedelta

import pytest

import planner.store as store_module
from planner.errors import StoreError, ValidationError
from planner.model import OUTBOUND, Block, Engagement
from planner.schedule import parse_moment, span_of_days
from planner.store import Store
from tests.helpers import add_people, entry, snapshot_files


def test_engagements_round_trip_and_names_are_unique_in_any_case(store):
    job, client = add_people(store)
    assert store.engagement("GLOBEX") == client
    assert [item.name for item in store.engagements()] == ["acme-corp", "globex"]
    with pytest.raises(ValidationError, match="exists already"):
        store.add_engagement(Engagement(id=0, name="Globex", kind=OUTBOUND))
    with pytest.raises(ValidationError, match="exists already"):
        store.update_engagement("acme-corp", name="GLOBEX")
    renamed = store.edit_engagement("acme-corp", date(2026, 12, 7), name="Acme", hours=38).engagement
    assert store.engagement("acme").terms_on(date(2026, 12, 7)).hours == 38 and renamed.id == job.id
    assert store.engagement("acme").terms_on(date(2026, 12, 6)).hours == 32  # earlier weeks keep their hours
    with pytest.raises(ValidationError, match="no engagement named 'nobody'"):
        store.engagement("nobody")


def test_logs_round_trip_exactly_and_land_in_utc_month_shards(store, data_dir):
    _, client = add_people(store)
    first = store.add_log(entry(client, "2026-11-30 23:30", "2026-12-01 01:15", note="late", tags=["dev"]))
    second = store.add_log(entry(client, "2026-12-01 01:30", "2026-12-01 02:00", billable=False))
    assert (first.id, second.id) == (1, 2)
    assert sorted(path.name for path in (data_dir / "logs").iterdir()) == ["2026-11.json", "2026-12.json"]
    lo, hi = span_of_days(date(2026, 11, 30), date(2026, 12, 1))
    assert store.logs(lo, hi) == [first, second]
    assert store.log(first.id) == first


def test_overlapping_log_is_refused_naming_the_other_and_nothing_changes(store, data_dir):
    _, client = add_people(store)
    kept = store.add_log(entry(client, "2026-11-24 18:00", "2026-11-24 20:00"))
    before = snapshot_files(data_dir)
    with pytest.raises(
        ValidationError, match=f"overlaps log {kept.id} \\(globex, 2026-11-24 18:00 to 2026-11-24 20:00"
    ):
        store.add_log(entry(client, "2026-11-24 19:59", "2026-11-24 21:00"))
    assert snapshot_files(data_dir) == before
    store.add_log(entry(client, "2026-11-24 20:00", "2026-11-24 21:00"))  # touching is not overlapping


def test_an_entry_from_the_previous_month_is_seen_by_the_overlap_check(store):
    _, client = add_people(store)
    store.add_log(entry(client, "2026-10-31 22:00", "2026-11-01 03:00"))
    with pytest.raises(ValidationError, match="overlaps log 1"):
        store.add_log(entry(client, "2026-11-01 02:00", "2026-11-01 04:00"))


def test_batch_is_all_or_nothing(store, data_dir):
    _, client = add_people(store)
    before = snapshot_files(data_dir)
    batch = [
        entry(client, "2026-11-02 10:00", "2026-11-02 11:00"),
        entry(client, "2026-11-02 10:30", "2026-11-02 12:00"),
    ]
    with pytest.raises(ValidationError, match="overlap"):
        store.add_logs(batch)
    assert snapshot_files(data_dir) == before


def test_timer_lifecycle(store):
    job, client = add_people(store)
    started, stopped = store.start_timer(entry(job, "2026-11-25 09:00", None))
    assert stopped is None and store.running() == started
    with pytest.raises(ValidationError, match="a timer already runs for acme-corp since 2026-11-25 09:00"):
        store.start_timer(entry(client, "2026-11-25 09:30", None))
    with pytest.raises(ValidationError, match="overlaps the running timer"):
        store.add_log(entry(client, "2026-11-25 09:30", "2026-11-25 09:45"))
    switched, stopped = store.start_timer(entry(client, "2026-11-25 09:45", None), switch=True)
    assert stopped is not None and stopped.end == switched.start and stopped.seconds() == 45 * 60
    finished = store.stop_timer(parse_moment("2026-11-25 10:00"), note="done")
    assert finished.note == "done" and store.running() is None
    lo, hi = span_of_days(date(2026, 11, 25), date(2026, 11, 25))
    assert [item.id for item in store.logs(lo, hi)] == [stopped.id, finished.id]
    with pytest.raises(ValidationError, match="no timer is running"):
        store.stop_timer(parse_moment("2026-11-25 10:05"))


def test_a_timer_stopped_the_second_it_started_is_discarded(store):
    job, _ = add_people(store)
    store.start_timer(entry(job, "2026-11-25 09:00", None))
    assert store.stop_timer(parse_moment("2026-11-25 09:00")).seconds() == 0
    assert store.running() is None
    assert store.logs(*span_of_days(date(2026, 11, 25), date(2026, 11, 25))) == []


def test_stopping_before_the_start_is_refused(store):
    job, _ = add_people(store)
    store.start_timer(entry(job, "2026-11-25 09:00", None))
    with pytest.raises(ValidationError, match="stop it at a later time"):
        store.stop_timer(parse_moment("2026-11-25 08:00"))
    assert store.running() is not None


def test_update_moves_an_entry_between_shards_and_keeps_its_id(store):
    _, client = add_people(store)
    logged = store.add_log(entry(client, "2026-11-10 10:00", "2026-11-10 11:00"))
    moved = store.update_log(logged.id, start=parse_moment("2026-12-10 10:00"), end=parse_moment("2026-12-10 12:00"))
    assert moved.id == logged.id and store.log(logged.id).seconds() == 7200
    store.remove_log(logged.id)
    with pytest.raises(ValidationError, match="no log entry"):
        store.log(logged.id)


def test_archived_engagements_take_no_new_time(store):
    _, client = add_people(store)
    store.update_engagement("globex", archived=True)
    with pytest.raises(ValidationError, match="archived"):
        store.add_log(entry(client, "2026-11-24 18:00", "2026-11-24 19:00"))


def test_blocks_series_and_exceptions(store, data_dir):
    job, client = add_people(store)
    one_off = store.add_block(Block(id=0, engagement_id=client.id, day=date(2026, 11, 24), start=1080, end=1200))
    series = store.add_block(
        Block(id=0, engagement_id=job.id, day=date(2026, 11, 2), start=540, end=1020, repeat="FREQ=WEEKLY;BYDAY=MO,WE")
    )
    week = store.blocks(date(2026, 11, 23), date(2026, 11, 29))
    assert [(block.day.day, block.series_id) for block in week] == [(23, series.id), (24, None), (25, series.id)]
    store.skip_occurrence(series.id, date(2026, 11, 25))
    assert [block.day.day for block in store.blocks(date(2026, 11, 23), date(2026, 11, 29))] == [23, 24]
    with pytest.raises(ValidationError, match="no occurrence"):
        store.skip_occurrence(series.id, date(2026, 11, 24))
    store.remove_block(one_off.id)
    assert not json.loads((data_dir / "blocks" / "2026-11.json").read_text())["blocks"]


def test_files_and_folder_are_private(store, data_dir):
    _, client = add_people(store)
    store.add_log(entry(client, "2026-11-24 18:00", "2026-11-24 19:00"))
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in [data_dir / "planner.json", *data_dir.glob("logs/*.json")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"_meta": {"1": {"app": "plan', "not valid JSON"),
        (b"", "is empty"),
        (b'{"frames": [[1, 2, "x"]]}', "not a planner data file"),
        (b"[1, 2, 3]", "not a planner data file"),
        (b'{"_meta": {"1": {"app": "planner", "schema": 99, "kind": "main"}}}', "newer planner"),
        (b'{"_meta": {"1": {"app": "planner", "schema": 1, "kind": "logs"}}}', "unknown shape"),
    ],
)
def test_a_bad_main_file_is_refused_and_left_byte_for_byte(store, data_dir, content, words):
    add_people(store)
    main = data_dir / "planner.json"
    main.write_bytes(content)
    with pytest.raises(StoreError, match=words) as error:
        store.add_engagement(Engagement(id=0, name="initech", kind=OUTBOUND))
    assert str(main) in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(StoreError):
        store.engagements()
    assert main.read_bytes() == content


def test_a_corrupt_shard_blocks_only_what_touches_it(store, data_dir):
    _, client = add_people(store)
    store.add_log(entry(client, "2026-10-05 10:00", "2026-10-05 11:00"))
    shard = data_dir / "logs" / "2026-10.json"
    shard.write_bytes(b"\x00\x00garbage")
    with pytest.raises(StoreError, match=r"2026-10\.json is not valid JSON"):
        store.add_log(entry(client, "2026-10-06 10:00", "2026-10-06 11:00"))
    store.add_log(entry(client, "2026-12-24 10:00", "2026-12-24 11:00"))  # December never reads October
    assert shard.read_bytes() == b"\x00\x00garbage"


def test_a_week_reads_only_the_shards_it_needs(store, monkeypatch):
    _, client = add_people(store)
    history = []
    day = date(2024, 1, 1)
    while day < date(2026, 11, 1):
        history.append(entry(client, f"{day} 18:00", f"{day} 19:00"))
        day += timedelta(days=3)
    store.add_logs(history)
    read: list[str] = []
    original = store_module._load

    def recording_load(path, kind, period):
        read.append(path.name)
        return original(path, kind, period)

    monkeypatch.setattr(store_module, "_load", recording_load)
    lo, hi = span_of_days(date(2026, 11, 23), date(2026, 11, 29))
    store.logs(lo, hi)
    store.add_log(entry(client, "2026-11-24 18:00", "2026-11-24 19:00"))
    assert set(read) <= {"planner.json", "2026-10.json", "2026-11.json"}


def test_an_interrupted_commit_is_rolled_forward(store, data_dir, monkeypatch):
    _, client = add_people(store)
    real_replace = os.replace
    calls = []

    def crash_after_journal(src, dst):
        if "backups" in str(dst):  # the hour's backup is made before the commit; let it be
            return real_replace(src, dst)
        calls.append(dst)
        if len(calls) == 2:  # the journal is in place; the first data file is not
            raise KeyboardInterrupt("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(store_module.os, "replace", crash_after_journal)
    with pytest.raises(KeyboardInterrupt):
        store.add_log(entry(client, "2026-11-24 18:00", "2026-11-24 19:00", note="survives"))
    monkeypatch.setattr(store_module.os, "replace", real_replace)
    assert (data_dir / ".journal.json").exists()
    lo, hi = span_of_days(date(2026, 11, 24), date(2026, 11, 24))
    assert [item.note for item in store.logs(lo, hi)] == ["survives"]  # a reader finishes the commit first
    assert not (data_dir / ".journal.json").exists()
    assert store.add_log(entry(client, "2026-11-24 19:00", "2026-11-24 20:00")).id == 2  # the counter moved too
    assert not list(data_dir.rglob("*.tmp"))


def test_a_failed_write_leaves_the_old_state_and_no_temporary_files(store, data_dir, monkeypatch):
    _, client = add_people(store)
    before = snapshot_files(data_dir)

    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "write", disk_full)
    with pytest.raises(StoreError, match="No space left on device; nothing was changed"):
        store.add_log(entry(client, "2026-11-24 18:00", "2026-11-24 19:00"))
    monkeypatch.undo()
    assert snapshot_files(data_dir) == before
    assert not list(data_dir.rglob("*.tmp"))


def test_stale_temporary_files_are_removed_by_the_next_change(store, data_dir):
    add_people(store)
    stale = data_dir / ".planner.json.4242.deadbeef.tmp"
    stale.write_text("half a file")
    store.add_engagement(Engagement(id=0, name="initech", kind=OUTBOUND))
    assert not stale.exists()


def test_a_file_where_the_folder_should_be_is_refused(tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    with pytest.raises(StoreError, match="is a file, not a folder"):
        Store(target).add_engagement(Engagement(id=0, name="initech", kind=OUTBOUND))


def test_default_location_is_the_user_data_folder(monkeypatch, tmp_path):
    assert Store().root.name == "planner"
    monkeypatch.setenv("PLANNER_DB", str(tmp_path / "elsewhere"))
    assert Store().root == tmp_path / "elsewhere"


def test_logged_totals_follow_every_change_and_are_rebuilt_for_old_data(store, data_dir):
    job, client = add_people(store)
    first = store.add_log(entry(client, "2026-11-02 10:00", "2026-11-02 11:00"))
    store.add_logs(
        [entry(client, "2026-10-02 10:00", "2026-10-02 10:30"), entry(job, "2026-11-03 09:00", "2026-11-03 17:00")]
    )
    store.update_log(first.id, end=parse_moment("2026-11-02 12:00"))
    store.start_timer(entry(client, "2026-11-25 08:00", None))
    store.stop_timer(parse_moment("2026-11-25 08:15"))
    assert store.usage() == {client.id: 7200 + 1800 + 900, job.id: 8 * 3600}
    store.update_log(first.id, engagement_id=job.id)
    store.remove_log(first.id + 1)
    assert store.usage() == {client.id: 900, job.id: 8 * 3600 + 7200}
    main = data_dir / "planner.json"  # data from before totals were kept: the next change rebuilds them
    data = json.loads(main.read_text())
    del data["usage"]
    data["state"]["1"].pop("usage_ready")
    main.write_text(json.dumps(data))
    assert store.usage() == {client.id: 900, job.id: 8 * 3600 + 7200}
    store.add_log(entry(client, "2026-11-26 08:00", "2026-11-26 09:00"))
    assert store.usage() == {client.id: 900 + 3600, job.id: 8 * 3600 + 7200}
