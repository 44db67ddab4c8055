"""What the tests share besides fixtures: the pinned clock, the demo week's Monday, ways to drive the board with Pilot
and to run the CLI in process, and the data sets several files build on. Test files import from here, never from each
other (the fixtures are in conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from planner.cli import main
from planner.model import INBOUND, OUTBOUND, Block, Engagement, LogEntry
from planner.schedule import parse_moment, span_of_days
from planner.store import Store
from planner_widgets.app import PlannerApp

#: Wednesday of ISO week 2026-W48, mid-morning in Berlin.
NOW = "2026-11-25T10:00:00+01:00"


def snapshot_files(folder: Path) -> dict[str, bytes]:
    """Every data file's bytes, to prove a refused command changed nothing."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*.json"))}


class Cli:
    """`planner ARGS` in this process on a chosen clock: exit code, standard output and standard error."""

    def __init__(self, data: Path, capsys, monkeypatch) -> None:
        self.data, self.capsys, self.monkeypatch = data, capsys, monkeypatch

    def __call__(self, *args: str, now: str = "2026-11-25T10:00:00+01:00") -> tuple[int, str, str]:
        self.monkeypatch.setenv("PLANNER_NOW", now)
        self.capsys.readouterr()
        code = main(["--db", str(self.data), *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def ok(self, *args: str, **kwargs: str) -> str:
        code, out, err = self(*args, **kwargs)
        assert code == 0, err
        return out

    def refused(self, *args: str, **kwargs: str) -> str:
        code, out, err = self(*args, **kwargs)
        assert code == 2 and out == "" and err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
        return err


MONDAY = date(2026, 11, 23)  # the pinned clock is Wednesday 2026-11-25 10:00 in Berlin


def drive(app: PlannerApp, steps: Callable[[Pilot], Awaitable[None]], size: tuple[int, int] = (120, 40)) -> None:
    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await steps(pilot)

    asyncio.run(run())


def week_blocks(store: Store, monday: date = MONDAY) -> list[Block]:
    return store.blocks(monday, monday + timedelta(days=6))


def week_logs(store: Store) -> list[LogEntry]:
    return store.logs(*span_of_days(MONDAY, MONDAY + timedelta(days=6)))


async def fill(pilot: Pilot, **values: str) -> None:
    screen = pilot.app.screen
    for key, value in values.items():
        screen.query_one(f"#field-{key}", Input).value = value
    await pilot.pause()


def add_block(store: Store, engagement: Engagement, day: date, start: str, end: str, **fields) -> Block:
    hours = lambda text: int(text[:2]) * 60 + int(text[3:])  # noqa: E731
    return store.add_block(
        Block(id=0, engagement_id=engagement.id, day=day, start=hours(start), end=hours(end), **fields)
    )


def assert_bad_input(result, words):
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], result.err
    assert result.out == ""


STAMP = datetime.fromisoformat("2026-11-30T08:00:00+00:00")


WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def at(text: str) -> datetime:
    return parse_moment(text)


def seed(store: Store) -> None:
    """A week with every case a timesheet meets: three roundings, two currencies, a rate that changes mid-week, an
    entry over midnight and one over the week's end, non-billable time, tags, and notes a spreadsheet would run."""
    acme = store.add_engagement(
        Engagement(0, "acme-corp", INBOUND, rate=Decimal(60), round_minutes=15, hours=32, window="mon-fri 09:00-17:00")
    )
    globex = store.add_engagement(
        Engagement(0, "globex", OUTBOUND, rate=Decimal(95), round_minutes=6, round_mode="nearest", cap=10)
    )
    initech = store.add_engagement(
        Engagement(0, "initech", OUTBOUND, rate=Decimal("120.50"), currency="USD", round_minutes=30, round_mode="down")
    )
    store.change_terms("globex", date(2026, 11, 26), rate=Decimal(100))
    store.set_settings(name="Jane Q. Doe", email="jane@example.com")
    entries = [
        (acme, "2026-11-23 09:00", "2026-11-23 12:07", "sprint planning", ["meeting"], True),
        (acme, "2026-11-23 13:00", "2026-11-23 17:01", "reviews, fixes", [], True),
        (globex, "2026-11-23 18:00", "2026-11-23 19:02", '=HYPERLINK("http://x")', ["api"], True),
        (globex, "2026-11-24 23:30", "2026-11-25 01:10", "release | hotfix", ["ops", "night"], True),
        (initech, "2026-11-25 19:00", "2026-11-25 20:20", "+data cleanup", [], True),
        (globex, "2026-11-26 18:00", "2026-11-26 19:03", '-call with "Bob"', [], False),
        (initech, "2026-11-29 23:00", "2026-11-30 01:00", "@weekend deploy", ["ops"], True),
    ]
    store.add_logs(
        LogEntry(0, item.id, at(start), at(end), note=note, tags=tags, billable=billable)
        for item, start, end, note, tags, billable in entries
    )
    store.add_block(
        Block(
            0,
            acme.id,
            date(2026, 11, 2),
            9 * 60,
            12 * 60,
            "standup and sprint",
            repeat="FREQ=WEEKLY;BYDAY=MO,WE,FR",
            exdates=[date(2026, 11, 27)],
        )
    )
    store.add_block(
        Block(0, globex.id, date(2026, 11, 24), 18 * 60, 20 * 60, "API integration", notes="bring the spec")
    )
    store.add_block(Block(0, initech.id, date(2026, 12, 2), 18 * 60, 19 * 60, "next week"))


def add_people(store: Store) -> tuple[Engagement, Engagement]:
    job = store.add_engagement(
        Engagement(id=0, name="acme-corp", kind=INBOUND, hours=32, window="mon-fri 09:00-17:00", rate=60)
    )
    client = store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND, rate=95, cap=10))
    return job, client


def entry(engagement: Engagement, start: str, end: str | None, **fields) -> LogEntry:
    return LogEntry(
        id=0,
        engagement_id=engagement.id,
        start=parse_moment(start),
        end=None if end is None else parse_moment(end),
        **fields,
    )
