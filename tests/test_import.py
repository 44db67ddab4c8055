"""Importing history: each format against the source tool's own totals, deduplication, all-or-nothing, overlaps,
Timewarrior's tag rules, DST, the CSV round trip, and malformed input that never crashes."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import PlannerError, ValidationError
from planner.exports import build_export
from planner.importers import FORMATS, ImportPlan, parse_mapping, plan_import, read_records
from planner.model import INBOUND, OUTBOUND, Engagement, LogEntry
from planner.schedule import parse_moment, span_of_days
from planner.store import Store
from planner.timesheet import summarize
from tests.helpers import STAMP, WEEK, seed, snapshot_files

DATA = Path(__file__).resolve().parent / "data"  # copies of shared/data: the suite runs in a clone on its own
HISTORY = DATA / "history-1y"
SAMPLES = DATA / "samples"
TOTALS = json.loads((HISTORY / "TOTALS.json").read_text())
CLIENTS = ["globex", "initech", "umbrella", "hooli"]


def run_import(store: Store, fmt: str, path: Path, **options) -> ImportPlan:
    plan = plan_import(store, fmt, read_records(fmt, path), **options)
    store.import_entries(plan.new_engagements, [(item.engagement, item.entry) for item in plan.entries])
    return plan


def hours_per_engagement(store: Store, first: date, last: date) -> dict[str, float]:
    lo, hi = span_of_days(first, last)
    summary = summarize(store.engagements(), store.logs(lo, hi), first, last, parse_moment("2030-01-01 00:00"))
    return {total.engagement.name: round(total.seconds / 3600, 4) for total in summary.totals}


YEAR = (date(2025, 10, 1), date(2026, 10, 10))


def test_watson_frames_match_watsons_own_totals(store):
    plan = run_import(store, "watson", HISTORY / "watson" / "frames", inbound=["acme-corp"])
    assert len(plan.entries) == TOTALS["entries"] and not plan.bad
    assert hours_per_engagement(store, *YEAR) == TOTALS["watson_report_hours"]
    assert store.engagement("acme-corp").kind == INBOUND and store.engagement("globex").kind == OUTBOUND
    tagged = [entry for entry in store.logs(*span_of_days(*YEAR)) if entry.tags]
    assert tagged, "tags come along"
    assert len(store.log_months()) == 13  # still one shard a month


@pytest.mark.parametrize("where", ["timewarrior", "timewarrior/data"])
def test_timewarrior_data_matches_timews_own_totals(store, where):
    plan = run_import(store, "timewarrior", HISTORY / where, inbound=["acme-corp"], clients=CLIENTS)
    assert len(plan.entries) == TOTALS["timew_intervals"] and not plan.bad
    assert hours_per_engagement(store, *YEAR) == TOTALS["timew_export_hours"]
    # the engagement's tag is not kept as a tag; the others are
    entries = store.logs(*span_of_days(*YEAR))
    assert not any(tag in ("acme-corp", *CLIENTS) for entry in entries for tag in entry.tags)
    assert any("dev" in entry.tags for entry in entries)


def test_timewarrior_export_json(store, tmp_path):
    exported = tmp_path / "export.json"
    exported.write_text(
        json.dumps(
            [
                {"id": 2, "start": "20251006T064500Z", "end": "20251006T103000Z", "tags": ["acme-corp"]},
                {
                    "id": 1,
                    "start": "20251006T160000Z",
                    "end": "20251006T171500Z",
                    "tags": ["call", "globex"],
                    "annotation": "kick-off",
                },
                {"id": 0, "start": "20251007T080000Z", "tags": ["globex"]},
            ]
        )
    )
    store.add_engagement(Engagement(0, "acme-corp", INBOUND, hours=32))
    plan = run_import(store, "timewarrior", exported, clients=["globex"])
    assert [(item.engagement, item.entry.tags, item.entry.note) for item in plan.entries] == [
        ("acme-corp", [], ""),
        ("globex", ["call"], "kick-off"),
    ]
    assert plan.skipped == [("interval 3", "still running in the source; stop it there and import again")]


def test_timewarrior_tags_must_name_exactly_one_engagement(store, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "2026-03.data").write_text(
        "inc 20260302T080000Z - 20260302T090000Z # globex initech\n"
        "inc 20260302T100000Z - 20260302T110000Z # admin\n"
        'inc 20260302T120000Z - 20260302T130000Z # "deep work" globex # "annotated, with # inside"\n'
    )
    (data / "tags.data").write_text('{"globex":{"count":2}}\n')
    (data / "undo.data").write_text("txn:\n  type: interval\n")
    records = read_records("timewarrior", tmp_path)
    plan = plan_import(store, "timewarrior", records, clients=["globex", "initech"])
    assert [why for _, why in plan.bad] == [
        "its tags name 2 engagements (globex, initech); give --default NAME or fix the interval",
        "none of its tags (admin) names an engagement; name it with --client or --inbound, or give --default NAME",
    ]
    assert plan.entries[0].entry.tags == ["deep work"] and plan.entries[0].entry.note == "annotated, with # inside"
    with_default = plan_import(store, "timewarrior", read_records("timewarrior", tmp_path),
                               clients=["globex", "initech"], default="initech")  # fmt: skip
    assert [item.engagement for item in with_default.entries] == ["initech", "initech", "globex"]
    with pytest.raises(ValidationError, match="--default 'nobody' is no engagement"):
        plan_import(store, "timewarrior", records, default="nobody")


def test_toggl_and_clockify_samples(store):
    toggl = run_import(store, "toggl", SAMPLES / "toggl_detailed_solidtime_1.csv")
    assert [(item.engagement, item.entry.note, item.entry.tags, item.entry.billable) for item in toggl.entries] == [
        ("Project for Big Company", "Working hard", ["Task 1"], True)
    ]
    assert toggl.skipped == [("line 2", "zero length")]
    entry = toggl.entries[0].entry
    assert entry.start == parse_moment("2024-03-04 10:23") and entry.end == parse_moment("2024-03-04 11:23:01")
    clockify = plan_import(store, "clockify", read_records("clockify", SAMPLES / "clockify_detailed_solidtime_1.csv"))
    assert clockify.duplicates == 1 and not clockify.entries  # the same interval and project: already there
    other_order = read_records("clockify", SAMPLES / "clockify_detailed_solidtime_7.csv")
    assert [(record.project, record.start, record.end) for record in other_order] == [
        ("Project A", parse_moment("2024-03-04 10:23"), parse_moment("2024-03-04 11:23:01"))
    ]


def test_map_renames_and_client_names_count(store, tmp_path):
    plan = plan_import(
        store,
        "toggl",
        read_records("toggl", SAMPLES / "toggl_detailed_solidtime_1.csv"),
        mapping=parse_mapping(["Big Company=bigco"]),
    )
    assert [item.engagement for item in plan.entries] == ["bigco"]
    with pytest.raises(ValidationError, match="is not SOURCE=ENGAGEMENT"):
        parse_mapping(["bigco"])


def test_planner_csv_round_trips_exactly(store, tmp_path):
    seed(store)
    exported = build_export(store, "csv", *WEEK, stamp=STAMP).text
    path = tmp_path / "week.csv"
    path.write_text(exported, encoding="utf-8", newline="")
    fresh = Store(tmp_path / "fresh")
    plan = run_import(fresh, "csv", path)
    assert not plan.bad and len(plan.entries) == 7
    assert {e.name: e.kind for e in fresh.engagements()} == {"acme-corp": INBOUND, "globex": OUTBOUND,
                                                             "initech": OUTBOUND}  # fmt: skip
    for name in ("acme-corp", "globex", "initech"):  # rates and rounding are terms, not history: set them alike
        original = store.engagement(name)
        fresh.edit_engagement(name, date(1970, 1, 1), rate=original.rate, currency=original.currency,
                              round_minutes=original.round_minutes, round_mode=original.round_mode)  # fmt: skip
        for change in original.changes:
            terms = {key: value for key, value in change.items() if key != "from"}
            fresh.edit_engagement(name, date.fromisoformat(change["from"]), **terms)
    assert build_export(fresh, "csv", *WEEK, stamp=STAMP).text == exported
    again = plan_import(fresh, "csv", read_records("csv", path))
    assert again.duplicates == 7 and not again.entries


def test_importing_twice_adds_nothing(store):
    run_import(store, "watson", HISTORY / "watson" / "frames", inbound=["acme-corp"])
    before = snapshot_files(store.root)
    again = plan_import(store, "watson", read_records("watson", HISTORY / "watson" / "frames"))
    assert again.duplicates == TOTALS["entries"] and not again.entries and not again.bad
    assert snapshot_files(store.root) == before


def test_a_bad_frame_stops_everything_and_skip_bad_imports_the_rest(cli, data_dir, tmp_path):
    frames = tmp_path / "frames"
    frames.write_text(json.dumps([
        [1759736700, 1759750200, "acme-corp", "a1", [], 0],
        [1759750200, 1759740000, "globex", "b2", [], 0],
        [1759760000, 1759763600, "", "c3", [], 0],
        [1759770000, 1759773600, "globex", "d4", ["call"], 0],
    ]))  # fmt: skip
    assert cli("client", "add", "keep-me").code == 0
    before = snapshot_files(data_dir)
    refused = cli("import", "watson", str(frames))
    assert refused.code == 2 and refused.err.splitlines()[-1].startswith("error: frame 2 (id b2): it ends")
    assert "bad: frame 3 (id c3): it has no project" in refused.err
    assert snapshot_files(data_dir) == before
    dry = cli("import", "watson", str(frames), "--skip-bad", "--dry-run")
    assert dry.code == 0 and "Dry run: would import 2 entries" in dry.out
    assert snapshot_files(data_dir) == before
    done = cli("import", "watson", str(frames), "--skip-bad", "--inbound", "acme-corp")
    assert done.code == 0 and "Imported 2 entries; 2 bad rows skipped." in done.out
    listed = json.loads(cli("log", "list", "--from", "2025-10-06", "--to", "2025-10-06", "--json").out)
    assert [(item["engagement"], item["tags"]) for item in listed] == [("acme-corp", []), ("globex", ["call"])]


def test_overlaps_with_stored_entries_are_reported(store, tmp_path):
    job = store.add_engagement(Engagement(0, "acme-corp", INBOUND, hours=32))
    store.add_log(LogEntry(0, job.id, parse_moment("2025-10-06 10:00"), parse_moment("2025-10-06 10:30")))
    plan = plan_import(store, "watson", read_records("watson", HISTORY / "watson" / "frames"))
    assert [where for where, _ in plan.bad] == ["frame 1 (id 3150da73)"]
    assert "it overlaps log 1 (2025-10-06 10:00 to 2025-10-06 10:30)" in plan.bad[0][1]


def test_locked_weeks_are_not_imported_into(store):
    store.add_engagement(Engagement(0, "acme-corp", INBOUND, hours=32))
    store.lock_week(date(2025, 10, 6))
    plan = plan_import(store, "watson", read_records("watson", HISTORY / "watson" / "frames"))
    assert plan.bad and all("2025-W41 is locked" in why for _, why in plan.bad)


def test_dst_gap_times_are_bad_rows_and_hours_across_the_change_are_real(store, tmp_path):
    toggl = tmp_path / "toggl.csv"
    header = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags"
    toggl.write_text(
        f"{header}\n"
        ",,,night,,across the spring change,Yes,2026-03-29,01:30:00,2026-03-29,03:30:00,01:00:00,\n"
        ",,,night,,starts in the gap,Yes,2026-03-29,02:30:00,2026-03-29,04:00:00,00:30:00,\n"
        ",,,night,,across the autumn change,Yes,2026-10-25,01:30:00,2026-10-25,03:30:00,03:00:00,\n"
    )
    plan = plan_import(store, "toggl", read_records("toggl", toggl))
    assert [item.entry.seconds() / 3600 for item in plan.entries] == [1.0, 3.0]
    assert [where for where, _ in plan.bad] == ["line 3"] and "does not exist" in plan.bad[0][1]


@pytest.mark.parametrize(
    ("fmt", "content", "words"),
    [
        ("watson", "", "not JSON"),
        ("watson", '{"frames": []}', "no list of frames"),
        ("timewarrior", "[1, 2", "not JSON"),
        ("toggl", "", "is empty"),
        ("toggl", "a,b,c\n1,2,3\n", r"lacks the column\(s\) Client"),
        ("clockify", "Project,Client\nx,y\n", "not a Clockify detailed CSV export"),
        ("csv", "date,start\n", "not a planner CSV export"),
    ],
)
def test_wrong_and_empty_files_are_refused_with_one_line(tmp_path, fmt, content, words):
    path = tmp_path / "input"
    path.write_text(content)
    with pytest.raises(ValidationError, match=words) as caught:
        read_records(fmt, path)
    assert "\n" not in str(caught.value)


def test_a_missing_path_and_an_unknown_format(tmp_path):
    with pytest.raises(ValidationError, match="does not exist"):
        read_records("watson", tmp_path / "nothing")
    with pytest.raises(ValidationError, match="format 'excel' is unknown"):
        read_records("excel", tmp_path)
    with pytest.raises(ValidationError, match="no Timewarrior data"):
        read_records("timewarrior", tmp_path)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(FORMATS), data=st.one_of(st.text(max_size=300), JSONISH.map(json.dumps)))
def test_malformed_input_never_crashes(tmp_path, fmt, data):
    path = tmp_path / "input.data"
    path.write_text(data, encoding="utf-8")
    store = Store(tmp_path / "store")
    with contextlib.suppress(PlannerError):
        plan_import(store, fmt, read_records(fmt, path), default=None)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=15), max_size=6))
def test_malformed_csv_rows_never_crash(tmp_path, rows):
    import csv
    import io

    for fmt, header in [
        ("toggl", "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time"),
        ("clockify", "Project,Client,Description,Billable,Start Date,Start Time,End Date,End Time,Tags"),
        (
            "csv",
            ",".join(
                [
                    "date",
                    "start",
                    "end",
                    "raw_hours",
                    "billed_hours",
                    "side",
                    "engagement",
                    "note",
                    "tags",
                    "billable",
                    "rate",
                    "amount",
                    "currency",
                ]
            ),
        ),
    ]:
        out = io.StringIO()
        csv.writer(out).writerows([header.split(","), *rows])
        path = tmp_path / f"{fmt}.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        with contextlib.suppress(PlannerError):
            plan_import(Store(tmp_path / "store"), fmt, read_records(fmt, path))


def test_cli_import_with_map_and_the_summary(cli):
    frames = str(HISTORY / "watson" / "frames")
    dry = cli("import", "watson", frames, "--inbound", "acme", "--map", "acme-corp=acme", "--dry-run")
    assert dry.code == 0, dry.err
    rows = {line.split()[0]: line.split()[1:] for line in dry.out.splitlines()[2:7]}
    assert rows["acme"] == ["inbound", "new", "759", "1772.13"] and "from 2025-10-06" in dry.out
    assert cli("list", "--json").out.strip() == "[]"
    done = cli("import", "watson", frames, "--inbound", "acme", "--map", "acme-corp=acme")
    assert done.code == 0 and "Imported 980 entries." in done.out and "planner edit acme --hours H" in done.out
    assert {item["name"]: item["kind"] for item in json.loads(cli("list", "--json").out)}["acme"] == INBOUND
    again = cli("import", "watson", frames, "--map", "acme-corp=acme")
    assert again.code == 0 and "980 already stored" in again.out and "Nothing new to import." in again.out
    bad = cli("import", "excel", frames)
    assert bad.code == 2 and bad.err.startswith("error: format 'excel' is unknown")
