"""The Textual app: a router. It holds the shown week (read from the store, with its warnings), reloads it when
another process changes the data, and opens the board screen; each screen owns its keys and actions in its own module,
and every change goes through `planner.edits` (the store writes with undo)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.signal import Signal

import planner_widgets
from planner.balance import Finding, check_week, gather
from planner.crash import BoardCrashed
from planner.edits import Edits
from planner.errors import PlannerError
from planner.income import MonthIncome, month_income
from planner.schedule import monday_of, now, to_local
from planner.store import Store
from planner.text import printable
from planner.week import Week
from planner_widgets.board_screen import BoardScreen
from planner_widgets.wording import board_words

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.theme import Theme

NARROW = 100  # below this width the balance panel moves under the board
POLL_SECONDS = 1.0


class PlannerApp(App[None]):
    CSS_PATH = str(Path(planner_widgets.__file__).parent / "app.tcss")
    TITLE = "planner"

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = now, reminding: bool = False) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.edits = Edits(store)
        self.monday = monday_of(to_local(clock()).date())
        self.week_data: Week | None = None
        self.findings: list[Finding] = []
        self.income: MonthIncome | None = None  # the shown week's month, for the balance panel
        self._fingerprint: tuple | None = None
        self._known: set[tuple[str, str, str]] = set()
        self._reminded_minute: datetime | None = None
        #: Whether reminders pop up as they fall due (`planner remind`'s, each once): on when `planner` opens the
        #: board; off in tests unless one turns it on, so their data and screenshots stay as they are.
        self.reminding = reminding
        self.crash: BoardCrashed | None = None  # set when the board stopped on an unhandled exception
        self.form_is_saving = False  # set by a form while it saves: its refusal shows in the form, not as a toast
        #: Published after every reload with the week read: the board and any open list show it (state flows down).
        self.week_changed: Signal[Week] = Signal(self, "week-changed")
        self.board_screen = BoardScreen(self)
        self.settings = store.settings()  # as the board opened: its axis and theme
        saved = self.settings.get("theme")
        if saved in self.available_themes:  # chosen in the palette (or `settings set --theme`), kept across runs
            self.theme = saved

    def run(self, *args, **kwargs):
        """The board as `planner` runs it. Everything imported by now (Textual, the core) lives as long as the
        process: frozen out of the collector, so its full collections during start-up stop scanning ~40,000
        objects that can never be garbage (about 80 ms of a 600 ms launch, benchmarks/tui.py)."""
        gc.freeze()
        return super().run(*args, **kwargs)

    @property
    def history(self):
        return self.edits.history

    @property
    def board(self):
        return self.board_screen.board

    @property
    def _panel(self):
        return self.board_screen.panel

    def _handle_exception(self, error: Exception) -> None:
        """A bug stops the board: keep the traceback for the crash report (planner.crash) instead of printing it
        over the terminal, and exit with a non-zero return code. Tests still see the exception raised."""
        import traceback

        if self.crash is None:
            self.crash = BoardCrashed(error, "".join(traceback.format_exception(error)))
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    # ------------------------------------------------------------ set-up and data

    def get_default_screen(self) -> Screen:
        return self.board_screen

    def board_ready(self) -> None:
        """Once the board screen is composed: show this week with the cursor on now, so the very first paint is the
        whole board, and start watching the data folder."""
        self.reload()
        board = self.board
        moment = to_local(self.clock())
        board.place_cursor(
            moment.weekday() if self.monday == monday_of(moment.date()) else 0,
            max(9 * 60, min(moment.hour * 60, 20 * 60)),
        )
        board.focus()
        if self.week_data is not None and not self.week_data.engagements:
            from planner_widgets.board_screen import FIRST_STEPS

            self.notify(FIRST_STEPS, title="An empty planner", timeout=20)
        self.set_interval(POLL_SECONDS, self._poll)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._relayout(self.size.width)

    def _remember_theme(self, theme: Theme) -> None:
        """A theme chosen in the palette is the board's from now on."""
        try:
            if self.store.settings().get("theme") != theme.name:
                self.store.set_settings(theme=theme.name)
        except PlannerError as error:
            self.notify(str(error), severity="error", timeout=8)

    def show_week(self, monday: date | None) -> None:
        """Show the week of `monday` (None: this week)."""
        self.monday = monday if monday is not None else monday_of(to_local(self.clock()).date())
        self.reload()

    def reload(self, *, announce: bool = False) -> None:
        """Read the week from the store and show it; the cursor and any open form stay as they are. With
        `announce` (after a change made here), warnings the change created are notified, each once."""
        try:
            moment = self.clock()
            self.store.make_task_occurrences(to_local(moment).date())  # writes only when one is due to be made
            week = self.store.week(self.monday, moment)
            findings = check_week(gather(self.store, week))
            today = to_local(moment).date()
            income = month_income(self.store, today if week.days[0] <= today <= week.days[-1] else self.monday, moment)
        except PlannerError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        if announce:
            for finding in findings:
                if finding.key not in self._known and finding.severity != "info":
                    self.notify(
                        finding.message,
                        title=finding.code,
                        timeout=6,
                        severity="error" if finding.severity == "breach" else "warning",
                    )
        self._known = {finding.key for finding in findings}
        self.findings = findings
        self.income = income
        self.week_data = week
        self._fingerprint = self.store.fingerprint(self.monday)
        self.week_changed.publish(week)

    def _poll(self) -> None:
        if self.store.fingerprint(self.monday) != self._fingerprint:
            self.reload()
            return
        week = self.week_data
        moment = self.clock()
        minute = moment.replace(second=0, microsecond=0)
        if self.reminding and minute != self._reminded_minute:
            self._reminded_minute = minute
            self.remind_now()
        if week is not None and week.running is not None and minute != week.now.replace(second=0, microsecond=0):
            week.now = moment  # a running timer grows: show it by the minute
            self.week_changed.publish(week)

    def remind_now(self) -> None:
        """Show the reminders that fell due (the same as `planner remind`, each once across the board and cron),
        unless it is quiet hours."""
        from planner.remind import ReminderSettings, due_reminders

        moment = self.clock()
        try:
            settings = ReminderSettings.from_settings(self.store.settings())
            if settings.is_quiet(moment):
                return
            due = due_reminders(self.store, moment, settings)
            fresh = set(self.store.claim_reminders([reminder.key for reminder in due], moment)) if due else set()
        except PlannerError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        for reminder in due:
            if reminder.key in fresh:
                urgent = reminder.kind in ("deadline-missed", "forgotten-timer")
                self.notify(reminder.message, title=reminder.kind, severity="warning" if urgent else "information",
                            timeout=20)  # fmt: skip

    def on_resize(self, event) -> None:
        self._relayout(event.size.width)

    def _relayout(self, width: int) -> None:
        narrow = width < NARROW
        self.set_class(narrow, "-narrow")
        if hasattr(self.board_screen, "panel"):  # resize events can come before the board is composed
            self._panel.compact = narrow

    # ------------------------------------------------------------ what every screen uses

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, the screens' included, shows its text literally: they quote names, notes and error
        messages, so "[link=...]" must not become markup nor an ESC reach the terminal. `markup` is ignored."""
        super().notify(printable(message), title=printable(title), severity=severity, timeout=timeout, markup=False)

    def attempt(self, work: Callable[[], str | None]) -> str | None:
        """Run a change; show its result, or the store's one-line reason it refused. Returns that reason."""
        try:
            message = work()
        except PlannerError as error:
            reason = board_words(str(error))
            if not self.form_is_saving:  # a form shows the reason on its own error line
                self.notify(reason, severity="error", timeout=8)
            return reason
        self.reload(announce=True)
        if message:
            self.notify(message, timeout=3)
        return None

    def engagement_names(self, side: str | None = None) -> list[str]:
        return [e.name for e in self.store.engagements(include_archived=False) if side is None or e.kind == side]

    # ------------------------------------------------------------ the palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from planner_widgets.palette import board_commands

        yield from super().get_system_commands(screen)
        yield from board_commands(self)


def theme_names() -> list[str]:
    """The themes the board can take (Textual's own), for `planner settings set --theme`."""
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def make_app(store: Store, *, clock: Callable[[], datetime] = now, reminding: bool = False) -> PlannerApp:
    """The app exactly as `planner` runs it (with `reminding`); tests build it the same way with their own store and
    clock."""
    return PlannerApp(store, clock=clock, reminding=reminding)
