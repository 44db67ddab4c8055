"""Issue 14: reminders, each once, quiet hours honoured, nothing lost or doubled when two runs meet; the agenda."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.helpers import Cli, snapshot_files

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    cli = Cli(data_dir, capsys, monkeypatch)
    cli.ok("job", "add", "acme", "--hours", "8", "--window", "mon-fri 09:00-17:00")
    cli.ok("client", "add", "globex", "--deadline", "2026-11-27", "--remind-before", "15")
    cli.ok("plan", "add", "acme", "--date", "2026-11-23", "--start", "09:00", "--end", "11:00", "--repeat",
           "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH")  # fmt: skip
    cli.ok("plan", "add", "globex", "--date", "2026-11-25", "--start", "18:00", "--end", "19:00", "--title", "API")
    return cli


def reminders(run: Cli, at: datetime) -> list[dict]:
    return json.loads(run.ok("remind", "--json", now=at.isoformat()))["reminders"]


def test_each_reminder_comes_once_as_the_clock_moves_minute_by_minute(run: Cli) -> None:
    seen: list[tuple[str, str]] = []
    moment = datetime(2026, 11, 25, 8, 40, tzinfo=BERLIN)
    while moment < datetime(2026, 11, 25, 19, 30, tzinfo=BERLIN):
        seen += [(item["key"], moment.strftime("%H:%M")) for item in reminders(run, moment)]
        moment += timedelta(minutes=1 if moment.hour in (8, 9, 17, 18) else 10)
    keys = [key for key, _ in seen]
    assert len(keys) == len(set(keys)), seen
    assert dict(seen) == {
        "deadline-near:globex:2026-11-27": "08:40",
        "block-start:1:2026-11-25": "08:55",  # the global 5 minutes
        "no-timer:1:2026-11-25": "09:10",
        "block-start:2:2026-11-25": "17:45",  # globex: its own 15 minutes
        "no-timer:2:2026-11-25": "18:10",
    }


def test_a_timer_or_a_log_for_the_block_means_no_no_timer_reminder(run: Cli) -> None:
    run.ok("start", "acme", "--at", "09:02", now="2026-11-25T09:02:00+01:00")
    keys = {item["key"] for item in reminders(run, datetime(2026, 11, 25, 9, 30, tzinfo=BERLIN))}
    assert "no-timer:1:2026-11-25" not in keys
    run.ok("stop", now="2026-11-25T09:40:00+01:00")
    keys = {item["key"] for item in reminders(run, datetime(2026, 11, 25, 9, 50, tzinfo=BERLIN))}
    assert "no-timer:1:2026-11-25" not in keys


def test_quiet_hours_send_nothing_and_lose_nothing_that_is_still_due(run: Cli) -> None:
    run.ok("settings", "set", "--quiet-hours", "21:00-09:00")
    quiet = json.loads(run.ok("remind", "--json", now="2026-11-25T08:56:00+01:00"))
    assert quiet == {"now": "2026-11-25T08:56+01:00", "quiet": True, "reminders": []}
    later = {item["key"] for item in reminders(run, datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN))}
    assert later == {"deadline-near:globex:2026-11-27", "block-start:1:2026-11-25"}  # the 08:55 one, still due
    assert reminders(run, datetime(2026, 11, 25, 21, 0, tzinfo=BERLIN)) == []


def test_kinds_turned_off_stay_silent(run: Cli) -> None:
    run.ok("settings", "set", "--remind", "deadline-near=off", "--remind", "block-start=off")
    assert reminders(run, datetime(2026, 11, 25, 8, 57, tzinfo=BERLIN)) == []
    run.ok("settings", "set", "--remind", "all=on")
    assert len(reminders(run, datetime(2026, 11, 25, 8, 58, tzinfo=BERLIN))) == 2


def test_reminders_under_time_machine(run: Cli, monkeypatch) -> None:
    """The real clock (no PLANNER_NOW), moved by time-machine: the same reminder once, then never again."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    with time_machine.travel(datetime(2026, 11, 25, 8, 56, tzinfo=BERLIN), tick=False) as traveller:
        monkeypatch.delenv("PLANNER_NOW")
        from planner.cli import main

        def keys() -> list[str]:
            run.capsys.readouterr()
            assert main(["--db", str(run.data), "remind", "--json"]) == 0
            return [item["key"] for item in json.loads(run.capsys.readouterr().out)["reminders"]]

        first = keys()
        traveller.shift(timedelta(minutes=1))
        assert "block-start:1:2026-11-25" in first and keys() == []


def _remind_process(data: str, when: str) -> list[str]:
    env = {**os.environ, "PLANNER_DB": data, "PLANNER_NOW": when, "TZ": "Europe/Berlin"}
    done = subprocess.run([sys.executable, "-m", "planner", "remind", "--json"], env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [item["key"] for item in json.loads(done.stdout)["reminders"]]


def test_runs_at_once_show_each_reminder_exactly_once(run: Cli) -> None:
    when = "2026-11-25T08:57:00+01:00"
    with ThreadPoolExecutor(max_workers=4) as pool:
        shown = [key for keys in pool.map(lambda _: _remind_process(str(run.data), when), range(4)) for key in keys]
    assert sorted(shown) == ["block-start:1:2026-11-25", "deadline-near:globex:2026-11-27"]


def test_notify_without_its_library_is_one_line_and_claims_nothing(run: Cli, data_dir, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "notifypy", None)  # as if the extra were not installed
    before = snapshot_files(data_dir)
    err = run.refused("remind", "--notify", now="2026-11-25T08:57:00+01:00")
    assert "pip install 'planner[notify]'" in err
    assert snapshot_files(data_dir) == before
    assert len(reminders(run, datetime(2026, 11, 25, 8, 57, tzinfo=BERLIN))) == 2


def _fake_notifypy(answer: bool, sent: list) -> types.ModuleType:
    module = types.ModuleType("notifypy")

    class Notify:
        def send(self, block: bool = True) -> bool:
            sent.append((self.title, self.message))
            return answer

    module.Notify = Notify  # type: ignore[attr-defined]
    return module


def test_notify_sends_each_new_reminder(run: Cli, monkeypatch) -> None:
    sent: list = []
    monkeypatch.setitem(sys.modules, "notifypy", _fake_notifypy(True, sent))
    out = run.ok("remind", "--notify", now="2026-11-25T08:57:00+01:00")
    assert len(out.splitlines()) == 2 and [title for title, _ in sent] == [
        "planner: block-start",
        "planner: deadline-near",
    ]


def test_notify_with_no_service_prints_and_says_so(run: Cli, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "notifypy", _fake_notifypy(False, []))
    code, out, err = run("remind", "--notify", now="2026-11-25T08:57:00+01:00")
    assert code == 2 and len(out.splitlines()) == 2
    assert err.startswith("error: no desktop notification service answered for 2 reminders")


def test_a_forgotten_timer_and_a_thin_week_remind(run: Cli) -> None:
    run.ok("edit", "acme", "--hours", "12", "--from", "2026-11-23", "--start", "2026-11-02")  # 8 h planned
    assert "week-plan" not in {item["kind"] for item in reminders(run, datetime(2026, 11, 23, 7, 59, tzinfo=BERLIN))}
    run.ok("start", "acme", "--at", "09:00", now="2026-11-23T09:00:00+01:00")
    kinds = {item["kind"] for item in reminders(run, datetime(2026, 11, 23, 20, 0, tzinfo=BERLIN))}
    assert {"forgotten-timer", "week-plan"} <= kinds


def test_a_locked_week_not_exported_reminds_until_exported(run: Cli, tmp_path) -> None:
    run.ok("log", "add", "acme", "--start", "2026-11-16 09:00", "--end", "2026-11-16 11:00")
    run.ok("lock", "--week", "2026-W47")
    other = run.ok("remind", "--json", now="2026-11-25T12:00:00+01:00")
    [item] = [i for i in json.loads(other)["reminders"] if i["kind"] == "not-exported"]
    assert "'planner export --format md --week 2026-W47 -o FILE'" in item["message"]
    run.ok("lock", "--week", "2026-W46")
    run.ok("export", "--format", "md", "--week", "2026-W46", "-o", str(tmp_path / "w46.md"))
    later = reminders(run, datetime(2026, 11, 25, 12, 5, tzinfo=BERLIN))
    assert [i for i in later if i["kind"] == "not-exported"] == []


def test_agenda_lists_plan_deadlines_and_risks_day_by_day(run: Cli) -> None:
    agenda = json.loads(run.ok("agenda", "--days", "3", "--json", now="2026-11-25T10:30:00+01:00"))
    assert (agenda["from"], agenda["to"]) == ("2026-11-25", "2026-11-27")
    today, tomorrow, friday = agenda["days"]
    assert [(b["engagement"], b["start"]) for b in today["blocks"]] == [("acme", "09:00"), ("globex", "18:00")]
    assert [b["start"] for b in tomorrow["blocks"]] == ["09:00"] and friday["blocks"] == []
    assert friday["due"] == [{"engagement": "globex", "what": "deadline", "budget": None}]
    assert "deadline-near" in {finding["code"] for finding in agenda["at_risk"]}
    text = run.ok("agenda", "--days", "2", now="2026-11-25T10:30:00+01:00")
    assert "Today, Wed 25 Nov\n  09:00–11:00  ■ acme\n  18:00–19:00  ◆ globex  API" in text
    run.refused("agenda", "--days", "0")
    run.refused("agenda", "--days", "1000")


def test_delegated_tasks_remind_when_due_and_when_stale_each_once(run: Cli) -> None:
    """Issue 16: a task due within 3 days reminds once, again once when it is overdue; a stale one once per silence."""
    run.ok("person", "add", "ana", "--rate", "25", now="2026-11-23T09:00:00+01:00")
    run.ok("task", "add", "logo", "--for", "globex", "--to", "ana", "--due", "2026-11-27", "--status", "sent",
           now="2026-11-23T09:00:00+01:00")  # fmt: skip
    seen: list[str] = []
    moment = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    while moment < datetime(2026, 11, 29, 9, 0, tzinfo=BERLIN):
        seen += [item["key"] for item in reminders(run, moment) if item["kind"].startswith("task-")]
        moment += timedelta(hours=6)
    assert seen == [
        "task-due:1:2026-11-27:soon",  # from Tuesday 24th, three days before
        "task-stale:1:2026-11-23T09:00+01:00",  # three days without a word, Thursday 26th
        "task-due:1:2026-11-27:overdue",  # Saturday 28th, the due day over
    ]
    run.ok("task", "update", "1", "--status", "review", now="2026-11-29T09:00:00+01:00")
    later = [i["key"] for i in reminders(run, datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)) if i["kind"] == "task-stale"]
    assert later == ["task-stale:1:2026-11-29T09:00+01:00"]  # a new silence, a new reminder
