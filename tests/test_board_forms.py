"""Every field of every board form, left empty or blank: the form shows its own error line or saves; the board never
crashes. (A blank name in the job form once ended the board with an AttributeError.)"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from planner.model import INBOUND, OUTBOUND, Block, Engagement, LogEntry
from planner.schedule import parse_moment
from planner.store import Store
from planner_widgets.app import make_app
from planner_widgets.forms import FormScreen
from tests.helpers import drive

WEDNESDAY = date(2026, 11, 25)  # the pinned clock's day; the board's cursor starts there at 10:00, inbound lane

#: How to open each form from the board, as keys.
FORMS = {
    "new block": ["n"],
    "edit block": ["e"],
    "log time": ["L"],
    "edit log": ["g", "e"],
    "add log from the list": ["g", "a"],
    "new job": ["E", "j"],
    "new client": ["E", "a"],
    "edit job": ["E", "e"],
    "boundaries": ["b"],
    "export": ["r", "x"],
    "import calendar": ["i"],
}


@pytest.fixture
def seeded(store: Store) -> Store:
    job = store.add_engagement(
        Engagement(id=0, name="acme-corp", kind=INBOUND, hours=32, window="mon-fri 09:00-17:00", colour="blue")
    )
    store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND, rate=95, colour="magenta"))
    store.add_block(Block(id=0, engagement_id=job.id, day=WEDNESDAY, start=10 * 60, end=11 * 60, title="standup"))
    store.add_log(
        LogEntry(
            id=0, engagement_id=job.id, start=parse_moment("2026-11-24 09:00"), end=parse_moment("2026-11-24 10:00")
        )
    )
    return store


async def _open(pilot: Pilot, keys: list[str]) -> FormScreen:
    while not isinstance(pilot.app.screen, type(pilot.app.get_default_screen())):
        await pilot.press("escape")
        await pilot.pause()
    await pilot.press(*keys)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen), f"{keys} opened {type(screen).__name__}"
    return screen


@pytest.mark.parametrize("form", list(FORMS), ids=lambda name: name.replace(" ", "-"))
def test_every_field_empty_or_blank_gets_the_forms_error_line(seeded, form, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an export with an empty file name writes here
    app = make_app(seeded)
    outcomes: list[tuple[str, str, str]] = []

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = await _open(pilot, FORMS[form])
            keys = [field.key for field in screen.fields if not field.is_check]
            for key in keys:
                for blank in ("", "   "):
                    screen = await _open(pilot, FORMS[form])
                    screen.query_one(f"#field-{key}", Input).value = blank
                    await pilot.pause()
                    await pilot.press("ctrl+s")
                    await pilot.pause()
                    if pilot.app.screen is screen:
                        error = str(screen.query_one("#form-error").render())
                        assert error.startswith("✗ "), f"{form}: {key}={blank!r} neither saved nor said why"
                        outcomes.append((key, repr(blank), error))
                    else:
                        outcomes.append((key, repr(blank), "saved"))

    asyncio.run(run())  # an exception in the app is raised here by Textual's test harness
    assert app.crash is None
    assert outcomes


def test_a_blank_name_in_the_job_form_is_refused_with_a_reason(seeded):
    app = make_app(seeded)

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = await _open(pilot, ["E", "j"])
            screen.query_one("#field-hours", Input).value = "32"
            await pilot.press("enter")
            await pilot.pause()
            assert pilot.app.screen is screen
            assert "a name is needed" in str(screen.query_one("#form-error").render())

    asyncio.run(run())
    assert [engagement.name for engagement in seeded.engagements()] == ["acme-corp", "globex"]


def test_tab_takes_the_completion_a_field_shows_then_moves_on(store, people):
    """Trial finding: tab left 'glo' in the engagement field instead of taking the 'globex' it suggested."""
    from textual.widgets import Input

    app = make_app(store)
    seen = []

    async def steps(pilot) -> None:
        await pilot.press("n")
        await pilot.pause()
        field = app.screen.query_one("#field-engagement", Input)
        field.focus()
        field.value = ""
        await pilot.press("g", "l", "o")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        seen.append((field.value, field.has_focus, app.screen.focused.id))
        await pilot.press("up")
        await pilot.pause()
        seen.append(field.has_focus)

    drive(app, steps)
    assert seen == [("globex", False, "field-title"), True]  # completed, on to the title; up goes back


def test_the_job_form_sets_where_the_overtime_account_starts(seeded):
    """Issue 14: a job's overtime account gets a start, on the board as with `job edit --start`."""
    app = make_app(seeded)

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = await _open(pilot, ["E", "j"])
            for key, value in {"name": "initech", "hours": "20", "start": "2026-11-02"}.items():
                screen.query_one(f"#field-{key}", Input).value = value
            await pilot.press("enter")
            await pilot.pause()
            assert pilot.app.screen is not screen

    asyncio.run(run())
    assert seeded.engagement("initech").start == date(2026, 11, 2)


def test_the_settings_form_sets_the_reminders(seeded):
    """Issue 14: reminder settings from the keyboard (S), as `settings set --remind-before/--quiet-hours/--remind`."""
    app = make_app(seeded)

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("S")
            await pilot.pause()
            screen = pilot.app.screen
            screen.query_one("#field-remind_before", Input).value = "12"
            screen.query_one("#field-quiet_hours", Input).value = "22:00-07:30"
            screen.query_one("#field-remind_no-timer").value = False
            await pilot.press("enter")
            await pilot.pause()
            assert pilot.app.screen is not screen

    asyncio.run(run())
    stored = seeded.settings()
    assert (stored["remind_before"], stored["quiet_hours"], stored["remind_off"]) == (12, "22:00-07:30", ["no-timer"])


def test_the_client_form_takes_each_pricing_model(seeded):
    """Issue 15: a fixed fee or a retainer from the keyboard, as `client add --fixed/--retainer`."""
    app = make_app(seeded)

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for values in (
                {"name": "hooli", "model": "fixed", "fee": "3000"},
                {"name": "initech", "model": "retainer", "fee": "2000", "covers": "20", "overage": "110"},
                {"name": "umbrella", "model": "retainer", "fee": "900"},  # no covered hours: refused
            ):
                screen = await _open(pilot, ["E", "a"])
                for key, value in values.items():
                    screen.query_one(f"#field-{key}", Input).value = value
                await pilot.press("enter")
                await pilot.pause()
            assert "needs its monthly fee and the hours it covers" in str(
                pilot.app.screen.query_one("#form-error").render()
            )

    asyncio.run(run())
    hooli, initech = seeded.engagement("hooli"), seeded.engagement("initech")
    assert (hooli.model, hooli.fee) == ("fixed", 3000)
    assert (initech.model, initech.fee, initech.covers, initech.overage) == ("retainer", 2000, 20, 110)
    assert [e.name for e in seeded.engagements()] == ["acme-corp", "globex", "hooli", "initech"]
