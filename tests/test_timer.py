"""Issue 14: the forgotten timer, seen by `status` and asked about by `start --switch`, not only by `check`."""

from __future__ import annotations

import io
import json
import sys

import pytest

from tests.helpers import Cli, snapshot_files

EVENING = "2026-11-25T19:30:00+01:00"  # Wednesday; acme-corp's window ended at 17:00


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    cli = Cli(data_dir, capsys, monkeypatch)
    cli.ok("job", "add", "acme-corp", "--hours", "32", "--window", "mon-fri 09:00-17:00")
    cli.ok("client", "add", "globex")
    return cli


def test_status_warns_when_the_timer_ran_past_the_window(run: Cli) -> None:
    run.ok("start", "acme-corp", "--at", "09:10", now="2026-11-25T09:10:00+01:00")
    code, _, err = run("status", now="2026-11-25T16:00:00+01:00")
    assert code == 0 and err == ""
    code, out, err = run("status", now=EVENING)
    assert code == 0 and out.startswith("acme-corp (inbound) since 2026-11-25 09:10")
    assert err.startswith("warning: The acme-corp timer has run since Wed 25 Nov 09:10 (10:20): past acme-corp's")
    assert "which ended at 17:00 on Wed 25 Nov and longer than 10 h" in err and "planner stop --at 17:00." in err
    shown = json.loads(run.ok("status", "--json", now=EVENING))
    assert shown["forgotten"]["stop_at"] == "2026-11-25T17:00:00+01:00" and len(shown["forgotten"]["reasons"]) == 2


def test_status_warns_past_the_latest_finish_and_the_limit(run: Cli) -> None:
    run.ok("boundaries", "set", "--latest", "20:00", "--timer-limit", "4")
    run.ok("start", "globex", "--at", "16:00", now="2026-11-25T16:00:00+01:00")
    _, _, err = run("status", now="2026-11-25T19:59:00+01:00")
    assert err == ""
    _, _, err = run("status", now="2026-11-25T20:30:00+01:00")
    assert "past the latest finish of 20:00 on Wed 25 Nov and longer than 4 h" in err
    run.ok("boundaries", "set", "--latest", "none", "--timer-limit", "none")
    assert run("status", now="2026-11-26T20:30:00+01:00")[2] == ""


def test_start_switch_on_a_forgotten_timer_asks_a_script_for_stop_at(run: Cli, data_dir) -> None:
    run.ok("start", "acme-corp", "--at", "09:00", now="2026-11-25T09:00:00+01:00")
    before = snapshot_files(data_dir)
    err = run.refused("start", "globex", "--switch", now=EVENING)
    assert "The acme-corp timer has run since Wed 25 Nov 09:00" in err
    assert "--switch --stop-at 17:00 or --switch --stop-at now" in err
    assert snapshot_files(data_dir) == before
    run.ok("start", "globex", "--switch", "--stop-at", "17:00", now=EVENING)
    [entry] = json.loads(run.ok("log", "list", "--json", now=EVENING))[:1]
    assert (entry["engagement"], entry["end"]) == ("acme-corp", "2026-11-25T17:00:00+01:00")
    assert json.loads(run.ok("status", "--json", now=EVENING))["engagement"] == "globex"


def test_stop_at_now_and_its_refusals(run: Cli) -> None:
    run.refused("start", "globex", "--switch", "--stop-at", "now", now=EVENING)  # nothing runs
    run.ok("start", "acme-corp", "--at", "09:00", now="2026-11-25T09:00:00+01:00")
    assert "--stop-at answers --switch" in run.refused("start", "globex", "--stop-at", "now", now=EVENING)
    assert "in the future" in run.refused("start", "globex", "--switch", "--stop-at", "21:00", now=EVENING)
    assert "after the new one starts" in run.refused("start", "globex", "--switch", "--at", "18:00", "--stop-at",
                                                     "19:00", now=EVENING)  # fmt: skip
    # trial finding: a stop at the timer's own start discarded 10 h with exit 0
    assert "it would be discarded" in run.refused("start", "globex", "--switch", "--stop-at", "09:00", now=EVENING)
    run.ok("start", "globex", "--switch", "--stop-at", "now", now=EVENING)
    entries = json.loads(run.ok("log", "list", "--json", now=EVENING))
    assert entries[0]["end"] == "2026-11-25T19:30:00+01:00"


def test_on_a_terminal_start_switch_asks_when_it_stopped(run: Cli, monkeypatch) -> None:
    run.ok("start", "acme-corp", "--at", "09:00", now="2026-11-25T09:00:00+01:00")
    for stream in ("stdin", "stderr"):
        monkeypatch.setattr(getattr(sys, stream), "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO("25:00\n18:15\n"))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    code, _, err = run("start", "globex", "--switch", now=EVENING)
    assert code == 0, err
    assert "When did it stop? [Enter] Wed 25 Nov 17:00, 'now', or a time (HH:MM today, YYYY-MM-DD HH:MM)" in err
    entries = json.loads(run.ok("log", "list", "--json", now=EVENING))
    assert entries[0]["end"] == "2026-11-25T18:15:00+01:00"


def test_a_timer_that_looks_like_work_switches_without_a_question(run: Cli) -> None:
    run.ok("start", "acme-corp", "--at", "09:00", now="2026-11-25T09:00:00+01:00")
    run.ok("start", "globex", "--switch", now="2026-11-25T12:00:00+01:00")
    entries = json.loads(run.ok("log", "list", "--json", now="2026-11-25T12:00:00+01:00"))
    assert entries[0]["end"] == "2026-11-25T12:00:00+01:00"


def test_the_advice_names_the_day_when_the_timer_was_left_on_another(run: Cli) -> None:
    """Trial finding: 'planner stop --at 17:00' was advised on Friday for a timer left running on Thursday, and that
    command then failed as a time in the future."""
    run.ok("start", "acme-corp", "--at", "10:05", now="2026-11-26T10:05:00+01:00")
    friday = "2026-11-27T10:00:00+01:00"
    _, _, err = run("status", now=friday)
    assert "planner stop --at '2026-11-26 17:00'." in err
    assert "--switch --stop-at '2026-11-26 17:00'" in run.refused("start", "globex", "--switch", now=friday)
    run.ok("stop", "--at", "2026-11-26 17:00", now=friday)
