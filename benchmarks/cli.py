"""How fast the everyday commands are, as whole processes, on small and huge histories.

    python benchmarks/cli.py [--runs N] [--sizes 1000,100000]

For each history size it builds a data folder (about 20 entries a day, the newest a week ago, so the current month
is equally full at every size), then times, as separate processes of this interpreter:
- the floor: `import tinydb, dateutil.parser, dateutil.tz, filelock, platformdirs, json, argparse`, nothing else;
- `planner start`, `planner stop` and `planner report --week`.
Runs are interleaved (floor, start, stop, report, floor, ...) so that noise from a shared machine falls on all of
them alike. It prints medians, each command's ratio to the floor measured in the same run, and the ratio of the
largest history to the smallest. Targets: each command ≤ 1.5× the floor; 100k ≤ 1.2× 1k.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.model import INBOUND, OUTBOUND, Engagement, LogEntry
from planner.store import Store

FLOOR = "import tinydb, dateutil.parser, dateutil.tz, filelock, platformdirs, json, argparse"
PER_DAY = 20


def build_history(root: Path, size: int, newest: date) -> None:
    """`size` entries, PER_DAY a day (inbound by day, outbound in the evening), ending on `newest`."""
    store = Store(root)
    job = store.add_engagement(Engagement(id=0, name="acme-corp", kind=INBOUND, hours=32, window="mon-fri 09:00-17:00"))
    clients = [
        store.add_engagement(Engagement(id=0, name=name, kind=OUTBOUND, rate=90))
        for name in ("globex", "initech", "umbrella", "hooli")
    ]
    days = -(-size // PER_DAY)
    entries = []
    for day_index in range(days):
        day = newest - timedelta(days=days - 1 - day_index)
        base = datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)
        for slot in range(PER_DAY):
            if len(entries) == size:
                break
            start = base + timedelta(minutes=40 * slot)
            engagement = job if slot < 12 else clients[(day_index + slot) % len(clients)]
            entries.append(
                LogEntry(
                    id=0,
                    engagement_id=engagement.id,
                    start=start,
                    end=start + timedelta(minutes=35),
                    note=f"entry {slot}",
                    tags=["bench"],
                )
            )
    store.add_logs(entries)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(command)} failed: {done.stderr.strip()}")
    return elapsed


def measure(size: int, runs: int) -> dict[str, float]:
    newest = date.today() - timedelta(days=7)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        built = time.perf_counter()
        build_history(root, size, newest)
        print(f"  built {size:,} entries in {time.perf_counter() - built:.1f} s", flush=True)
        env = {**os.environ, "PLANNER_DB": str(root)}
        planner = [sys.executable, "-m", "planner"]
        samples: dict[str, list[float]] = {
            "floor": [],
            "start": [],
            "stop": [],
            "report --week": [],
            "remind": [],
            "agenda": [],
        }
        week = newest.isoformat()
        for run in range(runs):
            at = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=23, minutes=-run * 2)
            samples["floor"].append(timed([sys.executable, "-c", FLOOR], env))
            samples["start"].append(timed([*planner, "start", "globex", "--at", f"{at:%Y-%m-%d %H:%M}"], env))
            stop_at = at + timedelta(minutes=1)
            samples["stop"].append(timed([*planner, "stop", "--at", f"{stop_at:%Y-%m-%d %H:%M}"], env))
            samples["report --week"].append(timed([*planner, "report", "--week", week], env))
            samples["remind"].append(timed([*planner, "remind", "--json"], env))  # cron's every minute
            samples["agenda"].append(timed([*planner, "agenda"], env))
        return {name: statistics.median(values) for name, values in samples.items()}


def compile_planner() -> None:
    """Byte-compile planner as `pip install` does for an installed copy (and for the floor's libraries). Python reads
    these caches even under PYTHONDONTWRITEBYTECODE, which would otherwise make every run recompile the source."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("planner", "widgets"):
        compileall.compile_dir(root / package, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sizes", default="1000,100000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    compile_planner()
    results = {}
    for size in sizes:
        print(f"history of {size:,} entries ({args.runs} runs each)", flush=True)
        results[size] = measure(size, args.runs)
        floor = results[size]["floor"]
        for name, seconds in results[size].items():
            ratio = "" if name == "floor" else f"  {seconds / floor:.2f}× floor"
            print(f"  {name:<14} {seconds * 1000:7.1f} ms{ratio}")
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        print(f"{sizes[-1]:,} vs {sizes[0]:,} entries (each against its own floor):")
        for name in ("start", "stop", "report --week", "remind", "agenda"):
            ratio = (large[name] / large["floor"]) / (small[name] / small["floor"])
            print(f"  {name:<14} {ratio:.2f}×")


if __name__ == "__main__":
    main()
