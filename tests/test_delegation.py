"""Issue 16: people, tasks handed on, status updates, playbooks, costs; statuses as rules; recurring tasks made once."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.delegation import CANCELLED, DONE, DRAFT, IN_PROGRESS, STATUSES, Person, Task, Update, apply_update
from planner.errors import ValidationError
from planner.money import task_cost, task_costs
from planner.schedule import parse_moment
from tests.helpers import Cli, snapshot_files

NOW = "2026-12-01T10:00:00+01:00"
LATER = "2027-01-10T10:00:00+01:00"
LIST_FIELDS = {"id", "title", "person", "for", "status", "due", "estimate_hours", "reported_hours", "cost",
               "last_update"}  # fmt: skip


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    cli = Cli(data_dir, capsys, monkeypatch)
    cli.ok("client", "add", "globex", "--rate", "95", now=NOW)
    cli.ok("person", "add", "ana", "--ongoing", "--rate", "25", "--currency", "USD", now=NOW)
    cli.ok("person", "add", "bob", "--one-off", "--fixed", now=NOW)
    return cli


def tasks(run: Cli, *args: str, now: str = NOW) -> list[dict]:
    return json.loads(run.ok("task", "list", *args, "--json", now=now))


def test_a_task_handed_on_is_listed_with_the_fields_scripts_read(run: Cli, tmp_path) -> None:
    brief = tmp_path / "brief.md"
    brief.write_text("# Logo\nThree sketches, then the final SVG.\n\n- [ ] sketches\n- [ ] final SVG\n")
    run.ok("task", "add", "logo redesign", "--for", "globex", "--to", "ana", "--due", "2026-12-10",
           "--estimate", "6h", "--brief", str(brief), now=NOW)  # fmt: skip
    run.ok("task", "add", "landing copy", "--for", "self", "--to", "bob", "--due", "2026-12-03", "--price", "150",
           now=NOW)  # fmt: skip
    run.ok("task", "update", "1", "--status", "in-progress", "--note", "sketches sent", "--hours", "2.5",
           "--at", "2026-12-02 16:00", now="2026-12-02T17:00:00+01:00")  # fmt: skip
    listed = tasks(run, now="2026-12-04T09:00:00+01:00")
    assert [row["id"] for row in listed] == [2, 1]  # by due day
    assert all(set(row) >= LIST_FIELDS for row in listed)
    logo, copy = listed[1], listed[0]
    assert (logo["title"], logo["person"], logo["for"], logo["status"], logo["due"]) == (
        "logo redesign", "ana", "globex", "in-progress", "2026-12-10")  # fmt: skip
    assert (logo["estimate_hours"], logo["reported_hours"], logo["cost"], logo["currency"]) == (6.0, 2.5, 62.5, "USD")
    assert logo["last_update"] == "2026-12-02T16:00:00+01:00" and logo["days_since_update"] == 1
    assert (copy["for"], copy["cost"], copy["currency"], copy["estimate_hours"]) == ("self", 150.0, "EUR", None)
    shown = json.loads(run.ok("task", "show", "1", "--json", now=NOW))
    assert [item["text"] for item in shown["checklist"]] == ["sketches", "final SVG"]
    assert [(h["status"], h["note"]) for h in shown["history"]] == [("draft", "created"),
                                                                    ("in-progress", "sketches sent")]  # fmt: skip


def test_statuses_done_and_cancelled_take_no_update_without_reopening(run: Cli, data_dir) -> None:
    run.ok("task", "add", "x", "--for", "globex", "--to", "ana", now=NOW)
    run.ok("task", "update", "1", "--status", "done", now=NOW)
    before = snapshot_files(data_dir)
    assert "reopen it first" in run.refused("task", "update", "1", "--status", "review", now=NOW)
    assert "open status" in run.refused("task", "update", "1", "--status", "cancelled", "--reopen", now=NOW)
    assert snapshot_files(data_dir) == before
    run.ok("task", "update", "1", "--status", "in-progress", "--reopen", "--note", "one more round", now=NOW)
    assert tasks(run)[0]["status"] == "in-progress"
    assert "drop --reopen" in run.refused("task", "update", "1", "--status", "review", "--reopen", now=NOW)
    assert "before the task's last one" in run.refused(
        "task", "update", "1", "--status", "review", "--at", "2026-11-30 09:00", now=NOW
    )


@given(st.lists(st.tuples(st.sampled_from(STATUSES), st.booleans()), max_size=25))
@settings(max_examples=80, deadline=None)
def test_no_sequence_of_updates_moves_a_closed_task_without_reopening(steps) -> None:
    start = parse_moment("2026-12-01 09:00")
    task = Task(1, "t", 1, created=start, history=[Update(start, DRAFT, "created")])
    for index, (status, reopen) in enumerate(steps):
        at = start + timedelta(hours=index + 1)
        before = task
        try:
            task = apply_update(task, Update(at, status), reopen=reopen)
        except ValidationError:
            assert task is before
            continue
        assert before.open or reopen  # a closed task moved only when reopened
        assert not (reopen and status in (DONE, CANCELLED))
        assert task.status == status and task.history[-1].at == at
    assert [u.at for u in task.history] == sorted(u.at for u in task.history)


def test_a_recurring_task_is_made_once_per_occurrence(run: Cli) -> None:
    run.ok("task", "add", "weekly report", "--for", "globex", "--to", "ana", "--due", "2026-12-04",
           "--repeat", "FREQ=WEEKLY;BYDAY=FR", "--estimate", "1h", now=NOW)  # fmt: skip
    assert [(t["title"], t["due"], t["recurring"]) for t in tasks(run)] == [("weekly report", "2026-12-04", 1)]
    for _ in range(3):  # asked again and again: nothing more until the next one is a week ahead
        assert len(tasks(run)) == 1
    later = tasks(run, now="2026-12-20T10:00:00+01:00")  # Fridays 4, 11, 18, 25 Dec are due by the 27th
    assert [t["due"] for t in later] == ["2026-12-04", "2026-12-11", "2026-12-18", "2026-12-25"]
    assert "one-off contractor" in run.refused("task", "add", "r", "--for", "self", "--to", "bob", "--price", "5",
                                               "--due", "2026-12-04", "--repeat", "FREQ=WEEKLY", now=NOW)  # fmt: skip


def test_recurring_tasks_are_made_once_with_several_processes_at_once(data_dir, monkeypatch) -> None:
    from planner.store import Store

    monkeypatch.setenv("PLANNER_NOW", "2026-01-01T08:00:00+01:00")
    store = Store(data_dir)
    from planner.model import OUTBOUND, Engagement

    store.add_engagement(Engagement(0, "globex", OUTBOUND))
    person = store.add_person(Person(0, "ana", rate=Decimal(25)))
    store.add_task(Task(0, "daily check", person.id, due=date(2026, 1, 1), repeat="FREQ=DAILY",
                        created=parse_moment("2026-01-01 08:00")))  # fmt: skip
    env_now = "2026-01-20T09:00:00+01:00"
    script = "from planner.store import Store; import sys, datetime; " \
             "Store(sys.argv[1]).make_task_occurrences(datetime.date(2026, 1, 20))"  # fmt: skip
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(data_dir)], env={"PLANNER_NOW": env_now, "PATH": ""})
        for _ in range(4)
    ]
    assert all(process.wait(timeout=60) == 0 for process in processes)
    made = [task for task in Store(data_dir).tasks() if task.series_id is not None]
    days = [task.occurrence for task in made]
    assert len(days) == len(set(days)) == 27  # 1 Jan .. 27 Jan, each once


def test_costs_by_day_fixed_when_done_hourly_per_update_at_the_rate_of_its_day() -> None:
    ana = Person(1, "ana", rate=Decimal(25), currency="USD").with_change(date(2026, 12, 5), rate=Decimal(30))
    at = parse_moment
    hourly = Task(1, "h", 1, status=DONE, history=[Update(at("2026-12-02 10:00"), IN_PROGRESS, seconds=2 * 3600),
                                      Update(at("2026-12-06 10:00"), DONE, seconds=5400)])  # fmt: skip
    fixed = Task(2, "f", 1, price=Decimal(150), currency="EUR", status=DONE,
                 history=[Update(at("2026-12-03 10:00"), DONE)])  # fmt: skip
    costs = [(c.task.id, c.day, c.currency, c.amount) for c in task_costs([hourly, fixed], {1: ana})]
    assert costs == [(1, date(2026, 12, 2), "USD", 5000), (1, date(2026, 12, 6), "USD", 4500),
                     (2, date(2026, 12, 3), "EUR", 15000)]  # fmt: skip
    assert task_cost(hourly, ana) == ("USD", 9500)
    assert task_cost(Task(3, "c", 1, price=Decimal(99), status=CANCELLED), ana) == ("USD", 0)
    no_rate = Person(2, "zed")
    assert (
        task_cost(Task(4, "n", 2, status=DONE, history=[Update(at("2026-12-02 10:00"), DONE, seconds=60)]), no_rate)
        is None
    )


def test_a_person_record_and_their_rate_history(run: Cli) -> None:
    for index, (due, done) in enumerate([("2026-12-02", "2026-12-02"), ("2026-12-03", "2026-12-06"),
                                         ("2026-12-04", "2026-12-05")], start=1):  # fmt: skip
        run.ok("task", "add", f"t{index}", "--for", "globex", "--to", "ana", "--due", due, "--estimate", "2h",
               now=NOW)  # fmt: skip
        run.ok("task", "update", str(index), "--status", "done", "--hours", "3", "--at", f"{done} 12:00", now=LATER)
    run.ok("person", "edit", "ana", "--rate", "30", "--from", "2027-01-01", now=NOW)
    record = json.loads(run.ok("person", "show", "ana", "--json", now=NOW))
    assert (record["done"], record["on_time"], record["late"], record["mean_days_late"]) == (3, 1, 2, 2.0)
    assert (record["estimated_hours"], record["reported_hours_on_estimated"]) == (6.0, 9.0)
    assert record["cost"] == {"USD": 225.0} and record["cost_per_task"] == {"USD": 75.0}
    assert [(r["from"], r["rate"]) for r in record["rates"]] == [(None, 25.0), ("2027-01-01", 30.0)]
    assert "on time: 1 of 3 with a due day, 2.0 days late on average when late" in run.ok("person", "show", "ana",
                                                                                          now=NOW)  # fmt: skip


def test_your_own_time_on_a_task_is_its_own_figure(run: Cli) -> None:
    run.ok("task", "add", "logo", "--for", "globex", "--to", "ana", now=NOW)
    run.ok("log", "add", "globex", "--start", "2026-12-01 11:00", "--end", "2026-12-01 12:30", "--task", "1",
           "--note", "briefing ana", now="2026-12-01T13:00:00+01:00")  # fmt: skip
    shown = json.loads(run.ok("task", "show", "1", "--json", now="2026-12-01T13:00:00+01:00"))
    assert shown["own_hours"] == 1.5
    later = "2026-12-01T13:00:00+01:00"
    refused = run.refused("log", "add", "globex", "--start", "2026-12-01 08:00", "--end", "2026-12-01 09:00",
                          "--task", "9", now=later)  # fmt: skip
    assert "no task with id 9" in refused


def test_the_brief_export_is_markdown_with_what_was_typed_made_harmless(run: Cli, tmp_path) -> None:
    brief = tmp_path / "brief.md"
    brief.write_text("## Steps\n\nDo it <script>alert(1)</script>\n\n- [ ] draft\n")
    run.ok("task", "add", "<img src=x onerror=alert(1)> *logo*", "--for", "globex", "--to", "ana", "--due",
           "2026-12-10", "--brief", str(brief), "--check", "send | files", now=NOW)  # fmt: skip
    text = run.ok("task", "export", "1", "--format", "md", now=NOW)
    assert text.startswith("# &lt;img src=x onerror=alert(1)&gt; \\*logo\\*\n")
    assert "&lt;script&gt;" in text and "<script>" not in text and "## Steps" in text  # the brief stays markdown
    assert "- [ ] send \\| files" in text and "- **Due:** Thu 10 Dec 2026" in text
    report = run.ok("task", "list", "--format", "csv", now=NOW)
    assert (
        report.splitlines()[0]
        == "id,title,person,for,status,due,estimate_hours,reported_hours,cost,currency,last_update"
    )


def test_bad_input_is_one_line_and_changes_nothing(run: Cli, data_dir, tmp_path) -> None:
    run.ok("task", "add", "x", "--for", "globex", "--to", "ana", now=NOW)
    (tmp_path / "binary.md").write_bytes(b"\xff\xfe\x00")
    before = snapshot_files(data_dir)
    for args in (
        ["person", "add", "ana"],  # exists
        ["person", "add", "zed", "--rate", "-1"],
        ["person", "add", "zed", "--stale-days", "0"],
        ["person", "add", "", "--rate", "5"],
        ["person", "edit", "nobody", "--rate", "5"],
        ["person", "edit", "ana", "--from", "2027-01-01"],
        ["task", "add", "", "--for", "globex", "--to", "ana"],
        ["task", "add", "y", "--for", "nobody", "--to", "ana"],
        ["task", "add", "y", "--for", "globex", "--to", "nobody"],
        ["task", "add", "y", "--for", "globex", "--to", "bob"],  # bob is paid fixed prices: --price needed
        ["task", "add", "y", "--for", "globex", "--to", "ana", "--estimate", "soon"],
        ["task", "add", "y", "--for", "globex", "--to", "ana", "--due", "2026-02-30"],
        ["task", "add", "y", "--for", "globex", "--to", "ana", "--price", "1e99"],
        ["task", "add", "y", "--for", "globex", "--to", "ana", "--price", "5", "--hourly"],
        ["task", "add", "y", "--for", "globex", "--to", "ana", "--brief", str(tmp_path / "missing.md")],
        ["task", "add", "y", "--for", "globex", "--to", "ana", "--brief", str(tmp_path / "binary.md")],
        ["task", "add", "y", "--for", "globex", "--to", "ana", "--repeat", "FREQ=WEEKLY"],  # no --due
        ["task", "add", "y", "--for", "globex", "--to", "ana", "--due", "2026-12-04", "--repeat", "FREQ=HOURLY"],
        ["task", "add", "y\x1b[31m", "--for", "globex", "--to", "ana"],
        ["task", "update", "9", "--status", "done"],
        ["task", "update", "1", "--status", "finished"],
        ["task", "update", "1", "--status", "done", "--hours", "-2"],
        ["task", "update", "1", "--status", "done", "--at", "yesterday-ish"],
        ["task", "update", "1", "--status", "done", "--at", "2026-12-24 10:00"],  # in the future
        ["task", "edit", "1", "--tick", "3"],
        ["task", "edit", "1"],
        ["task", "rm", "9"],
        ["task", "export", "9"],
        ["playbook", "add", "p", "--brief", str(tmp_path / "missing.md")],
        ["playbook", "rm", "nothing"],
    ):
        run.refused(*args, now=NOW)
    assert snapshot_files(data_dir) == before


def test_a_playbook_is_a_brief_copied_into_each_task(run: Cli, tmp_path) -> None:
    brief = tmp_path / "release.md"
    brief.write_text("Cut the release.\n\n- [ ] changelog\n- [ ] tag\n")
    run.ok("playbook", "add", "release", "--brief", str(brief), now=NOW)
    run.ok("task", "add", "release 1.2", "--for", "self", "--to", "ana", "--from", "release", now=NOW)
    shown = json.loads(run.ok("task", "show", "1", "--json", now=NOW))
    assert shown["brief"].startswith("Cut the release.") and shown["playbook"] == "release"
    assert [item["text"] for item in shown["checklist"]] == ["changelog", "tag"]
    assert [p["name"] for p in json.loads(run.ok("playbook", "list", "--json", now=NOW))] == ["release"]
    run.ok("task", "edit", "1", "--tick", "1", now=NOW)
    checklist = json.loads(run.ok("task", "show", "1", "--json", now=NOW))["checklist"]
    assert [item["done"] for item in checklist] == [True, False]


def test_a_task_as_it_stood_at_a_moment() -> None:
    at = parse_moment
    history = [Update(at("2026-12-01 09:00"), DRAFT), Update(at("2026-12-03 09:00"), DONE, seconds=3600)]
    task = Task(1, "t", 1, created=at("2026-12-01 09:00"), history=history)
    assert task.as_of(at("2026-11-30 09:00")) is None
    then = task.as_of(at("2026-12-02 09:00"))
    assert then is not None and then.status == DRAFT and then.reported_seconds == 0
    assert task.as_of(datetime.fromisoformat("2026-12-04T00:00:00+01:00")).status == DONE  # type: ignore[union-attr]


def test_check_warns_on_delegated_work_and_the_boundary_sets_stale(run: Cli) -> None:
    run.ok("task", "add", "logo", "--for", "globex", "--to", "ana", "--due", "2026-12-02", "--status", "sent",
           "--estimate", "1h", now=NOW)  # fmt: skip
    run.ok(
        "task",
        "update",
        "1",
        "--status",
        "in-progress",
        "--hours",
        "2",
        "--at",
        "2026-12-01 11:00",
        now="2026-12-01T12:00:00+01:00",
    )
    code, out, _ = run("check", "--json", now="2026-12-05T12:00:00+01:00")
    found = {w["code"]: w for w in json.loads(out)["warnings"] if w["code"].startswith("task-")}
    assert code == 1 and set(found) == {"task-overdue", "task-stale", "task-over-estimate"}
    assert found["task-overdue"]["days_late"] == 3 and found["task-overdue"]["severity"] == "breach"
    assert found["task-stale"]["days_since_update"] == 4
    run.ok("boundaries", "set", "--task-stale", "7", now=NOW)
    _, out, _ = run("check", "--json", now="2026-12-05T12:00:00+01:00")
    assert "task-stale" not in {w["code"] for w in json.loads(out)["warnings"]}
    _, out, _ = run("check", "--json", now="2026-12-01T12:00:00+01:00")
    assert {w["code"] for w in json.loads(out)["warnings"]} >= {"task-due-soon"}


def test_what_delegated_work_cost_against_what_the_client_paid_by_month(run: Cli) -> None:
    """globex pays 95/h; ana (25 USD/h, 0.90 EUR from November) reports 4 h in December and 2 h in January; bob's
    fixed 150 EUR for the user's own site is owed when done, in January."""
    run.ok("fx", "set", "USD", "0.9", "--from", "2026-11-01", now=NOW)
    run.ok("log", "add", "globex", "--start", "2026-12-01 08:00", "--end", "2026-12-01 10:00", now=NOW)  # 190 EUR
    run.ok("task", "add", "api docs", "--for", "globex", "--to", "ana", now=NOW)
    run.ok("task", "update", "1", "--status", "in-progress", "--hours", "4", "--at", "2026-12-20 10:00", now=LATER)
    run.ok("task", "update", "1", "--status", "done", "--hours", "2", "--at", "2027-01-04 10:00", now=LATER)
    run.ok("task", "add", "site", "--for", "self", "--to", "bob", "--price", "150", now=NOW)
    run.ok("task", "update", "2", "--status", "done", "--at", "2027-01-05 10:00", now=LATER)
    later = "2027-01-10T10:00:00+01:00"
    december = json.loads(run.ok("income", "--month", "2026-12", "--json", now=later))["delegated"]
    assert december == [
        {"for": "globex", "tasks": [1], "earned": {"EUR": 190.0}, "cost": {"USD": 100.0},
         "margin": {"EUR": 190.0, "USD": -100.0}, "margin_base": {"currency": "EUR", "amount": 100.0}},
    ]  # fmt: skip
    january = {
        m["for"]: m for m in json.loads(run.ok("income", "--month", "2027-01", "--json", now=later))["delegated"]
    }
    assert january["globex"]["cost"] == {"USD": 50.0} and january["globex"]["margin_base"]["amount"] == -45.0
    assert january["self"]["cost"] == {"EUR": 150.0} and january["self"]["margin_base"]["amount"] == -150.0
    report = json.loads(run.ok("report", "--month", "2026-12", "--json", now=later))
    assert report["delegated"] == december
    assert "globex      1  190.00 EUR  100.00 USD  100.00 EUR" in run.ok("income", "--month", "2026-12", now=later)


def test_a_due_day_across_the_autumn_clock_change_ends_at_its_own_midnight(data_dir, capsys, monkeypatch) -> None:
    """25 October 2026 has 25 hours in Berlin: a task due that day is due until 00:00 on the 26th, local time."""
    run = Cli(data_dir, capsys, monkeypatch)
    early = "2026-10-20T10:00:00+02:00"
    run.ok("client", "add", "globex", now=early)
    run.ok("person", "add", "ana", "--rate", "25", now=early)
    run.ok("task", "add", "dst", "--for", "globex", "--to", "ana", "--due", "2026-10-25", now=early)

    def codes(at: str) -> set[str]:
        _, out, _ = run("check", "--json", now=at)
        return {w["code"] for w in json.loads(out)["warnings"] if w["code"].startswith("task-")}

    assert codes("2026-10-25T23:59:00+01:00") == {"task-due-soon"}  # the day's 25th hour, in winter time
    assert codes("2026-10-26T00:00:00+01:00") == {"task-overdue"}  # W44 is over: judged on the 26th


# ---------------------------------------------------------------- findings of a new user's trial


def test_a_removed_tasks_id_is_never_given_again_nor_its_occurrence_made_again(run: Cli) -> None:
    run.ok("task", "add", "old", "--for", "globex", "--to", "ana", "--due", "2026-12-20", now=NOW)
    run.ok("task", "rm", "1", now=NOW)
    run.ok("task", "add", "new", "--for", "globex", "--to", "ana", "--due", "2026-12-20", now=NOW)
    assert [t["id"] for t in tasks(run)] == [2]  # a reminder or logged time of task 1 never names the new one
    run.ok("task", "add", "weekly", "--for", "globex", "--to", "ana", "--due", "2026-12-04", "--repeat",
           "FREQ=WEEKLY;BYDAY=FR", now=NOW)  # fmt: skip
    [first] = [t for t in tasks(run) if t["recurring"] == 3]
    run.ok("task", "rm", str(first["id"]), now=NOW)
    later = [t["due"] for t in tasks(run, now="2026-12-12T10:00:00+01:00") if t["recurring"] == 3]
    assert later == ["2026-12-11", "2026-12-18"]  # 4 December stays removed


def test_trial_findings_on_tasks_are_refused_or_counted(run: Cli, tmp_path, data_dir) -> None:
    import os

    run.ok("person", "add", "zed", "--one-off", now=NOW)  # no rate, not fixed
    (tmp_path / "brief.md").write_bytes("\ufeff# Logo\n- [ ] sketch\n".encode())  # a BOM, as some editors write
    run.ok("task", "add", "logo", "--for", "globex", "--to", "ana", "--brief", str(tmp_path / "brief.md"), now=NOW)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    before = snapshot_files(data_dir)
    for args, words in (
        (["task", "add", "x", "--for", "globex", "--to", "ana", "--brief", str(fifo)], "not a regular file"),
        (["task", "add", "x", "--for", "globex", "--to", "zed"], "no hourly rate"),
        (["task", "add", "x", "--for", "globex", "--to", "ana", "--currency", "USD"], "--currency is the --price's"),
        (["task", "add", "x", "--for", "globex", "--to", "ana", "--check", " "], "empty"),
        (["task", "add", "x", "--for", "globex", "--to", "ana", "--status", "done"], "invalid choice"),
        (["task", "list", "-o", str(tmp_path / "x.csv")], "give --format too"),
        (["task", "list", "--json", "--format", "md"], "two outputs"),
        (["boundaries", "set", "--task-stale", "0"], "out of range"),
    ):
        assert words in run.refused(*args, now=NOW)
    assert snapshot_files(data_dir) == before
    shown = json.loads(run.ok("task", "show", "1", "--json", now=NOW))
    assert shown["brief"].startswith("# Logo") and [i["text"] for i in shown["checklist"]] == ["sketch"]
    run.ok("task", "update", "1", "--status", "in-progress", "--hours", "4", now=NOW)
    assert "has hours reported" in run.refused("task", "edit", "1", "--to", "bob", now=NOW)


def test_your_hours_before_the_task_was_entered_count_and_go_to_its_client(run: Cli) -> None:
    run.ok("client", "add", "hooli", now=NOW)
    run.ok("log", "add", "globex", "--start", "2026-11-30 18:00", "--end", "2026-11-30 19:00", now=NOW)
    run.ok("task", "add", "logo", "--for", "globex", "--to", "ana", now=NOW)
    run.ok("log", "add", "globex", "--start", "2026-11-29 18:00", "--end", "2026-11-29 20:00", "--task", "1",
           now=NOW)  # fmt: skip
    assert json.loads(run.ok("task", "show", "1", "--json", now=NOW))["own_hours"] == 2.0  # briefed before entered
    assert "is for globex" in run.refused("log", "add", "hooli", "--start", "2026-11-28 18:00", "--end",
                                          "2026-11-28 19:00", "--task", "1", now=NOW)  # fmt: skip


def test_the_exported_brief_shows_the_checklist_as_it_stands_and_todays_rate(run: Cli, tmp_path) -> None:
    (tmp_path / "brief.md").write_text("Steps:\n- [ ] sketch\n- [ ] final\n")
    run.ok("playbook", "add", "logo", "--brief", str(tmp_path / "brief.md"), "--check", "invoice", now=NOW)
    run.ok("task", "add", "logo", "--for", "globex", "--to", "ana", "--from", "logo", now=NOW)
    run.ok("task", "edit", "1", "--tick", "1", now=NOW)
    run.ok("person", "edit", "ana", "--rate", "35", "--from", "2026-12-01", now=NOW)
    text = run.ok("task", "export", "1", now=NOW)
    assert "- [x] sketch\n- [ ] final\n- [ ] invoice\n" in text and "Steps:" in text and "- [ ] sketch" not in text
    assert "35 USD/h" in text


def test_a_report_without_time_still_shows_what_delegated_work_cost(run: Cli) -> None:
    run.ok("task", "add", "site", "--for", "self", "--to", "bob", "--price", "150", now=NOW)
    run.ok("task", "update", "1", "--status", "done", now=NOW)
    text = run.ok("report", "--month", "2026-12", now=NOW)
    assert "No time logged." in text and "self      1       –  150.00 EUR  -150.00 EUR" in text


@pytest.mark.parametrize(
    "damage",
    [
        lambda task: task["history"][0].update(seconds=10**30),
        lambda task: task["history"][0].update(seconds=-60),
        lambda task: task["history"][0].update(status="zzz"),
        lambda task: task.update(checklist=[{"x": 1}]),
        lambda task: task.update(estimate=-5),
    ],
    ids=["huge hours", "negative hours", "unknown status", "checklist item", "negative estimate"],
)
def test_a_damaged_task_is_refused_by_name_and_changes_nothing(run: Cli, data_dir, damage) -> None:
    """Findings of a trial: these crashed `task list` (exit 70) or gave wrong figures, and doctor called them sound."""
    run.ok("task", "add", "logo", "--for", "globex", "--to", "ana", "--estimate", "1h", now=NOW)
    path = data_dir / "planner.json"
    data = json.loads(path.read_text())
    damage(data["tasks"]["1"])
    path.write_text(json.dumps(data))
    before = snapshot_files(data_dir)
    for args in (["task", "list"], ["check"], ["income"]):
        assert "damaged task 1" in run.refused(*args, now=NOW)
    assert snapshot_files(data_dir) == before
