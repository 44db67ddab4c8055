"""Issue 17 (first part): `status --short` and `status --format`, one line for a shell prompt or a tmux status line."""

from __future__ import annotations

import pytest

from tests.helpers import Cli

NOW = "2026-11-25T10:30:00+01:00"


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    cli = Cli(data_dir, capsys, monkeypatch)
    cli.ok("job", "add", "acme", "--hours", "32", now=NOW)
    cli.ok("client", "add", "globex", "--rate", "95", now=NOW)
    cli.ok("log", "add", "acme", "--start", "2026-11-23 09:00", "--end", "2026-11-23 15:00", now=NOW)  # 6 h
    cli.ok("log", "add", "globex", "--start", "2026-11-25 08:00", "--end", "2026-11-25 09:00", now=NOW)  # today
    return cli


def test_short_is_one_line_with_the_timer_or_nothing(run: Cli) -> None:
    assert run.ok("status", "--short", now=NOW) == ""
    run.ok("start", "globex", "--at", "09:07", "--note", "api", now=NOW)
    assert run.ok("status", "--short", now=NOW) == "globex 1:23\n"


def test_format_fills_the_fields_a_prompt_wants(run: Cli) -> None:
    run.ok("start", "globex", "--at", "09:30", "--note", "api\x1b[31m", now=NOW)
    line = run.ok("status", "--format", "{engagement} {elapsed} ({note}) today {today}, out {week_share}", now=NOW)
    # today: 1 h logged and 1 h running; the week: 2 h outbound of 8 h
    assert line == "globex 1:00 (api\\x1b[31m) today 2:00, out 25%\n"  # what was typed never reaches the terminal raw
    run.ok("stop", now=NOW)
    assert run.ok("status", "--format", "{engagement}|{today}", now=NOW) == "|2:00\n"


@pytest.mark.parametrize("fmt", ["{engagement.__class__}", "{today!r}", "{elapsed:>10}", "{nope}", "{oops", "}"])
def test_a_format_takes_only_its_fields(run: Cli, fmt: str) -> None:
    run.refused("status", "--format", fmt, now=NOW)


FORBIDDEN = ("textual", "dateutil.rrule", "icalendar", "asyncio", "logging", "planner.exports", "planner.balance")


@pytest.mark.parametrize("args", [["status"], ["status", "--short"], ["status", "--json"]])
def test_status_imports_nothing_it_does_not_need(data_dir, args) -> None:
    """A prompt runs `status` every few seconds: it must not pay for the board, calendars, the exporters or the
    rules. (start and stop still import logging through filelock; the rest of issue 17 takes that on.)"""
    import os
    import subprocess
    import sys

    code = (
        "import runpy, sys\n"
        f"sys.argv = ['planner', *{args!r}]\n"
        "try:\n    runpy.run_module('planner', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "PLANNER_DB": str(data_dir), "PLANNER_NOW": NOW, "TZ": "Europe/Berlin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
