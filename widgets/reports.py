"""The reports screen: the shown week's hours per day as bars, the outbound share of the last 12 weeks against the
target band, and per engagement hours, billed hours and amounts for the week, month and year. `x` asks the app for
the export form; the app runs the export and reports its progress here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static

from planner.errors import PlannerError
from planner.hours import clock_hours
from planner.money import Figures, format_amounts
from planner.overview import Overview
from planner.schedule import week_label
from planner.text import printable
from planner.timesheet import bar_cells
from planner_widgets import theme

IN_MARK, OUT_MARK = "█", "░"
#: Without a theme (tests, a plain console): bold marks; the screen passes the theme's styles (widgets/theme.py).
PLAIN: Mapping[str, Style | str] = {"inbound": "bold", "outbound": "bold", "good": "", "breach": "bold"}


def day_bars(overview: Overview, width: int, styles: Mapping[str, Style | str] = PLAIN) -> Text:
    """One bar per day of the week, inbound then outbound, scaled to the longest day in whole hours (at least one):
    a day of a few seconds draws no bar, not a full one."""
    longest = max((inbound + outbound for _, inbound, outbound in overview.days), default=0.0)
    longest = max(1, -(-longest // 3600)) * 3600.0
    text = Text()
    text.append("Hours per day", style="bold")
    text.append(f"   {IN_MARK} inbound  {OUT_MARK} outbound\n", style="dim")
    for day, inbound, outbound in overview.days:
        cells_in, cells_out = bar_cells(inbound, outbound, longest, width)
        text.append(f"{day:%a %d}  ")
        text.append(IN_MARK * cells_in, style=styles["inbound"])
        text.append(OUT_MARK * cells_out, style=styles["outbound"])
        text.append(" " * (width - cells_in - cells_out + 1))
        text.append(f"{clock_hours(inbound):>6} in {clock_hours(outbound):>6} out\n")
    text.rstrip()
    return text


def share_trend(overview: Overview, width: int, styles: Mapping[str, Style | str] = PLAIN) -> Text:
    """The outbound share of each of the last 12 weeks on a 0–100 % scale, the target band marked with ┆."""
    text = Text()
    text.append("Outbound share, last 12 weeks", style="bold")
    if overview.band is None:
        text.append("   no target set (b: boundaries)\n", style="dim")
    else:
        low, high = overview.band
        text.append(f"   band {low:.0f}–{high:.0f} % marked ┆\n", style="dim")
    marks = set()
    if overview.band is not None:
        marks = {min(width - 1, round(edge / 100 * width)) for edge in overview.band}
    for week in overview.trend:
        share = week.share
        filled = 0 if share is None else round(share * width)
        inside = overview.band is None or (share is not None and overview.band[0] <= share * 100 <= overview.band[1])
        style = styles["good"] if inside else styles["breach"]
        label = week_label(week.monday)[5:]
        current = week.monday == overview.monday
        text.append(f"{label}{'▸' if current else ' '} ", style="bold" if current else "")
        for cell in range(width):
            if cell < filled:
                text.append("■", style=style)
            else:
                text.append("┆" if cell in marks else "·", style="dim")
        if share is None:
            text.append("    –  no hours\n", style="dim")
        else:
            verdict = (
                "" if overview.band is None or inside else ("  above" if share * 100 > overview.band[1] else "  below")
            )
            text.append(f" {share * 100:4.0f} %{verdict}\n", style="" if inside else styles["breach"])
    text.rstrip()
    return text


def money_table(overview: Overview, wide: bool = True) -> RenderableType:
    """Per engagement: hours, billed hours and amounts for the week and each month and year it touches; side by side
    when `wide` and there are three periods, else one row per period, so it reads at 80 columns too."""
    if not overview.kinds:
        return Text("No time logged this year.", style="dim")
    wide = wide and len(overview.periods) <= 3
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("engagement", no_wrap=True)
    table.add_column("")
    if not wide:
        table.add_column("period")
    for period in overview.periods if wide else overview.periods[:1]:
        table.add_column(f"{period.label} h" if wide else "h", justify="right")
        table.add_column("billed", justify="right")
        table.add_column("amount", justify="right", no_wrap=True)
    for name, kind in overview.kinds.items():
        marker = ("■" if kind == "inbound" else "◆") + ("▶" if name == overview.running else "")
        shown = Text(printable(name))  # a Text, not a str: a Rich table reads a str as markup
        rows = [_figures(overview.money[name].get(period.label)) for period in overview.periods]
        if wide:
            table.add_row(shown, marker, *(cell for row in rows for cell in row))
            continue
        for index, (period, row) in enumerate(zip(overview.periods, rows, strict=True)):
            first = (shown, marker) if index == 0 else ("", "")
            table.add_row(*first, period.label, *row)
    title = Text("Per engagement", style="bold")
    week = overview.periods[0]
    span = f"{week.label} is {week.first:%a %d %b}–{week.last:%a %d %b %Y}"
    months = [period.label for period in overview.periods if period.kind == "month"]
    if len(months) > 1:
        span += f"; it spans {' and '.join(months)}, and each month counts only its own days"
    notes = [Text(span, style="dim")]
    if overview.running is not None:
        notes.append(Text(f"▶ {printable(overview.running)}: the running timer counts up to now", style="dim"))
    return Group(title, *notes, table)


def _figures(figures: Figures | None) -> tuple[str, str, str]:
    if figures is None:
        return "–", "", ""
    return clock_hours(figures.seconds), clock_hours(figures.billed_seconds), format_amounts(figures.amounts)


class ReportsScreen(ModalScreen[None]):
    """Reports for the board's week. `[` and `]` step through weeks; `x` exports."""

    COMPONENT_CLASSES = theme.COMPONENT_CLASSES

    BINDINGS = [
        Binding("x", "export", "Export"),
        Binding("left_square_bracket", "week(-1)", "Prev week"),
        Binding("right_square_bracket", "week(1)", "Next week"),
        Binding("escape,q,r", "close", "Close"),
    ]

    def __init__(
        self,
        monday: date,
        load: Callable[[date], Overview],
        export: Callable[[date, Callable[[int, int], None]], None],
    ) -> None:
        """`load` reads a week's figures (off the UI thread); `export` opens the export form for a week, reporting
        its progress to the callable it is given."""
        super().__init__()
        self.monday = monday
        self.load = load
        self.export = export
        self.overview: Overview | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="list reports"):
            yield Label("", id="reports-title", classes="form-title")
            yield Static("Reading…", id="reports-body")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Label("x export · [ ] previous/next week · escape close", classes="list-hint")

    def on_mount(self) -> None:
        self.query_one("#export-progress").display = False
        self.refresh_data()

    def refresh_data(self) -> None:
        self.query_one("#reports-title", Label).update(f"Reports · {week_label(self.monday)}")
        self._read(self.monday)

    @work(thread=True, exclusive=True, group="reports")
    def _read(self, monday: date) -> None:
        try:
            overview = self.load(monday)
        except PlannerError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, overview)

    def _show(self, overview: Overview) -> None:
        if overview.monday != self.monday:
            return  # an older read finishing after the week changed
        self.overview = overview
        width = max(20, min(48, self.size.width - 40))
        wide = self.size.width >= 110
        styles = theme.roles(self)
        body = Group(
            day_bars(overview, width, styles),
            Text(""),
            share_trend(overview, width, styles),
            Text(""),
            money_table(overview, wide),
        )
        self.query_one("#reports-body", Static).update(body)

    def action_week(self, step: int) -> None:
        self.monday += timedelta(days=7 * step)
        self.refresh_data()

    def action_export(self) -> None:
        self.export(self.monday, self.show_progress)

    def action_close(self) -> None:
        self.dismiss(None)

    def show_progress(self, done: int, total: int) -> None:
        """Progress of a running export, from the app's export worker."""
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = done < total
        bar.update(total=total, progress=done)
