"""CSV files other services read exactly as planner means them, and planner's own CSV round-tripping exactly
(issue 12, items 7-14). Where a service's importer has a rule (Kimai, solidtime), the test replays it."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.model import OUTBOUND, Engagement, LogEntry
from planner.store import Store
from tests.helpers import Cli

SAMPLES = Path(__file__).parent / "data" / "samples"


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    return Cli(data_dir, capsys, monkeypatch)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def export(run: Cli, fmt: str, *extra: str) -> tuple[str, str]:
    code, out, err = run("export", "--format", fmt, "--from", "2026-11-01", "--to", "2026-11-30", *extra)
    assert code == 0, err
    return out, err


@pytest.fixture
def client(run: Cli) -> Cli:
    run.ok("client", "add", "globex", "--rate", "95.50", "--currency", "EUR", "--round", "15")
    return run


# ---------------------------------------------------------------- 7. Kimai needs a user on every Toggl row


def test_a_toggl_export_without_name_or_email_warns_naming_the_setting(client: Cli):
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00")
    out, err = export(client, "toggl")
    assert "warning:" in err and "planner settings set --name" in err and "--email" in err
    assert [row["User"] for row in rows(out)] == [""]
    client.ok("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com")
    out, err = export(client, "toggl")
    assert err == ""
    [row] = rows(out)
    assert row["User"] and row["Email"]  # Kimai: "User: Empty or missing field" otherwise


# ---------------------------------------------------------------- 8. Task (Kimai's activity) is never empty


def test_clockify_task_is_the_first_tag_else_a_default_the_user_sets(client: Cli):
    client.ok("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com")
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00", "--tag", "design")
    client.ok("log", "add", "globex", "--start", "2026-11-23 11:00", "--end", "2026-11-23 12:00")
    assert [row["Task"] for row in rows(export(client, "clockify")[0])] == ["design", "General"]
    client.ok("settings", "set", "--task", "Development")
    assert [row["Task"] for row in rows(export(client, "clockify")[0])] == ["design", "Development"]
    assert [row["Task"] for row in rows(export(client, "harvest")[0])] == ["design", "Development"]
    assert json.loads(client.ok("settings", "show", "--json"))["task"] == "Development"


# ---------------------------------------------------------------- 9. every figure of a Clockify row agrees


def test_a_clockify_rows_durations_are_the_billed_time_its_amount_is_priced_on(client: Cli):
    client.ok("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com")
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 09:07")
    [row] = rows(export(client, "clockify")[0])
    assert (row["Duration (h)"], row["Duration (decimal)"]) == ("00:15:00", "0.25")
    assert (row["Billable Rate (EUR)"], row["Billable Amount (EUR)"]) == ("95.50", "23.88")
    # Kimai and solidtime price a row as its decimal duration x its rate
    priced = (Decimal(row["Duration (decimal)"]) * Decimal(row["Billable Rate (EUR)"])).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    assert priced == Decimal(row["Billable Amount (EUR)"])
    [harvest] = rows(export(client, "harvest-report")[0])
    assert (harvest["Hours"], harvest["Billable Amount"]) == ("0.25", "23.88")


# ---------------------------------------------------------------- 10. a comma in a tag


@pytest.mark.parametrize(
    "command",
    [
        ("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00", "--tag", "ops, night"),
        ("start", "globex", "--tag", "a,b"),
    ],
)
def test_a_tag_with_a_comma_is_refused_at_input(client: Cli, command):
    err = client.refused(*command)
    assert "comma" in err and "--tag" in err


def test_editing_in_a_tag_with_a_comma_is_refused(client: Cli):
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00", "--tag", "ops")
    client.refused("log", "edit", "1", "--tag", "x,y")
    assert json.loads(client.ok("log", "list", "--week", "2026-W48", "--json"))[0]["tags"] == ["ops"]


def test_an_imported_tag_with_a_comma_is_a_bad_row(run: Cli, tmp_path):
    frames = tmp_path / "frames"
    frames.write_text(json.dumps([[1764000000, 1764003600, "globex", "a1", ["a,b"], 1764003600]]))
    code, _, err = run("import", "watson", str(frames))
    assert code == 2 and "comma" in err


# ---------------------------------------------------------------- 11. the formula guard, and --raw


def test_raw_leaves_out_the_guard_for_a_services_importer(client: Cli):
    client.ok("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com")
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00",
              "--note", "=SUM(A1:A2)")  # fmt: skip
    for fmt, column in (("toggl", "Description"), ("clockify", "Description"), ("harvest-report", "Notes")):
        assert rows(export(client, fmt)[0])[0][column] == "'=SUM(A1:A2)"
        assert rows(export(client, fmt, "--raw")[0])[0][column] == "=SUM(A1:A2)"
    err = client.refused("export", "--format", "md", "--raw")
    assert "--raw goes with a CSV format" in err


def test_a_note_starting_with_an_apostrophe_and_a_formula_comes_back_exactly(client: Cli, tmp_path):
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00",
              "--note", "'=not a formula")  # fmt: skip
    target = tmp_path / "out.csv"
    client.ok("export", "--format", "csv", "--week", "2026-W48", "-o", str(target))
    other = Cli(tmp_path / "other", client.capsys, client.monkeypatch)
    other.ok("import", "csv", str(target))
    assert json.loads(other.ok("log", "list", "--week", "2026-W48", "--json"))[0]["note"] == "'=not a formula"


# ---------------------------------------------------------------- 12. Harvest: both files, and its report in


SOLIDTIME_HARVEST_FIELDS = [
    "Date",
    "Hours",
    "Client",
    "Project",
    "Task",
    "Billable?",
    "First Name",
    "Last Name",
    "Notes",
]


def test_harvest_report_has_what_solidtimes_harvest_importer_reads(client: Cli):
    client.ok("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com")
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:30", "--tag", "design")
    client.ok("log", "add", "globex", "--start", "2026-11-24 09:00", "--end", "2026-11-24 10:00", "--no-billable")
    out, err = export(client, "harvest-report")
    assert err == ""
    header = next(csv.reader(io.StringIO(out)))
    assert set(SOLIDTIME_HARVEST_FIELDS) <= set(header)
    for row in rows(out):  # solidtime's checks, replayed
        assert row["Billable?"] in ("Yes", "No")
        datetime.strptime(row["Date"], "%Y-%m-%d")
        float(row["Hours"].replace(",", "."))
    assert [(row["Task"], row["Hours"], row["Billable?"]) for row in rows(out)] == [
        ("design", "1.50", "Yes"),
        ("General", "1.00", "No"),
    ]
    # Harvest's own importer still gets its template
    assert next(csv.reader(io.StringIO(export(client, "harvest")[0])))[:6] == [
        "Date", "Client", "Project", "Task", "Notes", "Hours",
    ]  # fmt: skip


def test_harvest_warns_without_a_first_and_last_name(client: Cli):
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00")
    assert "planner settings set --name" in export(client, "harvest-report")[1]


def test_importing_harvests_detailed_report(run: Cli):
    out = run.ok("import", "harvest", str(SAMPLES / "harvest_detailed_solidtime_1.csv"), "--dry-run")
    assert "2 intervals read as harvest" in out and "09:00" in out
    run.ok("import", "harvest", str(SAMPLES / "harvest_detailed_solidtime_1.csv"))
    entries = json.loads(run.ok("log", "list", "--from", "2024-03-01", "--to", "2024-03-10", "--json"))
    assert [(item["engagement"], round(item["hours"] * 3600), item["billable"], item["tags"]) for item in entries] == [
        ("Project without Client", 20 * 3600, False, []),
        ("Project for Big Company", 36, True, ["Task 1"]),
    ]
    assert entries[0]["start"].startswith("2024-03-04T09:00:00")
    again = run.ok("import", "harvest", str(SAMPLES / "harvest_detailed_solidtime_1.csv"))
    assert "2 already stored" in again


def test_planners_harvest_report_reads_back(client: Cli, tmp_path):
    client.ok("settings", "set", "--name", "Jane Doe")
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:30", "--tag", "design")
    client.ok("log", "add", "globex", "--start", "2026-11-23 14:00", "--end", "2026-11-23 15:00")
    target = tmp_path / "h.csv"
    client.ok("export", "--format", "harvest-report", "--week", "2026-W48", "-o", str(target))
    other = Cli(tmp_path / "other", client.capsys, client.monkeypatch)
    other.ok("import", "harvest", str(target))
    back = json.loads(other.ok("report", "--week", "2026-W48", "--json"))
    assert back["engagements"][0]["hours"] == 2.5


# ---------------------------------------------------------------- 13. the repeated autumn hour


def _autumn(run: Cli) -> None:
    run.ok("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com")
    run.ok("log", "add", "globex", "--start", "2026-10-25T02:10:00+02:00", "--end", "2026-10-25T02:50:00+02:00")
    run.ok("log", "add", "globex", "--start", "2026-10-25T02:10:00+01:00", "--end", "2026-10-25T02:50:00+01:00")


@pytest.mark.parametrize("fmt", ["csv", "toggl", "clockify"])
def test_the_repeated_autumn_hour_round_trips_into_an_empty_folder(client: Cli, tmp_path, fmt):
    _autumn(client)
    target = tmp_path / f"out.{fmt}.csv"
    client.ok("export", "--format", fmt, "--week", "2026-10-25", "-o", str(target))
    other = Cli(tmp_path / "other", client.capsys, client.monkeypatch)
    out = other.ok("import", fmt, str(target))
    assert "Imported 2 entries" in out and "already stored" not in out
    back = json.loads(other.ok("log", "list", "--week", "2026-10-25", "--json"))
    assert [(item["start"], item["end"]) for item in back] == [
        ("2026-10-25T02:10:00+02:00", "2026-10-25T02:50:00+02:00"),
        ("2026-10-25T02:10:00+01:00", "2026-10-25T02:50:00+01:00"),
    ]
    if fmt != "csv":  # read by the file's order, and said so
        assert "happens twice" in out and "second pass" in out


def test_an_ambiguous_time_alone_is_its_first_pass_and_reported(run: Cli, tmp_path):
    source = tmp_path / "toggl.csv"
    source.write_text(
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\n"
        "Jane,j@x.org,,globex,,night,Yes,2026-10-25,02:10:00,2026-10-25,03:30:00,02:20:00,\n"
    )
    out = run.ok("import", "toggl", str(source))
    assert "happens twice" in out and "first pass" in out
    [entry] = json.loads(run.ok("log", "list", "--week", "2026-10-25", "--json"))
    assert entry["start"] == "2026-10-25T02:10:00+02:00" and round(entry["hours"] * 60) == 140


# ---------------------------------------------------------------- 14. line breaks in a cell


def test_a_note_with_a_line_break_comes_back_and_later_rows_keep_their_line_numbers(run: Cli, tmp_path):
    source = tmp_path / "planner.csv"
    source.write_text(
        "date,start,end,side,engagement,note,tags,billable\r\n"
        '2026-11-23,09:00:00,10:00:00,outbound,globex,"first line\nsecond line",,yes\r\n'
        "2026-11-23,11:00:00,nonsense,outbound,globex,,,yes\r\n",
        newline="",
    )
    code, _, err = run("import", "csv", str(source))
    assert code == 2 and "line 4:" in err
    run.ok("import", "csv", str(source), "--skip-bad")
    [entry] = json.loads(run.ok("log", "list", "--week", "2026-W48", "--json"))
    assert entry["note"] == "first line\nsecond line"


# ---------------------------------------------------------------- planner's own CSV, round trip


_NOTES = st.text(alphabet=st.sampled_from(list("ab ,;\"'\n=+-@|é日🙂")), max_size=20).map(str.strip)
_TAGS = st.lists(st.text(alphabet=st.sampled_from(list("abcxyz-_é")), min_size=1, max_size=6), max_size=3)
_DAYS = [datetime(2026, 3, 29, 0, 0, tzinfo=UTC), datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
         datetime(2026, 11, 23, 7, 0, tzinfo=UTC)]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(
        st.tuples(st.integers(min_value=1, max_value=90), st.integers(min_value=0, max_value=30), _NOTES, _TAGS,
                  st.booleans()),
        min_size=1, max_size=12,
    ),
    day=st.sampled_from(_DAYS),
)  # fmt: skip
def test_planners_csv_round_trips_a_history_exactly(tmp_path_factory, pieces, day):
    from planner.exports import build_export
    from planner.importers import plan_import, read_records

    folder = tmp_path_factory.mktemp("round")
    store = Store(folder / "a")
    client = store.add_engagement(Engagement(0, "globex", OUTBOUND))
    cursor, entries = day, []
    for minutes, gap, note, tags, billable in pieces:
        start, cursor = cursor + timedelta(minutes=gap), cursor + timedelta(minutes=gap + minutes)
        entries.append(LogEntry(0, client.id, start, cursor, note=note, tags=tags, billable=billable))
    store.add_logs(entries)
    text = build_export(store, "csv", (day - timedelta(days=1)).date(), (cursor + timedelta(days=1)).date(),
                        stamp=day).text  # fmt: skip
    target = folder / "out.csv"
    target.write_text(text, newline="")
    other = Store(folder / "b")
    plan = plan_import(other, "csv", read_records("csv", target))
    assert not plan.bad and plan.duplicates == 0
    other.import_entries(plan.new_engagements, [(item.engagement, item.entry) for item in plan.entries])

    def essence(store: Store) -> list[tuple]:
        found = store.logs(day - timedelta(days=2), cursor + timedelta(days=2))
        return sorted((e.start, e.end, e.note, tuple(e.tags), e.billable) for e in found)

    assert essence(other) == essence(store)


# ---------------------------------------------------------------- each service's importer rules, replayed


def _service_rows(store: Store, fmt: str, *names: str) -> list[dict[str, str]]:
    from planner.exports import build_export
    from tests.helpers import STAMP, WEEK

    return rows(build_export(store, fmt, *WEEK, names=names, stamp=STAMP, raw=True).text)


def test_the_seeded_week_passes_every_services_importer_rules(store: Store):
    """Kimai's and solidtime's checks on the golden week's files (tests/golden/week.*), written with --raw."""
    from tests.helpers import seed

    seed(store)
    tags = {(entry.start, entry.end): entry.tags for entry in store.logs(*_week_span())}
    for row in _service_rows(store, "toggl"):
        assert row["User"] and row["Email"]  # Kimai: the user of every row
        start = datetime.strptime(f"{row['Start date']} {row['Start time']}", "%Y-%m-%d %H:%M:%S")  # solidtime
        assert row["Description"] == row["Description"].lstrip("'")  # no guard for an importer
        if row["Tags"]:
            assert [tag for tag in row["Tags"].split(", ")] in [list(found) for found in tags.values()], start
    for row in _service_rows(store, "clockify", "acme-corp", "globex"):
        assert row["Task"] and row["User"] and row["Email"]  # Kimai: Task becomes the required activity
        datetime.strptime(f"{row['Start Date']} {row['Start Time']}", "%m/%d/%Y %I:%M:%S %p")  # solidtime
        rate = Decimal(row["Billable Rate (EUR)"])
        hours = Decimal(row["Duration (decimal)"])
        assert (hours * rate).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal(row["Billable Amount (EUR)"])
        h, m, s = map(int, row["Duration (h)"].split(":"))
        assert Decimal(h * 3600 + m * 60 + s) / 3600 == hours  # both durations say the same
    for row in _service_rows(store, "harvest-report"):
        assert set(SOLIDTIME_HARVEST_FIELDS) <= set(row)
        assert row["Billable?"] in ("Yes", "No") and row["Task"] and row["First Name"] and row["Last Name"]
        datetime.strptime(row["Date"], "%Y-%m-%d")
        assert float(row["Hours"].replace(",", ".")) > 0


def _week_span() -> tuple[datetime, datetime]:
    from planner.schedule import span_of_days
    from tests.helpers import WEEK

    return span_of_days(*WEEK)


# ---------------------------------------------------------------- found by a first user's attacks


def test_planners_csv_read_in_another_zone_keeps_every_moment(client: Cli, tmp_path, monkeypatch):
    _autumn(client)
    target = tmp_path / "out.csv"
    client.ok("export", "--format", "csv", "--week", "2026-10-25", "-o", str(target))
    monkeypatch.setenv("TZ", "America/New_York")  # its clocks go back a week later: 02:10 on 25 Oct is plain here
    other = Cli(tmp_path / "other", client.capsys, client.monkeypatch)
    out = other.ok("import", "csv", str(target))
    assert "Imported 2 entries" in out and "2 rows were written in another time zone" in out
    back = json.loads(other.ok("log", "list", "--from", "2026-10-24", "--to", "2026-10-25", "--json"))
    assert [(item["start"], item["end"]) for item in back] == [
        ("2026-10-24T20:10:00-04:00", "2026-10-24T20:50:00-04:00"),
        ("2026-10-24T21:10:00-04:00", "2026-10-24T21:50:00-04:00"),
    ]


def test_a_default_task_with_a_comma_or_too_long_is_refused(client: Cli):
    assert "comma" in client.refused("settings", "set", "--task", "a,b")
    client.refused("settings", "set", "--task", "x" * 61)


def test_the_default_task_does_not_come_back_as_a_tag(client: Cli, tmp_path):
    client.ok("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com", "--task", "Development")
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00")
    client.ok("log", "add", "globex", "--start", "2026-11-23 11:00", "--end", "2026-11-23 12:00", "--tag", "design")
    for fmt in ("clockify", "harvest-report", "toggl"):
        target = tmp_path / f"{fmt}.csv"
        client.ok("export", "--format", fmt, "--week", "2026-W48", "-o", str(target))
        other = Cli(tmp_path / f"other-{fmt}", client.capsys, client.monkeypatch)
        other.ok("settings", "set", "--task", "Development")  # the same person's other folder
        other.ok("import", "harvest" if fmt.startswith("harvest") else fmt, str(target))
        tags = [item["tags"] for item in json.loads(other.ok("log", "list", "--week", "2026-W48", "--json"))]
        assert tags == [[], ["design"]], fmt


def test_notes_with_leading_and_trailing_spaces_round_trip_through_the_services(client: Cli, tmp_path):
    notes = ["  =SUM(2) spaced", "\t=tab", "  plain leading", "trailing  ", "\u00a0=nbsp"]
    for hour, note in enumerate(notes, 8):
        client.ok("log", "add", "globex", "--start", f"2026-11-23 {hour:02d}:00", "--end",
                  f"2026-11-23 {hour:02d}:30", "--note", note)  # fmt: skip
    for fmt in ("csv", "toggl", "clockify"):
        target = tmp_path / f"{fmt}.csv"
        client.ok("export", "--format", fmt, "--week", "2026-W48", "-o", str(target))
        other = Cli(tmp_path / f"other-{fmt}", client.capsys, client.monkeypatch)
        other.ok("import", fmt, str(target))
        back = [item["note"] for item in json.loads(other.ok("log", "list", "--week", "2026-W48", "--json"))]
        assert back == notes, fmt


def test_harvests_import_template_reads_back_too(client: Cli, tmp_path):
    client.ok("settings", "set", "--name", "Jane Doe")
    client.ok("log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:30", "--tag", "design")
    target = tmp_path / "h.csv"
    client.ok("export", "--format", "harvest", "--week", "2026-W48", "-o", str(target))
    other = Cli(tmp_path / "other", client.capsys, client.monkeypatch)
    other.ok("import", "harvest", str(target))
    [entry] = json.loads(other.ok("log", "list", "--week", "2026-W48", "--json"))
    assert (entry["engagement"], entry["hours"], entry["tags"], entry["billable"]) == ("globex", 1.5, ["design"], True)
