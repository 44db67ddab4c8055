"""The balance rules, table-driven: a clean week yields nothing; each scenario changes it just enough for one code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.balance import CODES, Facts, check_week, failing
from planner.delegation import DRAFT, Person, Task, Update
from planner.income import ClientRate, IncomeFacts
from planner.model import INBOUND, OUTBOUND, Block, Boundaries, Engagement, LogEntry
from planner.schedule import localize, parse_moment
from planner.week import Week

MONDAY = date(2026, 11, 23)
END_OF_WEEK = parse_moment("2026-11-29 23:00")
JOB = Engagement(id=1, name="acme", kind=INBOUND, hours=10, window="mon-fri 09:00-17:00")
GLOBEX = Engagement(id=2, name="globex", kind=OUTBOUND)
INITECH = Engagement(id=3, name="initech", kind=OUTBOUND)
QUIET = Boundaries(concentration=100)  # one client holding all outbound work is its own scenario
ANA = Person(1, "ana", rate=Decimal(25))


def task(task_id: int, status: str, due: date | None, updated: str, *, estimate: int | None = None,
         seconds: int = 0) -> Task:  # fmt: skip
    """A task of ana's for globex created on 16 Nov, with its last update at `updated`."""
    created = parse_moment("2026-11-16 09:00")
    history = [Update(created, DRAFT, "created"), Update(parse_moment(updated), status, seconds=seconds)]
    return Task(task_id, f"task {task_id}", ANA.id, for_id=2, due=due, estimate=estimate, status=status,
                history=history, created=created)  # fmt: skip


def block(engagement: Engagement, day: int, start: str, end: str, block_id: int = 0, first: date = MONDAY) -> Block:
    minutes = lambda text: int(text[:2]) * 60 + int(text[3:])  # noqa: E731
    return Block(
        id=block_id or 100 + day * 10 + minutes(start) // 60,
        engagement_id=engagement.id,
        day=first + timedelta(days=day),
        start=minutes(start),
        end=minutes(end),
    )


def log(engagement: Engagement, day: int, start: str, end: str | None, first: date = MONDAY) -> LogEntry:
    when = first + timedelta(days=day)
    return LogEntry(
        id=0,
        engagement_id=engagement.id,
        start=parse_moment(f"{when} {start}"),
        end=None if end is None else parse_moment(f"{when} {end}"),
    )


def clean_plan() -> list[Block]:
    return [block(JOB, day, "09:00", "11:00") for day in range(5)]


def clean_logs() -> list[LogEntry]:
    return [log(JOB, day, "09:00", "11:00") for day in range(5)]


def facts(
    *,
    blocks=None,
    logs=None,
    rules=QUIET,
    engagements=(JOB, GLOBEX),
    now=END_OF_WEEK,
    history=(),
    usage=None,
    ahead=(),
    running=None,
    income=None,
    tasks=(),
) -> Facts:
    week = Week(
        monday=MONDAY,
        now=now,
        engagements={e.id: e for e in engagements},
        blocks=clean_plan() if blocks is None else blocks,
        logs=(clean_logs() if logs is None else logs) + ([running] if running else []),
        running=running,
        boundaries=rules,
    )
    return Facts(week=week, history=list(history), usage=usage or {}, ahead=list(ahead), income=income,
                 tasks=list(tasks), people={ANA.id: ANA})  # fmt: skip


def income_facts(*rates: ClientRate, outbound: dict[str, int] | None = None, clients: int = 2) -> IncomeFacts:
    window = (date(2026, 8, 30), date(2026, 11, 29))
    return IncomeFacts("EUR", list(rates), window, outbound or {}, clients)


def codes(found) -> set[tuple[str, str]]:
    return {(finding.code, finding.basis) for finding in found}


def test_a_clean_week_yields_nothing():
    assert check_week(facts()) == []
    assert not failing([])


def scenarios() -> dict[str, tuple[dict, set[tuple[str, str]]]]:
    """code → (how the clean week changes, the (code, basis) pairs expected). Built when called, never at import:
    times are read on the test's clock and time zone. Where a scenario changes the work, plan and log change
    together, as in a real week; otherwise plan-actual-gap would rightly join in."""
    evening = [block(GLOBEX, day, "18:00", "20:00") for day in range(3)]
    evening_logs = [log(GLOBEX, day, "18:00", "20:00") for day in range(3)]
    return {
        "share-out-of-band": (
            dict(
                blocks=clean_plan() + evening,
                logs=clean_logs() + evening_logs,
                rules=replace(QUIET, outbound_share=15, tolerance=5),
                history=[log(JOB, day, "09:00", "17:00", first=MONDAY - timedelta(days=7)) for day in range(5)],
            ),
            {("share-out-of-band", "plan"), ("share-out-of-band", "actual")},
        ),
        "share-drift": (
            dict(
                rules=replace(QUIET, outbound_share=20, tolerance=10),
                blocks=clean_plan() + evening[:1],
                logs=clean_logs() + evening_logs[:1],
                history=[log(GLOBEX, day, "18:00", "23:00", first=MONDAY - timedelta(days=7)) for day in range(5)],
            ),
            {("share-drift", "actual")},
        ),
        "contract-shortfall": (
            dict(blocks=clean_plan()[:4], logs=clean_logs()[:4]),
            {("contract-shortfall", "plan"), ("contract-shortfall", "actual")},
        ),
        "outbound-cap": (
            dict(blocks=clean_plan() + evening, logs=clean_logs() + evening_logs, rules=replace(QUIET, outbound_cap=5)),
            {("outbound-cap", "plan"), ("outbound-cap", "actual")},
        ),
        "client-cap": (
            dict(
                blocks=clean_plan() + evening,
                logs=clean_logs() + evening_logs,
                engagements=(JOB, replace(GLOBEX, cap=4)),
            ),
            {("client-cap", "plan"), ("client-cap", "actual")},
        ),
        "budget": (
            dict(engagements=(JOB, replace(GLOBEX, budget=40)), usage={GLOBEX.id: 33 * 3600}),
            {("budget", "actual")},
        ),
        "deadline-risk": (
            dict(
                engagements=(JOB, replace(GLOBEX, budget=10, deadline=MONDAY + timedelta(days=20))),
                now=parse_moment("2026-11-25 12:00"),
                logs=clean_logs()[:3],
                ahead=[block(GLOBEX, 3, "18:00", "22:00")],
            ),
            {("deadline-risk", "plan")},
        ),
        "deadline-near": (
            dict(engagements=(JOB, replace(GLOBEX, deadline=MONDAY + timedelta(days=9)))),  # Wed next week
            {("deadline-near", "plan")},
        ),
        "deadline-missed": (
            dict(engagements=(JOB, replace(GLOBEX, budget=10, deadline=MONDAY + timedelta(days=2)))),
            {("deadline-missed", "actual")},
        ),
        "window-intrusion": (
            dict(
                blocks=[*clean_plan(), block(GLOBEX, 1, "16:00", "18:00")],
                logs=[*clean_logs(), log(GLOBEX, 1, "16:00", "17:30")],
            ),
            {("window-intrusion", "plan"), ("window-intrusion", "actual")},
        ),
        "week-max": (dict(rules=replace(QUIET, max_week=9)), {("week-max", "plan"), ("week-max", "actual")}),
        "day-max": (
            dict(
                blocks=[*clean_plan(), block(JOB, 0, "13:00", "17:00")],
                logs=[*clean_logs(), log(JOB, 0, "13:00", "17:00")],
                rules=replace(QUIET, max_day=4),
            ),
            {("day-max", "plan"), ("day-max", "actual")},
        ),
        "day-off": (dict(rules=replace(QUIET, days_off=[0])), {("day-off", "plan"), ("day-off", "actual")}),
        "late-finish": (
            dict(
                blocks=[*clean_plan(), block(JOB, 3, "21:00", "23:30")],
                logs=[*clean_logs(), log(JOB, 3, "21:00", "23:30")],
                rules=replace(QUIET, latest=22 * 60),
            ),
            {("late-finish", "plan"), ("late-finish", "actual")},
        ),
        "short-rest": (
            dict(blocks=[*clean_plan(), block(JOB, 0, "23:00", "24:00")], rules=replace(QUIET, min_rest=11)),
            {("short-rest", "plan")},
        ),
        "no-break": (
            dict(
                blocks=[*clean_plan(), block(JOB, 0, "11:10", "13:00")],
                logs=[*clean_logs(), log(JOB, 0, "11:10", "13:00")],
                rules=replace(QUIET, max_stretch=3),
            ),
            {("no-break", "plan"), ("no-break", "actual")},
        ),
        "concentration": (
            dict(
                rules=Boundaries(),
                engagements=(JOB, GLOBEX, INITECH),
                blocks=clean_plan() + evening + [block(INITECH, 4, "18:00", "19:00")],
                logs=clean_logs() + evening_logs + [log(INITECH, 4, "18:00", "19:00")],
                history=[log(GLOBEX, day, "18:00", "22:00", first=MONDAY - timedelta(days=7)) for day in range(2)],
            ),
            {("concentration", "actual")},
        ),
        "double-booked": (
            dict(
                blocks=[*clean_plan(), block(GLOBEX, 5, "10:00", "12:00"), block(INITECH, 5, "11:00", "12:30")],
                logs=[*clean_logs(), log(GLOBEX, 5, "10:00", "12:00")],
                engagements=(JOB, GLOBEX, INITECH),
                now=parse_moment("2026-11-28 12:00"),
            ),
            {("double-booked", "plan")},
        ),
        "plan-actual-gap": (
            dict(logs=[*clean_logs()[1:], log(JOB, 0, "09:00", "12:30")], now=parse_moment("2026-11-27 12:00")),
            {("plan-actual-gap", "actual")},
        ),
        "forgotten-timer": (
            dict(running=log(JOB, 6, "12:00", None)),
            {("forgotten-timer", "actual")},
        ),
        "task-overdue": (
            dict(tasks=[task(1, "in-progress", MONDAY + timedelta(days=2), "2026-11-27 09:00")]),
            {("task-overdue", "actual")},
        ),
        "task-due-soon": (
            dict(tasks=[task(1, "in-progress", MONDAY + timedelta(days=8), "2026-11-28 09:00")]),
            {("task-due-soon", "actual")},
        ),
        "task-stale": (
            dict(tasks=[task(1, "sent", None, "2026-11-24 09:00")]),
            {("task-stale", "actual")},
        ),
        "task-over-estimate": (
            dict(tasks=[task(1, "review", None, "2026-11-29 09:00", estimate=3600, seconds=5400)]),
            {("task-over-estimate", "actual")},
        ),
        "rate-below-floor": (
            dict(
                rules=replace(QUIET, min_rate=Decimal(50)),
                income=income_facts(
                    ClientRate("globex", "hourly", "actual", Decimal("40.00"), 40 * 3600, 160000, "2026-11-01..29")
                ),
            ),
            {("rate-below-floor", "actual")},
        ),
    }


def test_every_code_has_a_scenario():
    assert set(scenarios()) == set(CODES)


@pytest.mark.parametrize("code", list(CODES))
def test_each_scenario_yields_exactly_its_code(code):
    changes, expected = scenarios()[code]
    found = check_week(facts(**changes))
    assert codes(found) == expected, [finding.message for finding in found]
    for finding in found:
        assert finding.message.endswith(".") and "\n" not in finding.message
        assert finding.severity in ("warn", "breach")
    assert failing(found)


def test_severities_follow_hard_limits():
    breach = {
        "outbound-cap", "client-cap", "window-intrusion", "week-max", "day-max", "short-rest", "deadline-missed",
        "task-overdue",
    }  # fmt: skip
    for changes, _ in scenarios().values():
        for finding in check_week(facts(**changes)):
            assert (finding.severity == "breach") == (finding.code in breach), finding


def test_budget_breaches_at_a_hundred_percent_and_counts_the_running_timer():
    client = replace(GLOBEX, budget=10)
    [warned] = check_week(facts(engagements=(JOB, client), usage={client.id: 9 * 3600}))
    assert (warned.severity, warned.numbers["used"]) == ("warn", 0.9)
    timer = log(client, 6, "21:00", None)  # 2 h running at 23:00
    breached = [
        f
        for f in check_week(facts(engagements=(JOB, client), usage={client.id: 9 * 3600}, running=timer))
        if f.code == "budget"
    ]
    assert breached[0].severity == "breach" and breached[0].numbers["hours"] == 11


def test_window_intrusion_names_the_block_so_the_board_can_mark_it():
    intruder = block(GLOBEX, 1, "16:00", "18:00", block_id=77)
    [finding] = [f for f in check_week(facts(blocks=[*clean_plan(), intruder])) if f.code == "window-intrusion"]
    assert finding.block_ids == (77,) and finding.numbers["minutes"] == 60 and finding.subject == "globex"


def test_protect_windows_off_allows_outbound_work_in_the_window():
    changes = dict(
        blocks=[*clean_plan(), block(GLOBEX, 1, "16:00", "18:00")],
        logs=[*clean_logs(), log(GLOBEX, 1, "16:00", "18:00")],
        rules=replace(QUIET, protect_windows=False),
    )
    assert check_week(facts(**changes)) == []


def test_contract_shortfall_is_pro_rata_to_now():
    wednesday_noon = parse_moment("2026-11-25 12:00")  # 19 of the window's 40 hours are behind us: 4.75 h due
    on_track = facts(logs=[*clean_logs()[:2], log(JOB, 2, "09:00", "10:00")], now=wednesday_noon)
    assert check_week(on_track) == []
    behind = facts(logs=clean_logs()[:1], now=wednesday_noon)
    [finding] = [f for f in check_week(behind) if f.code == "contract-shortfall"]
    assert finding.code == "contract-shortfall" and finding.numbers["expected"] == 4.75


def test_terms_in_force_that_week_count():
    job = replace(JOB, hours=8).with_change(MONDAY + timedelta(days=7), hours=20)
    assert check_week(facts(engagements=(job, GLOBEX))) == []  # 10 h planned ≥ the 8 h of this week's terms


def test_dst_week_counts_real_hours():
    autumn_monday = date(2026, 10, 19)  # Sunday 25 October: Berlin's clocks go back at 03:00
    sunday = log(JOB, 6, "00:30", "04:30", first=autumn_monday)  # five real hours
    week = Week(
        monday=autumn_monday,
        now=parse_moment("2026-10-26 12:00"),
        engagements={JOB.id: JOB},
        blocks=[],
        logs=[sunday],
        running=None,
        boundaries=Boundaries(max_day=4.5),
    )
    found = [f for f in check_week(Facts(week, [], {}, [])) if f.code == "day-max"]
    assert [(f.subject, f.numbers["hours"]) for f in found] == [("2026-10-25", 5.0)]


@given(day=st.integers(0, 6), start=st.integers(0, 46), length=st.integers(1, 8))
@settings(max_examples=150, deadline=None)
def test_an_outbound_block_intrudes_exactly_when_it_overlaps_a_window(day, start, length):
    start_minute, end_minute = start * 30, min(24 * 60, (start + length) * 30)
    candidate = Block(
        id=99, engagement_id=GLOBEX.id, day=MONDAY + timedelta(days=day), start=start_minute, end=end_minute
    )
    found = [
        f
        for f in check_week(facts(blocks=[*clean_plan(), candidate], logs=[], now=parse_moment("2026-11-23 00:00")))
        if f.code == "window-intrusion"
    ]
    overlaps = day < 5 and start_minute < 17 * 60 and end_minute > 9 * 60
    assert bool(found) == overlaps
    if not overlaps:  # moved out of every window: never a window-intrusion
        assert found == []


def test_week_span_uses_local_midnights():
    lo, hi = Week(monday=MONDAY, now=END_OF_WEEK, engagements={}, blocks=[], logs=[], running=None).span
    assert lo == localize(MONDAY, 0) and (hi - lo) == timedelta(days=7)
    assert isinstance(lo, datetime)


def _night(day: int, start: str, end: str, engagement: Engagement = JOB) -> LogEntry:
    """A log from `start` on day `day` to `end` on the next day."""
    when = MONDAY + timedelta(days=day)
    return LogEntry(
        0, engagement.id, parse_moment(f"{when} {start}"), parse_moment(f"{when + timedelta(days=1)} {end}")
    )


@pytest.mark.parametrize(
    ("logs", "expected"),
    [
        # issue 14: 23:00-00:30, then 12:30-14:00 the next day is 12 h of rest, not 0
        ([_night(0, "23:00", "00:30"), log(JOB, 1, "12:30", "14:00")], None),
        ([_night(0, "23:00", "00:30"), log(JOB, 1, "09:00", "11:00")], 8.5),
        ([log(JOB, 0, "09:00", "17:00"), log(JOB, 0, "23:00", "23:59"), log(JOB, 1, "07:00", "09:00")], 7.02),
        ([log(JOB, 0, "09:00", "21:00"), log(JOB, 1, "08:00", "12:00")], None),  # 11 h is enough
        ([log(JOB, 0, "09:00", "22:00"), log(JOB, 1, "08:00", "12:00")], 10.0),
        ([log(JOB, 0, "09:00", "12:00"), log(JOB, 0, "12:30", "17:00")], None),  # a lunch break is not rest
    ],
    ids=["after-midnight-work", "short-after-midnight", "late-hour", "exactly-11", "10-hours", "same-day"],
)
def test_short_rest_runs_from_the_real_end_of_work(logs, expected):
    found = [
        finding
        for finding in check_week(facts(blocks=[], logs=logs, rules=replace(QUIET, min_rest=11)))
        if finding.code == "short-rest"
    ]
    assert [finding.numbers["rest_hours"] for finding in found] == ([] if expected is None else [expected])


def test_concentration_needs_two_clients_and_enough_outbound_hours():
    """Issue 14: concentration fired at 100 % with one client and 3 h."""
    lots = [log(GLOBEX, day, "18:00", "22:00") for day in range(4)]  # 16 h
    alone = check_week(facts(rules=Boundaries(), engagements=(JOB, GLOBEX), logs=clean_logs() + lots))
    assert "concentration" not in {finding.code for finding in alone}  # one client: nobody to share with
    little = [log(GLOBEX, 0, "18:00", "21:00")]
    two = (JOB, GLOBEX, INITECH)
    few = check_week(facts(rules=Boundaries(), engagements=two, logs=clean_logs() + little))
    assert "concentration" not in {finding.code for finding in few}  # 3 h, under the 10 h minimum
    [found] = [
        finding
        for finding in check_week(facts(rules=Boundaries(), engagements=two, logs=clean_logs() + lots))
        if finding.code == "concentration"
    ]
    assert "16:00 of 16:00 h logged for 2 clients" in found.message
    lower = check_week(facts(rules=Boundaries(concentration_min=2), engagements=two, logs=clean_logs() + little))
    assert "concentration" in {finding.code for finding in lower}


@pytest.mark.parametrize(
    ("client", "blocks", "now", "expected"),
    [
        # issue 14: a passed deadline with budget left was silent in every week after it
        (replace(GLOBEX, budget=10, deadline=date(2026, 11, 28)), [], "2026-11-29 12:00", {"deadline-missed"}),
        (
            replace(GLOBEX, budget=10, deadline=date(2026, 11, 28)),
            [],
            "2026-11-27 12:00",
            {"deadline-near", "deadline-risk"},
        ),
        # a deadline without a budget: near, then missed only with work planned after it
        (replace(GLOBEX, deadline=date(2026, 11, 27)), [], "2026-11-25 12:00", {"deadline-near"}),
        (replace(GLOBEX, deadline=date(2026, 11, 25)), [], "2026-11-29 12:00", set()),
        (
            replace(GLOBEX, deadline=date(2026, 11, 25)),
            [block(GLOBEX, 4, "18:00", "19:00")],
            "2026-11-29 12:00",
            {"deadline-missed"},
        ),
        (replace(GLOBEX, deadline=date(2026, 12, 20)), [], "2026-11-25 12:00", set()),
    ],
    ids=[
        "missed-with-budget-left",
        "near-and-at-risk",
        "near-without-budget",
        "passed-all-done",
        "work-after-it",
        "far",
    ],
)
def test_deadlines_near_and_missed(client, blocks, now, expected):
    found = check_week(facts(engagements=(JOB, client), blocks=clean_plan() + blocks, now=parse_moment(now)))
    assert {finding.code for finding in found} & {"deadline-near", "deadline-missed", "deadline-risk"} == expected


def test_deadline_near_is_configurable_and_can_be_off():
    client = replace(GLOBEX, deadline=date(2026, 12, 4))  # 9 days after Wed 25 Nov
    moment = parse_moment("2026-11-25 12:00")
    codes_at = lambda rules: {f.code for f in check_week(facts(engagements=(JOB, client), now=moment, rules=rules))}  # noqa: E731
    assert "deadline-near" not in codes_at(QUIET)
    assert "deadline-near" in codes_at(replace(QUIET, deadline_near=10))
    assert "deadline-near" not in codes_at(replace(QUIET, deadline_near=None))


STRICT = Boundaries(
    max_day=6,
    max_week=20,
    latest=20 * 60,
    min_rest=11,
    max_stretch=3,
    days_off=[5, 6],
    outbound_cap=5,
    concentration=40,
)


@st.composite
def pieces_of_work(draw, first: int, last: int):
    """Logs and blocks from day `first` to day `last` of the week (negative: the week before, 7+: the week after)."""
    found = []
    for _ in range(draw(st.integers(0, 8))):
        day = draw(st.integers(first, last))
        start = draw(st.integers(0, 47))
        length = draw(st.integers(1, 30))
        found.append((draw(st.sampled_from([JOB, GLOBEX, INITECH])), day, start * 30, length * 30))
    return found


@given(
    logs=pieces_of_work(-3, 9),
    blocks=pieces_of_work(0, 6),
    now_day=st.integers(-2, 10),
    now_hour=st.integers(0, 23),
)
@settings(max_examples=200, deadline=None)
def test_no_warning_names_a_day_outside_the_checked_week(logs, blocks, now_day, now_hour):
    """Issue 14: every day a warning names (its subject or its date) lies in the week it was checked for."""
    now = localize(MONDAY + timedelta(days=now_day), now_hour * 60)
    entries = [
        LogEntry(
            id=0,
            engagement_id=who.id,
            start=localize(MONDAY + timedelta(days=day), start),
            end=localize(MONDAY + timedelta(days=day), start) + timedelta(minutes=length),
        )
        for who, day, start, length in logs
    ]
    planned = [
        Block(
            id=200 + index,
            engagement_id=who.id,
            day=MONDAY + timedelta(days=day),
            start=start,
            end=min(24 * 60, start + length),
        )
        for index, (who, day, start, length) in enumerate(blocks)
    ]
    lo = localize(MONDAY, 0)
    week_logs = [entry for entry in entries if entry.end > lo and entry.start < lo + timedelta(days=7)]
    history = [entry for entry in entries if entry.start < lo]
    found = check_week(
        facts(
            blocks=planned, logs=week_logs, history=history, now=now, rules=STRICT, engagements=(JOB, GLOBEX, INITECH)
        )
    )
    week_days = {(MONDAY + timedelta(days=offset)).isoformat() for offset in range(7)}
    for finding in found:
        named = [finding.numbers.get("date"), finding.subject if finding.subject[:2] == "20" else None]
        assert all(day in week_days for day in named if day is not None), finding


def test_double_booked_names_both_engagements_and_the_overlap():
    """Issue 14: blocks of different engagements may overlap, but the overlap is a warning."""
    planned = [*clean_plan(), block(GLOBEX, 1, "10:00", "12:00"), block(INITECH, 1, "10:30", "11:00", block_id=7)]
    found = [
        f for f in check_week(facts(blocks=planned, engagements=(JOB, GLOBEX, INITECH))) if f.code == "double-booked"
    ]
    [finding] = found
    assert finding.subject == "2026-11-24" and finding.numbers["minutes"] == 120  # 60 + 30 + 30
    assert "acme and globex from 10:00 (60 min)" in finding.message
    assert "globex and initech from 10:30 (30 min)" in finding.message
    assert "acme and initech from 10:30 (30 min)" in finding.message
    assert 7 in finding.block_ids


def test_one_engagements_overlapping_blocks_count_once():
    """Issue 14: overlapping blocks of one engagement (a calendar's two meetings at once) counted twice: 21 h
    planned instead of 20."""
    planned = [block(JOB, day, "09:00", "13:00") for day in range(5)] + [block(JOB, 0, "12:00", "13:00", block_id=9)]
    found = check_week(
        facts(blocks=planned, logs=[], engagements=(replace(JOB, hours=20),), rules=replace(QUIET, max_week=19.5))
    )
    assert codes(found) & {("week-max", "plan"), ("double-booked", "plan")} == {
        ("week-max", "plan"),
        ("double-booked", "plan"),
    }
    [too_many] = [f for f in found if f.code == "week-max" and f.basis == "plan"]
    assert too_many.numbers["hours"] == 20
    [twice] = [f for f in found if f.code == "double-booked"]
    assert "acme twice from 12:00 (60 min)" in twice.message  # counted once, and still said


def test_a_week_over_its_limits_marks_only_the_blocks_past_them():
    """Trial finding: a week-level breach put '!' on every block of the week; only the blocks that take the time
    past a maximum or a cap are marked, and a share out of its band marks none."""
    planned = [block(JOB, day, "09:00", "11:00", block_id=10 + day) for day in range(5)]
    evening = [block(GLOBEX, day, "18:00", "20:00", block_id=20 + day) for day in range(3)]
    rules = replace(QUIET, max_week=11, outbound_cap=3, outbound_share=10, tolerance=5, max_day=3.5)
    found = {(f.code, f.basis): f for f in check_week(facts(blocks=planned + evening, logs=[], rules=rules))}
    assert found[("week-max", "plan")].block_ids == (13, 14, 22)  # past 11 h: from Wed evening on
    assert found[("outbound-cap", "plan")].block_ids == (21, 22)  # past 3 h of outbound work
    days = [f for f in check_week(facts(blocks=planned + evening, logs=[], rules=rules)) if f.code == "day-max"]
    assert [f.block_ids for f in days] == [(20,), (21,), (22,)]  # each day's evening takes it past 3.5 h
    assert found[("share-out-of-band", "plan")].block_ids == ()


def test_a_job_added_midweek_owes_only_the_part_of_the_week_from_its_start():
    """Trial finding: a new job warned at once that it was behind (the whole week's pro rata was due)."""
    new = replace(JOB, added=MONDAY + timedelta(days=2))  # added on Wednesday, 10 h a week over mon-fri 09-17
    wednesday_noon = parse_moment("2026-11-25 12:00")
    found = check_week(facts(engagements=(new, GLOBEX), blocks=[], logs=[], now=wednesday_noon))
    [actual] = [f for f in found if f.code == "contract-shortfall" and f.basis == "actual"]
    [plan] = [f for f in found if f.code == "contract-shortfall" and f.basis == "plan"]
    assert actual.numbers["expected"] == 0.75  # Wednesday's 3 window hours of the week's 40, not Monday's on
    assert plan.numbers["due"] == 6 and "below the 6:00 h due (of the contracted 10 h, from its start on Wed" in (
        plan.message
    )
    old = check_week(facts(engagements=(JOB, GLOBEX), blocks=[], logs=[], now=wednesday_noon))
    assert {f.basis for f in old if f.code == "contract-shortfall"} == {"plan", "actual"}


def test_the_rate_floor_judges_each_clients_rate_against_it_to_the_cent():
    rules = replace(QUIET, min_rate=Decimal("50.00"))
    at = ClientRate("globex", "hourly", "actual", Decimal("50.00"), 3600, 5000, "2026-11-01..29")
    under = replace(at, name="initech", rate=Decimal("49.99"))
    plan = ClientRate("hooli", "fixed", "plan", Decimal("41.67"), 72 * 3600, 300000, "logged, planned and budgeted")
    found = check_week(facts(rules=rules, income=income_facts(at, under, plan)))
    assert {(f.code, f.basis, f.subject) for f in found} == {
        ("rate-below-floor", "actual", "initech"),
        ("rate-below-floor", "plan", "hooli"),
    }
    hooli = next(f for f in found if f.subject == "hooli")
    assert "3,000.00 EUR over the 72:00 h logged, planned and budgeted comes to 41.67 EUR/h" in hooli.message
    assert check_week(facts(rules=replace(rules, min_rate=None), income=income_facts(under, plan))) == []


def test_concentration_by_income_replaces_the_hours():
    income = income_facts(outbound={"globex": 900000, "initech": 100000})
    rules = replace(QUIET, concentration=83, concentration_basis="income")
    [finding] = check_week(facts(rules=rules, income=income))
    assert (finding.code, finding.subject, finding.numbers["share"]) == ("concentration", "globex", 0.9)
    assert "9,000.00 EUR of 10,000.00 EUR" in finding.message
    assert check_week(facts(rules=rules, income=income_facts(outbound={"globex": 900000}, clients=1))) == []
    assert check_week(facts(rules=replace(rules, concentration=90), income=income)) == []
    missing = replace(income, missing="no exchange rate into EUR for USD on 2026-11-02")
    assert check_week(facts(rules=rules, income=missing)) == []  # not judged on a part of the income


@pytest.mark.parametrize(
    ("status", "due", "updated", "expected"),
    [
        ("in-progress", 25, "2026-11-29 20:00", set()),  # due 18 Dec, updated an hour before the week's end
        ("in-progress", 3, "2026-11-29 20:00", {"task-due-soon"}),  # due Wed 2 Dec, 3 days after Sunday
        ("in-progress", 4, "2026-11-29 20:00", set()),  # 4 days: not soon yet
        ("in-progress", 0, "2026-11-29 20:00", {"task-overdue"}),  # due Sunday, the day ended at the week's end
        ("done", -3, "2026-11-29 20:00", set()),
        ("cancelled", -3, "2026-11-20 20:00", set()),  # closed: never stale, never late
        ("draft", 25, "2026-11-20 20:00", set()),  # a draft is not with anyone yet: not stale
        ("sent", 25, "2026-11-26 23:59", {"task-stale"}),  # 3 days before the week's end
        ("sent", 25, "2026-11-27 00:01", set()),
    ],
)
def test_task_rules_as_a_table(status, due, updated, expected):
    """Judged at the end of W48 (Sunday 29 Nov, 24:00): `due` days after that Sunday (0 is the Sunday itself)."""
    end = parse_moment("2026-11-29 23:59") + timedelta(minutes=1)
    found = check_week(facts(tasks=[task(1, status, date(2026, 11, 29) + timedelta(days=due), updated)], now=end))
    assert {f.code for f in found} == expected, [f.message for f in found]


def test_a_persons_own_stale_days_and_a_past_week_judged_as_it_stood():
    patient = Person(1, "ana", rate=Decimal(25), stale_days=7)
    sent = task(1, "sent", None, "2026-11-24 09:00")
    judged = facts(tasks=[sent])
    judged.people = {1: patient}
    assert check_week(judged) == []  # 5 days: within ana's 7
    # a task done after the week was open at its end: W48 judged later still sees it due and late
    late = task(1, "in-progress", MONDAY + timedelta(days=3), "2026-11-25 09:00")
    late.history.append(Update(parse_moment("2026-12-03 09:00"), "done"))
    late.status = "done"
    judged = facts(tasks=[late], now=parse_moment("2026-12-04 09:00"))
    judged.as_of = parse_moment("2026-11-29 23:59") + timedelta(minutes=1)  # as gather judges a past week
    found = check_week(judged)
    assert [f.code for f in found] == ["task-overdue", "task-stale"]  # in progress since Wed 25 Nov, no word since
    assert found[0].numbers["days_late"] == 3  # Thu 26 Nov to Sun 29 Nov, as the week ended
