"""Hostile text never reaches a terminal raw, never runs as markup or HTML, and never starts a spreadsheet formula.

A note imported from a CSV, a block title, a name or a tag may hold terminal escapes (`ESC ]2;...BEL` retitles the
window, `ESC [2J` clears the screen, `ESC [31m` and the C1 CSI U+009B style or move), a right-to-left override
(U+202E), a line break, or Rich markup (`[red]x[/red]`, `[link=...]`). Planner stores notes and titles as given and
shows them escaped: on the command line (tables keep their lines), on the board (markup shows literally), and in every
export format (Markdown escapes HTML and its own syntax, CSV cells cannot start a formula, JSON stays exact).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from planner.errors import PlannerError, ValidationError
from planner.exports import TIMESHEET_FORMATS, _csv, build_export, safe_cell, unguard_cell
from planner.model import INBOUND, OUTBOUND, Block, Engagement, LogEntry
from planner.schedule import parse_moment, span_of_days
from planner.store import Store
from planner.text import clean, printable, safe_json

MONDAY = date(2026, 11, 23)  # week 2026-W48; the pinned clock is Wednesday 25 November 10:00 in Berlin
OSC = "\x1b]2;pwned\x07"  # set the window title
CLEAR = "\x1b[2J"  # clear the screen
CSI = "\x1b[31mred\x1b[0m"  # colour
C1 = "\x9b2J"  # the 8-bit CSI: clear the screen on terminals that honour C1
RLO = "\u202eevil"  # right-to-left override: reorders the rest of the line
MARKUP = "[red]x[/red] [link=http://x]y[/link]"
HOSTILE = f"{OSC}{CLEAR}{CSI}{C1}{RLO}\nsecond line {MARKUP}\r\nthird\tline"
#: What the brief names, and every other character that must not reach a terminal.
BIDI_AND_INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u2060\ufeff"
FORMULAS = [" =1+1", "\t=cmd|' /C calc'!A0", "\xa0@SUM(A1)", "\n-2+3", "\r+x", "  \u3000=HYPERLINK(1)", "=plain"]


def assert_tame(text: str) -> None:
    """No control character but line breaks (CRLF too, which CSV and iCalendar use) and tabs, and no bidirectional
    or invisible format character."""
    bad = [
        char
        for char in text.replace("\r\n", "\n")
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") and char not in "\n\t\u200c\u200d"
    ]
    assert not bad, f"raw {sorted(set(bad))!r} in {text!r}"


# ---------------------------------------------------------------- seeding: notes and titles as hostile as they come


def _engagement(store: Store, names: list[str], kind: str, **fields) -> Engagement:
    """The first of `names` the store accepts: names with control characters may be refused at input."""
    for name in names:
        try:
            return store.add_engagement(Engagement(0, name, kind, **fields))
        except ValidationError:
            continue
    raise AssertionError(f"the store refused every name of {names!r}")


def _tags(store: Store, job: Engagement) -> list[str]:
    for tags in ([f"{RLO}[b]tag[/b]", "[i]t[/i]"], ["[b]tag[/b]", "[i]t[/i]"]):
        try:
            entry = store.add_log(
                LogEntry(0, job.id, parse_moment("2026-11-20 09:00"), parse_moment("2026-11-20 10:00"), tags=tags)
            )
        except ValidationError:
            continue
        store.remove_log(entry.id)
        return tags
    raise AssertionError("the store refused every tag")


def seed(store: Store) -> dict:
    job = _engagement(store, [f"{C1}{RLO} job {MARKUP}", f"job {MARKUP}"], INBOUND, hours=10, rate=50)
    client = _engagement(
        store, [f"{RLO}[link=http://x]client[/link]", "[link=http://x]client[/link]"], OUTBOUND, rate=90
    )
    tags = _tags(store, job)
    at = parse_moment
    notes = [
        HOSTILE,
        "[red]x[/red]",
        *FORMULAS,
        "<script>alert(1)</script> <img src=x onerror=alert(2)> <svg onload=alert(3)>",
    ]
    logs = [
        LogEntry(
            0,
            (job if index % 2 else client).id,
            at(f"2026-11-23 {8 + index:02d}:00"),
            at(f"2026-11-23 {8 + index:02d}:45"),
            note=note,
            tags=tags,
        )
        for index, note in enumerate(notes)
    ]
    store.add_logs(logs)
    store.add_block(
        Block(0, job.id, date(2026, 11, 25), 9 * 60, 12 * 60, f"{OSC}{CLEAR}{RLO}[red]T[/red]", notes=HOSTILE)
    )
    store.add_block(
        Block(0, client.id, date(2026, 11, 24), 18 * 60, 19 * 60, HOSTILE, notes=f"<script>x</script>{OSC}")
    )
    store.start_timer(LogEntry(0, client.id, at("2026-11-25 09:30"), note=HOSTILE, tags=tags))
    store.set_settings(name=f"<script>alert(1)</script>{OSC}", email="<img src=x onerror=alert(1)>@x.org")
    store.lock_week(MONDAY - timedelta(days=7), client.name)
    return {"job": job, "client": client, "tags": tags, "notes": notes}


@pytest.fixture
def hostile(store: Store) -> dict:
    return seed(store)


# ---------------------------------------------------------------- the core helper


@given(st.text())
def test_printable_is_one_tame_line_and_leaves_plain_text_alone(text):
    shown = printable(text)
    assert_tame(shown)
    assert "\n" not in shown and "\t" not in shown and "\r" not in shown
    if all(char.isprintable() or char == " " for char in text):
        assert shown == text


def test_printable_escapes_every_control_bidi_and_invisible_character_visibly():
    for char in [*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0)), *BIDI_AND_INVISIBLE]:
        shown = printable(f"a{char}b")
        assert char not in shown
        assert shown in ("a⏎b", "a b") or re.fullmatch(r"a\\(x[0-9a-f]{2}|u[0-9a-f]{4})b", shown), shown
    assert printable(OSC + CLEAR + C1 + RLO) == "\\x1b]2;pwned\\x07\\x1b[2J\\x9b2J\\u202eevil"
    assert printable("a\r\nb\nc") == "a⏎b⏎c"
    assert printable("café 👍🏽 👨\u200d👩\u200d👧 مرحبا a\xa0b") == "café 👍🏽 👨\u200d👩\u200d👧 مرحبا a\xa0b"


@given(st.text())
def test_clean_drops_what_a_file_should_not_hold_but_line_breaks_and_tabs(text):
    kept = clean(text)
    assert_tame(kept)
    assert "\r" not in kept


@given(
    st.recursive(
        st.text() | st.integers() | st.none(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
    )
)
def test_safe_json_is_the_same_data_without_raw_controls(data):
    dumped = safe_json(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(dumped) == data
    assert_tame(dumped)


def test_errors_escape_esc_and_the_bidi_and_zero_width_set():
    for char in ["\x1b", "\x07", "\x9b", "\n", *BIDI_AND_INVISIBLE]:
        message = str(PlannerError(f"no engagement named 'a{char}b'"))
        assert char not in message and "\n" not in message
    assert_tame(str(ValidationError(HOSTILE)))


# ---------------------------------------------------------------- the command line


def _lines(text: str) -> list[str]:
    return text.splitlines()


COMMANDS = [
    ("list",),
    ("list", "--all"),
    ("plan", "list", "--week", "2026-W48"),
    ("log", "list", "--week", "2026-W48"),
    ("status",),
    ("report", "--week", "2026-W48"),
    ("report", "--week", "2026-W48", "--by", "tag"),
    ("report", "--week", "2026-W48", "--by", "engagement", "--chart"),
    ("report", "--overtime"),
    ("check", "--week", "2026-W48"),
    ("lock", "--list"),
    ("settings", "show"),
    ("backup", "list"),
    ("doctor",),
    ("log", "list", "--week", "2026-W48", "--json"),
    ("plan", "list", "--week", "2026-W48", "--json"),
    ("status", "--json"),
    ("settings", "show", "--json"),
    ("export", "--week", "2026-W48", "--format", "md"),
    ("export", "--week", "2026-W48", "--format", "csv"),
    ("export", "--week", "2026-W48", "--format", "ics"),
    ("start", f"nobody{OSC}{RLO}"),  # errors quote what was typed
    ("log", "edit", "999", "--note", HOSTILE),
    ("plan", "add", f"x{CLEAR}", "--date", f"2026-13-01{C1}", "--start", "09:00", "--end", "10:00"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(args)[:40] for args in COMMANDS])
def test_no_command_prints_a_raw_control_character(cli, hostile, args):
    result = cli(*args)
    assert result.code in (0, 1, 2), result.err
    assert "Traceback" not in result.err
    assert_tame(result.out)
    assert_tame(result.err)
    if result.code == 2:
        assert len(_lines(result.err)) == 1 and result.err.startswith("error: ")


def test_tables_keep_one_line_per_row_and_json_keeps_the_note_exact(cli, store, hostile):
    entries = store.logs(*span_of_days(MONDAY, MONDAY + timedelta(days=6)))
    shown = cli("log", "list", "--week", "2026-W48")
    assert shown.code == 0
    assert len(_lines(shown.out)) == 1 + 1 + len(entries) + 1  # the range, the header, the entries, the sum
    assert "\\x1b]2;pwned\\x07" in shown.out and "⏎second line [red]x[/red]" in shown.out
    blocks = cli("plan", "list", "--week", "2026-W48")
    assert len(_lines(blocks.out)) == 1 + 1 + len(store.blocks(MONDAY, MONDAY + timedelta(days=6)))
    assert len(_lines(cli("list").out)) == 1 + 2
    data = json.loads(cli("log", "list", "--week", "2026-W48", "--json").out)
    assert [item["note"] for item in data].count(HOSTILE) == 2  # the logged entry and the running timer
    assert {tuple(item["tags"]) for item in data} == {tuple(hostile["tags"])}
    status = cli("status")
    assert len(_lines(status.out)) == 1 and printable(hostile["client"].name) in status.out


def test_a_toggl_note_with_escapes_imports_and_lists_tamely(cli, data_dir, tmp_path):
    header = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags"
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(header.split(","))
    for description, begins, ends in ((HOSTILE, "09:00:00", "10:00:00"), (f" {FORMULAS[0]}", "11:00:00", "12:00:00")):
        client, day = "[red]imported[/red]", "2026-11-24"
        writer.writerow(["", "", "", client, "", description, "Yes", day, begins, day, ends, "01:00:00", ""])
    source = tmp_path / "toggl.csv"
    source.write_text(rows.getvalue(), encoding="utf-8")
    imported = cli("import", "toggl", str(source), "--client", "[red]imported[/red]")
    assert imported.code == 0, imported.err
    assert_tame(imported.out + imported.err)
    assert "[red]imported[/red]" in imported.out
    listed = cli("log", "list", "--week", "2026-W48")
    assert_tame(listed.out)
    assert len(_lines(listed.out)) == 1 + 1 + 2 + 1
    notes = [item["note"] for item in json.loads(cli("log", "list", "--week", "2026-W48", "--json").out)]
    assert notes[0].startswith(OSC + CLEAR) and MARKUP in notes[0]  # stored as it came, shown escaped


# ---------------------------------------------------------------- exports


def export(store: Store, fmt: str) -> str:
    from planner.schedule import now

    return build_export(store, fmt, MONDAY, MONDAY + timedelta(days=6), stamp=now()).text


@pytest.mark.parametrize("fmt", [*TIMESHEET_FORMATS, "ics"])
def test_no_export_holds_a_raw_control_character(store, hostile, fmt):
    assert_tame(export(store, fmt))


def test_json_export_keeps_the_notes_exact(store, hostile):
    data = json.loads(export(store, "json"))
    assert {entry["note"] for entry in data["entries"]} == set(hostile["notes"])
    assert data["person"] == f"<script>alert(1)</script>{OSC}"


def test_markdown_export_escapes_html_and_its_own_syntax(store, hostile):
    from markdown_it import MarkdownIt

    text = export(store, "md")
    for raw in ("<script", "<img", "<svg", "](http"):
        assert raw not in text
    assert not re.search(r"<[^>]*on\w+=", text)
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    for tag in ("<script", "<img", "<svg", "<a ", "<h"):
        assert tag not in rendered.replace("<h1>", "").replace("<h2>Totals", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown as text
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert all(len(re.split(r"(?<!\\)\|", line)) in (7, 9) for line in table)  # no cell split or joined
    # every entry on a row of its own (the running timer is left out)
    assert len([line for line in table if re.match(r"\| [^|]*\| \d\d:\d\d", line)]) == len(hostile["notes"])


@pytest.mark.parametrize("fmt", ["csv", "toggl", "clockify", "harvest"])
def test_csv_cells_with_leading_whitespace_cannot_start_a_formula(store, hostile, fmt):
    rows = list(csv.reader(io.StringIO(export(store, fmt))))
    header, body = rows[0], rows[1:]
    assert body
    numbers = {"raw_hours", "billed_hours", "rate", "amount", "Hours", "Duration (decimal)"}
    for row in body:
        for name, cell in zip(header, row, strict=True):
            if name in numbers or name.startswith("Billable "):
                assert re.fullmatch(r"-?\d+\.\d\d|", cell), (name, cell)  # planner's own numbers stay numbers
            else:
                assert not cell.lstrip().startswith(("=", "+", "-", "@")), (name, cell)
                assert not cell.startswith(("\t", "\r", "\n")), (name, cell)
    cells = {cell for row in body for cell in row}
    assert "' =1+1" in cells and "'\xa0@SUM(A1)" in cells and "'=plain" in cells


def test_numbers_planner_writes_stay_numbers_and_only_text_is_guarded():
    text = _csv(["amount", "note"], [["-5.00", "-5.00"]], numbers=(0,))
    assert list(csv.reader(io.StringIO(text)))[1] == ["-5.00", "'-5.00"]


@given(st.text(max_size=30))
@example(" =1+1")
@example("\t=cmd")
@example("\xa0@SUM(A1)")
@example("\n-2")
@example("\u3000+x")
def test_a_guarded_cell_reads_back_as_it_was(text):
    guarded = safe_cell(text)
    assert not guarded.lstrip().startswith(("=", "+", "-", "@"))
    if not text.startswith("'"):
        assert unguard_cell(guarded) == text


def test_ics_summary_and_description_carry_no_control_characters(store, hostile):
    import icalendar

    calendar = icalendar.Calendar.from_ical(export(store, "ics"))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    for event in events:
        for key in ("SUMMARY", "DESCRIPTION"):
            assert_tame(str(event.get(key, "")))
    assert any("second line [red]x[/red]" in str(event.get("DESCRIPTION", "")) for event in events)


# ---------------------------------------------------------------- the board


def screen_text(app) -> str:
    """The characters the screen would write, without Textual's own escape sequences for colour and position."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip if not segment.control) for line in update.strips
    )


def test_the_board_shows_hostile_text_escaped_and_markup_literally(store, hostile):
    from rich.text import Text
    from textual.widgets import DataTable

    from planner_widgets.app import make_app
    from planner_widgets.forms import FormScreen

    app = make_app(store)
    job_title = store.blocks(MONDAY, MONDAY + timedelta(days=6))[-1].title
    client = hostile["client"].name

    async def run() -> None:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            board = screen_text(app)
            assert_tame(board)
            assert printable(client) in board  # the header's running timer, markup and all
            app.board.place_cursor(2, 9 * 60, INBOUND)
            await pilot.press("c")  # "Copied <title>" as a notification
            await pilot.pause(0.3)
            copied = screen_text(app)
            assert_tame(copied)
            assert "Copied \\x1b]2;pwned\\x07\\x1b[2J\\u202eevil[red]T[/red]" in copied
            await pilot.press("g")  # the week's logs
            await pilot.pause()
            logs = screen_text(app)
            assert_tame(logs)
            assert "[red]x[/red]" in logs
            table = app.screen.query_one(DataTable)
            cells = [cell for row in range(table.row_count) for cell in table.get_row_at(row)]
            assert all(isinstance(cell, Text) for cell in cells)  # a str cell would be read as markup
            assert any("[b]tag[/b]" in cell.plain for cell in cells)  # the tags column, off screen at 120 columns
            await pilot.press("escape", "E")  # jobs and clients
            await pilot.pause()
            people = screen_text(app)
            assert_tame(people)
            assert "[link=http://x]client[/link]" in people and "job [red]x[/red] [link=http://x]y[/link]" in people
            await pilot.press("escape", "r")  # reports, read in a worker
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            reports = screen_text(app)
            assert_tame(reports)
            assert "[link=http://x]client[/link]" in reports
            await pilot.press("escape")
            app.board.place_cursor(2, 9 * 60, INBOUND)
            await pilot.press("e")  # the edit form shows the title escaped ...
            await pilot.pause()
            assert_tame(screen_text(app))
            await pilot.press("enter")  # ... and saving it unchanged keeps the title as stored
            await pilot.pause()
            assert not isinstance(app.screen, FormScreen), screen_text(app)

    asyncio.run(run())
    assert store.blocks(MONDAY, MONDAY + timedelta(days=6))[-1].title == job_title


def test_notifications_and_lists_never_read_markup(store):
    from planner_widgets.app import make_app

    app = make_app(store)

    async def run() -> None:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            app.notify(f"[b]bold?[/b] [link=http://x]y[/link] {OSC}", title=f"[red]t[/red]{RLO}", markup=True)
            await pilot.pause(0.3)
            text = screen_text(app)
            assert_tame(text)
            assert "[b]bold?[/b] [link=http://x]y[/link]" in text and "[red]t[/red]" in text

    asyncio.run(run())
