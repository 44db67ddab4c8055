"""What planner says about delegated work: a task in full (with the user's own hours on it), a person's record (whom
to keep and pay better), a task list as a client's status report, a brief ready to send. Figures of money come
from planner.money."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from planner.delegation import DONE, SELF, Person, Task, checklist_of
from planner.exports import _md_cell, safe_cell
from planner.hours import clock_hours
from planner.money import format_amount, format_amounts, minor_amount, task_cost, task_costs, to_decimal
from planner.schedule import format_local, now, to_local
from planner.store import Store
from planner.text import printable


def _own_seconds(store: Store, task_ids: set[int], first_moment: datetime | None) -> dict[int, int]:
    """The user's own logged seconds per task (time logged with --task), from a year before `first_moment` to now."""
    if not task_ids or first_moment is None:
        return {}
    found: dict[int, int] = {}
    since = first_moment - timedelta(days=366)  # briefing may come before the task is entered
    for entry in store.logs(since, now() + timedelta(days=1), include_running=False):
        if entry.task_id in task_ids and entry.end is not None:
            found[entry.task_id] = found.get(entry.task_id, 0) + round(entry.seconds())
    return found


def _task_json(task: Task, person: Person | None, for_name: str | None, cost: tuple[str, int] | None) -> dict:
    """What `task list --json` and `task show --json` both give of a task."""
    return {
        "id": task.id,
        "title": task.title,
        "person": person.name if person else None,
        "for": for_name,
        "status": task.status,
        "due": None if task.due is None else task.due.isoformat(),
        "estimate_hours": None if task.estimate is None else round(task.estimate / 3600, 4),
        "reported_hours": round(task.reported_seconds / 3600, 4),
        "cost": None if cost is None else float(to_decimal(cost[1], cost[0])),
        "currency": None if cost is None else cost[0],
        "priced": "fixed" if task.price is not None else "hourly",
        "recurring": task.series_id,
    }


def task_rows(store: Store, tasks: list[Task], moment: datetime) -> list[dict[str, object]]:
    """Each task as `task list --json` gives it."""
    people = {person.id: person for person in store.people(include_archived=True)}
    names = {e.id: e.name for e in store.engagements(include_archived=True)}
    rows = []
    for task in tasks:
        person = people.get(task.person_id)
        last = task.last_update
        rows.append(
            {
                **_task_json(
                    task, person, SELF if task.for_id is None else names.get(task.for_id), task_cost(task, person)
                ),
                "last_update": None if last is None else to_local(last).isoformat(timespec="seconds"),
                "days_since_update": None if last is None else (moment - last).days,
            }
        )
    return rows


# ---------------------------------------------------------------- one task


@dataclass
class TaskDetail:
    task: Task
    person: Person | None
    for_name: str
    cost: tuple[str, int] | None
    own_seconds: int

    def to_json(self) -> dict[str, object]:
        task = self.task
        return {
            **_task_json(task, self.person, self.for_name, self.cost),
            "own_hours": round(self.own_seconds / 3600, 4),
            "price": None if task.price is None else float(task.price),
            "brief": task.brief,
            "checklist": [dict(item) for item in task.checklist],
            "history": [
                {
                    "at": to_local(update.at).isoformat(timespec="seconds"),
                    "status": update.status,
                    "note": update.note,
                    "hours": round(update.seconds / 3600, 4),
                }
                for update in task.history
            ],
            "repeat": task.repeat,
            "playbook": task.playbook,
        }

    def text(self) -> str:
        task = self.task
        lines = [f"Task {task.id}: {printable(task.title)}"]
        who = printable(self.person.name) if self.person else "?"
        lines.append(f"for {printable(self.for_name)}, handed to {who}; {task.status}")
        if task.due is not None:
            lines.append(f"due {task.due:%a %d %b %Y}")
        priced = "hourly (the hours reported)" if task.price is None else f"fixed price {task.price}"
        cost = (
            "unknown (no rate for reported hours)" if self.cost is None else format_amount(self.cost[1], self.cost[0])
        )
        lines.append(f"paid: {priced}; cost so far: {cost}")
        estimate = "" if task.estimate is None else f" of {clock_hours(task.estimate)} h estimated"
        lines.append(f"their hours: {clock_hours(task.reported_seconds)}{estimate}; yours on it: "
                     f"{clock_hours(self.own_seconds)} (briefing, reviewing)")  # fmt: skip
        if task.checklist:
            lines.append("")
            lines += [
                f"{number}. [{'x' if item['done'] else ' '}] {printable(item['text'])}"
                for number, item in enumerate(task.checklist, start=1)
            ]
        if task.brief:
            lines += ["", "Brief:", *(f"  {printable(line)}" for line in task.brief.split("\n"))]
        lines += ["", "History:"]
        for update in task.history:
            hours = f" ({clock_hours(update.seconds)} h)" if update.seconds else ""
            note = f": {printable(update.note)}" if update.note else ""
            lines.append(f"  {format_local(update.at)}  {update.status}{hours}{note}")
        return "\n".join(lines)


def task_detail(store: Store, task: Task, moment: datetime) -> TaskDetail:
    people = {person.id: person for person in store.people(include_archived=True)}
    person = people.get(task.person_id)
    names = {e.id: e.name for e in store.engagements(include_archived=True)}
    for_name = SELF if task.for_id is None else names.get(task.for_id, "?")
    own = _own_seconds(store, {task.id}, task.created)
    return TaskDetail(task, person, for_name, task_cost(task, person), own.get(task.id, 0))


# ---------------------------------------------------------------- a person's record


@dataclass
class PersonRecord:
    person: Person
    tasks: list[Task]
    on_time: int = 0
    late: int = 0
    lateness_days: list[int] = field(default_factory=list)
    estimated: int = 0  # seconds estimated, over tasks with an estimate and reported hours
    reported_on_estimated: int = 0
    costs: dict[str, int] = field(default_factory=dict)  # done tasks' cost, per currency
    done: int = 0
    open: int = 0
    own_seconds: int = 0

    @property
    def mean_lateness(self) -> float | None:
        return None if not self.lateness_days else sum(self.lateness_days) / len(self.lateness_days)

    def cost_per_task(self) -> dict[str, int]:
        if not self.done:
            return {}
        return {currency: round(amount / self.done) for currency, amount in self.costs.items()}

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.person.name,
            "kind": self.person.kind,
            "tasks": len(self.tasks),
            "open": self.open,
            "done": self.done,
            "on_time": self.on_time,
            "late": self.late,
            "mean_days_late": None if self.mean_lateness is None else round(self.mean_lateness, 2),
            "estimated_hours": round(self.estimated / 3600, 4),
            "reported_hours_on_estimated": round(self.reported_on_estimated / 3600, 4),
            "cost": {c: float(to_decimal(v, c)) for c, v in sorted(self.costs.items())},
            "cost_per_task": {c: float(to_decimal(v, c)) for c, v in sorted(self.cost_per_task().items())},
            "own_hours": round(self.own_seconds / 3600, 4),
            "rates": rates_json(self.person),
        }

    def text(self) -> str:
        person = self.person
        kind = "an ongoing team member" if person.kind == "ongoing" else "a one-off contractor"
        lines = [f"{printable(person.name)}: {kind}"]
        if person.contact:
            lines.append(f"contact: {printable(person.contact)}")
        lines.append(f"tasks: {len(self.tasks)} ({self.open} open, {self.done} done)")
        if self.on_time or self.late:
            mean = f", {self.mean_lateness:.1f} days late on average when late" if self.late else ""
            lines.append(f"on time: {self.on_time} of {self.on_time + self.late} with a due day{mean}")
        if self.estimated:
            ratio = self.reported_on_estimated / self.estimated
            lines.append(
                f"estimates: {clock_hours(self.reported_on_estimated)} h reported against "
                f"{clock_hours(self.estimated)} h estimated ({ratio * 100:.0f} %)"
            )
        if self.costs:
            lines.append(
                f"cost of done tasks: {format_amounts(self.costs)}; per task {format_amounts(self.cost_per_task())}"
            )
        lines.append(f"your own time on their tasks: {clock_hours(self.own_seconds)} h")
        lines.append("rates:")
        for day, rate, currency in person.rate_history():
            since = "from the start" if day is None else f"from {day.isoformat()}"
            shown = "no rate" if rate is None else f"{rate} {currency or 'EUR'}/h"
            lines.append(f"  {since}: {shown}")
        return "\n".join(lines)


def rates_json(person: Person) -> list[dict[str, object]]:
    """A person's rate history: the first terms, then each dated change."""
    return [
        {
            "from": None if day is None else day.isoformat(),
            "rate": None if rate is None else float(rate),
            "currency": currency,
        }
        for day, rate, currency in person.rate_history()
    ]


def person_record(store: Store, person: Person, moment: datetime) -> PersonRecord:
    tasks = [task for task in store.tasks() if task.person_id == person.id]
    record = PersonRecord(person, tasks)
    for cost in task_costs([t for t in tasks if t.status == DONE], {person.id: person}):
        record.costs[cost.currency] = record.costs.get(cost.currency, 0) + cost.amount
    for task in tasks:
        if task.status == DONE:
            record.done += 1
            done = task.done_at
            if task.due is not None and done is not None:
                late = (to_local(done).date() - task.due).days
                if late > 0:
                    record.late += 1
                    record.lateness_days.append(late)
                else:
                    record.on_time += 1
        elif task.open:
            record.open += 1
        if task.estimate and task.reported_seconds:
            record.estimated += task.estimate
            record.reported_on_estimated += task.reported_seconds
    first = min((task.created for task in tasks if task.created is not None), default=None)
    record.own_seconds = sum(_own_seconds(store, {task.id for task in tasks}, first).values())
    return record


# ---------------------------------------------------------------- for a client: the list, the brief

LIST_COLUMNS = ("id", "title", "person", "for", "status", "due", "estimate_hours", "reported_hours", "cost",
                "currency", "last_update")  # fmt: skip


def task_list_csv(rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LIST_COLUMNS)
    for row in rows:
        writer.writerow([safe_cell("" if row.get(key) is None else row[key]) for key in LIST_COLUMNS])
    return out.getvalue()


def task_list_markdown(rows: list[dict[str, object]], moment: datetime) -> str:
    lines = [f"# Status of delegated work, {to_local(moment):%a %d %b %Y}", ""]
    if not rows:
        return "\n".join([*lines, "No tasks.", ""])
    lines += ["| Task | For | Person | Status | Due | Hours | Last update |", "|---|---|---|---|---|--:|---|"]
    for row in rows:
        hours = f"{row['reported_hours']:g}" + (f" of {row['estimate_hours']:g}" if row["estimate_hours"] else "")
        cells = [row["title"], row["for"] or "", row["person"] or "", row["status"], row["due"] or "", hours,
                 str(row["last_update"] or "")[:16].replace("T", " ")]  # fmt: skip
        lines.append("| " + " | ".join(_md_cell(str(cell)) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def task_brief_markdown(store: Store, task: Task) -> str:
    """The brief ready to send: title, for whom, due day, price, checklist, and the brief itself. The brief is
    markdown the user wrote and stays markdown; any HTML in it is escaped, so the file never carries markup that
    runs. Every other text is escaped as literal text."""
    detail = task_detail(store, task, now())
    lines = [f"# {_md_cell(task.title)}", ""]
    if detail.person is not None:
        lines.append(f"- **For:** {_md_cell(detail.person.name)}")
    if task.due is not None:
        lines.append(f"- **Due:** {task.due:%a %d %b %Y}")
    if task.estimate is not None:
        lines.append(f"- **Estimate:** {clock_hours(task.estimate)} h")
    if task.price is not None:
        currency = task.currency or (detail.person.currency if detail.person else None) or "EUR"
        lines.append(f"- **Price:** {format_amount(minor_amount(task.price, currency), currency)} (fixed)")
    elif detail.person is not None and detail.person.terms_on(to_local(now()).date()).rate is not None:
        terms = detail.person.terms_on(to_local(now()).date())
        rate = f"{terms.rate} {terms.currency or 'EUR'}/h"
        lines.append(f"- **Paid:** by the hour, {rate}; report your hours with each update")
    brief = "\n".join(line for line in task.brief.split("\n") if not checklist_of(line)).strip()
    if brief:
        lines += ["", html.escape(brief, quote=False)]
    if task.checklist:
        lines += ["", "## Checklist", ""]
        lines += [f"- [{'x' if item['done'] else ' '}] {_md_cell(item['text'])}" for item in task.checklist]
    return "\n".join(lines) + "\n"
