"""The employer's calendar in: `planner import ics` from Google- and Outlook-style files, re-imported after events
moved and were deleted (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Cli, snapshot_files

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
    assert "0 added, 0 moved, 0 renamed, 0 removed, 6 unchanged" in out
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
    assert "0 added, 1 moved, 0 renamed, 2 removed, 3 unchanged" in out
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
    # a later import that skips all-day events leaves the days off alone; one without the event takes them away
    run.ok("import", "ics", str(OUTLOOK), "--engagement", "acme", "--from", "2026-11-30", "--to", "2026-12-13")
    assert "day off Mon 2026-12-07" in run.ok("plan", "list", "--week", "2026-W50")
    text = OUTLOOK.read_bytes().decode()
    start = text.index("BEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E00800000000FFEEDDCCBBAA990001")
    end = text.index("END:VEVENT\r\n", start) + len("END:VEVENT\r\n")
    back = OUTLOOK.parent.parent.parent / "data" / "calendars" / "outlook.ics"
    assert back == OUTLOOK
    cancelled = Path(run.data).parent / "outlook-back.ics"
    cancelled.write_text(text[:start] + text[end:], newline="")
    out = run.ok("import", "ics", str(cancelled), "--engagement", "acme", "--from", "2026-11-30", "--to",
                 "2026-12-13", "--all-day", "off")  # fmt: skip
    assert "0 days off (2 taken away)" in out
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

    from planner.store import Store
    from planner_widgets.app import make_app
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


# ---------------------------------------------------------------- found by a first user's attacks


def _calendar(tmp_path: Path, *events: str, name: str = "c.ics") -> Path:
    body = "".join(f"BEGIN:VEVENT\r\nDTSTAMP:20261120T080000Z\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    path = tmp_path / name
    path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n", newline="")
    return path


def _event(uid: str, start: str, end: str, *extra: str, summary: str = "meeting") -> str:
    return "\r\n".join([f"UID:{uid}", f"DTSTART:{start}", f"DTEND:{end}", f"SUMMARY:{summary}", *extra])


@pytest.mark.parametrize(
    "rule", ["FREQ=SECONDLY", "FREQ=MINUTELY;INTERVAL=7", "FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9,10,11"]
)
def test_a_rule_repeating_more_than_once_a_day_is_left_out_at_once(run: Cli, tmp_path, rule):
    path = _calendar(
        tmp_path,
        _event("fast", "20001123T090000Z", "20001123T090001Z", f"RRULE:{rule}"),
        _event("ok", "20261124T090000Z", "20261124T100000Z"),
    )
    out = run.ok("import", "ics", str(path), "--engagement", "acme", *WEEK)
    assert "1 left out: repeats more than once a day" in out and "1 added" in out


def test_a_calendar_giving_too_many_blocks_is_refused(run: Cli, tmp_path):
    events = [_event(f"daily-{n}", "20250101T090000Z", "20250101T091000Z", "RRULE:FREQ=DAILY") for n in range(11)]
    err = run.refused("import", "ics", str(_calendar(tmp_path, *events)), "--engagement", "acme",
                      "--from", "2025-01-01", "--to", "2027-12-31")  # fmt: skip
    assert "more than 10,000 blocks" in err


def test_meetings_the_wall_clock_cannot_hold_are_counted_not_lost(run: Cli, tmp_path):
    path = _calendar(
        tmp_path,
        _event("second-pass", "20261025T011500Z", "20261025T014500Z"),  # 02:15-02:45 CET, the hour's second pass
        _event("across", "20261025T003000Z", "20261025T013000Z"),  # 02:30 CEST to 02:30 CET: a real hour
        _event("first-pass", "20261025T001000Z", "20261025T005000Z"),  # 02:10-02:50 CEST: fine
        _event("gap", "20260329T013000Z", "20260329T013000Z"),  # no length
    )
    out = run.ok("import", "ics", str(path), "--engagement", "acme", "--from", "2026-03-01", "--to", "2026-11-30")
    assert "2 left out: in the hour the clocks go back" in out and "1 left out: no length" in out
    assert "1 added" in out
    assert blocks(run, "2026-10-25") == [("2026-10-25", "02:10", "02:50", "meeting")]


def test_a_narrow_range_keeps_the_part_of_a_meeting_from_the_evening_before(run: Cli, tmp_path):
    path = _calendar(tmp_path, _event("late", "20261127T220000Z", "20261128T003000Z", summary="release"))
    run.ok("import", "ics", str(path), "--engagement", "acme", *WEEK)
    out = run.ok("import", "ics", str(path), "--engagement", "acme", "--from", "2026-11-28", "--to", "2026-11-28")
    assert "0 removed, 1 unchanged" in out
    out = run.ok("import", "ics", str(path), "--engagement", "acme", "--from", "2026-11-27", "--to", "2026-11-27")
    assert "1 block for acme" in out and "0 removed, 1 unchanged" in out
    assert blocks(run) == [("2026-11-27", "23:00", "24:00", "release"), ("2026-11-28", "00:00", "01:30", "release")]


def test_broken_events_and_shared_uids_are_counted(run: Cli, tmp_path):
    path = _calendar(
        tmp_path,
        _event("bad-rule", "20261123T090000Z", "20261123T100000Z", "RRULE:FREQ=WEEKLY;UNTIL=garbage"),
        _event("twice", "20261124T090000Z", "20261124T100000Z", summary="one"),
        _event("twice", "20261125T090000Z", "20261125T100000Z", summary="two"),
        _event("backwards", "20261126T120000Z", "20261126T110000Z"),
    )
    out = run.ok("import", "ics", str(path), "--engagement", "acme", *WEEK)
    assert "1 left out: a repeat rule planner cannot read" in out
    assert "1 left out: a second event with the UID of another" in out
    assert "1 left out: ends before it starts" in out
    assert [title for *_, title in blocks(run)] == ["one"]


def test_a_renamed_meeting_is_reported_as_renamed(run: Cli, tmp_path):
    run.ok("import", "ics", str(_calendar(tmp_path, _event("m", "20261124T140000Z", "20261124T150000Z"))),
           "--engagement", "acme", *WEEK)  # fmt: skip
    path = _calendar(tmp_path, _event("m", "20261124T140000Z", "20261124T150000Z", summary="NY call"), name="d.ics")
    out = run.ok("import", "ics", str(path), "--engagement", "acme", *WEEK)
    assert "renamed: meeting → NY call" in out and "0 moved, 1 renamed" in out


def test_an_archived_engagement_is_refused_before_the_file_is_read(run: Cli, data_dir):
    run.ok("archive", "globex")
    code, out, err = run("import", "ics", str(GOOGLE), "--engagement", "globex")
    assert code == 2 and out == "" and "archived" in err
