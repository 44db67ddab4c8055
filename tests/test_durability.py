"""Several writers at once, and writers killed mid-write: no acknowledged entry is ever lost."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from planner.model import OUTBOUND, Engagement
from tests._workers import stop_leftover_timer

ROOT = Path(__file__).resolve().parent.parent


def spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests._workers", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def all_entries(root: Path) -> dict[int, dict]:
    """Every stored entry, reading each shard as plain JSON: a file that does not parse fails the test."""
    entries: dict[int, dict] = {}
    for shard in sorted((root / "logs").glob("*.json")):
        data = json.loads(shard.read_text())
        assert data["_meta"]["1"]["app"] == "planner"
        for key, doc in data.get("logs", {}).items():
            assert int(key) not in entries, f"id {key} stored twice"
            entries[int(key)] = doc
    json.loads((root / "planner.json").read_text())
    return entries


def test_four_processes_and_the_board_adding_at_once_lose_nothing(store, data_dir):
    """Four writers of 250 entries each, and the board logging through its form under Pilot at the same time.
    (The board takes about half a second an entry under Pilot, most of it painting, so it logs 25, not 250: the
    point is that its writes interleave with the others' under the same lock.)"""
    store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND))
    workers = [spawn("add", str(data_dir), str(worker), "250") for worker in range(4)]
    workers.append(spawn("tui", str(data_dir), "4", "25"))
    acknowledged = set()
    for process in workers:
        out, _ = process.communicate(timeout=400)
        assert process.returncode == 0
        acknowledged.update(int(line) for line in out.split())
    stored = all_entries(data_dir)
    assert len(acknowledged) == 1025
    assert set(stored) == acknowledged
    notes = sorted(doc["note"] for doc in stored.values())
    assert notes.count("w3") == 250 and notes.count("w4") == 25


def test_cli_processes_racing_store_every_entry(cli, data_dir):
    assert cli("client", "add", "globex").code == 0
    env = {**os.environ, "PLANNER_DB": str(data_dir)}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "planner",
                "log",
                "add",
                "globex",
                "--start",
                f"2026-11-{day:02d} {hour:02d}:00",
                "--end",
                f"2026-11-{day:02d} {hour:02d}:30",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for day in (2, 3, 4)
        for hour in (8, 9, 10, 11)
    ]
    assert all(process.wait(timeout=120) == 0 for process in processes)
    assert len(all_entries(data_dir)) == 12


def test_the_command_line_killed_at_random_moments_over_300_writes_loses_nothing(store, data_dir):
    """SIGKILL at random points while the CLI writes (log add, start, stop; a backup at each new hour)."""
    store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND))
    rng = random.Random(7)
    acknowledged: set[int] = set()
    rounds = 0
    while len(acknowledged) < 300 and rounds < 40:
        env = {**os.environ, "PLANNER_NOW": f"2026-11-25T{rounds % 24:02d}:30:00+00:00"}  # a new hour each round
        process = subprocess.Popen(
            [sys.executable, "-m", "tests._workers", "cli", str(data_dir), str(rounds)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        time.sleep(0.4 + rng.random() * 0.6)
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=60)
        acknowledged.update(int(line) for line in out.split())
        rounds += 1
        listed = subprocess.run(
            [sys.executable, "-m", "planner", "log", "list", "--from", "2025-01-01", "--to", "2031-12-31", "--json"],
            cwd=ROOT, capture_output=True, text=True, env={**env, "PLANNER_DB": str(data_dir)}, timeout=60,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        missing = acknowledged - {item["id"] for item in json.loads(listed.stdout)}
        assert not missing, f"round {rounds}: acknowledged entries lost: {sorted(missing)}"
        assert set(all_entries(data_dir)) >= acknowledged
        for copy in (data_dir / "backups").rglob("*.json"):
            json.loads(copy.read_text())  # every backup parses too
    assert len(acknowledged) >= 300, f"only {len(acknowledged)} writes in {rounds} rounds"
    stop_leftover_timer(store)
    store.add_engagement(Engagement(id=0, name="initech", kind=OUTBOUND))  # the next command cleans up
    assert not list(data_dir.rglob("*.tmp")) and not (data_dir / ".journal.json").exists()
    assert len(store.backups()) >= 2


def test_writers_killed_at_random_moments_lose_no_acknowledged_entry(store, data_dir):
    store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND))
    rng = random.Random(20261125)
    acknowledged: set[int] = set()
    for round_number in range(12):
        process = spawn("churn", str(data_dir), str(round_number))
        time.sleep(0.35 + rng.random() * 0.4)  # start-up takes ~0.2 s; then it writes as fast as it can
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=60)
        acknowledged.update(int(line) for line in out.split())
        stored = all_entries(data_dir)
        missing = acknowledged - set(stored)
        assert not missing, f"round {round_number}: acknowledged entries lost: {sorted(missing)}"
    print(f"{len(acknowledged)} acknowledged writes over 12 kills")
    assert len(acknowledged) > 50, "the writers hardly wrote; the test proves nothing"
    # The next command finishes or discards whatever the last kill interrupted.
    stop_leftover_timer(store)
    store.add_engagement(Engagement(id=0, name="initech", kind=OUTBOUND))
    assert not list(data_dir.rglob("*.tmp")) and not (data_dir / ".journal.json").exists()
    starts = sorted(doc["start"] for doc in all_entries(data_dir).values())
    assert len(starts) == len(set(starts))
