"""The board screen: the week's grid with its header, balance panel and footer, and every key of the plan, the timer
and the log (the `keys` table). Each change goes through `planner.edits`; this screen only asks and shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from planner.model import INBOUND, Block, BoardSettings, LogEntry
from planner.schedule import localize, monday_of, to_local, week_label
from planner.text import printable
from planner.week import Week, block_interval
from planner_widgets.balance import BalancePanel
from planner_widgets.board import WeekBoard
from planner_widgets.header import WeekHeader
from planner_widgets.keys import BOARD_KEYS, KEYS, bindings, key_label

if TYPE_CHECKING:
    from planner.balance import Finding
    from planner_widgets.app import PlannerApp
    from planner_widgets.forms import Values

OCCURRENCE_OR_SERIES = [("one", "This occurrence"), ("series", "Whole series")]
#: What an empty data folder shows: where to begin.
FIRST_STEPS = (
    "Start here: E then j adds your job (its hours and window), E then a a client; n plans a block at the cursor; "
    "? lists every key. To look around first, quit and run: planner demo"
)


class BoardScreen(Screen[None]):
    BINDINGS = bindings()

    def __init__(self, planner: PlannerApp) -> None:
        super().__init__()
        self.planner = planner
        self.copied_block: Block | None = None
        self._last_engagement: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        app = self.planner
        axis = BoardSettings.from_settings(app.settings)
        self.header = WeekHeader(app.clock, id="header")
        self.board = WeekBoard(day_start_minute=axis.day_start, day_end_minute=axis.day_end, slot=axis.slot, id="board")
        self.panel = BalancePanel(id="balance")
        self.detail = Static("", id="detail", markup=False)
        yield self.header
        with Horizontal(id="main"):
            yield self.board
            yield self.panel
        yield self.detail
        yield Footer()

    def on_mount(self) -> None:
        self.planner.week_changed.subscribe(self, self._week_changed)
        self.planner.board_ready()

    def _week_changed(self, week: Week) -> None:
        self.show(week, self.planner.findings)

    def show(self, week: Week, findings: list[Finding]) -> None:
        """Paint the week: the grid with its flagged blocks, the header and the balance panel."""
        self.board.flags = _flags(findings)
        self.board.show(week)
        self.header.week = week
        self.panel.week = week
        self.panel.income = self.planner.income
        self.panel.warnings = [(finding.severity, finding.message) for finding in findings]
        self.header.refresh()
        self.panel.refresh()
        self._describe_cursor()

    @on(WeekBoard.OpenRequested)
    def _open_block(self) -> None:
        self.action_edit_block()

    @on(WeekBoard.CursorMoved)
    def _describe_cursor(self) -> None:
        """The detail line: the block under the cursor in full, else the logged entry there, else the day's totals."""
        from planner.detail import describe_block, describe_day, describe_log

        week = self.planner.week_data
        if week is None or not hasattr(self, "detail"):
            return
        if not week.engagements:
            self.detail.update(FIRST_STEPS)
            return
        board = self.board
        here = board.blocks_at(board.cursor_day, board.lane, board.cursor_minute)  # the drawn one first
        if here:
            text = describe_block(week, here[0], self.planner.findings, here[1:])
        else:
            pieces = board.logs_at_cursor()
            entry = next((entry for entry in week.logs if pieces and entry.id == pieces[0].entry_id), None)
            text = describe_log(week, entry) if entry is not None else describe_day(week, board.cursor_day)
        self.detail.update(printable(text))

    # ------------------------------------------------------------ helpers

    def _block_under_cursor(self) -> Block | None:
        block = self.board.block_at_cursor()
        if block is None:
            self.planner.notify("No block under the cursor.", severity="warning", timeout=3)
        return block

    def _default_engagement(self) -> str:
        lane = self.board.lane
        return self._last_engagement.get(lane) or next(iter(self.planner.engagement_names(lane)), "")

    def _block_from(self, values: Values, base: Block | None) -> Block:
        from planner_widgets.form_block import block_from

        block = block_from(self.planner.store, values, base)
        engagement = self.planner.store.engagement_by_id(block.engagement_id)
        self._last_engagement[engagement.kind] = engagement.name
        return block

    def _block_form(self, title: str, shown: Block | None, engagement: str, submit) -> None:
        from planner_widgets.form_block import block_fields
        from planner_widgets.forms import FormScreen

        board = self.board
        if shown is None:
            day, start = board.cursor_date, board.cursor_minute
            fields = block_fields(
                self.planner.engagement_names(), None, engagement, day, start, min(24 * 60, start + 60)
            )
        else:
            fields = block_fields(self.planner.engagement_names(), shown, engagement, shown.day, shown.start, shown.end)
        self.planner.push_screen(FormScreen(title, fields, submit))

    def _ask(self, question: str, choices: list[tuple[str, str]], chosen) -> None:
        from planner_widgets.forms import ChoiceScreen

        self.planner.push_screen(ChoiceScreen(question, choices), chosen)

    # ------------------------------------------------------------ weeks

    def action_week(self, step: int) -> None:
        self.planner.show_week(self.planner.monday + timedelta(days=7 * step))

    def action_this_week(self) -> None:
        self.planner.show_week(None)

    def action_zoom(self) -> None:
        self.board.zoom()

    # ------------------------------------------------------------ blocks

    def action_new_block(self) -> None:
        app = self.planner

        def submit(values: Values) -> str | None:
            return app.attempt(lambda: app.edits.new_block(self._block_from(values, None)))

        self._block_form("New block", None, self._default_engagement(), submit)

    def action_edit_block(self) -> None:
        block = self._block_under_cursor()
        if block is None:
            return
        if block.series_id is None:
            self._edit_block(block, block)
            return

        def chosen(answer: str | None) -> None:
            if answer == "series":
                stored = self.planner.edits.stored(block)
                self._edit_block(stored, stored)
            elif answer == "one":
                self._edit_block(block, None)

        self._ask("This block repeats. Edit…", OCCURRENCE_OR_SERIES, chosen)

    def _edit_block(self, shown: Block, stored: Block | None) -> None:
        """Edit `stored` (a block or series); with stored None, detach the occurrence `shown` from its series."""
        app = self.planner
        week = app.week_data
        engagement = week.engagements[shown.engagement_id].name if week else ""

        def submit(values: Values) -> str | None:
            def work() -> str:
                if stored is not None:
                    return app.edits.edit_block(stored, self._block_from(values, stored))
                return app.edits.edit_occurrence(shown, self._block_from(values, None))

            return app.attempt(work)

        self._block_form("Edit block", shown if stored else replace(shown, repeat=None), engagement, submit)

    def action_delete_block(self) -> None:
        block = self._block_under_cursor()
        if block is None:
            return
        edits = self.planner.edits
        if block.series_id is None:
            self.planner.attempt(lambda: edits.delete_block(block))
            return

        def chosen(answer: str | None) -> None:
            if answer == "one":
                self.planner.attempt(lambda: edits.delete_occurrence(block))
            elif answer == "series":
                self.planner.attempt(lambda: edits.delete_block(edits.stored(block)))

        self._ask("This block repeats. Delete…", OCCURRENCE_OR_SERIES, chosen)

    def action_move_block(self, days: int, rows: int) -> None:
        block = self._block_under_cursor()
        if block is None:
            return
        board = self.board
        delta = rows * board.slot
        if block.start + delta < 0 or block.end + delta > 24 * 60:
            self.planner.notify("A block stays within its day.", severity="warning")
            return
        day = block.day + timedelta(days=days)
        app = self.planner
        refused = app.attempt(
            lambda: app.edits.change_block(block, "move", day=day, start=block.start + delta, end=block.end + delta)
        )
        if refused is not None:
            return
        if not app.monday <= day <= app.monday + timedelta(days=6):  # off the week's edge: follow the block
            app.show_week(monday_of(day))
            board.place_cursor(day.weekday(), block.start + delta)
            app.notify(f"Moved to {day:%a %d %b}, in {week_label(day)}.", timeout=4)
            return
        board.action_move(days, rows)

    def action_resize_block(self, rows: int) -> None:
        block = self._block_under_cursor()
        if block is None:
            return
        end = block.end + rows * self.board.slot
        if end <= block.start or end > 24 * 60:
            self.planner.notify("A block lasts at least one row and ends by 24:00.", severity="warning")
            return
        self.planner.attempt(lambda: self.planner.edits.change_block(block, "resize", end=end))

    def action_copy_block(self) -> None:
        block = self._block_under_cursor()
        if block is not None:
            self.copied_block = replace(block, id=0, series_id=None, repeat=None, exdates=[])
            self.planner.notify(f"Copied {block.title or 'the block'}; paste it with v.", timeout=3)

    def action_paste_block(self) -> None:
        copied = self.copied_block
        if copied is None:
            self.planner.notify("Nothing copied yet; copy a block with c.", severity="warning")
            return
        board = self.board
        self.planner.attempt(lambda: self.planner.edits.paste(copied, board.cursor_date, board.cursor_minute))

    def action_copy_last_week(self) -> None:
        self.planner.attempt(lambda: self.planner.edits.copy_last_week(self.planner.monday))

    def action_import_calendar(self) -> None:
        from planner_widgets.form_calendar import calendar_fields, import_from
        from planner_widgets.forms import FormScreen

        app = self.planner
        today = to_local(app.clock()).date()
        jobs = app.engagement_names(INBOUND)
        fields = calendar_fields(app.engagement_names(), jobs[0] if jobs else "", today)

        def submit(values: Values) -> str | None:
            return app.attempt(lambda: import_from(app.store, values, today))

        app.push_screen(FormScreen("Import a calendar", fields, submit))

    # ------------------------------------------------------------ time

    def action_toggle_timer(self) -> None:
        app = self.planner
        if app.store.running() is not None:
            app.attempt(lambda: app.edits.toggle_timer(None, app.clock()))
            return
        block = self._block_under_cursor()
        if block is not None:
            app.attempt(lambda: app.edits.toggle_timer(block, app.clock()))

    def action_log_time(self) -> None:
        from planner_widgets.logs_screen import open_log_form

        board = self.board
        block = board.block_at_cursor()
        week = self.planner.week_data
        if block is not None and week is not None:
            start, end = block_interval(block)
            entry = LogEntry(
                id=0,
                engagement_id=block.engagement_id,
                start=start,
                end=end,
                note=block.title,
                block_id=block.key,
            )
            open_log_form(self.planner, entry, week.engagements[block.engagement_id].name, start, end)
            return
        start = localize(board.cursor_date, board.cursor_minute, strict=False)
        open_log_form(self.planner, None, self._default_engagement(), start, start + timedelta(minutes=board.slot))

    # ------------------------------------------------------------ the other screens

    def action_show_logs(self) -> None:
        from planner_widgets.logs_screen import LogsScreen

        self.planner.push_screen(LogsScreen(self.planner))

    def action_engagements(self) -> None:
        from planner_widgets.engagements_screen import EngagementsScreen

        self.planner.push_screen(EngagementsScreen(self.planner))

    def action_delegation(self) -> None:
        from planner_widgets.delegation_screen import DelegationScreen

        self.planner.push_screen(DelegationScreen(self.planner))

    def action_warnings(self) -> None:
        from planner_widgets.warnings_screen import WarningsScreen

        self.planner.push_screen(WarningsScreen(self.planner))

    def action_boundaries(self) -> None:
        from planner_widgets.form_boundaries import open_boundaries_form

        open_boundaries_form(self.planner)

    def action_settings(self) -> None:
        from planner_widgets.form_settings import open_settings_form

        open_settings_form(self.planner)

    def action_reports(self) -> None:
        from planner.overview import build_overview
        from planner_widgets.export_form import open_export_form
        from planner_widgets.reports import ReportsScreen

        app = self.planner
        app.push_screen(
            ReportsScreen(
                app.monday,
                lambda monday: build_overview(app.store, monday, app.clock()),
                lambda monday, progress: open_export_form(app, monday, on_progress=progress),
            )
        )

    def action_undo(self) -> None:
        self.planner.attempt(self.planner.edits.undo)

    def action_redo(self) -> None:
        self.planner.attempt(self.planner.edits.redo)

    def action_help(self) -> None:
        from planner_widgets.forms import HelpScreen

        sections = [("The board", BOARD_KEYS), ("Actions", [(key_label(key.keys), key.description) for key in KEYS])]
        self.planner.push_screen(HelpScreen(sections))

    def action_quit(self) -> None:
        self.planner.exit()


def _flags(findings: list[Finding]) -> dict[int, str]:
    """The worst severity of the warnings each block causes, for the board to mark."""
    rank = {"info": 0, "warn": 1, "breach": 2}
    flags: dict[int, str] = {}
    for finding in findings:
        for block_id in finding.block_ids:
            if rank[finding.severity] > rank.get(flags.get(block_id, "info"), 0):
                flags[block_id] = finding.severity
    return flags
