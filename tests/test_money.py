"""Money: one engine behind every figure, exact to the minor unit, the same in `report`, on the board and in every
export (issue 11, findings 1-4 and 8)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.hours import clock_hours, hours_text
from planner.model import OUTBOUND, ROUND_MODES, Engagement, LogEntry
from planner.money import (
    amount_minor,
    billed_seconds,
    decimal_hours,
    format_amount,
    minor_digits,
    price,
)
from planner.overview import build_overview
from planner.schedule import parse_moment
from planner.store import Store
from tests.helpers import NOW


def run(data: Path, capsys, *args: str) -> str:
    """`planner ARGS` in this process (as fast as a function call), its standard output."""
    capsys.readouterr()
    code = main(["--db", str(data), *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def export_json(data: Path, capsys, *args: str) -> dict:
    return json.loads(run(data, capsys, "export", "--format", "json", *args))


def report_json(data: Path, capsys, *args: str) -> dict:
    return json.loads(run(data, capsys, "report", "--json", *args))


# ---------------------------------------------------------------- the findings of issue 11


def test_report_and_timesheet_give_the_same_billed_time_and_amount(data_dir, capsys):
    """Finding 1: 90 EUR, 6-minute rounding, 19:00-21:10 and 19:00-19:01: report said 2.18 h and 196.50 EUR, the
    export billed 2.30 h and 207.00 EUR. Both now bill 2:18 (132 + 6 minutes) and 207.00 EUR."""
    run(data_dir, capsys, "client", "add", "hooli", "--rate", "90", "--round", "6")
    run(data_dir, capsys, "log", "add", "hooli", "--start", "2026-11-16 19:00", "--end", "2026-11-16 21:10")
    run(data_dir, capsys, "log", "add", "hooli", "--start", "2026-11-17 19:00", "--end", "2026-11-17 19:01")
    report = report_json(data_dir, capsys, "--week", "2026-W47")["engagements"][0]
    sheet = export_json(data_dir, capsys, "--week", "2026-W47")["totals"]
    assert report["billed_seconds"] == sheet["billed_seconds"] == 138 * 60
    assert report["amount"] == sheet["amounts"]["EUR"] == 207.0
    assert report["amounts_minor"] == sheet["amounts_minor"] == {"EUR": 20700}
    table = run(data_dir, capsys, "report", "--week", "2026-W47")
    assert "207.00 EUR" in table and "2:18" in table


def test_whole_minutes_lose_no_cents(data_dir, capsys):
    """Finding 2: 13:00-17:20 at 60 EUR gave 4.33 h and 259.80 EUR; a November of 133:20 h gave 8,000.00 in the
    report and 7,996.80 in the export."""
    run(data_dir, capsys, "client", "add", "initech", "--rate", "60")
    run(data_dir, capsys, "log", "add", "initech", "--start", "2026-10-30 13:00", "--end", "2026-10-30 17:20")
    assert export_json(data_dir, capsys, "--from", "2026-10-30", "--to", "2026-10-30")["totals"]["amounts"] == {
        "EUR": 260.0
    }
    day = date(2026, 11, 2)
    for _ in range(20):  # 20 days of 6:40 = 133:20
        run(data_dir, capsys, "log", "add", "initech", "--start", f"{day} 09:00", "--end", f"{day} 15:40")
        day += timedelta(days=1)
    report = report_json(data_dir, capsys, "--month", "2026-11")["engagements"][0]
    sheet = export_json(data_dir, capsys, "--month", "2026-11")["totals"]
    assert report["seconds"] == sheet["seconds"] == (133 * 60 + 20) * 60
    assert report["amounts_minor"] == sheet["amounts_minor"] == {"EUR": 800000}
    markdown = run(data_dir, capsys, "export", "--format", "md", "--month", "2026-11")
    assert "**133:20**" in markdown and "**8,000.00 EUR**" in markdown


def test_json_carries_exact_seconds(data_dir, capsys):
    """Finding 3: 2 h 11 min was 2.19 in the JSON; a program now reads 7860 seconds, per entry and in totals."""
    run(data_dir, capsys, "client", "add", "globex", "--rate", "100")
    run(data_dir, capsys, "log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 11:11")
    data = export_json(data_dir, capsys, "--week", "2026-W48")
    entry = data["entries"][0]
    assert entry["seconds"] == entry["billed_seconds"] == 2 * 3600 + 11 * 60
    for total in (data["totals"], data["by_day"][0], data["by_engagement"][0], data["by_side"][0]):
        assert total["seconds"] == 7860 and total["billed_seconds"] == 7860


def test_non_billable_time_is_never_billed(data_dir, capsys):
    """Finding 4: non-billable time was counted in "Billed h" while the amount left it out."""
    run(data_dir, capsys, "client", "add", "globex", "--rate", "100")
    run(data_dir, capsys, "log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 10:00")
    run(
        data_dir, capsys, "log", "add", "globex", "--start", "2026-11-23 11:00", "--end", "2026-11-23 11:30",
        "--no-billable",
    )  # fmt: skip
    totals = export_json(data_dir, capsys, "--week", "2026-W48")["totals"]
    assert (totals["seconds"], totals["billable_seconds"], totals["non_billable_seconds"]) == (5400, 3600, 1800)
    assert totals["billed_seconds"] == 3600 and totals["amounts"] == {"EUR": 100.0}
    report = report_json(data_dir, capsys, "--week", "2026-W48")["engagements"][0]
    assert report["billed_seconds"] == 3600 and report["non_billable_seconds"] == 1800
    table = run(data_dir, capsys, "report", "--week", "2026-W48")
    assert "non-billable" in table.splitlines()[1] and " 0:30 " in table
    markdown = run(data_dir, capsys, "export", "--format", "md", "--week", "2026-W48")
    assert "| globex | outbound | 1:30 | 1:00 | 0:30 | 1:00 | 100.00 EUR |" in markdown


def test_markdown_footer_tells_the_rounding_and_counts_read_right(data_dir, capsys, tmp_path):
    """Finding 8: the footer said "Billed hours are the raw hours." under rounded hours; "Wrote 1 entries"."""
    run(data_dir, capsys, "client", "add", "globex", "--rate", "100", "--round", "15")
    run(data_dir, capsys, "log", "add", "globex", "--start", "2026-11-23 09:00", "--end", "2026-11-23 09:20")
    markdown = run(data_dir, capsys, "export", "--format", "md", "--week", "2026-W48")
    assert "raw hours" not in markdown and "globex up to 15 min" in markdown
    assert "| 0:20 | 0:30 | 50.00 EUR |" in markdown
    target = tmp_path / "sheet.md"
    capsys.readouterr()
    assert main(["--db", str(data_dir), "export", "--format", "md", "--week", "2026-W48", "-o", str(target)]) == 0
    assert "Wrote 1 entry to" in capsys.readouterr().err


# ---------------------------------------------------------------- one engine: every path agrees


def _seed_month(store: Store) -> None:
    globex = store.add_engagement(
        Engagement(0, "globex", OUTBOUND, rate=Decimal("92.125"), round_minutes=6, round_mode="nearest")
    )
    tokyo = store.add_engagement(Engagement(0, "tokyo", OUTBOUND, rate=Decimal(7000), currency="JPY"))
    kuwait = store.add_engagement(Engagement(0, "kuwait", OUTBOUND, rate=Decimal("33.3333"), currency="KWD"))
    entries = []
    start = parse_moment("2026-11-02 08:00")
    for index in range(40):
        who = (globex, tokyo, kuwait)[index % 3]
        begin = start + timedelta(days=index // 3, hours=index % 3 * 4, seconds=index * 7)
        entries.append(
            LogEntry(
                0, who.id, begin, begin + timedelta(minutes=17 + index % 9 * 23, seconds=index), billable=index % 7 != 3
            )
        )
    store.add_logs(entries)


def test_every_path_gives_the_same_totals(store, capsys):
    """report --json, the board's reports screen, and the json, csv, md and html exports of one month."""
    _seed_month(store)
    root = store.root
    report = {item["name"]: item for item in report_json(root, capsys, "--month", "2026-11")["engagements"]}
    sheet = {item["engagement"]: item for item in export_json(root, capsys, "--month", "2026-11")["by_engagement"]}
    overview = build_overview(store, date(2026, 11, 23), parse_moment(NOW)).money
    rows = list(csv.DictReader(io.StringIO(run(root, capsys, "export", "--format", "csv", "--month", "2026-11"))))
    markdown = run(root, capsys, "export", "--format", "md", "--month", "2026-11")
    page = run(root, capsys, "export", "--format", "html", "--month", "2026-11")
    for name in ("globex", "tokyo", "kuwait"):
        month = overview[name]["Nov 2026"]
        assert report[name]["amounts_minor"] == sheet[name]["amounts_minor"] == month.amounts
        assert report[name]["billed_seconds"] == sheet[name]["billed_seconds"] == month.billed_seconds
        assert report[name]["seconds"] == sheet[name]["seconds"] == month.seconds
        own = [row for row in rows if row["engagement"] == name]
        assert sum(int(row["billed_seconds"]) for row in own) == month.billed_seconds
        (currency, minor), *_ = month.amounts.items()
        assert sum(Decimal(row["amount"] or 0) for row in own) == Decimal(minor).scaleb(-minor_digits(currency))
        assert format_amount(minor, currency) in markdown and format_amount(minor, currency) in page


def test_currencies_use_their_real_minor_unit():
    assert (minor_digits("EUR"), minor_digits("JPY"), minor_digits("KWD"), minor_digits("usd")) == (2, 0, 3, 2)
    assert amount_minor(Decimal(7000), 90 * 60, "JPY") == 10500  # 1.5 h x 7000 = 10,500 yen, no decimals
    assert format_amount(10500, "JPY") == "10,500 JPY"
    assert amount_minor(Decimal("33.3333"), 3600, "KWD") == 33333
    assert format_amount(33333, "KWD") == "33.333 KWD"
    assert format_amount(123456, "EUR") == "1,234.56 EUR"


def test_hours_print_as_whole_minutes():
    assert clock_hours(4 * 3600 + 20 * 60) == "4:20"
    assert clock_hours(7860) == "2:11"
    assert clock_hours(7889, with_seconds=True) == "2:11:29"
    assert clock_hours(29) == "0:00" and clock_hours(30) == "0:01"


# ---------------------------------------------------------------- properties


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    durations=st.lists(st.integers(min_value=1, max_value=10 * 3600), min_size=1, max_size=20),
    rate=st.decimals(min_value=0, max_value=2000, places=4),
    minutes=st.sampled_from([1, 5, 6, 10, 15, 30, 60]),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
    billable=st.lists(st.booleans(), min_size=20, max_size=20),
)
def test_amounts_are_rate_times_billed_minutes_rounded_once(durations, rate, minutes, currency, billable):
    lines = {}
    for mode in ROUND_MODES:
        client = Engagement(1, "c", OUTBOUND, rate=rate, currency=currency, round_minutes=minutes, round_mode=mode)
        cursor, logs = parse_moment("2026-11-23 00:00"), []
        for index, seconds in enumerate(durations):
            logs.append(LogEntry(index + 1, 1, cursor, cursor + timedelta(seconds=seconds), billable=billable[index]))
            cursor += timedelta(seconds=seconds + 1)
        lines[mode] = price([client], logs, date(2026, 11, 23), date(2026, 12, 31)).lines
    unit = Decimal(1).scaleb(-minor_digits(currency))
    for mode, priced in lines.items():
        for line in priced:
            if not line.billable:
                assert line.billed_seconds == 0 and line.amount is None
                continue
            assert line.billed_seconds % 60 == 0
            exact = rate * Decimal(line.billed_seconds) / Decimal(3600)
            shown = Decimal(line.amount).scaleb(-minor_digits(currency))
            assert abs(shown - exact) <= unit / 2
            assert shown == exact.quantize(unit, rounding=ROUND_HALF_UP)
            assert line.billed_seconds == billed_seconds(line.seconds, minutes, mode)
    for up, nearest, down in zip(lines["up"], lines["nearest"], lines["down"], strict=True):
        assert up.billed_seconds >= nearest.billed_seconds >= down.billed_seconds
        assert (up.amount or 0) >= (nearest.amount or 0) >= (down.amount or 0)


@given(st.integers(min_value=0, max_value=10**9))
def test_the_hour_formatter_agrees_with_the_money_module_and_rounds_half_up_once(seconds):
    assert hours_text(seconds, "decimal") == str(decimal_hours(seconds))
    minutes = (Decimal(seconds) / 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert clock_hours(seconds) == f"{minutes // 60}:{minutes % 60:02}"
    assert clock_hours(float(seconds) if seconds < 2**52 else seconds) == clock_hours(seconds)
