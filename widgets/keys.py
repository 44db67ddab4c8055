"""The board's keys: one table that feeds the board screen's bindings, its footer, the `?` screen and the palette."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    """One key of the board."""

    keys: str
    action: str
    description: str
    group: str  # the palette's prefix: "plan: new block at the cursor"
    footer: str = ""  # label in the footer; empty: not shown there


KEYS = [
    Key("n", "new_block", "new block at the cursor", "plan", "New"),
    Key("enter,e", "edit_block", "edit the block under the cursor", "plan"),
    Key("d", "delete_block", "delete the block under the cursor", "plan"),
    Key("shift+up", "move_block(0, -1)", "move the block up a row", "plan"),
    Key("shift+down", "move_block(0, 1)", "move the block down a row", "plan"),
    Key("shift+left", "move_block(-1, 0)", "move the block to the previous day", "plan"),
    Key("shift+right", "move_block(1, 0)", "move the block to the next day", "plan"),
    Key("plus,equals_sign", "resize_block(1)", "lengthen the block by a row", "plan"),
    Key("minus", "resize_block(-1)", "shorten the block by a row", "plan"),
    Key("c", "copy_block", "copy the block", "plan"),
    Key("v", "paste_block", "paste the copied block at the cursor", "plan"),
    Key("w", "copy_last_week", "copy last week's plan into this week", "plan"),
    Key("i", "import_calendar", "import a calendar (.ics) as a job's or client's blocks", "plan"),
    Key("left_square_bracket", "week(-1)", "previous week", "week"),
    Key("right_square_bracket", "week(1)", "next week", "week"),
    Key("full_stop", "this_week", "this week", "week"),
    Key("z", "zoom", "zoom: the week, 3 days, 1 day (wide lanes, times shown)", "view"),
    Key("s", "toggle_timer", "start the timer on the block; stop it if it runs", "timer", "Timer"),
    Key("L", "log_time", "log time by hand", "log", "Log"),
    Key("g", "show_logs", "the week's logs: add, edit or delete", "log"),
    Key("E", "engagements", "add, edit, archive jobs and clients", "engagements", "Jobs"),
    Key("b", "boundaries", "the rules your week keeps", "boundaries"),
    Key("S", "settings", "the axis and rows, your name and e-mail, the default task, the currency", "settings"),
    Key("exclamation_mark", "warnings", "every warning of the week; enter goes to its cause", "warnings", "Warn"),
    Key("D", "delegation", "delegated tasks: new, edit, status updates, briefs", "task", "Tasks"),
    Key("r", "reports", "hours per day, share trend, hours and money; i income; x exports", "reports", "Reports"),
    Key("u", "undo", "undo the last change", "edit"),
    Key("ctrl+r", "redo", "redo", "edit"),
    Key("question_mark", "help", "all keys", "help", "Keys"),
    Key("q", "quit", "quit", "app", "Quit"),
]

#: Moving the cursor: the board widget's own bindings, listed in the `?` screen.
BOARD_KEYS = [
    ("arrows, h j k l", "move the cursor by row and day"),
    ("tab", "switch between the inbound and outbound lane"),
    ("page up/down, home/end", "jump along the day"),
]

#: The palette's export entries: (format, what it makes).
EXPORTS = [
    ("csv", "timesheet CSV"),
    ("md", "timesheet Markdown"),
    ("html", "printable timesheet (HTML)"),
    ("json", "timesheet JSON"),
    ("toggl", "Toggl CSV"),
    ("clockify", "Clockify CSV"),
    ("harvest", "Harvest CSV"),
    ("harvest-report", "Harvest detailed report CSV"),
    ("ics", "the plan as a calendar (.ics)"),
]

_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "full_stop": ".",
    "question_mark": "?",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "exclamation_mark": "!",
}


def key_label(keys: str) -> str:
    """`left_square_bracket` → `[`; several keys joined with ` / `."""
    return " / ".join(_NAMES.get(key, key) for key in keys.split(","))


def bindings() -> list[Binding]:
    return [
        Binding(
            key.keys,
            key.action,
            key.footer or key.description,
            show=bool(key.footer),
            tooltip=key.description,
            id=key.action.split("(")[0],
        )
        for key in KEYS
    ]
