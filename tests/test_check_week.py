"""Issue 14: a week's check judges that week. Budgets as used up to its end, deadlines as seen from it, a future
week on its plan; never today's state on every week."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Cli


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    return Cli(data_dir, capsys, monkeypatch)


NOW = "2026-12-02T10:00:00+01:00"  # Wednesday of 2026-W49


def log(run: Cli, day: str, start: str, end: str) -> None:
    run.ok("log", "add", "globex", "--start", f"{day} {start}", "--end", f"{day} {end}", now=NOW)


def plan(run: Cli, day: str, start: str, end: str) -> None:
    run.ok("plan", "add", "globex", "--date", day, "--start", start, "--end", end, now=NOW)


def warnings(run: Cli, week: str) -> tuple[int, dict[str, dict]]:
    code, out, err = run("check", "--week", week, "--json", now=NOW)
    assert code in (0, 1), err
    return code, {finding["code"]: finding for finding in json.loads(out)["warnings"]}


def test_a_breached_budget_does_not_fail_the_weeks_before_it(run: Cli) -> None:
    """Once one budget was breached, every week's check exited 1 with today's breach."""
    run.ok("client", "add", "globex", "--budget", "10", now=NOW)
    for day in ("2026-11-10", "2026-11-11", "2026-11-12"):  # 12 h in 2026-W46
        log(run, day, "09:00", "13:00")
    code, found = warnings(run, "2026-W45")
    assert (code, found) == (0, {})
    code, found = warnings(run, "2026-W46")
    assert code == 1 and found["budget"]["severity"] == "breach" and found["budget"]["hours"] == 12
    _, found = warnings(run, "2026-W49")
    assert found["budget"]["basis"] == "actual"


def test_a_past_week_sees_the_budget_as_it_stood_at_its_end(run: Cli) -> None:
    run.ok("client", "add", "globex", "--budget", "10", now=NOW)
    log(run, "2026-11-10", "09:00", "17:00")  # 8 h: 80 %, in W46
    log(run, "2026-11-24", "09:00", "13:00")  # 12 h: 120 %, in W48
    assert warnings(run, "2026-W46")[1]["budget"]["severity"] == "warn"
    assert warnings(run, "2026-W47")[1]["budget"]["hours"] == 8
    assert warnings(run, "2026-W48")[1]["budget"]["severity"] == "breach"


def test_a_deadline_is_seen_from_the_week(run: Cli) -> None:
    run.ok("client", "add", "globex", "--budget", "10", "--deadline", "2026-11-20", now=NOW)
    log(run, "2026-11-10", "09:00", "13:00")
    assert set(warnings(run, "2026-W45")[1]) == {"deadline-risk"}  # 12 days ahead, 10 h left and nothing planned
    near = warnings(run, "2026-W46")[1]
    assert {"deadline-near", "deadline-risk"} <= set(near)
    assert "falls within 7 days of the week's end" in near["deadline-near"]["message"]
    missed = warnings(run, "2026-W47")[1]["deadline-missed"]
    assert (missed["basis"], missed["remaining_hours"]) == ("actual", 6)
    log(run, "2026-11-24", "09:00", "15:00")  # done late, in W48
    assert "deadline-missed" in warnings(run, "2026-W47")[1]  # at the end of W47 6 h were still left
    deadline_codes = {"deadline-near", "deadline-risk", "deadline-missed"}
    assert not deadline_codes & set(warnings(run, "2026-W48")[1])  # by the end of W48 the work was done
    assert not deadline_codes & set(warnings(run, "2026-W49")[1])


def test_a_future_week_is_judged_on_its_plan(run: Cli) -> None:
    run.ok("client", "add", "globex", "--budget", "10", "--deadline", "2026-12-16", now=NOW)
    log(run, "2026-11-30", "09:00", "13:00")  # 4 h
    plan(run, "2026-12-08", "09:00", "13:00")  # W50
    plan(run, "2026-12-09", "09:00", "13:00")  # W50: 12 h by its end
    code, found = warnings(run, "2026-W50")
    assert code == 1
    assert (found["budget"]["basis"], found["budget"]["hours"]) == ("plan", 12)
    assert "logged and planned by the week's end" in found["budget"]["message"]
    assert "share-drift" not in found and "concentration" not in found
    assert "budget" not in warnings(run, "2026-W49")[1]  # this week: 4 h logged, 40 %
