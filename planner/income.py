"""Income read from the store: what was earned in a range under every pricing model, and what the plan and the terms
promise ahead (the forecast), with totals in the base currency. `planner income`, the board's income view and its
balance line all read it here; every figure is computed by planner.money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.model import FxRate
from planner.money import (
    Converted,
    Earning,
    EngagementIncome,
    convert,
    earnings,
    income_by_engagement,
    planned_lines,
    price,
    projected_engagements,
    projected_milestones,
    totals,
)
from planner.schedule import day_start, next_month, span_of_days, to_local
from planner.store import Store

FORECAST_MONTHS = 3  # the forecast reaches the end of the third month after this one


def month_before(day: date) -> date:
    """The first day of the month before `day`'s (a retainer's unused hours may carry over from it)."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def forecast_end(today: date) -> date:
    """The last day a forecast made on `today` reaches: the end of the third month after this one."""
    last = today.replace(day=1)
    for _ in range(FORECAST_MONTHS + 1):
        last = next_month(last)
    return last - timedelta(days=1)


@dataclass
class Forecast:
    """What the plan and the terms promise from `first` (tomorrow) to `last`, each sum on the day it would be earned."""

    first: date
    last: date
    found: list[Earning]
    total: Converted


@dataclass
class IncomeReport:
    """Income earned in first..last (nothing dated after today: `until` is the last day counted), per engagement, with
    its totals per currency and in the base currency; and the forecast when asked for."""

    first: date
    last: date
    until: date
    found: list[Earning]
    rows: list[EngagementIncome]
    earned: dict[str, int]
    predictable: dict[str, int]
    total: Converted
    rates: list[FxRate]
    forecast: Forecast | None = None

    @property
    def predictable_share(self) -> float | dict[str, float] | None:
        """The predictable part of what was earned: one fraction when there is one currency or a base total, else
        one per currency; None when nothing was earned."""
        if self.total.amount:
            return round((self.total.predictable or 0) / self.total.amount, 4)
        shares = {
            currency: round(self.predictable.get(currency, 0) / amount, 4)
            for currency, amount in sorted(self.earned.items())
            if amount
        }
        if not shares:
            return None
        return next(iter(shares.values())) if len(shares) == 1 else shares


def forecast(store: Store, moment: datetime, last: date, *, base: str, rates: list[FxRate]) -> Forecast:
    """What the plan and the terms promise from tomorrow to `last`: planned hours at the rate in force, retainer fees
    and overage, salaries, open milestones by their due day and a fixed fee by its deadline. Each sum on the day it
    would be earned, so what is forecast for a day becomes that day's earning once it is lived as planned."""
    today = to_local(moment).date()
    first = today + timedelta(days=1)
    if last < first:
        return Forecast(first, last, [], convert([], base, rates))
    engagements = store.engagements(include_archived=True)
    reach = month_before(first)
    logs = store.logs(*span_of_days(reach, today), include_running=False)
    lines = price(engagements, logs, reach, today).lines
    lines += planned_lines(engagements, store.blocks(first, last), day_start(first))
    found = earnings(
        projected_engagements(engagements, today),
        lines,
        store.income_entries(first, last),
        projected_milestones(store.milestones(), today),
        first,
        last,
    )
    return Forecast(first, last, found, convert(found, base, rates))


def income_report(
    store: Store, first: date, last: date, moment: datetime, *, forecast_to: date | None = None
) -> IncomeReport:
    """Income earned in first..last as of `moment` (what is dated after its day is not earned yet), and with
    `forecast_to` the forecast from the day after `moment` to that day."""
    today = to_local(moment).date()
    engagements = store.engagements(include_archived=True)
    until = min(last, today)
    reach = month_before(first)
    logs = store.logs(*span_of_days(reach, until), include_running=False) if until >= reach else []
    lines = price(engagements, logs, reach, until).lines if until >= reach else []
    found = (
        earnings(engagements, lines, store.income_entries(first, until), store.milestones(), first, until)
        if until >= first
        else []
    )
    rows = income_by_engagement(engagements, lines, found, first, until)
    earned, predictable = totals(rows)
    base, rates = store.base_currency(), store.fx_rates()
    ahead = None if forecast_to is None else forecast(store, moment, forecast_to, base=base, rates=rates)
    return IncomeReport(first, last, until, found, rows, earned, predictable, convert(found, base, rates), rates, ahead)
