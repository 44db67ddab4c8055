"""The command palette's entries for the board: every key of the key table (as `plan: …`, `week: …`), every export
format, and locking the week. Textual adds its own (theme, keys, quit)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from planner_widgets.export_form import open_export_form
from planner_widgets.keys import EXPORTS, KEYS, key_label

if TYPE_CHECKING:
    from planner_widgets.app import PlannerApp


def board_commands(app: PlannerApp) -> Iterable[SystemCommand]:
    board = app.board_screen
    for key in KEYS:
        if key.action in ("quit", "help"):
            continue  # Textual's own palette entries cover these
        yield SystemCommand(
            f"{key.group}: {key.description}",
            f"key: {key_label(key.keys)}",
            lambda action=key.action: app.run_action(action, board),
        )
    yield SystemCommand("task: hand a new task on", "D, then n", lambda: _new_task(app))
    for fmt, what in EXPORTS:
        yield SystemCommand(
            f"export: {what}", f"r then x; format {fmt}", lambda fmt=fmt: open_export_form(app, app.monday, fmt)
        )
    locked = app.week_data is not None and app.week_data.locked
    yield SystemCommand(
        "week: unlock this week" if locked else "week: lock this week (sent: its entries can no longer change)",
        "its entries become editable" if locked else "a locked week's entries are read-only; unlock it here",
        lambda: app.attempt(lambda: app.edits.toggle_lock(app.monday, locked)),
    )


def _new_task(app: PlannerApp) -> None:
    from planner_widgets.delegation_screen import open_task_form

    open_task_form(app, None)
