"""The concepts of planner as plain dataclasses, with the validation that keeps bad input out of the store.

Each class converts to and from the JSON document the store keeps (`to_doc` / `from_doc`); ids live outside the
document (they are TinyDB document ids).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from planner.errors import ValidationError
from planner.schedule import (
    MINUTES_PER_DAY,
    check_day,
    format_clock,
    format_local,
    format_moment,
    parse_clock,
    parse_stored_moment,
)
from planner.timer import TIMER_LIMIT
from planner.window import _DAY_ALIASES, DAY_NAMES, WorkWindow
from planner.words import INBOUND as INBOUND
from planner.words import KINDS as KINDS
from planner.words import OUTBOUND as OUTBOUND

#: The longest a single log entry may last. Storage relies on it: an entry can reach at most into the month after
#: the one it starts in, so a query never reads more than one shard before its range.
MAX_LOG_SPAN = timedelta(days=28)

#: Characters a name or tag may not hold: controls (ESC, BEL, newlines, C1), format characters (zero-width U+200B to
#: U+200D, U+2060, U+FEFF, and the bidirectional controls U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C),
#: line and paragraph separators, and surrogates. They are invisible or rewrite the terminal, so two names that look
#: alike could differ, or a name could disguise itself. Notes and titles may hold them (output escapes them).
_HIDDEN_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))
#: The most an hourly rate may be, and its decimals.
MAX_RATE = Decimal(1_000_000)
RATE_DECIMALS = 4
_CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")
#: A rate as typed: digits with one decimal point or one decimal comma (92.50, 92,50), or an exponent (1E+2).
_RATE_RE = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?$")
DEFAULT_CURRENCY = "EUR"
#: How a log entry's time is rounded to the billing increment (per entry, on timesheets).
ROUND_MODES = ("up", "nearest", "down")
#: Terms that change from a date (`planner edit NAME --rate 95 --from 2026-12-01`); each day keeps the terms in force
#: on it, so a change never reprices the past unless its date lies in the past.
DATED_TERMS = (
    "hours",
    "rate",
    "window",
    "cap",
    "currency",
    "round_minutes",
    "round_mode",
    "model",
    "fee",
    "covers",
    "overage",
    "carry",
    "salary",
    "per",
)
#: How a client pays: by the hour, a fixed fee (on completion or by milestones), or a monthly retainer.
HOURLY, FIXED, RETAINER = "hourly", "fixed", "retainer"
MODELS = (HOURLY, FIXED, RETAINER)
SALARY_PERIODS = ("month", "year")
MAX_AMOUNT = Decimal(1_000_000_000)
PALETTE = ("blue", "green", "magenta", "cyan", "yellow", "red", "bright_blue", "bright_green", "bright_magenta")


# ---------------------------------------------------------------- field checks


def _parse_days_off(text: str) -> list[int]:
    days = set()
    for token in text.split(","):
        index = _DAY_ALIASES.get(token.strip().lower())
        if index is None:
            raise ValidationError(f"'{token.strip()}' is not a day; give days like sat,sun")
        days.add(index)
    return sorted(days)


def _hidden_char(text: str) -> str | None:
    """The first character of `text` a name or tag may not hold, as U+XXXX, or None."""
    for char in text:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


def check_name(name: str | None) -> str:
    if name is None or not str(name).strip():
        raise ValidationError("a name is needed (an empty one is not a usable name); give 1 to 60 printable characters")
    cleaned = str(name).strip()
    if len(cleaned) > 60:
        raise ValidationError(f"'{name}' is not a usable name; use 1 to 60 printable characters")
    hidden = _hidden_char(cleaned)
    if hidden is not None:
        raise ValidationError(
            f"'{name}' is not a usable name: it holds the invisible or control character {hidden}; "
            "use 1 to 60 printable characters"
        )
    if cleaned.startswith("-"):
        raise ValidationError(f"'{name}' cannot start with '-'; it would read as an option")
    return cleaned


def _typed_money(
    text: str | Decimal, label: str, not_one: str, noun: str, most: Decimal, unit: str, example: str
) -> Decimal:
    """Money a person typed: a number (a decimal comma is read as a point), zero or more, at most `most`, with at
    most RATE_DECIMALS decimals, and never a guess between a decimal comma and a thousands separator (1,500).
    `label` starts the messages ("rate", "the fee"), `not_one` is the whole message for text that is no number."""
    typed = str(text).strip()
    if not isinstance(text, Decimal):
        if not _RATE_RE.match(typed):
            raise ValidationError(not_one)
        whole, comma, decimals = typed.partition(",")
        if comma and len(decimals) == 3:
            raise ValidationError(
                f"{label} '{text}' is ambiguous: write {whole}{decimals} or {whole}.{decimals} "
                "(no thousands separators)"
            )
    try:
        value = Decimal(typed.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(not_one) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(f"{label} {text} is not allowed; {noun} is zero or more")
    if value > most:
        raise ValidationError(f"{label} {text} is out of range; give at most {most:,}{unit}")
    exponent = int(value.as_tuple().exponent)
    if exponent < -RATE_DECIMALS:
        raise ValidationError(f"{label} {text} has more than {RATE_DECIMALS} decimals{example}")
    return value.quantize(Decimal(1)) if exponent > 0 else abs(value)  # 1E+2 reads 100, -0 reads 0


def check_rate(text: str | Decimal) -> Decimal:
    not_one = f"'{text}' is not a rate; give an hourly amount such as 85 or 92.50"
    return _typed_money(text, "rate", not_one, "a rate", MAX_RATE, " an hour", "; give one such as 92.50")


def check_amount(text: str | Decimal, what: str) -> Decimal:
    """A sum of money typed for `what` (a fee, a salary, an income entry)."""
    not_one = f"{what} '{text}' is not an amount; give one such as 3000 or 450.50"
    return _typed_money(text, what, not_one, "an amount", MAX_AMOUNT, "", "")


def check_currency(text: str) -> str:
    if not _CURRENCY_RE.match(text.strip()):
        raise ValidationError(f"'{text}' is not a currency; use a three-letter code such as EUR or USD")
    return text.strip().upper()


def check_hours(
    value: float | str, what: str, *, allow_zero: bool = False, most: float = 168, unit: str = "hours"
) -> float:
    try:
        if not str(value).strip().isascii():
            raise ValueError("digits of another script")
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        example = {"hours": "32 or 7.5", "percent": "30", "days": "7"}.get(unit, "1")
        raise ValidationError(f"{what} '{value}' is not a number of {unit}, e.g. {example}") from None
    if number != number or number < 0 or (number == 0 and not allow_zero) or number > most:
        low = "0" if allow_zero else "more than 0"
        raise ValidationError(f"{what} {value} is out of range; give {low} and at most {most:g} {unit}")
    return number


def check_round(value: int | str) -> int:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"billing increment '{value}' is not a whole number of minutes, e.g. 6 or 15") from None
    if not 1 <= minutes <= 1440:
        raise ValidationError(f"billing increment {value} is out of range; give 1 to 1440 minutes")
    return minutes


def check_round_mode(value: str) -> str:
    mode = str(value).strip().lower()
    if mode not in ROUND_MODES:
        raise ValidationError(f"rounding mode '{value}' is unknown; use up, nearest or down")
    return mode


#: The task a Clockify or Harvest row gets when its entry has no tag (`planner settings set --task` changes it).
DEFAULT_TASK = "General"


def check_new_tags(tags: list[str] | tuple[str, ...]) -> list[str]:
    """Tags as typed or imported: `check_tags`, and no comma in a tag, since every CSV service (Toggl, Clockify,
    Kimai, and planner's own CSV) writes an entry's tags as one comma-separated cell and would split it."""
    checked = check_tags(tags)
    for tag in checked:
        if "," in tag:
            raise ValidationError(
                f"tag '{tag}' holds a comma, which splits it in two in every CSV export; "
                "give each tag on its own (--tag a --tag b)"
            )
    return checked


def check_tags(tags: list[str] | tuple[str, ...]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        cleaned = tag.strip()
        if not cleaned or _hidden_char(cleaned) is not None:
            raise ValidationError(f"tag '{tag}' is empty or unprintable; give a word such as 'meeting'")
        if cleaned not in seen:
            seen.append(cleaned)
    return seen


# ---------------------------------------------------------------- engagements


@dataclass
class Engagement:
    """A stream of work: an inbound job from an employer, or an outbound client of the person's own."""

    id: int
    name: str
    kind: str
    rate: Decimal | None = None
    currency: str | None = None
    round_minutes: int = 1
    round_mode: str = "up"  # up, nearest or down to the billing increment, per entry
    hours: float | None = None  # inbound: contracted hours per week
    window: str | None = None  # inbound: working window, e.g. "mon-fri 09:00-17:00"
    cap: float | None = None  # outbound: most hours per week
    budget: float | None = None  # outbound: hours for the whole engagement
    deadline: date | None = None  # outbound
    one_off: bool = False  # outbound: a one-off task rather than an ongoing engagement
    start: date | None = None  # inbound: the overtime account counts from here (None: its first logged entry)
    added: date | None = None  # the day it was added (None in files older than this field)
    remind_before: int | None = None  # minutes before its blocks start to remind (None: the global setting)
    model: str = HOURLY  # outbound: hourly, fixed or retainer (see planner.money.earnings)
    fee: Decimal | None = None  # fixed: the whole fee; retainer: the fee of a month
    covers: float | None = None  # retainer: hours a month the fee covers
    overage: Decimal | None = None  # retainer: the rate of hours beyond them (None: the hourly rate, if any)
    carry: bool = False  # retainer: a month's unused hours carry into the next month (else they are lost)
    salary: Decimal | None = None  # inbound: a salary (else the hourly rate is a wage)
    per: str = "month"  # the salary's period: month or year
    done: date | None = None  # a fixed fee is earned on this day (less milestones); a retainer ends after it
    archived: bool = False
    colour: str | None = None
    #: Later terms: [{"from": "2026-12-01", "hours": 32.0}, ...], oldest first; each applies from its date on.
    changes: list[dict] = field(default_factory=list)

    def terms_on(self, day: date) -> Engagement:
        """The engagement with the terms in force on `day` (earlier weeks keep the terms they had)."""
        if not self.changes:
            return self
        values: dict[str, object] = {}
        for change in self.changes:
            if date.fromisoformat(change["from"]) <= day:
                values.update({key: value for key, value in change.items() if key != "from"})
        for key in ("rate", "fee", "overage", "salary"):
            if key in values and values[key] is not None:
                values[key] = Decimal(str(values[key]))
        return replace(self, **values) if values else self  # type: ignore[arg-type]

    def terms(self) -> dict[str, object]:
        """The dated terms of this (in-force) engagement, by name."""
        return {key: getattr(self, key) for key in DATED_TERMS}

    def periods(self) -> list[tuple[date | None, dict[str, object]]]:
        """The terms' history: (first day, terms in force from it) for the start (None) and each dated change."""
        found: list[tuple[date | None, dict[str, object]]] = [(None, self.terms())]
        for change in self.changes:
            day = date.fromisoformat(change["from"])
            found.append((day, self.terms_on(day).terms()))
        return found

    def with_change(self, start: date, **terms: object) -> Engagement:
        """A copy whose `terms` (any of DATED_TERMS) change from `start` on."""
        unknown = set(terms) - set(DATED_TERMS)
        if unknown:
            raise ValidationError(f"only {', '.join(DATED_TERMS)} can change from a date, not {', '.join(unknown)}")
        changes = [dict(change) for change in self.changes]
        current = next((change for change in changes if change["from"] == start.isoformat()), None)
        if current is None:
            current = {"from": start.isoformat()}
            changes.append(current)
        for key, value in terms.items():
            current[key] = str(value) if isinstance(value, Decimal) else value
        changes.sort(key=lambda change: change["from"])
        updated = replace(self, changes=changes)
        in_force = replace(updated.terms_on(start)).validate()  # the terms from that date must make sense together
        for key in terms:  # keep them as validation normalised them
            value = getattr(in_force, key)
            current[key] = str(value) if isinstance(value, Decimal) else value
        return updated

    @property
    def inbound(self) -> bool:
        return self.kind == INBOUND

    @property
    def work_window(self) -> WorkWindow | None:
        return WorkWindow.parse(self.window) if self.window else None

    def validate(self) -> Engagement:
        self.name = check_name(self.name)
        if self.kind not in KINDS:
            raise ValidationError(f"kind '{self.kind}' is unknown; an engagement is inbound or outbound")
        if self.rate is not None:
            self.rate = check_rate(self.rate)
        if self.currency is not None:
            self.currency = check_currency(self.currency)
        elif self.rate is not None:
            self.currency = DEFAULT_CURRENCY
        self.round_minutes = check_round(self.round_minutes)
        self.round_mode = check_round_mode(self.round_mode)
        if self.inbound:
            if self.hours is None:
                raise ValidationError(f"job '{self.name}' needs its contracted hours per week (--hours)")
            self.hours = check_hours(self.hours, "contracted hours")
            if self.window is not None:
                self.window = str(WorkWindow.parse(self.window))
            if self.cap is not None or self.budget is not None or self.deadline is not None or self.one_off:
                raise ValidationError("cap, budget, deadline and one-off belong to clients, not to jobs")
            if self.model != HOURLY or self.fee is not None or self.covers is not None or self.overage is not None:
                raise ValidationError("fixed fees and retainers belong to clients; a job has a salary or a wage")
            if self.salary is not None:
                self.salary = check_amount(self.salary, "the salary")
        else:
            if self.salary is not None:
                raise ValidationError("a salary belongs to a job; a client pays by the hour, a fee or a retainer")
            self._check_model()
            if self.hours is not None or self.window is not None:
                raise ValidationError("contracted hours and a working window belong to jobs, not to clients")
            if self.cap is not None:
                self.cap = check_hours(self.cap, "weekly cap")
            if self.budget is not None:
                self.budget = check_hours(self.budget, "budget", most=1_000_000)
            if self.deadline is not None:
                check_day(self.deadline, f"the deadline {self.deadline.isoformat()}")
        if self.remind_before is not None:
            self.remind_before = check_remind_before(self.remind_before)
        if self.start is not None:
            check_day(self.start, f"the start {self.start.isoformat()}")
        if self.per not in SALARY_PERIODS:
            raise ValidationError(f"--per '{self.per}' is not a period; use month or year")
        if self.done is not None:
            check_day(self.done, f"the day done {self.done.isoformat()}")
            if self.start is not None and self.done < self.start:
                raise ValidationError(
                    f"{self.name} would be done on {self.done.isoformat()}, before it starts on "
                    f"{self.start.isoformat()}"
                )
        return self

    def _check_model(self) -> None:
        self.model = str(self.model).strip().lower()
        if self.model not in MODELS:
            raise ValidationError(f"'{self.model}' is not a pricing model; use hourly, fixed or retainer")
        if self.fee is not None:
            self.fee = check_amount(self.fee, "the fee")
        if self.overage is not None:
            self.overage = check_amount(self.overage, "the overage rate")
        if self.covers is not None:
            self.covers = check_hours(self.covers, "hours covered", allow_zero=True, most=744)
        if self.model == HOURLY and (self.fee is not None or self.covers is not None or self.overage is not None):
            raise ValidationError("a fee, covered hours and an overage rate need --fixed or --retainer")
        if self.model == FIXED and (self.fee is None or self.covers is not None or self.overage is not None):
            raise ValidationError("a fixed-fee client needs its fee (--fixed 3000) and has no covered hours or overage")
        if self.model == RETAINER and (self.fee is None or self.covers is None):
            raise ValidationError(
                "a retainer needs its monthly fee and the hours it covers: --retainer 2000 --covers 20"
            )
        if self.carry and self.model != RETAINER:
            raise ValidationError("--carry is for a retainer's unused hours")

    def to_doc(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "rate": None if self.rate is None else str(self.rate),
            "currency": self.currency,
            "round_minutes": self.round_minutes,
            "round_mode": self.round_mode,
            "hours": self.hours,
            "window": self.window,
            "cap": self.cap,
            "budget": self.budget,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
            "one_off": self.one_off,
            "start": None if self.start is None else self.start.isoformat(),
            "added": None if self.added is None else self.added.isoformat(),
            "remind_before": self.remind_before,
            "model": self.model,
            "fee": None if self.fee is None else str(self.fee),
            "covers": self.covers,
            "overage": None if self.overage is None else str(self.overage),
            "carry": self.carry,
            "salary": None if self.salary is None else str(self.salary),
            "per": self.per,
            "done": None if self.done is None else self.done.isoformat(),
            "archived": self.archived,
            "colour": self.colour,
            "changes": [dict(change) for change in self.changes],
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: dict) -> Engagement:
        return cls(
            id=int(doc_id),
            name=doc["name"],
            kind=doc["kind"],
            rate=None if doc.get("rate") is None else Decimal(doc["rate"]),
            currency=doc.get("currency"),
            round_minutes=doc.get("round_minutes", 1),
            round_mode=doc.get("round_mode", "up"),
            hours=doc.get("hours"),
            window=doc.get("window"),
            cap=doc.get("cap"),
            budget=doc.get("budget"),
            deadline=None if doc.get("deadline") is None else date.fromisoformat(doc["deadline"]),
            one_off=doc.get("one_off", False),
            start=None if doc.get("start") is None else date.fromisoformat(doc["start"]),
            added=None if doc.get("added") is None else date.fromisoformat(doc["added"]),
            remind_before=doc.get("remind_before"),
            model=doc.get("model", HOURLY),
            fee=None if doc.get("fee") is None else Decimal(str(doc["fee"])),
            covers=doc.get("covers"),
            overage=None if doc.get("overage") is None else Decimal(str(doc["overage"])),
            carry=doc.get("carry", False),
            salary=None if doc.get("salary") is None else Decimal(str(doc["salary"])),
            per=doc.get("per", "month"),
            done=None if doc.get("done") is None else date.fromisoformat(doc["done"]),
            archived=doc.get("archived", False),
            colour=doc.get("colour"),
            changes=[dict(change) for change in doc.get("changes", [])],
        )

    def to_json(self) -> dict:
        data = {"id": self.id, **self.to_doc()}
        data["rate"] = None if self.rate is None else float(self.rate)
        for key in ("fee", "overage", "salary"):
            data[key] = None if getattr(self, key) is None else float(getattr(self, key))
        if "changes" in data:  # rates are numbers here too, as at the top level
            data["changes"] = [
                {**change, "rate": float(change["rate"])} if change.get("rate") is not None else change
                for change in data["changes"]
            ]
        return data


# ---------------------------------------------------------------- blocks (the plan)


@dataclass
class Block:
    """Planned time on the board, on the local wall clock. A block with `repeat` is a series."""

    id: int
    engagement_id: int
    day: date
    start: int  # minutes after midnight
    end: int  # minutes after midnight, up to 24:00
    title: str = ""
    notes: str = ""
    repeat: str | None = None  # RFC 5545 RRULE; `day` is the series' DTSTART
    exdates: list[date] = field(default_factory=list)
    series_id: int | None = None  # set on an occurrence expanded from a series
    #: Where a block came from when planner did not make it: {"kind": "ics", "uid": ..., "recurrence_id": ...} for
    #: an event of an imported calendar (`planner import ics`), which a later import of that calendar updates.
    source: dict | None = None
    #: Set on a one-off block that replaces an edited or moved occurrence of a series: {"series": id, "date": the
    #: occurrence's own day}. It belongs to that series (copying a week leaves it out: the series repeats itself).
    occurrence_of: dict | None = None

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def key(self) -> int:
        """The id warnings, flags and linked logs name this block by: its series' for an occurrence of a series."""
        return self.series_id if self.series_id is not None else self.id

    def validate(self) -> Block:
        check_day(self.day, f"the block's date {self.day.isoformat()}")
        if not 0 <= self.start < MINUTES_PER_DAY or not 0 < self.end <= MINUTES_PER_DAY:
            raise ValidationError("a block starts and ends between 00:00 and 24:00 of its day")
        if self.end <= self.start:
            what = "ends when it starts" if self.end == self.start else "ends before it starts"
            raise ValidationError(
                f"the block {what} ({format_clock(self.start)}-{format_clock(self.end)}); give an end after the start"
            )
        return self

    def occurrence(self, day: date) -> Block:
        return replace(self, day=day, series_id=self.id, exdates=[])

    def to_doc(self) -> dict:
        doc = {
            "engagement_id": self.engagement_id,
            "date": self.day.isoformat(),
            "start": format_clock(self.start),
            "end": format_clock(self.end),
            "title": self.title,
            "notes": self.notes,
        }
        if self.repeat:
            doc["repeat"] = self.repeat
            doc["exdates"] = [day.isoformat() for day in self.exdates]
        if self.source:
            doc["source"] = dict(self.source)
        if self.occurrence_of:
            doc["occurrence_of"] = dict(self.occurrence_of)
        return doc

    @classmethod
    def from_doc(cls, doc_id: int, doc: dict) -> Block:
        return cls(
            id=int(doc_id),
            engagement_id=doc["engagement_id"],
            day=date.fromisoformat(doc["date"]),
            start=parse_clock(doc["start"]),
            end=parse_clock(doc["end"], allow_midnight_end=True),
            title=doc.get("title", ""),
            notes=doc.get("notes", ""),
            repeat=doc.get("repeat"),
            exdates=[date.fromisoformat(day) for day in doc.get("exdates", [])],
            source=dict(doc["source"]) if isinstance(doc.get("source"), dict) else None,
            occurrence_of=dict(doc["occurrence_of"]) if isinstance(doc.get("occurrence_of"), dict) else None,
        )


@dataclass
class DayOff:
    """A dated day without work, from an all-day event of an imported calendar (a public holiday, a day of leave).
    Work planned or logged on it is a `day-off` warning, as on the weekdays `boundaries --days-off` names."""

    day: date
    title: str = ""
    source: dict | None = None

    def to_doc(self) -> dict:
        doc: dict = {"date": self.day.isoformat(), "title": self.title}
        if self.source:
            doc["source"] = dict(self.source)
        return doc

    @classmethod
    def from_doc(cls, doc: dict) -> DayOff:
        source = doc.get("source")
        return cls(
            date.fromisoformat(doc["date"]), str(doc.get("title", "")), source if isinstance(source, dict) else None
        )


# ---------------------------------------------------------------- income that is not time


@dataclass
class IncomeEntry:
    """Income that is not hours: a commission, a bonus, a revenue share (the `performance` part of a client's pay),
    on the day it was earned, in the engagement's currency unless another is given."""

    id: int
    engagement_id: int
    day: date
    amount: Decimal
    currency: str | None = None
    note: str = ""

    def validate(self) -> IncomeEntry:
        self.amount = check_amount(self.amount, "the amount")
        if self.currency is not None:
            self.currency = check_currency(self.currency)
        check_day(self.day, f"the day {self.day.isoformat()}")
        self.note = str(self.note)
        return self

    def to_doc(self) -> dict:
        return {
            "engagement_id": self.engagement_id,
            "date": self.day.isoformat(),
            "amount": str(self.amount),
            "currency": self.currency,
            "note": self.note,
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: dict) -> IncomeEntry:
        return cls(
            int(doc_id),
            int(doc["engagement_id"]),
            date.fromisoformat(doc["date"]),
            Decimal(str(doc["amount"])),
            doc.get("currency"),
            str(doc.get("note", "")),
        )


@dataclass
class Milestone:
    """A part of a fixed fee, earned on the day it is done."""

    id: int
    engagement_id: int
    title: str
    fee: Decimal
    due: date | None = None
    done: date | None = None

    def validate(self) -> Milestone:
        self.title = check_name(self.title)
        self.fee = check_amount(self.fee, "the milestone's fee")
        for day in (self.due, self.done):
            if day is not None:
                check_day(day, f"the day {day.isoformat()}")
        return self

    def to_doc(self) -> dict:
        return {
            "engagement_id": self.engagement_id,
            "title": self.title,
            "fee": str(self.fee),
            "due": None if self.due is None else self.due.isoformat(),
            "done": None if self.done is None else self.done.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: dict) -> Milestone:
        return cls(
            int(doc_id),
            int(doc["engagement_id"]),
            str(doc["title"]),
            Decimal(str(doc["fee"])),
            None if doc.get("due") is None else date.fromisoformat(doc["due"]),
            None if doc.get("done") is None else date.fromisoformat(doc["done"]),
        )


FX_DECIMALS = 8
MAX_FX = Decimal(1_000_000)


def check_fx_rate(text: str | Decimal) -> Decimal:
    """An exchange rate typed by the person: what one unit of a currency is worth in the base currency, more than 0,
    with at most FX_DECIMALS decimals (0.00612345 for a yen in euros)."""
    typed = str(text).strip()
    not_one = f"'{text}' is not an exchange rate; give what one unit is worth in the base currency, e.g. 0.92"
    if not isinstance(text, Decimal):
        if not re.fullmatch(r"[0-9]+([.,][0-9]+)?|[.,][0-9]+", typed):
            raise ValidationError(not_one)
        whole, comma, decimals = typed.partition(",")
        if comma and len(decimals) == 3:
            raise ValidationError(f"exchange rate '{text}' is ambiguous: write {whole}.{decimals} or {whole}{decimals}")
        typed = typed.replace(",", ".")
    try:
        value = Decimal(typed)
    except InvalidOperation:
        raise ValidationError(not_one) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError(f"exchange rate {text} is not allowed; a rate is more than 0")
    if value > MAX_FX:
        raise ValidationError(f"exchange rate {text} is out of range; give at most {MAX_FX:,}")
    if int(value.as_tuple().exponent) < -FX_DECIMALS:
        raise ValidationError(f"exchange rate {text} has more than {FX_DECIMALS} decimals")
    return value.quantize(Decimal(1)) if int(value.as_tuple().exponent) > 0 else value


@dataclass(frozen=True)
class FxRate:
    """What one unit of `currency` is worth in `base` from the day `start` on (until a later rate of the pair)."""

    currency: str
    base: str
    rate: Decimal
    start: date

    def validate(self) -> FxRate:
        currency, base = check_currency(self.currency), check_currency(self.base)
        if currency == base:
            raise ValidationError(f"{currency} is the base currency; it needs no exchange rate")
        check_day(self.start, f"the day {self.start.isoformat()}")
        return FxRate(currency, base, check_fx_rate(self.rate), self.start)

    def to_doc(self) -> dict:
        return {"currency": self.currency, "base": self.base, "rate": str(self.rate), "from": self.start.isoformat()}

    @classmethod
    def from_doc(cls, doc: dict) -> FxRate:
        return cls(str(doc["currency"]), str(doc["base"]), Decimal(str(doc["rate"])), date.fromisoformat(doc["from"]))


# ---------------------------------------------------------------- log entries (the actuals)


@dataclass
class LogEntry:
    """Time actually worked. `end` is None while its timer runs."""

    id: int
    engagement_id: int
    start: datetime
    end: datetime | None = None
    note: str = ""
    tags: list[str] = field(default_factory=list)
    billable: bool = True
    block_id: int | None = None
    task_id: int | None = None  # a delegated task this time was spent managing (briefing, reviewing)

    @property
    def running(self) -> bool:
        return self.end is None

    def seconds(self, now: datetime | None = None) -> float:
        end = self.end if self.end is not None else now
        if end is None:
            return 0.0
        return max(0.0, (end - self.start).total_seconds())

    def validate(self) -> LogEntry:
        if self.start.tzinfo is None or (self.end is not None and self.end.tzinfo is None):
            raise ValidationError("log times need a time zone")
        for moment in (self.start, self.end):
            if moment is not None:
                check_day(moment.date(), f"the entry's time {moment.isoformat()}")
        if self.end is not None:
            if self.end <= self.start:
                what = "ends when it starts" if self.end == self.start else "ends before it starts"
                raise ValidationError(
                    f"the entry {what} ({format_local(self.start)} to {format_local(self.end)}); "
                    "give an end after the start"
                )
            if self.end - self.start > MAX_LOG_SPAN:
                raise ValidationError("an entry may last at most 28 days; split it into several entries")
        self.tags = check_tags(self.tags)
        return self

    def to_doc(self) -> dict:
        return {
            "engagement_id": self.engagement_id,
            "start": format_moment(self.start),
            "end": None if self.end is None else format_moment(self.end),
            "note": self.note,
            "tags": list(self.tags),
            "billable": self.billable,
            "block_id": self.block_id,
            **({} if self.task_id is None else {"task_id": self.task_id}),
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: dict) -> LogEntry:
        return cls(
            id=int(doc_id),
            engagement_id=doc["engagement_id"],
            start=parse_stored_moment(doc["start"]),
            end=None if doc.get("end") is None else parse_stored_moment(doc["end"]),
            note=doc.get("note", ""),
            tags=list(doc.get("tags", [])),
            billable=doc.get("billable", True),
            block_id=doc.get("block_id"),
            task_id=doc.get("task_id"),
        )


# ---------------------------------------------------------------- board settings

SLOTS = (10, 15, 20, 30, 60)


@dataclass
class BoardSettings:
    """How the board draws a day: its time axis and the length of a row, in minutes."""

    day_start: int = 7 * 60
    day_end: int = 21 * 60
    slot: int = 30

    def validate(self) -> BoardSettings:
        if self.slot not in SLOTS:
            raise ValidationError(
                f"--slot: a row of {self.slot} minutes is not offered; use one of {', '.join(map(str, SLOTS))}"
            )
        if self.day_end <= self.day_start:
            raise ValidationError(
                f"the day ends at {format_clock(self.day_end)} before it starts at {format_clock(self.day_start)}"
            )
        if self.day_start % self.slot or self.day_end % self.slot:
            raise ValidationError(f"start and end of the day must fall on whole {self.slot}-minute rows")
        return self

    @classmethod
    def from_settings(cls, settings: dict) -> BoardSettings:
        defaults = cls()
        return cls(
            day_start=parse_clock(settings["day_start"]) if settings.get("day_start") else defaults.day_start,
            day_end=parse_clock(settings["day_end"], allow_midnight_end=True)
            if settings.get("day_end")
            else defaults.day_end,
            slot=int(settings.get("slot", defaults.slot)),
        )


MAX_REMIND_BEFORE = 24 * 60


def check_remind_before(value: object) -> int:
    """Minutes before a block's start to remind: a whole number from 0 (at the start) to a day."""
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_REMIND_BEFORE:
        raise ValidationError(
            f"--remind-before: '{text}' is not a number of minutes from 0 to {MAX_REMIND_BEFORE}; e.g. 5"
        )
    return int(text)


def checked_settings(stored: dict, changes: dict[str, str | None]) -> dict[str, object]:
    """The settings to store after `changes` (values as typed; None or a missing key leaves one as it is; an empty
    name, e-mail or task clears it), every one checked before any is kept. Keys: day_start, day_end, slot, name,
    email, task, currency (the base currency). A bad value raises one line naming its command-line flag (the board
    names its field instead)."""
    person = {key: str(changes[key]).strip() for key in ("name", "email", "task") if changes.get(key) is not None}
    for key, value in person.items():
        if not value.isprintable():
            raise ValidationError(f"--{key} takes one line of printable text")
    if "," in person.get("task", "") or len(person.get("task", "")) > 60:
        raise ValidationError(
            "--task is one tag-like word of at most 60 characters, without a comma (it becomes a task and a tag)"
        )
    if person.get("email") and "@" not in person["email"]:
        raise ValidationError(f"--email: '{person['email']}' is not an e-mail address; give one like jane@example.com")
    current = BoardSettings.from_settings(stored)
    slot_text = (changes.get("slot") or "").strip()
    if slot_text and not slot_text.isdigit():
        raise ValidationError(
            f"--slot: '{slot_text}' is not a number of minutes; use one of {', '.join(map(str, SLOTS))}"
        )
    start_text, end_text = (changes.get("day_start") or "").strip(), (changes.get("day_end") or "").strip()
    try:
        day_start = parse_clock(start_text) if start_text else current.day_start
    except ValidationError as error:
        raise ValidationError(f"--day-start: {error}") from None
    try:
        day_end = parse_clock(end_text, allow_midnight_end=True) if end_text else current.day_end
    except ValidationError as error:
        raise ValidationError(f"--day-end: {error}") from None
    wanted = BoardSettings(
        day_start=day_start, day_end=day_end, slot=int(slot_text) if slot_text else current.slot
    ).validate()
    currency: dict[str, str] = {}
    if changes.get("currency") is not None and not str(changes["currency"]).strip():
        raise ValidationError("--currency cannot be empty; give a three-letter code such as EUR")
    if (changes.get("currency") or "").strip():
        try:
            currency["currency"] = check_currency(str(changes["currency"]))
        except ValidationError as error:
            raise ValidationError(f"--currency: {error}") from None
    return {
        **person,
        **currency,
        "day_start": format_clock(wanted.day_start),
        "day_end": format_clock(wanted.day_end),
        "slot": wanted.slot,
    }


# ---------------------------------------------------------------- boundaries


CONCENTRATION_BASES = ("hours", "income")


@dataclass
class Boundaries:
    """The person's rules for a week. None means the rule is off."""

    max_week: float | None = None
    max_day: float | None = None
    outbound_share: float | None = None  # target percent of the week's hours
    tolerance: float = 10.0  # points either side of the target
    outbound_cap: float | None = None  # hours per week, all clients together
    protect_windows: bool = True  # no outbound work inside an inbound working window
    days_off: list[int] = field(default_factory=list)  # 0 = Monday
    latest: int | None = None  # latest finish, minutes after midnight
    min_rest: float | None = None  # hours between working days
    max_stretch: float | None = None  # hours of work without a 15-minute break
    concentration: float = 83.0  # percent of outbound hours one client may hold over 4 weeks
    concentration_min: float = 10.0  # outbound hours of the 4 weeks below which concentration says nothing
    deadline_near: float | None = 7.0  # days before a client's deadline from which deadline-near warns
    timer_limit: float | None = TIMER_LIMIT  # hours after which a running timer counts as forgotten
    concentration_basis: str = "hours"  # what concentration measures: hours (4 weeks) or income (the last months)
    concentration_months: float = 3.0  # with the income basis: how many months back it looks
    min_rate: Decimal | None = None  # in the base currency: a client's effective hourly rate below it warns
    task_stale: float | None = 3.0  # days without a status update after which an open delegated task is stale

    def updated(self, values: dict[str, str | bool]) -> Boundaries:
        """These boundaries with some changed, from what a person typed: hours and percents as text ('' or
        'none' turns a rule off), days off as 'sat,sun', the latest finish as HH:MM, protect_windows as a bool."""
        changes: dict[str, object] = {}
        for key, raw in values.items():
            if isinstance(raw, bool):
                if key != "protect_windows":
                    raise ValidationError(f"{key} takes a value, not on/off")
                changes[key] = raw
                continue
            off = raw.strip().lower() in ("", "none", "off")
            label = "--" + key.replace("_", "-")
            if key in ("max_week", "max_day", "outbound_cap", "min_rest", "max_stretch", "timer_limit"):
                most = 24 if key in ("max_day", "max_stretch") else 168  # a day, or a week
                changes[key] = None if off else check_hours(raw, label, most=most)
            elif key == "concentration_min":
                changes[key] = 0.0 if off else check_hours(raw, label, allow_zero=True, most=4 * 168)
            elif key in ("deadline_near", "task_stale"):
                days = (
                    None if off else check_hours(raw, label, allow_zero=key == "deadline_near", most=365, unit="days")
                )
                if days is not None and days != int(days):
                    raise ValidationError(f"{label} takes whole days, e.g. 7")
                changes[key] = days
            elif key in ("outbound_share", "tolerance", "concentration"):
                if off and key != "outbound_share":
                    raise ValidationError(f"{label} needs a number of percent (points), e.g. 10")
                value = None if off else check_hours(raw, label, allow_zero=True, most=100, unit="percent")
                changes[key] = value
            elif key == "days_off":
                changes[key] = [] if off else _parse_days_off(raw)
            elif key == "concentration_basis":
                basis = raw.strip().lower()
                if basis not in CONCENTRATION_BASES:
                    raise ValidationError(f"{label} '{raw}' is unknown; use hours or income")
                changes[key] = basis
            elif key == "concentration_months":
                months = check_hours(raw, label, most=24, unit="months") if not off else 0.0
                if months != int(months) or months < 1:
                    raise ValidationError(f"{label} takes whole months from 1 to 24, e.g. 3")
                changes[key] = float(months)
            elif key == "min_rate":
                changes[key] = None if off else check_amount(raw, label)
            elif key == "latest":
                changes[key] = None if off else parse_clock(raw, allow_midnight_end=True)
            else:
                raise ValidationError(f"'{key}' is not a boundary")
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_doc(self) -> dict:
        return {
            "max_week": self.max_week,
            "max_day": self.max_day,
            "outbound_share": self.outbound_share,
            "tolerance": self.tolerance,
            "outbound_cap": self.outbound_cap,
            "protect_windows": self.protect_windows,
            "days_off": [DAY_NAMES[day] for day in self.days_off],
            "latest": None if self.latest is None else format_clock(self.latest),
            "min_rest": self.min_rest,
            "max_stretch": self.max_stretch,
            "concentration": self.concentration,
            "concentration_min": self.concentration_min,
            "deadline_near": self.deadline_near,
            "timer_limit": self.timer_limit,
            "concentration_basis": self.concentration_basis,
            "concentration_months": self.concentration_months,
            "min_rate": None if self.min_rate is None else str(self.min_rate),
            "task_stale": self.task_stale,
        }

    @classmethod
    def from_doc(cls, doc: dict | None) -> Boundaries:
        if not doc:
            return cls()
        defaults = cls()
        latest = doc.get("latest")
        return cls(
            max_week=doc.get("max_week"),
            max_day=doc.get("max_day"),
            outbound_share=doc.get("outbound_share"),
            tolerance=doc.get("tolerance", defaults.tolerance),
            outbound_cap=doc.get("outbound_cap"),
            protect_windows=doc.get("protect_windows", True),
            days_off=[DAY_NAMES.index(day) for day in doc.get("days_off", [])],
            latest=None if latest is None else parse_clock(latest, allow_midnight_end=True),
            min_rest=doc.get("min_rest"),
            max_stretch=doc.get("max_stretch"),
            concentration=doc.get("concentration", defaults.concentration),
            concentration_min=doc.get("concentration_min", defaults.concentration_min),
            deadline_near=doc.get("deadline_near", defaults.deadline_near),
            timer_limit=doc.get("timer_limit", defaults.timer_limit),
            concentration_basis=doc.get("concentration_basis", defaults.concentration_basis),
            concentration_months=doc.get("concentration_months", defaults.concentration_months),
            min_rate=None if doc.get("min_rate") is None else Decimal(str(doc["min_rate"])),
            task_stale=doc.get("task_stale", defaults.task_stale),
        )


#: The boundaries a person types (every rule but protect_windows, an on/off switch), and those of them that are
#: numbers (all but the days off and the latest finish), in the order the rules are listed.
TYPED_BOUNDARIES = tuple(item.name for item in fields(Boundaries) if item.name != "protect_windows")
NUMBER_BOUNDARIES = tuple(
    name for name in TYPED_BOUNDARIES if name not in ("days_off", "latest", "concentration_basis", "min_rate")
)
