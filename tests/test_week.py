"""The week as the board reads it: one set of day totals, exact to the second, behind the totals lines under the grid
and the detail line."""

from __future__ import annotations

from datetime import date

from planner.detail import describe_day
from planner.model import INBOUND, OUTBOUND, Block, Engagement, LogEntry
from planner.schedule import parse_moment
from planner.week import Week
from tests.helpers import MONDAY, add_block


def test_day_totals_are_exact_and_split_an_entry_at_midnight(store, people):
    job, client = people
    add_block(store, job, MONDAY, "09:00", "12:30")
    add_block(store, client, MONDAY, "18:00", "19:00")
    store.add_logs([
        LogEntry(0, job.id, parse_moment("2026-11-23 09:00:00"), parse_moment("2026-11-23 09:00:29")),
        LogEntry(0, client.id, parse_moment("2026-11-23 23:30"), parse_moment("2026-11-24 00:45")),
    ])  # fmt: skip
    week = store.week(MONDAY, parse_moment("2026-11-25 10:00"))
    totals = week.day_totals()
    assert totals[0] == {INBOUND: (3.5 * 3600, 29.0), OUTBOUND: (3600.0, 1800.0)}
    assert totals[1] == {INBOUND: (0.0, 0.0), OUTBOUND: (0.0, 2700.0)}
    assert describe_day(week, 1) == ("Tuesday 24 Nov: ■ in 0:00 planned, 0:00 logged · ◆ out 0:00 planned, 0:45 logged")


def test_a_running_timer_counts_up_to_now(store, people):
    job, _ = people
    store.start_timer(LogEntry(0, job.id, parse_moment("2026-11-25 08:15"), None))
    week = store.week(MONDAY, parse_moment("2026-11-25 10:00"))
    assert week.day_totals()[2][INBOUND] == (0.0, 6300.0)


def test_a_calendars_overlapping_meetings_count_once_in_the_plan():
    """Issue 14: one engagement's overlapping blocks (only an imported calendar still brings them) counted twice."""
    job = Engagement(id=1, name="acme", kind=INBOUND)
    monday = date(2026, 11, 23)
    blocks = [
        Block(id=1, engagement_id=1, day=monday, start=9 * 60, end=11 * 60),
        Block(id=2, engagement_id=1, day=monday, start=10 * 60, end=12 * 60),
        Block(id=3, engagement_id=1, day=monday, start=10 * 60 + 30, end=11 * 60),
    ]
    week = Week(monday=monday, now=parse_moment("2026-11-23 08:00"), engagements={1: job}, blocks=blocks, logs=[],
                running=None)  # fmt: skip
    [row] = week.rows()
    assert row.planned == 3 * 3600
    assert week.day_totals()[0][INBOUND][0] == 3 * 3600
