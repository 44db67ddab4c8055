"""Work handed on: the people the user delegates to (ongoing team members and one-off contractors), the tasks given
to them with a written brief, a checklist, a due date, an estimate and a price, the status updates they send, and
reusable briefs (playbooks). Pure: the store keeps these, planner.money prices them, planner.balance warns on them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from planner.errors import ValidationError
from planner.model import _hidden_char, check_amount, check_currency, check_hours, check_name, check_rate
from planner.schedule import check_day, format_moment, parse_stored_moment
from planner.words import (  # noqa: F401 (the model's words, kept where they were)
    CANCELLED,
    CLOSED,
    DONE,
    DRAFT,
    IN_PROGRESS,
    ONE_OFF,
    ONGOING,
    PERSON_KINDS,
    REVIEW,
    SELF,
    SENT,
    STATUSES,
)

DUE_SOON_DAYS = 3  # (how long a task may go without an update is a boundary: Boundaries.task_stale)
MAX_BRIEF = 100_000  # characters of a brief: a long document, never a dumped file
MAX_NOTE = 2_000
MAX_CHECKLIST = 200
MAX_SECONDS = 10_000 * 3600  # an estimate
MAX_UPDATE_SECONDS = 744 * 3600  # hours reported in one update: a month


def check_text(text: str, what: str, most: int, *, lines: bool = False) -> str:
    """Free text a person typed (a note, a brief): at most `most` characters, without control characters (a brief
    may hold line breaks and tabs)."""
    text = str(text)
    if len(text) > most:
        raise ValidationError(f"{what} is {len(text):,} characters long; keep it to {most:,}")
    allowed = "\n\t" if lines else ""
    hidden = _hidden_char("".join(char for char in text if char not in allowed))
    if hidden is not None and hidden not in ("U+200D",):  # a zero-width joiner belongs to some emoji and scripts
        raise ValidationError(f"{what} holds the control or invisible character {hidden}; take it out")
    return text.replace("\r\n", "\n")


def check_status(text: str) -> str:
    status = str(text).strip().lower()
    if status not in STATUSES:
        raise ValidationError(f"status '{text}' is unknown; use one of {', '.join(STATUSES)}")
    return status


def parse_estimate(text: str) -> int:
    """An estimate as typed, '6h', '90m', '1:30' or '2.5' (hours), in seconds."""
    raw = str(text).strip().lower()
    try:
        if raw.endswith("m") and raw[:-1].strip().isdigit():
            seconds = int(raw[:-1]) * 60
        elif ":" in raw:
            hours, _, minutes = raw.partition(":")
            if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(minutes) < 60):
                raise ValueError
            seconds = int(hours) * 3600 + int(minutes) * 60
        else:
            seconds = round(check_hours(raw.removesuffix("h").strip(), "estimate", most=10_000) * 3600)
    except (ValueError, ValidationError):
        raise ValidationError(f"estimate '{text}' is not a duration; write it as 6h, 90m, 1:30 or 2.5") from None
    if not 0 < seconds <= 10_000 * 3600:
        raise ValidationError(f"estimate '{text}' is out of range; give more than 0 and at most 10000 h")
    return seconds


# ---------------------------------------------------------------- people


@dataclass
class Person:
    """Someone the user hands work to: an ongoing team member (outsourcing) or a one-off contractor (out-tasking),
    paid by the hour (`rate`) or a fixed price per task (`fixed`). The rate and currency are dated like an
    engagement's terms: `changes` holds each change with the day it applies from."""

    id: int
    name: str
    kind: str = ONGOING
    rate: Decimal | None = None
    currency: str | None = None
    fixed: bool = False  # paid a fixed price per task by default
    contact: str = ""
    stale_days: int | None = None  # None: the boundary (3 days)
    archived: bool = False
    added: date | None = None
    changes: list[dict] = field(default_factory=list)

    def validate(self) -> Person:
        self.name = check_name(self.name)
        if self.kind not in PERSON_KINDS:
            raise ValidationError(f"a person is ongoing (a team member) or one-off (a contractor), not '{self.kind}'")
        if self.rate is not None:
            self.rate = check_rate(self.rate)
        if self.currency is not None:
            self.currency = check_currency(self.currency)
        self.contact = check_text(self.contact, "the contact", 300).strip()
        if self.stale_days is not None:
            days = check_hours(self.stale_days, "--stale-days", most=365, unit="days")
            if days != int(days) or days < 1:
                raise ValidationError("--stale-days takes whole days from 1 to 365, e.g. 3")
            self.stale_days = int(days)
        for change in self.changes:
            check_day(date.fromisoformat(change["from"]), "a rate change")
        return self

    def terms_on(self, day: date) -> Person:
        """This person with the rate and currency in force on `day`."""
        values: dict[str, object] = {}
        for change in sorted(self.changes, key=lambda item: item["from"]):
            if date.fromisoformat(change["from"]) <= day:
                values.update({key: value for key, value in change.items() if key != "from"})
        if values.get("rate") is not None:
            values["rate"] = Decimal(str(values["rate"]))
        return replace(self, **values) if values else self  # type: ignore[arg-type]

    def with_change(self, start: date, **terms: object) -> Person:
        """This person with `terms` (rate, currency) changed from `start` on; earlier days keep theirs."""
        kept = [change for change in self.changes if change["from"] != start.isoformat()]
        earlier = [change for change in kept if change["from"] < start.isoformat()]
        later = [change for change in kept if change["from"] > start.isoformat()]
        doc = {"from": start.isoformat(), **{k: None if v is None else str(v) for k, v in terms.items()}}
        return replace(self, changes=[*earlier, doc, *later])

    def rate_history(self) -> list[tuple[date | None, Decimal | None, str | None]]:
        """(from, rate, currency) for the first terms and each dated change."""
        found: list[tuple[date | None, Decimal | None, str | None]] = [(None, self.rate, self.currency)]
        for change in sorted(self.changes, key=lambda item: item["from"]):
            day = date.fromisoformat(change["from"])
            now = self.terms_on(day)
            found.append((day, now.rate, now.currency))
        return found

    def to_doc(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "rate": None if self.rate is None else str(self.rate),
            "currency": self.currency,
            "fixed": self.fixed,
            "contact": self.contact,
            "stale_days": self.stale_days,
            "archived": self.archived,
            "added": None if self.added is None else self.added.isoformat(),
            "changes": [dict(change) for change in self.changes],
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: dict) -> Person:
        return cls(
            id=int(doc_id),
            name=str(doc["name"]),
            kind=str(doc.get("kind", ONGOING)),
            rate=None if doc.get("rate") is None else Decimal(str(doc["rate"])),
            currency=doc.get("currency"),
            fixed=bool(doc.get("fixed", False)),
            contact=str(doc.get("contact", "")),
            stale_days=doc.get("stale_days"),
            archived=bool(doc.get("archived", False)),
            added=None if doc.get("added") is None else date.fromisoformat(doc["added"]),
            changes=[dict(change) for change in doc.get("changes", [])],
        )


# ---------------------------------------------------------------- tasks and their updates


@dataclass(frozen=True)
class Update:
    """A status update: when it came, the status it moved to, a note, and the hours the person reports for it."""

    at: datetime
    status: str
    note: str = ""
    seconds: int = 0  # reported hours, in seconds

    def to_doc(self) -> dict:
        return {"at": format_moment(self.at), "status": self.status, "note": self.note, "seconds": self.seconds}

    @classmethod
    def from_doc(cls, doc: dict) -> Update:
        seconds = doc.get("seconds", 0)
        if not (isinstance(seconds, int) and not isinstance(seconds, bool)):
            raise ValueError("an update's reported seconds are not a whole number")
        return cls(parse_stored_moment(doc["at"]), str(doc["status"]), str(doc.get("note", "")), seconds)


@dataclass
class Task:
    """Work handed on to a person, for one of the user's engagements (`for_id`) or their own business (None).

    Its cost is its fixed `price` (when done), or the hours the person reports at their rate on the day of each
    update (`hourly`). A task with `repeat` is a recurring template: planner creates one task per occurrence, due on
    that day, each once (`series_id` and `occurrence` name where it came from)."""

    id: int
    title: str
    person_id: int
    for_id: int | None = None
    due: date | None = None
    estimate: int | None = None  # seconds
    price: Decimal | None = None
    currency: str | None = None  # the price's; None: the person's
    brief: str = ""
    checklist: list[dict] = field(default_factory=list)  # [{"text": ..., "done": bool}]
    status: str = DRAFT
    history: list[Update] = field(default_factory=list)
    created: datetime | None = None
    repeat: str | None = None
    series_id: int | None = None
    occurrence: date | None = None
    playbook: str | None = None
    skipped: list[date] = field(default_factory=list)  # a series: occurrences removed, never made again

    @property
    def open(self) -> bool:
        return self.status not in CLOSED

    @property
    def reported_seconds(self) -> int:
        return sum(update.seconds for update in self.history)

    @property
    def last_update(self) -> datetime | None:
        """When the task last moved: its last status update, else its creation."""
        if self.history:
            return max(update.at for update in self.history)
        return self.created

    @property
    def done_at(self) -> datetime | None:
        """When it was last marked done (None while it is not done)."""
        if self.status != DONE:
            return None
        return max((u.at for u in self.history if u.status == DONE), default=None)

    def as_of(self, moment: datetime) -> Task | None:
        """The task as it stood at `moment`: its status and reported hours then; None before it was created. (Its
        creation is the first entry of its history.)"""
        if self.created is not None and self.created > moment:
            return None
        history = [update for update in self.history if update.at <= moment]
        return replace(self, history=history, status=history[-1].status if history else self.status)

    def validate(self) -> Task:
        self.title = check_text(self.title, "the title", 200).strip()
        if not self.title:
            raise ValidationError("a task needs a title, e.g. 'logo redesign'")
        if self.due is not None:
            check_day(self.due, f"the due day {self.due.isoformat()}")
        if self.price is not None:
            self.price = check_amount(self.price, "--price")
        if self.currency is not None:
            self.currency = check_currency(self.currency)
        self.brief = check_text(self.brief, "the brief", MAX_BRIEF, lines=True)
        if len(self.checklist) > MAX_CHECKLIST:
            raise ValidationError(f"a checklist holds at most {MAX_CHECKLIST} items")
        for item in self.checklist:
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValidationError("a checklist item has no text")
            if not isinstance(item.get("done", False), bool):
                raise ValidationError("a checklist item is neither done nor open")
            item["text"] = check_text(item["text"], "a checklist item", 300).strip()
            if not item["text"]:
                raise ValidationError("a checklist item is empty; give it a few words")
            item["done"] = bool(item.get("done", False))
        self.status = check_status(self.status)
        if self.estimate is not None and not (isinstance(self.estimate, int) and 0 < self.estimate <= MAX_SECONDS):
            raise ValidationError("the estimate is not a duration of more than 0 and at most 10000 h")
        for update in self.history:
            check_status(update.status)
            if not 0 <= update.seconds <= MAX_UPDATE_SECONDS:
                raise ValidationError("an update reports hours out of range (0 to 744 h)")
        return self

    def to_doc(self) -> dict:
        return {
            "title": self.title,
            "person_id": self.person_id,
            "for_id": self.for_id,
            "due": None if self.due is None else self.due.isoformat(),
            "estimate": self.estimate,
            "price": None if self.price is None else str(self.price),
            "currency": self.currency,
            "brief": self.brief,
            "checklist": [dict(item) for item in self.checklist],
            "status": self.status,
            "history": [update.to_doc() for update in self.history],
            "created": None if self.created is None else format_moment(self.created),
            "repeat": self.repeat,
            "series_id": self.series_id,
            "occurrence": None if self.occurrence is None else self.occurrence.isoformat(),
            "playbook": self.playbook,
            **({"skipped": [day.isoformat() for day in self.skipped]} if self.skipped else {}),
        }

    @classmethod
    def from_doc(cls, doc_id: int, doc: dict) -> Task:
        return cls(
            id=int(doc_id),
            title=str(doc["title"]),
            person_id=int(doc["person_id"]),
            for_id=doc.get("for_id"),
            due=None if doc.get("due") is None else date.fromisoformat(doc["due"]),
            estimate=doc.get("estimate"),
            price=None if doc.get("price") is None else Decimal(str(doc["price"])),
            currency=doc.get("currency"),
            brief=str(doc.get("brief", "")),
            checklist=[dict(item) for item in doc.get("checklist", [])],
            status=str(doc.get("status", DRAFT)),
            history=[Update.from_doc(item) for item in doc.get("history", [])],
            created=None if doc.get("created") is None else parse_stored_moment(doc["created"]),
            repeat=doc.get("repeat"),
            series_id=doc.get("series_id"),
            occurrence=None if doc.get("occurrence") is None else date.fromisoformat(doc["occurrence"]),
            playbook=doc.get("playbook"),
            skipped=[date.fromisoformat(day) for day in doc.get("skipped", [])],
        )


def apply_update(task: Task, update: Update, *, reopen: bool = False) -> Task:
    """The task after a status update. A done or cancelled task takes no update unless it is reopened (to an open
    status); an update before the task's last one or before its creation is refused, so a history reads in order."""
    status = check_status(update.status)
    if not task.open and not reopen:
        raise ValidationError(
            f"task {task.id} is {task.status}; reopen it first (--reopen with an open status, e.g. --status "
            "in-progress)"
        )
    if reopen and status in CLOSED:
        raise ValidationError("--reopen moves a task back to an open status: draft, sent, in-progress or review")
    if reopen and task.open:
        raise ValidationError(f"task {task.id} is {task.status}, not done or cancelled; drop --reopen")
    last = task.last_update
    if last is not None and update.at < last:
        raise ValidationError(
            f"this update is dated before the task's last one ({format_moment(last)}); give a later --at"
        )
    if update.seconds < 0 or update.seconds > MAX_UPDATE_SECONDS:
        raise ValidationError("--hours reports 0 to 744 hours (a month) in one update")
    note = check_text(update.note, "the note", MAX_NOTE).strip()
    return replace(task, status=status, history=[*task.history, replace(update, status=status, note=note)])


def stale_after(person: Person | None, default: int) -> timedelta:
    days = person.stale_days if person is not None and person.stale_days is not None else default
    return timedelta(days=days)


@dataclass
class Playbook:
    """A reusable brief (and checklist) for recurring work: `task add --from NAME` copies it."""

    name: str
    brief: str = ""
    checklist: list[str] = field(default_factory=list)

    def validate(self) -> Playbook:
        self.name = check_name(self.name)
        self.brief = check_text(self.brief, "the brief", MAX_BRIEF, lines=True)
        self.checklist = [check_text(item, "a checklist item", 300).strip() for item in self.checklist]
        return self

    def to_doc(self) -> dict:
        return {"name": self.name, "brief": self.brief, "checklist": list(self.checklist)}

    @classmethod
    def from_doc(cls, doc: dict) -> Playbook:
        return cls(str(doc["name"]), str(doc.get("brief", "")), [str(item) for item in doc.get("checklist", [])])


def checklist_of(brief: str) -> list[dict]:
    """The checklist a markdown brief holds: its `- [ ]` and `- [x]` lines."""
    found = []
    for line in brief.splitlines():
        text = line.strip()
        for mark, done in (("- [ ]", False), ("- [x]", True), ("- [X]", True), ("* [ ]", False), ("* [x]", True)):
            if text.startswith(mark):
                found.append({"text": text[len(mark) :].strip(), "done": done})
    return found
