"""How fast the everyday commands are, as whole processes, beside a bare interpreter and other time trackers.

    python benchmarks/cli.py [--runs N] [--sizes 1000,100000] [--watson PATH] [--no-others]

Run it with the interpreter of an environment where planner is installed as users install it (`pip install .`): it
times that environment's `planner` program. For each history size it builds a data folder (PER_DAY entries a day,
the newest a week ago, so this week and month are equally full at every size), then times, as separate processes:

- bare: `python -c pass` of the same interpreter, what any Python program pays to start;
- old floor: `python -c "import tinydb, dateutil.parser, dateutil.tz, filelock, platformdirs, json, argparse"`, the
  floor the first version of this benchmark compared against (issue 6);
- library floor: the libraries every command that opens the store loads (argparse, json, datetime, zoneinfo,
  pathlib, dataclasses, decimal, TinyDB), and nothing of planner: what those commands cannot go below;
- planner: status, status --short, start, stop, log add, report --week, check --week, plan list --week (the
  commands with a target), and `status --format` with `{today}` (which reads the week's log) and the hidden
  `__complete names` a tab runs;
- where `timew` is installed: Timewarrior's start, stop and summary :week on a database of the same size;
- where Watson is installed (`watson` on PATH, or --watson): its start, status, stop and report --week.

The commands run interleaved (one round runs each once, in turn), so that noise from a shared machine falls on all of
them alike; it prints medians, each planner command's ratio to bare (targets: status ≤ 3×, the rest ≤ 4×) and to the
old floor, and, for more than one size, the largest history against the smallest, each against its own bare run
(target ≤ 1.1×). Timings are never asserted by a test: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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

OLD_FLOOR = ("tinydb", "dateutil.parser", "dateutil.tz", "filelock", "platformdirs", "json", "argparse")
#: What every command that opens the store loads before a line of planner runs: the standard library's argparse,
#: json, datetime, zoneinfo, pathlib, dataclasses and decimal, and TinyDB (exiting as planner does, without the
#: interpreter's teardown). The everyday commands cannot cost less than this.
LIBRARY_FLOOR = (
    "import argparse, json, datetime, zoneinfo, pathlib, dataclasses, decimal, tinydb, os; "
    "zoneinfo.ZoneInfo('UTC'); os._exit(0)"
)
PER_DAY = 20
CLIENTS = ("globex", "initech", "umbrella", "hooli")
#: The most each planner command may take, as a multiple of the bare interpreter (issue 17).
TARGETS = {"status": 3.0, "status --short": 3.0}
TARGETED = (
    "status",
    "status --short",
    "start",
    "stop",
    "log add",
    "report --week",
    "check --week",
    "plan list --week",
)
DEFAULT_TARGET = 4.0
HISTORY_TARGET = 1.1


def _slots(size: int, newest: date):
    """(day index, day, slot, start) of each of `size` entries, PER_DAY a day, the last day `newest`."""
    days = -(-size // PER_DAY)
    count = 0
    for day_index in range(days):
        day = newest - timedelta(days=days - 1 - day_index)
        base = datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)
        for slot in range(PER_DAY):
            if count == size:
                return
            count += 1
            yield day_index, day, slot, base + timedelta(minutes=40 * slot)


def build_history(root: Path, size: int, newest: date) -> None:
    """`size` planner entries, PER_DAY a day (inbound by day, outbound in the evening), ending on `newest`."""
    store = Store(root)
    job = store.add_engagement(Engagement(id=0, name="acme-corp", kind=INBOUND, hours=32, window="mon-fri 09:00-17:00"))
    clients = [store.add_engagement(Engagement(id=0, name=name, kind=OUTBOUND, rate=90)) for name in CLIENTS]
    entries = []
    for day_index, _, slot, start in _slots(size, newest):
        engagement = job if slot < 12 else clients[(day_index + slot) % len(clients)]
        end = start + timedelta(minutes=35)
        entries.append(
            LogEntry(id=0, engagement_id=engagement.id, start=start, end=end, note=f"entry {slot}", tags=["bench"])
        )
    store.add_logs(entries)


def _tag(day_index: int, slot: int) -> str:
    return "acme-corp" if slot < 12 else CLIENTS[(day_index + slot) % len(CLIENTS)]


def build_timewarrior(root: Path, size: int, newest: date) -> None:
    """The same history as Timewarrior keeps it: one `data/YYYY-MM.data` file a month of `inc` lines."""
    (root / "data").mkdir(parents=True)
    (root / "timewarrior.cfg").write_text("verbose = off\nconfirmation = off\n")
    months: dict[str, list[str]] = {}
    for day_index, _, slot, start in _slots(size, newest):
        end = start + timedelta(minutes=35)
        line = f"inc {start:%Y%m%dT%H%M%SZ} - {end:%Y%m%dT%H%M%SZ} # {_tag(day_index, slot)}\n"
        months.setdefault(f"{start:%Y-%m}", []).append(line)
    for month, lines in months.items():
        (root / "data" / f"{month}.data").write_text("".join(lines))


def build_watson(root: Path, size: int, newest: date) -> None:
    """The same history as Watson keeps it: one `frames` JSON list of [start, stop, project, id, tags, updated]."""
    root.mkdir(parents=True)
    frames = []
    for index, (day_index, _, slot, start) in enumerate(_slots(size, newest)):
        begin = int(start.timestamp())
        frames.append([begin, begin + 35 * 60, _tag(day_index, slot), f"{index:032x}", ["bench"], begin])
    (root / "frames").write_text(json.dumps(frames))


def timed(command: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"benchmark: {' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed


def _planner_program() -> list[str]:
    script = Path(sys.executable).parent / ("planner.exe" if os.name == "nt" else "planner")
    return [str(script)] if script.exists() else [sys.executable, "-m", "planner"]


def _old_floor() -> str:
    import importlib.util

    found = [name for name in OLD_FLOOR if importlib.util.find_spec(name.split(".")[0]) is not None]
    return "import " + ", ".join(found)


#: The old floor's line, with what of it is installed (benchmarks/export.py compares against it too).
FLOOR = _old_floor()


def measure(size: int, runs: int, others: dict[str, str]) -> dict[str, float]:
    newest = date.today() - timedelta(days=7)
    week = date.today().isoformat()  # this week: the running timers and today's entries fall in it
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        built = time.perf_counter()
        build_history(root / "planner", size, newest)
        if "timew" in others:
            build_timewarrior(root / "timew", size, newest)
        if "watson" in others:
            build_watson(root / "watson", size, newest)
        print(f"  built {size:,} entries in {time.perf_counter() - built:.1f} s", flush=True)
        env = {
            **os.environ,
            "PLANNER_DB": str(root / "planner"),
            "TIMEWARRIORDB": str(root / "timew"),
            "WATSON_DIR": str(root / "watson"),
        }
        planner = _planner_program()
        floor = FLOOR
        samples: dict[str, list[float]] = {}

        def run(name: str, command: list[str], ok: tuple[int, ...] = (0,)) -> None:
            samples.setdefault(name, []).append(timed(command, env, ok))

        for index in range(runs):
            # each round's timer and entry a few minutes after the last, yesterday and the day before (both empty)
            start = (
                datetime.now().replace(second=0, microsecond=0)
                - timedelta(days=1, hours=12)
                + timedelta(minutes=3 * index)
            )
            logged = start - timedelta(days=1)
            run("bare", [sys.executable, "-c", "pass"])
            run("old floor", [sys.executable, "-c", floor])
            run("library floor", [sys.executable, "-c", LIBRARY_FLOOR])
            run("start", [*planner, "start", "globex", "--at", f"{start:%Y-%m-%d %H:%M}"])
            run("status", [*planner, "status"])
            run("status --short", [*planner, "status", "--short"])
            run("status --format {today}", [*planner, "status", "--format", "{engagement} {today}"])
            run("__complete names", [*planner, "__complete", "names"])
            run("stop", [*planner, "stop", "--at", f"{start + timedelta(minutes=2):%Y-%m-%d %H:%M}"])
            span = ["--start", f"{logged:%Y-%m-%d %H:%M}", "--end", f"{logged + timedelta(minutes=2):%Y-%m-%d %H:%M}"]
            run("log add", [*planner, "log", "add", "initech", *span])
            run("report --week", [*planner, "report", "--week", week])
            run("check --week", [*planner, "check", "--week", week], ok=(0, 1))  # 1: it found warnings
            run("plan list --week", [*planner, "plan", "list", "--week", week])
            if "timew" in others:
                timew = others["timew"]
                run("timew start", [timew, "start", f"{start:%Y-%m-%dT%H:%M:%S}", "globex"])
                run("timew stop", [timew, "stop", f"{start + timedelta(minutes=2):%Y-%m-%dT%H:%M:%S}"])
                run("timew summary :week", [timew, "summary", ":week"])
            if "watson" in others:
                watson = others["watson"]
                run("watson start", [watson, "start", "globex"])
                run("watson status", [watson, "status"])
                run("watson stop", [watson, "stop"])
                run("watson report --week", [watson, "report", "--week"])
        return {name: statistics.median(values) for name, values in samples.items()}


def compile_planner() -> None:
    """Byte-compile planner as `pip install` does for an installed copy (this matters for an editable install):
    Python reads these caches even under PYTHONDONTWRITEBYTECODE, which would otherwise make every run recompile."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("planner", "widgets"):
        compileall.compile_dir(root / package, quiet=1)


def _others(args: argparse.Namespace) -> dict[str, str]:
    if args.no_others:
        return {}
    found = {}
    if shutil.which("timew"):
        found["timew"] = shutil.which("timew") or "timew"
    watson = args.watson or shutil.which("watson")
    if watson:
        found["watson"] = watson
    return found


def report(size: int, results: dict[str, float]) -> None:
    bare, floor = results["bare"], results["old floor"]
    print(f"  {'command':<22} {'median':>9} {'× bare':>7} {'× old floor':>12}  target")
    for name, seconds in results.items():
        planner = not name.startswith(("bare", "old floor", "library floor", "timew", "watson"))
        target = TARGETS.get(name, DEFAULT_TARGET) if planner and name in TARGETED else None
        verdict = ""
        if target is not None:
            verdict = f"≤ {target:g}× {'met' if seconds / bare <= target else 'MISSED'}"
        print(f"  {name:<22} {seconds * 1000:7.1f} ms {seconds / bare:6.2f}× {seconds / floor:11.2f}×  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--watson", metavar="PATH", help="Watson's program, when it is not on PATH")
    parser.add_argument("--no-others", action="store_true", help="time planner alone")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    others = _others(args)
    compile_planner()
    print(
        f"{datetime.now():%Y-%m-%d}, Python {sys.version.split()[0]}, {os.cpu_count()} cores; planner: "
        f"{' '.join(_planner_program())}; old floor: {_old_floor()}; others: {', '.join(others) or 'none'}"
    )
    results = {}
    for size in sizes:
        print(f"history of {size:,} entries ({args.runs} runs each)", flush=True)
        results[size] = measure(size, args.runs, others)
        report(size, results[size])
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        print(f"{sizes[-1]:,} vs {sizes[0]:,} entries (each against its own bare run; target ≤ {HISTORY_TARGET:g}×):")
        for name in large:
            if name in ("bare", "old floor", "library floor"):
                continue
            ratio = (large[name] / large["bare"]) / (small[name] / small["bare"])
            print(f"  {name:<22} {ratio:.2f}×")


if __name__ == "__main__":
    main()
