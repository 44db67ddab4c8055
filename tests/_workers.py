"""Writers run as separate processes by the concurrency and crash tests.

python -m tests._workers add ROOT WORKER COUNT     add COUNT entries in WORKER's own time slots
python -m tests._workers tui ROOT WORKER COUNT     the same through the board: L, the log form, enter (Pilot)
python -m tests._workers churn ROOT ROUND          add entries (and run timers) until killed, printing each
                                                   acknowledged log id after its commit returned
python -m tests._workers cli ROOT ROUND            the same through the command line (planner.cli.main: log add,
                                                   start and stop), printing each id the command reported
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from planner.model import LogEntry
from planner.store import Store

BASE = datetime(2025, 1, 6, 6, 0, tzinfo=UTC)
SLOT = timedelta(minutes=15)


def slot(index: int) -> tuple[datetime, datetime]:
    start = BASE + index * SLOT
    return start, start + timedelta(minutes=10)


def add(root: str, worker: int, count: int) -> None:
    store = Store(root, lock_timeout=120)
    client = store.engagement("globex")
    for number in range(count):
        start, end = slot(worker * 100_000 + number)
        entry = store.add_log(LogEntry(id=0, engagement_id=client.id, start=start, end=end, note=f"w{worker}"))
        print(entry.id, flush=True)


def stop_leftover_timer(store: Store) -> None:
    """A kill may have left a timer running; stop it where its slot ends, as the person would."""
    running = store.running()
    if running is not None:
        store.stop_timer(running.start + timedelta(minutes=10))


def churn(root: str, round_number: int) -> None:
    store = Store(root, lock_timeout=120)
    client = store.engagement("globex")
    stop_leftover_timer(store)
    number = 0
    while True:
        start, end = slot(round_number * 10_000 + number)
        if number % 5 == 4:  # a timer: start writes one file, stop writes a shard and the main file together
            store.start_timer(LogEntry(id=0, engagement_id=client.id, start=start))
            stopped = store.stop_timer(end)
            print(stopped.id, flush=True)
        else:
            entry = store.add_log(LogEntry(id=0, engagement_id=client.id, start=start, end=end))
            print(entry.id, flush=True)
        number += 1


def tui(root: str, worker: int, count: int) -> None:
    """Log COUNT entries through the board's log form, as a person at the keyboard would."""
    import asyncio

    from textual.widgets import Input

    from planner.schedule import to_local
    from planner_widgets.app import make_app

    store = Store(root, lock_timeout=120)
    last = slot(worker * 100_000 + count)[1]
    app = make_app(store, clock=lambda: last)  # the board's clock after every slot: logged time has happened

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for number in range(count):
                start, end = slot(worker * 100_000 + number)
                await pilot.press("L")
                form = app.screen
                values = {
                    "engagement": "globex",
                    "start": f"{to_local(start):%Y-%m-%d %H:%M}",
                    "end": f"{to_local(end):%Y-%m-%d %H:%M}",
                    "note": f"w{worker}",
                }
                for key, value in values.items():
                    form.query_one(f"#field-{key}", Input).value = value
                await pilot.press("enter")
                await pilot.pause()
                assert app.screen is not form, "the log form refused the entry"
                print(app.history.undo_stack[-1].changes[0].after.id, flush=True)

    asyncio.run(run())


def cli(root: str, round_number: int) -> None:
    """Write through the command line's own entry point until killed; print each id a command acknowledged."""
    import contextlib
    import io
    import re

    from planner.cli import main

    def run(*args: str) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--db", root, *args])
        assert code == 0, args
        return out.getvalue()

    stop_leftover_timer(Store(root, lock_timeout=120))
    number = 0
    while True:
        start, end = slot(round_number * 1_000 + number)  # ten days of slots a round: never in the future
        moments = [f"{moment:%Y-%m-%dT%H:%M}Z".replace("Z", "+00:00") for moment in (start, end)]
        if number % 5 == 4:
            run("start", "globex", "--at", moments[0])
            said = run("stop", "--at", moments[1])
        else:
            said = run("log", "add", "globex", "--start", moments[0], "--end", moments[1])
        print(re.search(r"\(id (\d+)\)", said)[1], flush=True)  # type: ignore[index]
        number += 1


if __name__ == "__main__":
    command, root, *rest = sys.argv[1:]
    if command == "add":
        add(root, int(rest[0]), int(rest[1]))
    elif command == "tui":
        tui(root, int(rest[0]), int(rest[1]))
    elif command == "cli":
        cli(root, int(rest[0]))
    else:
        churn(root, int(rest[0]))
