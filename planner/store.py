"""Persistence: the only module that touches TinyDB or the data files.

Layout of a data directory::

    planner.json           engagements, recurring series, boundaries, settings, id counters, the running timer
    logs/YYYY-MM.json      log entries starting in that month (UTC)
    blocks/YYYY-MM.json    one-off planned blocks dated in that month
    .lock                  the lock every change holds

Every change is one transaction: take the exclusive lock, read each file it needs fresh (a new TinyDB over a storage
that lives only as long as the transaction, so no cached id or table goes stale across processes), change it in
memory, then commit. Commit writes each changed file to a temporary file in the same folder, fsyncs it, and renames it
over the old one. When a transaction changes more than one file, a journal naming the renames is made durable first,
so that a crash midway is rolled forward by the next command and the files never disagree. A file that does not parse
or is not planner's stops the command and is never overwritten.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from planner.errors import PlannerError, StoreError, ValidationError
from planner.files import TMP_SUFFIX, fsync_dir, write_temp
from planner.layout import (
    APP,
    JOURNAL_FILE,
    LOCK_FILE,
    MAIN_FILE,
    SCHEMA,
    SHARD_KINDS,
    _os_problem,
    _read_file,
    check_layout,
    data_folder,
    seal,
)
from planner.model import (
    DATED_TERMS,
    DAY_NAMES,
    DEFAULT_CURRENCY,
    MAX_LOG_SPAN,
    NUMBER_BOUNDARIES,
    OUTBOUND,
    PALETTE,
    Block,
    BoardSettings,
    Boundaries,
    DayOff,
    Engagement,
    FxRate,
    IncomeEntry,
    LogEntry,
    Milestone,
    WorkWindow,
    check_amount,
    check_currency,
    check_hours,
    check_rate,
    check_round,
)
from planner.schedule import (
    check_day,
    check_rrule,
    check_series_wall_times,
    check_wall_times,
    expand_rrule,
    first_within,
    format_clock,
    format_local,
    month_before,
    month_key,
    next_month,
    now,
    parse_stored_moment,
    shift_month_key,
    span_of_days,
    to_local,
    week_label,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from planner.backups import Backup
    from planner.delegation import Person, Playbook, Task, Update
    from planner.week import Week

#: Tables a change may not empty by accident: more than half of a month file's entries, or any engagement, going at
#: once is refused unless the change is a deliberate delete (engagements are never deleted).
GUARDED_TABLES = ("logs", "blocks", "engagements")
LOCK_TIMEOUT = 15.0

#: Upgrades of a file's documents from one schema to the next: MIGRATIONS[n] turns schema n into n + 1.
MIGRATIONS: dict[int, object] = {}


# ---------------------------------------------------------------- files


def _what_to_do(path: Path) -> str:
    return f"planner will not touch it: restore {path.name} from a backup or move it away, then try again"


#: Files whose every record was found sound, by path: the identity of the file as it was then. A board that reads
#: the same month files again and again checks them once; any write gives a file a new identity.
_SOUND: dict[Path, tuple[int, ...]] = {}


def _load(path: Path, kind: str, period: str | None) -> dict:
    """Read and check one data file, and every record in it; a missing file is an empty document of the right
    kind. (The seal that lets `status` skip this is never trusted here: a checksum anyone can write again is no
    proof, and what a command reads it may write back.)"""
    read = _read_file(path)
    if read is None:
        fresh: dict[str, object] = {"app": APP, "schema": SCHEMA, "kind": kind}
        if period:
            fresh["period"] = period
        return {"_meta": {"1": fresh}}
    raw, identity = read
    if not raw.strip():
        raise StoreError(f"{path} is empty; {_what_to_do(path)}")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        if isinstance(exc, RecursionError):
            where = " (nested too deeply)"
        raise StoreError(f"{path} is not valid JSON{where}; {_what_to_do(path)}") from None
    header = data.get("_meta") if isinstance(data, dict) else None
    meta = header.get("1") if isinstance(header, dict) else None
    if not isinstance(meta, dict) or meta.get("app") != APP:
        raise StoreError(f"{path} is not a planner data file; {_what_to_do(path)}")
    schema = meta.get("schema")
    if not isinstance(schema, int) or meta.get("kind") != kind:
        raise StoreError(f"{path} is a planner file of an unknown shape; {_what_to_do(path)}")
    if schema > SCHEMA:
        raise StoreError(
            f"{path} was written by a newer planner (schema {schema}, this one reads {SCHEMA}); upgrade planner"
        )
    damaged = _damaged_table(data)
    if damaged is not None:
        raise StoreError(f"{path} has a damaged table '{damaged}'; {_what_to_do(path)}")
    while schema < SCHEMA:
        migrate = MIGRATIONS[schema]
        data = migrate(data)  # type: ignore[operator]
        schema += 1
        data["_meta"]["1"]["schema"] = schema
    if _SOUND.get(path) != identity:
        _check_records(path, kind, data)
        if len(_SOUND) > 4096:
            _SOUND.clear()
        _SOUND[path] = identity
    return data


def _damaged_table(data: dict) -> str | None:
    """The name of the first table that is not a mapping of documents, or None when all are sound."""
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            return name
    return None


# ---------------------------------------------------------------- records

_RECORD_ID = re.compile(r"^[1-9][0-9]{0,17}$")
#: Ids are whole numbers of up to 18 digits (as the keys of every table): one past the largest.
MAX_ID = 10**18


def _check_records(path: Path, kind: str, data: dict) -> None:
    """Check every record of a data file with the model's own validation, so that no command ever meets a bad one
    (and none is silently left out): one bad record makes the whole file damaged, and the error names it."""
    for table, noun, check in _RECORD_CHECKS[kind]:
        for key, doc in data.get(table, {}).items():
            try:
                _need(_RECORD_ID.match(key), "its id is not a whole number")
                check(key, doc)
            except (
                PlannerError,
                ValueError,
                KeyError,
                TypeError,
                AttributeError,
                ArithmeticError,
                RecursionError,
            ) as exc:
                shown = key if _RECORD_ID.match(key) else repr(key)
                raise StoreError(
                    f"{path} holds a damaged {noun} {shown}: {_reason(exc)}; {_what_to_do(path)}"
                ) from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"it has no '{exc.args[0]}'"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, ArithmeticError):  # decimal.InvalidOperation and its kin: Python's words are no help here
        return "an amount in it is not a number"
    text = str(exc) or type(exc).__name__
    if text.startswith("Invalid isoformat string: "):
        return f"{text.removeprefix('Invalid isoformat string: ')} is not a date or time"
    if text.endswith(("must be in 1..12", "is out of range for month")) or text.startswith("day is out of range"):
        return f"a date in it does not exist ({text})"
    return text if len(text) <= 160 else text[:157] + "..."


def _need(condition: object, problem: str) -> None:
    if not condition:
        raise ValueError(problem)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and value == value and abs(value) != float("inf")
    )


def _in_years(*days: date) -> None:
    """Dates the model's validation does not see (exception dates, dated terms, locks) kept to the days planner
    keeps; the model checks a block's date, an entry's moments and a deadline itself."""
    for day in days:
        check_day(day, f"the date {day.isoformat()}")


def _check_log(key: str, doc: dict, *, running: bool = False) -> LogEntry:
    # The common case in one expression (month files hold thousands of entries); the slow path says what is wrong.
    get = doc.get
    tags = get("tags", [])
    block_id = get("block_id")
    if not (
        type(get("engagement_id")) is int
        and type(get("start")) is str
        and (get("end") is None if running else type(get("end")) is str)
        and type(get("note", "")) is str
        and type(tags) is list
        and all(type(tag) is str for tag in tags)
        and type(get("billable", True)) is bool
        and (block_id is None or type(block_id) is int)
        and type(get("task_id", 0)) is int
    ):
        _explain_log(doc, running)
    try:
        entry = LogEntry.from_doc(int(key), doc)
    except ValueError:
        for name in ("start", "end"):
            if doc.get(name) is not None:
                _moment(doc[name], name)
        raise
    return entry.validate()  # its moments within the days planner keeps, among the rest


def _moment(text: str, name: str) -> None:
    try:
        parse_stored_moment(text)
    except ValueError:
        raise ValueError(f"its {name} {text!r} is not a moment with its UTC offset") from None


def _explain_log(doc: dict, running: bool) -> None:
    _need(_is_int(doc.get("engagement_id")), "its engagement_id is not a whole number")
    _need(isinstance(doc.get("start"), str), "its start is not a moment")
    if running:
        _need(doc.get("end") is None, "the running timer has an end")
    else:
        _need(doc.get("end") is not None, "it has no end (only the running timer, in planner.json, may lack one)")
        _need(isinstance(doc["end"], str), "its end is not a moment")
    _need(isinstance(doc.get("note", ""), str), "its note is not text")
    tags = doc.get("tags", [])
    _need(isinstance(tags, list) and all(isinstance(tag, str) for tag in tags), "its tags are not a list of words")
    _need(isinstance(doc.get("billable", True), bool), "its billable is not true or false")
    _need(doc.get("block_id") is None or _is_int(doc["block_id"]), "its block_id is not a whole number")
    _need(doc.get("task_id") is None or _is_int(doc["task_id"]), "its task_id is not a whole number")


def _check_block(key: str, doc: dict, *, series: bool = False) -> Block:
    _need(_is_int(doc.get("engagement_id")), "its engagement_id is not a whole number")
    for field_name in ("date", "start", "end"):
        _need(isinstance(doc.get(field_name), str), f"its {field_name} is not text")
    for field_name in ("title", "notes"):
        _need(isinstance(doc.get(field_name, ""), str), f"its {field_name} is not text")
    exdates = doc.get("exdates", [])
    _need(isinstance(exdates, list) and all(isinstance(day, str) for day in exdates), "its exdates are not dates")
    _check_source(doc.get("source"))
    owner = doc.get("occurrence_of")
    _need(
        owner is None
        or (isinstance(owner, dict) and _is_int(owner.get("series")) and isinstance(owner.get("date"), str)),
        "its occurrence_of is not a series and a date",
    )
    block = Block.from_doc(int(key), doc).validate()
    _in_years(*block.exdates)
    if series:
        _need(isinstance(block.repeat, str) and block.repeat, "it has no repeat rule")
        check_rrule(block.repeat, block.day)  # type: ignore[arg-type]
    return block


def _check_numbers(doc: dict, hours: tuple[str, ...]) -> None:
    """An engagement's (or a dated change's) amounts of money, numbers or exact decimals kept as text, and its
    `hours` fields, numbers only."""
    for name in ("rate", "fee", "overage", "salary"):
        value = doc.get(name)
        _need(value is None or isinstance(value, str) or _is_number(value), f"its {name} is not a number")
    for name in hours:
        value = doc.get(name)
        _need(value is None or _is_number(value), f"its {name} is not a number")


def _check_engagement(key: str, doc: dict) -> None:
    for field_name in ("name", "kind"):
        _need(isinstance(doc.get(field_name), str), f"its {field_name} is not text")
    for field_name in (
        "currency",
        "round_mode",
        "window",
        "deadline",
        "colour",
        "start",
        "added",
        "model",
        "per",
        "done",
    ):
        _need(doc.get(field_name) is None or isinstance(doc[field_name], str), f"its {field_name} is not text")
    _check_numbers(doc, ("hours", "cap", "budget", "covers"))
    _need(_is_int(doc.get("round_minutes", 1)), "its round_minutes is not a whole number")
    _need(doc.get("remind_before") is None or _is_int(doc["remind_before"]), "its remind_before is not whole minutes")
    for field_name in ("one_off", "archived", "carry"):
        _need(isinstance(doc.get(field_name, False), bool), f"its {field_name} is not true or false")
    changes = doc.get("changes", [])
    _need(isinstance(changes, list) and all(isinstance(change, dict) for change in changes), "its changes are damaged")
    for change in changes:
        _need(isinstance(change.get("from"), str), "a change of its terms has no date")
        unknown = set(change) - {"from", *DATED_TERMS}
        _need(not unknown, f"a change of its terms holds {', '.join(sorted(map(str, unknown)))}")
        _check_numbers(change, ("hours", "cap", "covers"))
        for term in ("window", "currency", "round_mode", "model", "per"):
            _need(change.get(term) is None or isinstance(change[term], str), f"its {term} is not text")
        _need(_is_int(change.get("round_minutes", 1)), "its round_minutes is not a whole number")
    engagement = Engagement.from_doc(int(key), doc).validate()
    for change in engagement.changes:
        day = date.fromisoformat(change["from"])
        _in_years(day)
        engagement.terms_on(day).validate()


def _check_source(source: object) -> None:
    """A block's or day off's `source`: None, or a record of text (and a part number) naming a calendar event."""
    if source is None:
        return
    _need(isinstance(source, dict) and source.get("kind") == "ics", "its source is not a calendar event")
    assert isinstance(source, dict)
    _need(isinstance(source.get("uid"), str) and source["uid"], "its source has no event UID")
    _need(source.get("recurrence_id") is None or isinstance(source["recurrence_id"], str), "its source is damaged")
    _need(_is_int(source.get("part", 0)) and source.get("part", 0) >= 0, "its source part is not a whole number")


def _check_day_off(key: str, doc: dict) -> None:
    _need(isinstance(doc.get("date"), str), "its date is not text")
    _need(isinstance(doc.get("title", ""), str), "its title is not text")
    _check_source(doc.get("source"))
    _in_years(DayOff.from_doc(doc).day)


def _check_series(key: str, doc: dict) -> None:
    _check_block(key, doc, series=True)


def _check_state(key: str, doc: dict) -> None:
    for counter in ("next_log", "next_block", "next_task"):
        value = doc.get(counter, 1)
        _need(_is_int(value) and 1 <= value <= MAX_ID, f"its {counter.replace('_', ' ')} id is not a whole number")
    _need(isinstance(doc.get("usage_ready", False), bool), "its usage_ready is not true or false")
    calendar = doc.get("calendar_id")
    _need(
        calendar is None or (isinstance(calendar, str) and re.fullmatch(r"[0-9a-f]{16}", calendar) is not None),
        "its calendar id is not 16 hexadecimal digits",
    )
    timer = doc.get("timer")
    if timer is None or timer == {}:
        return
    _need(isinstance(timer, dict), "the running timer is not a record")
    _need(
        _is_int(timer.get("id")) and 1 <= timer["id"] < MAX_ID,
        "the running timer's id is not a whole number of up to 18 digits",
    )
    try:
        _check_log(str(timer["id"]), timer, running=True)
    except (PlannerError, ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
        raise ValueError(f"the running timer: {_reason(exc)}") from None


def _check_boundaries(key: str, doc: dict) -> None:
    for field_name in NUMBER_BOUNDARIES:
        value = doc.get(field_name)
        _need(value is None or _is_number(value), f"its {field_name} is not a number")
    _need(isinstance(doc.get("protect_windows", True), bool), "its protect_windows is not true or false")
    days_off = doc.get("days_off", [])
    _need(isinstance(days_off, list) and all(day in DAY_NAMES for day in days_off), "its days_off are not days")
    _need(doc.get("latest") is None or isinstance(doc["latest"], str), "its latest is not a time of day")
    _need(doc.get("min_rate") is None or isinstance(doc["min_rate"], str), "its min_rate is not text")
    _need(isinstance(doc.get("concentration_basis", "hours"), str), "its concentration_basis is not text")
    boundaries = Boundaries.from_doc(doc)
    text: dict[str, str | bool] = {
        field_name: "none" if getattr(boundaries, field_name) is None else repr(float(getattr(boundaries, field_name)))
        for field_name in NUMBER_BOUNDARIES
    }
    text["days_off"] = ",".join(DAY_NAMES[day] for day in boundaries.days_off) or "none"
    text["latest"] = "none" if boundaries.latest is None else format_clock(boundaries.latest)
    text["protect_windows"] = boundaries.protect_windows
    text["concentration_basis"] = boundaries.concentration_basis
    text["min_rate"] = "none" if boundaries.min_rate is None else str(boundaries.min_rate)
    Boundaries().updated(text)  # the checks input gets


def _check_settings(key: str, doc: dict) -> None:
    for field_name in ("day_start", "day_end", "name", "email", "task", "currency"):
        _need(doc.get(field_name) is None or isinstance(doc[field_name], str), f"its {field_name} is not text")
    if doc.get("currency") is not None:
        check_currency(doc["currency"])
    _need(_is_int(doc.get("slot", 30)), "its slot is not a whole number of minutes")
    BoardSettings.from_settings(doc).validate()


def _check_lock(key: str, doc: dict) -> None:
    _need(isinstance(doc.get("week"), str), "its week is not a date")
    _need(doc.get("engagement_id") is None or _is_int(doc["engagement_id"]), "its engagement_id is not a whole number")
    totals = doc.get("totals")
    _need(totals is None or isinstance(totals, dict), "its frozen totals are damaged")
    for engagement_id, figures in (totals or {}).items():
        _need(isinstance(engagement_id, str) and engagement_id.isdigit(), "its frozen totals name no engagement")
        _need(isinstance(figures, dict), "its frozen totals are damaged")
        for name in ("seconds", "billable_seconds", "non_billable_seconds", "billed_seconds"):
            _need(_is_int(figures.get(name)), f"its frozen {name} are not a whole number")
        amounts = figures.get("amounts_minor")
        _need(
            isinstance(amounts, dict) and all(isinstance(c, str) and _is_int(v) for c, v in amounts.items()),
            "its frozen amounts are damaged",
        )
    try:
        lock = Lock.from_doc(doc)
    except ValueError:
        raise ValueError(f"its week {doc['week']!r} is not a date") from None
    _need(lock.monday.weekday() == 0, f"its week {lock.monday.isoformat()} does not start on a Monday")
    _in_years(lock.monday)


def _check_usage(key: str, doc: dict) -> None:
    _need(_is_number(doc.get("seconds")), "its seconds are not a number")


def _check_export(key: str, doc: dict) -> None:
    for name in ("first", "last"):
        _need(isinstance(doc.get(name), str), f"its {name} day is not text")
        _in_years(date.fromisoformat(doc[name]))
    ids = doc.get("engagement_ids")
    _need(ids is None or (isinstance(ids, list) and all(_is_int(item) for item in ids)), "its engagements are damaged")


def _check_income(key: str, doc: dict) -> None:
    _need(_is_int(doc.get("engagement_id")), "its engagement is not an id")
    _need(isinstance(doc.get("date"), str) and isinstance(doc.get("amount"), str), "its date or amount is not text")
    _need(doc.get("currency") is None or isinstance(doc["currency"], str), "its currency is not text")
    _need(isinstance(doc.get("note", ""), str), "its note is not text")
    IncomeEntry.from_doc(int(key), doc).validate()


def _check_milestone(key: str, doc: dict) -> None:
    _need(_is_int(doc.get("engagement_id")), "its engagement is not an id")
    _need(isinstance(doc.get("title"), str) and isinstance(doc.get("fee"), str), "its title or fee is not text")
    for name in ("due", "done"):
        _need(doc.get(name) is None or isinstance(doc[name], str), f"its {name} day is not text")
    Milestone.from_doc(int(key), doc).validate()


def _check_fx(key: str, doc: dict) -> None:
    for name in ("currency", "base", "rate", "from"):
        _need(isinstance(doc.get(name), str), f"its {name} is not text")
    FxRate.from_doc(doc).validate()


def _check_person(key: str, doc: dict) -> None:
    from planner.delegation import Person

    _need(isinstance(doc.get("name"), str), "its name is not text")
    _need(isinstance(doc.get("changes", []), list), "its rate changes are not a list")
    for change in doc.get("changes", []):
        _need(isinstance(change, dict) and isinstance(change.get("from"), str), "a rate change has no day")
    person = Person.from_doc(int(key), doc).validate()
    for day, _rate, _currency in person.rate_history():
        if day is not None:
            person.terms_on(day).validate()


def _check_task(key: str, doc: dict) -> None:
    from planner.delegation import Task

    _need(_is_int(doc.get("person_id")), "its person is not an id")
    _need(doc.get("for_id") is None or _is_int(doc["for_id"]), "its engagement is not an id")
    _need(isinstance(doc.get("title"), str), "its title is not text")
    _need(isinstance(doc.get("history", []), list), "its history is not a list")
    _need(isinstance(doc.get("checklist", []), list), "its checklist is not a list")
    _need(doc.get("estimate") is None or _is_int(doc["estimate"]), "its estimate is not a whole number of seconds")
    task = Task.from_doc(int(key), doc).validate()
    if task.repeat:
        check_rrule(task.repeat, task.due or date(2000, 1, 1))


def _check_playbook(key: str, doc: dict) -> None:
    from planner.delegation import Playbook

    _need(isinstance(doc.get("name"), str) and isinstance(doc.get("brief", ""), str), "its name or brief is not text")
    _need(isinstance(doc.get("checklist", []), list), "its checklist is not a list")
    Playbook.from_doc(doc).validate()


def _check_reminded(key: str, doc: dict) -> None:
    _need(isinstance(doc.get("key"), str) and isinstance(doc.get("at"), str), "its key or time is not text")


#: For each kind of data file: (table, what a record of it is called, its check).
_RECORD_CHECKS: dict[str, list[tuple[str, str, Callable[..., object]]]] = {
    "main": [
        ("engagements", "engagement", _check_engagement),
        ("series", "series", _check_series),
        ("state", "state record", _check_state),
        ("boundaries", "boundaries record", _check_boundaries),
        ("settings", "settings record", _check_settings),
        ("locks", "lock", _check_lock),
        ("usage", "logged total of engagement", _check_usage),
        ("days_off", "day off", _check_day_off),
        ("exports", "export record", _check_export),
        ("reminded", "shown reminder", _check_reminded),
        ("income", "income entry", _check_income),
        ("milestones", "milestone", _check_milestone),
        ("fx", "exchange rate", _check_fx),
        ("people", "person", _check_person),
        ("tasks", "task", _check_task),
        ("playbooks", "playbook", _check_playbook),
    ],
    "logs": [("logs", "log", _check_log)],
    "blocks": [("blocks", "block", _check_block)],
}


def load_data_file(path: Path, file: Path) -> dict:
    """Read and check the data file at `path` whose place in a data folder is `file` (planner.json, logs/…, or
    blocks/…), which says what kind of file it must be."""
    kind = file.parent.name if file.parent.name in SHARD_KINDS else "main"
    return _load(path, kind, file.stem if kind != "main" else None)


def _encode(data: dict, path: Path) -> bytes:
    """The bytes of a data file, only when the document is one planner can read back."""
    meta = data.get("_meta", {}).get("1")
    if not isinstance(meta, dict) or meta.get("app") != APP or meta.get("schema") != SCHEMA:
        raise StoreError(f"refusing to write {path}: the document lost its planner header (a bug; nothing written)")
    damaged = _damaged_table(data)
    if damaged is not None:
        raise StoreError(f"refusing to write {path}: its table '{damaged}' is damaged (a bug; nothing written)")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _TxStorage(Storage):
    """A TinyDB storage scoped to one transaction: read once under the lock, written back only on commit."""

    def __init__(self, path: Path, kind: str, period: str | None = None) -> None:
        self.path = path
        self.kind = kind
        self.period = period
        self.data: dict | None = None
        self.dirty = False
        self.counts: dict[str, int] = {}  # documents per guarded table as read

    def read(self) -> dict:
        if self.data is None:
            self.data = _load(self.path, self.kind, self.period)
            self.counts = {name: len(table) for name, table in self.data.items() if name in GUARDED_TABLES}
        return self.data

    def dropped(self) -> tuple[str, int, int] | None:
        """(table, before, after) when this change would drop more than half of a guarded table's documents."""
        for name, before in self.counts.items():
            after = len((self.data or {}).get(name, {}))
            if (name == "engagements" and after < before) or (before >= 2 and after * 2 < before):
                return name, before, after
        return None

    def write(self, data: dict) -> None:
        self.data = data
        self.dirty = True

    def close(self) -> None:
        pass


class _Tx:
    """One read or read-modify-write of the data directory."""

    def __init__(self, root: Path, write: bool, deliberate: bool = False) -> None:
        self.root = root
        self.write = write
        self.deliberate = deliberate  # a delete the person asked for: it may empty a month file
        self._dbs: dict[Path, tuple[TinyDB, _TxStorage]] = {}
        self._months: dict[str, list[str]] = {}

    def _db(self, path: Path, kind: str, period: str | None = None) -> TinyDB:
        entry = self._dbs.get(path)
        if entry is None:
            storage = _TxStorage(path, kind, period)
            entry = (TinyDB(storage=lambda: storage), storage)
            self._dbs[path] = entry
        return entry[0]

    def main(self) -> TinyDB:
        return self._db(self.root / MAIN_FILE, "main")

    def shard(self, kind: str, month: str) -> TinyDB:
        return self._db(self.root / kind / f"{month}.json", kind, month)

    def months(self, kind: str) -> list[str]:
        """Month keys of the shards of `kind` that exist, oldest first."""
        if kind not in self._months:
            try:
                names = os.listdir(self.root / kind)
            except FileNotFoundError:
                names = []
            self._months[kind] = sorted(
                name[:-5] for name in names if name.endswith(".json") and not name.startswith(".")
            )
        return self._months[kind]

    def state(self) -> dict:
        return dict(self.main().table("state").get(doc_id=1) or {})

    def set_state(self, **changes: Any) -> None:
        table = self.main().table("state")
        state = self.state()
        state.update(changes)
        table.upsert(Document(state, doc_id=1))

    def allocate(self, counter: str) -> int:
        """A fresh id from one of the global counters (ids stay unique across every shard)."""
        value = int(self.state().get(counter, 1))
        self.set_state(**{counter: value + 1})
        return value

    def commit(self) -> None:
        from planner.backups import BACKUP_DIR, before_change

        dirty = [storage for _, storage in self._dbs.values() if storage.dirty]
        if not dirty:
            return
        for storage in dirty:
            dropped = storage.dropped()
            if dropped and not (self.deliberate and dropped[0] != "engagements"):
                table, before, after = dropped
                raise StoreError(
                    f"refusing to write {storage.path}: this change would leave {after} of its {before} {table} "
                    "(a fault, not something you asked for); nothing was written"
                )
        renames: list[tuple[Path, Path]] = []
        payloads: dict[str, bytes] = {}
        try:
            before_change(self.root, [storage.path.relative_to(self.root) for storage in dirty], now())
        except OSError as exc:
            raise StoreError(
                f"could not back up {self.root} before writing: {exc.strerror}; nothing was changed. "
                f"Free some space or fix the permissions of {self.root / BACKUP_DIR}"
            ) from None
        try:
            for storage in dirty:
                storage.path.parent.mkdir(mode=0o700, exist_ok=True)
                payload = _encode(storage.read(), storage.path)
                payloads[storage.path.relative_to(self.root).as_posix()] = payload
                renames.append((write_temp(storage.path, payload), storage.path))
        except OSError as exc:
            for tmp, _ in renames:
                tmp.unlink(missing_ok=True)
            raise StoreError(
                f"could not write {exc.filename or self.root}: {exc.strerror}; nothing was changed"
            ) from None
        journal = self.root / JOURNAL_FILE
        if len(renames) > 1:
            record = {
                "renames": [
                    [str(tmp.relative_to(self.root)), str(final.relative_to(self.root))] for tmp, final in renames
                ]
            }
            journal_tmp = write_temp(journal, json.dumps(record).encode())
            os.replace(journal_tmp, journal)
            fsync_dir(self.root)
        for tmp, final in renames:
            os.replace(tmp, final)
        for folder in {final.parent for _, final in renames}:
            fsync_dir(folder)
        if len(renames) > 1:
            journal.unlink()
            fsync_dir(self.root)
        seal(self.root, payloads)
        for storage in dirty:
            storage.dirty = False


def _replace_data_files(root: Path, contents: dict[Path, bytes | None]) -> None:
    """Give each data file of `contents` those bytes, or remove it (None), as one journaled change, like a commit:
    every new file is written and flushed beside its place first, then a journal naming the renames is made durable,
    then they are done. Cut off before the journal is in place, nothing changed (the next command removes the
    temporary files); after, the next command finishes the renames. Never writes through a symbolic link."""
    for kind in SHARD_KINDS:
        if os.path.islink(root / kind):
            raise StoreError(
                f"{root / kind} is a symbolic link; planner never follows one: move it away, then try again"
            )
    written: list[tuple[Path, Path]] = []
    try:
        for file, payload in contents.items():
            if payload is not None:
                if not os.path.lexists((root / file).parent):
                    os.mkdir((root / file).parent, 0o700)
                written.append((write_temp(root / file, payload), root / file))
        for folder in {final.parent for _, final in written}:
            fsync_dir(folder)  # the new files' names are durable before the journal counts on them
    except OSError as exc:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise StoreError(f"could not write to {root}: {exc.strerror}; nothing was changed") from None
    renames = list(written)
    for file, payload in contents.items():
        if payload is None and os.path.lexists(root / file):  # a file that did not exist then: set aside, removed
            trash = (root / file).with_name(f".{file.name}.{os.urandom(4).hex()}.restored{TMP_SUFFIX}")
            renames.append((root / file, trash))
    journal = root / JOURNAL_FILE
    record = {"renames": [[str(a.relative_to(root)), str(b.relative_to(root))] for a, b in renames]}
    try:
        os.replace(write_temp(journal, json.dumps(record).encode()), journal)
    except OSError as exc:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise StoreError(f"could not write to {root}: {exc.strerror}; nothing was changed") from None
    try:
        fsync_dir(root)
        _recover(root)
    except OSError as exc:
        raise StoreError(
            f"the restore in {root} was interrupted: {exc.strerror}; the next planner command finishes it"
        ) from None


def _recover(root: Path) -> None:
    """Finish a commit a crash interrupted, then remove temporary files no commit will use. Call under the lock."""
    from planner.backups import clean_leftovers

    journal = root / JOURNAL_FILE
    if journal.exists():
        try:
            record = json.loads(journal.read_bytes())
            renames = [(_inside(root, tmp), _inside(root, final)) for tmp, final in record["renames"]]
        except (ValueError, KeyError, TypeError, RecursionError):
            raise StoreError(f"{journal} is damaged; {_what_to_do(journal)}") from None
        for tmp, final in renames:
            if os.path.lexists(tmp):  # not yet renamed (a link is renamed as itself, never followed)
                os.replace(tmp, final)
        for folder in {final.parent for _, final in renames}:
            fsync_dir(folder)
        journal.unlink()
        fsync_dir(root)
    for folder in (root, *(root / kind for kind in SHARD_KINDS)):
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
                (folder / name).unlink(missing_ok=True)
    clean_leftovers(root)


def _inside(root: Path, name: object) -> Path:
    """The path of the journal's `name` (relative) inside the data folder; ValueError for a name leading out."""
    if not isinstance(name, str) or not name or Path(name).is_absolute() or ".." in Path(name).parts:
        raise ValueError(name)
    return root / name


def _refuse_newer_data(root: Path) -> None:
    """Refuse to restore over a data file a newer planner wrote: the backup is older, and what it wrote would be
    set aside for a file this planner cannot read. A damaged file is no reason to refuse: restoring mends it."""
    from planner.backups import data_files, read_regular

    for file in data_files(root):
        try:
            schema = json.loads(read_regular(root / file))["_meta"]["1"]["schema"]
        except (OSError, ValueError, RecursionError, KeyError, TypeError):
            continue
        if isinstance(schema, int) and schema > SCHEMA:
            raise StoreError(
                f"{root / file} was written by a newer planner (schema {schema}, this one reads {SCHEMA}); upgrade "
                "planner rather than restore a backup: an older state would lose what the newer planner wrote"
            )


_COUNTERS = ("next_log", "next_block")


def _keep_counters(root: Path, contents: dict[Path, bytes | None], main: dict | None) -> None:
    """Raise the restored id counters to the highest they have been (now or in any backup), so that an id is never
    handed out twice: an entry restored away keeps its id to itself. `main` is the restored planner.json, checked."""
    from planner.backups import list_backups, read_regular

    file = Path(MAIN_FILE)
    if file not in contents:
        return  # planner.json stays as it is, counters and all
    highest = dict.fromkeys(_COUNTERS, 1)
    calendar_id = None  # the folder's calendar id stays what it is now: exported UIDs must not change
    for path in [root / MAIN_FILE, *(b.path / MAIN_FILE for b in list_backups(root) if MAIN_FILE in b.held)]:
        try:
            state = json.loads(read_regular(path))["state"]["1"]
            values = [state.get(counter) for counter in _COUNTERS]
            if calendar_id is None and isinstance(state.get("calendar_id"), str):
                calendar_id = state["calendar_id"]
        except (OSError, ValueError, RecursionError, KeyError, TypeError, AttributeError):
            continue  # damaged or missing: the others still count
        for counter, value in zip(_COUNTERS, values, strict=True):
            if isinstance(value, int) and not isinstance(value, bool):
                highest[counter] = max(highest[counter], value)
    document = main if main is not None else {"_meta": {"1": {"app": APP, "schema": SCHEMA, "kind": "main"}}}
    restored: dict[str, Any] = document.setdefault("state", {}).setdefault("1", {})
    raised: dict[str, Any] = {
        counter: value for counter, value in highest.items() if int(restored.get(counter, 1)) < value
    }
    if calendar_id is not None and restored.get("calendar_id") != calendar_id:
        raised["calendar_id"] = calendar_id
    if raised:
        restored.update(raised)
        contents[file] = _encode(document, root / MAIN_FILE)


# ---------------------------------------------------------------- the store


@dataclass(frozen=True)
class Lock:
    """A sent week: all of it (engagement_id None) or one engagement's entries."""

    monday: date
    engagement_id: int | None = None
    #: The week's figures when it was locked, per engagement id (planner.money.Figures as JSON); None for a lock
    #: made before planner kept them.
    totals: dict[int, dict] | None = field(default=None, compare=False)

    def covers(self, entry: LogEntry) -> bool:
        """Whether the lock holds `entry`: one of its engagement's (or any, for a whole week) reaching into the week.
        A running timer counts from its start, as if it ended a second later."""
        if self.engagement_id is not None and entry.engagement_id != self.engagement_id:
            return False
        end = entry.end if entry.end is not None else entry.start + timedelta(seconds=1)
        lo, hi = span_of_days(self.monday, self.monday + timedelta(days=6))
        return entry.start < hi and end > lo

    def _name(self, tx: _Tx) -> str | None:
        return None if self.engagement_id is None else _engagement_by_id(tx, self.engagement_id).name

    def describe(self, tx: _Tx) -> str:
        name = self._name(tx)
        return week_label(self.monday) + (f" for {name}" if name else "")

    def args(self, tx: _Tx) -> str:
        name = self._name(tx)
        return f"--week {week_label(self.monday)}" + (f" --engagement {name}" if name else "")

    def to_doc(self) -> dict:
        doc: dict[str, object] = {"week": self.monday.isoformat(), "engagement_id": self.engagement_id}
        if self.totals is not None:
            doc["totals"] = {str(key): value for key, value in self.totals.items()}
        return doc

    @classmethod
    def from_doc(cls, doc: dict) -> Lock:
        totals = doc.get("totals")
        kept = None if totals is None else {int(key): dict(value) for key, value in totals.items()}
        return cls(date.fromisoformat(doc["week"]), doc.get("engagement_id"), kept)


def _key(name: str) -> str:
    return name.strip().casefold()


#: A timer stopped sooner than this after it started is discarded.
MIN_TIMER = timedelta(minutes=1)
#: Engagement fields without dates.
_PLAIN_FIELDS = frozenset(
    ("name", "budget", "deadline", "one_off", "start", "remind_before", "done", "colour", "archived")
)


@dataclass(frozen=True)
class Edit:
    """What `Store.edit_engagement` did: the engagement before and after, the day its dated terms change from (None
    when none changed), and which of them changed."""

    before: Engagement
    engagement: Engagement
    start: date | None
    terms: list[str]


def _normal_term(key: str, value: object) -> object:
    """A term's value as validation keeps it, to tell a real change from a repeat of the terms in force."""
    if value is None or value == "":
        return None
    if key == "rate":
        return check_rate(value)  # type: ignore[arg-type]
    if key in ("fee", "overage", "salary"):
        return check_amount(value, key)  # type: ignore[arg-type]
    if key in ("hours", "cap"):
        return check_hours(value, key)  # type: ignore[arg-type]
    if key == "covers":
        return check_hours(value, key, allow_zero=True, most=744)  # type: ignore[arg-type]
    if key == "carry":
        return bool(value)
    if key in ("model", "per"):
        return str(value).strip().lower()
    if key == "round_minutes":
        return check_round(value)  # type: ignore[arg-type]
    if key == "window":
        return str(WorkWindow.parse(str(value)))
    return str(value).strip().lower() if key == "round_mode" else str(value).strip().upper()


def _locked_terms(tx: _Tx, before: Engagement, after: Engagement) -> list[Lock]:
    """The locks (of a whole week, or of this engagement) on some day of whose week the terms in force differ between
    `before` and `after`, oldest week first."""
    found = []
    for lock in _locks(tx):
        if lock.engagement_id not in (None, before.id):
            continue
        days = (lock.monday + timedelta(days=offset) for offset in range(7))
        if any(before.terms_on(day).terms() != after.terms_on(day).terms() for day in days):
            found.append(lock)
    return sorted(found, key=lambda lock: (lock.monday, lock.engagement_id or 0))


class Store:
    """Everything planner keeps, behind one object. Widgets and the CLI call this; nothing else opens TinyDB."""

    def __init__(self, root: Path | str | None = None, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.root = data_folder(root)
        self.lock_timeout = lock_timeout

    # ------------------------------------------------------------ transactions

    @contextmanager
    def _transaction(self, write: bool, deliberate: bool = False) -> Iterator[_Tx]:
        """One read (`write` False) or change of the data folder. A folder holding a symbolic link or a path of
        the wrong kind is refused first; a file system error on the way is one line naming the path."""
        try:
            check_layout(self.root)
            with self._open_transaction(write, deliberate) as tx:
                yield tx
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise StoreError(_os_problem(exc, self.root)) from None

    @contextmanager
    def _open_transaction(self, write: bool, deliberate: bool) -> Iterator[_Tx]:
        if not write:
            if (self.root / JOURNAL_FILE).exists():
                with self._transaction(write=True):  # takes the lock and rolls the interrupted commit forward
                    pass
            yield _Tx(self.root, write=False)
            return
        from planner.locking import DataLock  # only writers lock

        self._ensure_root()
        lock = DataLock(self.root / LOCK_FILE, self.lock_timeout)
        lock.acquire()
        try:
            _recover(self.root)
            tx = _Tx(self.root, write=True, deliberate=deliberate)
            yield tx
            tx.commit()
        finally:
            lock.release()

    def recover(self) -> None:
        """Finish a change a crash interrupted and remove leftover temporary files, as every change does first."""
        with self._transaction(write=True):
            pass

    def repair_contents(self) -> list[str]:
        """Fix, in one transaction, what `doctor` can fix without a person's judgement: engagements that entries
        refer to but that are missing (recreated, archived, as `missing-<id>`), id counters below ids in use,
        duplicate ids, entries in the wrong month file, logged totals. Returns a sentence for each change."""
        with self._transaction(write=True, deliberate=True) as tx:
            return _repair(tx)

    def _ensure_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not a folder; point --db or PLANNER_DB at a folder")
        if not self.root.exists():
            try:
                self.root.mkdir(parents=True, mode=0o700)
            except OSError as exc:
                raise StoreError(f"cannot create the data folder {self.root}: {exc.strerror}") from None
            os.chmod(self.root, 0o700)

    # ------------------------------------------------------------ the week as the board shows it

    def week(self, monday: date, now: datetime) -> Week:
        """Everything the board needs for one week, from one consistent read (each file parsed once)."""
        from planner.week import Week

        last = monday + timedelta(days=6)
        lo, hi = span_of_days(monday, last)
        with self._transaction(write=False) as tx:
            locks = [lock for lock in _locks(tx) if lock.monday == monday]
            return Week(
                monday=monday,
                locked=any(lock.engagement_id is None for lock in locks),
                locked_ids=frozenset(lock.engagement_id for lock in locks if lock.engagement_id is not None),
                now=now,
                engagements={engagement.id: engagement for engagement in _engagements(tx, include_archived=True)},
                blocks=_blocks(tx, monday, last),
                logs=_logs(tx, lo, hi, include_running=True),
                running=_running(tx),
                boundaries=Boundaries.from_doc(tx.main().table("boundaries").get(doc_id=1)),
                days_off=_days_off(tx, monday, last),
                tasks=[
                    task
                    for task in _tasks(tx)
                    if not task.repeat and task.open and task.due is not None and monday <= task.due <= last
                ],
                people={person.id: person.name for person in _people(tx)},
            )

    def fingerprint(self, monday: date) -> tuple:
        """A cheap token that changes whenever a file behind `week(monday)` changes (size and mtime of the files,
        and of the shard folders, whose listing changes when a shard is created)."""
        last = monday + timedelta(days=6)
        lo, hi = span_of_days(monday, last)
        log_months = [shift_month_key(month_key(lo), -1), month_key(lo), month_key(hi)]
        paths = [self.root / MAIN_FILE, self.root / "logs", self.root / "blocks"]
        paths += [self.root / "logs" / f"{month}.json" for month in dict.fromkeys(log_months)]
        paths += [self.root / "blocks" / f"{day:%Y-%m}.json" for day in (monday, last)]
        token: list[tuple[int, int, int] | None] = []
        for path in paths:
            try:
                info = os.lstat(path)
                token.append((info.st_mtime_ns, info.st_size, info.st_ino))
            except OSError:  # missing, or unreadable: the read that follows says which
                token.append(None)
        return tuple(token)

    # ------------------------------------------------------------ engagements

    def engagements(self, *, include_archived: bool = True) -> list[Engagement]:
        with self._transaction(write=False) as tx:
            return _engagements(tx, include_archived)

    def engagement(self, name: str) -> Engagement:
        """The engagement called `name` (any case); a clear error if there is none."""
        with self._transaction(write=False) as tx:
            return _engagement_named(tx, name)

    def log_months(self) -> list[str]:
        """The months (YYYY-MM, UTC) that have a log shard, oldest first."""
        with self._transaction(write=False) as tx:
            return list(tx.months("logs"))

    def usage(self) -> dict[int, int]:
        """Seconds logged so far per engagement id, over all history (finished entries; not the running timer)."""
        with self._transaction(write=False) as tx:
            return _usage(tx)

    def usage_at(self, moment: datetime, current: datetime) -> dict[int, float]:
        """Seconds logged per engagement up to `moment`: the logged totals (as of `current`, now) less what was
        logged after `moment` (only the part after it of an entry running over it). Reads only the logs from `moment`
        to `current`."""
        usage: dict[int, float] = {key: float(value) for key, value in self.usage().items()}
        if moment < current:
            for entry in self.logs(moment, current, include_running=False):
                if entry.end is not None and entry.end > moment:
                    later = (entry.end - max(entry.start, moment)).total_seconds()
                    usage[entry.engagement_id] = usage.get(entry.engagement_id, 0.0) - later
        return usage

    def engagement_by_id(self, engagement_id: int) -> Engagement:
        with self._transaction(write=False) as tx:
            return _engagement_by_id(tx, engagement_id)

    def add_engagement(self, engagement: Engagement) -> Engagement:
        """Store a new engagement; without a currency of its own it takes the base currency (when one is set)."""
        if engagement.currency is None:
            engagement.currency = self.settings().get("currency")  # the base currency when one is set, else none
        engagement.validate()
        _check_cents(engagement.fee, engagement.currency, "the fee")
        _check_cents(engagement.salary, engagement.currency, "the salary")
        with self._transaction(write=True) as tx:
            return _insert_engagement(tx, engagement)

    def update_engagement(self, which: str, /, **changes: Any) -> Engagement:
        """Change fields of the engagement called `which` that have no dates (`name=` renames it). Terms that
        change from a date go through `edit_engagement`, so the past keeps its terms."""
        dated = sorted(set(changes) & set(DATED_TERMS))
        if dated:
            raise ValidationError(f"{', '.join(dated)} change from a date; use edit_engagement (planner edit --from)")
        with self._transaction(write=True) as tx:
            current = _engagement_named(tx, which)
            updated = replace(current, **changes).validate()
            if _key(updated.name) != _key(current.name):
                _check_unique_name(tx, updated.name, current.id)
            tx.main().table("engagements").update(updated.to_doc(), doc_ids=[current.id])
            return updated

    def change_terms(self, which: str, start: date, **terms: Any) -> Engagement:
        """Change some of an engagement's dated terms from `start` on (see `edit_engagement`)."""
        return self.edit_engagement(which, start, **terms).engagement

    def edit_engagement(self, which: str, start: date, /, *, after_locks: bool = False, **changes: Any) -> Edit:
        """Change the engagement called `which`. Dated terms (rate, currency, rounding, hours, window, cap) change
        from `start` on, and only those that differ from the terms in force then; earlier days keep theirs. A change
        that would alter the terms of a locked week is refused, naming the week, or with `after_locks` starts the
        day after the last such week. Other fields (name, budget, deadline, one-off, start, colour, archived) just
        change."""
        unknown = set(changes) - set(DATED_TERMS) - _PLAIN_FIELDS
        if unknown:
            raise ValidationError(f"an engagement has no {', '.join(sorted(unknown))} to change")
        with self._transaction(write=True) as tx:
            current = _engagement_named(tx, which)
            in_force = current.terms_on(start).terms()
            terms = {
                key: value
                for key, value in changes.items()
                if key in DATED_TERMS and _normal_term(key, value) != _normal_term(key, in_force[key])
            }
            plain = {key: value for key, value in changes.items() if key in _PLAIN_FIELDS}
            updated, begins = current, start
            if terms:
                updated = current.with_change(start, **terms)
                new_terms = updated.terms_on(start)
                _check_cents(new_terms.fee, new_terms.currency, "the fee")
                _check_cents(new_terms.salary, new_terms.currency, "the salary")
                locked = _locked_terms(tx, current, updated)
                if locked and not after_locks:
                    lock = locked[-1]
                    raise ValidationError(
                        f"{lock.describe(tx)} is locked (sent), and a change from {start.isoformat()} would change "
                        f"the terms it was sent with; give --from {(lock.monday + timedelta(days=7)).isoformat()} or "
                        f"later, add --after-locks to start it then, or unlock it with 'planner unlock {lock.args(tx)}'"
                    )
                while locked:  # start the day after the last locked week it would touch
                    begins = locked[-1].monday + timedelta(days=7)
                    updated = current.with_change(begins, **terms)
                    locked = _locked_terms(tx, current, updated)
            if plain:
                updated = replace(updated, **plain).validate()
                if _key(updated.name) != _key(current.name):
                    _check_unique_name(tx, updated.name, current.id)
                if (updated.done, updated.start) != (current.done, current.start):
                    _refuse_locked_earnings(tx, current, updated)
            if updated != current:
                tx.main().table("engagements").update(updated.to_doc(), doc_ids=[current.id])
            return Edit(current, updated, begins if terms else None, sorted(terms))

    # ------------------------------------------------------------ boundaries and settings

    def boundaries(self) -> Boundaries:
        with self._transaction(write=False) as tx:
            return Boundaries.from_doc(tx.main().table("boundaries").get(doc_id=1))

    def set_boundaries(self, boundaries: Boundaries) -> Boundaries:
        with self._transaction(write=True) as tx:
            tx.main().table("boundaries").upsert(Document(boundaries.to_doc(), doc_id=1))
            return boundaries

    def calendar_id(self) -> str:
        """A random id of this data folder, made once and kept: calendar UIDs carry it, so events exported from two
        folders never overwrite each other in one calendar, and a block's events stay the same event export after
        export."""
        with self._transaction(write=False) as tx:
            found = tx.state().get("calendar_id")
        if isinstance(found, str):
            return found
        with self._transaction(write=True) as tx:
            found = tx.state().get("calendar_id")
            if not isinstance(found, str):
                import secrets

                found = secrets.token_hex(8)
                tx.set_state(calendar_id=found)
            return found

    def settings(self) -> dict:
        with self._transaction(write=False) as tx:
            return dict(tx.main().table("settings").get(doc_id=1) or {})

    def set_settings(self, **changes: Any) -> dict:
        with self._transaction(write=True) as tx:
            table = tx.main().table("settings")
            settings = dict(table.get(doc_id=1) or {})
            settings.update(changes)
            table.upsert(Document(settings, doc_id=1))
            return settings

    # ------------------------------------------------------------ backups

    def backups(self) -> list[Backup]:
        """The dated backups kept in the data folder, oldest first."""
        from planner.backups import BACKUP_DIR, list_backups

        check_layout(self.root)
        try:
            return list_backups(self.root)
        except OSError as exc:
            raise StoreError(_os_problem(exc, self.root / BACKUP_DIR)) from None

    def restore_backup(self, when: str) -> tuple[Backup, Backup | None]:
        """Put the data folder back as it was at the backup `when` (its label, or the start of it). The current
        state is backed up first, so a restore can itself be undone. Returns (restored, the backup of before)."""
        from planner.backups import BACKUP_DIR, find, keep_everything, restore_plan

        try:
            label = find(self.root, when).label  # an empty or unknown `when` is refused before the folder is touched
        except OSError as exc:
            raise StoreError(f"cannot read {self.root / BACKUP_DIR}: {exc.strerror}; check its permissions") from None
        with self._transaction(write=True, deliberate=True):
            target = find(self.root, label)  # again under the lock: a change may have pruned the list meanwhile
            _refuse_newer_data(self.root)
            plan = restore_plan(self.root, target)  # every backup it needs checked against its manifest
            main = None
            for file, copy in plan.items():  # a damaged copy stops here, before anything changes
                if copy is not None:
                    document = load_data_file(copy[0], file)
                    main = document if file == Path(MAIN_FILE) else main
            contents = {file: None if copy is None else copy[1] for file, copy in plan.items()}
            _keep_counters(self.root, contents, main)
            try:
                before = keep_everything(self.root, now(), note=f"before restoring {target.label}")
            except OSError as exc:
                raise StoreError(
                    f"could not back up {self.root} before restoring: {exc.strerror}; nothing was changed. "
                    f"Free some space or fix the permissions of {self.root / BACKUP_DIR}"
                ) from None
            _replace_data_files(self.root, contents)
        return target, before

    # ------------------------------------------------------------ locked weeks

    def locks(self) -> list[Lock]:
        with self._transaction(write=False) as tx:
            return _locks(tx)

    def record_export(self, first: date, last: date, engagement_ids: Iterable[int] | None) -> None:
        """Remember that the days first..last were exported (for `engagement_ids`, or for all: None), so a locked
        week's reminder to export its timesheet stops."""
        with self._transaction(write=True) as tx:
            tx.main().table("exports").insert(
                {
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                    "engagement_ids": None if engagement_ids is None else sorted(set(engagement_ids)),
                    "at": now().astimezone(UTC).isoformat(timespec="seconds"),
                }
            )

    def unexported_locks(self, first: date, last: date) -> list[Lock]:
        """The locks of the weeks starting first..last that no recorded export covered whole, read at once."""
        with self._transaction(write=False) as tx:
            exports = tx.main().table("exports").all()
            locks = [lock for lock in _locks(tx) if first <= lock.monday <= last]

        def exported(lock: Lock) -> bool:
            sunday = lock.monday + timedelta(days=6)
            for doc in exports:
                ids = doc.get("engagement_ids")
                whole = (
                    doc.get("first", "9999") <= lock.monday.isoformat() and doc.get("last", "") >= sunday.isoformat()
                )
                if whole and (ids is None or (lock.engagement_id is not None and lock.engagement_id in ids)):
                    return True
            return False

        return [lock for lock in locks if not exported(lock)]

    def claim_reminders(self, keys: Iterable[str], moment: datetime, keep_days: int = 120) -> list[str]:
        """Of `keys`, those not shown before, now recorded as shown, in one locked write: two `planner remind` at
        once never both show one reminder, and a reminder is never lost (it is recorded only with its claim).
        Records older than `keep_days` are forgotten."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return []
        with self._transaction(write=True) as tx:
            table = tx.main().table("reminded")
            docs = table.all()
            shown = {doc.get("key") for doc in docs}
            fresh = [key for key in wanted if key not in shown]
            cutoff = (moment - timedelta(days=keep_days)).astimezone(UTC).isoformat(timespec="seconds")
            old = [doc.doc_id for doc in docs if str(doc.get("at", "")) < cutoff]
            if old:
                table.remove(doc_ids=old)
            if fresh:
                stamp = moment.astimezone(UTC).isoformat(timespec="seconds")
                table.insert_multiple({"key": key, "at": stamp} for key in fresh)
            return fresh

    # ------------------------------------------------------------ income that is not time, and milestones

    def add_income(self, entry: IncomeEntry) -> IncomeEntry:
        entry.validate()
        with self._transaction(write=True) as tx:
            engagement = _engagement_by_id(tx, entry.engagement_id, for_new_work=True)
            if entry.currency is None:
                entry.currency = engagement.terms_on(entry.day).currency or DEFAULT_CURRENCY
            _check_cents(entry.amount, entry.currency, "the amount")
            _refuse_locked_income(tx, engagement.id, [entry.day], "an income entry")
            entry.id = tx.main().table("income").insert(entry.to_doc())
            return entry

    def income_entries(self, first: date | None = None, last: date | None = None) -> list[IncomeEntry]:
        """Income entries dated first..last (None: without that bound), by date."""
        with self._transaction(write=False) as tx:
            found = [IncomeEntry.from_doc(doc.doc_id, doc) for doc in tx.main().table("income").all()]
        found = [e for e in found if (first is None or e.day >= first) and (last is None or e.day <= last)]
        return sorted(found, key=lambda entry: (entry.day, entry.id))

    def remove_income(self, entry_id: int) -> IncomeEntry:
        with self._transaction(write=True, deliberate=True) as tx:
            table, doc = _record(tx, "income", entry_id, "income entry", "planner income list")
            entry = IncomeEntry.from_doc(entry_id, doc)
            _refuse_locked_income(tx, entry.engagement_id, [entry.day], f"income entry {entry_id}")
            table.remove(doc_ids=[entry_id])
            return entry

    def add_milestone(self, milestone: Milestone) -> Milestone:
        milestone.validate()
        with self._transaction(write=True) as tx:
            engagement = _engagement_by_id(tx, milestone.engagement_id, for_new_work=True)
            if engagement.inbound:
                raise ValidationError(f"{engagement.name} is a job; milestones are parts of a client's fixed fee")
            _check_cents(milestone.fee, engagement.currency, "the milestone's fee")
            docs = tx.main().table("milestones").all()
            mine = [Milestone.from_doc(d.doc_id, d) for d in docs if d.get("engagement_id") == engagement.id]
            terms = engagement.terms_on(milestone.due or (engagement.done or engagement.deadline or date.max))
            whole = sum((m.fee for m in mine), milestone.fee)
            if terms.model == "fixed" and terms.fee is not None and whole > terms.fee:
                raise ValidationError(
                    f"{engagement.name}'s milestones would add up to {whole} of its {terms.fee} fixed fee; give a "
                    f"smaller fee, or raise the fixed fee first ('planner edit {engagement.name} --fixed AMOUNT')"
                )
            _refuse_locked_earnings(tx, engagement, engagement, mine, [*mine, milestone])
            milestone.id = tx.main().table("milestones").insert(milestone.to_doc())
            return milestone

    def milestones(self) -> list[Milestone]:
        with self._transaction(write=False) as tx:
            found = [Milestone.from_doc(doc.doc_id, doc) for doc in tx.main().table("milestones").all()]
        return sorted(found, key=lambda item: (item.engagement_id, item.due or date.max, item.id))

    def update_milestone(self, milestone_id: int, **changes: Any) -> Milestone:
        with self._transaction(write=True, deliberate=True) as tx:
            table, doc = _record(tx, "milestones", milestone_id, "milestone", "planner milestone list")
            current = Milestone.from_doc(milestone_id, doc)
            updated = replace(current, **changes).validate()
            if (current.done, current.fee) != (updated.done, updated.fee):
                _refuse_locked_milestones(tx, current, updated)
            table.update(updated.to_doc(), doc_ids=[milestone_id])
            return updated

    def remove_milestone(self, milestone_id: int) -> Milestone:
        with self._transaction(write=True, deliberate=True) as tx:
            table, doc = _record(tx, "milestones", milestone_id, "milestone", "planner milestone list")
            milestone = Milestone.from_doc(milestone_id, doc)
            _refuse_locked_milestones(tx, milestone, None)
            table.remove(doc_ids=[milestone_id])
            return milestone

    # ------------------------------------------------------------ delegation: people, tasks, playbooks

    def add_person(self, person: Person) -> Person:
        person.validate()
        with self._transaction(write=True) as tx:
            _check_unique_person(tx, person.name, None)
            if person.added is None:
                person.added = to_local(now()).date()
            person.id = tx.main().table("people").insert(person.to_doc())
            return person

    def people(self, include_archived: bool = False) -> list[Person]:
        with self._transaction(write=False) as tx:
            found = _people(tx)
        return sorted((p for p in found if include_archived or not p.archived), key=lambda item: item.name.casefold())

    def person(self, name: str) -> Person:
        with self._transaction(write=False) as tx:
            return _person_named(tx, name)

    def edit_person(self, which: str, start: date | None = None, /, **changes: Any) -> Person:
        """Change a person: `rate` and `currency` from `start` on (earlier tasks keep the rate they had), the rest
        (name, kind, fixed, contact, stale_days, archived) at once."""
        with self._transaction(write=True) as tx:
            current = _person_named(tx, which)
            terms = {key: changes.pop(key) for key in ("rate", "currency") if key in changes}
            updated = current
            if terms:
                updated = current.with_change(start or to_local(now()).date(), **terms)
            if changes:
                updated = replace(updated, **changes)
            updated = replace(updated).validate()
            for day, _rate, _currency in updated.rate_history():  # every dated rate checks as the first does
                if day is not None:
                    updated.terms_on(day).validate()
            if _key(updated.name) != _key(current.name):
                _check_unique_person(tx, updated.name, current.id)
            tx.main().table("people").update(updated.to_doc(), doc_ids=[current.id])
            return updated

    def add_task(self, task: Task) -> list[Task]:
        """Store a task (one of a person's, for an engagement or for the user's own business). A task with a repeat
        rule is a series: the occurrences due up to a week ahead are made at once. Returns what was stored."""
        from planner.delegation import ONGOING, Update

        task.validate()
        with self._transaction(write=True) as tx:
            person = _person_by_id(tx, task.person_id)
            if person.archived:
                raise ValidationError(f"{person.name} is archived; bring them back with 'planner person unarchive "
                                      f"{person.name}' first")  # fmt: skip
            if task.for_id is not None:
                _engagement_by_id(tx, task.for_id, for_new_work=True)
            moment = now()
            task.created = task.created or moment
            if not task.history:
                task.history = [Update(task.created, task.status, "created")]
            if task.repeat:
                if person.kind != ONGOING:
                    raise ValidationError(
                        f"{person.name} is a one-off contractor; a recurring task goes to an ongoing team member"
                    )
                first = task.due or to_local(task.created).date()
                task.repeat = check_rrule(task.repeat, first)
                task.due = first
            task.id = _insert_task(tx, task)
            made = [task]
            if task.repeat:
                made += _make_occurrences(tx, to_local(moment).date())
            return made

    def tasks(self, *, include_series: bool = False) -> list[Task]:
        """Every task, by due day (those without one last); recurring templates only with `include_series`."""
        with self._transaction(write=False) as tx:
            found = _tasks(tx)
        found = [task for task in found if include_series or not task.repeat]
        return sorted(found, key=lambda task: (task.due or date.max, task.id))

    def task(self, task_id: int) -> Task:
        with self._transaction(write=False) as tx:
            return _task_by_id(tx, task_id)

    def update_task(self, task_id: int, update: Update, *, reopen: bool = False) -> Task:
        """Add a status update (the person's hours with it) to a task's history."""
        from planner.delegation import Task, apply_update

        with self._transaction(write=True) as tx:
            table, doc = _record(tx, "tasks", task_id, "task", "planner task list")
            task = Task.from_doc(task_id, doc)
            if task.repeat:
                raise ValidationError(f"task {task_id} is a recurring series; update one of its tasks instead")
            if update.at > now() + timedelta(minutes=1):
                raise ValidationError(
                    f"this update is dated {format_local(update.at)}, in the future; give --at now or earlier"
                )
            updated = apply_update(task, update, reopen=reopen)
            table.update(updated.to_doc(), doc_ids=[task_id])
            return updated

    def edit_task(self, task_id: int, **changes: Any) -> Task:
        from planner.delegation import Task

        with self._transaction(write=True) as tx:
            table, doc = _record(tx, "tasks", task_id, "task", "planner task list")
            task = Task.from_doc(task_id, doc)
            updated = replace(task, **changes).validate()
            if updated.person_id != task.person_id:
                person = _person_by_id(tx, updated.person_id)
                if person.archived:
                    raise ValidationError(f"{person.name} is archived; give the task to someone else")
                if task.reported_seconds:
                    raise ValidationError(
                        f"task {task.id} has hours reported by its person, priced at their rate; mark it done or "
                        "cancelled and hand a new task to the other person"
                    )
            if updated.for_id is not None and updated.for_id != task.for_id:
                _engagement_by_id(tx, updated.for_id, for_new_work=True)
            table.update(updated.to_doc(), doc_ids=[task_id])
            return updated

    def remove_task(self, task_id: int) -> Task:
        from planner.delegation import Task

        with self._transaction(write=True, deliberate=True) as tx:
            table, doc = _record(tx, "tasks", task_id, "task", "planner task list")
            task = Task.from_doc(task_id, doc)
            series = None if task.series_id is None else table.get(doc_id=task.series_id)
            if series is not None and task.occurrence is not None:  # the series must not make it again
                kept = Task.from_doc(task.series_id, series)  # type: ignore[arg-type]
                kept.skipped = sorted({*kept.skipped, task.occurrence})
                table.update(kept.to_doc(), doc_ids=[kept.id])
            table.remove(doc_ids=[task_id])
            return task

    def make_task_occurrences(self, today: date) -> list[Task]:
        """Create the tasks of every recurring series due up to a week after `today` that are not made yet, each
        once, however many processes (the board, `remind`, `task list`) ask at the same time."""
        with self._transaction(write=False) as tx:
            pending = _pending_occurrences(tx, today)
        if not pending:
            return []
        with self._transaction(write=True) as tx:
            return _make_occurrences(tx, today)

    def add_playbook(self, playbook: Playbook) -> Playbook:
        playbook.validate()
        with self._transaction(write=True) as tx:
            table = tx.main().table("playbooks")
            if any(_key(doc.get("name", "")) == _key(playbook.name) for doc in table.all()):
                raise ValidationError(f"a playbook named '{playbook.name}' exists already; see 'planner playbook list'")
            table.insert(playbook.to_doc())
            return playbook

    def playbooks(self) -> list[Playbook]:
        from planner.delegation import Playbook

        with self._transaction(write=False) as tx:
            found = [Playbook.from_doc(doc) for doc in tx.main().table("playbooks").all()]
        return sorted(found, key=lambda item: item.name.casefold())

    def playbook(self, name: str) -> Playbook:
        for playbook in self.playbooks():
            if _key(playbook.name) == _key(name):
                return playbook
        raise ValidationError(f"no playbook named '{name.strip()}'; see 'planner playbook list'")

    def remove_playbook(self, name: str) -> Playbook:
        from planner.delegation import Playbook

        with self._transaction(write=True, deliberate=True) as tx:
            table = tx.main().table("playbooks")
            found = [doc for doc in table.all() if _key(doc.get("name", "")) == _key(name)]
            if not found:
                raise ValidationError(f"no playbook named '{name.strip()}'; see 'planner playbook list'")
            table.remove(doc_ids=[doc.doc_id for doc in found])
            return Playbook.from_doc(found[0])

    # ------------------------------------------------------------ currencies

    def base_currency(self) -> str:
        """The currency totals across currencies are given in: `settings set --currency`, else EUR."""
        return str(self.settings().get("currency") or DEFAULT_CURRENCY)

    def set_fx(self, rate: FxRate) -> tuple[FxRate, FxRate | None]:
        """Keep an exchange rate from its day on; one of the same pair and day is replaced (returned second)."""
        rate = rate.validate()
        with self._transaction(write=True) as tx:
            table = tx.main().table("fx")
            same = [
                doc for doc in table.all()
                if (doc.get("currency"), doc.get("base"), doc.get("from"))
                == (rate.currency, rate.base, rate.start.isoformat())
            ]  # fmt: skip
            table.remove(doc_ids=[doc.doc_id for doc in same])
            table.insert(rate.to_doc())
            return rate, FxRate.from_doc(same[0]) if same else None

    def fx_rates(self) -> list[FxRate]:
        """Every exchange rate kept, by pair and day."""
        with self._transaction(write=False) as tx:
            found = [FxRate.from_doc(doc) for doc in tx.main().table("fx").all()]
        return sorted(found, key=lambda item: (item.base, item.currency, item.start))

    def remove_fx(self, currency: str, start: date, base: str | None = None) -> FxRate:
        currency = check_currency(currency)
        with self._transaction(write=True, deliberate=True) as tx:
            settings: dict = tx.main().table("settings").get(doc_id=1) or {}
            base = base or str(settings.get("currency") or DEFAULT_CURRENCY)
            table = tx.main().table("fx")
            found = [
                doc for doc in table.all()
                if (doc.get("currency"), doc.get("base"), doc.get("from")) == (currency, base, start.isoformat())
            ]  # fmt: skip
            if not found:
                raise ValidationError(f"no {currency} rate in {base} from {start.isoformat()}; see 'planner fx list'")
            table.remove(doc_ids=[doc.doc_id for doc in found])
            return FxRate.from_doc(found[0])

    def lock_week(self, monday: date, engagement: str | None = None) -> Lock:
        """Lock a sent week (all of it, or one engagement's entries): its entries cannot be added, changed or
        deleted until it is unlocked."""
        with self._transaction(write=True) as tx:
            engagement_id = None if engagement is None else _engagement_named(tx, engagement).id
            lock = Lock(monday, engagement_id)
            if lock in _locks(tx):
                raise ValidationError(f"{lock.describe(tx)} is locked already; see 'planner lock --list'")
            running = _running(tx)
            if running is not None and lock.covers(running):
                raise ValidationError(f"the running timer is in {week_label(monday)}; stop it before you lock the week")
            lock = replace(lock, totals=_week_figures(tx, lock))
            tx.main().table("locks").insert(lock.to_doc())
            return lock

    def lock_figures(self, lock: Lock) -> dict[int, dict]:
        """The figures of a locked week as they come out today, per engagement id (to set beside the frozen ones)."""
        with self._transaction(write=False) as tx:
            return _week_figures(tx, lock)

    def unlock_week(self, monday: date, engagement: str | None = None) -> Lock:
        with self._transaction(write=True) as tx:
            engagement_id = None if engagement is None else _engagement_named(tx, engagement).id
            lock = Lock(monday, engagement_id)
            table = tx.main().table("locks")
            found = [doc.doc_id for doc in table.all() if Lock.from_doc(doc) == lock]
            if not found:
                raise ValidationError(f"{lock.describe(tx)} is not locked; see 'planner lock --list'")
            table.remove(doc_ids=found)
            return lock

    # ------------------------------------------------------------ blocks

    def add_block(self, block: Block, *, keep_id: bool = False) -> Block:
        """Store a block or series under a fresh id, or (`keep_id`, for undo) under its own id."""
        block.validate()
        if not keep_id:
            check_wall_times(block.day, block.start, block.end)
            if block.repeat:
                check_series_wall_times(block.repeat, block.day, block.start, block.end)
        with self._transaction(write=True) as tx:
            _engagement_by_id(tx, block.engagement_id, for_new_work=not keep_id)
            if keep_id:
                if _block_exists(tx, block.id):
                    raise ValidationError(f"a block with id {block.id} exists already")
            else:
                _refuse_block_overlap(tx, block)
                block.id = tx.allocate("next_block")
            _put_block(tx, block)
            return block

    def check_block_fits(self, block: Block, *, instead_of: tuple[int, date] | None = None) -> None:
        """Refuse `block` if it would overlap another block of its engagement; `instead_of` (series id, day) leaves
        out the occurrence a replacement takes the place of. For callers that must know before they write."""
        with self._transaction(write=False) as tx:
            _refuse_block_overlap(tx, block, instead_of=instead_of)

    def blocks(self, first: date, last: date) -> list[Block]:
        """Every planned block dated first..last (inclusive), series expanded, ordered by day and start."""
        with self._transaction(write=False) as tx:
            return _blocks(tx, first, last)

    def plan_items(self, first: date, last: date) -> tuple[list[Block], list[Block]]:
        """The plan of first..last as stored: one-off blocks dated in it, and whole series (not expanded) with at
        least one occurrence in it. For calendars, which repeat a series themselves."""
        with self._transaction(write=False) as tx:
            one_offs = _blocks(tx, first, last, series=False)
            found: list[tuple[date, Block]] = []
            for doc in tx.main().table("series").all():
                whole = Block.from_doc(doc.doc_id, doc)
                try:
                    day = first_within(whole.repeat, whole.day, first, last, whole.exdates)  # type: ignore[arg-type]
                except ValidationError:
                    _series_days(whole, first, last)  # the one line that names the series
                    raise
                if day is not None:
                    found.append((day, whole))
            found.sort(key=lambda pair: (pair[0], pair[1].start, pair[1].id))  # by first occurrence in the range
            return one_offs, [whole for _, whole in found]

    def block(self, block_id: int) -> Block:
        with self._transaction(write=False) as tx:
            return _find_block(tx, block_id)[0]

    def update_block(self, block_id: int, **changes: Any) -> Block:
        with self._transaction(write=True, deliberate=True) as tx:
            current, table = _find_block(tx, block_id)
            updated = replace(current, **changes).validate()
            if (updated.day, updated.start, updated.end, updated.repeat) != (
                current.day,
                current.start,
                current.end,
                current.repeat,
            ):
                check_wall_times(updated.day, updated.start, updated.end)
                if updated.repeat:
                    check_series_wall_times(updated.repeat, updated.day, updated.start, updated.end)
            if updated.engagement_id != current.engagement_id:
                _engagement_by_id(tx, updated.engagement_id, for_new_work=True)
            if (updated.engagement_id, updated.day, updated.start, updated.end, updated.repeat, updated.exdates) != (
                current.engagement_id,
                current.day,
                current.start,
                current.end,
                current.repeat,
                current.exdates,
            ):
                _refuse_block_overlap(tx, updated)
            table.remove(doc_ids=[block_id])
            _put_block(tx, updated)
            return updated

    def remove_block(self, block_id: int) -> Block:
        """Delete a one-off block or a whole series."""
        with self._transaction(write=True, deliberate=True) as tx:
            current, table = _find_block(tx, block_id)
            table.remove(doc_ids=[block_id])
            return current

    def skip_occurrence(self, series_id: int, day: date) -> Block:
        """Delete one occurrence of a series (an RFC 5545 exception date)."""
        with self._transaction(write=True) as tx:
            series, table = _find_block(tx, series_id)
            if not series.repeat:
                raise ValidationError(
                    f"block {series_id} does not repeat; remove it with 'planner plan rm {series_id}'"
                )
            if not _series_days(series, day, day) or day in series.exdates:
                raise ValidationError(f"series {series_id} has no occurrence on {day.isoformat()}")
            series.exdates = sorted([*series.exdates, day])
            table.update(series.to_doc(), doc_ids=[series_id])
            return series

    def days_off(self, first: date, last: date) -> list[DayOff]:
        """The dated days off (from imported calendars) within first..last, by date."""
        with self._transaction(write=False) as tx:
            return _days_off(tx, first, last)

    def sync_calendar(
        self, engagement_id: int, first: date, last: date, blocks: list[Block], days_off: list[DayOff] | None
    ) -> CalendarSync:
        """Make the calendar blocks of an engagement dated first..last equal `blocks`, in one transaction: a block
        whose event (UID, RECURRENCE-ID, part) is stored already is moved or renamed where the calendar changed it,
        a new event is added, and a calendar block whose event is gone is removed. Blocks planner made, other
        engagements' blocks and anything outside the range are not touched. `days_off` (None: leave them as they
        are) replaces the days off this engagement's calendar gave in the range."""
        for block in blocks:
            block.validate()
        with self._transaction(write=True, deliberate=True) as tx:
            _engagement_by_id(tx, engagement_id, for_new_work=True)
            sync = CalendarSync()
            stored: dict[tuple, tuple[Block, str]] = {}
            for month in tx.months("blocks"):
                if first.strftime("%Y-%m") <= month <= last.strftime("%Y-%m"):
                    for doc in tx.shard("blocks", month).table("blocks").all():
                        block = Block.from_doc(doc.doc_id, doc)
                        if block.engagement_id == engagement_id and block.source and first <= block.day <= last:
                            stored[_event_key(block.source)] = (block, month)
            wanted = {_event_key(block.source or {}): block for block in blocks}
            gone: dict[str, list[int]] = {}  # month → block ids to remove, removed in one write a month
            fresh: list[Block] = []
            for key, (block, month) in stored.items():
                if key not in wanted:
                    gone.setdefault(month, []).append(block.id)
                    sync.removed.append(block)
            for key, block in wanted.items():
                found = stored.get(key)
                if found is None:
                    fresh.append(block)
                    sync.added.append(block)
                    continue
                old, month = found
                block.id = old.id
                if (old.day, old.start, old.end) != (block.day, block.start, block.end):
                    sync.changed.append((old, block))
                elif (old.title, old.notes) != (block.title, block.notes):
                    sync.renamed.append((old, block))
                else:
                    sync.unchanged += 1
                    continue
                gone.setdefault(month, []).append(old.id)
                fresh.append(block)
            for month, ids in gone.items():
                tx.shard("blocks", month).table("blocks").remove(doc_ids=ids)
            if sync.added:
                counter = int(tx.state().get("next_block", 1))
                for offset, block in enumerate(sync.added):
                    block.id = counter + offset
                tx.set_state(next_block=counter + len(sync.added))
            by_month: dict[str, list[Document]] = {}
            for block in fresh:
                by_month.setdefault(block.day.strftime("%Y-%m"), []).append(Document(block.to_doc(), block.id))
            for month, docs in by_month.items():
                tx.shard("blocks", month).table("blocks").insert_multiple(docs)
            if days_off is not None:
                table = tx.main().table("days_off")
                before = [DayOff.from_doc(doc) for doc in table.all()]
                mine = [
                    item
                    for item in before
                    if item.source and item.source.get("engagement_id") == engagement_id and first <= item.day <= last
                ]
                kept = [item for item in before if item not in mine]
                for item in days_off:
                    item.source = {**(item.source or {}), "engagement_id": engagement_id}
                table.truncate()
                table.insert_multiple(
                    Document(item.to_doc(), doc_id=index)
                    for index, item in enumerate(sorted([*kept, *days_off], key=lambda item: item.day), 1)
                )
                sync.days_off = len(days_off)
                sync.days_off_removed = len({item.day for item in mine} - {item.day for item in days_off})
            return sync

    # ------------------------------------------------------------ logs

    def logs(
        self,
        start: datetime,
        end: datetime,
        *,
        include_running: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[LogEntry]:
        """Log entries overlapping [start, end), oldest first; the running timer too unless told otherwise.
        `progress` hears (month files read, month files to read) as a long range is read."""
        with self._transaction(write=False) as tx:
            return _logs(tx, start, end, include_running, progress)

    def log(self, log_id: int) -> LogEntry:
        with self._transaction(write=False) as tx:
            running = _running(tx)
            if running is not None and running.id == log_id:
                return running
            return _find_log(tx, log_id)[0]

    def add_log(self, entry: LogEntry, *, keep_id: bool = False) -> LogEntry:
        return self.add_logs([entry], keep_ids=keep_id)[0]

    def add_logs(self, entries: Iterable[LogEntry], *, keep_ids: bool = False) -> list[LogEntry]:
        """Store finished entries in one transaction: all of them, or (on any error) none. With `keep_ids` (undo)
        each entry keeps the id it had."""
        batch = [entry.validate() for entry in entries]
        for entry in batch:
            if entry.end is None:
                raise ValidationError("a log entry needs an end; use 'planner start' for a running timer")
        with self._transaction(write=True) as tx:
            if not batch:
                return []
            _ensure_usage(tx)
            checked: set[int] = set()
            for entry in sorted(batch, key=lambda item: item.start):
                if entry.engagement_id not in checked:
                    _engagement_by_id(tx, entry.engagement_id, for_new_work=True)
                    checked.add(entry.engagement_id)
                if not keep_ids:  # an undone delete keeps the block it had, even one removed since
                    _check_block_ref(tx, entry)
            _refuse_locked(tx, batch)
            _refuse_overlaps(tx, batch)
            if keep_ids:
                for entry in batch:
                    if _log_exists(tx, entry.id):
                        raise ValidationError(f"a log entry with id {entry.id} exists already")
            _insert_logs(tx, batch, keep_ids=keep_ids)
            return batch

    def import_entries(
        self, engagements: list[Engagement], entries: list[tuple[str, LogEntry]]
    ) -> tuple[list[Engagement], list[LogEntry]]:
        """An import as one transaction: create the new `engagements`, then store the finished `entries`, each
        given with its engagement's name (any case). All of it, or (on any error) nothing. Unlike new work, history
        may go to an archived engagement."""
        batch = [entry.validate() for _, entry in entries]
        if any(entry.end is None for entry in batch):
            raise ValidationError("an imported entry needs an end")
        for engagement in engagements:
            engagement.validate()
        with self._transaction(write=True) as tx:
            for engagement in engagements:
                _insert_engagement(tx, engagement)
            ids = {_key(engagement.name): engagement.id for engagement in _engagements(tx, include_archived=True)}
            for name, entry in entries:
                if _key(name) not in ids:
                    raise ValidationError(
                        f"no engagement named '{name}' for the entry from {format_local(entry.start)}"
                    )
                entry.engagement_id = ids[_key(name)]
            if batch:
                _ensure_usage(tx)
                _refuse_locked(tx, batch)
                _refuse_overlaps(tx, batch)
                _insert_logs(tx, batch, keep_ids=False)
            return engagements, batch

    def update_log(self, log_id: int, **changes: Any) -> LogEntry:
        with self._transaction(write=True, deliberate=True) as tx:
            running = _running(tx)
            if running is not None and running.id == log_id:
                updated = replace(running, **changes).validate()
                if updated.end is not None:
                    raise ValidationError("the timer is still running; stop it with 'planner stop' to give it an end")
                if updated.engagement_id != running.engagement_id:
                    _engagement_by_id(tx, updated.engagement_id, for_new_work=True)
                _refuse_locked(tx, [running, updated])
                _refuse_overlaps(tx, [updated], ignore_running=True)
                tx.set_state(timer=_timer_doc(updated))
                return updated
            _ensure_usage(tx)
            current, table = _find_log(tx, log_id)
            updated = replace(current, **changes).validate()
            if updated.end is None:
                raise ValidationError("a stored entry needs an end")
            if updated.engagement_id != current.engagement_id:
                _engagement_by_id(tx, updated.engagement_id, for_new_work=True)
            _refuse_locked(tx, [current, updated])
            _refuse_overlaps(tx, [updated], ignore_ids=frozenset({log_id}))
            table.remove(doc_ids=[log_id])
            tx.shard("logs", month_key(updated.start)).table("logs").insert(Document(updated.to_doc(), log_id))
            _usage_add(tx, current.engagement_id, -current.seconds())
            _usage_add(tx, updated.engagement_id, updated.seconds())
            return updated

    def remove_log(self, log_id: int) -> LogEntry:
        with self._transaction(write=True, deliberate=True) as tx:
            running = _running(tx)
            if running is not None and running.id == log_id:
                _refuse_locked(tx, [running])
                tx.set_state(timer=None)
                return running
            _ensure_usage(tx)
            current, table = _find_log(tx, log_id)
            _refuse_locked(tx, [current])
            table.remove(doc_ids=[log_id])
            _usage_add(tx, current.engagement_id, -current.seconds())
            return current

    # ------------------------------------------------------------ the timer

    def running(self) -> LogEntry | None:
        with self._transaction(write=False) as tx:
            return _running(tx)

    def start_timer(
        self, entry: LogEntry, *, switch: bool = False, stop_at: datetime | None = None
    ) -> tuple[LogEntry, LogEntry | None]:
        """Start `entry` (its end None) as the one running timer; with `switch`, stop a running one at its start
        (or at `stop_at`: when a forgotten timer really stopped).

        Returns (the started timer, the entry stopped by the switch or None).
        """
        entry.end = None
        entry.validate()
        with self._transaction(write=True) as tx:
            _engagement_by_id(tx, entry.engagement_id, for_new_work=True)
            _check_block_ref(tx, entry)
            stopped = None
            running = _running(tx)
            if running is not None:
                if not switch:
                    name = _engagement_by_id(tx, running.engagement_id).name
                    raise ValidationError(
                        f"a timer already runs for {name} since {format_local(running.start)} (id {running.id}); "
                        "stop it first, or start with --switch"
                    )
                if stop_at is not None and stop_at - running.start < MIN_TIMER:
                    raise ValidationError(
                        f"--stop-at {format_local(stop_at)} is not after the running timer's start "
                        f"({format_local(running.start)}); it would be discarded: give a later time"
                    )
                if stop_at is not None and stop_at > entry.start:
                    raise ValidationError(
                        f"the running timer cannot stop at {format_local(stop_at)}, after the new one starts at "
                        f"{format_local(entry.start)}"
                    )
                stopped = _finish_timer(tx, running, entry.start if stop_at is None else stop_at)
            elif stop_at is not None:
                raise ValidationError("--stop-at stops a running timer, and none is running")
            _refuse_locked(tx, [entry])
            _refuse_overlaps(tx, [entry], ignore_running=True)
            entry.id = tx.allocate("next_log")
            tx.set_state(timer=_timer_doc(entry))
            return entry, stopped

    def stop_timer(self, at: datetime, **changes: Any) -> LogEntry:
        """Stop the running timer at `at` and store it. A timer stopped within a minute of its start is discarded
        (it would bill a whole minute for a slip of the key): the returned entry then lasts zero seconds and nothing
        is stored."""
        with self._transaction(write=True) as tx:
            running = _running(tx)
            if running is None:
                raise ValidationError("no timer is running; start one with 'planner start NAME'")
            return _finish_timer(tx, replace(running, **changes), at)


# ---------------------------------------------------------------- transaction helpers


def _people(tx: _Tx) -> list[Person]:
    from planner.delegation import Person

    return [Person.from_doc(doc.doc_id, doc) for doc in tx.main().table("people").all()]


def _person_named(tx: _Tx, name: str) -> Person:
    for person in _people(tx):
        if _key(person.name) == _key(name):
            return person
    if not name.strip():
        raise ValidationError("no person given: name one; see 'planner person list'")
    raise ValidationError(
        f"no person named '{name.strip()}'; see 'planner person list', or add them with 'planner person add'"
    )


def _person_by_id(tx: _Tx, person_id: int) -> Person:
    from planner.delegation import Person

    doc = tx.main().table("people").get(doc_id=person_id)
    if doc is None:
        raise ValidationError(f"no person with id {person_id}; see 'planner person list'")
    return Person.from_doc(person_id, doc)


def _check_unique_person(tx: _Tx, name: str, own_id: int | None) -> None:
    for other in _people(tx):
        if other.id != own_id and _key(other.name) == _key(name):
            raise ValidationError(f"a person named '{other.name}' exists already; choose another name")


def _tasks(tx: _Tx) -> list[Task]:
    from planner.delegation import Task

    return [Task.from_doc(doc.doc_id, doc) for doc in tx.main().table("tasks").all()]


def _task_by_id(tx: _Tx, task_id: int) -> Task:
    from planner.delegation import Task

    _table, doc = _record(tx, "tasks", task_id, "task", "planner task list")
    return Task.from_doc(task_id, doc)


#: A recurring task's occurrence is made this long before it is due, so it can be sent in time.
OCCURRENCE_LEAD = timedelta(days=7)


def _pending_occurrences(tx: _Tx, today: date) -> list[tuple[Task, date]]:
    """(series, day) of every occurrence due by a week after `today` that has no task yet."""
    tasks = _tasks(tx)
    made = {(task.series_id, task.occurrence) for task in tasks if task.series_id is not None}
    made |= {(task.id, day) for task in tasks if task.repeat for day in task.skipped}
    found = []
    for series in tasks:
        if not series.repeat or series.due is None:
            continue
        begun = to_local(series.created).date() if series.created is not None else series.due
        for day in expand_rrule(series.repeat, series.due, max(series.due, begun), today + OCCURRENCE_LEAD):
            if (series.id, day) not in made:
                found.append((series, day))
    return found


def _make_occurrences(tx: _Tx, today: date) -> list[Task]:
    """Create the pending occurrences (call under the write lock: each is made once)."""
    from planner.delegation import DRAFT, Update

    made = []
    for series, day in _pending_occurrences(tx, today):
        task = replace(
            series,
            id=0,
            due=day,
            repeat=None,
            series_id=series.id,
            occurrence=day,
            status=DRAFT,
            history=[Update(now(), DRAFT, f"made from recurring task {series.id}")],
            created=now(),
            checklist=[{**item, "done": False} for item in series.checklist],
        )
        task.id = _insert_task(tx, task)
        made.append(task)
    return made


def _insert_task(tx: _Tx, task: Task) -> int:
    """Store a task under a fresh id that no task ever had (a removed task's id is not given again: reminders and
    logged time name tasks by id)."""
    table = tx.main().table("tasks")
    highest = max((doc.doc_id for doc in table.all()), default=0)
    task_id = max(int(tx.state().get("next_task", 1)), highest + 1)
    tx.set_state(next_task=task_id + 1)
    table.insert(Document(task.to_doc(), doc_id=task_id))
    return task_id


def _engagements(tx: _Tx, include_archived: bool) -> list[Engagement]:
    found = [Engagement.from_doc(doc.doc_id, doc) for doc in tx.main().table("engagements").all()]
    return [item for item in found if include_archived or not item.archived]


def _engagement_named(tx: _Tx, name: str) -> Engagement:
    wanted = _key(name)
    for engagement in _engagements(tx, include_archived=True):
        if _key(engagement.name) == wanted:
            return engagement
    if not name.strip():
        raise ValidationError("no job or client given: name one; see 'planner list'")
    raise ValidationError(
        f"no engagement named '{name.strip()}'; see 'planner list', or add it with 'planner client add' "
        "or 'planner job add'"
    )


def _engagement_by_id(tx: _Tx, engagement_id: int, *, for_new_work: bool = False) -> Engagement:
    doc = tx.main().table("engagements").get(doc_id=engagement_id)
    if doc is None:
        raise ValidationError(f"no engagement with id {engagement_id}; see 'planner list'")
    engagement = Engagement.from_doc(engagement_id, doc)
    if for_new_work and engagement.archived:
        raise ValidationError(
            f"{engagement.name} is archived; bring it back with 'planner unarchive {engagement.name}' first"
        )
    return engagement


def _insert_engagement(tx: _Tx, engagement: Engagement) -> Engagement:
    """Store a validated new engagement under a fresh id, with the next colour of the palette unless it has one."""
    _check_unique_name(tx, engagement.name, None)
    table = tx.main().table("engagements")
    if engagement.colour is None:
        engagement.colour = PALETTE[len(table) % len(PALETTE)]
    if engagement.added is None:
        engagement.added = to_local(now()).date()
    engagement.id = table.insert(engagement.to_doc())
    return engagement


def _check_unique_name(tx: _Tx, name: str, own_id: int | None) -> None:
    for other in _engagements(tx, include_archived=True):
        if other.id != own_id and _key(other.name) == _key(name):
            raise ValidationError(
                f"an engagement named '{other.name}' exists already (id {other.id}); choose another name"
            )


def _put_block(tx: _Tx, block: Block) -> None:
    doc = Document(block.to_doc(), block.id)
    if block.repeat:
        tx.main().table("series").insert(doc)
    else:
        tx.shard("blocks", block.day.strftime("%Y-%m")).table("blocks").insert(doc)


@dataclass
class CalendarSync:
    """What `sync_calendar` did."""

    added: list[Block] = field(default_factory=list)
    changed: list[tuple[Block, Block]] = field(default_factory=list)  # (before, after): moved
    renamed: list[tuple[Block, Block]] = field(default_factory=list)  # (before, after): same time, new title or notes
    removed: list[Block] = field(default_factory=list)
    unchanged: int = 0
    days_off: int = 0
    days_off_removed: int = 0


def _event_key(source: dict) -> tuple:
    return (source.get("uid"), source.get("recurrence_id"), source.get("part", 0))


def _days_off(tx: _Tx, first: date, last: date) -> list[DayOff]:
    found = [DayOff.from_doc(doc) for doc in tx.main().table("days_off").all()]
    return sorted((item for item in found if first <= item.day <= last), key=lambda item: item.day)


def _blocks(tx: _Tx, first: date, last: date, *, series: bool = True) -> list[Block]:
    """The blocks dated first..last, and (`series`) the occurrences of every series in it."""
    found: list[Block] = []
    lo, hi = first.strftime("%Y-%m"), last.strftime("%Y-%m")
    for month in tx.months("blocks"):
        if lo <= month <= hi:
            for doc in tx.shard("blocks", month).table("blocks").all():
                block = Block.from_doc(doc.doc_id, doc)
                if first <= block.day <= last:
                    found.append(block)
    for doc in tx.main().table("series").all() if series else ():
        whole = Block.from_doc(doc.doc_id, doc)
        found += [whole.occurrence(day) for day in _series_days(whole, first, last) if day not in whole.exdates]
    found.sort(key=lambda block: (block.day, block.start, block.id))
    return found


def _series_days(series: Block, first: date, last: date) -> list[date]:
    """The days of a stored series within first..last (exceptions included). A rule planner refuses (an older file may
    hold one) stops the command with one line naming the series, never with a hang."""
    try:
        return expand_rrule(series.repeat, series.day, first, last)  # type: ignore[arg-type]
    except ValidationError as error:
        raise StoreError(
            f"series {series.id} in {MAIN_FILE} has a repeat rule planner cannot use ({error}); "
            f"remove it with 'planner plan rm {series.id}'"
        ) from None


def _check_block_ref(tx: _Tx, entry: LogEntry) -> None:
    """An entry's --block must be a stored block, and for a series one that happens on the day the entry starts;
    its --task a stored task (not a recurring series)."""
    if entry.task_id is not None:
        task = _task_by_id(tx, entry.task_id)
        if task.repeat:
            raise ValidationError(f"task {task.id} is a recurring series; give one of its tasks (planner task list)")
        if task.for_id is not None and task.for_id != entry.engagement_id:
            owner = _engagement_by_id(tx, task.for_id).name
            raise ValidationError(f"task {task.id} is for {owner}; log the time you spend on it for {owner}")
    if entry.block_id is None:
        return
    block, _ = _find_block(tx, entry.block_id)
    day = to_local(entry.start).date()
    if block.repeat and (day in block.exdates or not _series_days(block, day, day)):
        raise ValidationError(
            f"series {block.id} has no occurrence on {day.isoformat()}, the day the entry starts; "
            "give the block of that day, or leave --block out"
        )


SERIES_HORIZON = 366  # days of a new or changed series checked for overlaps with the engagement's other blocks


def _refuse_block_overlap(tx: _Tx, block: Block, *, instead_of: tuple[int, date] | None = None) -> None:
    """Planned time of one engagement never overlaps itself (it would count twice): refuse `block` (a one-off block,
    or a series over its first year) where it overlaps another block of its engagement, naming that block. Blocks
    of different engagements may overlap; the balance check calls that double-booked."""
    if block.repeat:
        last = block.day + timedelta(days=SERIES_HORIZON)
        days = [day for day in _series_days(block, block.day, last) if day not in block.exdates]
        if not days:
            return
        first, last = days[0], days[-1]
    else:
        days, first, last = [block.day], block.day, block.day
    mine = set(days)
    for other in _blocks(tx, first, last):
        if other.engagement_id != block.engagement_id or other.day not in mine:
            continue
        if block.id and other.key == block.id:
            continue  # the block itself (every occurrence of a series being changed)
        if instead_of is not None and (other.series_id, other.day) == instead_of:
            continue
        if other.start < block.end and block.start < other.end:
            name = _engagement_by_id(tx, block.engagement_id).name
            what = f"series {other.series_id}" if other.series_id is not None else f"block {other.id}"
            title = f" '{other.title}'" if other.title else ""
            raise ValidationError(
                f"this overlaps {what}{title} of {name} on {other.day:%a %d %b %Y} "
                f"{format_clock(other.start)}-{format_clock(other.end)}; one engagement's planned time cannot "
                "overlap itself: move or shorten one of them"
            )


def _check_cents(amount: Decimal | None, currency: str | None, what: str) -> None:
    from planner.money import check_cents

    check_cents(amount, currency, what)


def _record(tx: _Tx, table_name: str, record_id: int, what: str, listing: str) -> tuple[Any, dict]:
    """A record of the main file's `table_name` by id, with its table; refused in one line naming `listing`."""
    table = tx.main().table(table_name)
    doc = table.get(doc_id=record_id)
    if doc is None:
        raise ValidationError(f"no {what} with id {record_id}; see '{listing}'")
    return table, doc


def _block_exists(tx: _Tx, block_id: int) -> bool:
    try:
        _find_block(tx, block_id)
    except ValidationError:
        return False
    return True


def _log_exists(tx: _Tx, log_id: int) -> bool:
    running = _running(tx)
    if running is not None and running.id == log_id:
        return True
    try:
        _find_log(tx, log_id)
    except ValidationError:
        return False
    return True


def _find_block(tx: _Tx, block_id: int):
    series = tx.main().table("series")
    doc = series.get(doc_id=block_id)
    if doc is not None:
        return Block.from_doc(block_id, doc), series
    for month in reversed(tx.months("blocks")):
        table = tx.shard("blocks", month).table("blocks")
        doc = table.get(doc_id=block_id)
        if doc is not None:
            return Block.from_doc(block_id, doc), table
    raise ValidationError(f"no planned block with id {block_id}; see 'planner plan list'")


def _running(tx: _Tx) -> LogEntry | None:
    timer = tx.state().get("timer")
    if not timer:
        return None
    return LogEntry.from_doc(timer["id"], timer)


def _timer_doc(entry: LogEntry) -> dict:
    return {"id": entry.id, **entry.to_doc()}


def _shard_months_for(tx: _Tx, start: datetime, end: datetime | None) -> list[str]:
    """Existing log shards that can hold an entry overlapping [start, end) (end None: open-ended)."""
    lo = shift_month_key(month_key(start), -1)  # an entry lasts at most MAX_LOG_SPAN, so it reaches one month on
    hi = month_key(end) if end is not None else None
    return [month for month in tx.months("logs") if month >= lo and (hi is None or month <= hi)]


def _logs(
    tx: _Tx,
    start: datetime,
    end: datetime,
    include_running: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[LogEntry]:
    # Stored moments begin with their local date, which is never more than a day from the UTC date; comparing those
    # ten characters first skips parsing the entries of a shard that cannot overlap the range.
    low, high = (start - timedelta(days=1)).date().isoformat(), (end + timedelta(days=1)).date().isoformat()
    found = []
    months = _shard_months_for(tx, start, end)
    for done, month in enumerate(months, 1):
        for doc in tx.shard("logs", month).table("logs").all():
            if doc["start"][:10] > high or (doc["end"] or "9999")[:10] < low:
                continue
            entry = LogEntry.from_doc(doc.doc_id, doc)
            if entry.start < end and entry.end is not None and entry.end > start:
                found.append(entry)
        if progress is not None:
            progress(done, len(months))
    if include_running:
        running = _running(tx)
        if running is not None and running.start < end:
            found.append(running)
    found.sort(key=lambda entry: (entry.start, entry.id))
    return found


def _find_log(tx: _Tx, log_id: int):
    """The stored entry with this id, newest shards first (recent entries are the ones people edit)."""
    for month in reversed(tx.months("logs")):
        table = tx.shard("logs", month).table("logs")
        doc = table.get(doc_id=log_id)
        if doc is not None:
            return LogEntry.from_doc(log_id, doc), table
    raise ValidationError(f"no log entry with id {log_id}; see 'planner log list'")


def _refuse_overlaps(
    tx: _Tx, entries: list[LogEntry], *, ignore_ids: frozenset[int] = frozenset(), ignore_running: bool = False
) -> None:
    """Refuse entries that overlap each other, a stored entry, or the running timer.

    Stored entries never overlap one another, so sorted by start they are sorted by end too: one bisection per new
    entry finds the only stored entry it could collide with first. That keeps a 100,000-entry import linear.
    """
    ordered = sorted(entries, key=lambda entry: entry.start)
    for before, after in pairwise(ordered):
        if before.end is None or before.end > after.start:
            raise ValidationError(
                f"the entries starting {format_local(before.start)} and {format_local(after.start)} overlap; "
                "fix one of them"
            )
    open_ended = ordered[-1].end is None
    hi = None if open_ended else max(entry.end for entry in ordered if entry.end is not None)
    stored = sorted(
        (
            LogEntry.from_doc(doc.doc_id, doc)
            for month in _shard_months_for(tx, ordered[0].start, hi)
            for doc in tx.shard("logs", month).table("logs").all()
            if doc.doc_id not in ignore_ids
        ),
        key=lambda entry: entry.start,
    )
    ends = [entry.end or entry.start for entry in stored]  # stored entries always have an end
    running = None if ignore_running else _running(tx)
    for entry in ordered:
        index = bisect_right(ends, entry.start)  # first stored entry ending after this one starts
        if index < len(stored) and (entry.end is None or stored[index].start < entry.end):
            _overlap_error(tx, stored[index])
        if running is not None and running.id not in ignore_ids and (entry.end is None or running.start < entry.end):
            _overlap_error(tx, running)


def _week_figures(tx: _Tx, lock: Lock) -> dict[int, dict]:
    """The money figures of a lock's week, per engagement it covers (planner.money, as JSON)."""
    from planner.money import by_engagement, price

    engagements = [e for e in _engagements(tx, True) if lock.engagement_id in (None, e.id)]
    last = lock.monday + timedelta(days=6)
    logs = _logs(tx, *span_of_days(lock.monday, last), False, None)
    figures = by_engagement(price(engagements, logs, lock.monday, last).lines)
    return {engagement_id: item.to_json() for engagement_id, item in sorted(figures.items())}


def _locks(tx: _Tx) -> list[Lock]:
    return [Lock.from_doc(doc) for doc in tx.main().table("locks").all()]


def _refuse_locked(tx: _Tx, entries: list[LogEntry]) -> None:
    """Refuse a change to entries of a locked week."""
    locks = _locks(tx)
    for entry in entries:
        for lock in locks:
            if lock.covers(entry):
                raise ValidationError(
                    f"{lock.describe(tx)} is locked (sent); unlock it with 'planner unlock {lock.args(tx)}' "
                    "to change its entries"
                )
    _refuse_locked_overage(tx, entries)


def _lock_on(tx: _Tx, engagement_id: int, day: date, locks: list[Lock] | None = None) -> Lock | None:
    """The lock (of the whole week, or of this engagement) of the week holding `day`, if any."""
    for lock in _locks(tx) if locks is None else locks:
        if lock.engagement_id in (None, engagement_id) and lock.monday <= day <= lock.monday + timedelta(days=6):
            return lock
    return None


def _refuse_locked_income(tx: _Tx, engagement_id: int, days: Iterable[date | None], what: str) -> None:
    """Refuse a change to income dated in a locked week (an income entry, a milestone done): a locked week's income
    never changes."""
    locks = _locks(tx)
    for day in days:
        lock = None if day is None else _lock_on(tx, engagement_id, day, locks)
        if lock is not None:
            raise ValidationError(
                f"{lock.describe(tx)} is locked (sent), and {what} on {day} counts in its income; "
                f"unlock it with 'planner unlock {lock.args(tx)}' to change it"
            )


def _refuse_locked_earnings(
    tx: _Tx,
    before: Engagement,
    after: Engagement,
    milestones_before: list[Milestone] | None = None,
    milestones_after: list[Milestone] | None = None,
) -> None:
    """Refuse a change of an engagement (its --done or --start day) or of its milestones that would change what a
    locked week earned: a fee, milestone, retainer, overage or salary moved into, out of or within it."""
    locks = [lock for lock in _locks(tx) if lock.engagement_id in (None, before.id)]
    if not locks:
        return
    if milestones_before is None:
        docs = tx.main().table("milestones").all()
        milestones_before = [Milestone.from_doc(d.doc_id, d) for d in docs if d.get("engagement_id") == before.id]
    if milestones_after is None:
        milestones_after = milestones_before
    for lock in sorted(locks, key=lambda item: item.monday):
        sunday = lock.monday + timedelta(days=6)
        reach = month_before(lock.monday)  # a retainer's carried hours
        logs = [e for e in _logs(tx, *span_of_days(reach, sunday), False, None) if e.engagement_id == before.id]

        span = (reach, lock.monday, sunday)
        if _earned(before, milestones_before, logs, *span) != _earned(after, milestones_after, logs, *span):
            raise ValidationError(
                f"{lock.describe(tx)} is locked (sent), and this change would change the income it was sent with; "
                f"unlock it with 'planner unlock {lock.args(tx)}' first"
            )


def _earned(
    engagement: Engagement, milestones: list[Milestone], logs: list[LogEntry], reach: date, first: date, last: date
) -> list[tuple[date, str, int]]:
    """What `engagement` earned in first..last (its hours from `reach`, for a retainer's carried hours)."""
    from planner.money import earnings, price

    lines = price([engagement], logs, reach, last).lines
    return [(item.day, item.kind, item.amount) for item in earnings([engagement], lines, [], milestones, first, last)]


def _refuse_locked_milestones(tx: _Tx, current: Milestone, updated: Milestone | None) -> None:
    """Refuse marking, changing or removing a milestone when that changes a locked week's income (the milestone's
    own day, or the rest of the fixed fee it is part of)."""
    engagement = _engagement_by_id(tx, current.engagement_id)
    docs = tx.main().table("milestones").all()
    mine = [Milestone.from_doc(d.doc_id, d) for d in docs if d.get("engagement_id") == engagement.id]
    after = [m for m in mine if m.id != current.id] + ([updated] if updated is not None else [])
    _refuse_locked_earnings(tx, engagement, engagement, mine, after)


def _refuse_locked_overage(tx: _Tx, entries: list[LogEntry]) -> None:
    """A retainer's overage is earned on its month's last day (and with --carry, the next month's depends on it):
    refuse a change to its hours of a month whose overage a locked week holds."""
    locks = _locks(tx)
    if not locks:
        return
    for entry in entries:
        engagement = _engagement_by_id(tx, entry.engagement_id)
        day = to_local(entry.start).date()
        terms = engagement.terms_on(day)
        if engagement.inbound or terms.model != "retainer":
            continue
        following = next_month(day.replace(day=1))
        ends = [following - timedelta(days=1)]
        if terms.carry:
            ends.append(next_month(following) - timedelta(days=1))
        for end in ends:
            lock = _lock_on(tx, engagement.id, end, locks)
            if lock is not None:
                raise ValidationError(
                    f"{lock.describe(tx)} is locked (sent) and holds the overage of {engagement.name}'s retainer for "
                    f"{end:%B %Y}, which these hours count in; unlock it with 'planner unlock {lock.args(tx)}' first"
                )


def _overlap_error(tx: _Tx, other: LogEntry) -> None:
    name = _engagement_by_id(tx, other.engagement_id).name
    what = "the running timer" if other.end is None else f"log {other.id}"
    until = "now" if other.end is None else format_local(other.end)
    raise ValidationError(
        f"this overlaps {what} ({name}, {format_local(other.start)} to {until}); "
        "change the times or edit that entry first"
    )


def _finish_timer(tx: _Tx, running: LogEntry, at: datetime) -> LogEntry:
    finished = replace(running, end=at)
    if running.start <= at < running.start + MIN_TIMER:  # a slip of the key, not work: bill nothing
        tx.set_state(timer=None)
        return replace(running, end=running.start)
    if at <= running.start:
        raise ValidationError(f"the timer started at {format_local(running.start)}; stop it at a later time")
    if at - running.start > MAX_LOG_SPAN:
        raise ValidationError(
            f"the timer has run since {format_local(running.start)}, over 28 days; "
            "stop it with --at at the time you really stopped"
        )
    finished.validate()
    _refuse_locked(tx, [finished])
    _refuse_overlaps(tx, [finished], ignore_running=True)
    _ensure_usage(tx)
    table = tx.shard("logs", month_key(finished.start)).table("logs")
    if table.contains(doc_id=finished.id):  # planner.json was edited: its timer took an id already given out
        raise StoreError(
            f"the running timer's id {finished.id} is already the id of a logged entry, so planner.json or a month "
            "file was changed by hand; nothing was changed: run 'planner doctor' to see what, or restore a backup"
        )
    table.insert(Document(finished.to_doc(), finished.id))
    _usage_add(tx, finished.engagement_id, finished.seconds())
    tx.set_state(timer=None)
    return finished


def _insert_logs(tx: _Tx, batch: list[LogEntry], *, keep_ids: bool) -> None:
    """Write checked, finished entries to their month shards (fresh ids unless `keep_ids`) and add their time to
    each engagement's logged total."""
    if not keep_ids:
        first = tx.allocate("next_log")
        if len(batch) > 1:
            tx.set_state(next_log=first + len(batch))
        for offset, entry in enumerate(batch):
            entry.id = first + offset
    by_month: dict[str, list[LogEntry]] = {}
    seconds: dict[int, float] = {}
    for entry in batch:
        by_month.setdefault(month_key(entry.start), []).append(entry)
        seconds[entry.engagement_id] = seconds.get(entry.engagement_id, 0.0) + entry.seconds()
    for month, entries in by_month.items():  # each document made as it goes in: an import's are never all held twice
        documents = (Document(entry.to_doc(), entry.id) for entry in entries)
        tx.shard("logs", month).table("logs").insert_multiple(documents)
    for engagement_id, total in seconds.items():
        _usage_add(tx, engagement_id, total)


def _repair(tx: _Tx) -> list[str]:
    from planner.delegation import Person

    done: list[str] = []
    main = tx.main()
    engagements = main.table("engagements")
    logs = [(month, doc) for month in tx.months("logs") for doc in tx.shard("logs", month).table("logs").all()]
    blocks = [(month, doc) for month in tx.months("blocks") for doc in tx.shard("blocks", month).table("blocks").all()]
    series = main.table("series").all()
    timer = tx.state().get("timer")
    wanted = {doc["engagement_id"] for _, doc in logs} | {doc["engagement_id"] for _, doc in blocks}
    wanted |= {doc["engagement_id"] for doc in series} | ({timer["engagement_id"]} if timer else set())
    wanted |= {doc["engagement_id"] for table in ("income", "milestones") for doc in main.table(table).all()}
    wanted |= {doc["for_id"] for doc in main.table("tasks").all() if doc.get("for_id") is not None}
    people = main.table("people")
    missing_people = {doc["person_id"] for doc in main.table("tasks").all()} - {doc.doc_id for doc in people.all()}
    for person_id in sorted(item for item in missing_people if isinstance(item, int)):
        name = f"missing-{person_id}"
        stand_in = Person(person_id, name, archived=True, added=to_local(now()).date())
        people.insert(Document(stand_in.validate().to_doc(), doc_id=person_id))
        done.append(f"recreated person {person_id} as '{name}' (archived) for the tasks handed to them")
    for engagement_id in sorted(
        item for item in wanted if isinstance(item, int) and engagements.get(doc_id=item) is None
    ):
        name = f"missing-{engagement_id}"
        placeholder = Engagement(id=engagement_id, name=name, kind=OUTBOUND, archived=True, colour="bright_black")
        engagements.insert(Document(placeholder.validate().to_doc(), doc_id=engagement_id))
        done.append(
            f"recreated engagement {engagement_id} as '{name}' (archived) for the entries that belong to it;"
            f" rename it with 'planner edit {name} --name NEW'"
        )
    for counter, ids in (
        ("next_log", [doc.doc_id for _, doc in logs] + ([int(timer["id"])] if timer else [])),
        ("next_block", [doc.doc_id for _, doc in blocks] + [doc.doc_id for doc in series]),
    ):
        highest = max(ids, default=0)
        if int(tx.state().get(counter, 1)) <= highest:
            tx.set_state(**{counter: highest + 1})
            done.append(f"raised the {counter.replace('_', ' ')} id to {highest + 1}")
    kinds = [
        ("logs", "log", "next_log", logs, {int(timer["id"])} if timer else set()),
        ("blocks", "block", "next_block", blocks, {doc.doc_id for doc in series}),
    ]
    for kind, noun, counter, found, seen in kinds:
        for month, doc in found:
            right = month_key(parse_stored_moment(doc["start"])) if kind == "logs" else doc["date"][:7]
            new_id = doc.doc_id
            if doc.doc_id in seen:
                new_id = tx.allocate(counter)
                done.append(f"gave {noun} {doc.doc_id} in {kind}/{month}.json the new id {new_id} (it was used twice)")
            if new_id != doc.doc_id or right != month:
                tx.shard(kind, month).table(kind).remove(doc_ids=[doc.doc_id])
                tx.shard(kind, right).table(kind).insert(Document(dict(doc), doc_id=new_id))
                if right != month:
                    done.append(f"moved {noun} {new_id} from {kind}/{month}.json to {kind}/{right}.json, its month")
            seen.add(new_id)
    before = _usage(tx) if tx.state().get("usage_ready") else None
    totals = _usage_from_shards(tx)
    if before is None or {k: v for k, v in before.items() if v} != {k: v for k, v in totals.items() if v}:
        _write_usage(tx, totals)
        if before is not None:
            done.append("recomputed the logged totals per engagement from the entries")
    return done


def _ensure_usage(tx: _Tx) -> None:
    """Make sure the main file holds every engagement's logged total before a change adjusts it. Data written
    before totals existed gets them computed once, from every shard, before this change touches anything."""
    if not tx.state().get("usage_ready"):
        _write_usage(tx, _usage_from_shards(tx))


def _write_usage(tx: _Tx, totals: dict[int, int]) -> None:
    """Replace the logged totals per engagement in the main file."""
    table = tx.main().table("usage")
    table.truncate()
    for engagement_id, seconds in totals.items():
        table.insert(Document({"seconds": seconds}, doc_id=engagement_id))
    tx.set_state(usage_ready=True)


def _usage_from_shards(tx: _Tx) -> dict[int, int]:
    totals: dict[int, int] = {}
    for month in tx.months("logs"):
        for doc in tx.shard("logs", month).table("logs").all():
            entry = LogEntry.from_doc(doc.doc_id, doc)
            totals[entry.engagement_id] = totals.get(entry.engagement_id, 0) + round(entry.seconds())
    return totals


def _usage_add(tx: _Tx, engagement_id: int, seconds: float) -> None:
    table = tx.main().table("usage")
    doc = table.get(doc_id=engagement_id)
    total = (doc["seconds"] if doc else 0) + round(seconds)
    table.upsert(Document({"seconds": total}, doc_id=engagement_id))


def _usage(tx: _Tx) -> dict[int, int]:
    if tx.state().get("usage_ready"):
        return {doc.doc_id: doc["seconds"] for doc in tx.main().table("usage").all()}
    return _usage_from_shards(tx)
