"""Reports and timesheets: hours per engagement and per side over a range of days, from the log entries; billed
time and money come from planner.money. Pure: it never reads the store itself."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from planner.errors import ValidationError
from planner.model import DEFAULT_TASK, INBOUND, OUTBOUND, Engagement, LogEntry
from planner.money import Earning, Figures, Line, group, price, pricing_text
from planner.schedule import span_of_days, split_by_day


@dataclass
class EngagementTotal:
    engagement: Engagement
    seconds: float = 0.0
    billable_seconds: float = 0.0

    def add(self, seconds: float, billable: bool) -> None:
        self.seconds += seconds
        if billable:
            self.billable_seconds += seconds


@dataclass
class Summary:
    first: date
    last: date
    totals: list[EngagementTotal] = field(default_factory=list)
    #: seconds per local day and side; an entry over midnight counts on each day for its own part
    days: dict[date, dict[str, float]] = field(default_factory=dict)

    def side_seconds(self, kind: str) -> float:
        return sum(total.seconds for total in self.totals if total.engagement.kind == kind)

    @property
    def inbound_seconds(self) -> float:
        return self.side_seconds(INBOUND)

    @property
    def outbound_seconds(self) -> float:
        return self.side_seconds(OUTBOUND)

    @property
    def outbound_share(self) -> float | None:
        """Outbound ÷ all hours, 0..1; None when nothing was worked."""
        whole = self.inbound_seconds + self.outbound_seconds
        return None if whole == 0 else self.outbound_seconds / whole


def day_parts(
    engagements: list[Engagement], logs: list[LogEntry], first: date, last: date, now: datetime
) -> Iterator[tuple[LogEntry, Engagement, date, float]]:
    """Each entry of a known engagement cut to the days first..last and split per local day: (entry, engagement,
    day, seconds). A running timer counts up to `now`."""
    lo, hi = span_of_days(first, last)
    by_id = {engagement.id: engagement for engagement in engagements}
    for entry in logs:
        engagement = by_id.get(entry.engagement_id)
        end = entry.end if entry.end is not None else max(now, entry.start)
        start, end = max(entry.start, lo), min(end, hi)
        if engagement is None or end <= start:
            continue
        for day, part in split_by_day(start, end):
            yield entry, engagement, day, part


def summarize(engagements: list[Engagement], logs: list[LogEntry], first: date, last: date, now: datetime) -> Summary:
    """Hours per engagement for the days first..last: each entry counts only its part inside the range, and a
    running timer counts up to `now`. Engagements with no time in the range are left out."""
    by_id = {engagement.id: EngagementTotal(engagement) for engagement in engagements}
    days: dict[date, dict[str, float]] = {}
    for entry, engagement, day, part in day_parts(engagements, logs, first, last, now):
        total = by_id[engagement.id]
        total.add(part, entry.billable)
        side = days.setdefault(day, {INBOUND: 0.0, OUTBOUND: 0.0})
        side[engagement.kind] += part
    totals = [total for total in by_id.values() if total.seconds > 0]
    totals.sort(key=lambda total: (total.engagement.kind != INBOUND, -total.seconds, total.engagement.name.casefold()))
    return Summary(first, last, totals, dict(sorted(days.items())))


REPORT_GROUPS = ("day", "engagement", "side", "tag")
NO_TAG = "(no tag)"


@dataclass
class Group:
    """Hours of one row of a grouped report: a day, an engagement, a side or a tag."""

    key: str
    inbound: float = 0.0  # seconds
    outbound: float = 0.0
    billable: float = 0.0

    @property
    def seconds(self) -> float:
        return self.inbound + self.outbound


def group_hours(
    engagements: list[Engagement], logs: list[LogEntry], first: date, last: date, now: datetime, by: str
) -> list[Group]:
    """Logged time of first..last grouped `by` day, engagement, side or tag, split inbound/outbound. Each entry
    counts its part inside the range (a running timer up to `now`), per local day. An entry with several tags counts
    under each of them, so tag rows may add up to more than the range's hours."""
    if by not in REPORT_GROUPS:
        raise ValidationError(f"cannot group by '{by}'; use one of {', '.join(REPORT_GROUPS)}")
    groups: dict[str, Group] = {}
    for entry, engagement, day, part in day_parts(engagements, logs, first, last, now):
        if by == "day":
            keys = [day.isoformat()]
        elif by == "engagement":
            keys = [engagement.name]
        elif by == "side":
            keys = [engagement.kind]
        else:
            keys = list(entry.tags) or [NO_TAG]
        for key in keys:
            group = groups.setdefault(key, Group(key))
            if engagement.inbound:
                group.inbound += part
            else:
                group.outbound += part
            if entry.billable:
                group.billable += part
    rows = list(groups.values())
    if by in ("day", "side"):
        rows.sort(key=lambda group: group.key)
    else:
        rows.sort(key=lambda group: (-group.seconds, group.key.casefold()))
    return rows


def bar_cells(inbound: float, outbound: float, scale: float, width: int) -> tuple[int, int]:
    """How many cells of a `width`-cell bar, whose full length is worth `scale`, go to inbound and to outbound."""
    if scale <= 0:
        return 0, 0
    cells_in = round(inbound / scale * width)
    cells_all = round((inbound + outbound) / scale * width)
    return cells_in, max(0, cells_all - cells_in)


def bar(inbound: float, outbound: float, scale: float, width: int) -> str:
    """A horizontal bar: inbound as █, outbound as ░ (told apart without colour), `scale` the value of a full bar."""
    cells_in, cells_out = bar_cells(inbound, outbound, scale, width)
    return "█" * cells_in + "░" * cells_out


# ---------------------------------------------------------------- timesheets: what a client or employer is sent


@dataclass
class Timesheet:
    first: date
    last: date
    party: str  # whose timesheet: one engagement's name, a side, or every engagement
    person: str
    email: str
    lines: list[Line]  # priced by planner.money, ordered by start
    engagements: list[Engagement]  # those the selection covers, in report order
    skipped_running: bool = False  # a running timer in the period was left out (it has no end yet)
    task: str = DEFAULT_TASK  # the task (Kimai's activity) of a service row whose entry has no tag
    #: what the period earned beyond hours x rate: fixed fees and milestones, retainer fees and overage, performance
    fees: list[Earning] = field(default_factory=list)

    def pricing(self) -> list[tuple[Engagement, str]]:
        """Each engagement of the sheet not paid by the hour, with how it is paid (as of the period's last day)."""
        found = []
        for engagement in self.engagements:
            text = pricing_text(engagement, self.last)
            if text is not None:
                found.append((engagement, text))
        return found

    def fee_totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for fee in self.fees:
            totals[fee.currency] = totals.get(fee.currency, 0) + fee.amount
        return totals

    def total(self) -> Figures:
        return Figures.of(self.lines)

    def by_day(self) -> dict[date, Figures]:
        return group(self.lines, lambda line: line.day)

    def by_engagement(self) -> dict[str, Figures]:
        return group(self.lines, lambda line: line.engagement.name)

    def by_side(self) -> dict[str, Figures]:
        return group(self.lines, lambda line: line.side)

    @property
    def shows_seconds(self) -> bool:
        """Whether a worked time holds part minutes: then printed times show seconds, so the column adds up."""
        return any(line.seconds % 60 for line in self.lines)


def select_engagements(
    engagements: list[Engagement], names: list[str] | None, side: str | None
) -> tuple[list[Engagement], str]:
    """The engagements an export covers (by name, any case; and/or one side) and the party it is for."""
    chosen = list(engagements)
    if names:
        by_key = {engagement.name.casefold(): engagement for engagement in engagements}
        chosen = []
        for name in names:
            found = by_key.get(name.strip().casefold())
            if found is None:
                raise ValidationError(f"no engagement named '{name.strip()}'; see 'planner list --all'")
            if found not in chosen:
                chosen.append(found)
    if side is not None:
        if side not in (INBOUND, OUTBOUND):
            raise ValidationError(f"side '{side}' is unknown; use inbound or outbound")
        chosen = [engagement for engagement in chosen if engagement.kind == side]
        if names and not chosen:
            raise ValidationError(f"none of {', '.join(names)} is {side}; drop --side or name another engagement")
    if names:
        party = ", ".join(engagement.name for engagement in chosen)
    elif side is not None:
        party = "all inbound jobs" if side == INBOUND else "all clients"
    else:
        party = "all jobs and clients"
    chosen.sort(key=lambda engagement: (engagement.kind != INBOUND, engagement.name.casefold()))
    return chosen, party


def build_timesheet(
    engagements: list[Engagement],
    logs: list[LogEntry],
    first: date,
    last: date,
    *,
    party: str = "all jobs and clients",
    person: str = "",
    email: str = "",
    task: str = "",
    fees: list[Earning] | None = None,
) -> Timesheet:
    """The finished entries of `engagements` in the days first..last, each clipped to the period (an entry over the
    period's edge counts its part inside), billed and priced by planner.money. A running timer is left out: it has
    no end to bill yet."""
    priced = price(engagements, logs, first, last)
    return Timesheet(
        first,
        last,
        party,
        person,
        email,
        priced.lines,
        engagements,
        priced.skipped_running,
        task or DEFAULT_TASK,
        list(fees or []),
    )
