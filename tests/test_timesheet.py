"""Timesheets and exports: rounding, money, every format against a golden file, engagement filters, formula
injection, and the plan as iCalendar."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import ValidationError
from planner.exports import FORMATS, TIMESHEET_FORMATS, build_export, safe_cell
from planner.model import OUTBOUND, ROUND_MODES, Engagement, LogEntry
from planner.money import amount_minor, billed_seconds
from planner.store import Store
from planner.timesheet import build_timesheet
from tests.helpers import STAMP, WEEK, at, seed

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store)
    return store


def export(store: Store, fmt: str, *names: str, side: str | None = None, first=WEEK[0], last=WEEK[1]) -> str:
    return build_export(store, fmt, first, last, names=names, side=side, stamp=STAMP).text


def _without_zone_rules(text: str) -> str:
    """An .ics with its VTIMEZONE left out: those rules come from the tz database and change with its releases."""
    kept, inside = [], False
    for line in text.splitlines():
        if line == "BEGIN:VTIMEZONE":
            inside = True
        if not inside:
            kept.append(line)
        if line == "END:VTIMEZONE":
            inside = False
    return "\n".join(kept) + "\n"


# ---------------------------------------------------------------- rounding and money


@pytest.mark.parametrize(
    ("seconds", "minutes", "mode", "expected"),
    [
        (0, 15, "up", 0),
        (1, 15, "up", 900),
        (900, 15, "up", 900),
        (901, 15, "up", 1800),
        (449, 15, "nearest", 0),
        (450, 15, "nearest", 900),
        (1349, 15, "nearest", 900),
        (1350, 15, "nearest", 1800),
        (899, 15, "down", 0),
        (3720, 6, "down", 3600),
        (3720, 1, "up", 3720),
        (3721, 1, "up", 3780),
    ],
)
def test_billed_seconds_round_each_entry_to_its_increment(seconds, minutes, mode, expected):
    assert billed_seconds(seconds, minutes, mode) == expected


@given(
    durations=st.lists(st.integers(min_value=1, max_value=12 * 3600), min_size=1, max_size=25),
    minutes=st.sampled_from([1, 5, 6, 10, 15, 30, 60]),
    mode=st.sampled_from(ROUND_MODES),
    rate=st.decimals(min_value=0, max_value=500, places=2),
)
def test_billed_totals_are_the_sum_of_billed_entries_in_every_mode(durations, minutes, mode, rate):
    client = Engagement(1, "c", OUTBOUND, rate=rate, currency="EUR", round_minutes=minutes, round_mode=mode)
    start = at("2026-11-23 00:00")
    logs, cursor = [], start
    for index, seconds in enumerate(durations):
        logs.append(LogEntry(index + 1, 1, cursor, cursor + timedelta(seconds=seconds)))
        cursor += timedelta(seconds=seconds + 60)
    sheet = build_timesheet([client], logs, date(2026, 11, 23), date(2026, 12, 31))
    total = sheet.total()
    assert total.billed_seconds == sum(line.billed_seconds for line in sheet.lines)
    assert total.seconds == sum(line.seconds for line in sheet.lines) == sum(durations)
    assert total.amounts.get("EUR", 0) == sum(line.amount for line in sheet.lines)
    for line in sheet.lines:
        step = minutes * 60
        assert line.billed_seconds % step == 0
        if mode == "up":
            assert line.seconds <= line.billed_seconds < line.seconds + step
        elif mode == "down":
            assert line.seconds - step < line.billed_seconds <= line.seconds
        else:
            assert abs(line.billed_seconds - line.seconds) * 2 <= step
        exact = rate * line.billed_seconds / 36  # in cents
        assert line.amount == exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert line.amount == amount_minor(rate, line.billed_seconds, "EUR")
    by_day = sheet.by_day()
    assert sum(item.billed_seconds for item in by_day.values()) == total.billed_seconds


def test_amounts_use_the_rate_in_force_on_the_entry_day(seeded):
    data = json.loads(export(seeded, "json", "globex"))
    rates = {entry["date"]: entry["rate"] for entry in data["entries"]}
    assert rates == {"2026-11-23": 95.0, "2026-11-24": 95.0, "2026-11-26": 100.0}
    # billed 1.0 h (1:02 to the nearest 6 min) at 95 + 1.7 h (1:40) at 95; the call on the 26th is not billable
    assert data["totals"]["amounts"] == {"EUR": 95.0 + 161.5}
    assert data["entries"][-1]["amount"] is None


def test_an_entry_counts_its_part_inside_the_period(seeded):
    week = json.loads(export(seeded, "json", "initech"))
    monday = json.loads(export(seeded, "json", "initech", first=date(2026, 11, 30), last=date(2026, 11, 30)))
    assert [entry["raw_hours"] for entry in week["entries"]] == [1.33, 1.0]
    assert [entry["seconds"] for entry in week["entries"]] == [80 * 60, 3600]
    assert week["entries"][-1]["end"] == "2026-11-30T00:00:00+01:00"
    assert [entry["seconds"] for entry in monday["entries"]] == [3600]


def test_the_running_timer_is_left_out_and_said_so():
    client = Engagement(1, "c", OUTBOUND, rate=Decimal(80))
    logs = [LogEntry(1, 1, at("2026-11-23 09:00"), at("2026-11-23 10:00")), LogEntry(2, 1, at("2026-11-25 08:00"))]
    sheet = build_timesheet([client], logs, *WEEK)
    assert sheet.skipped_running and [line.entry_id for line in sheet.lines] == [1]


# ---------------------------------------------------------------- every format, against its golden file


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_matches_its_golden_file(seeded, fmt):
    text = export(seeded, fmt, *(["acme-corp", "globex"] if fmt == "clockify" else []))  # one currency a file
    if fmt == "ics":  # the zone's rules come from the tz database, the calendar id is random
        text = _without_zone_rules(text).replace(seeded.calendar_id(), "CALENDAR")
    golden = GOLDEN / f"week.{fmt}"
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("name", "others"), [("globex", ["acme-corp", "initech"]), ("acme-corp", ["globex", "initech"])]
)
def test_an_export_for_one_engagement_holds_nothing_of_another(seeded, fmt, name, others):
    text = export(seeded, fmt, name.upper())
    assert name in text
    for other in others:
        assert other not in text
    foreign_notes = {"globex": ["sprint planning", "data cleanup", "weekend deploy"], "acme-corp": ["API", "hotfix"]}
    for note in foreign_notes[name]:
        assert note not in text


@pytest.mark.parametrize("fmt", TIMESHEET_FORMATS)
def test_side_selects_one_side(seeded, fmt):
    if fmt == "clockify":
        seeded.edit_engagement("initech", date(1970, 1, 1), currency="EUR")
    text = export(seeded, fmt, side=OUTBOUND)
    assert "acme-corp" not in text and "globex" in text and "initech" in text


def test_csv_columns_and_rows(seeded):
    rows = list(csv.DictReader(io.StringIO(export(seeded, "csv"))))
    assert list(rows[0]) == [
        "date", "start", "end", "raw_hours", "billed_hours", "side", "engagement", "note", "tags", "billable",
        "rate", "amount", "currency", "seconds", "billed_seconds", "start_utc", "end_utc",
    ]  # fmt: skip
    assert len(rows) == 7
    over_midnight = rows[3]
    assert over_midnight["end"] == "2026-11-25 01:10:00" and over_midnight["tags"] == "ops, night"
    assert over_midnight["billed_hours"] == "1.70" and over_midnight["amount"] == "161.50"
    assert (over_midnight["seconds"], over_midnight["billed_seconds"]) == ("6000", "6120")
    assert (over_midnight["start_utc"], over_midnight["end_utc"]) == ("2026-11-24T22:30:00Z", "2026-11-25T00:10:00Z")
    assert {row["currency"] for row in rows} == {"EUR", "USD"}


def test_service_csvs_have_the_columns_the_services_read(seeded):
    toggl = next(csv.reader(io.StringIO(export(seeded, "toggl"))))
    assert toggl == [
        "User", "Email", "Client", "Project", "Task", "Description", "Billable",
        "Start date", "Start time", "End date", "End time", "Duration", "Tags",
    ]  # fmt: skip
    clockify = list(csv.reader(io.StringIO(export(seeded, "clockify", "globex"))))
    assert clockify[0][-2:] == ["Billable Rate (EUR)", "Billable Amount (EUR)"]
    # worked 18:00-19:02, billed 1:00 at 95.00 (15-minute nearest): the durations are the billed time, like the amount
    assert clockify[1][9:17] == [
        "11/23/2026", "06:00:00 PM", "11/23/2026", "07:02:00 PM", "01:00:00", "1.00", "95.00", "95.00",
    ]  # fmt: skip
    harvest = list(csv.reader(io.StringIO(export(seeded, "harvest"))))
    assert harvest[0] == ["Date", "Client", "Project", "Task", "Notes", "Hours", "First name", "Last name"]
    assert harvest[1][-2:] == ["Jane", "Q. Doe"]


def test_clockify_refuses_two_currencies_in_one_file(seeded):
    with pytest.raises(ValidationError, match="one currency"):
        export(seeded, "clockify")


def test_unknown_engagement_and_format_are_refused(seeded):
    with pytest.raises(ValidationError, match="no engagement named 'nobody'"):
        export(seeded, "csv", "nobody")
    with pytest.raises(ValidationError, match="format 'pdf' is unknown"):
        export(seeded, "pdf")


# ---------------------------------------------------------------- spreadsheet safety


@given(st.text(max_size=30))
def test_no_cell_starts_a_formula(text):
    cell = safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.endswith(text)


@pytest.mark.parametrize("fmt", ["csv", "toggl", "harvest"])
def test_formula_notes_are_neutralised_in_every_csv(seeded, fmt):
    rows = list(csv.reader(io.StringIO(export(seeded, fmt))))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://x")' in cells and "'+data cleanup" in cells and "'@weekend deploy" in cells


# ---------------------------------------------------------------- the plan as iCalendar


def test_ics_parses_and_expands_to_the_planned_dates(seeded):
    import icalendar
    from dateutil.rrule import rrulestr

    calendar = icalendar.Calendar.from_ical(export(seeded, "ics", first=date(2026, 11, 23), last=date(2026, 12, 6)))
    prefix = seeded.calendar_id() + "-"
    events = {str(event["uid"]).removeprefix(prefix): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"block-1@planner", "block-2@planner", "block-3@planner"}
    series = events["block-1@planner"]
    start = series.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Berlin"
    rule = rrulestr(series["rrule"].to_ical().decode(), dtstart=start)
    exdates = series.get("exdate")
    skipped = {item.dt.date() for item in (exdates.dts if exdates else [])}
    lo = datetime(2026, 11, 23, tzinfo=start.tzinfo)
    hi = datetime(2026, 12, 6, 23, 59, tzinfo=start.tzinfo)
    dates = [moment.date() for moment in rule.between(lo, hi, inc=True) if moment.date() not in skipped]
    planned = sorted({block.day for block in seeded.blocks(date(2026, 11, 23), date(2026, 12, 6)) if block.series_id})
    assert dates == planned == [
        date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 4),
    ]  # fmt: skip
    one_off = events["block-2@planner"]
    assert one_off.decoded("dtstart").isoformat() == "2026-11-24T18:00:00+01:00"
    assert str(one_off["summary"]) == "API integration · globex"
    assert calendar.walk("VTIMEZONE"), "a calendar with TZID times carries its VTIMEZONE"


def test_ics_uids_are_stable_across_exports(seeded):
    first = export(seeded, "ics")
    seeded.update_block(2, title="API integration, part 2")
    second = export(seeded, "ics")
    uids = [line for line in first.splitlines() if line.startswith("UID:")]
    assert uids == [line for line in second.splitlines() if line.startswith("UID:")]
    assert "part 2" in second


# ---------------------------------------------------------------- every pricing model on a timesheet (issue 15)

MODELS_WEEK = (date(2026, 11, 30), date(2026, 12, 6))  # holds the last day of November and the 1st of December
MODELS_STAMP = datetime.fromisoformat("2026-12-10T08:00:00+00:00")


@pytest.fixture
def models(store: Store) -> Store:
    """A job on a salary, and a client of each model: hourly (with a bonus), fixed (a milestone, then the rest of
    the fee on completion), retainer (November went 2 h over the 20 covered)."""
    from planner.model import FIXED, INBOUND, RETAINER, IncomeEntry, Milestone

    acme = store.add_engagement(Engagement(0, "acme-corp", INBOUND, hours=32, salary=Decimal(4200), rate=Decimal(30),
                                           start=date(2026, 10, 1)))  # fmt: skip
    globex = store.add_engagement(Engagement(0, "globex", OUTBOUND, rate=Decimal(95)))
    hooli = store.add_engagement(Engagement(0, "hooli", OUTBOUND, model=FIXED, fee=Decimal(3000), rate=Decimal(80),
                                            done=date(2026, 12, 4)))  # fmt: skip
    initech = store.add_engagement(Engagement(0, "initech", OUTBOUND, model=RETAINER, fee=Decimal(2000), covers=20,
                                              overage=Decimal(110), start=date(2026, 11, 1)))  # fmt: skip
    entries = [
        (initech, "2026-11-10 08:00", "2026-11-10 20:00"),  # 12 h
        (initech, "2026-11-11 08:00", "2026-11-11 18:00"),  # 10 h: 22 h in November, 2 h x 110 beyond the 20
        (acme, "2026-11-30 09:00", "2026-11-30 17:00"),
        (initech, "2026-11-30 18:00", "2026-11-30 19:00"),  # the 1 h making November's overage 3 h x 110 = 330
        (initech, "2026-12-01 09:00", "2026-12-01 12:00"),
        (globex, "2026-12-02 09:00", "2026-12-02 11:00"),  # 2 h x 95 = 190
        (hooli, "2026-12-03 09:00", "2026-12-03 13:00"),
    ]
    store.add_logs(LogEntry(0, item.id, at(start), at(end), note="work") for item, start, end in entries)
    milestone = store.add_milestone(Milestone(0, hooli.id, "design", Decimal(1000), due=date(2026, 12, 3)))
    store.update_milestone(milestone.id, done=date(2026, 12, 3))
    store.add_income(IncomeEntry(0, globex.id, date(2026, 12, 5), Decimal(450), note="Q4 bonus"))
    store.set_settings(name="Jane Doe", email="jane@example.com")
    return store


@pytest.mark.parametrize("fmt", TIMESHEET_FORMATS)
def test_each_pricing_model_on_every_timesheet_format_matches_its_golden_file(models, fmt):
    text = build_export(models, fmt, *MODELS_WEEK, stamp=MODELS_STAMP).text
    golden = GOLDEN / f"models.{fmt}"
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8")


def test_a_timesheet_shows_the_hours_and_the_fee_not_rate_times_hours(models):
    """A salaried job's wage rate and a fixed client's rate are not paid by the hour: their entries carry no amount,
    and the fees the week earned stand apart, as `planner income` counts them."""
    data = json.loads(build_export(models, "json", *MODELS_WEEK, stamp=MODELS_STAMP).text)
    amounts = {entry["engagement"]: entry["amount"] for entry in data["entries"]}
    assert amounts == {"acme-corp": None, "initech": None, "globex": 190.0, "hooli": None}
    assert data["totals"]["amounts"] == {"EUR": 190.0}
    fees = [(fee["date"], fee["engagement"], fee["kind"], fee["amount"]) for fee in data["fees"]]
    assert fees == [
        ("2026-11-30", "initech", "overage", 330.0),
        ("2026-12-01", "initech", "retainer", 2000.0),
        ("2026-12-03", "hooli", "milestone", 1000.0),
        ("2026-12-04", "hooli", "fee", 2000.0),
        ("2026-12-05", "globex", "performance", 450.0),
    ]
    assert data["fee_totals"] == {"EUR": 5780.0}
    assert {item["engagement"]: item["terms"] for item in data["pricing"]} == {
        "acme-corp": "a salary of 4,200.00 EUR a month",
        "hooli": "a fixed fee of 3,000.00 EUR",
        "initech": "a retainer of 2,000.00 EUR a month for 20 h, then 110.00 EUR/h",
    }
    for fmt in ("toggl", "clockify", "harvest", "harvest-report"):  # the services' columns, as for hourly work
        header = build_export(models, fmt, *MODELS_WEEK, stamp=MODELS_STAMP).text.splitlines()[0]
        assert header == (GOLDEN / f"week.{fmt}").read_text(encoding="utf-8").splitlines()[0]
    hooli_sheet = build_export(models, "md", *MODELS_WEEK, names=["hooli"], stamp=MODELS_STAMP).text
    assert "- **hooli** is paid a fixed fee of 3,000.00 EUR." in hooli_sheet
    assert "| Thu 03 Dec | hooli | milestone: design | 1,000.00 EUR |" in hooli_sheet
    assert "| **Total** | | | **3,000.00 EUR** |" in hooli_sheet
    assert "globex" not in hooli_sheet
