"""The employer's calendar in: `planner import ics` from Google- and Outlook-style files, re-imported after events
moved and were deleted (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli, snapshot_files

CALENDARS = Path(__file__).parent / "data" / "calendars"
GOOGLE = CALENDARS / "google.ics"
OUTLOOK = CALENDARS / "outlook.ics"
WEEK = ("--from", "2026-11-23", "--to", "2026-11-29")


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    cli = Cli(data_dir, capsys, monkeypatch)
    cli.ok("job", "add", "acme", "--hours", "40")
    cli.ok("client", "add", "globex")
    cli.ok("settings", "set", "--email", "jane@acme.example")
    return cli


def blocks(run: Cli, week: str = "2026-W48") -> list[tuple[str, str, str, str]]:
    return [
        (item["date"], item["start"], item["end"], item["title"])
        for item in json.loads(run.ok("plan", "list", "--week", week, "--json"))
    ]


def test_a_google_calendar_becomes_the_engagements_blocks(run: Cli):
    out = run.ok("import", "ics", str(GOOGLE), "--engagement", "acme", *WEEK)
    assert "6 added" in out and "1 left out: cancelled" in out and "1 left out: declined" in out
    assert "all-day" in out
    assert blocks(run) == [
        ("2026-11-23", "09:30", "09:45", "Daily standup"),
        # Tue 24: that occurrence was cancelled; Fri 27: an EXDATE
        ("2026-11-25", "09:30", "09:45", "Daily standup"),
        ("2026-11-25", "14:00", "16:00", "Quarterly planning, Q1"),  # 13:00Z
        ("2026-11-26", "11:00", "11:15", "Daily standup (moved)"),  # a moved occurrence (RECURRENCE-ID)
        ("2026-11-28", "23:00", "24:00", "Release night"),  # over midnight: one block a day
        ("2026-11-29", "00:00", "01:30", "Release night"),
    ]
    listed = json.loads(run.ok("plan", "list", "--week", "2026-W48", "--json"))
    assert {item["engagement"] for item in listed} == {"acme"}
    assert listed[0]["source"] == {
        "kind": "ics",
        "uid": "7kukuqrfedlm2f9t0vr4eplb8c@google.com",
        "recurrence_id": "20261123T083000Z",
    }
    assert "calendar" in run.ok("plan", "list", "--week", "2026-W48")


def test_reimporting_the_same_file_changes_nothing(run: Cli, data_dir):
    run.ok("import", "ics", str(GOOGLE), "--engagement", "acme", *WEEK)
    before = snapshot_files(data_dir)
    out = run.ok("import", "ics", str(GOOGLE), "--engagement", "acme", *WEEK)
    assert "0 added, 0 moved or renamed, 0 removed, 6 unchanged" in out
    assert {k: v for k, v in snapshot_files(data_dir).items() if "blocks" in k} == {
        k: v for k, v in before.items() if "blocks" in k
    }


def test_an_updated_calendar_moves_and_removes_and_leaves_other_blocks_alone(run: Cli, tmp_path):
    run.ok("import", "ics", str(GOOGLE), "--engagement", "acme", *WEEK)
    run.ok("plan", "add", "acme", "--date", "2026-11-24", "--start", "13:00", "--end", "17:00", "--title", "deep work")
    run.ok("plan", "add", "globex", "--date", "2026-11-25", "--start", "19:00", "--end", "21:00")
    text = GOOGLE.read_bytes().decode()
    text = text.replace(
        "DTSTART:20261125T130000Z\r\nDTEND:20261125T150000Z", "DTSTART:20261126T130000Z\r\nDTEND:20261126T140000Z"
    )
    start = text.index("BEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20261128T230000")
    end = text.index("END:VEVENT\r\n", start) + len("END:VEVENT\r\n")
    text = text[:start] + text[end:]  # the release night is called off
    updated = tmp_path / "google-updated.ics"
    updated.write_text(text, newline="")
    out = run.ok("import", "ics", str(updated), "--engagement", "acme", *WEEK)
    assert "0 added, 1 moved or renamed, 2 removed, 3 unchanged" in out
    assert "moved: Quarterly planning, Q1 Wed 2026-11-25 14:00-16:00 → Thu 2026-11-26 14:00-15:00" in out
    assert blocks(run) == [
        ("2026-11-23", "09:30", "09:45", "Daily standup"),
        ("2026-11-24", "13:00", "17:00", "deep work"),
        ("2026-11-25", "09:30", "09:45", "Daily standup"),
        ("2026-11-25", "19:00", "21:00", ""),
        ("2026-11-26", "11:00", "11:15", "Daily standup (moved)"),
        ("2026-11-26", "14:00", "15:00", "Quarterly planning, Q1"),
    ]


def test_an_outlook_calendar_with_a_windows_zone_and_days_off(run: Cli, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    out = run.ok("import", "ics", str(OUTLOOK), "--engagement", "acme", "--from", "2026-11-30", "--to",
                 "2026-12-13", "--all-day", "off")  # fmt: skip
    assert "2 added" in out and "2 days off" in out
    # 14:00 in W. Europe Standard Time is 08:00 in New York; the moved Wednesday is Thursday 16:00 → 10:00
    assert blocks(run, "2026-W49") == [("2026-12-03", "10:00", "11:00", "Team sync (Thursday this week)")]
    assert blocks(run, "2026-W50") == [("2026-12-09", "08:00", "09:00", "Team sync")]
    listed = run.ok("plan", "list", "--week", "2026-W50")
    assert "day off Mon 2026-12-07: Out of office" in listed and "day off Tue 2026-12-08" in listed
    run.ok("plan", "add", "acme", "--date", "2026-12-07", "--start", "09:00", "--end", "12:00")
    code, out, _ = run("check", "--week", "2026-W50", "--json")
    found = [item for item in json.loads(out)["warnings"] if item["code"] == "day-off"]
    assert code == 1 and found and "Out of office" in found[0]["message"]
    # without --all-day off a later import takes the days off away again
    run.ok("import", "ics", str(OUTLOOK), "--engagement", "acme", "--from", "2026-11-30", "--to", "2026-12-13")
    assert "day off" not in run.ok("plan", "list", "--week", "2026-W50")


def test_the_default_range_is_four_weeks_back_and_twelve_ahead(run: Cli):
    out = run.ok("import", "ics", str(OUTLOOK), "--engagement", "acme", "--dry-run")
    assert "from 2026-10-28 to 2027-02-17" in out and "Dry run" in out
    assert blocks(run) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "ics", str(GOOGLE)), "needs --engagement"),
        (("import", "ics", str(GOOGLE), "--engagement", "nobody"), "nobody"),
        (("import", "ics", str(GOOGLE), "--engagement", "acme", "--inbound", "x"), "--inbound goes with log imports"),
        (("import", "toggl", str(GOOGLE), "--all-day", "off"), "--all-day goes with 'planner import ics'"),
        (("import", "ics", str(CALENDARS), "--engagement", "acme"), "is a folder"),
        (("import", "ics", "/nonexistent.ics", "--engagement", "acme"), "does not exist"),
        (("import", "ics", str(GOOGLE), "--engagement", "acme", "--from", "2026-12-01", "--to", "2026-11-01"), "swap"),
    ],
)
def test_bad_calendar_imports_are_one_line(run: Cli, data_dir, args, message):
    before = snapshot_files(data_dir)
    err = run.refused(*args)
    assert message in err
    assert snapshot_files(data_dir) == before


@pytest.mark.parametrize(
    "content", [b"not a calendar at all", b"\xff\xfe\x00garbage", b"BEGIN:VEVENT\r\nEND:VEVENT\r\n"]
)
def test_a_file_that_is_no_calendar_is_one_line(run: Cli, tmp_path, content):
    bad = tmp_path / "bad.ics"
    bad.write_bytes(content)
    err = run.refused("import", "ics", str(bad), "--engagement", "acme")
    assert "not an iCalendar file" in err


def test_the_board_imports_a_calendar_from_its_form(run: Cli, data_dir):
    import asyncio

    from textual.widgets import Input

    from planner.app import make_app
    from planner.store import Store
    from planner_widgets.forms import FormScreen

    store = Store(data_dir)
    app = make_app(store)
    notes: list[str] = []

    async def steps() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("i")
            await pilot.pause()
            screen = pilot.app.screen
            assert isinstance(screen, FormScreen) and screen.form_title == "Import a calendar"
            screen.query_one("#field-file", Input).value = str(GOOGLE)
            screen.query_one("#field-first", Input).value = "2026-11-23"
            screen.query_one("#field-last", Input).value = "2026-11-29"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(pilot.app.screen, FormScreen)
            notes.extend(str(item.message) for item in pilot.app._notifications)

    asyncio.run(steps())
    assert any("Calendar in: 6 added" in note for note in notes), notes
    assert len(blocks(run)) == 6
