"""The long mode of the torture tests: many more kills and writers than the test suite can afford.

    python benchmarks/torture.py [--writes 3000] [--writers 4] [--entries 1000]

1. Kills: the command line writes (log add, start, stop; each round an hour later, so backups are made too) and is
   killed with SIGKILL at a random moment, again and again, until `--writes` writes were acknowledged. After every
   kill `planner log list` runs as a separate process and must list every acknowledged entry; every data file and
   backup must parse. At the end one more change runs and no temporary file may be left.
2. Writers: `--writers` processes add `--entries` entries each at the same time; every one must be stored.
Prints the counts and times; exits 1 on any loss.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.model import OUTBOUND, Engagement  # noqa: E402
from planner.store import Store  # noqa: E402
from tests._workers import stop_leftover_timer  # noqa: E402


def stored_ids(root: Path) -> set[int]:
    ids: set[int] = set()
    for shard in (root / "logs").glob("*.json"):
        ids.update(int(key) for key in json.loads(shard.read_text()).get("logs", {}))
    for copy in (root / "backups").rglob("*.json"):
        json.loads(copy.read_text())
    return ids


def kills(writes: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        store = Store(root)
        store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND))
        chance = random.Random(1)
        acknowledged: set[int] = set()
        rounds, started = 0, time.perf_counter()
        while len(acknowledged) < writes:
            moment = datetime(2040, 1, 1, 0, 30, tzinfo=UTC) + timedelta(hours=rounds)  # after every slot written
            env = {**os.environ, "PLANNER_NOW": moment.isoformat()}
            process = subprocess.Popen(
                [sys.executable, "-m", "tests._workers", "cli", str(root), str(rounds)],
                cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env,
            )  # fmt: skip
            time.sleep(0.3 + chance.random() * 0.9)
            process.send_signal(signal.SIGKILL)
            out, _ = process.communicate()
            acknowledged.update(int(line) for line in out.split())
            rounds += 1
            if rounds > 20 * writes:
                print(f"kills: the writer hardly writes ({len(acknowledged)} in {rounds} rounds)")
                return False
            command = ["log", "list", "--from", "2025-01-01", "--to", "2031-12-31", "--json"]
            listed = subprocess.run(
                [sys.executable, "-m", "planner", *command],
                cwd=ROOT, capture_output=True, text=True, env={**env, "PLANNER_DB": str(root)},
            )  # fmt: skip
            lost = acknowledged - {item["id"] for item in json.loads(listed.stdout or "[]")}
            if listed.returncode != 0 or lost or not acknowledged <= stored_ids(root):
                print(f"kills: LOST after round {rounds}: {sorted(lost)[:10]} {listed.stderr.strip()}")
                return False
        stop_leftover_timer(store)
        store.add_engagement(Engagement(id=0, name="initech", kind=OUTBOUND))
        leftovers = list(root.rglob("*.tmp"))
        print(
            f"kills: {len(acknowledged)} acknowledged writes over {rounds} SIGKILLs in "
            f"{time.perf_counter() - started:.0f} s; none lost; {len(store.backups())} backups; "
            f"{len(leftovers)} temporary files left"
        )
        return not leftovers


def writers(count: int, entries: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        Store(root).add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND))
        started = time.perf_counter()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "tests._workers", "add", str(root), str(worker), str(entries)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for worker in range(count)
        ]
        acknowledged: set[int] = set()
        for process in processes:
            out, _ = process.communicate()
            acknowledged.update(int(line) for line in out.split())
        stored = stored_ids(root)
        ok = acknowledged == stored and len(stored) == count * entries
        print(
            f"writers: {count} processes × {entries} entries in {time.perf_counter() - started:.1f} s: "
            f"{len(stored)} stored, {'all' if ok else 'NOT all'} of them"
        )
        return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=3000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--entries", type=int, default=1000)
    args = parser.parse_args()
    ok = kills(args.writes) and writers(args.writers, args.entries)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
