"""Issue 16 on the board: the delegation screen (D) from the keyboard with Pilot, checked against the store; the due
marker on the week and the detail line."""

from __future__ import annotations

import contextlib
import sys
from datetime import timedelta
from decimal import Decimal

from textual.pilot import Pilot

from planner.delegation import Person, Task
from planner.detail import describe_day
from planner.schedule import now
from planner.store import Store
from planner_widgets.app import make_app
from planner_widgets.delegation_screen import DelegationScreen, TextScreen
from planner_widgets.forms import FormScreen
from tests.helpers import MONDAY, drive, fill


def staffed(store: Store, people: object) -> Store:
    """`people` (acme-corp and globex) and ana, who is handed work."""
    store.add_person(Person(0, "ana", rate=Decimal(30)))
    return store


def test_a_task_is_handed_on_updated_and_read_from_the_keyboard(store, people):
    staffed(store, people)
    app = make_app(store)
    seen: dict[str, object] = {}

    async def steps(pilot: Pilot) -> None:
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DelegationScreen)
        await pilot.press("n")
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, title="logo redesign", to="ana", due="2026-11-27", estimate="6h", price="")
        app.screen.query_one("#field-for").value = "globex"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DelegationScreen)
        [task] = store.tasks()
        seen["added"] = (task.title, task.due, task.estimate, task.price, task.for_id)
        await pilot.press("u")
        await fill(pilot, status="in-progress", note="sketches", hours="2.5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        seen["updated"] = store.task(task.id)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        seen["history"] = app.screen.text
        await pilot.press("escape")
        await pilot.press("e")
        await fill(pilot, due="2026-11-28")
        await pilot.press("ctrl+s")
        await pilot.pause()
        seen["due"] = store.task(task.id).due

    drive(app, steps)
    globex = store.engagement("globex")
    assert seen["added"] == ("logo redesign", MONDAY + timedelta(days=4), 6 * 3600, None, globex.id)
    updated = seen["updated"]
    assert isinstance(updated, Task) and updated.status == "in-progress" and updated.reported_seconds == 9000
    assert "in-progress (2:30 h): sketches" in str(seen["history"])
    assert seen["due"] == MONDAY + timedelta(days=5)


def test_a_refused_task_form_stays_open_with_its_reason(store, people):
    staffed(store, people)
    app = make_app(store)
    reasons: list[str] = []

    async def steps(pilot: Pilot) -> None:
        await pilot.press("D")
        await pilot.press("n")
        await fill(pilot, title="x", to="nobody")
        app.screen.query_one("#field-for").value = "globex"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        reasons.append(str(app.screen.query_one("#form-error").render()))

    drive(app, steps)
    assert "no person named 'nobody'" in reasons[0] and store.tasks() == []


def test_b_hands_the_brief_to_the_editor_and_keeps_what_comes_back(store, people, tmp_path, monkeypatch):
    staffed(store, people)
    ana = store.person("ana")
    store.add_task(Task(0, "logo", ana.id, brief="old"))
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'w').write('# Logo\\n\\n- [ ] sketches\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    app = make_app(store)
    monkeypatch.setattr(type(app), "suspend", lambda self: contextlib.nullcontext())  # no terminal to hand over here

    async def steps(pilot: Pilot) -> None:
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()

    drive(app, steps)
    [task] = store.tasks()
    assert task.brief == "# Logo\n\n- [ ] sketches\n" and task.checklist == [{"text": "sketches", "done": False}]


def test_a_due_task_marks_its_day_and_lane_and_the_detail_line_names_it(store, people):
    staffed(store, people)
    ana = store.person("ana")
    store.add_task(Task(0, "logo", ana.id, for_id=store.engagement("globex").id, due=MONDAY + timedelta(days=4)))
    store.add_task(Task(0, "payroll export", ana.id, for_id=store.engagement("acme-corp").id, due=MONDAY))
    week = store.week(MONDAY, now())
    assert [t.title for t in week.tasks_due(MONDAY + timedelta(days=4), "outbound")] == ["logo"]
    assert [t.title for t in week.tasks_due(MONDAY, "inbound")] == ["payroll export"]
    assert "⚑ due: logo (ana, draft)" in describe_day(week, 4)
    app = make_app(store)
    lines: list[str] = []

    async def steps(pilot: Pilot) -> None:
        await pilot.pause()
        lines.extend(app.board.render_line(y).text for y in range(3))

    drive(app, steps)
    assert "".join(lines).count("⚑1") == 2, lines


def test_the_list_keeps_its_widths_after_a_form_and_a_typed_title_is_not_markup(store, people):
    """Findings of a trial: after saving a form the list's columns shrank to their headings ('202' for a date), and
    a title typed as markup was drawn as markup in the update form's heading."""
    from textual.widgets import DataTable, Label

    staffed(store, people)
    ana = store.person("ana")
    store.add_task(Task(0, "[red]X[/red] first", ana.id, due=MONDAY + timedelta(days=3)))
    app = make_app(store)
    seen: dict[str, str] = {}

    async def steps(pilot: Pilot) -> None:
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("n")
        await fill(pilot, title="second", to="ana", due="2026-11-28")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        table = app.screen.query_one(DataTable)
        seen["rows"] = "\n".join(table.render_line(y).text for y in range(3))
        await pilot.press("u")
        await pilot.pause()
        seen["heading"] = str(app.screen.query_one(".form-title", Label).render())

    drive(app, steps)
    assert "2026-11-26" in seen["rows"] and "2026-11-28" in seen["rows"], seen["rows"]
    assert "[red]X[/red] first" in seen["heading"]
