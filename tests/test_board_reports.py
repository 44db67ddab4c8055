"""The board's reports screen and export form, driven from the keyboard with Pilot; checked against the store, the
written file and the figures the screen was given."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Button, ProgressBar

from planner.model import INBOUND, OUTBOUND, Engagement, LogEntry
from planner.overview import build_overview
from planner.schedule import parse_moment, span_of_days
from planner.store import Store
from planner_widgets.app import make_app
from planner_widgets.forms import ChoiceScreen, FormScreen
from planner_widgets.reports import ReportsScreen, day_bars, money_table
from tests.helpers import MONDAY, drive, fill


@pytest.fixture
def logged(store: Store) -> Store:
    job = store.add_engagement(Engagement(0, "acme-corp", INBOUND, hours=32, rate=Decimal(60), round_minutes=15))
    client = store.add_engagement(Engagement(0, "globex", OUTBOUND, rate=Decimal(95), round_minutes=6))
    store.set_boundaries(store.boundaries().updated({"outbound_share": "30", "tolerance": "10"}))
    entries = [
        (job, "2026-11-23 09:00", "2026-11-23 17:00"),
        (client, "2026-11-23 18:00", "2026-11-23 20:00"),
        (job, "2026-11-16 09:00", "2026-11-16 13:00"),
        (client, "2026-11-16 18:00", "2026-11-16 22:00"),  # W47: half outbound, above the 20–40 % band
        (client, "2026-01-05 18:00", "2026-01-05 19:00"),  # this year, another month
    ]
    store.add_logs(LogEntry(0, item.id, parse_moment(start), parse_moment(end)) for item, start, end in entries)
    return store


def test_overview_figures(logged):
    overview = build_overview(logged, MONDAY, parse_moment("2026-11-25 10:00"))
    assert overview.days[0] == (MONDAY, 8 * 3600.0, 2 * 3600.0) and overview.days[1][1:] == (0.0, 0.0)
    shares = {week.monday: week.share for week in overview.trend}
    assert len(overview.trend) == 12 and overview.trend[-1].monday == MONDAY
    assert shares[MONDAY] == pytest.approx(0.2) and shares[date(2026, 11, 16)] == pytest.approx(0.5)
    assert overview.band == (20.0, 40.0)
    assert [period.label for period in overview.periods] == ["W48", "Nov 2026", "2026"]
    globex = overview.money["globex"]
    assert (globex["W48"].seconds, globex["Nov 2026"].seconds, globex["2026"].seconds) == (7200, 6 * 3600, 7 * 3600)
    assert globex["2026"].amounts == {"EUR": 66500}  # minor units
    assert list(overview.kinds) == ["acme-corp", "globex"] and overview.running is None


def test_a_week_across_a_months_end_shows_both_months(logged):
    """Finding: W49 (30 Nov-06 Dec) was paired with the month 01-31 Dec, so the week showed more hours than its
    month. Each month the week touches is its own column, and no month holds less than the week's days in it."""
    client = logged.engagement("globex")
    logged.add_logs([
        LogEntry(0, client.id, parse_moment("2026-11-30 09:00"), parse_moment("2026-11-30 12:00")),
        LogEntry(0, client.id, parse_moment("2026-12-02 09:00"), parse_moment("2026-12-02 10:00")),
    ])  # fmt: skip
    overview = build_overview(logged, date(2026, 11, 30), parse_moment("2026-12-04 10:00"))
    assert [period.label for period in overview.periods] == ["W49", "Nov 2026", "Dec 2026", "2026"]
    assert [(period.first, period.last) for period in overview.periods[1:3]] == [
        (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 12, 1), date(2026, 12, 31))
    ]  # fmt: skip
    globex = overview.money["globex"]
    assert globex["W49"].seconds == 4 * 3600
    assert (globex["Nov 2026"].seconds, globex["Dec 2026"].seconds) == (9 * 3600, 3600)
    text = "".join(segment.text for segment in Console(width=80).render(money_table(overview, wide=True)))
    assert "spans Nov 2026 and Dec 2026" in text and "Dec 2026   1:00    1:00     95.00 EUR" in text


def test_the_running_timer_counts_in_the_per_engagement_table(logged):
    """Finding: the per-engagement table left out the running timer that the day bars count."""
    logged.start_timer(LogEntry(0, logged.engagement("globex").id, parse_moment("2026-11-25 09:00"), None))
    overview = build_overview(logged, MONDAY, parse_moment("2026-11-25 10:30"))
    assert overview.days[2] == (date(2026, 11, 25), 0.0, 5400.0)
    assert overview.money["globex"]["W48"].seconds == 7200 + 5400 and overview.running == "globex"
    text = "".join(segment.text for segment in Console(width=120).render(money_table(overview, wide=True)))
    assert "◆▶" in text and "counts up to now" in text


def test_a_few_seconds_draw_no_full_bar(store):
    """Finding: a 2-second entry drew a full bar. Bars scale to whole hours, at least one."""
    client = store.add_engagement(Engagement(0, "globex", OUTBOUND))
    store.add_log(LogEntry(0, client.id, parse_moment("2026-11-23 09:00:00"), parse_moment("2026-11-23 09:00:02")))
    overview = build_overview(store, MONDAY, parse_moment("2026-11-25 10:00"))
    assert overview.days[0][2] == 2.0
    assert "░" not in day_bars(overview, 40).plain.split("\n")[1]
    store.add_log(LogEntry(0, client.id, parse_moment("2026-11-24 09:00"), parse_moment("2026-11-24 09:30")))
    lines = day_bars(build_overview(store, MONDAY, parse_moment("2026-11-25 10:00")), 40).plain.split("\n")
    assert lines[2].count("░") == 20  # half an hour of a one-hour scale


def test_r_opens_reports_and_brackets_step_weeks(logged):
    app = make_app(logged)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.overview is not None and screen.overview.monday == MONDAY
        await pilot.press("left_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.overview.monday == date(2026, 11, 16)
        assert screen.overview.days[0][1:] == (4 * 3600.0, 4 * 3600.0)
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportsScreen)

    drive(app, steps)


def test_x_exports_through_a_form_and_writes_the_file(logged, tmp_path):
    app = make_app(logged)
    target = tmp_path / "globex-month.json"

    async def steps(pilot: Pilot) -> None:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, format="json", range="month", engagement="GLOBEX", file=str(target))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)
        progress = app.screen.query_one("#export-progress", ProgressBar)
        assert progress.total == 1 and progress.progress == 1  # one month read

    drive(app, steps)
    data = json.loads(target.read_text())
    assert data["party"] == "globex" and data["from"] == "2026-11-01" and data["to"] == "2026-11-30"
    assert [entry["raw_hours"] for entry in data["entries"]] == [4.0, 2.0]


def test_the_export_form_refuses_bad_input_and_stays_open(logged, tmp_path):
    app = make_app(logged)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.press("x")
        await pilot.pause()
        for values, reason in [
            ({"format": "pdf"}, "format 'pdf' is unknown"),
            ({"format": "csv", "range": "someday"}, "is not a range"),
            ({"range": "week", "engagement": "nobody"}, "no engagement named 'nobody'"),
            ({"engagement": "", "file": str(tmp_path / "missing" / "x.csv")}, "does not exist"),
        ]:
            await fill(pilot, **values)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert reason in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")

    drive(app, steps)
    assert list(tmp_path.iterdir()) == [Path(logged.root)]


def test_palette_export_command_opens_the_form_with_its_format(logged, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(logged)

    async def steps(pilot: Pilot) -> None:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        reports = "reports: hours per day, share trend, hours and money; i income; x exports"
        assert {"export: timesheet CSV", "export: printable timesheet (HTML)", "export: the plan as a calendar (.ics)",
                reports} <= set(commands)  # fmt: skip
        commands["export: Harvest CSV"].callback()
        await pilot.pause()
        await pilot.press("enter")  # every default: this week, every engagement, a file named after both
        await app.workers.wait_for_complete()
        await pilot.pause()

    drive(app, steps)
    written = tmp_path / "timesheet-2026-W48.harvest.csv"
    rows = list(csv.reader(written.open()))
    assert rows[0][:3] == ["Date", "Client", "Project"] and len(rows) == 3


def test_a_locked_week_shows_in_the_header_and_refuses_logging(logged):
    logged.lock_week(MONDAY, "globex")
    app = make_app(logged)

    async def steps(pilot: Pilot) -> None:
        header = app.query_one("#header")
        assert "🔒 globex" in str(header.render())
        app.board.place_cursor(1, 18 * 60, OUTBOUND)
        await pilot.press("L")
        await pilot.pause()
        await fill(pilot, engagement="globex")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "2026-W48 for globex is locked" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        logged.lock_week(MONDAY)
        app.reload()
        await pilot.pause()  # the header shows the week it is sent (week_changed)
        assert "🔒 locked" in str(header.render())

    drive(app, steps)
    assert len(logged.logs(*span_of_days(MONDAY, MONDAY + timedelta(days=6)))) == 2


def test_palette_locks_and_unlocks_the_week_on_the_board(logged):
    app = make_app(logged)

    async def steps(pilot: Pilot) -> None:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        commands["week: lock this week (sent: its entries can no longer change)"].callback()
        await pilot.pause()
        assert app.week_data.locked and "🔒 locked" in str(app.query_one("#header").render())
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        commands["week: unlock this week"].callback()
        await pilot.pause()
        assert not app.week_data.locked

    drive(app, steps)
    assert logged.locks() == []


def test_the_board_asks_before_it_replaces_a_file(logged, tmp_path):
    """An export over an existing file asks first; escape keeps the file, 'Replace it' writes the new one."""
    app = make_app(logged)
    target = tmp_path / "sent.json"
    target.write_text("the sheet I sent")

    async def export_once(pilot: Pilot, answer: str) -> None:
        await pilot.press("x")
        await pilot.pause()
        await fill(pilot, format="json", range="month", engagement="globex", file=str(target))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and "exists" in str(app.screen.question)
        if answer == "escape":
            await pilot.press("escape")
        else:
            app.screen.query_one("#choice-replace", Button).press()
        for _ in range(2):  # the answer's callback starts the export's worker
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.pause()

    async def steps(pilot: Pilot) -> None:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await export_once(pilot, "escape")
        assert target.read_text() == "the sheet I sent"
        await export_once(pilot, "replace")

    drive(app, steps)
    assert json.loads(target.read_text())["party"] == "globex"


def test_i_shows_the_months_income_and_the_panel_its_line(logged):
    """Issue 15: the reports screen's income view (i) and the balance panel's line, from the same figures as
    `planner income`: acme-corp's wage 8 h x 60 = 480 and globex 2 h x 95 = 190 in November by the 25th, plus
    globex's 4 h of 16 November (380); nothing planned ahead."""
    from planner_widgets.reports import income_view

    initech = logged.add_engagement(Engagement(0, "initech", OUTBOUND, model="retainer", fee=Decimal(1000),
                                               covers=10, start=date(2026, 11, 1)))  # fmt: skip
    logged.add_logs([LogEntry(0, initech.id, parse_moment("2026-11-24 18:00"), parse_moment("2026-11-24 20:00"))])
    app = make_app(logged)
    seen: dict[str, str] = {}

    async def steps(pilot: Pilot) -> None:
        await pilot.pause()
        seen["panel"] = str(app._panel._income_line())
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.showing_income
        assert screen.overview is not None and screen.overview.income is not None
        console = Console(width=120, record=True)
        console.print(income_view(screen.overview.income, 112))
        seen["view"] = console.export_text()
        await pilot.press("i")
        assert not screen.showing_income

    drive(app, steps)
    # acme-corp 12 h (8 + 4) x 60 = 720; globex 6 h x 95 = 570; initech's retainer 1,000 on 1 November
    assert seen["panel"] == "Nov income 2,290 of 2,290 EUR"
    view = seen["view"]
    assert "Income November 2026" in view and "total 2,290.00 EUR earned · 0.00 EUR forecast" in view
    assert "predictable (salary and retainers): 44 % of the income earned" in view  # 1,000 of 2,290
    rates = view[view.index("Effective hourly rate") :]
    assert rates.index("initech") < rates.index("globex")  # best first: 1,000 for 2 h, then 95 an hour
    assert "500.00 EUR" in rates and "95.00 EUR" in rates and "acme-corp" not in rates  # clients only
