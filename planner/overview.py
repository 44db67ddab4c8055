"""The figures behind the board's reports screen, read from the store in one pass: the shown week's hours per day,
the outbound share of the last 12 weeks against the target band, and per engagement the hours, billed hours and
amounts of the week, of each month it touches (both, for a week across a month's end) and of each year it touches;
and the income of the week's month, earned and forecast.
A running timer counts up to now everywhere on the screen, and the engagement it runs for is named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.income import MonthIncome, month_income
from planner.money import Figures, by_engagement, price
from planner.schedule import next_month, span_of_days, to_local, week_label
from planner.store import Store
from planner.timesheet import group_hours

TREND_WEEKS = 12


@dataclass(frozen=True)
class Period:
    """A column of the per-engagement table: the week (`W49`), a month it touches (`Nov 2026`), a year (`2026`)."""

    kind: str  # week, month or year
    label: str
    first: date
    last: date


def report_periods(monday: date) -> list[Period]:
    """The week, then every month and every year its days fall in: a week across a month's end shows both months,
    so no column claims more than its days hold (W49 of 2026, 30 Nov–06 Dec: Nov 2026 and Dec 2026)."""
    sunday = monday + timedelta(days=6)
    periods = [Period("week", week_label(monday)[5:], monday, sunday)]
    for day in sorted({monday.replace(day=1), sunday.replace(day=1)}):
        periods.append(Period("month", f"{day:%b %Y}", day, next_month(day) - timedelta(days=1)))
    for year in sorted({monday.year, sunday.year}):
        periods.append(Period("year", str(year), date(year, 1, 1), date(year, 12, 31)))
    return periods


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
    periods: list[Period]
    money: dict[str, dict[str, Figures]]  # engagement name → period label → worked and billed time, amounts
    kinds: dict[str, str]  # engagement name → inbound/outbound, in report order
    running: str | None = None  # the engagement whose timer runs: its figures count up to now
    income: MonthIncome | None = None  # the month of the week (today's, when the week holds it): earned, forecast


def build_overview(store: Store, monday: date, now: datetime) -> Overview:
    periods = report_periods(monday)
    trend_first = monday - timedelta(weeks=TREND_WEEKS - 1)
    first = min(trend_first, *(period.first for period in periods))
    last = max(period.last for period in periods)
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
    for period in periods:  # by planner.money, a running timer counted up to now as the day bars count it
        lines = price(engagements, logs, period.first, period.last, now=now).lines
        for engagement_id, figures in by_engagement(lines).items():
            money.setdefault(names[engagement_id], {})[period.label] = figures
    for engagement in sorted(engagements, key=lambda item: (item.kind != "inbound", item.name.casefold())):
        if engagement.name in money:
            kinds[engagement.name] = engagement.kind
    running = next((entry for entry in logs if entry.end is None), None)
    running_name = names.get(running.engagement_id) if running is not None else None
    today = to_local(now).date()
    income = month_income(store, today if monday <= today <= monday + timedelta(days=6) else monday, now)
    return Overview(monday, days, trend, band, periods, money, kinds, running_name, income)
