"""The balance rules: one pure function from a week's facts to warnings, used by `check`, the board and reports.

Each rule looks at the plan (blocks), the actuals (logs, the running timer up to now), or both; each warning has a
stable code, a severity (`breach` for a crossed hard limit, `warn` otherwise, `info` for notes that do not fail
`check`), the basis it was found on, its subject (an engagement or a date), one readable sentence, and the numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from planner.hours import clock_hours
from planner.model import Block, Boundaries, Engagement, LogEntry
from planner.schedule import day_start, format_clock, split_by_day, to_local, wall_moment, week_label
from planner.timer import forgotten
from planner.week import Week, block_interval, once_per_engagement
from planner.words import DONE, DRAFT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from planner.delegation import Person, Task
    from planner.income import IncomeFacts

PLAN, ACTUAL = "plan", "actual"
INFO, WARN, BREACH = "info", "warn", "breach"
SEVERITY_RANK = {INFO: 0, WARN: 1, BREACH: 2}
BREAK = timedelta(minutes=15)  # a pause at least this long breaks a stretch of work
GAP_HOURS = 1.0  # plan-actual-gap: more than this apart on a past day
PLAN_HORIZON = timedelta(days=3 * 366)  # how far ahead a future week's check reads the plan for budgets
SHORTFALL_GRACE = 0.5  # contract-shortfall (actual): hours behind pro rata before it warns

#: Every code with what it means, for `planner check --codes`, the README and the tests.
CODES = {
    "share-out-of-band": "the week's outbound share is outside target ± tolerance",
    "share-drift": "the outbound share of the last 4 weeks is outside the band",
    "contract-shortfall": "an inbound job is below its contracted hours (plan; actual pro rata to now)",
    "outbound-cap": "all outbound work above the weekly outbound cap",
    "client-cap": "one client above its own weekly cap",
    "budget": "a client's logged hours reach 80 % (warn) or 100 % (breach) of its budget",
    "deadline-risk": "a client's remaining budget exceeds the hours planned for it before its deadline",
    "deadline-near": "a client's deadline falls within the next --deadline-near days (7), with or without a budget",
    "deadline-missed": "a client's deadline has passed with budgeted hours left, or with its work planned after it",
    "window-intrusion": "outbound work inside an inbound job's working window",
    "week-max": "hours above the maximum for the week",
    "day-max": "hours above the maximum for a day",
    "day-off": "work on a day off",
    "late-finish": "work after the latest finish",
    "short-rest": "less rest than the minimum between two working days",
    "no-break": "a stretch of work longer than the maximum without a 15-minute break",
    "concentration": "one client holds more than the limit of the outbound hours of the last 4 weeks",
    "plan-actual-gap": "on a past day, an engagement's logged and planned hours differ by more than an hour",
    "forgotten-timer": "the timer runs past its job's window, past the latest finish, or longer than --timer-limit h",
    "double-booked": "planned blocks overlap: of two engagements, or of one (a calendar's meetings at once)",
    "rate-below-floor": "a client's effective hourly rate this month (a fixed fee: over its hours) is below --min-rate",
    "task-overdue": "a delegated task's due day has passed and it is not done",
    "task-due-soon": "a delegated task is due within 3 days and not done",
    "task-stale": "an open delegated task (sent or later) has had no status update for --task-stale days (3)",
    "task-over-estimate": "the hours reported on a delegated task are above its estimate",
}


@dataclass(frozen=True)
class Finding:
    """One warning. (Named so as not to shadow Python's built-in Warning.)"""

    code: str
    severity: str
    basis: str
    subject: str
    message: str
    numbers: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    block_ids: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "basis": self.basis,
            "subject": self.subject,
            "message": self.message,
            **self.numbers,
        }

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes a warning 'the same one' from one check to the next (to notify only new ones)."""
        return self.code, self.basis, self.subject


@dataclass(frozen=True)
class Span:
    """A piece of work: planned (a block) or actual (a log), as UTC instants."""

    start: datetime
    end: datetime
    engagement_id: int
    block_id: int | None = None


@dataclass
class Facts:
    """Everything the rules need about one week: the board's `Week` and a little history and future.

    A week is judged as it stood at its end (a past week), as it stands now (this week), or as its plan leaves it at
    its end (a future week): `as_of` is that moment, and the budget and deadline rules read usage and deadlines as of
    it, so last month's check does not report today's budget breach, nor next month's a deadline long done."""

    week: Week
    history: list[LogEntry]  # logs overlapping the three weeks before the week and the day before them
    usage: dict[int, float]  # logged seconds per engagement up to as_of (finished entries; the timer is added apart)
    ahead: list[Block]  # planned blocks from as_of to the furthest deadline
    planned: dict[int, float] = field(default_factory=dict)  # a future week: seconds planned from now to as_of
    as_of: datetime | None = None  # None: the week's now
    income: IncomeFacts | None = None  # read when --min-rate is set or concentration measures income
    tasks: list[Task] = field(default_factory=list)  # delegated tasks (not recurring templates)
    people: dict[int, Person] = field(default_factory=dict)

    @property
    def boundaries(self) -> Boundaries:
        return self.week.boundaries

    @property
    def moment(self) -> datetime:
        return self.as_of if self.as_of is not None else self.week.now

    @property
    def future(self) -> bool:
        """The week has not begun: it is judged on its plan."""
        return self.week.now < self.week.span[0]


def judged_as_of(week: Week) -> datetime:
    """The moment a week is judged as of: now for this week, its end for a past or a future week."""
    lo, hi = week.span
    return week.now if lo <= week.now < hi else hi


def gather(store, week: Week) -> Facts:
    """Read the facts behind `check_week` for a week already loaded from `store`."""
    monday, now = week.monday, week.now
    as_of = judged_as_of(week)
    lo = day_start(monday - timedelta(days=22))
    history = [entry for entry in store.logs(lo, day_start(monday), include_running=False)]
    budgeted = any(e.budget and not e.inbound and not e.archived for e in week.engagements.values())
    # A past week's budgets are judged on what was logged up to its end; only budgets read the logs after it, so a
    # board without budgets skips reading to now.
    usage = store.usage_at(as_of, now) if as_of < now and budgeted else {k: float(v) for k, v in store.usage().items()}
    planned: dict[int, float] = defaultdict(float)
    if as_of > now and budgeted:  # the plan up to a future week uses budgets (read at most 3 years ahead)
        coming = store.blocks(to_local(now).date(), min(week.days[-1], to_local(now).date() + PLAN_HORIZON))
        for span in clip((block_span(block) for block in coming), now, as_of):
            planned[span.engagement_id] += (span.end - span.start).total_seconds()
    seen = to_local(as_of).date()
    deadlines = [e.deadline for e in week.engagements.values() if e.deadline and e.budget and not e.archived]
    last = min(max(deadlines), seen + timedelta(days=366)) if deadlines else None
    ahead = store.blocks(seen, last) if last is not None and last >= seen else []
    income = None
    rules = week.boundaries
    if (rules.min_rate is not None or rules.concentration_basis == "income") and now >= week.span[0]:
        from planner.income import income_facts

        day = min(week.days[-1], to_local(now).date())
        income = income_facts(
            store,
            day,
            as_of,
            rates_wanted=rules.min_rate is not None,
            window_months=int(rules.concentration_months),
        )
    tasks = store.tasks()
    people = {person.id: person for person in store.people(include_archived=True)} if tasks else {}
    return Facts(
        week=week,
        history=history,
        usage=usage,
        ahead=ahead,
        planned=dict(planned),
        as_of=as_of,
        income=income,
        tasks=tasks,
        people=people,
    )


# ---------------------------------------------------------------- helpers


def hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"


def block_span(block: Block) -> Span:
    start, end = block_interval(block)
    return Span(start, end, block.engagement_id, block.key)


def log_spans(entries: Iterable[LogEntry], now: datetime) -> list[Span]:
    spans = []
    for entry in entries:
        end = entry.end if entry.end is not None else max(now, entry.start)
        if end > entry.start:
            spans.append(Span(entry.start, end, entry.engagement_id))
    return spans


def clip(spans: Iterable[Span], lo: datetime, hi: datetime) -> list[Span]:
    clipped = []
    for span in spans:
        start, end = max(span.start, lo), min(span.end, hi)
        if end > start:
            clipped.append(Span(start, end, span.engagement_id, span.block_id))
    return clipped


def seconds_of(spans: Iterable[Span]) -> float:
    return sum((span.end - span.start).total_seconds() for span in spans)


def by_day(spans: Iterable[Span]) -> dict[date, list[Span]]:
    """Spans cut at local midnight, per day."""
    days: dict[date, list[Span]] = defaultdict(list)
    for span in spans:
        cursor = span.start
        for day, part in split_by_day(span.start, span.end):
            piece_end = cursor + timedelta(seconds=part)
            days[day].append(Span(cursor, piece_end, span.engagement_id, span.block_id))
            cursor = piece_end
    return days


def merged(spans: Iterable[Span], gap: timedelta = timedelta(0)) -> list[tuple[datetime, datetime, list[Span]]]:
    """Work joined into stretches: spans closer than `gap` to each other belong to one stretch."""
    stretches: list[tuple[datetime, datetime, list[Span]]] = []
    for span in sorted(spans, key=lambda item: item.start):
        if stretches and span.start - stretches[-1][1] < gap + timedelta(microseconds=1):
            start, end, members = stretches[-1]
            stretches[-1] = (start, max(end, span.end), [*members, span])
        else:
            stretches.append((span.start, span.end, [span]))
    return stretches


def once_each(spans: Iterable[Span]) -> list[Span]:
    """Planned spans with the time one engagement has planned twice counted once: where a block overlaps an
    earlier one of its engagement (two meetings of an imported calendar at once), only its part after it counts."""
    counted = once_per_engagement(spans, lambda span: (span.start, span.end), lambda span: span.engagement_id)
    return [Span(start, end, span.engagement_id, span.block_id) for span, start, end in counted if end > start]


def _beyond(spans: Iterable[Span], limit: float) -> tuple[int, ...]:
    """The blocks that take the time past `limit` seconds, in time order: the ones to move, where marking every
    block of a week over its maximum would mark nothing in particular."""
    total, found = 0.0, set()
    for span in sorted(spans, key=lambda item: item.start):
        total += (span.end - span.start).total_seconds()
        if total > limit and span.block_id is not None:
            found.add(span.block_id)
    return tuple(sorted(found))


def _blocks_of(spans: Iterable[Span]) -> tuple[int, ...]:
    return tuple(sorted({span.block_id for span in spans if span.block_id is not None}))


def _band(boundaries: Boundaries) -> tuple[float, float] | None:
    if boundaries.outbound_share is None:
        return None
    low = max(0.0, boundaries.outbound_share - boundaries.tolerance)
    high = min(100.0, boundaries.outbound_share + boundaries.tolerance)
    return low, high


# ---------------------------------------------------------------- the check


def check_week(facts: Facts) -> list[Finding]:
    """All warnings for the week, most severe first."""
    week = facts.week
    lo, hi = week.span
    engagements = {engagement_id: e.terms_on(week.monday) for engagement_id, e in week.engagements.items()}
    planned = clip((block_span(block) for block in week.blocks), lo, hi)
    plan = once_each(planned)
    actual_all = log_spans([*facts.history, *week.logs], week.now)
    actual = clip(actual_all, lo, min(hi, max(lo, week.now)))
    findings: list[Finding] = []
    for basis, spans in ((PLAN, plan), (ACTUAL, actual)):
        findings += _shares(basis, spans, engagements, facts.boundaries)
        findings += _caps(basis, spans, engagements, facts.boundaries)
        findings += _windows(basis, spans, engagements, facts.boundaries)
        findings += _maxima(basis, spans, facts.boundaries)
        findings += _days(basis, spans, engagements, facts.boundaries, week)
    findings += _rest(PLAN, plan, week, facts.boundaries)
    findings += _rest(
        ACTUAL, clip(actual_all, lo - timedelta(days=1), min(hi, max(lo, week.now))), week, facts.boundaries
    )
    findings += _contracts(plan, actual, engagements, week)
    findings += _four_weeks(actual_all, engagements, week, facts.boundaries)
    findings += _budgets(facts, engagements)
    findings += _gaps(plan, actual, engagements, week)
    findings += _timer(week)
    findings += _double_booked(planned, engagements)
    findings += _income_rules(facts)
    findings += _delegated(facts)
    findings.sort(key=lambda item: (-SEVERITY_RANK[item.severity], item.code, item.basis, item.subject))
    return findings


def failing(findings: Iterable[Finding]) -> bool:
    """Whether `planner check` should exit 1: anything of severity warn or breach."""
    return any(SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[WARN] for finding in findings)


def _what(basis: str) -> str:
    return "planned" if basis == PLAN else "logged"


def _side_seconds(spans: list[Span], engagements: dict[int, Engagement]) -> tuple[float, float]:
    inbound = seconds_of(
        span for span in spans if engagements.get(span.engagement_id) and engagements[span.engagement_id].inbound
    )
    outbound = seconds_of(
        span for span in spans if engagements.get(span.engagement_id) and not engagements[span.engagement_id].inbound
    )
    return inbound, outbound


def _shares(basis: str, spans: list[Span], engagements: dict[int, Engagement], rules: Boundaries) -> list[Finding]:
    band = _band(rules)
    inbound, outbound = _side_seconds(spans, engagements)
    if band is None or inbound + outbound == 0:
        return []
    share = 100 * outbound / (inbound + outbound)
    if band[0] <= share <= band[1]:
        return []
    return [
        Finding(
            "share-out-of-band",
            WARN,
            basis,
            "week",
            f"Outbound work is {share:.0f}% of the {_what(basis)} week ({clock_hours(outbound)} of "
            f"{clock_hours(inbound + outbound)} h), outside the {_fmt(band[0])}–{_fmt(band[1])}% band.",
            {
                "share": round(share / 100, 4),
                "band_low": band[0] / 100,
                "band_high": band[1] / 100,
                "outbound_hours": hours(outbound),
                "total_hours": hours(inbound + outbound),
            },
        )
    ]


def _caps(basis: str, spans: list[Span], engagements: dict[int, Engagement], rules: Boundaries) -> list[Finding]:
    found = []
    outbound_spans = [
        span for span in spans if span.engagement_id in engagements and not engagements[span.engagement_id].inbound
    ]
    outbound = seconds_of(outbound_spans)
    if rules.outbound_cap is not None and outbound > rules.outbound_cap * 3600:
        found.append(
            Finding(
                "outbound-cap",
                BREACH,
                basis,
                "outbound",
                f"{clock_hours(outbound)} h of outbound work {_what(basis)} this week, above the cap of "
                f"{rules.outbound_cap:g} h.",
                {"hours": hours(outbound), "cap": rules.outbound_cap},
                _beyond(outbound_spans, rules.outbound_cap * 3600),
            )
        )
    per_client: dict[int, list[Span]] = defaultdict(list)
    for span in outbound_spans:
        per_client[span.engagement_id].append(span)
    for engagement_id, client_spans in per_client.items():
        client = engagements[engagement_id]
        used = seconds_of(client_spans)
        if client.cap is not None and used > client.cap * 3600:
            found.append(
                Finding(
                    "client-cap",
                    BREACH,
                    basis,
                    client.name,
                    f"{client.name}: {clock_hours(used)} h {_what(basis)} this week, above its cap of "
                    f"{client.cap:g} h.",
                    {"hours": hours(used), "cap": client.cap},
                    _beyond(client_spans, client.cap * 3600),
                )
            )
    return found


def _windows(basis: str, spans: list[Span], engagements: dict[int, Engagement], rules: Boundaries) -> list[Finding]:
    if not rules.protect_windows:
        return []
    jobs = [job for job in engagements.values() if job.inbound and job.window and not job.archived]
    if not jobs:
        return []
    intrusions: dict[tuple[int, date], list[tuple[Span, float, str]]] = defaultdict(list)
    for day, pieces in by_day(span for span in spans if not engagements[span.engagement_id].inbound).items():
        for job in jobs:
            window = job.terms_on(day).work_window
            if window is None:
                continue
            for start_minute, end_minute in window.intervals_on(day):
                w_lo, w_hi = wall_moment(day, start_minute), wall_moment(day, end_minute)
                for piece in pieces:
                    inside = (min(piece.end, w_hi) - max(piece.start, w_lo)).total_seconds()
                    if inside > 0:
                        intrusions[(piece.engagement_id, day)].append((piece, inside, job.name))
    found = []
    for (engagement_id, day), hits in sorted(intrusions.items(), key=lambda item: (item[0][1], item[0][0])):
        minutes = round(sum(inside for _, inside, _ in hits) / 60)
        job_names = sorted({name for _, _, name in hits})
        client = engagements[engagement_id].name
        found.append(
            Finding(
                "window-intrusion",
                BREACH,
                basis,
                client,
                f"{client}: {minutes} min {_what(basis)} on {day:%a %d %b} inside {', '.join(job_names)}'s working "
                "window.",
                {"date": day.isoformat(), "minutes": minutes, "jobs": job_names},
                _blocks_of(span for span, _, _ in hits),
            )
        )
    return found


def _maxima(basis: str, spans: list[Span], rules: Boundaries) -> list[Finding]:
    found = []
    total = seconds_of(spans)
    if rules.max_week is not None and total > rules.max_week * 3600:
        found.append(
            Finding(
                "week-max",
                BREACH,
                basis,
                "week",
                f"{clock_hours(total)} h {_what(basis)} this week, above the maximum of {rules.max_week:g} h.",
                {"hours": hours(total), "max": rules.max_week},
                _beyond(spans, rules.max_week * 3600),
            )
        )
    if rules.max_day is not None:
        for day, pieces in sorted(by_day(spans).items()):
            worked = seconds_of(pieces)
            if worked > rules.max_day * 3600:
                found.append(
                    Finding(
                        "day-max",
                        BREACH,
                        basis,
                        day.isoformat(),
                        f"{clock_hours(worked)} h {_what(basis)} on {day:%a %d %b}, above the daily maximum of "
                        f"{rules.max_day:g} h.",
                        {"date": day.isoformat(), "hours": hours(worked), "max": rules.max_day},
                        _beyond(pieces, rules.max_day * 3600),
                    )
                )
    return found


def _days(
    basis: str, spans: list[Span], engagements: dict[int, Engagement], rules: Boundaries, week: Week
) -> list[Finding]:
    found = []
    for day, pieces in sorted(by_day(spans).items()):
        dated = week.day_off(day)
        if day.weekday() in rules.days_off or dated is not None:
            what = f" ({dated.title})" if dated is not None and dated.title else ""
            found.append(
                Finding(
                    "day-off",
                    WARN,
                    basis,
                    day.isoformat(),
                    f"{clock_hours(seconds_of(pieces))} h {_what(basis)} on {day:%A %d %b}, a day off{what}.",
                    {"date": day.isoformat(), "hours": hours(seconds_of(pieces))},
                    _blocks_of(pieces),
                )
            )
        if rules.latest is not None:
            limit = wall_moment(day, rules.latest)
            late = [piece for piece in pieces if piece.end > limit]
            if late:
                finish = max(piece.end for piece in late)
                finish_text = (
                    "midnight" if finish >= day_start(day + timedelta(days=1)) else f"{to_local(finish):%H:%M}"
                )
                found.append(
                    Finding(
                        "late-finish",
                        WARN,
                        basis,
                        day.isoformat(),
                        f"Work {_what(basis)} until {finish_text} on {day:%a %d %b}, after the latest finish of "
                        f"{format_clock(rules.latest)}.",
                        {
                            "date": day.isoformat(),
                            "finish": to_local(finish).isoformat(timespec="minutes"),
                            "latest": format_clock(rules.latest),
                        },
                        _blocks_of(late),
                    )
                )
    return found


def _rest(basis: str, spans: list[Span], week: Week, rules: Boundaries) -> list[Finding]:
    found = []
    if rules.min_rest is not None:
        # Rest runs from the real end of the last work to the next start: work over midnight is one period (it
        # does not start the next day at 00:00), and a day's rest is the pause before its first period.
        periods = merged(spans)
        first_of_day: dict[date, int] = {}
        for index, (start, _, _) in enumerate(periods):
            first_of_day.setdefault(to_local(start).date(), index)
        for offset in range(7):
            day = week.monday + timedelta(days=offset)
            index = first_of_day.get(day, 0)
            if index == 0:
                continue
            start, _, members = periods[index]
            rest = (start - periods[index - 1][1]).total_seconds()
            if rest < rules.min_rest * 3600:
                found.append(
                    Finding(
                        "short-rest",
                        BREACH,
                        basis,
                        day.isoformat(),
                        f"Only {clock_hours(rest)} h of rest before {day:%a %d %b} ({_what(basis)}), less than the "
                        f"minimum of {rules.min_rest:g} h.",
                        {"date": day.isoformat(), "rest_hours": hours(rest), "min": rules.min_rest},
                        _blocks_of(members),
                    )
                )
    if rules.max_stretch is not None:
        lo, _ = week.span
        for start, end, members in merged(spans, BREAK):
            length = (end - start).total_seconds()
            if end > lo and length > rules.max_stretch * 3600:
                day = to_local(start).date()
                found.append(
                    Finding(
                        "no-break",
                        WARN,
                        basis,
                        max(day, week.monday).isoformat(),
                        f"{clock_hours(length)} h of work {_what(basis)} from {to_local(start):%a %H:%M} without a "
                        f"15-minute break, longer than {rules.max_stretch:g} h.",
                        {
                            "date": max(day, week.monday).isoformat(),
                            "hours": hours(length),
                            "max": rules.max_stretch,
                            "start": to_local(start).isoformat(timespec="minutes"),
                        },
                        _blocks_of(members),
                    )
                )
    return found


def _contracts(plan: list[Span], actual: list[Span], engagements: dict[int, Engagement], week: Week) -> list[Finding]:
    found = []
    for job in engagements.values():
        if not job.inbound or job.archived or not job.hours:
            continue
        # A job owes nothing before its start; one added this week (without a start given) owes only the part of
        # the week from that day. Earlier weeks keep their full contract: imported history predates the adding.
        since = job.start
        if since is None and job.added is not None and week.monday <= job.added <= week.days[-1]:
            began = day_start(job.added)  # unless its logs show it began earlier (an import)
            if not any(span.engagement_id == job.id and span.start < began for span in [*actual, *plan]):
                since = job.added
        share = _elapsed_fraction(job, week, since, until=week.span[1])
        owed = job.hours * share
        part = "" if share >= 1 else f" (of the contracted {job.hours:g} h, from its start on {since:%a %d %b})"
        planned = seconds_of(span for span in plan if span.engagement_id == job.id)
        if share > 0 and planned + 60 < owed * 3600:
            found.append(
                Finding(
                    "contract-shortfall",
                    WARN,
                    PLAN,
                    job.name,
                    f"{job.name}: {clock_hours(planned)} h planned this week, below the "
                    + (f"{clock_hours(owed * 3600)} h due{part}." if part else f"contracted {job.hours:g} h."),
                    {"hours": hours(planned), "contracted": job.hours, "due": round(owed, 2)},
                )
            )
        fraction = _elapsed_fraction(job, week, since)
        if fraction <= 0:
            continue
        expected = job.hours * fraction
        logged = seconds_of(span for span in actual if span.engagement_id == job.id)
        if hours(logged) + SHORTFALL_GRACE <= expected:
            found.append(
                Finding(
                    "contract-shortfall",
                    WARN,
                    ACTUAL,
                    job.name,
                    f"{job.name}: {clock_hours(logged)} h logged so far, behind the {clock_hours(expected * 3600)} h "
                    f"due by now of the contracted {job.hours:g} h.",
                    {"hours": hours(logged), "expected": round(expected, 2), "contracted": job.hours},
                )
            )
    return found


def _elapsed_fraction(job: Engagement, week: Week, since: date | None = None, until: datetime | None = None) -> float:
    """How much of the job's week is behind us (up to `until`, default now): its working window's time (weekdays
    when it has none), counting only days from `since` (the job's start) on."""
    lo, _ = week.span
    moment = week.now if until is None else until
    if moment <= lo:
        return 0.0
    window = job.work_window
    total = elapsed = 0.0
    for day in week.days:
        spans = window.intervals_on(day) if window else ([(0, 24 * 60)] if day.weekday() < 5 else [])
        for start_minute, end_minute in spans:
            start, end = wall_moment(day, start_minute), wall_moment(day, end_minute)
            total += (end - start).total_seconds()
            if since is None or day >= since:
                elapsed += max(0.0, (min(end, moment) - start).total_seconds())
    return elapsed / total if total else (1.0 if since is None or since <= week.monday else 0.0)


def _four_weeks(
    actual_all: list[Span], engagements: dict[int, Engagement], week: Week, rules: Boundaries
) -> list[Finding]:
    found = []
    lo = day_start(week.monday - timedelta(days=21))
    start, hi = week.span
    if week.now < start:
        return []  # a future week is judged on its plan; the 4 weeks behind it are not yet all logged
    spans = clip(actual_all, lo, min(hi, max(lo, week.now)))
    inbound, outbound = _side_seconds(spans, engagements)
    first = week_label(week.monday - timedelta(days=21))
    label = f"{first}..{week_label(week.monday)}"
    band = _band(rules)
    if band is not None and inbound + outbound > 0:
        share = 100 * outbound / (inbound + outbound)
        if not band[0] <= share <= band[1]:
            found.append(
                Finding(
                    "share-drift",
                    WARN,
                    ACTUAL,
                    "4 weeks",
                    f"Over the 4 weeks {label} outbound work was {share:.0f}% of {clock_hours(inbound + outbound)} h "
                    f"logged, outside the {_fmt(band[0])}–{_fmt(band[1])}% band.",
                    {
                        "share": round(share / 100, 4),
                        "band_low": band[0] / 100,
                        "band_high": band[1] / 100,
                        "weeks": label,
                    },
                )
            )
    per_client: dict[int, float] = defaultdict(float)
    for span in spans:
        engagement = engagements.get(span.engagement_id)
        if engagement is not None and not engagement.inbound:
            per_client[span.engagement_id] += (span.end - span.start).total_seconds()
    clients = [engagement for engagement in engagements.values() if not engagement.inbound and not engagement.archived]
    # One client holding all of a little outbound work says nothing: judged only with two clients or more and at
    # least the minimum of outbound hours in the 4 weeks.
    judged = rules.concentration_basis == "hours" and len(clients) >= 2 and outbound >= rules.concentration_min * 3600
    if judged and per_client:
        top_id, top = max(per_client.items(), key=lambda item: item[1])
        share = 100 * top / outbound
        if share > rules.concentration:
            name = engagements[top_id].name
            found.append(
                _concentrated(
                    name,
                    share,
                    rules,
                    f"holds {share:.0f}% of the outbound hours of the 4 weeks {label} ({clock_hours(top)} of "
                    f"{clock_hours(outbound)} h logged for {len(clients)} clients)",
                    {"hours": hours(top), "outbound_hours": hours(outbound), "weeks": label},
                )
            )
    return found


def _concentrated(name: str, share: float, rules: Boundaries, what: str, numbers: dict[str, object]) -> Finding:
    """A `concentration` warning: `name` `what` (its share of the hours or of the income), above the limit."""
    return Finding(
        "concentration",
        WARN,
        ACTUAL,
        name,
        f"{name} {what}, above the {_fmt(rules.concentration)}% limit.",
        {"share": round(share / 100, 4), "limit": rules.concentration / 100, **numbers},
    )


def _delegated(facts: Facts) -> list[Finding]:
    """task-overdue, task-due-soon, task-stale and task-over-estimate, each task as it stood when the week is judged
    (this week: now; a past week: its end). A week not yet begun has nothing delegated to judge."""
    if facts.future or not facts.tasks:
        return []
    from planner.delegation import DUE_SOON_DAYS, stale_after

    moment = facts.moment
    lo, _ = facts.week.span
    seen = to_local(moment - timedelta(microseconds=1)).date()  # the last day lived by the judged moment
    names = {engagement_id: e.name for engagement_id, e in facts.week.engagements.items()}
    stale_default = facts.boundaries.task_stale
    found = []
    for original in facts.tasks:
        task = original.as_of(moment)
        if task is None:
            continue
        person = facts.people.get(task.person_id)
        who = person.name if person is not None else "?"
        target = "your own business" if task.for_id is None else names.get(task.for_id, "?")
        label = f"task {task.id} '{task.title}' ({who}, for {target})"
        numbers: dict[str, object] = {"task": task.id, "person": who, "for": target, "status": task.status}
        if task.due is not None:
            numbers["due"] = task.due.isoformat()
        subject = f"task {task.id}"
        if task.open and task.due is not None:
            if day_start(task.due + timedelta(days=1)) <= moment:
                late = (seen - task.due).days
                found.append(Finding("task-overdue", BREACH, ACTUAL, subject,
                                     f"{label} was due {task.due:%a %d %b} and is still {task.status}, "
                                     f"{late} day{'' if late == 1 else 's'} late.",
                                     {**numbers, "days_late": late}))  # fmt: skip
            elif (task.due - seen).days <= DUE_SOON_DAYS:
                left = (task.due - seen).days
                when = "today" if left == 0 else "tomorrow" if left == 1 else f"in {left} days"
                found.append(Finding("task-due-soon", WARN, ACTUAL, subject,
                                     f"{label} is due {when} ({task.due:%a %d %b}) and is {task.status}.",
                                     {**numbers, "days_left": left}))  # fmt: skip
        last = task.last_update
        own = person.stale_days if person is not None else None
        if task.open and task.status != DRAFT and last is not None and (own or stale_default) is not None:
            wait = stale_after(person, int(stale_default or 0))
            if moment - last >= wait:
                days = (moment - last).days
                found.append(Finding("task-stale", WARN, ACTUAL, subject,
                                     f"{label} has had no status update for {days} days (since "
                                     f"{to_local(last):%a %d %b %H:%M}); ask {who} where it stands.",
                                     {**numbers, "days_since_update": days, "stale_days": wait.days,
                                      "last_update": to_local(last).isoformat(timespec="minutes")}))  # fmt: skip
        done = task.done_at
        judged = task.open or (task.status == DONE and done is not None and done >= lo)
        if judged and task.estimate and task.reported_seconds > task.estimate:
            found.append(Finding("task-over-estimate", WARN, ACTUAL, subject,
                                 f"{label}: {clock_hours(task.reported_seconds)} h reported against the "
                                 f"{clock_hours(task.estimate)} h estimated.",
                                 {**numbers, "reported_hours": hours(task.reported_seconds),
                                  "estimate_hours": hours(task.estimate)}))  # fmt: skip
    return found


def _income_rules(facts: Facts) -> list[Finding]:
    """rate-below-floor (a client's effective rate under --min-rate) and concentration measured by income."""
    from planner.money import format_amount, minor_amount, to_decimal

    income, rules = facts.income, facts.boundaries
    if income is None:
        return []
    found = []
    if rules.min_rate is not None:
        floor = minor_amount(rules.min_rate, income.base)
        for item in income.rates:
            if minor_amount(item.rate, income.base) >= floor:
                continue
            hours_text = clock_hours(item.seconds)
            if item.basis == PLAN:
                message = (
                    f"{item.name}'s fixed fee of {format_amount(item.earned, income.base)} over the {hours_text} h "
                    f"{item.over} comes to {item.rate:,} {income.base}/h, below your floor of "
                    f"{rules.min_rate:,} {income.base}/h."
                )
            elif item.model == "fixed":
                message = (
                    f"{item.name}'s fixed fee of {format_amount(item.earned, income.base)} over the {hours_text} h "
                    f"{item.over} is {item.rate:,} {income.base}/h, below your floor of {rules.min_rate:,} "
                    f"{income.base}/h."
                )
            else:
                message = (
                    f"{item.name} paid {format_amount(item.earned, income.base)} for {hours_text} h logged in "
                    f"{item.over}: {item.rate:,} {income.base}/h, below your floor of {rules.min_rate:,} "
                    f"{income.base}/h."
                )
            found.append(
                Finding(
                    "rate-below-floor",
                    WARN,
                    item.basis,
                    item.name,
                    message,
                    {
                        "rate": float(item.rate),
                        "floor": float(rules.min_rate),
                        "currency": income.base,
                        "hours": hours(item.seconds),
                        "earned": float(to_decimal(item.earned, income.base)),
                        "model": item.model,
                        "over": item.over,
                    },
                )
            )
    if rules.concentration_basis == "income" and income.clients >= 2 and income.outbound and income.missing is None:
        whole = sum(income.outbound.values())
        name, top = max(income.outbound.items(), key=lambda item: (item[1], item[0]))
        share = 100 * top / whole
        first, last = income.window
        label = f"{first.isoformat()}..{last.isoformat()}"
        if share > rules.concentration:
            found.append(
                _concentrated(
                    name,
                    share,
                    rules,
                    f"brought {share:.0f}% of the outbound income of {label} ({format_amount(top, income.base)} of "
                    f"{format_amount(whole, income.base)} from {income.clients} clients)",
                    {
                        "basis_measure": "income",
                        "amount": float(to_decimal(top, income.base)),
                        "outbound_amount": float(to_decimal(whole, income.base)),
                        "currency": income.base,
                        "months": label,
                    },
                )
            )
    return found


def _budgets(facts: Facts, engagements: dict[int, Engagement]) -> list[Finding]:
    found = []
    week = facts.week
    rules = facts.boundaries
    moment = facts.moment
    seen = to_local(moment).date()
    running = week.running
    used_basis = PLAN if facts.future else ACTUAL
    for client in engagements.values():
        if client.inbound or client.archived or not (client.budget or client.deadline):
            continue
        used = facts.usage.get(client.id, 0.0) + facts.planned.get(client.id, 0.0)
        if running is not None and running.engagement_id == client.id and running.start < moment:
            used += (min(moment, week.now) - running.start).total_seconds()
        if client.budget:
            ratio = used / (client.budget * 3600)
            if ratio >= 0.8:
                severity = BREACH if ratio >= 1 else WARN
                what = "logged and planned by the week's end" if facts.future else "logged"
                found.append(
                    Finding(
                        "budget",
                        severity,
                        used_basis,
                        client.name,
                        f"{client.name}: {clock_hours(used)} h of the {client.budget:g} h budget {what} "
                        f"({ratio * 100:.0f}%).",
                        {"hours": hours(used), "budget": client.budget, "used": round(ratio, 4)},
                    )
                )
        if client.deadline is None:
            continue
        remaining = max(0.0, client.budget * 3600 - used) if client.budget else 0.0
        if day_start(client.deadline + timedelta(days=1)) <= moment:
            found += _missed(client, client.deadline, remaining, week, used_basis)
            continue
        days_left = (client.deadline - seen).days
        if rules.deadline_near is not None and days_left <= rules.deadline_near:
            left = f"; {clock_hours(remaining)} h of the budget remain" if client.budget else ""
            if moment == week.now:
                when = "today" if days_left == 0 else "tomorrow" if days_left == 1 else f"in {days_left} days"
                message = f"{client.name}: the deadline is {when}, on {client.deadline:%a %d %b}{left}."
            else:
                message = (
                    f"{client.name}: the deadline of {client.deadline:%a %d %b} falls within {rules.deadline_near:g} "
                    f"days of the week's end{left}."
                )
            found.append(
                Finding(
                    "deadline-near",
                    WARN,
                    PLAN,
                    client.name,
                    message,
                    {"deadline": client.deadline.isoformat(), "days": days_left, "remaining_hours": hours(remaining)},
                )
            )
        if not client.budget:
            continue
        end = day_start(client.deadline + timedelta(days=1))
        ahead = [span for span in (block_span(block) for block in facts.ahead) if span.engagement_id == client.id]
        planned = seconds_of(clip(ahead, moment, end))
        if remaining > planned + 60:
            found.append(
                Finding(
                    "deadline-risk",
                    WARN,
                    PLAN,
                    client.name,
                    f"{client.name}: {clock_hours(remaining)} h of the budget remain but only "
                    f"{clock_hours(planned)} h are planned before the deadline on {client.deadline:%a %d %b}.",
                    {
                        "remaining_hours": hours(remaining),
                        "planned_hours": hours(planned),
                        "deadline": client.deadline.isoformat(),
                    },
                )
            )
    return found


def _missed(client: Engagement, deadline: date, remaining: float, week: Week, basis: str) -> list[Finding]:
    """A deadline that has passed with budgeted hours left, or with work for the client planned after it."""
    after = [block for block in week.blocks if block.engagement_id == client.id and block.day > deadline]
    if remaining <= 60 and not after:
        return []
    reasons = []
    if remaining > 60:
        reasons.append(f"{clock_hours(remaining)} h of the budget {'are' if basis == PLAN else 'were'} left")
    if after:
        reasons.append(f"work is planned after it on {min(block.day for block in after):%a %d %b}")
    return [
        Finding(
            "deadline-missed",
            BREACH,
            basis,
            client.name,
            f"{client.name}: the deadline of {deadline:%a %d %b} has passed and {' and '.join(reasons)}.",
            {"deadline": deadline.isoformat(), "remaining_hours": hours(remaining), "planned_after": len(after)},
            tuple(sorted({block.key for block in after})),
        )
    ]


def _gaps(plan: list[Span], actual: list[Span], engagements: dict[int, Engagement], week: Week) -> list[Finding]:
    found = []
    today = to_local(week.now).date()
    planned_days, logged_days = by_day(plan), by_day(actual)
    for day in week.days:
        if day >= today:
            break
        totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for span in planned_days.get(day, []):
            totals[span.engagement_id][0] += (span.end - span.start).total_seconds()
        for span in logged_days.get(day, []):
            totals[span.engagement_id][1] += (span.end - span.start).total_seconds()
        for engagement_id, (planned, logged) in sorted(totals.items()):
            engagement = engagements.get(engagement_id)
            if engagement is None or abs(logged - planned) <= GAP_HOURS * 3600:
                continue
            found.append(
                Finding(
                    "plan-actual-gap",
                    WARN,
                    ACTUAL,
                    engagement.name,
                    f"{engagement.name} on {day:%a %d %b}: {clock_hours(logged)} h logged against "
                    f"{clock_hours(planned)} h planned.",
                    {"date": day.isoformat(), "logged_hours": hours(logged), "planned_hours": hours(planned)},
                )
            )
    return found


def _timer(week: Week) -> list[Finding]:
    running = week.running
    lo, hi = week.span
    if running is None or not lo <= week.now < hi:
        return []
    found = forgotten(running, week.engagements.get(running.engagement_id), week.boundaries, week.now)
    if found is None:
        return []
    return [
        Finding(
            "forgotten-timer",
            WARN,
            ACTUAL,
            found.name,
            f"{found.message} {found.advice(week.now)}.",
            found.to_json(),
        )
    ]


def _double_booked(plan: list[Span], engagements: dict[int, Engagement]) -> list[Finding]:
    """Two engagements planned at the same time, one warning per day naming each pair and how long they overlap."""
    found = []
    for day, pieces in sorted(by_day(plan).items()):
        pairs: dict[tuple[int, int], tuple[float, set[int], datetime]] = {}
        ordered = sorted(pieces, key=lambda item: item.start)
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                if second.start >= first.end:
                    break
                if second.block_id is not None and second.block_id == first.block_id:
                    continue  # one block cut at midnight
                both = (min(first.end, second.end) - second.start).total_seconds()
                low, high = sorted((first.engagement_id, second.engagement_id))
                seconds, blocks, since = pairs.get((low, high), (0.0, set(), second.start))
                ids = {item.block_id for item in (first, second) if item.block_id is not None}
                pairs[(low, high)] = (seconds + both, blocks | ids, min(since, second.start))
        if not pairs:
            continue

        def names(pair: tuple[int, int]) -> str:
            low, high = (engagements[item].name if item in engagements else "?" for item in pair)
            return f"{low} twice" if pair[0] == pair[1] else f"{low} and {high}"

        parts = [
            f"{names(pair)} from {to_local(since):%H:%M} ({round(seconds / 60)} min)"
            for pair, (seconds, _, since) in sorted(pairs.items(), key=lambda item: item[1][2])
        ]
        minutes = round(sum(seconds for seconds, _, _ in pairs.values()) / 60)
        found.append(
            Finding(
                "double-booked",
                WARN,
                PLAN,
                day.isoformat(),
                f"Two engagements are planned at once on {day:%a %d %b}: {'; '.join(parts)}.",
                {"date": day.isoformat(), "minutes": minutes, "pairs": [names(pair) for pair in sorted(pairs)]},
                tuple(sorted(set().union(*(blocks for _, blocks, _ in pairs.values())))),
            )
        )
    return found


# ---------------------------------------------------------------- overtime account


@dataclass(frozen=True)
class OvertimeWeek:
    monday: date
    logged: float  # hours
    contracted: float  # hours due that week under the terms in force (pro rata for the current week)
    balance: float  # running balance in hours, carried over from the weeks before

    @property
    def difference(self) -> float:
        return self.logged - self.contracted


def overtime(job: Engagement, logs: list[LogEntry], first: date, now: datetime) -> list[OvertimeWeek]:
    """Week by week from the week of `first` to this week: hours logged for `job` minus hours contracted (the terms
    in force each week; the first week from `first` on, this week only as far as it has gone), with the running
    balance."""
    monday = first - timedelta(days=first.weekday())
    spans = log_spans([entry for entry in logs if entry.engagement_id == job.id], now)
    weeks: list[OvertimeWeek] = []
    balance = 0.0
    while True:
        week = Week(monday=monday, now=now, engagements={job.id: job}, blocks=[], logs=[], running=None)
        lo, hi = week.span
        if now <= lo:
            break
        fraction = _elapsed_fraction(job.terms_on(monday), week, first)  # the first week from `first` on
        logged = seconds_of(clip(spans, max(lo, day_start(first)), min(hi, now))) / 3600
        contracted = (job.terms_on(monday).hours or 0.0) * fraction
        balance += logged - contracted
        weeks.append(OvertimeWeek(monday, round(logged, 2), round(contracted, 2), round(balance, 2)))
        monday += timedelta(days=7)
    return weeks
