"""Modal screens: forms, a choice, lists of logs and engagements, and the key reference.

Forms do not write anything themselves: they hand their values to a `submit` callback that writes through the
store and returns None, or the one-line reason it refused, which the form shows while staying open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.signal import Signal
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Static

from planner.text import printable
from planner_widgets import theme

Values = dict[str, str | bool]


class Tick(Checkbox, inherit_bindings=False):
    """A checkbox whose state reads without colour: ▐X▌ when on, ▐ ▌ when off (Textual draws an X either way).
    Space toggles it; enter saves the form, as everywhere else in it."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]

    @property
    def _button(self):
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class FieldInput(Input):
    """A form's text field. Tab takes the completion it shows (`hoo` → `hooli`) and moves on; up and down move
    between fields."""

    BINDINGS = [
        Binding("tab", "complete_or_next", "Complete", show=False),
        Binding("down", "app.focus_next", "Next field", show=False),
        Binding("up", "app.focus_previous", "Previous field", show=False),
    ]

    def action_complete_or_next(self) -> None:
        if self.cursor_at_end and self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        self.screen.focus_next()


@dataclass
class Field:
    key: str
    label: str
    value: str | bool = ""
    placeholder: str = ""
    suggestions: Sequence[str] = field(default_factory=list)

    @property
    def is_check(self) -> bool:
        return isinstance(self.value, bool)


class FormScreen(ModalScreen[bool]):
    """A form: enter (or ctrl+s) saves, escape cancels. Stays open showing the reason when `submit` refuses."""

    COMPONENT_CLASSES = theme.COMPONENT_CLASSES

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("enter", "save", "Save", show=False),  # on a checkbox or button; an input says so itself
    ]

    def __init__(self, title: str, fields: Sequence[Field], submit: Callable[[Values], str | None]) -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.form_title, classes="form-title")
            yield Label("enter saves · escape cancels · tab completes, moves on", classes="list-hint")
            for spec in self.fields:
                if spec.is_check:
                    yield Tick(spec.label, bool(spec.value), id=f"field-{spec.key}", compact=True)
                    continue
                with Horizontal(classes="form-row"):
                    yield Label(spec.label, classes="form-label")
                    shown = [printable(suggestion) for suggestion in spec.suggestions]
                    suggester = SuggestFromList(shown, case_sensitive=False) if shown else None
                    # A stored note may hold control characters: the field shows them escaped (see `values`).
                    yield FieldInput(
                        printable(spec.value), placeholder=spec.placeholder, suggester=suggester, id=f"field-{spec.key}"
                    )
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="form-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def values(self) -> Values:
        """What the fields hold; a field left as it was shown gives back the value it was given, so a note whose
        control characters the field showed escaped is kept as it is stored."""
        found: Values = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.key}")
            value = widget.value if isinstance(widget, Checkbox | Input) else ""
            if isinstance(widget, Input) and not spec.is_check and value == printable(spec.value):
                value = str(spec.value)
            found[spec.key] = value
        return found

    def action_save(self) -> None:
        app = self.app
        app.form_is_saving = True  # type: ignore[attr-defined]  # (a refusal shows here, not as a toast too)
        try:
            error = self.submit(self.values())
        finally:
            app.form_is_saving = False  # type: ignore[attr-defined]
        if error:
            # the form shows the reason itself, once: the toasts of this and earlier refusals would only pile up over it
            self.app.clear_notifications()
            self.query_one("#form-error", Static).update(
                Text(f"✗ {printable(error)}", style=theme.role(self, "breach"))
            )
        else:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class ChoiceScreen(ModalScreen[str | None]):
    """A question with a few answers; dismisses with the chosen key, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.question, classes="form-title", markup=False)
            with Horizontal(classes="form-buttons"):
                for key, label in self.choices:
                    yield Button(label, id=f"choice-{key}", compact=True)
                yield Button("Cancel", id="choice-cancel", compact=True)

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        key = (event.button.id or "").removeprefix("choice-")
        self.dismiss(None if key == "cancel" else key)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TableScreen(ModalScreen[None]):
    """A list to act on; subclasses own their keys and actions. The selection is kept by the row's key across a
    reload (another process adding a row must not move `d` onto another entry)."""

    BINDINGS = [Binding("escape,q", "close", "Close"), Binding("question_mark", "keys", "Keys")]

    def action_keys(self) -> None:
        """`?` here lists this list's own keys."""
        keys = [
            (binding.key.replace("question_mark", "?").replace(",", " / "), binding.description)
            for cls in type(self).__mro__
            for binding in cls.__dict__.get("BINDINGS", [])
            if isinstance(binding, Binding) and binding.description
        ]
        self.app.push_screen(HelpScreen([(self.table_title, keys)]))

    def __init__(
        self,
        title: str,
        columns: Sequence[str],
        rows: Callable[[], list[tuple[str, list[object]]]],
        hint: str,
        changed: Signal | None = None,
        wrap: str | None = None,
    ) -> None:
        super().__init__()
        self.table_title = title
        self.columns = list(columns)
        self.rows = rows
        self.hint = hint
        self.changed = changed  # published when the data under the list changed: the list reloads
        self.wrap = wrap  # a column of long sentences: as wide as the screen allows, its rows as tall as they need

    def compose(self) -> ComposeResult:
        with Vertical(classes="list"):
            yield Label(self.table_title, classes="form-title")
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Label(self.hint, classes="list-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self.reload()
        table.focus()
        if self.changed is not None:
            self.changed.subscribe(self, lambda _: self.reload())

    def reload(self) -> None:
        table = self.query_one(DataTable)
        selected, row = self.selected_key(), table.cursor_row
        table.clear(columns=True)  # columns too: they size to the rows they get (a long new name widens them)
        for column in self.columns:
            width = max(30, min(72, self.app.size.width - 48)) if column == self.wrap else None
            table.add_column(column, width=width)
        keys = []
        for key, cells in self.rows():
            # Text, never a str: a DataTable reads a str as markup, and a note like "[red]x" must show as typed.
            shown = [cell if isinstance(cell, Text) else Text(printable(str(cell))) for cell in cells]
            table.add_row(*shown, key=key, height=None if self.wrap else 1)
            keys.append(key)
        if table.row_count:
            table.move_cursor(row=keys.index(selected) if selected in keys else min(row, table.row_count - 1))
        # Textual measures the new rows' widths when it is next idle, but a table drawn before that (a list shown again
        # as a form closes) keeps rows drawn at the headings' widths: draw it afresh once they are measured.
        self.set_timer(0.05, table.notify_style_update)

    def selected_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    #: What enter on a row does (the table takes enter itself and says a row was chosen): an action's name.
    ENTER_ACTION = ""

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        if self.ENTER_ACTION:
            getattr(self, f"action_{self.ENTER_ACTION}")()

    def selected(self) -> str | None:
        """The selected row's key, or None (said on screen) when the list is empty."""
        key = self.selected_key()
        if key is None:
            self.notify("Nothing selected.", severity="warning")
        return key

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the board, from the same bindings the app uses."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        text = Text()
        width = max((len(key) for _, keys in self.sections for key, _ in keys), default=0) + 2
        for heading, keys in self.sections:
            text.append(f"{heading}\n", style="bold underline")
            for key, description in keys:
                text.append(f"  {key:<{width}}", style="bold")
                text.append(f"{description}\n")
            text.append("\n")
        text.append("ctrl+p opens the command palette with every action. escape closes this.", style="dim")
        with VerticalScroll(classes="list"):
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)
