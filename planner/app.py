"""The Textual app: the weekly board wired to the store. Every change goes through the store at once and is recorded
for undo; the board reloads when another process changes the data."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

import planner_widgets
from planner.balance import Finding, check_week, gather
from planner.crash import BoardCrashed
from planner.errors import PlannerError, ValidationError
from planner.history import Change, History
from planner.model import (
    INBOUND,
    OUTBOUND,
    ROUND_MODES,
    Block,
    BoardSettings,
    Engagement,
    LogEntry,
    check_tags,
)
from planner.schedule import (
    format_clock,
    format_duration,
    localize,
    monday_of,
    now,
    parse_clock,
    parse_date,
    parse_moment,
    series_rule,
    to_local,
    week_label,
)
from planner.store import Store
from planner.text import printable
from planner.week import Week, block_interval
from planner_widgets.balance import BalancePanel
from planner_widgets.board import WeekBoard
from planner_widgets.header import WeekHeader

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from planner_widgets.forms import Field, TableScreen, Values

OCCURRENCE_OR_SERIES = [("one", "This occurrence"), ("series", "Whole series")]
NARROW = 100  # below this width the balance panel moves under the board
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Key:
    """One key of the board. This one table feeds the bindings, the footer, the `?` screen and the palette."""

    keys: str
    action: str
    description: str
    group: str  # the palette's prefix: "plan: new block at the cursor"
    footer: str = ""  # label in the footer; empty: not shown there


KEYS = [
    Key("n", "new_block", "new block at the cursor", "plan", "New"),
    Key("enter,e", "edit_block", "edit the block under the cursor", "plan", "Edit"),
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
    Key("s", "toggle_timer", "start the timer on the block; stop it if it runs", "timer", "Timer"),
    Key("L", "log_time", "log time by hand", "log", "Log"),
    Key("g", "show_logs", "the week's logs: edit or delete", "log"),
    Key("E", "engagements", "add, edit, archive jobs and clients", "engagements", "Jobs"),
    Key("b", "boundaries", "boundaries: the rules your week keeps", "boundaries"),
    Key("r", "reports", "reports: hours per day, share trend, hours and money; x exports", "report", "Reports"),
    Key("u", "undo", "undo the last change", "edit"),
    Key("ctrl+r", "redo", "redo", "edit"),
    Key("question_mark", "help", "all keys", "help", "Keys"),
    Key("q", "quit", "quit", "app", "Quit"),
]

EXPORTS = [
    ("csv", "timesheet CSV"),
    ("md", "timesheet Markdown"),
    ("html", "printable timesheet (HTML)"),
    ("json", "timesheet JSON"),
    ("toggl", "Toggl CSV"),
    ("clockify", "Clockify CSV"),
    ("harvest", "Harvest CSV"),
    ("ics", "the plan as a calendar (.ics)"),
]

BOARD_KEYS = [
    ("arrows, h j k l", "move the cursor by row and day"),
    ("tab", "switch between the inbound and outbound lane"),
    ("page up/down, home/end", "jump along the day"),
]


def forms():
    """The forms module, imported on first use: the board opens without loading form widgets."""
    import planner_widgets.forms

    return planner_widgets.forms


def _key_label(keys: str) -> str:
    names = {
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "full_stop": ".",
        "question_mark": "?",
        "plus": "+",
        "equals_sign": "=",
        "minus": "-",
    }
    return " / ".join(names.get(key, key) for key in keys.split(","))


class PlannerApp(App[None]):
    CSS_PATH = str(Path(planner_widgets.__file__).parent / "app.tcss")
    TITLE = "planner"
    BINDINGS = [
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

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = now) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.monday = monday_of(to_local(clock()).date())
        self.week_data: Week | None = None
        self.history = History()
        self.copied_block: Block | None = None
        self._fingerprint: tuple | None = None
        self._known: set[tuple[str, str, str]] = set()
        self.findings: list[Finding] = []
        self._last_engagement: dict[str, str] = {}
        self.crash: BoardCrashed | None = None  # set when the board stopped on an unhandled exception

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

    def compose(self) -> ComposeResult:
        self._header = WeekHeader(self.clock, id="header")
        axis = BoardSettings.from_settings(self.store.settings())
        self._board = WeekBoard(
            day_start_minute=axis.day_start, day_end_minute=axis.day_end, slot=axis.slot, id="board"
        )
        self._panel = BalancePanel(id="balance")
        yield self._header
        with Horizontal(id="main"):
            yield self._board
            yield self._panel
        yield Footer()

    def on_mount(self) -> None:
        self._first_load()

    def _first_load(self) -> None:
        """Show this week with the cursor on now, so the very first paint is the whole board."""
        self.reload()
        board = self.board
        moment = to_local(self.clock())
        board.place_cursor(
            moment.weekday() if self.monday == monday_of(moment.date()) else 0,
            max(9 * 60, min(moment.hour * 60, 20 * 60)),
        )
        board.focus()
        self.set_interval(POLL_SECONDS, self._poll)
        self._relayout(self.size.width)

    @property
    def board(self) -> WeekBoard:
        return self._board

    def _board_widgets(self) -> tuple[WeekBoard, WeekHeader, BalancePanel]:
        return self._board, self._header, self._panel

    def reload(self, *, announce: bool = False) -> None:
        """Read the week from the store and show it; the cursor and any open form stay as they are. With
        `announce` (after a change made here), warnings the change created are notified, each once."""
        try:
            week = self.store.week(self.monday, self.clock())
            findings = check_week(gather(self.store, week))
        except PlannerError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        keys = {finding.key for finding in findings}
        if announce:
            for finding in findings:
                if finding.key not in self._known and finding.severity != "info":
                    self.notify(
                        finding.message,
                        title=finding.code,
                        timeout=6,
                        severity="error" if finding.severity == "breach" else "warning",
                    )
        self._known = keys
        self.findings = findings
        self.week_data = week
        self._fingerprint = self.store.fingerprint(self.monday)
        board, header, panel = self._board_widgets()
        board.flags = _flags(findings)
        board.show(week)
        header.week = week
        panel.week = week
        panel.warnings = [(finding.severity, finding.message) for finding in findings]
        header.refresh()
        panel.refresh()
        if "planner_widgets.forms" in sys.modules:  # no list can be open before the forms were first loaded
            for screen in self.screen_stack:
                if isinstance(screen, forms().TableScreen):
                    screen.reload()

    def _poll(self) -> None:
        if self.store.fingerprint(self.monday) != self._fingerprint:
            self.reload()

    def on_resize(self, event) -> None:
        self._relayout(event.size.width)

    def _relayout(self, width: int) -> None:
        narrow = width < NARROW
        self.set_class(narrow, "-narrow")
        if hasattr(self, "_panel"):  # resize events can come before compose
            self._panel.compact = narrow

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

    def _attempt(self, work: Callable[[], str | None]) -> str | None:
        """Run a change; show its result, or the store's one-line reason it refused. Returns that reason."""
        try:
            message = work()
        except PlannerError as error:
            self.notify(str(error), severity="error", timeout=8)
            return str(error)
        self.reload(announce=True)
        if message:
            self.notify(message, timeout=3)
        return None

    def _engagement_names(self, side: str | None = None) -> list[str]:
        return [e.name for e in self.store.engagements(include_archived=False) if side is None or e.kind == side]

    def _block_under_cursor(self) -> Block | None:
        block = self.board.block_at_cursor()
        if block is None:
            self.notify("No block under the cursor.", severity="warning", timeout=3)
        return block

    def _stored(self, block: Block) -> Block:
        """The stored object behind a block on the board: the series for an occurrence."""
        return self.store.block(block.series_id) if block.series_id is not None else block

    # ------------------------------------------------------------ weeks

    def action_week(self, step: int) -> None:
        self.monday += timedelta(days=7 * step)
        self.reload()

    def action_this_week(self) -> None:
        self.monday = monday_of(to_local(self.clock()).date())
        self.reload()

    # ------------------------------------------------------------ blocks

    def _block_fields(self, block: Block | None, engagement: str, day: date, start: int, end: int) -> list[Field]:
        return [
            forms().Field("engagement", "Engagement", engagement, "job or client", self._engagement_names()),
            forms().Field("title", "Title", block.title if block else ""),
            forms().Field("day", "Day", day.isoformat(), "YYYY-MM-DD"),
            forms().Field("start", "Start", format_clock(start), "HH:MM"),
            forms().Field("end", "End", format_clock(end), "HH:MM"),
            forms().Field("repeat", "Repeat", (block.repeat or "") if block else "", "e.g. FREQ=WEEKLY;BYDAY=MO,WE"),
            forms().Field("notes", "Notes", block.notes if block else ""),
        ]

    def _block_from(self, values: Values, base: Block | None) -> Block:
        engagement = self.store.engagement(str(values["engagement"]))
        day = parse_date(str(values["day"]))
        start = parse_clock(str(values["start"]))
        repeat = str(values["repeat"]).strip()
        rule = None
        if repeat:
            rule, day = series_rule(repeat, day, start)  # a series starts on its first occurrence
        block = Block(
            id=base.id if base else 0,
            engagement_id=engagement.id,
            day=day,
            start=start,
            end=parse_clock(str(values["end"]), allow_midnight_end=True),
            title=str(values["title"]).strip(),
            notes=str(values["notes"]).strip(),
            repeat=rule,
            exdates=list(base.exdates) if base and base.repeat and repeat else [],
        ).validate()
        self._last_engagement[engagement.kind] = engagement.name
        return block

    def action_new_block(self) -> None:
        board = self.board
        lane = board.lane
        default = self._last_engagement.get(lane) or next(iter(self._engagement_names(lane)), "")
        start = board.cursor_minute
        fields = self._block_fields(None, default, board.cursor_date, start, min(24 * 60, start + 60))

        def submit(values: Values) -> str | None:
            def work() -> str:
                added = self.store.add_block(self._block_from(values, None))
                self.history.record("new block", Change(None, added))
                return f"Planned {format_clock(added.start)}-{format_clock(added.end)}."

            return self._attempt(work)

        self.push_screen(forms().FormScreen("New block", fields, submit))

    def action_edit_block(self) -> None:
        block = self._block_under_cursor()
        if block is None:
            return
        if block.series_id is None:
            self._edit_block(block, block)
            return

        def chosen(answer: str | None) -> None:
            if answer == "series":
                self._edit_block(self._stored(block), self._stored(block))
            elif answer == "one":
                self._edit_block(block, None)

        self.push_screen(
            forms().ChoiceScreen("This block repeats. Edit…", [("one", "This occurrence"), ("series", "Whole series")]),
            chosen,
        )

    def _edit_block(self, shown: Block, stored: Block | None) -> None:
        """Edit `stored` (a block or series); with stored None, detach the occurrence `shown` from its series."""
        engagement = self.week_data.engagements[shown.engagement_id].name if self.week_data else ""
        fields = self._block_fields(
            shown if stored else replace(shown, repeat=None), engagement, shown.day, shown.start, shown.end
        )

        def submit(values: Values) -> str | None:
            def work() -> str:
                if stored is not None:
                    target = self._block_from(values, stored)
                    updated = self.store.update_block(stored.id, **_block_content(target))
                    self.history.record("edit block", Change(stored, updated))
                    return "Block updated."
                changes = self._detach_occurrence(shown, self._block_from(values, None))
                self.history.record("edit occurrence", *changes)
                return "Occurrence updated."

            return self._attempt(work)

        self.push_screen(forms().FormScreen("Edit block", fields, submit))

    def _detach_occurrence(self, occurrence: Block, replacement: Block | None) -> list[Change]:
        """Take one occurrence out of its series, putting `replacement` (a one-off block) in its place."""
        assert occurrence.series_id is not None
        series_before = self.store.block(occurrence.series_id)
        series_after = self.store.skip_occurrence(occurrence.series_id, occurrence.day)
        changes = [Change(series_before, series_after)]
        if replacement is not None:
            replacement.repeat = None
            added = self.store.add_block(replacement)
            changes.append(Change(None, added))
        return changes

    def action_delete_block(self) -> None:
        block = self._block_under_cursor()
        if block is None:
            return
        if block.series_id is None:
            self._attempt(lambda: self._delete(block))
            return

        def chosen(answer: str | None) -> None:
            if answer == "one":
                self._attempt(lambda: self._record("delete occurrence", self._detach_occurrence(block, None)))
            elif answer == "series":
                self._attempt(lambda: self._delete(self._stored(block)))

        self.push_screen(
            forms().ChoiceScreen(
                "This block repeats. Delete…", [("one", "This occurrence"), ("series", "Whole series")]
            ),
            chosen,
        )

    def _delete(self, block: Block) -> str:
        removed = self.store.remove_block(block.id)
        self.history.record("delete", Change(removed, None))
        return "Series deleted." if removed.repeat else "Block deleted."

    def _record(self, label: str, changes: list[Change]) -> str:
        self.history.record(label, *changes)
        return label.capitalize() + "."

    def _change_block(self, block: Block, label: str, **changes: Any) -> None:
        """Move or resize: a one-off block changes in place; an occurrence is detached from its series first."""

        def work() -> str | None:
            if block.series_id is None:
                updated = self.store.update_block(block.id, **changes)
                self.history.record(label, Change(block, updated))
                return None
            target = replace(block, id=0, series_id=None, repeat=None, exdates=[], **changes).validate()
            self.history.record(label, *self._detach_occurrence(block, target))
            return "Moved this occurrence out of its series."

        self._attempt(work)

    def action_move_block(self, days: int, rows: int) -> None:
        block = self._block_under_cursor()
        if block is None:
            return
        board = self.board
        delta = rows * board.slot
        if block.start + delta < 0 or block.end + delta > 24 * 60:
            self.notify("A block stays within its day.", severity="warning")
            return
        self._change_block(
            block, "move", day=block.day + timedelta(days=days), start=block.start + delta, end=block.end + delta
        )
        board.action_move(days, rows)

    def action_resize_block(self, rows: int) -> None:
        block = self._block_under_cursor()
        if block is None:
            return
        end = block.end + rows * self.board.slot
        if end <= block.start or end > 24 * 60:
            self.notify("A block lasts at least one row and ends by 24:00.", severity="warning")
            return
        self._change_block(block, "resize", end=end)

    def action_copy_block(self) -> None:
        block = self._block_under_cursor()
        if block is not None:
            self.copied_block = replace(block, id=0, series_id=None, repeat=None, exdates=[])
            self.notify(f"Copied {block.title or 'the block'}; paste it with v.", timeout=3)

    def action_paste_block(self) -> None:
        if self.copied_block is None:
            self.notify("Nothing copied yet; copy a block with c.", severity="warning")
            return
        board = self.board
        length = self.copied_block.end - self.copied_block.start
        start = board.cursor_minute
        pasted = replace(  # a pasted copy of a calendar's event is the person's own block
            self.copied_block, day=board.cursor_date, start=start, end=min(24 * 60, start + length), source=None
        )

        def work() -> str:
            added = self.store.add_block(pasted)
            self.history.record("paste", Change(None, added))
            return "Pasted."

        self._attempt(work)

    def action_import_calendar(self) -> None:
        from planner.calendar_in import DEFAULT_AHEAD, DEFAULT_BACK, calendar_range, import_calendar, sync_summary

        Field = forms().Field
        jobs = self._engagement_names(INBOUND)
        today_ = to_local(self.clock()).date()
        fields = [
            Field("file", "Calendar file", "", "an .ics export or downloaded subscription"),
            Field("engagement", "Engagement", jobs[0] if jobs else "", "job or client", self._engagement_names()),
            Field("first", "From", (today_ - DEFAULT_BACK).isoformat(), "YYYY-MM-DD"),
            Field("last", "To", (today_ + DEFAULT_AHEAD).isoformat(), "YYYY-MM-DD"),
            Field("all_day", "All-day events as days off", False),
        ]

        def submit(values: Values) -> str | None:
            def work() -> str:
                given = str(values["file"]).strip()
                if not given:
                    raise ValidationError("give the calendar file, e.g. ~/Downloads/calendar.ics")
                first, last = calendar_range(str(values["first"]).strip(), str(values["last"]).strip(), today_)
                all_day = "off" if values["all_day"] else "skip"
                name = str(values["engagement"]).strip()
                read, sync = import_calendar(self.store, Path(given).expanduser(), name, first, last, all_day=all_day)
                skipped = sum(read.skipped.values())
                return sync_summary(sync, name, first, last) + (f" {skipped} events left out." if skipped else "")

            return self._attempt(work)

        self.push_screen(forms().FormScreen("Import a calendar", fields, submit))

    def action_copy_last_week(self) -> None:
        def work() -> str:
            last = self.store.blocks(self.monday - timedelta(days=7), self.monday - timedelta(days=1))
            present = {
                (b.engagement_id, b.day, b.start, b.end)
                for b in self.store.blocks(self.monday, self.monday + timedelta(days=6))
            }
            changes = []
            for block in last:
                if block.series_id is not None or block.source:
                    continue  # a series repeats into this week by itself, a calendar's import brings its events
                copy = replace(block, id=0, day=block.day + timedelta(days=7))
                if (copy.engagement_id, copy.day, copy.start, copy.end) in present:
                    continue
                changes.append(Change(None, self.store.add_block(copy)))
            if not changes:
                return "Nothing to copy: last week's blocks are all here."
            self.history.record("copy last week", *changes)
            return f"Copied {len(changes)} blocks from last week."

        self._attempt(work)

    # ------------------------------------------------------------ time

    def action_toggle_timer(self) -> None:
        running = self.store.running()
        if running is not None:

            def stop() -> str:
                entry = self.store.stop_timer(self.clock())
                if entry.seconds() == 0:
                    return "Timer discarded: it ran for less than a minute, too short to bill."
                return f"Stopped after {format_duration(entry.seconds())}."

            self._attempt(stop)
            return
        block = self._block_under_cursor()
        if block is None:
            return

        def start() -> str:
            entry = LogEntry(
                id=0,
                engagement_id=block.engagement_id,
                start=self.clock(),
                note=block.title,
                block_id=block.series_id if block.series_id is not None else block.id,
            )
            started, _ = self.store.start_timer(entry)
            name = self.store.engagement_by_id(started.engagement_id).name
            return f"Timer started on {name}."

        self._attempt(start)

    def _log_fields(self, entry: LogEntry | None, engagement: str, start: datetime, end: datetime) -> list[Field]:
        return [
            forms().Field("engagement", "Engagement", engagement, "job or client", self._engagement_names()),
            forms().Field("start", "Start", f"{to_local(start):%Y-%m-%d %H:%M}", "YYYY-MM-DD HH:MM"),
            forms().Field("end", "End", f"{to_local(end):%Y-%m-%d %H:%M}", "YYYY-MM-DD HH:MM"),
            forms().Field("note", "Note", entry.note if entry else ""),
            forms().Field("tags", "Tags", ", ".join(entry.tags) if entry else "", "comma-separated"),
            forms().Field("billable", "Billable", entry.billable if entry else True),
        ]

    def _log_from(self, values: Values, base: LogEntry | None) -> LogEntry:
        engagement = self.store.engagement(str(values["engagement"]))
        reference = self.clock()
        tags = [tag for tag in str(values["tags"]).split(",") if tag.strip()]
        return LogEntry(
            id=base.id if base else 0,
            engagement_id=engagement.id,
            start=parse_moment(str(values["start"]), reference=reference),
            end=parse_moment(str(values["end"]), reference=reference),
            note=str(values["note"]).strip(),
            tags=check_tags(tags),
            billable=bool(values["billable"]),
            block_id=base.block_id if base else None,
        ).validate()

    def action_log_time(self) -> None:
        board = self.board
        block = board.block_at_cursor()
        week = self.week_data
        if block is not None and week is not None:
            engagement = week.engagements[block.engagement_id].name
            start, end = block_interval(block)
            entry: LogEntry | None = LogEntry(
                id=0,
                engagement_id=block.engagement_id,
                start=start,
                end=end,
                note=block.title,
                block_id=block.series_id if block.series_id is not None else block.id,
            )
        else:
            lane = board.lane
            engagement = self._last_engagement.get(lane) or next(iter(self._engagement_names(lane)), "")
            start = localize(board.cursor_date, board.cursor_minute, strict=False)
            end = start + timedelta(minutes=board.slot)
            entry = None

        def submit(values: Values) -> str | None:
            def work() -> str:
                made = self._log_from(values, entry)
                made.id = 0
                added = self.store.add_log(made)
                self.history.record("log time", Change(None, added))
                return f"Logged {format_duration(added.seconds())}."

            return self._attempt(work)

        self.push_screen(forms().FormScreen("Log time", self._log_fields(entry, engagement, start, end), submit))

    def _week_log_rows(self) -> list[tuple[str, list[object]]]:
        week = self.week_data
        if week is None:
            return []
        rows: list[tuple[str, list[object]]] = []
        for entry in week.logs:
            engagement = week.engagements.get(entry.engagement_id)
            start = to_local(entry.start)
            end = "running" if entry.end is None else f"{to_local(entry.end):%H:%M}"
            name = Text(
                printable(engagement.name) if engagement else "?", style=(engagement.colour or "") if engagement else ""
            )
            rows.append(
                (
                    str(entry.id),
                    [
                        entry.id,
                        f"{start:%a %d}",
                        f"{start:%H:%M}-{end}",
                        format_duration(entry.seconds(week.now)),
                        name,
                        entry.note,
                        ", ".join(entry.tags),
                        "" if entry.billable else "no",
                    ],
                )
            )
        return rows

    def action_show_logs(self) -> None:
        self.push_screen(
            forms().LogsScreen(
                f"Logs of {week_label(self.monday)}",
                ["id", "day", "time", "hours", "engagement", "note", "tags", "billable"],
                self._week_log_rows,
                "e edit · d delete · a add · escape close",
            )
        )

    def _edit_log(self, log_id: int) -> None:
        entry = self.store.log(log_id)
        if entry.running:
            self.notify("The timer is running; stop it with s before editing its times.", severity="warning")
            return
        engagement = self.store.engagement_by_id(entry.engagement_id).name
        assert entry.end is not None

        def submit(values: Values) -> str | None:
            def work() -> str:
                target = self._log_from(values, entry)
                updated = self.store.update_log(entry.id, **_log_content(target))
                self.history.record("edit log", Change(entry, updated))
                return "Log updated."

            return self._attempt(work)

        self.push_screen(
            forms().FormScreen("Edit log", self._log_fields(entry, engagement, entry.start, entry.end), submit)
        )

    def _delete_log(self, log_id: int) -> None:
        def work() -> str:
            removed = self.store.remove_log(log_id)
            if removed.running:
                return "Running timer discarded."
            self.history.record("delete log", Change(removed, None))
            return "Log deleted."

        self._attempt(work)

    # ------------------------------------------------------------ engagements

    def _engagement_rows(self) -> list[tuple[str, list[object]]]:
        rows: list[tuple[str, list[object]]] = []
        today = to_local(self.clock()).date()
        for e in (engagement.terms_on(today) for engagement in self.store.engagements()):  # the terms in force
            terms = (
                f"{e.hours:g} h/week {e.window or ''}"
                if e.inbound
                else " ".join(
                    filter(
                        None,
                        [
                            f"cap {e.cap:g}" if e.cap is not None else "",
                            f"budget {e.budget:g}" if e.budget is not None else "",
                            f"due {e.deadline}" if e.deadline else "",
                            "one-off" if e.one_off else "",
                        ],
                    )
                )
            )
            rate = "" if e.rate is None else f"{e.rate} {e.currency or 'EUR'}"
            name = Text(("■ " if e.inbound else "◆ ") + printable(e.name), style=e.colour or "")
            rows.append((e.name, [name, e.kind, rate, terms.strip(), "archived" if e.archived else ""]))
        return rows

    def action_engagements(self) -> None:
        self.push_screen(
            forms().EngagementsScreen(
                "Jobs and clients",
                ["name", "side", "rate", "terms", ""],
                self._engagement_rows,
                "j add job · a add client · e edit · x archive/restore · escape close",
            )
        )

    def _engagement_form(self, kind: str, current: Engagement | None) -> None:
        def text(value: object) -> str:
            return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))

        shown = None if current is None else current.terms_on(to_local(self.clock()).date())  # terms in force today
        fields = [forms().Field("name", "Name", shown.name if shown else "")]
        if kind == INBOUND:
            fields += [
                forms().Field("hours", "Hours/week", text(shown.hours) if shown else "", "e.g. 32"),
                forms().Field("window", "Window", text(shown.window) if shown else "", "mon-fri 09:00-17:00"),
            ]
        else:
            fields += [
                forms().Field("cap", "Cap h/week", text(shown.cap) if shown else ""),
                forms().Field("budget", "Budget h", text(shown.budget) if shown else ""),
                forms().Field("deadline", "Deadline", text(shown.deadline) if shown else "", "YYYY-MM-DD"),
                forms().Field("one_off", "One-off task", shown.one_off if shown else False),
            ]
        fields += [
            forms().Field("rate", "Rate/hour", text(shown.rate) if shown else ""),
            forms().Field("currency", "Currency", text(shown.currency) if shown else "", "EUR"),
            forms().Field("round_minutes", "Round (min)", text(shown.round_minutes) if shown else "1"),
            forms().Field(
                "round_mode", "Round mode", shown.round_mode if shown else "up", "up nearest down", ROUND_MODES
            ),
        ]
        if shown is not None:  # terms change from a date; earlier days keep theirs
            fields.append(forms().Field("from", "Terms from", to_local(self.clock()).date().isoformat(), "YYYY-MM-DD"))
        initial = {field.key: field.value for field in fields}

        def submit(values: Values) -> str | None:
            def work() -> str:
                changes: dict[str, object] = {}
                for key, value in values.items():
                    if isinstance(value, bool):
                        changes[key] = value
                    elif key == "deadline":
                        changes[key] = parse_date(value) if value.strip() else None
                    else:
                        changes[key] = value.strip() or None
                if changes.get("round_minutes") is None:
                    changes["round_minutes"] = 1
                if changes.get("round_mode") is None:
                    changes["round_mode"] = "up"
                if current is None:
                    added = self.store.add_engagement(Engagement(id=0, kind=kind, **changes))  # type: ignore[arg-type]
                    return f"Added {added.name}."
                given = changes.pop("from")
                start = parse_date(str(given)) if given else to_local(self.clock()).date()
                # only what the person changed: a term left as shown must not become a change from another date
                changes = {key: value for key, value in changes.items() if values[key] != initial[key]}
                edit = self.store.edit_engagement(current.name, start, **changes)  # type: ignore[arg-type]
                if edit.start is None:
                    return f"Updated {edit.engagement.name}."
                return f"Updated {edit.engagement.name}; its new terms apply from {edit.start.isoformat()} on."

            return self._attempt(work)

        title = ("Edit " if current else "New ") + ("job" if kind == INBOUND else "client")
        self.push_screen(forms().FormScreen(title, fields, submit))

    def on_table_screen_act(self, event: TableScreen.Act) -> None:
        """A list screen asked for a change (handler named after TableScreen.Act, so forms load lazily)."""
        if isinstance(event.screen, forms().LogsScreen):
            if event.action == "edit" and event.key:
                self._attempt_open(lambda: self._edit_log(int(event.key or 0)))
            elif event.action == "delete" and event.key:
                self._delete_log(int(event.key))
            elif event.action == "add":
                self.action_log_time()
        elif isinstance(event.screen, forms().EngagementsScreen):
            if event.action in ("add-job", "add-client"):
                self._engagement_form(INBOUND if event.action == "add-job" else OUTBOUND, None)
            elif event.action == "edit" and event.key:
                current = self.store.engagement(event.key)
                self._engagement_form(current.kind, current)
            elif event.action == "archive" and event.key:
                current = self.store.engagement(event.key)
                self._attempt(
                    lambda: (
                        self.store.update_engagement(current.name, archived=not current.archived),
                        f"{'Restored' if current.archived else 'Archived'} {current.name}.",
                    )[1]
                )

    def _attempt_open(self, work: Callable[[], None]) -> None:
        try:
            work()
        except PlannerError as error:
            self.notify(str(error), severity="error")

    # ------------------------------------------------------------ boundaries

    def action_boundaries(self) -> None:
        rules = self.store.boundaries()
        shown = rules.to_doc()

        def text(key: str) -> str:
            value = shown[key]
            if value is None:
                return ""
            if isinstance(value, list):
                return ",".join(value)
            return f"{value:g}" if isinstance(value, float) else str(value)

        Field = forms().Field
        fields = [
            Field("max_week", "Max h/week", text("max_week"), "e.g. 45 (empty: off)"),
            Field("max_day", "Max h/day", text("max_day"), "e.g. 10"),
            Field("outbound_share", "Outbound %", text("outbound_share"), "target share, e.g. 30"),
            Field("tolerance", "± points", text("tolerance"), "e.g. 10"),
            Field("outbound_cap", "Outbound cap h", text("outbound_cap"), "all clients, per week"),
            Field("protect_windows", "Keep outbound work out of job windows", rules.protect_windows),
            Field("days_off", "Days off", text("days_off"), "e.g. sat,sun"),
            Field("latest", "Latest finish", text("latest"), "HH:MM"),
            Field("min_rest", "Min rest h", text("min_rest"), "between working days"),
            Field("max_stretch", "Max stretch h", text("max_stretch"), "without a 15-min break"),
            Field("concentration", "One client %", text("concentration"), "of 4 weeks' outbound hours"),
        ]

        def submit(values: Values) -> str | None:
            def work() -> str:
                self.store.set_boundaries(self.store.boundaries().updated(dict(values)))
                return "Boundaries saved."

            return self._attempt(work)

        self.push_screen(forms().FormScreen("Boundaries", fields, submit))

    # ------------------------------------------------------------ reports and exports

    def action_reports(self) -> None:
        from planner.overview import build_overview
        from planner_widgets.reports import ReportsScreen

        self.push_screen(ReportsScreen(self.monday, lambda monday: build_overview(self.store, monday, self.clock())))

    def on_reports_screen_export_requested(self, event) -> None:
        self._export_form(event.monday)

    def _export_form(self, monday: date, fmt: str = "csv") -> None:
        from planner.exports import FORMATS

        label = week_label(monday)
        Field = forms().Field
        fields = [
            Field("format", "Format", fmt, " ".join(FORMATS), FORMATS),
            Field("range", "Range", "week", f"week month year · {label} · 2026-11 · 2026 · D..D"),
            Field("engagement", "Engagement", "", "empty: every job and client", self._engagement_names()),
            Field("file", "File", "", "empty: timesheet-<range>.<format> here"),
            Field("raw", "Raw, for a service's importer", False),
        ]

        waiting: list[tuple[str, date, date, list[str], bool, Path]] = []  # an export over an existing file, to confirm

        def submit(values: Values) -> str | None:
            try:
                request = self._export_request(values, monday)
            except PlannerError as error:
                return str(error)
            if request[-1].exists():
                waiting.append(request)
            else:
                self._run_export(*request)
            return None

        def closed(saved: bool | None) -> None:
            """Once the form has closed: ask before an export replaces a file."""
            if not saved or not waiting:
                return
            request = waiting.pop()

            def chosen(answer: str | None) -> None:
                if answer == "replace":
                    self._run_export(*request, replace=True)

            question = f"{printable(str(request[-1]))} exists. Replace it?"
            self.push_screen(forms().ChoiceScreen(question, [("replace", "Replace it")]), chosen)

        self.push_screen(forms().FormScreen("Export", fields, submit), closed)

    def _export_request(self, values: Values, monday: date) -> tuple[str, date, date, list[str], bool, Path]:
        """The export a form asks for, checked before anything runs (a clear reason when it cannot)."""
        from planner.exports import CSV_FORMATS, export_format
        from planner.schedule import parse_range

        fmt = export_format(str(values["format"]))
        first, last = parse_range(str(values["range"]), monday)
        name = str(values["engagement"]).strip()
        names = [self.store.engagement(name).name] if name else []
        given = str(values["file"]).strip()
        if given:
            path = Path(given).expanduser()
        else:
            span = (
                week_label(first)
                if last - first == timedelta(days=6) and first.weekday() == 0
                else (f"{first.isoformat()}_{last.isoformat()}")
            )
            suffix = {
                "toggl": "toggl.csv",
                "clockify": "clockify.csv",
                "harvest": "harvest.csv",
                "harvest-report": "harvest-report.csv",
            }.get(fmt, fmt)
            path = Path.cwd() / f"timesheet-{span}{'-' + names[0] if names else ''}.{suffix}"
        if path.is_dir():
            raise ValidationError(f"{path} is a folder; give a file name")
        if not path.parent.is_dir():
            raise ValidationError(f"the folder {path.parent} does not exist; give a file in a folder that does")
        raw = bool(values.get("raw", False))
        if raw and fmt not in CSV_FORMATS:
            raise ValidationError(f"raw goes with a CSV format ({', '.join(CSV_FORMATS)}); {fmt} has no formula guard")
        return fmt, first, last, names, raw, path

    @work(thread=True, exclusive=True, group="export")
    def _run_export(
        self, fmt: str, first: date, last: date, names: list[str], raw: bool, path: Path, *, replace: bool = False
    ) -> None:
        """Read, render and write an export off the UI thread, showing progress on the reports screen."""
        from planner.exports import build_export, write_export
        from planner_widgets.reports import ReportsScreen

        def progress(done: int, total: int) -> None:
            for screen in self.screen_stack:
                if isinstance(screen, ReportsScreen):
                    self.call_from_thread(screen.show_progress, done, total)

        try:
            result = build_export(
                self.store, fmt, first, last, names=names, stamp=self.clock(), progress=progress, raw=raw
            )
            write_export(path, result.text, replace=replace)
        except PlannerError as error:
            self.call_from_thread(self.notify, str(error), severity="error", timeout=10)
            return
        finally:
            progress(1, 1)
        note = " The running timer is not in it." if result.skipped_running else ""
        self.call_from_thread(self.notify, f"Wrote {result.count()} to {path}.{note}", timeout=8)
        for warning in result.warnings:
            self.call_from_thread(self.notify, printable(warning), severity="warning", timeout=12)

    # ------------------------------------------------------------ undo, help, palette

    def action_undo(self) -> None:
        self._attempt(lambda: f"Undid {label}." if (label := self.history.undo(self.store)) else "Nothing to undo.")

    def action_redo(self) -> None:
        self._attempt(lambda: f"Redid {label}." if (label := self.history.redo(self.store)) else "Nothing to redo.")

    def action_help(self) -> None:
        sections = [
            ("The board", BOARD_KEYS),
            ("Actions", [(_key_label(key.keys), key.description) for key in KEYS]),
        ]
        self.push_screen(forms().HelpScreen(sections))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in KEYS:
            if key.action in ("quit", "help"):
                continue  # Textual's own palette entries cover these
            yield SystemCommand(
                f"{key.group}: {key.description}",
                f"key: {_key_label(key.keys)}",
                lambda action=key.action: self.run_action(action),
            )
        for fmt, what in EXPORTS:
            yield SystemCommand(
                f"export: {what}", f"r then x; format {fmt}", lambda fmt=fmt: self._export_form(self.monday, fmt)
            )
        locked = self.week_data is not None and self.week_data.locked
        yield SystemCommand(
            "week: unlock this week" if locked else "week: lock this week (sent: its entries can no longer change)",
            "planner lock / unlock --week",
            self._toggle_lock,
        )

    def _toggle_lock(self) -> None:
        monday = self.monday
        if self.week_data is not None and self.week_data.locked:
            self._attempt(lambda: (self.store.unlock_week(monday), f"Unlocked {week_label(monday)}.")[1])
        else:
            self._attempt(lambda: (self.store.lock_week(monday), f"Locked {week_label(monday)}.")[1])


def _flags(findings: list[Finding]) -> dict[int, str]:
    """The worst severity of the warnings each block causes, for the board to mark."""
    rank = {"info": 0, "warn": 1, "breach": 2}
    flags: dict[int, str] = {}
    for finding in findings:
        for block_id in finding.block_ids:
            if rank[finding.severity] > rank.get(flags.get(block_id, "info"), 0):
                flags[block_id] = finding.severity
    return flags


def _block_content(block: Block) -> dict[str, object]:
    return {
        "engagement_id": block.engagement_id,
        "day": block.day,
        "start": block.start,
        "end": block.end,
        "title": block.title,
        "notes": block.notes,
        "repeat": block.repeat,
        "exdates": block.exdates,
    }


def _log_content(entry: LogEntry) -> dict[str, object]:
    return {
        "engagement_id": entry.engagement_id,
        "start": entry.start,
        "end": entry.end,
        "note": entry.note,
        "tags": entry.tags,
        "billable": entry.billable,
    }


def make_app(store: Store, *, clock: Callable[[], datetime] = now) -> PlannerApp:
    """The app exactly as `planner` runs it; tests build it the same way with their own store and clock."""
    return PlannerApp(store, clock=clock)
