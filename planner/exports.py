"""Timesheets and the plan as files: CSV (planner's own, Toggl, Clockify, Harvest), JSON, Markdown, printable HTML,
and iCalendar. Pure functions of a `Timesheet` (or of blocks): they return text and never touch the store.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path

from planner.errors import PlannerError, ValidationError
from planner.files import write_temp
from planner.hours import hours_text
from planner.model import INBOUND, Block, Engagement
from planner.money import Figures, Line, decimal_hours, format_amount, format_amounts, to_decimal
from planner.schedule import LAST_DAY, expand_rrule, first_within, span_of_days, zone_name
from planner.store import Store
from planner.text import clean, safe_json
from planner.timesheet import Timesheet, build_timesheet, select_engagements

TIMESHEET_FORMATS = ("csv", "toggl", "clockify", "harvest", "harvest-report", "json", "md", "html")
#: The CSV formats, where a formula guard applies and `--raw` turns it off.
CSV_FORMATS = ("csv", "toggl", "clockify", "harvest", "harvest-report")
FORMATS = (*TIMESHEET_FORMATS, "ics")

CSV_COLUMNS = (
    "date",
    "start",
    "end",
    "raw_hours",
    "billed_hours",
    "side",
    "engagement",
    "note",
    "tags",
    "billable",
    "rate",
    "amount",
    "currency",
    "seconds",
    "billed_seconds",
    "start_utc",
    "end_utc",
)
TOGGL_COLUMNS = [
    "User",
    "Email",
    "Client",
    "Project",
    "Task",
    "Description",
    "Billable",
    "Start date",
    "Start time",
    "End date",
    "End time",
    "Duration",
    "Tags",
]
HARVEST_COLUMNS = ["Date", "Client", "Project", "Task", "Notes", "Hours", "First name", "Last name"]
#: Harvest's detailed time report, as Harvest exports it and solidtime's Harvest importer reads it.
HARVEST_REPORT_COLUMNS = [
    *["Date", "Client", "Project", "Project Code", "Task", "Notes", "Hours", "Billable?", "Invoiced?", "Approved?"],
    *["First Name", "Last Name", "Roles", "Employee?", "Billable Rate", "Billable Amount", "Cost Rate", "Cost Amount"],
    *["Currency", "External Reference URL"],
]
#: A cell starting with one of these, after any leading whitespace, is a formula to a spreadsheet (CSV injection);
#: such a cell gets a leading '. So does a cell starting with a tab, a carriage return or a line break.
_FORMULA_STARTS = ("=", "+", "-", "@")
_BLANK_STARTS = ("\t", "\r", "\n")


def export_format(text: str) -> str:
    """A format name as typed (any case), checked."""
    fmt = text.strip().lower()
    if fmt not in FORMATS:
        raise ValidationError(f"format '{text.strip()}' is unknown; use one of {', '.join(FORMATS)}")
    return fmt


def safe_cell(value: object) -> str:
    """A text cell a spreadsheet will not run: one that starts a formula, even after spaces, tabs, line breaks or
    no-break spaces, gets a leading '. So does a cell that already starts with ' before such a start, so that
    `unguard_cell` gives every text back exactly."""
    text = "" if value is None else str(value)
    rest = text.lstrip("'")
    risky = rest.startswith(_BLANK_STARTS) or rest.lstrip().startswith(_FORMULA_STARTS)
    return "'" + text if risky else text


def unguard_cell(text: str) -> str:
    """A cell as it was before `safe_cell` guarded it: what planner's importers read back from its own exports."""
    return text[1:] if text.startswith("'") and safe_cell(text[1:]) == text else text


def _csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], numbers: Sequence[int] = (), *, raw: bool = False
) -> str:
    """RFC 4180 text. Every cell is text that may come from a person (a name, a note, a tag, the settings' name) and
    is cleaned and neutralised, except the columns in `numbers`, which planner writes itself and stay numbers.
    `raw` leaves out the spreadsheet guard (a leading '), for a file meant for a service's importer, which keeps the
    ' as part of the text; control characters are dropped all the same."""
    guard = (lambda text: text) if raw else safe_cell
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, what spreadsheets and the services expect
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell if index in numbers else guard(clean(cell)) for index, cell in enumerate(row)])
    return out.getvalue()


def _amount(line: Line) -> str:
    """A line's amount as a plain decimal number (12.34; 1235 for JPY); '' without one."""
    return "" if line.amount is None or line.currency is None else str(to_decimal(line.amount, line.currency))


def _rate(rate: Decimal | None) -> str:
    """A rate as a plain number with at least two decimals and every decimal it has (92.50, 92.125)."""
    if rate is None:
        return ""
    return f"{rate:.2f}" if int(rate.as_tuple().exponent) >= -2 else str(rate)


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


def _duration(seconds: int) -> str:
    minutes, second = divmod(seconds, 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:{second:02d}"


def _end_text(line: Line) -> str:
    """The end's clock time, with its date when the entry ends on another day (over midnight)."""
    return _clock(line.end) if line.end.date() == line.day else line.end.strftime("%Y-%m-%d %H:%M:%S")


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _tags(line: Line) -> str:
    return ", ".join(line.tags)


def _task(line: Line, sheet: Timesheet) -> str:
    """The task of a service row (Clockify's Task, Harvest's Task, Kimai's required activity): the entry's first
    tag, else the sheet's default task."""
    return line.tags[0] if line.tags else sheet.task


def _charged(line: Line) -> int:
    """The seconds a service row states as its duration: the billed time of a billable entry (so that duration x
    rate is the row's amount, as the services compute it), the worked time of another."""
    return line.billed_seconds if line.billable else line.seconds


def _utc(moment: datetime) -> str:
    """A moment in UTC (2026-10-25T00:10:00Z): what tells apart the two 02:10s of the night clocks go back. (An
    offset such as +02:00 would start with a formula sign in a spreadsheet.)"""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- CSV: planner's own and the services'


def to_csv(sheet: Timesheet, raw: bool = False) -> str:
    """One row per entry and nothing else: totals belong to the other formats. Times are local; the same two moments
    in UTC close the row, so the repeated hour of an autumn night reads back exactly."""
    return _csv(
        CSV_COLUMNS,
        (
            [
                line.day.isoformat(),
                _clock(line.start),
                _end_text(line),
                f"{decimal_hours(line.seconds)}",
                f"{decimal_hours(line.billed_seconds)}",
                line.side,
                line.engagement.name,
                line.note,
                _tags(line),
                "yes" if line.billable else "no",
                _rate(line.rate),
                _amount(line),
                line.currency or "",
                line.seconds,
                line.billed_seconds,
                _utc(line.start),
                _utc(line.end),
            ]
            for line in sheet.lines
        ),
        numbers=(3, 4, 10, 11, 13, 14, 15, 16),
        raw=raw,
    )


def to_toggl(sheet: Timesheet, raw: bool = False) -> str:
    """Toggl Track's detailed report CSV (what its CSV import reads back). Task is left empty, as Toggl writes it
    for an entry without one; tags carry planner's tags."""
    return _csv(
        TOGGL_COLUMNS,
        (
            [
                sheet.person,
                sheet.email,
                line.engagement.name,
                line.engagement.name,
                "",
                line.note,
                _yes(line.billable),
                line.start.date().isoformat(),
                _clock(line.start),
                line.end.date().isoformat(),
                _clock(line.end),
                _duration(line.seconds),
                _tags(line),
            ]
            for line in sheet.lines
        ),
        raw=raw,
    )


def _single_currency(sheet: Timesheet) -> str:
    currencies = sorted({line.currency for line in sheet.lines if line.currency})
    if len(currencies) > 1:
        raise ValidationError(
            f"a Clockify export holds one currency, and these entries are in {', '.join(currencies)}; "
            "export each currency apart (with --engagement, or --from/--to around a change of currency)"
        )
    if currencies:
        return currencies[0]
    return next((engagement.currency for engagement in sheet.engagements if engagement.currency), None) or "EUR"


def to_clockify(sheet: Timesheet, raw: bool = False) -> str:
    """Clockify's detailed report CSV: US dates and a 12-hour clock, as Clockify writes them. Task is the entry's
    first tag, else the default task (Kimai makes it the required activity). The durations are the billed time of a
    billable entry, so every figure of a row agrees with its amount."""
    currency = _single_currency(sheet)
    header = [
        *["Project", "Client", "Description", "Task", "User", "Group", "Email", "Tags", "Billable"],
        *["Start Date", "Start Time", "End Date", "End Time", "Duration (h)", "Duration (decimal)"],
        f"Billable Rate ({currency})",
        f"Billable Amount ({currency})",
    ]
    return _csv(
        header,
        (
            [
                line.engagement.name,
                line.engagement.name,
                line.note,
                _task(line, sheet),
                sheet.person,
                "",
                sheet.email,
                _tags(line),
                _yes(line.billable),
                line.start.strftime("%m/%d/%Y"),
                line.start.strftime("%I:%M:%S %p"),
                line.end.strftime("%m/%d/%Y"),
                line.end.strftime("%I:%M:%S %p"),
                _duration(_charged(line)),
                f"{decimal_hours(_charged(line))}",
                _rate(line.rate) if line.billable and line.rate is not None else "0.00",
                _amount(line) or "0.00",
            ]
            for line in sheet.lines
        ),
        numbers=(14, 15, 16),
        raw=raw,
    )


def _names(sheet: Timesheet) -> tuple[str, str]:
    first, _, last = sheet.person.strip().partition(" ")
    return first, last.strip()


def to_harvest(sheet: Timesheet, raw: bool = False) -> str:
    """Harvest's time import CSV (what Harvest's own importer reads). Task is the entry's first tag, else the default
    task; Hours is the billed time of a billable entry (Harvest prices hours at the project's rate), else the worked
    time."""
    first, last = _names(sheet)
    return _csv(
        HARVEST_COLUMNS,
        (
            [
                line.day.isoformat(),
                line.engagement.name,
                line.engagement.name,
                _task(line, sheet),
                line.note,
                f"{decimal_hours(_charged(line))}",
                first,
                last,
            ]
            for line in sheet.lines
        ),
        numbers=(5,),
        raw=raw,
    )


def to_harvest_report(sheet: Timesheet, raw: bool = False) -> str:
    """Harvest's detailed time report CSV, as Harvest exports it: what solidtime and other tools read as "a Harvest
    export" (with `Billable?`, `First Name`, `Last Name`, rates and amounts). Hours as in `to_harvest`."""
    first, last = _names(sheet)
    return _csv(
        HARVEST_REPORT_COLUMNS,
        (
            [
                line.day.isoformat(),
                line.engagement.name,
                line.engagement.name,
                "",
                _task(line, sheet),
                line.note,
                f"{decimal_hours(_charged(line))}",
                _yes(line.billable),
                "No",
                "No",
                first,
                last,
                "",
                "Yes",
                _rate(line.rate) if line.billable and line.rate is not None else "0.00",
                _amount(line) or "0.00",
                "0.00",
                "0.00",
                line.currency or "",
                "",
            ]
            for line in sheet.lines
        ),
        numbers=(6, 14, 15, 16, 17),
        raw=raw,
    )


# ---------------------------------------------------------------- JSON


def to_json(sheet: Timesheet) -> str:
    """Exact `seconds` and `billed_seconds` (and `amount_minor`, integer minor units) beside decimal hours and
    amounts, per entry and in every total."""
    kinds = {engagement.name: engagement.kind for engagement in sheet.engagements}
    data = {
        "from": sheet.first.isoformat(),
        "to": sheet.last.isoformat(),
        "party": sheet.party,
        "person": sheet.person,
        "email": sheet.email,
        "entries": [
            {
                "id": line.entry_id,
                "date": line.day.isoformat(),
                "start": line.start.isoformat(),
                "end": line.end.isoformat(),
                "seconds": line.seconds,
                "billed_seconds": line.billed_seconds,
                "raw_hours": float(decimal_hours(line.seconds)),
                "billed_hours": float(decimal_hours(line.billed_seconds)),
                "side": line.side,
                "engagement": line.engagement.name,
                "note": line.note,
                "tags": list(line.tags),
                "billable": line.billable,
                "round_minutes": line.round_minutes,
                "round_mode": line.round_mode,
                "rate": None if line.rate is None else float(line.rate),
                "amount": None
                if line.amount is None or line.currency is None
                else float(to_decimal(line.amount, line.currency)),
                "amount_minor": line.amount,
                "currency": line.currency,
            }
            for line in sheet.lines
        ],
        "totals": sheet.total().to_json(),
        "by_day": [{"date": day.isoformat(), **total.to_json()} for day, total in sorted(sheet.by_day().items())],
        "by_engagement": [
            {"engagement": name, "side": kinds.get(name), **total.to_json()}
            for name, total in sheet.by_engagement().items()
        ],
        "by_side": [{"side": side, **total.to_json()} for side, total in sorted(sheet.by_side().items())],
        "pricing": [{"engagement": engagement.name, "terms": text} for engagement, text in sheet.pricing()],
        "fees": [
            {
                "date": fee.day.isoformat(),
                "engagement": fee.engagement.name,
                "kind": fee.kind,
                "note": fee.note,
                "amount": float(to_decimal(fee.amount, fee.currency)),
                "amount_minor": fee.amount,
                "currency": fee.currency,
            }
            for fee in sheet.fees
        ],
        "fee_totals": {currency: float(to_decimal(minor, currency)) for currency, minor in sheet.fee_totals().items()},
    }
    return safe_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


# ---------------------------------------------------------------- printable: Markdown and HTML


HOUR_STYLES = ("clock", "decimal")


def _line_amount(line: Line) -> str:
    return "" if line.amount is None or line.currency is None else format_amount(line.amount, line.currency)


def _period(sheet: Timesheet) -> str:
    return f"{sheet.first:%a %d %b %Y} – {sheet.last:%a %d %b %Y}"


@dataclass(frozen=True)
class _Printed:
    """How a printable timesheet writes hours: h:mm (with seconds when a worked time holds part minutes, so the
    column adds up) or decimal hours."""

    style: str
    seconds: bool

    def worked(self, seconds: int) -> str:
        return hours_text(seconds, self.style, with_seconds=self.seconds)

    def billed(self, seconds: int) -> str:
        return hours_text(seconds, self.style)


def _printed(sheet: Timesheet, style: str) -> _Printed:
    if style not in HOUR_STYLES:
        raise ValidationError(f"hours are written as {' or '.join(HOUR_STYLES)}, not '{style}'")
    return _Printed(style, style == "clock" and sheet.shows_seconds)


def _summary_rows(sheet: Timesheet) -> list[tuple[str, str, Figures]]:
    """(label, side, figures) per engagement in report order, then per side."""
    by_engagement = sheet.by_engagement()
    rows = [
        (engagement.name, engagement.kind, by_engagement[engagement.name])
        for engagement in sheet.engagements
        if engagement.name in by_engagement
    ]
    sides = sheet.by_side()
    rows += [(f"all {side}", side, sides[side]) for side in sorted(sides, key=lambda side: side != INBOUND)]
    return rows


SUMMARY_HEADER = ("", "Side", "Worked", "Billable", "Non-billable", "Billed", "Amount")
LINE_HEADER = ("Date", "Time", "Engagement", "Note", "Worked", "Billed", "Amount")


def _summary_cells(label: str, side: str, item: Figures, printed: _Printed) -> tuple[str, ...]:
    return (
        label,
        side,
        printed.worked(item.seconds),
        printed.worked(item.billable_seconds),
        printed.worked(item.non_billable_seconds),
        printed.billed(item.billed_seconds),
        format_amounts(item.amounts),
    )


#: Markdown's inline syntax (emphasis, code, links, images, strikethrough, table cells), escaped with a backslash.
_MD_INLINE = str.maketrans({char: "\\" + char for char in "\\`*_[]|~"})
#: Block syntax a line may start with (heading, list, quote), escaped there.
_MD_LEADING = ("#", "-", "+", ">")


def _md_cell(text: str) -> str:
    """Text from a person as literal Markdown on one line: HTML (`<script>`, `<img onerror=...>`) as entities, inline
    syntax and a leading block marker backslash-escaped, line breaks as spaces, control characters dropped."""
    text = html.escape(" ".join(clean(text).split("\n")), quote=False).translate(_MD_INLINE)
    return "\\" + text if text.startswith(_MD_LEADING) else text


def to_markdown(sheet: Timesheet, hours: str = "clock") -> str:
    printed = _printed(sheet, hours)
    out = [f"# Timesheet: {_md_cell(sheet.party)}", ""]
    if sheet.person or sheet.email:
        who = sheet.person + (f" <{sheet.email}>" if sheet.email else "")
        out.append(f"- **Person:** {_md_cell(who.strip())}")
    out += [f"- **For:** {_md_cell(sheet.party)}", f"- **Period:** {_period(sheet)}"]
    out += [f"- **{_md_cell(engagement.name)}** is paid {_md_cell(text)}." for engagement, text in sheet.pricing()]
    out.append("")
    if not sheet.lines:
        out.append("No time logged in this period.")
        out += _md_fees(sheet)
        return "\n".join(out) + "\n"
    out += ["| " + " | ".join(LINE_HEADER) + " |", "|---|---|---|---|--:|--:|--:|"]
    by_day = sheet.by_day()
    for day, rows in _day_rows(sheet, printed):
        out += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
        day_total = by_day[day]
        amounts = format_amounts(day_total.amounts)
        out.append(
            f"| | | | *{day:%a} total* | *{printed.worked(day_total.seconds)}* | "
            f"*{printed.billed(day_total.billed_seconds)}* | {f'*{amounts}*' if amounts else ''} |"
        )
    total = sheet.total()
    out += [
        f"| **Total** | | | | **{printed.worked(total.seconds)}** | **{printed.billed(total.billed_seconds)}** | "
        f"**{format_amounts(total.amounts)}** |",
        "",
        "## Totals",
        "",
        "| " + " | ".join(SUMMARY_HEADER) + " |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for label, side, item in _summary_rows(sheet):
        out.append("| " + " | ".join(_md_cell(cell) for cell in _summary_cells(label, side, item, printed)) + " |")
    out += _md_fees(sheet)
    out += ["", *(_md_cell(sentence) for sentence in _rules_note(sheet, printed))]
    return "\n".join(out) + "\n"


FEE_HEADER = ("Date", "Engagement", "For", "Amount")


def _fee_rows(sheet: Timesheet) -> list[tuple[str, str, str, str]]:
    """Date, engagement, what the sum is for, amount: one row per fee the period earned."""
    rows = []
    for fee in sheet.fees:
        if fee.kind in ("fee", "retainer"):
            what = fee.note or fee.kind
        else:
            what = fee.kind + (f": {fee.note}" if fee.note else "")
        rows.append((f"{fee.day:%a %d %b}", fee.engagement.name, what, format_amount(fee.amount, fee.currency)))
    return rows


def _md_fees(sheet: Timesheet) -> list[str]:
    """The fees section of a printable timesheet: what fixed-fee, retainer and performance clients earned in the
    period, apart from hours x rate."""
    if not sheet.fees:
        return []
    out = ["", "## Fees", "", "| " + " | ".join(FEE_HEADER) + " |", "|---|---|---|--:|"]
    out += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in _fee_rows(sheet)]
    out.append(f"| **Total** | | | **{format_amounts(sheet.fee_totals())}** |")
    return out


def _day_rows(sheet: Timesheet, printed: _Printed) -> list[tuple[date, list[tuple[str, ...]]]]:
    """The printable table's rows, day by day: date (on a day's first row), time, engagement, note, worked time,
    billed time, amount."""
    days: dict[date, list[tuple[str, ...]]] = {}
    for line in sheet.lines:
        rows = days.setdefault(line.day, [])
        rows.append(
            (
                "" if rows else f"{line.day:%a %d %b}",
                _span(line),
                line.engagement.name,
                _note_text(line),
                printed.worked(line.seconds),
                printed.billed(line.billed_seconds) if line.billable else "–",
                _line_amount(line),
            )
        )
    return list(days.items())


def _span(line: Line) -> str:
    end = line.end.strftime("%H:%M") if line.end.date() == line.day else line.end.strftime("%H:%M (%a)")
    return f"{line.start:%H:%M}–{end}"


def _note_text(line: Line) -> str:
    text = line.note
    if line.tags:
        text = f"{text} [{', '.join(line.tags)}]".strip()
    if not line.billable:
        text = f"{text} (not billable)".strip()
    return text


def _rules_note(sheet: Timesheet, printed: _Printed) -> list[str]:
    """The footnote: how billed time and amounts were worked out, from the terms the lines were billed under."""
    rules: dict[str, list[str]] = {}
    for line in sheet.lines:
        if line.billable:
            rule = "to the minute" if line.round_minutes == 1 else f"to {line.round_minutes} min"
            rule = f"{line.round_mode} {rule}"
            found = rules.setdefault(line.engagement.name, [])
            if rule not in found:
                found.append(rule)
    hours = (
        "Hours are h:mm" + (":ss" if printed.seconds else "") + "."
        if printed.style == "clock"
        else "Hours are decimal, each to the hundredth; totals are of the exact times."
    )
    if not rules:
        return [f"{hours} Nothing here is billable."]
    terms = "; ".join(f"{name} {', then '.join(found)}" for name, found in rules.items())
    notes = [
        f"{hours} Billed time is each billable entry's worked time rounded ({terms}); "
        "non-billable time is not billed. An amount is billed minutes × the hourly rate of the entry's day ÷ 60, "
        "rounded half up once to the currency's smallest unit; totals are sums of the entries."
    ]
    others = [engagement.name for engagement, _ in sheet.pricing()]
    if others:
        notes.append(
            f"{', '.join(others)} {'is' if len(others) == 1 else 'are'} not paid by the hour, so their entries show "
            "the time and no amount. What a client earned in the period apart from its hours is listed under Fees: "
            "a retainer's fee on the 1st of its month and its overage on the month's last day, a milestone or "
            "fixed fee on the day it was done, a bonus or commission on its date. A salary is not on a timesheet."
        )
    return notes


_HTML_STYLE = """
@page { size: A4; margin: 16mm 14mm; }
body { font: 10pt/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 0 auto;
       max-width: 182mm; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; }
dl { display: grid; grid-template-columns: max-content auto; gap: 1pt 10pt; margin: 0 0 10pt; }
dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
th, td { border-bottom: 0.5pt solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { border-bottom: 1pt solid #111; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n, th.n, td.d { white-space: nowrap; }
tr.day td { font-style: italic; background: #f3f3f3; } tr.total td { font-weight: 700; border-top: 1pt solid #111; }
p.note { font-size: 8.5pt; color: #444; }
@media print { body { max-width: none; } }
"""


def to_html(sheet: Timesheet, hours: str = "clock") -> str:
    def esc(text: str) -> str:
        return html.escape(clean(text))

    printed = _printed(sheet, hours)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Timesheet: {esc(sheet.party)} · {sheet.first.isoformat()} to {sheet.last.isoformat()}</title>",
        f"<style>{_HTML_STYLE}</style></head><body>",
        f"<h1>Timesheet: {esc(sheet.party)}</h1><dl>",
    ]
    if sheet.person or sheet.email:
        out.append(f"<dt>Person</dt><dd>{esc(sheet.person)} {esc(sheet.email)}</dd>")
    paid = "".join(f"<dt>{esc(engagement.name)}</dt><dd>paid {esc(text)}</dd>" for engagement, text in sheet.pricing())
    out += [f"<dt>For</dt><dd>{esc(sheet.party)}</dd>", f"<dt>Period</dt><dd>{esc(_period(sheet))}</dd>{paid}</dl>"]

    def fees() -> list[str]:
        if not sheet.fees:
            return []
        rows = [
            "<h2>Fees</h2>",
            f"<table><thead><tr>{head(FEE_HEADER, 1)}</tr></thead><tbody>",
            *(
                f'<tr><td class="d">{esc(day)}</td><td>{esc(name)}</td><td>{esc(what)}</td>'
                f'<td class="n">{esc(amount)}</td></tr>'
                for day, name, what, amount in _fee_rows(sheet)
            ),
            f'<tr class="total"><td>Total</td><td></td><td></td>'
            f'<td class="n">{esc(format_amounts(sheet.fee_totals()))}</td></tr>',
            "</tbody></table>",
        ]
        return rows

    def head(cells: Sequence[str], numbers: int) -> str:
        first = len(cells) - numbers
        return "".join(
            f'<th class="n">{esc(cell)}</th>' if index >= first else f"<th>{esc(cell)}</th>"
            for index, cell in enumerate(cells)
        )

    if not sheet.lines:
        out += ["<p>No time logged in this period.</p>", *fees(), "</body></html>"]
        return "\n".join(out) + "\n"

    out.append(f"<table><thead><tr>{head(LINE_HEADER, 3)}</tr></thead><tbody>")
    by_day = sheet.by_day()
    classes = ("d", "d", "", "", "n", "n", "n")
    for day, rows in _day_rows(sheet, printed):
        for row in rows:
            cells = "".join(
                f'<td class="{kind}">{esc(cell)}</td>' if kind else f"<td>{esc(cell)}</td>"
                for kind, cell in zip(classes, row, strict=True)
            )
            out.append(f"<tr>{cells}</tr>")
        day_total = by_day[day]
        out.append(
            f'<tr class="day"><td></td><td></td><td></td><td>{day:%a} total</td>'
            f'<td class="n">{printed.worked(day_total.seconds)}</td>'
            f'<td class="n">{printed.billed(day_total.billed_seconds)}</td>'
            f'<td class="n">{esc(format_amounts(day_total.amounts))}</td></tr>'
        )
    total = sheet.total()
    out += [
        f'<tr class="total"><td>Total</td><td></td><td></td><td></td><td class="n">{printed.worked(total.seconds)}'
        f'</td><td class="n">{printed.billed(total.billed_seconds)}</td>'
        f'<td class="n">{esc(format_amounts(total.amounts))}</td></tr>',
        "</tbody></table>",
        "<h2>Totals</h2>",
        f"<table><thead><tr>{head(SUMMARY_HEADER, 5)}</tr></thead><tbody>",
    ]
    for label, side, item in _summary_rows(sheet):
        summary = _summary_cells(label, side, item, printed)
        out.append(
            "<tr>"
            + "".join(
                f'<td class="n">{esc(cell)}</td>' if index >= 2 else f"<td>{esc(cell)}</td>"
                for index, cell in enumerate(summary)
            )
            + "</tr>"
        )
    out += ["</tbody></table>", *fees(), *(f'<p class="note">{esc(text)}</p>' for text in _rules_note(sheet, printed))]
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_timesheet(sheet: Timesheet, fmt: str, hours: str = "clock", *, raw: bool = False) -> str:
    """`sheet` as text in `fmt`; `hours` (clock or decimal) is how Markdown and HTML write hours. CSV for the
    services keeps the decimal hours their importers expect, and JSON carries both exact seconds and decimals.
    `raw` (CSV formats only) leaves out the spreadsheet guard."""
    fmt = export_format(fmt)
    if raw and fmt not in CSV_FORMATS:
        raise ValidationError(f"--raw goes with a CSV format ({', '.join(CSV_FORMATS)}); {fmt} has no formula guard")
    if fmt == "md":
        return to_markdown(sheet, hours)
    if fmt == "html":
        return to_html(sheet, hours)
    if fmt == "json":
        return to_json(sheet)
    writers = {
        "csv": to_csv,
        "toggl": to_toggl,
        "clockify": to_clockify,
        "harvest": to_harvest,
        "harvest-report": to_harvest_report,
    }
    return writers[fmt](sheet, raw)


def service_warnings(sheet: Timesheet, fmt: str) -> list[str]:
    """What a service's importer will refuse in this file, said before it is sent: Toggl and Clockify rows name a
    user (Kimai rejects every row without one), Harvest rows a first and last name."""
    if fmt in ("toggl", "clockify") and sheet.lines and not (sheet.person.strip() and sheet.email.strip()):
        return [
            f"the {fmt} rows have no user name or e-mail, and Kimai refuses every such row; "
            "set yours with: planner settings set --name NAME --email ADDRESS"
        ]
    if fmt in ("harvest", "harvest-report") and sheet.lines and not all(_names(sheet)):
        return [
            "the harvest rows need your first and last name (First name, Last name); "
            "set them with: planner settings set --name 'FIRST LAST'"
        ]
    return []


# ---------------------------------------------------------------- the plan as iCalendar


def _series_span(block: Block) -> tuple[date, date]:
    """A stored series' first real occurrence (its DTSTART in a calendar) and its last day (LAST_DAY when it never
    ends)."""
    rule = block.repeat or ""
    first = first_within(rule, block.day, block.day, LAST_DAY) or block.day
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if "UNTIL" in parts:
        last = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
    elif "COUNT" in parts:
        days = expand_rrule(rule, block.day, block.day, LAST_DAY)
        last = days[-1] if days else first
    else:
        last = LAST_DAY
    return first, max(first, last)


def _utc_until(rule: str, zone: tzinfo) -> str:
    """The rule with a date UNTIL (the series' last day, as planner keeps it) written as the UTC instant of that
    day's end: RFC 5545 wants UNTIL in UTC beside a zoned DTSTART, and a date there makes calendars drop the last
    occurrence."""
    parts = []
    for part in rule.split(";"):
        key, _, value = part.partition("=")
        if key == "UNTIL" and len(value) == 8:
            last = datetime.strptime(value, "%Y%m%d").replace(hour=23, minute=59, second=59, tzinfo=zone)
            value = last.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        parts.append(f"{key}={value}")
    return ";".join(parts)


def _vtimezone(name: str, zone: tzinfo, first: date, last: date):
    """A VTIMEZONE for `name` covering first..last. icalendar writes the onset of a change that moves clocks
    forward on the wall clock after it (03:00 for Berlin's 02:00 CET → 03:00 CEST); RFC 5545 reads an onset with
    TZOFFSETFROM, so that would be an hour late. Such onsets are moved back to the wall clock before the change."""
    import icalendar

    timezone = icalendar.Timezone.from_tzinfo(zone, name, first_date=first, last_date=last)
    for observance in timezone.subcomponents:
        shift = observance.decoded("TZOFFSETTO") - observance.decoded("TZOFFSETFROM")
        if shift <= timedelta(0):
            continue
        onset = observance.decoded("DTSTART")
        del observance["DTSTART"]
        observance.add("DTSTART", onset - shift)
        found = observance.get("RDATE")
        if found is None:
            continue
        dates = [moment.dt for item in (found if isinstance(found, list) else [found]) for moment in item.dts]
        del observance["RDATE"]
        observance.add("RDATE", [moment - shift for moment in dates])
    return timezone


def block_uid(block_id: int, calendar_id: str) -> str:
    """A block's event UID: unique to the data folder (its random calendar id) and stable for the block."""
    return f"{calendar_id}-block-{block_id}@planner"


def to_ics(
    one_offs: list[Block],
    series: list[Block],
    engagements: dict[int, Engagement],
    stamp: datetime,
    *,
    calendar_id: str,
) -> str:
    """Planned blocks as VEVENTs, on the person's zone (TZID and a VTIMEZONE covering every day exported). A series
    is one VEVENT: DTSTART on its first real occurrence, its RRULE with UNTIL in UTC, and its EXDATEs. UIDs carry the
    data folder's calendar id and the block id, so importing a newer export updates the events instead of adding
    copies, and two folders never collide."""
    from zoneinfo import ZoneInfo

    import icalendar

    name = zone_name()  # refuses (one line naming TZ) a zone a calendar cannot name
    zone = ZoneInfo(name)

    def wall(day: date, minute: int) -> datetime:
        extra, minute = divmod(minute, 24 * 60)
        moment = datetime(day.year, day.month, day.day) + timedelta(days=extra, minutes=minute)
        return moment.replace(tzinfo=zone)  # fold 0: a repeated wall time is its first occurrence, as in planner

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//planner//weekly plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "planner")
    spans: list[tuple[date, date]] = []
    events = [(block, (block.day, block.day)) for block in one_offs]
    events += [(block, _series_span(block)) for block in series]
    for block, span in sorted(events, key=lambda item: (item[1][0], item[0].start, item[0].id)):
        spans.append(span)
        day = span[0]
        engagement = engagements.get(block.engagement_id)
        who = engagement.name if engagement else f"engagement {block.engagement_id}"
        event = icalendar.Event()
        event.add("uid", block_uid(block.id, calendar_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", wall(day, block.start))
        event.add("dtend", wall(day, block.end))
        # icalendar escapes , ; \\ and line breaks; other control characters may not appear in a TEXT value at all.
        event.add("summary", clean(f"{block.title} · {who}" if block.title else who))
        if block.notes:
            event.add("description", clean(block.notes))
        if engagement is not None:
            event.add("categories", [engagement.kind])
        if block.repeat:
            event.add("rrule", icalendar.vRecur.from_ical(_utc_until(block.repeat, zone)))
            skipped = [wall(skip, block.start) for skip in block.exdates if skip >= day]
            if skipped:
                event.add("exdate", skipped)
        calendar.add_component(event)
    if spans:
        first = min(span[0] for span in spans)
        last = max(span[1] for span in spans) + timedelta(days=1)
        calendar.subcomponents.insert(0, _vtimezone(name, zone, first, last))
    return calendar.to_ical().decode("utf-8")


# ---------------------------------------------------------------- one export, from the store


_SUFFIXES = {
    "toggl": "toggl.csv",
    "clockify": "clockify.csv",
    "harvest": "harvest.csv",
    "harvest-report": "harvest-report.csv",
}


def export_path(fmt: str, first: date, last: date, names: Sequence[str], given: str, folder: Path) -> Path:
    """Where an export goes: the file given, else `timesheet-<range>[-<engagement>].<suffix>` in `folder`, where
    the range is an ISO week (2026-W48) or two dates. Refused when it is a folder or its folder does not exist."""
    from planner.schedule import week_label

    if given.strip():
        path = Path(given.strip()).expanduser()
    else:
        whole_week = last - first == timedelta(days=6) and first.weekday() == 0
        span = week_label(first) if whole_week else f"{first.isoformat()}_{last.isoformat()}"
        path = folder / f"timesheet-{span}{'-' + names[0] if names else ''}.{_SUFFIXES.get(fmt, fmt)}"
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise ValidationError(f"the folder {path.parent} does not exist; give a file in a folder that does")
    return path


def check_target(name: str | Path, *, replace: bool = False) -> Path:
    """The file an export goes to, refused when it is a folder, or exists and `replace` is not given."""
    import os

    path = Path(name).expanduser()
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name to write, e.g. {path / 'timesheet.csv'}")
    if not replace and os.path.lexists(path):
        raise ValidationError(f"{path} exists already; give --force to replace it, or another file name")
    return path


def write_export(name: str | Path, text: str, *, replace: bool = False) -> Path:
    """Write an export whole or not at all: a temporary file beside it, flushed, then moved into place. An existing
    file is replaced only when `replace` says so; otherwise it is refused and left as it was."""
    import os

    path = check_target(name, replace=replace)
    try:
        tmp = write_temp(path, text.encode("utf-8"))
    except OSError as exc:
        raise ValidationError(f"cannot write to {path.parent}: {exc.strerror}; choose another folder") from None
    try:
        os.chmod(tmp, 0o644)  # a timesheet is meant to be sent, unlike the data files
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if a file appeared meanwhile: never a silent overwrite
            tmp.unlink()
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise ValidationError(f"{path} exists already; give --force to replace it, or another file name") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidationError(f"could not write {path}: {exc.strerror}; nothing was written") from None
    return path


@dataclass
class Export:
    text: str
    items: int  # entries (timesheets) or events (ics) written
    skipped_running: bool = False
    fmt: str = "csv"
    warnings: list[str] = field(default_factory=list)  # what the receiving service will refuse, said up front

    def count(self) -> str:
        """What was written, counted: '1 entry', '12 entries', '3 events'."""
        if self.fmt == "ics":
            return f"{self.items} event{'' if self.items == 1 else 's'}"
        return f"{self.items} entr{'y' if self.items == 1 else 'ies'}"


def build_export(
    store: Store,
    fmt: str,
    first: date,
    last: date,
    *,
    names: Sequence[str] = (),
    side: str | None = None,
    stamp: datetime,
    progress: Callable[[int, int], None] | None = None,
    hours: str = "clock",
    raw: bool = False,
) -> Export:
    """The export of first..last in `fmt`, for the named engagements (any case) and/or one side; nothing of any
    other engagement goes in. Used alike by `planner export` and the board's export form, which passes `progress`
    to hear (month files read, month files to read) as a long range is read."""
    fmt = export_format(fmt)
    if raw and fmt not in CSV_FORMATS:
        raise ValidationError(f"--raw goes with a CSV format ({', '.join(CSV_FORMATS)}); {fmt} has no formula guard")
    chosen, party = select_engagements(store.engagements(), list(names), side)
    if fmt == "ics":
        ids = {engagement.id for engagement in chosen}
        one_offs, series = store.plan_items(first, last)
        one_offs = [block for block in one_offs if block.engagement_id in ids]
        series = [block for block in series if block.engagement_id in ids]
        by_id = {engagement.id: engagement for engagement in chosen}
        text = to_ics(one_offs, series, by_id, stamp, calendar_id=store.calendar_id())
        return Export(text, len(one_offs) + len(series), fmt=fmt)
    settings = store.settings()
    sheet = build_timesheet(
        chosen,
        store.logs(*span_of_days(first, last), progress=progress),
        first,
        last,
        party=party,
        person=str(settings.get("name", "")),
        email=str(settings.get("email", "")),
        task=str(settings.get("task", "")),
        fees=period_fees(store, chosen, first, last, stamp),
    )
    text = render_timesheet(sheet, fmt, hours, raw=raw)
    return Export(text, len(sheet.lines), sheet.skipped_running, fmt, service_warnings(sheet, fmt))


def period_fees(store: Store, chosen: Sequence[Engagement], first: date, last: date, moment: datetime) -> list:
    """What the chosen clients earned in first..last beyond hours x rate (fees, milestones, retainers and overage,
    performance income), as `planner income` counts it; a salary is left off a timesheet."""
    from planner.income import income_report
    from planner.money import HOURS, SALARY

    ids = {engagement.id for engagement in chosen}
    report = income_report(store, first, last, moment)
    return [e for e in report.found if e.engagement.id in ids and e.kind not in (HOURS, SALARY)]


def record_export(store: Store, first: date, last: date, names: Sequence[str], side: str | None) -> str | None:
    """Remember that a timesheet of first..last left planner (for the engagements named, or on one side), so
    `planner remind` stops asking to export a locked week it covers. Returns a warning when the data folder could
    not take the record: the export itself stands."""
    try:
        ids = None
        if names or side:
            wanted = {name.strip().casefold() for name in names}
            ids = [
                engagement.id
                for engagement in store.engagements(include_archived=True)
                if (not wanted or engagement.name.casefold() in wanted) and (side is None or engagement.kind == side)
            ]
        store.record_export(first, last, ids)
    except PlannerError as error:
        return f"the export was not recorded for 'planner remind': {error}"
    return None
