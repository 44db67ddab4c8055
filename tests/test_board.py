"""Keyboard flows on the board, driven with Pilot; every test checks what reached the store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.pilot import Pilot

from planner.errors import ValidationError
from planner.model import INBOUND, OUTBOUND, Block, LogEntry
from planner.schedule import parse_moment
from planner.store import Store
from planner_widgets.app import POLL_SECONDS, make_app
from planner_widgets.engagements_screen import EngagementsScreen
from planner_widgets.forms import ChoiceScreen, FormScreen, HelpScreen
from planner_widgets.logs_screen import LogsScreen
from tests.helpers import MONDAY, add_block, drive, fill, week_blocks, week_logs


def test_cursor_moves_by_row_day_and_lane(store, people):
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        board = app.board
        assert (board.cursor_day, board.cursor_minute) == (2, 10 * 60)  # today, now
        await pilot.press("right", "l", "down", "j", "j")
        assert (board.cursor_day, board.cursor_minute) == (4, 11 * 60 + 30)
        await pilot.press("left", "h", "h", "up", "k")
        assert (board.cursor_day, board.cursor_minute) == (1, 10 * 60 + 30)
        assert board.lane == INBOUND
        await pilot.press("tab")
        assert board.lane == OUTBOUND

    drive(app, steps)


def test_n_plans_a_block_at_the_cursor(store, people):
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(2, 14 * 60, INBOUND)
        await pilot.press("n")
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, title="deep work")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)

    drive(app, steps)
    [block] = week_blocks(store)
    assert (block.day, block.start, block.end, block.title) == (MONDAY + timedelta(days=2), 840, 900, "deep work")
    assert store.engagement_by_id(block.engagement_id).name == "acme-corp"


def test_a_refused_form_shows_why_and_writes_nothing(store, people, data_dir):
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("n")
        await fill(pilot, start="15:00", end="14:00")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        error = str(app.screen.query_one("#form-error").render())
        assert "ends before it starts" in error
        await fill(pilot, engagement="nobody", end="16:00")
        await pilot.press("enter")
        await pilot.pause()
        assert "no engagement named 'nobody'" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")

    drive(app, steps)
    assert week_blocks(store) == []


def test_e_edits_and_d_deletes_a_block(store, people):
    job, _ = people
    block = add_block(store, job, MONDAY, "09:00", "12:00", title="sprint")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(0, 10 * 60, INBOUND)
        await pilot.press("e")
        await fill(pilot, title="sprint review", end="12:30")
        await pilot.press("enter")
        await pilot.pause()
        assert store.block(block.id).title == "sprint review" and store.block(block.id).end == 12 * 60 + 30
        await pilot.press("d")
        await pilot.pause()

    drive(app, steps)
    assert week_blocks(store) == []


def test_d_on_a_series_asks_occurrence_or_series(store, people):
    _, client = people
    series = add_block(store, client, MONDAY - timedelta(days=7), "18:00", "20:00", repeat="FREQ=WEEKLY;BYDAY=TU,TH")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(1, 18 * 60, OUTBOUND)
        await pilot.press("d")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.click("#choice-one")
        await pilot.pause()
        assert [b.day.weekday() for b in week_blocks(store)] == [3]  # Thursday stays
        app.board.place_cursor(3, 18 * 60, OUTBOUND)
        await pilot.press("d")
        await pilot.click("#choice-series")
        await pilot.pause()

    drive(app, steps)
    assert week_blocks(store) == []
    with pytest.raises(ValidationError, match="no planned block"):
        store.block(series.id)


def test_shift_arrows_move_and_plus_minus_resize(store, people):
    job, _ = people
    block = add_block(store, job, MONDAY, "09:00", "10:00")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(0, 9 * 60, INBOUND)
        await pilot.press("shift+down")
        await pilot.press("shift+right")
        await pilot.press("plus", "plus", "minus")

    drive(app, steps)
    moved = store.block(block.id)
    assert (moved.day, moved.start, moved.end) == (MONDAY + timedelta(days=1), 9 * 60 + 30, 11 * 60)


def test_moving_an_occurrence_detaches_it_from_its_series(store, people):
    _, client = people
    series = add_block(store, client, MONDAY, "18:00", "19:00", repeat="FREQ=DAILY")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(2, 18 * 60, OUTBOUND)
        await pilot.press("shift+up")

    drive(app, steps)
    wednesday = [b for b in week_blocks(store) if b.day == MONDAY + timedelta(days=2)]
    assert [(b.start, b.series_id) for b in wednesday] == [(17 * 60 + 30, None)]
    assert store.block(series.id).exdates == [MONDAY + timedelta(days=2)]


def test_c_copies_and_v_pastes_at_the_cursor(store, people):
    job, _ = people
    add_block(store, job, MONDAY, "09:00", "10:30", title="planning")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(0, 9 * 60, INBOUND)
        await pilot.press("c")
        app.board.place_cursor(4, 13 * 60, INBOUND)
        await pilot.press("v")

    drive(app, steps)
    pasted = [b for b in week_blocks(store) if b.day.weekday() == 4]
    assert [(b.start, b.end, b.title) for b in pasted] == [(13 * 60, 14 * 60 + 30, "planning")]


def test_week_keys_and_w_copies_last_weeks_plan_once(store, people):
    job, client = people
    add_block(store, job, MONDAY - timedelta(days=7), "09:00", "12:00", title="a")
    add_block(store, client, MONDAY - timedelta(days=5), "18:00", "19:00", title="b")
    add_block(store, job, MONDAY, "09:00", "12:00", title="a")  # already copied by hand
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("left_square_bracket")
        assert app.monday == MONDAY - timedelta(days=7)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert app.monday == MONDAY + timedelta(days=7)
        await pilot.press("full_stop")
        assert app.monday == MONDAY
        await pilot.press("w")
        await pilot.press("w")

    drive(app, steps)
    assert sorted((b.day.weekday(), b.title) for b in week_blocks(store)) == [(0, "a"), (2, "b")]


def test_s_starts_the_timer_on_the_block_and_stops_it(store, people, monkeypatch):
    job, _ = people
    block = add_block(store, job, MONDAY + timedelta(days=2), "09:00", "12:00", title="sprint")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(2, 10 * 60, INBOUND)
        await pilot.press("s")
        await pilot.pause()
        running = store.running()
        assert running is not None and running.block_id == block.id and running.note == "sprint"
        monkeypatch.setenv("PLANNER_NOW", "2026-11-25T11:15:00+01:00")
        await pilot.press("s")
        await pilot.pause()

    drive(app, steps)
    assert store.running() is None
    [entry] = week_logs(store)
    assert entry.seconds() == 75 * 60 and entry.block_id == block.id


def test_L_logs_time_prefilled_from_the_block(store, people):
    _, client = people
    add_block(store, client, MONDAY + timedelta(days=1), "18:00", "20:00", title="api")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(1, 18 * 60, OUTBOUND)
        await pilot.press("L")
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, end="2026-11-24 19:30", tags="dev, api")
        await pilot.press("enter")
        await pilot.pause()

    drive(app, steps)
    [entry] = week_logs(store)
    assert entry.start == parse_moment("2026-11-24 18:00") and entry.seconds() == 90 * 60
    assert entry.note == "api" and entry.tags == ["dev", "api"]


def test_g_lists_the_weeks_logs_to_edit_and_delete(store, people):
    job, _ = people
    first = store.add_log(
        LogEntry(
            id=0, engagement_id=job.id, start=parse_moment("2026-11-23 09:00"), end=parse_moment("2026-11-23 12:00")
        )
    )
    store.add_log(
        LogEntry(
            id=0, engagement_id=job.id, start=parse_moment("2026-11-24 09:00"), end=parse_moment("2026-11-24 10:00")
        )
    )
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("g")
        assert isinstance(app.screen, LogsScreen)
        await pilot.press("e")
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, note="sprint")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)
        await pilot.press("down", "d")
        await pilot.pause()
        await pilot.press("escape")

    drive(app, steps)
    assert [(e.id, e.note) for e in week_logs(store)] == [(first.id, "sprint")]


def test_E_adds_edits_and_archives_engagements(store, people):
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("E")
        assert isinstance(app.screen, EngagementsScreen)
        await pilot.press("a")
        await fill(pilot, name="initech", cap="6", rate="80", round_minutes="6", round_mode="nearest")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EngagementsScreen)
        await pilot.press("down", "down", "x")  # the rows: acme-corp, globex, initech
        await pilot.pause()

    drive(app, steps)
    initech = store.engagement("initech")
    assert initech.cap == 6 and str(initech.rate) == "80" and initech.archived
    assert (initech.round_minutes, initech.round_mode) == (6, "nearest")


def test_u_undoes_and_ctrl_r_redoes(store, people):
    job, _ = people
    block = add_block(store, job, MONDAY, "09:00", "10:00")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(0, 9 * 60, INBOUND)
        await pilot.press("d")
        assert week_blocks(store) == []
        await pilot.press("u")
        assert [b.id for b in week_blocks(store)] == [block.id]  # the same block, same id
        await pilot.press("ctrl+r")
        assert week_blocks(store) == []
        await pilot.press("u")

    drive(app, steps)
    assert [b.id for b in week_blocks(store)] == [block.id]


def test_question_mark_lists_every_key_and_q_quits(store, people):
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("q")

    drive(app, steps)
    assert app.return_code == 0  # q quit the board (without it the app would still be running: None)


def test_palette_reaches_every_action(store, people):
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "week: next week" in titles and "timer: start the timer on the block; stop it if it runs" in titles
        assert "plan: copy last week's plan into this week" in titles

    drive(app, steps)


def test_changes_from_another_process_show_within_two_seconds(store, people):
    job, _ = people
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(3, 15 * 60, OUTBOUND)
        await pilot.press("n")  # a form is open while the data changes
        polls = [timer for timer in app._timers if timer._interval == POLL_SECONDS]
        assert len(polls) == 1 and POLL_SECONDS <= 1  # a change shows within two seconds at the latest
        elsewhere = Store(store.root)
        elsewhere.add_block(Block(id=0, engagement_id=job.id, day=MONDAY, start=7 * 60, end=8 * 60, title="early"))
        app._poll()  # what the timer runs, driven here instead of waited for
        await pilot.pause()
        assert app.week_data is not None and [b.title for b in app.week_data.blocks] == ["early"]
        assert isinstance(app.screen, FormScreen)
        assert (app.board.cursor_day, app.board.cursor_minute, app.board.lane) == (3, 15 * 60, OUTBOUND)

    drive(app, steps)


def test_the_axis_follows_the_settings(store, people):
    store.set_settings(day_start="08:00", day_end="18:00", slot=60)
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        board = app.board
        assert (board.axis_start, board.axis_end, board.slot, board.rows) == (8 * 60, 18 * 60, 60, 10)
        await pilot.press("down")
        assert board.cursor_minute == 11 * 60

    drive(app, steps, size=(120, 14))  # too short for more hours: the axis is the settings' day

    async def tall(pilot: Pilot) -> None:
        board = app.board
        assert board.slot == 60 and board.axis_start <= 8 * 60 and board.axis_end >= 18 * 60
        assert board.rows == min(24, board.size.height - 4)  # more hours fill the height, up to the whole day

    app = make_app(store)
    drive(app, tall, size=(120, 40))


def test_b_sets_boundaries_and_warnings_show_mark_and_notify_once(store, people):
    app = make_app(store)
    notes: list[str] = []

    async def steps(pilot: Pilot) -> None:
        app.notify = lambda message, **kwargs: notes.append(kwargs.get("title") or message)  # type: ignore[method-assign]
        await pilot.press("b")
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, max_day="1", days_off="sun", min_rate="60", concentration_basis="income")
        await pilot.press("enter")
        await pilot.pause()
        assert store.boundaries().max_day == 1 and store.boundaries().days_off == [6]
        assert store.boundaries().min_rate == 60 and store.boundaries().concentration_basis == "income"
        app.board.place_cursor(1, 15 * 60, OUTBOUND)  # Tuesday 15:00, inside acme-corp's window
        await pilot.press("n")
        await fill(pilot, engagement="globex", end="17:00")
        await pilot.press("enter")
        await pilot.pause()
        codes = {finding.code for finding in app.findings}
        assert {"window-intrusion", "day-max"} <= codes
        [block] = week_blocks(store)
        assert app.board.flags[block.id] == "breach"
        assert app._panel.warnings and any("working window" in message for _, message in app._panel.warnings)
        assert notes.count("window-intrusion") == 1
        await pilot.press("plus")  # another change: the same warnings are not announced again
        await pilot.pause()
        assert notes.count("window-intrusion") == 1

    drive(app, steps)


def test_a_block_overlapping_its_engagements_own_is_refused_on_the_board(store, people):
    """Issue 14: overlapping blocks of one engagement were accepted and counted twice."""
    job, _ = people
    add_block(store, job, MONDAY + timedelta(days=2), "13:00", "15:00", title="reviews")
    app = make_app(store)

    async def steps(pilot: Pilot) -> None:
        app.board.place_cursor(2, 14 * 60, INBOUND)
        await pilot.press("n")
        await fill(pilot, start="14:30", end="16:00", title="second")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        error = str(app.screen.query_one("#form-error").render())
        assert "overlaps block 1 'reviews' of acme-corp on Wed 25 Nov 2026 13:00-15:00" in error
        await fill(pilot, start="15:00")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)

    drive(app, steps)
    assert [(block.start, block.end) for block in week_blocks(store)] == [(780, 900), (900, 960)]


def test_a_reminder_that_falls_due_pops_up_on_the_board_once(store, people):
    """Issue 14: the board shows a reminder as a notification when it falls due while it is open; the header shows
    the next planned block and the nearest deadline. A reminder the board showed is not shown again by `remind`."""
    job, _ = people
    store.update_engagement("globex", deadline=MONDAY + timedelta(days=4))
    add_block(store, job, MONDAY + timedelta(days=2), "10:03", "11:00", title="standup")
    app = make_app(store, clock=lambda: parse_moment("2026-11-25 10:00"), reminding=True)
    seen: dict[str, object] = {}

    async def steps(pilot: Pilot) -> None:
        await pilot.pause(1.5)  # the board's poll, once a second
        seen["notes"] = [(str(item.title), str(item.message)) for item in app._notifications]
        seen["header"] = str(app.board_screen.query_one("WeekHeader").render())

    drive(app, steps)
    assert ("block-start", "acme-corp · standup starts in 3 min (Wed 10:03–11:00).") in seen["notes"]
    assert "deadline-near" in {title for title, _ in seen["notes"]}
    assert "next 10:03 acme-corp · due globex Fri 27 Nov" in seen["header"]
    assert store.claim_reminders(["block-start:1:2026-11-25"], parse_moment("2026-11-25 10:01")) == []
