"""The figures behind the board's reports screen, read from the store in one pass: the shown week's hours per day,
the outbound share of the last 12 weeks against the target band, and per engagement the hours, billed hours and
amounts of the week, month and year the shown week belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.money import Figures, by_engagement, price
from planner.schedule import period_of, span_of_days
from planner.store import Store
from planner.timesheet import group_hours

PERIODS = ("week", "month", "year")
TREND_WEEKS = 12


@dataclass(frozen=True)
class ShareWeek:
    monday: date
    inbound: float  # seconds
    outbound: float

    @property
    def share(self) -> float | None:
        whole = self.inbound + self.outbound
        return None if whole == 0 else self.outbound / whole


@dataclass
class Overview:
    monday: date
    days: list[tuple[date, float, float]]  # day, inbound seconds, outbound seconds (every day of the week)
    trend: list[ShareWeek]  # the 12 weeks ending with the shown one, oldest first
    band: tuple[float, float] | None  # target outbound share, percent low..high; None when no target is set
    periods: dict[str, tuple[date, date]]
    money: dict[str, dict[str, Figures]]  # engagement name → period → worked and billed time, amounts
    kinds: dict[str, str]  # engagement name → inbound/outbound, in report order


def build_overview(store: Store, monday: date, now: datetime) -> Overview:
    periods = {kind: period_of(monday, kind) for kind in PERIODS}
    trend_first = monday - timedelta(weeks=TREND_WEEKS - 1)
    first = min(trend_first, periods["year"][0], periods["month"][0])
    last = max(monday + timedelta(days=6), periods["year"][1])
    lo, hi = span_of_days(first, last)
    engagements = store.engagements()
    logs = store.logs(lo, hi)

    per_day = {
        date.fromisoformat(group.key): group
        for group in group_hours(engagements, logs, trend_first, monday + timedelta(days=6), now, "day")
    }
    week_days = [monday + timedelta(days=offset) for offset in range(7)]
    days = [(day, per_day[day].inbound if day in per_day else 0.0, per_day[day].outbound if day in per_day else 0.0)
            for day in week_days]  # fmt: skip
    trend = []
    for index in range(TREND_WEEKS):
        start = trend_first + timedelta(weeks=index)
        groups = [per_day[day] for day in (start + timedelta(days=n) for n in range(7)) if day in per_day]
        trend.append(ShareWeek(start, sum(g.inbound for g in groups), sum(g.outbound for g in groups)))

    rules = store.boundaries()
    band = None
    if rules.outbound_share is not None:
        band = (max(0.0, rules.outbound_share - rules.tolerance), min(100.0, rules.outbound_share + rules.tolerance))

    money: dict[str, dict[str, Figures]] = {}
    kinds: dict[str, str] = {}
    names = {engagement.id: engagement.name for engagement in engagements}
    for kind in PERIODS:  # the figures of a timesheet of the period: finished entries, by planner.money
        for engagement_id, figures in by_engagement(price(engagements, logs, *periods[kind]).lines).items():
            money.setdefault(names[engagement_id], {})[kind] = figures
    for engagement in sorted(engagements, key=lambda item: (item.kind != "inbound", item.name.casefold())):
        if engagement.name in money:
            kinds[engagement.name] = engagement.kind
    return Overview(monday, days, trend, band, periods, money, kinds)
