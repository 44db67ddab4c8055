"""Every figure of billed time and money in planner comes from here: `report`, the board's reports screen, every
export, the frozen totals of a locked week.

The rules, in one place:

- Durations are integer seconds. An entry counts its part inside the period asked for.
- A billable entry's billed time is its exact duration rounded by the rounding rule of its engagement in force on its
  (local) day, to whole minutes of the increment: `up`, `nearest` (halves up) or `down`.
- Non-billable time is worked time only: it is never billed and has no amount.
- An entry's amount is `rate x billed minutes / 60`, with the rate in force on its day, rounded half-up once, to the
  currency's minor unit (2 decimals for EUR, 0 for JPY, 3 for KWD). Amounts are integers of minor units.
- Every total is the sum of its lines, so a printed timesheet adds up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from planner.errors import ValidationError
from planner.hours import clock_hours
from planner.model import FIXED, HOURLY, RETAINER, Engagement, FxRate, LogEntry
from planner.schedule import month_before, next_month, span_of_days, to_local

#: ISO 4217 currencies whose minor unit is not the hundredth; every other code has 2 decimals. (A table of 26 codes
#: instead of a locale library: babel would add tens of megabytes for this one number.)
_NO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_MINOR_DIGITS = {
    **dict.fromkeys(_NO_DECIMALS.split(), 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}
DEFAULT_CURRENCY = "EUR"
HUNDREDTH = Decimal("0.01")


def minor_digits(currency: str) -> int:
    """Decimals of the currency's minor unit."""
    return _MINOR_DIGITS.get(currency.upper(), 2)


def billed_seconds(seconds: int, increment_minutes: int, mode: str) -> int:
    """An entry's time rounded to its engagement's billing increment: `up`, `nearest` (halves go up) or `down`.
    The result is whole minutes (a multiple of the increment)."""
    step = increment_minutes * 60
    whole, rest = divmod(seconds, step)
    if rest == 0 or mode == "down":
        return whole * step
    if mode == "up" or (mode == "nearest" and rest * 2 >= step):
        return (whole + 1) * step
    return whole * step


def amount_minor(rate: Decimal, billed: int, currency: str) -> int:
    """`rate` an hour for `billed` seconds, in minor units of `currency`, rounded half-up once."""
    exact = Fraction(rate) * billed * 10 ** minor_digits(currency) / 3600
    return (2 * exact.numerator + exact.denominator) // (2 * exact.denominator)


def to_decimal(minor: int, currency: str) -> Decimal:
    """Minor units as a decimal amount with the currency's decimals (1234 EUR -> 12.34)."""
    digits = minor_digits(currency)
    return Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def format_amount(minor: int, currency: str) -> str:
    """'1,234.50 EUR', '1,235 JPY', '1.250 KWD'."""
    return f"{to_decimal(minor, currency):,} {currency}"


def whole_amount(minor: int, currency: str) -> str:
    """Minor units as whole units for a glance, half up, without the currency ('2,000' for 199950 EUR)."""
    return f"{to_decimal(minor, currency).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def format_amounts(amounts: dict[str, int]) -> str:
    """Amounts in several currencies, '120.00 EUR + 80.00 USD'; '' when there are none."""
    return " + ".join(format_amount(minor, currency) for currency, minor in sorted(amounts.items()))


def check_cents(amount: Decimal | None, currency: str | None, what: str) -> None:
    """Refuse a sum of money (a fee, a salary, an income entry) finer than its currency's smallest unit: 1.005 EUR
    would be counted as 1.01 while it reads 1.005."""
    if amount is None:
        return
    currency = currency or DEFAULT_CURRENCY
    digits = minor_digits(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):
        unit = "whole units" if digits == 0 else f"{digits} decimals"
        raise ValidationError(f"{what} {amount} is finer than {currency} counts; give it in {unit}")


def decimal_hours(seconds: int) -> Decimal:
    """Seconds as decimal hours to the hundredth, half up: what Toggl, Clockify and Harvest read."""
    return (Decimal(seconds) / Decimal(3600)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- lines: entries priced


@dataclass(frozen=True)
class Line:
    """One log entry's part inside a period, with its billed time and amount by the terms of its day."""

    entry_id: int
    engagement: Engagement
    start: datetime  # local, clipped to the period
    end: datetime
    note: str
    tags: tuple[str, ...]
    billable: bool
    seconds: int  # worked, exact
    billed_seconds: int  # 0 for non-billable time
    rate: Decimal | None  # in force on the entry's day; None without a rate
    currency: str | None  # None without a rate
    amount: int | None  # minor units; None for non-billable time or without a rate
    round_minutes: int = 1
    round_mode: str = "up"
    running: bool = False  # a running timer, counted up to now

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def side(self) -> str:
        return self.engagement.kind

    @property
    def billable_seconds(self) -> int:
        return self.seconds if self.billable else 0

    @property
    def non_billable_seconds(self) -> int:
        return 0 if self.billable else self.seconds


@dataclass
class Figures:
    """Sums of lines: worked, billable and non-billable seconds, billed seconds, amounts per currency (minor units)."""

    seconds: int = 0
    billable_seconds: int = 0
    non_billable_seconds: int = 0
    billed_seconds: int = 0
    amounts: dict[str, int] = field(default_factory=dict)
    entries: int = 0

    def add(self, line: Line) -> None:
        self.seconds += line.seconds
        self.billable_seconds += line.billable_seconds
        self.non_billable_seconds += line.non_billable_seconds
        self.billed_seconds += line.billed_seconds
        self.entries += 1
        if line.amount is not None and line.currency is not None:
            self.amounts[line.currency] = self.amounts.get(line.currency, 0) + line.amount

    @classmethod
    def of(cls, lines: Iterable[Line]) -> Figures:
        figures = cls()
        for line in lines:
            figures.add(line)
        return figures

    def amounts_decimal(self) -> dict[str, Decimal]:
        return {currency: to_decimal(minor, currency) for currency, minor in sorted(self.amounts.items())}

    def to_json(self) -> dict[str, Any]:
        """Exact seconds and minor units beside rounded hours and decimal amounts."""
        return {
            "seconds": self.seconds,
            "billable_seconds": self.billable_seconds,
            "non_billable_seconds": self.non_billable_seconds,
            "billed_seconds": self.billed_seconds,
            "raw_hours": float(decimal_hours(self.seconds)),
            "billable_hours": float(decimal_hours(self.billable_seconds)),
            "non_billable_hours": float(decimal_hours(self.non_billable_seconds)),
            "billed_hours": float(decimal_hours(self.billed_seconds)),
            "amounts": {currency: float(value) for currency, value in self.amounts_decimal().items()},
            "amounts_minor": dict(sorted(self.amounts.items())),
        }


def paid_by_the_hour(engagement: Engagement, day: date) -> bool:
    """Whether the engagement's time on `day` is paid by the hour: a client priced `hourly`, a job without a salary
    (its rate is a wage). A fixed fee, a retainer or a salary is not: its time is logged and billed (rounded) but has
    no amount of its own, and its income comes from its terms (see `earnings`)."""
    terms = engagement.terms_on(day)
    return terms.salary is None if terms.inbound else terms.model == HOURLY


def pricing_text(engagement: Engagement, day: date) -> str | None:
    """How a client or job not paid by the hour is paid on `day`, in words for a timesheet; None when it is."""
    return pricing_words(engagement.terms_on(day))


def pricing_words(terms: Engagement) -> str | None:
    """`pricing_text` of an engagement's terms in force (a copy from `Engagement.terms_on`)."""
    currency = terms.currency or DEFAULT_CURRENCY

    def money(amount: Decimal) -> str:
        return format_amount(minor_amount(amount, currency), currency)

    if terms.inbound:
        if terms.salary is None:
            return None
        return f"a salary of {money(terms.salary)} a {terms.per or 'month'}"
    if terms.model == FIXED:
        return "a fixed fee" + (f" of {money(terms.fee)}" if terms.fee is not None else "")
    if terms.model == RETAINER and terms.fee is not None:
        text = f"a retainer of {money(terms.fee)} a month for {terms.covers or 0:g} h"
        rate = terms.overage if terms.overage is not None else terms.rate
        if rate is not None:
            text += f", then {money(rate)}/h"
        return text + (", unused hours carried a month" if terms.carry else "")
    return None


def price_line(
    entry: LogEntry, engagement: Engagement, start: datetime, end: datetime, *, running: bool = False
) -> Line:
    """`entry`'s part start..end (a UTC span inside it), billed and priced by the terms of its local start day."""
    seconds = round((end - start).total_seconds())
    local_start = to_local(start)
    terms = engagement.terms_on(local_start.date())
    billed = billed_seconds(seconds, terms.round_minutes, terms.round_mode) if entry.billable else 0
    rate = terms.rate if paid_by_the_hour(engagement, local_start.date()) else None
    currency = (terms.currency or DEFAULT_CURRENCY) if rate is not None else None
    amount = None
    if entry.billable and rate is not None and currency is not None:
        amount = amount_minor(rate, billed, currency)
    return Line(
        entry_id=entry.id,
        engagement=engagement,
        start=local_start,
        end=to_local(end),
        note=entry.note,
        tags=tuple(entry.tags),
        billable=entry.billable,
        seconds=seconds,
        billed_seconds=billed,
        rate=rate,
        currency=currency,
        amount=amount,
        round_minutes=terms.round_minutes,
        round_mode=terms.round_mode,
        running=running,
    )


@dataclass
class Priced:
    lines: list[Line]
    skipped_running: bool  # a running timer in the period was left out (it has no end yet)


def price(
    engagements: Iterable[Engagement],
    logs: Iterable[LogEntry],
    first: date,
    last: date,
    *,
    now: datetime | None = None,
) -> Priced:
    """The entries of `engagements` in the days first..last as priced lines, ordered by start. Each entry counts its
    part inside the period. A running timer counts up to `now` when it is given (a live report) and is left out
    otherwise (a timesheet: it has no end to bill yet)."""
    lo, hi = span_of_days(first, last)
    by_id = {engagement.id: engagement for engagement in engagements}
    lines: list[Line] = []
    skipped = False
    for entry in logs:
        engagement = by_id.get(entry.engagement_id)
        if engagement is None:
            continue
        end = entry.end
        if end is None:
            if now is None:
                skipped = skipped or entry.start < hi
                continue
            end = max(now, entry.start)
        start, end = max(entry.start, lo), min(end, hi)
        if end <= start or round((end - start).total_seconds()) == 0:
            continue
        lines.append(price_line(entry, engagement, start, end, running=entry.end is None))
    lines.sort(key=lambda line: (line.start, line.entry_id))
    return Priced(lines, skipped)


def group(lines: Iterable[Line], key: Callable[[Line], Any]) -> dict[Any, Figures]:
    """Figures per key, in the order keys first appear."""
    groups: dict[Any, Figures] = {}
    for line in lines:
        groups.setdefault(key(line), Figures()).add(line)
    return groups


def by_engagement(lines: Iterable[Line]) -> dict[int, Figures]:
    return group(lines, lambda line: line.engagement.id)


# ---------------------------------------------------------------- income: what each pricing model earns, and when

HOURS, FEE, MILESTONE, RETAINER_FEE, OVERAGE, PERFORMANCE, SALARY = (
    "hours",
    "fee",
    "milestone",
    "retainer",
    "overage",
    "performance",
    "salary",
)
PREDICTABLE = frozenset((RETAINER_FEE, SALARY))  # known in advance; the rest varies with the work done


@dataclass(frozen=True)
class Earning:
    """One sum earned, on the day it is earned: an hourly client's billed time of a day, a milestone on the day it
    was done and the rest of a fixed fee (the fee less its milestones) on the engagement's --done day, a retainer's
    fee on the 1st of its month and its overage on the last day, a performance entry on its date, a salary on the
    last day of its month. Income over a range is the sum of the earnings dated in it, so a range's income is always
    the sum of its months'."""

    engagement: Engagement
    day: date
    kind: str
    currency: str
    amount: int  # minor units
    note: str = ""

    @property
    def predictable(self) -> bool:
        return self.kind in PREDICTABLE


def _month_days(first: date, last: date) -> list[tuple[date, date]]:
    """Each month touched by first..last, as (its first day, its last day)."""
    months = []
    start = first.replace(day=1)
    while start <= last:
        following = next_month(start)
        months.append((start, following - timedelta(days=1)))
        start = following
    return months


def minor_amount(amount: Decimal, currency: str) -> int:
    """An amount typed by the person, in minor units, rounded half-up once."""
    exact = Fraction(amount) * 10 ** minor_digits(currency)
    return (2 * exact.numerator + exact.denominator) // (2 * exact.denominator)


def _began(engagement: Engagement) -> date:
    """The first day an engagement earns a retainer or salary month: its start, else the day it was added."""
    return engagement.start or engagement.added or date.min


def earnings(
    engagements: Iterable[Engagement],
    lines: Iterable[Line],
    entries: Iterable[Any],
    milestones: Iterable[Any],
    first: date,
    last: date,
) -> list[Earning]:
    """Everything earned in first..last, by date. `lines` are the priced log lines of the months first..last touch
    and the month before (a retainer's unused hours may carry over from it); `entries` the income entries and
    `milestones` the milestones (any dates: those outside the range are left out here)."""
    by_id = {engagement.id: engagement for engagement in engagements}
    found: list[Earning] = []
    lines = list(lines)
    hourly: dict[tuple[int, date, str], int] = {}
    billed_by_month: dict[tuple[int, date], int] = {}
    for line in lines:
        terms = line.engagement.terms_on(line.day)
        if paid_by_the_hour(line.engagement, line.day):
            if first <= line.day <= last and line.amount is not None and line.currency is not None:
                key = (line.engagement.id, line.day, line.currency)
                hourly[key] = hourly.get(key, 0) + line.amount
        elif not terms.inbound and terms.model == RETAINER:
            month = line.day.replace(day=1)
            billed_by_month[(line.engagement.id, month)] = (
                billed_by_month.get((line.engagement.id, month), 0) + line.billed_seconds
            )
    engagement_of = {line.engagement.id: line.engagement for line in lines}
    for (engagement_id, day, currency), amount in sorted(hourly.items(), key=lambda item: (item[0][1], item[0][0])):
        found.append(Earning(by_id.get(engagement_id, engagement_of[engagement_id]), day, HOURS, currency, amount))
    parts_of: dict[int, list[Any]] = {}
    for milestone in milestones:
        parts_of.setdefault(milestone.engagement_id, []).append(milestone)
        if milestone.done is not None:
            engagement = by_id.get(milestone.engagement_id)
            if engagement is not None and first <= milestone.done <= last:
                terms = engagement.terms_on(milestone.done)
                currency = terms.currency or DEFAULT_CURRENCY
                found.append(
                    Earning(
                        engagement,
                        milestone.done,
                        MILESTONE,
                        currency,
                        minor_amount(milestone.fee, currency),
                        milestone.title,
                    )
                )
    for engagement in by_id.values():
        if engagement.inbound:
            found += _salary(engagement, first, last)
            continue
        if engagement.done is not None and first <= engagement.done <= last:
            terms = engagement.terms_on(engagement.done)
            if terms.model == FIXED and terms.fee is not None:
                currency = terms.currency or DEFAULT_CURRENCY
                # the fee less its milestones, each earned on its own day (done or not yet): the parts add up to it
                parts = sum(minor_amount(m.fee, currency) for m in parts_of.get(engagement.id, []))
                rest = minor_amount(terms.fee, currency) - parts
                if rest > 0:
                    what = "the rest of the fee, on completion" if parts else "the fee, on completion"
                    found.append(Earning(engagement, engagement.done, FEE, currency, rest, what))
        found += _retainer(engagement, billed_by_month, first, last)
    for entry in entries:
        engagement = by_id.get(entry.engagement_id)
        if engagement is not None and first <= entry.day <= last:
            currency = entry.currency or engagement.terms_on(entry.day).currency or DEFAULT_CURRENCY
            found.append(
                Earning(engagement, entry.day, PERFORMANCE, currency, minor_amount(entry.amount, currency), entry.note)
            )
    found.sort(key=lambda earning: (earning.day, earning.engagement.name.casefold(), earning.kind))
    return found


def _salary(job: Engagement, first: date, last: date) -> list[Earning]:
    found = []
    for month_first, month_last in _month_days(first, last):
        terms = job.terms_on(month_last)
        if terms.salary is None or month_last < _began(job) or not first <= month_last <= last:
            continue
        if job.done is not None and job.done < month_first:
            continue
        currency = terms.currency or DEFAULT_CURRENCY
        amount = minor_amount(terms.salary, currency)
        if terms.per == "year":  # the twelfths of the year's cents, so that twelve months make the whole salary
            k = month_first.month
            amount = (2 * amount * k + 12) // 24 - (2 * amount * (k - 1) + 12) // 24
        found.append(Earning(job, month_last, SALARY, currency, amount, f"salary of {month_first:%B}"))
    return found


def _retainer(client: Engagement, billed: dict[tuple[int, date], int], first: date, last: date) -> list[Earning]:
    found = []
    months = _month_days(month_before(first), last)  # the month before: what it carries over
    carried = 0
    for index, (month_first, month_last) in enumerate(months):
        terms = client.terms_on(month_first)
        active = (
            terms.model == RETAINER
            and terms.fee is not None
            and month_last >= _began(client)
            and (client.done is None or client.done >= month_first)
        )
        if not active:
            carried = 0
            continue
        currency = terms.currency or DEFAULT_CURRENCY
        brought = carried
        covered = round((terms.covers or 0) * 3600) + carried
        used = billed.get((client.id, month_first), 0)
        carried = max(0, covered - used) if terms.carry else 0
        carried = min(carried, round((terms.covers or 0) * 3600))  # carried one month, never piled up
        if index == 0:
            continue  # the month before the range: only its carry-over counts
        if first <= month_first <= last:
            found.append(
                Earning(
                    client,
                    month_first,
                    RETAINER_FEE,
                    currency,
                    minor_amount(terms.fee, currency),  # type: ignore[arg-type]
                    f"retainer of {month_first:%B}",
                )
            )
        beyond = used - covered
        rate = terms.overage if terms.overage is not None else terms.rate
        if beyond > 0 and rate is not None and first <= month_last <= last:
            found.append(
                Earning(
                    client,
                    month_last,
                    OVERAGE,
                    currency,
                    amount_minor(rate, beyond, currency),
                    f"{clock_hours(beyond)} h beyond the {clock_hours(covered)} h covered in {month_first:%B}"
                    + (f" ({clock_hours(brought)} h of them carried over)" if brought else ""),
                )
            )
    return found


@dataclass
class EngagementIncome:
    """One engagement's income in a range: what it earned (per currency), the hours logged for it, and the
    effective hourly rate, earned ÷ hours logged (None without hours)."""

    engagement: Engagement
    model: str
    earned: dict[str, int] = field(default_factory=dict)
    predictable: dict[str, int] = field(default_factory=dict)
    seconds: int = 0

    def effective_rate(self, currency: str) -> Decimal | None:
        """Earned per hour logged, in major units, rounded half-up to the currency's minor unit."""
        if not self.seconds or currency not in self.earned:
            return None
        exact = Fraction(self.earned[currency] * 3600, self.seconds)
        minor = (2 * exact.numerator + exact.denominator) // (2 * exact.denominator)
        return to_decimal(minor, currency)


def model_of(engagement: Engagement, day: date) -> str:
    """The pricing model in force on `day`: hourly, fixed or retainer for a client; salary or wage for a job."""
    terms = engagement.terms_on(day)
    if terms.inbound:
        return "salary" if terms.salary is not None else "wage"
    return terms.model


def income_by_engagement(
    engagements: Iterable[Engagement], lines: Iterable[Line], found: Iterable[Earning], first: date, last: date
) -> list[EngagementIncome]:
    """Per engagement with hours or income in first..last: its earnings and the hours logged in the range."""
    rows: dict[int, EngagementIncome] = {}

    def row(engagement: Engagement) -> EngagementIncome:
        if engagement.id not in rows:
            rows[engagement.id] = EngagementIncome(engagement, model_of(engagement, last))
        return rows[engagement.id]

    for line in lines:
        if first <= line.day <= last:
            row(line.engagement).seconds += line.seconds
    for earning in found:
        target = row(earning.engagement)
        target.earned[earning.currency] = target.earned.get(earning.currency, 0) + earning.amount
        if earning.predictable:
            target.predictable[earning.currency] = target.predictable.get(earning.currency, 0) + earning.amount
    for engagement in engagements:
        if not engagement.archived and engagement.id not in rows:
            row(engagement)
    return sorted(rows.values(), key=lambda item: (item.engagement.kind != "inbound", item.engagement.name.casefold()))


def amounts_by(found: Iterable[Earning], key: Callable[[Earning], Any]) -> dict[Any, dict[str, int]]:
    """The earnings summed per key and currency (minor units), in the order keys first appear."""
    sums: dict[Any, dict[str, int]] = {}
    for earning in found:
        amounts = sums.setdefault(key(earning), {})
        amounts[earning.currency] = amounts.get(earning.currency, 0) + earning.amount
    return sums


def totals(rows: Iterable[EngagementIncome]) -> tuple[dict[str, int], dict[str, int]]:
    """(earned, predictable) per currency over `rows`."""
    earned: dict[str, int] = {}
    predictable: dict[str, int] = {}
    for item in rows:
        for currency, amount in item.earned.items():
            earned[currency] = earned.get(currency, 0) + amount
        for currency, amount in item.predictable.items():
            predictable[currency] = predictable.get(currency, 0) + amount
    return earned, predictable


def planned_lines(engagements: Iterable[Engagement], blocks: Iterable[Any], after: datetime) -> list[Line]:
    """The plan as priced lines, as if each block were logged as planned: only its part after `after`, billed and
    priced by the terms of its day (what the forecast counts on)."""
    from planner.week import block_interval

    by_id = {engagement.id: engagement for engagement in engagements}
    found = []
    for block in blocks:
        engagement = by_id.get(block.engagement_id)
        if engagement is None:
            continue
        start, end = block_interval(block)
        start = max(start, after)
        if end <= start:
            continue
        entry = LogEntry(id=0, engagement_id=engagement.id, start=start, end=end, note=block.title or "")
        found.append(price_line(entry, engagement, start, end))
    return found


def projected_milestones(milestones: Iterable[Any], today: date) -> list[Any]:
    """For a forecast: open milestones as if done on their due day, and a fixed fee without milestones as if done on
    its deadline; what is done stays as it is."""
    from dataclasses import replace

    found = [
        replace(milestone, done=milestone.due)
        if milestone.done is None and milestone.due and milestone.due > today
        else milestone
        for milestone in milestones
    ]
    return found


def projected_engagements(engagements: Iterable[Engagement], today: date) -> list[Engagement]:
    """For a forecast: a fixed-fee client not yet done is done on its deadline, when that is still ahead."""
    from dataclasses import replace

    return [
        replace(e, done=e.deadline)
        if not e.inbound and e.model == FIXED and e.done is None and e.deadline is not None and e.deadline > today
        else e
        for e in engagements
    ]


# ---------------------------------------------------------------- currencies: totals in the base currency


def rate_on(rates: Iterable[FxRate], currency: str, base: str, day: date) -> FxRate | None:
    """The rate of `currency` in `base` in force on `day`: the latest one starting on or before it."""
    found = [rate for rate in rates if rate.currency == currency and rate.base == base and rate.start <= day]
    return max(found, key=lambda rate: rate.start, default=None)


def to_base(minor: int, currency: str, base: str, rate: Decimal) -> int:
    """`minor` units of `currency` in minor units of `base` at `rate`, rounded half-up once."""
    exact = Fraction(minor) * Fraction(rate) * 10 ** minor_digits(base) / 10 ** minor_digits(currency)
    return (2 * exact.numerator + exact.denominator) // (2 * exact.denominator)


@dataclass(frozen=True)
class Converted:
    """Earnings summed in the base currency, each converted at the rate in force on its day (and rounded once, so
    the total is the sum of its converted parts). `amount` is None when some currency had no rate on some day:
    `missing` names the first such day of each currency, and totals then stay per currency."""

    base: str
    amount: int | None
    predictable: int | None
    rates: tuple[FxRate, ...] = ()
    missing: tuple[tuple[str, date], ...] = ()

    @property
    def reason(self) -> str | None:
        """Why there is no total in the base currency, in one sentence; None when there is one."""
        if not self.missing:
            return None
        parts = [f"{currency} on {day.isoformat()}" for currency, day in self.missing]
        example_currency, example_day = self.missing[0]
        return (
            f"no exchange rate into {self.base} for {', '.join(parts)}, so totals stay per currency; set one with "
            f"'planner fx set {example_currency} RATE --from {example_day.isoformat()}'"
        )

    def rates_named(self) -> str:
        """'USD at 0.92 from 2026-11-01, …': the rates the total used."""
        return ", ".join(f"{rate.currency} at {rate.rate} from {rate.start.isoformat()}" for rate in self.rates)


def convert(found: Iterable[Earning | Cost], base: str, rates: Iterable[FxRate]) -> Converted:
    """The earnings' (or costs') total, and its predictable part, in `base`: each at the rate of its day."""
    rates = list(rates)
    amount = predictable = 0
    used: dict[tuple[str, date], FxRate] = {}
    missing: dict[str, date] = {}
    for earning in found:
        if earning.currency == base:
            value = earning.amount
        else:
            rate = rate_on(rates, earning.currency, base, earning.day)
            if rate is None:
                missing[earning.currency] = min(missing.get(earning.currency, earning.day), earning.day)
                continue
            used[(rate.currency, rate.start)] = rate
            value = to_base(earning.amount, earning.currency, base, rate.rate)
        amount += value
        if earning.predictable:
            predictable += value
    if missing:
        return Converted(base, None, None, missing=tuple(sorted(missing.items())))
    ordered = tuple(used[key] for key in sorted(used))
    return Converted(base, amount, predictable, ordered)


# ---------------------------------------------------------------- delegated work: what a task costs, and when


@dataclass(frozen=True)
class Cost:
    """What delegated work cost, on the day it is owed: a fixed price on the day the task was marked done, an
    hourly task's reported hours on the day of each update at the person's rate that day."""

    task: Any
    day: date
    currency: str
    amount: int  # minor units
    predictable = False  # a cost converts into the base currency as an earning does (see `convert`)


def task_costs(
    tasks: Iterable[Any], people: dict[int, Any], first: date | None = None, last: date | None = None
) -> list[Cost]:
    """The costs of `tasks` dated first..last (None: unbounded). Reported hours without a rate in force cost
    nothing known and are left out (`task_cost` says so)."""
    found = []
    for task in tasks:
        person = people.get(task.person_id)
        if task.price is not None:
            done = task.done_at
            if done is None:
                continue
            day = to_local(done).date()
            currency = task.currency or (person.terms_on(day).currency if person else None) or DEFAULT_CURRENCY
            found.append(Cost(task, day, currency, minor_amount(task.price, currency)))
            continue
        found += [cost for cost in _hour_costs(task, person) if cost is not None]
    return [cost for cost in found if (first is None or cost.day >= first) and (last is None or cost.day <= last)]


def _hour_costs(task: Any, person: Any) -> list[Cost | None]:
    """Each update with reported hours priced at the person's rate of its day; None for one without a rate."""
    found: list[Cost | None] = []
    for update in task.history:
        if not update.seconds:
            continue
        day = to_local(update.at).date()
        terms = person.terms_on(day) if person is not None else None
        if terms is None or terms.rate is None:
            found.append(None)
            continue
        currency = terms.currency or DEFAULT_CURRENCY
        found.append(Cost(task, day, currency, amount_minor(terms.rate, update.seconds, currency)))
    return found


def task_cost(task: Any, person: Any) -> tuple[str, int] | None:
    """A task's cost as it stands: its fixed price (nothing once cancelled), or its reported hours so far at the
    person's rate on each update's day. None when hours were reported and no rate was in force for them."""
    if task.price is not None:
        currency = task.currency or (person.currency if person else None) or DEFAULT_CURRENCY
        return currency, 0 if task.status == "cancelled" else minor_amount(task.price, currency)
    if person is None:
        return None
    priced = _hour_costs(task, person)
    costs = [cost for cost in priced if cost is not None]
    if len(costs) < len(priced) or len({cost.currency for cost in costs}) > 1:
        return None  # reported hours with no rate in force, or rates in two currencies: no one figure
    currency = costs[0].currency if costs else person.currency or DEFAULT_CURRENCY
    return currency, sum(cost.amount for cost in costs)
