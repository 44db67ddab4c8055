"""Delegated work (`D`): open tasks grouped by person or by due day, with their status and the age of the last
update. `n` hands a new task on, `e` edits it, `u` adds a status update, `b` opens its brief in $EDITOR, enter shows
it whole with its history, `p` groups by person or by due day, `a` shows done and cancelled ones too."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from planner.delegation import SELF, STATUSES, Task, Update, checklist_of, parse_estimate
from planner.delegation_report import task_detail, task_rows
from planner.errors import PlannerError
from planner.schedule import parse_date, parse_moment, to_local
from planner.text import printable
from planner_widgets.forms import Field, FormScreen, TableScreen, Values

if TYPE_CHECKING:
    from planner_widgets.app import PlannerApp


class DelegationScreen(TableScreen):
    BINDINGS = [
        Binding("n", "new", "New task"),
        Binding("e", "edit", "Edit"),
        Binding("u", "update", "Status update"),
        Binding("b", "brief", "Brief in $EDITOR"),
        Binding("enter", "history", "History"),
        Binding("p", "group", "By person/due"),
        Binding("a", "all", "Open/all"),
    ]

    ENTER_ACTION = "history"

    def __init__(self, app: PlannerApp) -> None:
        self.planner = app
        self.by_person = False
        self.everything = False
        super().__init__(
            "Delegated work · open tasks · by due day",
            ["id", "due", "task", "person", "for", "status", "updated", "h/est", "cost"],
            self._rows,
            "n new · e edit · u update · b brief · enter history · p by person/due · a open/all · escape close",
            app.week_changed,
        )

    def _rows(self) -> list[tuple[str, list[object]]]:
        app = self.planner
        tasks = [task for task in app.store.tasks() if self.everything or task.open]
        rows = task_rows(app.store, tasks, app.clock())
        if self.by_person:
            rows.sort(key=lambda row: (str(row["person"]).casefold(), row["due"] or "9999", row["id"]))
        found: list[tuple[str, list[object]]] = []
        today = to_local(app.clock()).date().isoformat()
        for row in rows:
            age = row["days_since_update"]
            updated = "" if age is None else "today" if age == 0 else f"{age} d ago"
            late = row["due"] is not None and row["status"] not in ("done", "cancelled") and str(row["due"]) < today
            hours = f"{row['reported_hours']:g}" + (f"/{row['estimate_hours']:g}" if row["estimate_hours"] else "")
            cost = "" if row["cost"] is None else f"{row['cost']:,.2f} {row['currency']}"
            found.append(
                (
                    str(row["id"]),
                    [
                        row["id"],
                        Text(str(row["due"] or ""), style="bold red" if late else ""),
                        row["title"],
                        row["person"] or "?",
                        row["for"] or "?",
                        row["status"],
                        updated,
                        hours,
                        cost,
                    ],
                )
            )
        return found

    def _chosen(self) -> Task | None:
        key = self.selected()
        if key is None:
            return None
        try:
            return self.planner.store.task(int(key))
        except PlannerError as error:
            self.planner.notify(str(error), severity="error")
            return None

    def action_new(self) -> None:
        open_task_form(self.planner, None)

    def action_edit(self) -> None:
        task = self._chosen()
        if task is not None:
            open_task_form(self.planner, task)

    def action_update(self) -> None:
        task = self._chosen()
        if task is not None:
            open_update_form(self.planner, task)

    def action_history(self) -> None:
        task = self._chosen()
        if task is not None:
            detail = task_detail(self.planner.store, task, self.planner.clock())
            self.planner.push_screen(TextScreen(detail.text()))

    def action_brief(self) -> None:
        task = self._chosen()
        if task is not None:
            edit_brief(self.planner, task)

    def action_group(self) -> None:
        self.by_person = not self.by_person
        self._retitle()
        self.reload()

    def action_all(self) -> None:
        self.everything = not self.everything
        self._retitle()
        self.reload()

    def _retitle(self) -> None:
        """The title says what the list shows: open or all tasks, by due day or by person."""
        shown = "all tasks" if self.everything else "open tasks"
        order = "by person" if self.by_person else "by due day"
        self.query_one(".form-title", Label).update(f"Delegated work · {shown} · {order}")


class TextScreen(ModalScreen[None]):
    """A text to read (a task in full, its history); escape closes it."""

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self):
        with VerticalScroll(classes="list"):
            yield Static(Text(self.text))  # a Text, not markup: a title like "[red]x" shows as typed

    def action_close(self) -> None:
        self.dismiss(None)


def task_fields(app: PlannerApp, task: Task | None) -> list[Field]:
    store = app.store
    everyone = store.people(include_archived=True)
    people = [person.name for person in everyone if not person.archived]
    engagements = [*app.engagement_names(), SELF]
    person = ""
    target = SELF
    if task is not None:
        person = next((p.name for p in everyone if p.id == task.person_id), "")
        if task.for_id is not None:
            target = store.engagement_by_id(task.for_id).name
    estimate = "" if task is None or task.estimate is None else f"{task.estimate / 3600:g}h"
    return [
        Field("title", "Task", task.title if task else "", "what is handed on"),
        Field("for", "For", target, "a client or job, or self", engagements),
        Field("to", "Person", person, "who does it", people),
        Field("due", "Due", task.due.isoformat() if task and task.due else "", "YYYY-MM-DD"),
        Field("estimate", "Estimate", estimate, "e.g. 6h, 90m"),
        Field("price", "Price", str(task.price) if task and task.price is not None else "", "fixed (empty: hourly)"),
    ]


def _task_changes(app: PlannerApp, values: Values) -> dict[str, object]:
    """The task's fields from the form, checked; empty due, estimate and price clear them."""
    store = app.store
    target = str(values["for"]).strip()
    changes: dict[str, object] = {
        "title": str(values["title"]),
        "person_id": store.person(str(values["to"])).id,
        "for_id": None if target.lower() == SELF else store.engagement(target).id,
        "due": parse_date(str(values["due"])) if str(values["due"]).strip() else None,
        "estimate": parse_estimate(str(values["estimate"])) if str(values["estimate"]).strip() else None,
        "price": str(values["price"]).strip() or None,
    }
    return changes


def open_task_form(app: PlannerApp, task: Task | None) -> None:
    """The task form: hand a new task on (`task` None) or edit one."""

    def submit(values: Values) -> str | None:
        def work() -> str:
            changes = _task_changes(app, values)
            if task is None:
                made = app.store.add_task(Task(0, **changes))  # type: ignore[arg-type]
                return f"Task {made[0].id} handed on."
            app.store.edit_task(task.id, **changes)
            return f"Task {task.id} changed."

        return app.attempt(work)

    app.push_screen(FormScreen("Edit task" if task else "New task", task_fields(app, task), submit))


def open_update_form(app: PlannerApp, task: Task) -> None:
    """A status update: the new status, a note, the hours the person reports, when it came (empty: now)."""

    def submit(values: Values) -> str | None:
        def work() -> str:
            from planner.model import check_hours

            hours = str(values["hours"]).strip()
            seconds = round(check_hours(hours, "hours", allow_zero=True, most=744) * 3600) if hours else 0
            when = str(values["at"]).strip()
            at = parse_moment(when, reference=app.clock()) if when else app.clock()
            reopen = bool(values.get("reopen"))
            app.store.update_task(
                task.id, Update(at, str(values["status"]), str(values["note"]), seconds), reopen=reopen
            )
            return f"Task {task.id} is {values['status']}."

        return app.attempt(work)

    fields = [
        Field("status", "Status", task.status, " ".join(STATUSES), STATUSES),
        Field("note", "Note", "", "what they said"),
        Field("hours", "Hours", "", "hours they report with it"),
        Field("at", "When", "", "YYYY-MM-DD HH:MM (empty: now)"),
        Field("reopen", "Reopen a done or cancelled task", False),
    ]
    title = escape(f"Update task {task.id}: {printable(task.title)}")  # the title is markup: what was typed is not
    app.push_screen(FormScreen(title, fields, submit))


def edit_brief(app: PlannerApp, task: Task) -> None:
    """Open the brief in $EDITOR (or $VISUAL; vi without either), with the board suspended; save what comes back."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="planner-brief-") as folder:
        path = Path(folder) / f"task-{task.id}.md"
        path.write_text(task.brief, encoding="utf-8")
        try:
            with app.suspend():
                done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except (OSError, ValueError) as error:  # no such editor; or a terminal that cannot be suspended
            app.notify(f"could not run the editor '{editor}': {error}; set $EDITOR", severity="error")
            return
        except Exception as error:  # textual's SuspendNotSupported (a test driver, a web terminal)
            app.notify(
                f"the board cannot hand the terminal to an editor here ({type(error).__name__})", severity="error"
            )
            return
        if done.returncode != 0:
            app.notify(f"the editor exited with {done.returncode}; the brief is unchanged", severity="warning")
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            app.notify(f"the brief could not be read back ({error}); it is unchanged", severity="error")
            return

    def work() -> str | None:
        if text == task.brief:
            return "The brief is unchanged."
        changes: dict[str, object] = {"brief": text}
        found = checklist_of(text)
        if found:
            ticked = {item["text"]: item["done"] for item in task.checklist}
            changes["checklist"] = [{**item, "done": item["done"] or ticked.get(item["text"], False)} for item in found]
        app.store.edit_task(task.id, **changes)
        return f"The brief of task {task.id} is saved."

    app.attempt(work)
