"""What a shell prompt, a tmux status line and tab completion ask every few seconds (the running timer, whether it
looks forgotten, the engagements' names), answered from planner.json alone, without the domain model.

Loading the model (dataclasses, Decimal, TinyDB, every record checked) costs several times what Python takes to
start; a prompt cannot pay that each time it draws. So this reads the main file only when its bytes are exactly the
ones planner last wrote (`layout.sealed`), in a folder laid out soundly with no change half done, and reads just the
documents it needs. Anything else (no seal, an edit by hand, damage, a journal, a field of an unexpected type) is
`None`, and the caller takes the long way through planner.store, which checks everything and says what is wrong.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime

from planner.errors import PlannerError
from planner.layout import APP, JOURNAL_FILE, MAIN_FILE, SCHEMA, layout_problem_texts, sealed
from planner.schedule import check_day, parse_clock, parse_stored_moment, to_local
from planner.timer import TIMER_LIMIT, Forgotten, forgotten_timer
from planner.window import WorkWindow
from planner.words import KINDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

#: What a damaged or unexpected document can raise while it is read here: each means "take the long way".
_UNSURE = (PlannerError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError)


class TimerFacts:
    """The running timer as `status` shows it, from either path: its entry's fields, its engagement's name and
    kind, the seconds it has run and whether it looks forgotten."""

    __slots__ = (
        "billable",
        "block_id",
        "engagement",
        "forgotten",
        "id",
        "kind",
        "note",
        "seconds",
        "start",
        "tags",
        "task_id",
    )
    end = None  # it runs: no end yet, as a LogEntry's that runs

    def __init__(
        self,
        *,
        id: int,
        engagement: str,
        kind: str,
        start: datetime,
        note: str,
        tags: list[str],
        billable: bool,
        block_id: int | None,
        task_id: int | None,
        seconds: float,
        forgotten: Forgotten | None,
    ) -> None:
        self.id, self.engagement, self.kind, self.start = id, engagement, kind, start
        self.note, self.tags, self.billable, self.block_id, self.task_id = note, tags, billable, block_id, task_id
        self.seconds, self.forgotten = seconds, forgotten


class Glance:
    """planner.json as planner last wrote it, read without the model."""

    def __init__(self, data: dict) -> None:
        self._data = data

    @classmethod
    def read(cls, root: Path | str) -> Glance | None:
        """The main file of the folder at `root` when it can be read this way, else None."""
        try:
            if layout_problem_texts(str(root)) or os.path.lexists(os.path.join(root, JOURNAL_FILE)):
                return None
            if not os.path.lexists(os.path.join(root, MAIN_FILE)):
                return cls({})  # nothing written yet (or no folder at all): no timer, no names
            raw = sealed(root, MAIN_FILE)
            if raw is None:
                return None
            data = json.loads(raw)
            meta = data["_meta"]["1"]
            if meta["app"] != APP or meta["schema"] != SCHEMA or meta["kind"] != "main":
                return None
            return cls(data)
        except _UNSURE:
            return None

    def _table(self, name: str) -> dict:
        table = self._data.get(name, {})
        if not isinstance(table, dict):
            raise TypeError(name)
        return table

    def _doc(self, table: str, doc_id: int) -> dict:
        doc = self._table(table).get(str(doc_id))
        if doc is not None and not isinstance(doc, dict):
            raise TypeError(table)
        return doc or {}

    def timer(self, moment: datetime) -> TimerFacts | bool | None:
        """The running timer (None when none runs), or False when it cannot be told this way."""
        try:
            return self._timer(moment)
        except _UNSURE:
            return False

    def _timer(self, moment: datetime) -> TimerFacts | None:
        timer = self._doc("state", 1).get("timer")
        if not timer:
            return None
        engagement = self._doc("engagements", _whole(timer["engagement_id"]))
        name, kind = engagement["name"], engagement["kind"]
        start = parse_stored_moment(timer["start"])
        check_day(start.date(), "the timer's start")  # a year planner does not keep: the long way says so
        note, tags = timer.get("note", ""), timer.get("tags", [])
        billable, block_id, task_id = timer.get("billable", True), timer.get("block_id"), timer.get("task_id")
        if not (isinstance(name, str) and name.strip() and kind in KINDS and isinstance(note, str)):
            raise TypeError("timer")
        if not (isinstance(tags, list) and all(isinstance(tag, str) for tag in tags) and isinstance(billable, bool)):
            raise TypeError("timer")
        if timer.get("end") is not None:
            raise ValueError("a running timer with an end")
        for reference in (block_id, task_id):
            if reference is not None:
                _whole(reference)
        return TimerFacts(
            id=_whole(timer["id"]),
            engagement=name,
            kind=kind,
            start=start,
            note=note,
            tags=list(tags),
            billable=billable,
            block_id=block_id,
            task_id=task_id,
            seconds=max(0.0, (moment - start).total_seconds()),
            forgotten=self._forgotten(engagement, start, moment),
        )

    def _forgotten(self, engagement: dict, start: datetime, moment: datetime) -> Forgotten | None:
        rules = self._doc("boundaries", 1)
        latest = rules.get("latest")
        limit = rules.get("timer_limit", TIMER_LIMIT)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | float) or not 0 < limit < 1e6):
            raise TypeError("timer_limit")
        window = None
        if engagement["kind"] == "inbound":
            text = _term_on(engagement, "window", to_local(start).date())
            window = WorkWindow.parse(text) if text else None
        return forgotten_timer(
            start,
            engagement["name"],
            window,
            None if latest is None else parse_clock(latest, allow_midnight_end=True),
            limit,
            moment,
        )

    def names(self, *, kind: str | None = None, archived: bool = False) -> list[str] | None:
        """The names of the engagements (of `kind`, when given) that are archived or not, in the order they were
        added (None: cannot be told this way)."""
        try:
            found = []
            for key in sorted(self._table("engagements"), key=int):
                doc = self._doc("engagements", int(key))
                name, its_kind, its_archived = doc["name"], doc["kind"], doc.get("archived", False)
                if not (
                    isinstance(name, str) and name.strip() and its_kind in KINDS and isinstance(its_archived, bool)
                ):
                    raise TypeError("engagement")
                if its_archived == archived and kind in (None, its_kind):
                    found.append(name)
            return found
        except _UNSURE:
            return None


def _whole(value: object) -> int:
    if type(value) is not int or value < 1:
        raise TypeError("id")
    return value


def _term_on(engagement: dict, term: str, day: date) -> str | None:
    """A dated term of an engagement document in force on `day`, as Engagement.terms_on finds it."""
    value = engagement.get(term)
    for change in engagement.get("changes", []):
        if date.fromisoformat(change["from"]) <= day and term in change:
            value = change[term]
    if value is not None and not isinstance(value, str):
        raise TypeError(term)
    return value  # type: ignore[no-any-return]
