"""What the screen shows, as SVG snapshots (pytest-textual-snapshot), on the demo week with the clock pinned.

Update them on purpose after a visible change: `python -m pytest tests/test_snapshots.py --snapshot-update`,
then look at the report before committing.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from planner.demo import seed_demo
from planner.model import INBOUND, OUTBOUND
from planner.schedule import now
from planner.store import Store
from planner_widgets.app import PlannerApp, make_app


@pytest.fixture(autouse=True)
def _steady_text_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text cursor of a form's input stays shown: left blinking, a busy machine (xdist, CI) catches it on or off
    at random and the snapshot flips."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def demo_app(store: Store) -> PlannerApp:
    seed_demo(store, now())
    return make_app(store)


async def settle(pilot: Pilot) -> None:
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_board(snap_compare, demo_app, size):
    assert snap_compare(demo_app, terminal_size=size, run_before=settle)


def test_board_narrow_scrolled_to_the_evening(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=(80, 24), press=["j"] * 16, run_before=settle)


FORMS = {
    "new_block": ["n"],
    "log_time": ["L"],
    "logs": ["g"],
    "engagements": ["E"],
    "new_client": ["E", "a"],
    "new_job": ["E", "j"],
    "help": ["question_mark"],
    "boundaries": ["b"],
}


@pytest.mark.parametrize("keys", list(FORMS.values()), ids=list(FORMS))
def test_forms(snap_compare, demo_app, keys):
    assert snap_compare(demo_app, terminal_size=(120, 40), press=keys, run_before=settle)


def test_recurring_block_asks_what_to_delete(snap_compare, demo_app):
    async def on_series(pilot: Pilot) -> None:
        await pilot.pause()
        demo_app.board.place_cursor(0, 9 * 60)

    assert snap_compare(demo_app, terminal_size=(120, 40), press=["d"], run_before=on_series)


def test_refused_form_shows_the_reason(snap_compare, demo_app):
    async def bad_times(pilot: Pilot) -> None:
        await pilot.pause()
        demo_app.board.place_cursor(4, 18 * 60, OUTBOUND)
        await pilot.press("n")
        from textual.widgets import Input

        demo_app.screen.query_one("#field-end", Input).value = "17:00"
        await pilot.press("enter")

    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=bad_times)


def test_boundaries_form_fits_80x24(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=(80, 24), press=["b"], run_before=settle)


async def open_reports(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.press("r")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_reports_screen(snap_compare, demo_app, size):
    assert snap_compare(demo_app, terminal_size=size, run_before=open_reports)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_reports_income_view(snap_compare, demo_app, size):
    """Issue 15: i on the reports screen shows the month's income per engagement, earned solid and forecast shaded,
    the predictable share and each client's effective hourly rate, best first."""

    async def income_view(pilot: Pilot) -> None:
        await open_reports(pilot)
        await pilot.press("i")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=size, run_before=income_view)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_delegation_screen(snap_compare, demo_app, size):
    """Issue 16: D lists the open delegated tasks with their due day, status, age of the last update and cost."""
    assert snap_compare(demo_app, terminal_size=size, press=["D"], run_before=settle)


def test_export_form(snap_compare, demo_app):
    async def export_form(pilot: Pilot) -> None:
        await open_reports(pilot)
        await pilot.press("x")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=export_form)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_board_with_a_calendar_imported(snap_compare, store, size):
    """Calendar blocks carry ◷ after their side marker; a day off from the calendar says `off` in its header."""
    from pathlib import Path

    from planner.calendar_in import import_calendar
    from planner.model import INBOUND, Engagement

    store.add_engagement(Engagement(0, "acme-corp", INBOUND, hours=32, colour="blue"))
    store.set_settings(email="jane@acme.example")
    calendar = Path(__file__).parent / "data" / "calendars" / "google.ics"
    first, last = now().date().replace(day=23), now().date().replace(day=29)
    import_calendar(store, calendar, "acme-corp", first, last, all_day="off")
    assert snap_compare(make_app(store), terminal_size=size, run_before=settle)


def test_calendar_import_form(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=(120, 40), press=["i"], run_before=settle)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_warnings_screen(snap_compare, demo_app, size):
    assert snap_compare(demo_app, terminal_size=size, press=["exclamation_mark"], run_before=settle)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_board_in_a_light_theme(snap_compare, store, size):
    """The whole screen follows the theme: grid, header, panel, detail line and footer."""
    seed_demo(store, now())
    store.set_settings(theme="catppuccin-latte")
    assert snap_compare(make_app(store), terminal_size=size, run_before=settle)


@pytest.fixture
def long_titles(store: Store) -> PlannerApp:
    """The demo week with a long title and titles in CJK and emoji, which take two cells a character."""
    from datetime import timedelta

    from planner.model import Block
    from planner.schedule import monday_of

    seed_demo(store, now())
    monday = monday_of(now().date())
    job, client = store.engagement("acme-corp"), store.engagement("globex")
    for engagement, day, start, end, title in [
        (job, 3, 17 * 60, 19 * 60, "Quarterly planning review with the whole platform team"),
        (client, 4, 8 * 60, 9 * 60, "会議の準備 📅 レビュー"),
        (client, 6, 10 * 60, 12 * 60, "🚀 launch 발표 rehearsal"),
    ]:
        store.add_block(Block(0, engagement.id, monday + timedelta(days=day), start, end, title=title))
    return make_app(store)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_board_with_long_titles_and_wide_characters(snap_compare, long_titles, size):
    async def on_the_cjk_block(pilot: Pilot) -> None:
        await pilot.pause()
        long_titles.board.place_cursor(4, 8 * 60, OUTBOUND)  # the detail line shows it whole

    assert snap_compare(long_titles, terminal_size=size, run_before=on_the_cjk_block)


@pytest.mark.parametrize(
    ("size", "zoom"), [((120, 40), ["z"]), ((80, 24), ["z", "z"])], ids=["3days-120x40", "1day-80x24"]
)
def test_board_zoomed(snap_compare, long_titles, size, zoom):
    async def zoomed_on_thursday(pilot: Pilot) -> None:
        await pilot.pause()
        long_titles.board.place_cursor(3, 17 * 60, INBOUND)
        for key in zoom:
            await pilot.press(key)
        await pilot.pause()

    assert snap_compare(long_titles, terminal_size=size, run_before=zoomed_on_thursday)
