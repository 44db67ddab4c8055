"""The balance panel: planned and logged hours per engagement, each side against its target, the outbound share."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from planner.hours import clock_hours
from planner.income import MonthIncome
from planner.model import INBOUND, OUTBOUND
from planner.money import whole_amount
from planner.text import printable
from planner.week import Week
from planner_widgets import theme


def share_text(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


class BalancePanel(Widget):
    """Shows the week's numbers; `warnings` (from the balance rules) are listed under them."""

    DEFAULT_CSS = """
    BalancePanel { width: 34; height: 1fr; padding: 0 1; border-left: vkey $panel-lighten-2; }
    """
    COMPONENT_CLASSES = theme.COMPONENT_CLASSES

    week: reactive[Week | None] = reactive(None)
    """The week on the board."""
    warnings: reactive[list[tuple[str, str]]] = reactive(list)
    """(severity, sentence) pairs from the balance check."""
    income: reactive[MonthIncome | None] = reactive(None)
    """The month's income against its forecast."""
    compact: reactive[bool] = reactive(False)
    """One-line summary for small terminals."""

    def render(self) -> RenderableType:
        if self.week is None:
            return Text("")
        if self.compact:
            return self._summary()
        table = Table(box=None, padding=(0, 1), expand=True, show_edge=False)
        table.add_column("engagement", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column("plan", justify="right")
        table.add_column("log", justify="right")
        table.add_column("of", justify="right", style="dim")
        for row in self.week.rows():
            engagement = row.engagement
            marker = "■" if engagement.inbound else "◆"
            name = Text(f"{marker} ", style=engagement.colour or "")
            name.append(printable(engagement.name), style="dim" if engagement.archived else "")
            target = "" if row.target is None else f"{row.target:g}"
            table.add_row(name, clock_hours(row.planned), clock_hours(row.logged), target)
        totals = self.week.side_totals()
        cap = self.week.outbound_cap()
        table.add_row("", "", "", "")
        table.add_row(
            Text("inbound", style="bold"),
            clock_hours(totals[INBOUND][0]),
            clock_hours(totals[INBOUND][1]),
            f"{self.week.contracted_hours():g}",
        )
        table.add_row(
            Text("outbound", style="bold"),
            clock_hours(totals[OUTBOUND][0]),
            clock_hours(totals[OUTBOUND][1]),
            "" if cap is None else f"{cap:g}",
        )
        parts: list[RenderableType] = [table, self._share_line()]
        line = self._income_line()
        if line is not None:
            parts.append(line)
        if self.warnings:
            count = len(self.warnings)
            parts.append(Text(""))
            parts.append(Text(f"{count} warning{'' if count == 1 else 's'} · ! lists them all", style="dim italic"))
            for severity, sentence in self.warnings:
                parts.append(Text(f"{severity}: {printable(sentence)}", style=theme.role(self, severity)))
        return Group(*parts)

    def _share_line(self, short: bool = False) -> Text:
        assert self.week is not None
        text = Text("share " if short else "outbound share ", style="bold")
        text.append(f"plan {share_text(self.week.share('plan'))} · log {share_text(self.week.share('actual'))}")
        target = self.week.boundaries.outbound_share
        if target is not None:
            tolerance = self.week.boundaries.tolerance
            low, high = max(0.0, target - tolerance), min(100.0, target + tolerance)  # as the warnings read it
            text.append(f" ({low:g}–{high:g}%)" if short else f"  (band {low:g}–{high:g}%)", style="dim")
        return text

    def _income_line(self, short: bool = False) -> Text | None:
        """'Dec income 2,000 of 6,460 EUR': earned so far against earned plus forecast (r, then i: the reports'
        income view)."""
        income = self.income
        if income is None or income.empty:
            return None
        text = Text(f"{income.first:%b} " if short else f"{income.first:%b} income ", style="bold")
        if income.missing is not None:
            text.append("needs an fx rate" if short else "needs an exchange rate (fx)", style=theme.role(self, "warn"))
            return text
        earned, expected = (
            whole_amount(income.earned.amount or 0, income.base),
            whole_amount(income.expected or 0, income.base),
        )
        text.append(f"{earned}/{expected} {income.base}" if short else f"{earned} of {expected} {income.base}")
        return text

    def _summary(self) -> Text:
        """Two lines for a small terminal: the hours of each side and the month's income; the share and warnings."""
        assert self.week is not None
        totals = self.week.side_totals()
        cap = self.week.outbound_cap()
        planned = {side: clock_hours(figures[0]) for side, figures in totals.items()}
        logged = {side: clock_hours(figures[1]) for side, figures in totals.items()}
        text = Text("■ in ", style="bold")
        text.append(f"{planned[INBOUND]}p/{logged[INBOUND]}l of {self.week.contracted_hours():g}h · ")
        text.append("◆ out ", style="bold")
        text.append(f"{planned[OUTBOUND]}p/{logged[OUTBOUND]}l")
        text.append("" if cap is None else f" of {cap:g}h")
        line = self._income_line(short=True)
        if line is not None:
            text.append(" · ")
            text.append_text(line)
        text.append("\n")
        text.append_text(self._share_line(short=True))
        if self.warnings:
            count = len(self.warnings)
            text.append(f" · {count} warning{'' if count == 1 else 's'} (! lists them)", style=theme.role(self, "warn"))
        return text
