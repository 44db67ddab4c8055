"""`planner doctor` finds what is wrong and says what to do; `--repair` fixes what is safe; writes that would drop
data by accident are refused."""

from __future__ import annotations

import json
import os
import stat

import pytest

from planner.doctor import examine, repair
from planner.errors import StoreError
from planner.model import INBOUND, OUTBOUND, Engagement, LogEntry
from planner.schedule import parse_moment
from planner.store import Store
from tests.helpers import snapshot_files


def seeded(store: Store) -> Store:
    job = store.add_engagement(Engagement(0, "acme-corp", INBOUND, hours=32))
    client = store.add_engagement(Engagement(0, "globex", OUTBOUND))
    store.add_logs(
        LogEntry(0, item.id, parse_moment(start), parse_moment(end))
        for item, start, end in [
            (job, "2026-10-05 09:00", "2026-10-05 12:00"),
            (client, "2026-10-05 18:00", "2026-10-05 19:00"),
            (job, "2026-11-23 09:00", "2026-11-23 12:00"),
            (client, "2026-11-23 18:00", "2026-11-23 19:00"),
            (job, "2026-11-24 09:00", "2026-11-24 12:00"),
        ]
    )
    return store


def edit(path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_a_sound_folder_is_clean(store, cli):
    seeded(store)
    assert examine(store.root) == []
    result = cli("doctor")
    assert result.code == 0 and "every file is sound" in result.out


def test_doctor_finds_and_repairs_what_is_safe(store, data_dir, cli):
    seeded(store)
    logs = data_dir / "logs"
    moved = {}

    def take_one(data):
        key = next(iter(data["logs"]))
        moved[key] = data["logs"].pop(key)

    edit(logs / "2026-10.json", take_one)
    edit(logs / "2026-11.json", lambda data: data["logs"].update(moved))  # in the wrong month file now
    edit(logs / "2026-11.json", lambda data: data["logs"]["4"].update(engagement_id=9))  # a missing engagement
    edit(data_dir / "planner.json", lambda data: data["state"]["1"].update(next_log=2))  # a counter behind
    for path in (logs / "2026-10.json", logs / "2026-11.json"):
        os.chmod(path, 0o644)
    (logs / ".2026-11.json.123.tmp").write_text("half")
    found = cli("doctor")
    assert found.code == 1
    for words in ("readable by others", "leftover temporary", "engagement 9, which does not exist",
                  "starts in 2026-10, not in this month file", "next log id (2)", "logged totals"):  # fmt: skip
        assert words in found.out, words
    fixed = cli("doctor", "--repair")
    assert fixed.code == 0, fixed.out
    assert "fixed: recreated engagement 9 as 'missing-9' (archived)" in fixed.out
    assert "fixed: moved log 1 from logs/2026-11.json to logs/2026-10.json, its month" in fixed.out
    assert examine(data_dir) == []
    assert stat.S_IMODE((logs / "2026-11.json").stat().st_mode) == 0o600
    entries = store.logs(parse_moment("2026-10-01 00:00"), parse_moment("2026-12-01 00:00"))
    assert len(entries) == 5 and store.engagement("missing-9").archived
    assert store.add_log(LogEntry(0, 1, parse_moment("2026-11-25 09:00"), parse_moment("2026-11-25 10:00"))).id == 6


def test_doctor_leaves_overlaps_and_second_timers_to_the_person(store, data_dir):
    seeded(store)
    path = data_dir / "logs" / "2026-11.json"
    edit(path, lambda data: data["logs"]["5"].update(start="2026-11-23T11:00:00+01:00"))
    problems = examine(data_dir)
    messages = " ".join(problem.message for problem in problems)
    assert "log 5 (2026-11-23 11:00) overlaps log 3" in messages
    assert not any(problem.repairable for problem in problems if "overlaps" in problem.message)
    repair(store)
    assert any("overlaps" in problem.message for problem in examine(data_dir))
    # an entry without an end (a second timer) is a damaged record: the file is named with it, and left alone
    edit(path, lambda data: data["logs"]["4"].update(end=None))
    before = path.read_bytes()
    problems = examine(data_dir)
    assert [problem.where for problem in problems] == ["logs/2026-11.json"]
    assert "holds a damaged log 4: it has no end" in problems[0].message
    assert repair(store) == [] and path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b'{"_meta": {"1": {"app": "plan', "is not valid JSON"),
        (b'{"cells": [], "nbformat": 4}', "is not a planner data file"),
        (b'{"_meta": {"1": {"app": "planner", "schema": 99, "kind": "logs", "period": "2026-11"}}}', "newer planner"),
    ],
    ids=["empty", "truncated", "foreign", "newer"],
)
def test_damaged_files_are_explained_never_touched(store, data_dir, cli, content, words):
    seeded(store)
    cli("log", "add", "globex", "--start", "2026-11-25 18:00", "--end", "2026-11-25 19:00", now="2026-11-25T20:00")
    path = data_dir / "logs" / "2026-11.json"
    path.write_bytes(content)
    before = snapshot_files(data_dir)
    result = cli("doctor", "--repair")
    assert result.code == 1
    line = next(line for line in result.out.splitlines() if line.startswith("logs/2026-11.json"))
    assert words in line
    if words == "newer planner":  # an older backup would lose what the newer planner wrote: upgrade instead
        assert "upgrade planner" in line and "backup restore" not in line
    else:
        assert "planner backup restore" in line
    assert path.read_bytes() == content and snapshot_files(data_dir) == before
    refused = cli("log", "list", "--week", "2026-W48")
    assert refused.code == 2 and len(refused.err.strip().splitlines()) == 1 and words in refused.err


def test_a_write_that_would_empty_a_month_file_by_accident_is_refused(store, data_dir):
    seeded(store)
    before = snapshot_files(data_dir)
    with (
        pytest.raises(StoreError, match=r"would leave 0 of its 3 logs \(a fault"),
        store._transaction(write=True) as tx,
    ):
        tx.shard("logs", "2026-11").table("logs").truncate()
    with pytest.raises(StoreError, match="would leave 1 of its 2 engagements"), store._transaction(write=True) as tx:
        tx.main().table("engagements").remove(doc_ids=[2])
    assert snapshot_files(data_dir) == before
    for entry_id in (3, 4, 5):  # deleting on purpose, one by one, empties it fine
        store.remove_log(entry_id)
    assert json.loads((data_dir / "logs" / "2026-11.json").read_text())["logs"] == {}


def test_income_and_milestones_of_a_missing_engagement_are_found_and_kept(store, data_dir, cli):
    """Finding of a trial: an income entry pointing at a missing engagement dropped out of every total while doctor
    said every file was sound."""
    from decimal import Decimal

    from planner.model import IncomeEntry, Milestone

    seeded(store)
    client = store.add_engagement(Engagement(0, "hooli", "outbound", model="fixed", fee=Decimal(900)))
    store.add_income(IncomeEntry(0, 1, parse_moment("2026-11-24 09:00").date(), Decimal(450)))
    store.add_milestone(Milestone(0, client.id, "design", Decimal(300)))
    edit(data_dir / "planner.json", lambda data: data["income"]["1"].update(engagement_id=7))
    edit(data_dir / "planner.json", lambda data: data["milestones"]["1"].update(engagement_id=8))
    found = cli("doctor")
    assert found.code == 1
    assert "income entry 1 belongs to engagement 7, which does not exist" in found.out
    assert "milestone 1 belongs to engagement 8, which does not exist" in found.out
    fixed = cli("doctor", "--repair")
    assert fixed.code == 0, fixed.out
    assert examine(data_dir) == []
    assert store.engagement("missing-7").archived and store.engagement("missing-8").archived
    assert [entry.amount for entry in store.income_entries()] == [Decimal(450)]


def test_a_task_of_a_missing_person_or_engagement_is_found_and_kept(store, data_dir, cli):
    from decimal import Decimal

    from planner.delegation import Person, Task

    seeded(store)
    ana = store.add_person(Person(0, "ana", rate=Decimal(25)))
    store.add_task(Task(0, "logo", ana.id, for_id=store.engagement("globex").id))
    edit(data_dir / "planner.json", lambda data: data["tasks"]["1"].update(person_id=5, for_id=6))
    found = cli("doctor")
    assert found.code == 1
    assert "task 1 is handed to person 5, who does not exist" in found.out
    assert "task 1 is for engagement 6, which does not exist" in found.out
    fixed = cli("doctor", "--repair")
    assert fixed.code == 0, fixed.out
    assert examine(data_dir) == []
    assert store.person("missing-5").archived and store.engagement("missing-6").archived
    assert [task.title for task in store.tasks()] == ["logo"]
