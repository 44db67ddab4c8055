"""How fast timesheets and the reports screen are, on small and huge histories.

    python benchmarks/export.py [--runs N] [--sizes 1000,100000]

For each history size (the same generated history as benchmarks/cli.py: 20 entries a day, the newest a week ago) it
times, as separate processes of this interpreter and interleaved with the floor (the bare imports of
benchmarks/cli.py):
- `planner export --format csv` of one week, `--format html` of one month, `--format json` of the last 365 days;
and, in process, the figures behind the board's reports screen (`build_overview`: the week, 12 weeks of shares, and
per engagement the week, month and year). It prints medians, ratios to the floor, and the ratio of the largest
history to the smallest: what one range costs must not grow with the years behind it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cli import FLOOR, build_history, timed
from planner.overview import build_overview
from planner.schedule import monday_of
from planner.store import Store


def measure(size: int, runs: int) -> dict[str, float]:
    newest = date.today() - timedelta(days=7)
    monday = monday_of(newest)
    commands = {
        "floor": [sys.executable, "-c", FLOOR],
        "export week csv": ["--week", monday.isoformat(), "--format", "csv"],
        "export month html": ["--month", f"{newest:%Y-%m}", "--format", "html"],
        "export 365 days json": [
            "--from",
            (newest - timedelta(days=364)).isoformat(),
            "--to",
            newest.isoformat(),
            "--format",
            "json",
        ],
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        build_history(root, size, newest)
        env = {**os.environ, "PLANNER_DB": str(root)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess_cmd = {
            name: args if name == "floor" else [sys.executable, "-m", "planner", "export", *args]
            for name, args in commands.items()
        }
        for command in subprocess_cmd.values():  # warm the page cache and byte-compile once
            timed(command, env)
        times: dict[str, list[float]] = {name: [] for name in subprocess_cmd}
        for _ in range(runs):
            for name, command in subprocess_cmd.items():
                times[name].append(timed(command, env))
        store = Store(root)
        clock = datetime.now().astimezone()
        overview_times = []
        for _ in range(runs):
            started = time.perf_counter()
            build_overview(store, monday, clock)
            overview_times.append(time.perf_counter() - started)
    result = {name: statistics.median(values) for name, values in times.items()}
    result["reports screen figures (in process)"] = statistics.median(overview_times)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1000,100000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results = {size: measure(size, args.runs) for size in sizes}
    names = list(results[sizes[0]])
    print(f"median of {args.runs} runs; ratios against the floor measured in the same run")
    header = "".join(f"{size:>24,}" for size in sizes)
    print(f"{'':<38}{header}   largest ÷ smallest")
    for name in names:
        cells = []
        for size in sizes:
            value = results[size][name]
            floor = results[size]["floor"]
            ratio = "" if name == "floor" or "in process" in name else f" ({value / floor:.2f}×)"
            cells.append(f"{value * 1000:>15.1f} ms{ratio:>8}")
        growth = results[sizes[-1]][name] / results[sizes[0]][name]
        print(f"{name:<38}{''.join(cells)}   {growth:.2f}×")


if __name__ == "__main__":
    main()
