"""How much memory importing a big Toggl CSV export takes, as a whole process.

    python benchmarks/import_memory.py [--rows 1000000] [--write] [--keep FILE]

Writes a Toggl detailed CSV export of back-to-back entries over five projects (every 20th row a duplicate of the row
before, as a file exported twice over an overlap would hold), then runs `planner import toggl FILE --dry-run` (and,
with --write, the real import into a fresh data folder) as a separate process and prints its peak resident memory
(`ru_maxrss` of the child) and its time. Not a test: the suite checks the streaming itself on a small file.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

HEADER = [
    *("User", "Email", "Client", "Project", "Task", "Description", "Billable"),
    *("Start date", "Start time", "End date", "End time", "Duration", "Tags", "Amount (EUR)"),
]
PROJECTS = (("Acme", "acme-corp"), ("Globex", "globex"), ("Initech", "initech"), ("", "umbrella"), ("Hooli", "hooli"))


def write_toggl(path: Path, rows: int) -> None:
    """`rows` rows of a Toggl detailed export from 1990 on, 10 to 90 minutes each with a few minutes between, from
    03:00 to midnight every day (no DST-gap times, nothing across midnight): a million rows reach into 2110."""
    moment = datetime(1990, 1, 1, 3, 0)
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(HEADER)
        previous: list[str] | None = None
        for index in range(rows):
            if previous is not None and index % 20 == 19:
                out.writerow(previous)  # a duplicate: the same interval again
                continue
            length = 10 + (index * 7919) % 80
            end = moment + timedelta(minutes=length)
            if end.date() != moment.date():  # the day is over: begin the next one at 03:00 (after any DST change)
                moment = (moment + timedelta(days=1)).replace(hour=3, minute=0)
                end = moment + timedelta(minutes=length)
            client, project = PROJECTS[index % len(PROJECTS)]
            seconds = length * 60
            row = [
                "Jane Doe",
                "jane@example.com",
                client,
                project,
                f"Task {index % 7}" if index % 3 else "",
                f"work item {index}",
                "Yes" if index % 4 else "No",
                f"{moment:%Y-%m-%d}",
                f"{moment:%H:%M:%S}",
                f"{end:%Y-%m-%d}",
                f"{end:%H:%M:%S}",
                f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}",
                "bench, csv" if index % 2 else "",
                f"{length * 1.5:.2f}",
            ]
            out.writerow(row)
            previous = row
            moment = end + timedelta(minutes=1 + index % 9)
            if moment.hour < 3:  # past midnight: the next day begins at 03:00
                moment = moment.replace(hour=3, minute=0)


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(peak RSS in MiB, seconds, output) of one child process running `command`."""
    code = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "took = time.perf_counter() - started\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(peak, took, done.returncode)\n"
        "sys.stderr.write(done.stdout + done.stderr)\n"
    )
    # measured from a fresh helper process so that only the import's own child counts in RUSAGE_CHILDREN
    done = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, env=env)
    peak, took, returncode = done.stdout.split()
    if returncode != "0":
        raise SystemExit(f"benchmark: {' '.join(command)} failed: {done.stderr.strip()[-2000:]}")
    return int(peak) / 1024, float(took), done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--write", action="store_true", help="also import for real into a fresh data folder")
    parser.add_argument("--keep", metavar="FILE", help="write the CSV here (and keep it) instead of a temporary file")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        source = Path(args.keep) if args.keep else Path(folder) / "toggl.csv"
        if not source.exists():
            write_toggl(source, args.rows)
        size = source.stat().st_size / 2**20
        env = {**os.environ, "PLANNER_DB": str(Path(folder) / "data"), "PYTHONPATH": str(root), "TZ": "Europe/Berlin"}
        command = [sys.executable, "-m", "planner", "import", "toggl", str(source), "--inbound", "acme-corp"]
        print(f"{args.rows:,} Toggl rows, {size:.0f} MiB")
        peak, took, _ = measure([*command, "--dry-run"], env)
        print(f"  import --dry-run   peak RSS {peak:7.0f} MiB   {took:6.1f} s")
        if args.write:
            peak, took, _ = measure(command, env)
            print(f"  import             peak RSS {peak:7.0f} MiB   {took:6.1f} s")


if __name__ == "__main__":
    main()
