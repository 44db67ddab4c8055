"""How long importing a big Watson history takes, as a whole process.

    python benchmarks/import.py [--runs N] [--frames 100000]

Writes a Watson frames file of back-to-back frames over five projects (a third of them the employer's), then times
`planner import watson FRAMES --inbound acme-corp` into a fresh data folder, and a second import of the same file
(which finds every frame stored already and writes nothing). Prints medians, the number of month shards written, and
the target: 100,000 frames in under 30 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECTS = ("acme-corp", "globex", "initech", "umbrella", "hooli")


def write_frames(path: Path, count: int) -> None:
    chance = random.Random(7)
    moment = 1420070400  # 2015-01-01
    frames = []
    for index in range(count):
        stop = moment + chance.randint(600, 5400)
        project = PROJECTS[index % len(PROJECTS)] if index % 3 else "acme-corp"
        frames.append([moment, stop, project, f"{index:032x}", ["bench"] if index % 2 else [], stop])
        moment = stop + chance.randint(60, 3600)
    path.write_text(json.dumps(frames))


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(command)} failed: {done.stderr.strip()}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frames", type=int, default=100_000)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        frames = Path(folder) / "frames"
        write_frames(frames, args.frames)
        first, second, shards = [], [], 0
        for run in range(args.runs):
            data = Path(folder) / f"data{run}"
            env = {**os.environ, "PLANNER_DB": str(data), "PYTHONPATH": str(root)}
            command = [sys.executable, "-m", "planner", "import", "watson", str(frames), "--inbound", "acme-corp"]
            first.append(timed(command, env))
            second.append(timed(command, env))
            shards = len(list((data / "logs").glob("*.json")))
    print(f"{args.frames:,} Watson frames, median of {args.runs} runs")
    print(f"  import into a fresh folder   {statistics.median(first):6.2f} s   ({shards} month shards)")
    print(f"  import the same file again   {statistics.median(second):6.2f} s   (nothing new, nothing written)")
    print("  target: under 30 s")


if __name__ == "__main__":
    main()
