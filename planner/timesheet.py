"""Reports: hours per engagement and per side over a range of days, from the log entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from planner.model import INBOUND, OUTBOUND, Engagement, LogEntry
from planner.schedule import span_of_days, split_by_day

CENT = Decimal("0.01")


@dataclass
class EngagementTotal:
    engagement: Engagement
    seconds: float = 0.0
    billable_seconds: float = 0.0
    priced: Decimal | None = None  # billable time × the rate in force on each entry's day, unrounded

    @property
    def amount(self) -> Decimal | None:
        """Raw billable time at the rate in force on each entry's day; None when it never had a rate."""
        return None if self.priced is None else self.priced.quantize(CENT)

    def add(self, day: date, seconds: float, billable: bool) -> None:
        self.seconds += seconds
        if not billable:
            return
        self.billable_seconds += seconds
        rate = self.engagement.terms_on(day).rate
        if rate is not None:
            self.priced = (self.priced or Decimal(0)) + Decimal(round(seconds)) / Decimal(3600) * rate


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


def summarize(engagements: list[Engagement], logs: list[LogEntry], first: date, last: date, now: datetime) -> Summary:
    """Hours per engagement for the days first..last: each entry counts only its part inside the range, and a
    running timer counts up to `now`. Engagements with no time in the range are left out."""
    lo, hi = span_of_days(first, last)
    by_id = {engagement.id: EngagementTotal(engagement) for engagement in engagements}
    days: dict[date, dict[str, float]] = {}
    for entry in logs:
        total = by_id.get(entry.engagement_id)
        end = entry.end if entry.end is not None else max(now, entry.start)
        start, end = max(entry.start, lo), min(end, hi)
        if total is None or end <= start:
            continue
        for day, part in split_by_day(start, end):
            total.add(day, part, entry.billable)
            side = days.setdefault(day, {INBOUND: 0.0, OUTBOUND: 0.0})
            side[total.engagement.kind] += part
    totals = [total for total in by_id.values() if total.seconds > 0]
    totals.sort(key=lambda total: (total.engagement.kind != INBOUND, -total.seconds, total.engagement.name.casefold()))
    return Summary(first, last, totals, dict(sorted(days.items())))
