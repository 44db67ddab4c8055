"""Writers run as separate processes by the concurrency and crash tests.

python -m tests._workers add ROOT WORKER COUNT     add COUNT entries in WORKER's own time slots
python -m tests._workers churn ROOT ROUND          add entries (and run timers) until killed, printing each
                                                   acknowledged log id after its commit returned
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


if __name__ == "__main__":
    command, root, *rest = sys.argv[1:]
    if command == "add":
        add(root, int(rest[0]), int(rest[1]))
    else:
        churn(root, int(rest[0]))
