"""Income read from the store: what was earned in a range under every pricing model, and what the plan and the terms
promise ahead (the forecast), with totals in the base currency. `planner income`, the board's income view and its
balance line all read it here; every figure is computed by planner.money."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from planner.delegation import SELF
from planner.model import FIXED, OUTBOUND, Engagement, FxRate
from planner.money import (
    Converted,
    Cost,
    Earning,
    EngagementIncome,
    convert,
    earnings,
    income_by_engagement,
    minor_amount,
    planned_lines,
    price,
    projected_engagements,
    projected_milestones,
    rate_on,
    task_costs,
    to_base,
    to_decimal,
    totals,
)
from planner.schedule import day_start, month_before, months_before, next_month, now, span_of_days, to_local
from planner.store import Store

FORECAST_MONTHS = 3  # the forecast reaches the end of the third month after this one


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
class Margin:
    """One engagement's income against the cost of the work handed on for it (per currency, minor units)."""

    name: str
    earned: dict[str, int]
    cost: dict[str, int] = field(default_factory=dict)
    tasks: set[int] = field(default_factory=set)
    earned_base: Converted | None = None  # both in the base currency, each sum at the rate of its day
    cost_base: Converted | None = None

    @property
    def margin_base(self) -> int | None:
        """Earned less cost in the base currency; None when a sum has no exchange rate."""
        if self.earned_base is None or self.cost_base is None:
            return None
        if self.earned_base.amount is None or self.cost_base.amount is None:
            return None
        return self.earned_base.amount - self.cost_base.amount

    @property
    def margin(self) -> dict[str, int]:
        return {c: self.earned.get(c, 0) - self.cost.get(c, 0) for c in sorted(set(self.earned) | set(self.cost))}


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
    costs: list[Cost] = field(default_factory=list)  # delegated work owed in the range (first..until)
    names: dict[int, str] = field(default_factory=dict)  # every engagement's name, archived ones too

    def margins(self) -> list[Margin]:
        """Per engagement with delegated costs (and 'self' for the user's own business): what it earned, what the
        work handed on for it cost, and the difference, per currency."""
        earned = {row.engagement.id: row.earned for row in self.rows}
        names = self.names
        found: dict[int | None, Margin] = {}
        for cost in self.costs:
            key = cost.task.for_id
            margin = found.setdefault(
                key,
                Margin(
                    SELF if key is None else names.get(key, "?"), dict(earned.get(key, {})) if key is not None else {}
                ),
            )
            margin.cost[cost.currency] = margin.cost.get(cost.currency, 0) + cost.amount
            margin.tasks.add(cost.task.id)
        base = self.total.base
        for key, margin in found.items():
            mine = [earning for earning in self.found if key is not None and earning.engagement.id == key]
            margin.earned_base = convert(mine, base, self.rates)
            margin.cost_base = convert([cost for cost in self.costs if cost.task.for_id == key], base, self.rates)
        return sorted(found.values(), key=lambda item: (item.name == SELF, item.name.casefold()))

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
    tasks = store.tasks()
    costs = []
    if tasks and until >= first:
        people = {person.id: person for person in store.people(include_archived=True)}
        costs = task_costs(tasks, people, first, until)
    total = convert(found, base, rates)
    names = {engagement.id: engagement.name for engagement in engagements}
    return IncomeReport(first, last, until, found, rows, earned, predictable, total, rates, ahead, costs, names)


# ---------------------------------------------------------------- what the balance rules read


@dataclass(frozen=True)
class ClientRate:
    """A client's effective hourly rate in the base currency: earned ÷ hours logged in the checked month (`actual`),
    or for a fixed fee, the fee ÷ all hours logged on it so far (`actual`) or ÷ the hours it will take as planned or
    budgeted (`plan`), whichever is lower."""

    name: str
    model: str
    basis: str
    rate: Decimal  # per hour, in the base currency, to its minor unit
    seconds: int  # the hours the rate is over
    earned: int  # minor units of the base currency
    over: str  # what the hours are: "2026-11-01..2026-11-30", "logged so far", "logged and planned"


@dataclass(frozen=True)
class IncomeFacts:
    """The income behind `rate-below-floor` and `concentration` measured by income, as of the checked day."""

    base: str
    rates: list[ClientRate]
    window: tuple[date, date]  # the months concentration by income looks at
    outbound: dict[str, int]  # outbound income per client in the window, minor units of the base currency
    clients: int  # outbound clients, not archived
    missing: str | None = None  # why the window's income could not be summed in the base currency


def _per_hour(minor: int, seconds: int, currency: str) -> Decimal:
    exact = Fraction(minor * 3600, seconds)
    return to_decimal((2 * exact.numerator + exact.denominator) // (2 * exact.denominator), currency)


def income_facts(store: Store, day: date, moment: datetime, *, rates_wanted: bool, window_months: int) -> IncomeFacts:
    """Read the effective rates of the month of `day` (up to it) and the outbound income of the `window_months`
    months ending on it, as of `moment` (the moment the checked week is judged as of)."""
    base, fx = store.base_currency(), store.fx_rates()
    clients = [e for e in store.engagements() if e.kind == OUTBOUND]
    found: list[ClientRate] = []
    if rates_wanted:
        month = income_report(store, day.replace(day=1), day, moment)
        for row in month.rows:
            terms = row.engagement.terms_on(day)
            if terms.inbound or terms.model == FIXED or row.seconds < 3600 or not row.earned:
                continue
            mine = convert([e for e in month.found if e.engagement.id == row.engagement.id], base, fx)
            if mine.amount is None:
                continue  # no rate into the base currency: not judged
            found.append(
                ClientRate(
                    row.engagement.name,
                    terms.model,
                    "actual",
                    _per_hour(mine.amount, row.seconds, base),
                    row.seconds,
                    mine.amount,
                    f"{month.first.isoformat()}..{day.isoformat()}",
                )
            )
        found += _fixed_rates(store, clients, day, moment, base, fx)
    first = months_before(day, window_months) + timedelta(days=1)
    window = income_report(store, first, day, moment)
    outbound: dict[str, int] = {}
    missing = None
    for client in clients:
        mine = convert([e for e in window.found if e.engagement.id == client.id], base, fx)
        if mine.amount is None:
            missing = mine.reason
            continue
        if mine.amount:
            outbound[client.name] = mine.amount
    active = len([client for client in clients if not client.archived])
    return IncomeFacts(base, found, (first, day), outbound, active, missing)


def _fixed_rates(
    store: Store, clients: list[Engagement], day: date, moment: datetime, base: str, fx: list[FxRate]
) -> list[ClientRate]:
    """Each open fixed-fee client's fee per hour: over the hours logged so far, and over what it will take (logged,
    plus planned up to its deadline, or its budget when that is more), so a project running over shows early."""
    fixed = [
        c
        for c in clients
        if not c.archived
        and c.terms_on(day).model == FIXED
        and c.terms_on(day).fee is not None
        and (c.done is None or c.done >= day.replace(day=1))
    ]
    if not fixed:
        return []
    usage = store.usage_at(moment, now())  # a past week: what was logged after it does not count
    seen = to_local(moment).date()
    ends = {c.id: c.deadline if c.deadline and c.deadline > seen else seen + timedelta(days=366) for c in fixed}
    planned = store.blocks(seen, max(ends.values()))  # read once for every client
    found = []
    for client in fixed:
        terms = client.terms_on(day)
        if terms.fee is None:
            continue
        currency = terms.currency or base
        fee = minor_amount(terms.fee, currency)
        if currency != base:
            rate = rate_on(fx, currency, base, day)
            if rate is None:
                continue
            fee = to_base(fee, currency, base, rate.rate)
        logged = int(usage.get(client.id, 0.0))
        if logged >= 3600:
            found.append(ClientRate(client.name, FIXED, "actual", _per_hour(fee, logged, base), logged, fee,
                                    "logged so far"))  # fmt: skip
        mine = [b for b in planned if b.engagement_id == client.id and b.day <= ends[client.id]]
        ahead = sum(line.seconds for line in planned_lines([client], mine, moment))
        expected = max(logged + ahead, round((client.budget or 0) * 3600))
        if expected > logged and expected >= 3600:
            found.append(ClientRate(client.name, FIXED, "plan", _per_hour(fee, expected, base), expected, fee,
                                    "logged, planned and budgeted"))  # fmt: skip
    return found


# ---------------------------------------------------------------- the board's month: earned beside forecast


@dataclass(frozen=True)
class IncomeRow:
    """One engagement's month on the board: earned so far and still forecast, in the base currency (None when a
    rate is missing), and its effective hourly rate."""

    name: str
    side: str
    model: str
    seconds: int
    earned: int | None
    forecast: int | None
    rate: Decimal | None  # earned per hour logged, in the base currency
    amounts: dict[str, int]  # earned, per currency as earned


@dataclass(frozen=True)
class MonthIncome:
    """A month's income as the board shows it: each engagement's earned and forecast sums, the totals, the
    predictable share of what was earned."""

    first: date
    last: date
    base: str
    rows: list[IncomeRow]
    earned: Converted
    forecast: Converted
    predictable_share: float | dict[str, float] | None

    @property
    def expected(self) -> int | None:
        """Earned plus forecast, in the base currency; None when a rate is missing."""
        if self.earned.amount is None or self.forecast.amount is None:
            return None
        return self.earned.amount + self.forecast.amount

    @property
    def missing(self) -> str | None:
        return self.earned.reason or self.forecast.reason

    @property
    def empty(self) -> bool:
        return not self.earned.amount and not self.forecast.amount and self.missing is None


def month_income(store: Store, day: date, moment: datetime) -> MonthIncome:
    """The income of `day`'s month: earned up to today, and forecast from tomorrow to the month's end."""
    first = day.replace(day=1)
    last = next_month(first) - timedelta(days=1)
    report = income_report(store, first, last, moment, forecast_to=last)
    assert report.forecast is not None
    ahead = [earning for earning in report.forecast.found if earning.day >= first]
    base, fx = report.total.base, report.rates
    rows = []
    for item in report.rows:
        mine = convert([e for e in report.found if e.engagement.id == item.engagement.id], base, fx)
        coming = convert([e for e in ahead if e.engagement.id == item.engagement.id], base, fx)
        if not item.earned and not coming.amount and not item.seconds:
            continue
        rate = _per_hour(mine.amount, item.seconds, base) if mine.amount is not None and item.seconds else None
        engagement = item.engagement
        row = IncomeRow(
            engagement.name, engagement.kind, item.model, item.seconds, mine.amount, coming.amount, rate, item.earned
        )
        rows.append(row)
    return MonthIncome(first, last, base, rows, report.total, convert(ahead, base, fx), report.predictable_share)
