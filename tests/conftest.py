"""Shared fixtures: every test runs in Europe/Berlin on a pinned clock with its own data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.store import Store
from tests.helpers import NOW

# Tests run in Berlin from the moment they are imported, so data built at import time means Berlin times too.
os.environ["TZ"] = "Europe/Berlin"


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("PLANNER_NOW", NOW)
    monkeypatch.delenv("PLANNER_DB", raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Store:
    return Store(data_dir)


@pytest.fixture
def people(store: Store):
    """The usual pair: an inbound job (acme-corp, 32 h, weekdays 09-17) and an outbound client (globex, 95 an hour)."""
    from planner.model import INBOUND, OUTBOUND, Engagement

    job = store.add_engagement(
        Engagement(id=0, name="acme-corp", kind=INBOUND, hours=32, window="mon-fri 09:00-17:00", colour="blue")
    )
    client = store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND, rate=95, colour="magenta"))
    return job, client


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(data_dir: Path):
    """Run `planner` as a separate process, as a script would, against the test's data folder."""

    def run(*args: str, now: str | None = None, tz: str = "Europe/Berlin") -> Result:
        env = {**os.environ, "PLANNER_DB": str(data_dir), "PLANNER_NOW": now or NOW, "TZ": tz}
        done = subprocess.run(
            [sys.executable, "-m", "planner", *args], capture_output=True, text=True, env=env, timeout=60
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run
