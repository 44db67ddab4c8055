"""The reports screen: the shown week's hours per day as bars, the outbound share of the last 12 weeks against the
target band, and per engagement hours, billed hours and amounts for the week, month and year; `i` switches to the
income of the week's month (earned and forecast per engagement, the predictable share, each client's effective
hourly rate). `x` asks the app for the export form; the app runs the export and reports its progress here."""

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
from planner.income import MonthIncome
from planner.money import Figures, format_amount, format_amounts
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


EARNED_MARK, FORECAST_MARK = "█", "▒"


def income_view(income: MonthIncome | None, width: int, styles: Mapping[str, Style | str] = PLAIN) -> RenderableType:
    """`width` columns wide: the month's income per engagement as bars (earned solid, forecast shaded) in the base
    currency, the totals and the predictable share; then each client's effective hourly rate, best first."""
    if income is None or (not income.rows and income.empty):
        return Text("No income this month: give a client a rate or a fee, a job a salary (E).", style="dim")
    title = Text(f"Income {income.first:%B %Y}", style="bold")
    cells = [
        (
            2 + len(printable(row.name)),
            len(row.model),
            len(format_amounts(row.amounts) if row.earned is None else format_amount(row.earned or 0, income.base)),
            len(format_amount(row.forecast or 0, income.base)),
        )
        for row in income.rows
    ]
    taken = sum(max((cell[index] for cell in cells), default=8) for index in range(4)) + 10  # and the gaps
    width = max(4, min(40, width - taken))  # the bar gives way to the names and the money
    title.append(f"   {EARNED_MARK} earned  {FORECAST_MARK} forecast, from the plan and the terms", style="dim")
    parts: list[RenderableType] = [title]
    scale = max(((row.earned or 0) + (row.forecast or 0) for row in income.rows), default=0)
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    for name, justify in (("engagement", "left"), ("model", "left"), ("", "left"), ("earned", "right"),
                          ("forecast", "right")):  # fmt: skip
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in income.rows:
        marker = "■ " if row.side == "inbound" else "◆ "
        bar = Text()
        if row.earned is None:
            bar.append("no exchange rate", style=styles["breach"])
            earned = format_amounts(row.amounts) or "–"
        else:
            solid, shaded = _cells(row.earned, scale, width), _cells(row.forecast or 0, scale, width)
            bar.append(EARNED_MARK * solid, style=styles["good"])
            bar.append(FORECAST_MARK * shaded, style="dim")
            earned = format_amount(row.earned, income.base) if row.earned else "–"
        forecast = format_amount(row.forecast, income.base) if row.forecast else "–"
        table.add_row(Text(marker + printable(row.name)), row.model, bar, earned, forecast)
    parts.append(table)
    if income.missing is not None:
        parts.append(Text(printable(income.missing), style=styles["breach"]))
    else:
        total = Text("total ", style="bold")
        total.append(f"{format_amount(income.earned.amount or 0, income.base)} earned · ")
        total.append(f"{format_amount(income.forecast.amount or 0, income.base)} forecast · ")
        total.append(f"{format_amount(income.expected or 0, income.base)} expected")
        parts.append(total)
        rates = [*income.earned.rates, *(r for r in income.forecast.rates if r not in income.earned.rates)]
        if rates:
            named = ", ".join(f"{r.currency} at {r.rate} from {r.start.isoformat()}" for r in rates)
            parts.append(Text(f"in {income.base}: {named}", style="dim"))
    share = income.predictable_share
    if isinstance(share, float):
        parts.append(Text(f"predictable (salary and retainers): {round(share * 100)} % of the income earned"))
    elif isinstance(share, dict):
        each = ", ".join(f"{round(value * 100)} % of the {c}" for c, value in sorted(share.items()))
        parts.append(Text(f"predictable (salary and retainers): {each} earned"))
    clients = sorted(
        (row for row in income.rows if row.side == "outbound" and row.rate is not None),
        key=lambda row: (-(row.rate or 0), row.name.casefold()),
    )
    parts.append(Text(""))
    parts.append(Text("Effective hourly rate per client (earned ÷ hours logged), best first", style="bold"))
    if not clients:
        parts.append(Text("No client has hours logged this month.", style="dim"))
    rates_table = Table(box=None, padding=(0, 1), show_edge=False)
    rates_table.add_column("client", no_wrap=True)
    rates_table.add_column("model")
    rates_table.add_column("hours", justify="right")
    rates_table.add_column("per hour", justify="right")
    for row in clients:
        rates_table.add_row(
            Text(printable(row.name)), row.model, clock_hours(row.seconds), f"{row.rate:,} {income.base}"
        )
    if clients:
        parts.append(rates_table)
    return Group(*parts)


def _cells(amount: int, scale: int, width: int) -> int:
    """Cells of a bar for `amount` of `scale` over `width` cells: at least one for anything above nothing."""
    if amount <= 0 or scale <= 0:
        return 0
    return max(1, round(amount / scale * width))


def _figures(figures: Figures | None) -> tuple[str, str, str]:
    if figures is None:
        return "–", "", ""
    return clock_hours(figures.seconds), clock_hours(figures.billed_seconds), format_amounts(figures.amounts)


class ReportsScreen(ModalScreen[None]):
    """Reports for the board's week. `[` and `]` step through weeks; `x` exports."""

    COMPONENT_CLASSES = theme.COMPONENT_CLASSES

    BINDINGS = [
        Binding("x", "export", "Export"),
        Binding("i", "income", "Income/hours"),
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
        self.showing_income = False  # i switches between the hours and the income of the week's month

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="list reports"):
            yield Label("", id="reports-title", classes="form-title")
            yield Static("Reading…", id="reports-body")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Label("i income/hours · x export · [ ] previous/next week · escape close", classes="list-hint")

    def on_mount(self) -> None:
        self.query_one("#export-progress").display = False
        self.refresh_data()

    def refresh_data(self) -> None:
        view = " · income" if self.showing_income else ""
        self.query_one("#reports-title", Label).update(f"Reports · {week_label(self.monday)}{view}")
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
        if self.showing_income:
            body = income_view(overview.income, self.size.width - 8, styles)  # inside the frame and its padding
            self.query_one("#reports-body", Static).update(body)
            return
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

    def action_income(self) -> None:
        self.showing_income = not self.showing_income
        view = " · income" if self.showing_income else ""
        self.query_one("#reports-title", Label).update(f"Reports · {week_label(self.monday)}{view}")
        if self.overview is not None:
            self._show(self.overview)

    def action_export(self) -> None:
        self.export(self.monday, self.show_progress)

    def action_close(self) -> None:
        self.dismiss(None)

    def show_progress(self, done: int, total: int) -> None:
        """Progress of a running export, from the app's export worker."""
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = done < total
        bar.update(total=total, progress=done)
