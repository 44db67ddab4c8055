"""Bad input ends in one `error:` line and exit 2, quickly, with nothing stored (issue 10, section 2).

Each finding of the hostile run is a parametrized CLI case run as a subprocess (the `cli` fixture, whose timeout turns
a hang into a failure): recurrence rules, numbers, dates, names, `--db ''`, `--block`, and files to import. The
recurrence rules are also tried under hypothesis: any rule is refused or expands any week quickly, at most once a day.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli_common import _print_json
from planner.errors import StoreError, ValidationError
from planner.importers import MAX_IMPORT_BYTES, plan_import, read_records
from planner.model import (
    INBOUND,
    OUTBOUND,
    Block,
    Boundaries,
    Engagement,
    LogEntry,
    check_hours,
    check_name,
    check_rate,
    check_tags,
)
from planner.schedule import (
    _rrule,
    check_rrule,
    expand_rrule,
    parse_date,
    parse_moment,
    parse_month,
    parse_range,
    parse_week,
)
from planner.store import Store
from tests.helpers import snapshot_files

MONDAY = date(2026, 11, 23)
TOGGL_HEADER = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags"
)


def seed(data_dir: Path) -> dict[str, int]:
    """A job, a client, a one-off block on Tuesday, a series on Mondays and Wednesdays, and one entry."""
    store = Store(data_dir)
    job = store.add_engagement(Engagement(0, "acme", INBOUND, hours=32))
    client = store.add_engagement(Engagement(0, "globex", OUTBOUND, rate=90))
    one_off = store.add_block(Block(0, client.id, MONDAY + timedelta(days=1), 18 * 60, 19 * 60))
    series = store.add_block(Block(0, client.id, MONDAY, 18 * 60, 19 * 60, repeat="FREQ=WEEKLY;BYDAY=MO,WE"))
    store.add_log(LogEntry(0, job.id, parse_moment("2026-11-23 09:00"), parse_moment("2026-11-23 12:00")))
    return {"job": job.id, "client": client.id, "block": one_off.id, "series": series.id}


def assert_refused(result, words: str = "") -> None:
    """Exit 2, one line on stderr starting `error:` (holding `words`), no traceback, nothing on stdout."""
    lines = result.err.strip().splitlines()
    assert result.code == 2, result
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert "Traceback" not in result.err and words in lines[0], result.err
    assert result.out == ""


def refused_and_unchanged(cli, data_dir: Path, args, words: str = "", **options) -> None:
    if not (data_dir / "planner.json").exists():
        seed(data_dir)
    before = snapshot_files(data_dir)
    started = time.monotonic()
    assert_refused(cli(*args, **options), words)
    assert time.monotonic() - started < 20  # "within a second" on an idle machine; a hang fails long before this
    assert snapshot_files(data_dir) == before


PLAN = ["plan", "add", "globex", "--date", "2026-11-23", "--start", "09:00", "--end", "10:00", "--repeat"]


#: (rule, words in the error): each refused by `plan add --repeat` (the first ones through the CLI as a whole).
BAD_RULES = [
    ("FREQ=DAILY;FREQ=WEEKLY", "gives FREQ twice"),
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),  # looped for ever
    ("FREQ=DAILY;INTERVAL=-1", "INTERVAL=-1"),  # a traceback
    ("FREQ=SECONDLY", "FREQ=DAILY, WEEKLY"),
    ("FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23", "has BYHOUR"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
    ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "never happens"),  # dateutil searched this one for 5 s
    ("FREQ=WEEKLY;UNTIL=20200101", "before the series starts"),
    ("FREQ=DAILY;COUNT=1000000", "COUNT=1000000"),
    ("FREQ=DAILY;X-NAME=1", "has X-NAME"),
    # the same checks, tried in the process
    ("FREQ=WEEKLY;BYDAY=MO;BYDAY=TU", "gives BYDAY twice"),
    ("FREQ=DAILY;INTERVAL=99999999999999999999", "out of range"),
    ("FREQ=MINUTELY", "FREQ=DAILY, WEEKLY"),
    ("FREQ=HOURLY", "FREQ=DAILY, WEEKLY"),
    ("FREQ=DAILY;BYMINUTE=0,15,30,45", "has BYMINUTE"),
    ("FREQ=DAILY;BYSECOND=1,2,3", "has BYSECOND"),
    ("FREQ=DAILY;BYSETPOS=2", "BYSETPOS"),
    ("FREQ=WEEKLY;BYSETPOS=9,-7", "BYSETPOS"),
    ("FREQ=MONTHLY;BYSETPOS=-5,-10", "never happens"),
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", "never happens"),  # 2026, 2030, ...: never a leap year
    ("FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
    ("FREQ=MONTHLY;BYMONTHDAY=32", "out of range"),
    ("FREQ=YEARLY;BYMONTH=13", "out of range"),
    ("FREQ=YEARLY;BYMONTH=-1", "out of range"),
    ("FREQ=MONTHLY;BYDAY=9MO", "numbered weekday"),
    ("FREQ=DAILY;BYDAY=1MO", "numbered weekday"),
    ("FREQ=WEEKLY;WKST=XX", "WKST=XX"),
    ("FREQ=WEEKLY;UNTIL=99991231", "out of range"),
    ("FREQ=DAILY;COUNT=0", "COUNT=0"),
    ("FREQ=DAILY;COUNT=2;UNTIL=20261201", "both COUNT and UNTIL"),
    ("FREQ=DAILY;BYEASTER=0", "has BYEASTER"),
    ("FREQ=DAILY;DTSTART=20261123", "DTSTART"),
    ("FREQ=WEEKLY;", "NAME=VALUE"),
    ("FREQ=WEEKLY;BYDAY=MO" + ",MO" * 200, "not an RRULE"),  # longer than any rule a person writes
    ("FREQ=WEEKLY;BYDAY=MO\nFREQ=DAILY", "not an RRULE"),
]


@pytest.mark.parametrize(("rule", "words"), BAD_RULES[:10])
def test_bad_recurrence_rules_are_refused(cli, data_dir, rule, words):
    refused_and_unchanged(cli, data_dir, [*PLAN, rule], words)


@pytest.mark.parametrize(("rule", "words"), BAD_RULES)
def test_bad_recurrence_rules_are_refused_quickly_in_the_process(rule, words):
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=re.escape(words)) as caught:
        check_rrule(rule, MONDAY)
    assert "\n" not in str(caught.value) and time.perf_counter() - started < 1.5


def test_the_readme_rules_still_work(cli, data_dir):
    seed(data_dir)
    for hour, rule in (
        ("11", "FREQ=WEEKLY;BYDAY=MO,WE"),
        ("12", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20270601"),
        ("13", "FREQ=MONTHLY;BYDAY=-1FR"),
    ):  # at hours of their own: one engagement's blocks cannot overlap
        done = cli(*PLAN[:6], f"{hour}:00", "--end", f"{hour}:30", "--repeat", rule)
        assert done.code == 0, done.err
    items = json.loads(cli("plan", "list", "--week", "2026-W48", "--json").out)
    assert {item["date"] for item in items if item["repeat"]} == {"2026-11-23", "2026-11-25", "2026-11-27"}


def store_rule(data_dir: Path, rule: str) -> None:
    """Put `rule` into the seeded series by hand, as an older planner or an editor could have."""
    main = data_dir / "planner.json"
    data = json.loads(main.read_text())
    data["series"]["2"]["repeat"] = rule
    main.write_text(json.dumps(data))


def test_a_bad_rule_in_an_old_data_file_is_one_line_not_a_hang(cli, data_dir):
    seed(data_dir)
    store_rule(data_dir, "FREQ=DAILY;INTERVAL=0")
    before = snapshot_files(data_dir)
    for args in (["plan", "list"], ["export", "--format", "ics"], ["log", "add", "globex", "--start", "18:00",
                                                                      "--end", "18:30"]):  # fmt: skip
        assert_refused(cli(*args))
    assert snapshot_files(data_dir) == before


@pytest.mark.parametrize("rule", ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=HOURLY", "FREQ=DAILY;COUNT=99999999"])
def test_every_read_of_a_stored_bad_rule_is_refused(data_dir, rule):
    seed(data_dir)
    store_rule(data_dir, rule)
    store = Store(data_dir)
    for read in (
        lambda: store.blocks(MONDAY, MONDAY + timedelta(days=6)),
        lambda: store.plan_items(date(1970, 1, 1), date(2200, 12, 31)),
        lambda: store.week(MONDAY, parse_moment("12:00")),
    ):
        with pytest.raises(StoreError):
            read()


def test_expanding_a_stored_bad_rule_names_the_series(data_dir):
    """Below the file check: the store's own expansion refuses a rule it would otherwise loop on, naming it."""
    from planner.store import _series_days

    with pytest.raises(ValidationError, match="INTERVAL=0"):
        expand_rrule("FREQ=DAILY;INTERVAL=0", MONDAY, MONDAY, MONDAY + timedelta(days=6))
    bad = Block(7, 1, MONDAY, 60, 120, repeat="FREQ=DAILY;INTERVAL=0")
    with pytest.raises(StoreError, match=r"series 7 .*plan rm 7"):
        _series_days(bad, MONDAY, MONDAY + timedelta(days=6))


@pytest.mark.parametrize(
    "args",
    [
        ["client", "add", "initech", "--rate", "1e30"],
        ["client", "add", "initech", "--rate", "1e309"],
        ["client", "add", "initech", "--rate", "nan"],
        ["client", "add", "initech", "--budget", "inf"],
        ["client", "add", "initech", "--cap", "-1"],
        ["job", "add", "initech", "--hours", "1e30"],
        ["edit", "globex", "--rate", "1e30"],
        ["boundaries", "set", "--max-week", "1e309"],
    ],
)
def test_numbers_out_of_bounds_are_refused(cli, data_dir, args):
    refused_and_unchanged(cli, data_dir, args)


@pytest.mark.parametrize("text", ["1e30", "1e309", "inf", "-inf", "nan", "-nan", "-1", "169", "1e-400x", "0x10"])
def test_hours_caps_budgets_and_boundaries_out_of_bounds_are_refused(text):
    checks = [
        lambda: check_hours(text, "contracted hours"),
        lambda: Engagement(0, "initech", OUTBOUND, cap=text).validate(),  # type: ignore[arg-type]
        lambda: Boundaries().updated({"max_week": text}),
        lambda: Boundaries().updated({"min_rest": text}),
        lambda: Boundaries().updated({"tolerance": text}),
        lambda: Boundaries().updated({"concentration": text}),
    ]
    if text != "169":
        checks.append(lambda: Engagement(0, "initech", OUTBOUND, budget=text).validate())  # type: ignore[arg-type]
    for check in checks:
        with pytest.raises(ValidationError):
            check()
    for key in ("max_day", "max_stretch"):  # hours of a day
        with pytest.raises(ValidationError, match="at most 24"):
            Boundaries().updated({key: "25"})


def test_json_never_holds_infinity_or_nan(cli, data_dir, capsys):
    seed(data_dir)
    assert cli("client", "add", "initech", "--rate", "1000000").code == 0
    assert cli("edit", "globex", "--rate", "1e2").code == 0
    strict = json.loads(cli("list", "--json").out, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    assert {item["name"]: item["rate"] for item in strict}["globex"] == 100
    with pytest.raises(StoreError, match="infinite or not a number"):
        _print_json({"rate": float("inf")})
    assert capsys.readouterr().out == ""  # nothing half-printed


@pytest.mark.parametrize(
    ("args", "now"),
    [
        (["log", "add", "acme", "--start", "0001-01-01 10:00", "--end", "0001-01-01 11:00"], None),
        (["log", "add", "acme", "--start", "2201-01-01 10:00", "--end", "2201-01-01 11:00"], None),
        (["log", "list", "--week", "9999-W52"], None),
        (["report", "--month", "0000-01"], None),
        (["log", "list", "--from", "0001-01-01"], None),
        (["client", "add", "initech", "--deadline", "0001-01-01"], None),
        (["edit", "acme", "--hours", "30", "--from", "0001-01-01"], None),
        (["start", "acme"], "0001-01-01T10:00:00+00:00"),
        (["log", "add", "acme", "--start", "yesterday 10:00", "--end", "yesterday 11:00"], "1970-01-01T12:00:00+01:00"),
        (["status"], "not a moment"),
    ],
)
def test_dates_before_1970_or_after_2200_are_refused(cli, data_dir, args, now):
    refused_and_unchanged(cli, data_dir, args, now=now)


@pytest.mark.parametrize(
    "parse",
    [
        lambda: parse_date("0001-01-01"),
        lambda: parse_date("1969-12-31"),
        lambda: parse_date("2201-01-01"),
        lambda: parse_week("9999-W52"),
        lambda: parse_week("0001-W01"),
        lambda: parse_week("1969-W50"),
        lambda: parse_month("0000-01"),
        lambda: parse_month("9999-12"),
        lambda: parse_moment("0001-01-01 10:00"),
        lambda: parse_moment("2201-01-01T10:00+05:00"),
        lambda: parse_range("0000", MONDAY),
        lambda: parse_range("9999", MONDAY),
        lambda: parse_range("0001-01-01..2026-01-01", MONDAY),
        lambda: Engagement(0, "x", OUTBOUND, deadline=date(1, 1, 1)).validate(),
        lambda: Block(0, 1, date(2201, 1, 1), 60, 120).validate(),
        lambda: LogEntry(0, 1, datetime(1, 1, 1, 10, tzinfo=UTC), datetime(1, 1, 1, 11, tzinfo=UTC)).validate(),
    ],
)
def test_every_date_parser_and_record_keeps_to_1970_to_2200(parse):
    with pytest.raises(ValidationError, match="out of range"):
        parse()


def test_the_edges_of_the_years_kept_are_accepted():
    assert parse_date("1970-01-01") == date(1970, 1, 1) and parse_date("2200-12-31") == date(2200, 12, 31)
    assert parse_week("1970-W02") == date(1970, 1, 5)  # the first week kept whole (1970-W01 starts in 1969)
    with pytest.raises(ValidationError, match="out of range"):
        parse_week("1970-W01")
    assert parse_month("2200-12") == date(2200, 12, 1)


def test_overtime_report_survives_and_long_ranges_are_cheap(cli, data_dir):
    seed(data_dir)
    Store(data_dir).add_block(Block(0, 2, date(1970, 1, 1), 9 * 60, 10 * 60, repeat="FREQ=DAILY"))
    for args in (
        ["report", "--overtime"],
        ["log", "list", "--from", "1970-01-01", "--to", "2200-12-31"],
        ["report", "--from", "1970-01-01", "--to", "2200-01-01", "--by", "day"],
        ["export", "--format", "ics", "--from", "1970-01-01", "--to", "2200-12-31"],
        ["plan", "list", "--week", "2200-W52"],
    ):
        started = time.monotonic()
        done = cli(*args)
        assert done.code == 0 and "Traceback" not in done.err, (args, done.err)
        assert time.monotonic() - started < 20, args


HIDDEN = [
    "esc\x1b[2Jname",
    "bell\x07",
    "two\nlines",
    "c1\x85next",
    "zero\u200bwidth",
    "zero\u200cwidth",
    "zero\u200djoiner",
    "word\u2060joiner",
    "bom\ufeff",
    "\u202eevil",
    "x\u202ay",
    "x\u2066y",
    "x\u2069y",
    "x\u200ey",
    "x\u200fy",
    "x\u061cy",
    "line\u2028sep",
]


@pytest.mark.parametrize("name", ["esc\x1b[2Jname", "two\nlines", "zero\u200bwidth", "\u202eevil", "x\u2066y"])
def test_control_zero_width_and_bidi_characters_are_refused_in_names(cli, data_dir, name):
    refused_and_unchanged(cli, data_dir, ["client", "add", name])


@pytest.mark.parametrize("name", HIDDEN)
def test_every_hidden_character_is_refused_in_names_and_tags(name):
    with pytest.raises(ValidationError, match="usable name"):
        check_name(name)
    with pytest.raises(ValidationError, match="unprintable"):
        check_tags([name])


@pytest.mark.parametrize(
    "args",
    [
        ["edit", "globex", "--name", "glob\u202eex"],
        ["log", "add", "acme", "--start", "13:00", "--end", "14:00", "--tag", "mee\u200bting"],
    ],
)
def test_hidden_characters_in_renames_and_tags_are_refused(cli, data_dir, args):
    refused_and_unchanged(cli, data_dir, args)


def test_notes_and_titles_may_hold_them(data_dir):
    assert check_name("Zoë’s café — 東京") == "Zoë’s café — 東京"
    with pytest.raises(ValidationError, match="U\\+202E"):
        check_name("\u202eevil")
    with pytest.raises(ValidationError):
        check_tags(["x\u2066y"])
    store = Store(data_dir)
    job = store.add_engagement(Engagement(0, "acme", INBOUND, hours=32))
    entry = store.add_log(LogEntry(0, job.id, parse_moment("10:00"), parse_moment("11:00"), note="a\u202eb\nc\x1b"))
    assert store.log(entry.id).note == "a\u202eb\nc\x1b"


def test_an_empty_db_is_refused_and_an_empty_planner_db_means_not_set(tmp_path):
    env = {**os.environ, "PLANNER_NOW": "2026-11-25T10:00:00+01:00", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("PLANNER_DB", None)
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "planner", *args], cwd=work, env={**env, **extra}, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip

    done = run("--db", "", "client", "add", "globex")
    assert done.returncode == 2 and done.stderr.startswith("error: --db ''") and len(done.stderr.splitlines()) == 1
    done = run("--db", "  ", "list")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert list(work.iterdir()) == []  # nothing written into the current folder
    done = run("client", "add", "globex", PLANNER_DB="")
    assert done.returncode == 0, done.stderr
    assert list(work.iterdir()) == [] and (tmp_path / "xdg" / "planner" / "planner.json").exists()


@pytest.mark.parametrize("when", ["", "  "])
def test_restoring_an_empty_backup_name_is_refused(cli, data_dir, when):
    refused_and_unchanged(cli, data_dir, ["backup", "restore", when], "names no backup")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["start", "acme", "--block", "999"], "no planned block with id 999"),
        (["start", "acme", "--block", "-1"], "no planned block with id -1"),
        (["log", "add", "acme", "--start", "08:00", "--end", "09:00", "--block", "999"], "no planned block"),
        # the series (id 2) repeats on Mondays and Wednesdays; 2026-11-24 is a Tuesday
        (["log", "add", "globex", "--start", "2026-11-24 18:00", "--end", "2026-11-24 19:00", "--block", "2"],
         "series 2 has no occurrence on 2026-11-24"),
        (["log", "add", "globex", "--start", "2026-11-16 18:00", "--end", "2026-11-16 19:00", "--block", "2"],
         "no occurrence on 2026-11-16"),  # a Monday before the series starts
    ],
)  # fmt: skip
def test_a_block_reference_must_name_a_block_on_that_day(cli, data_dir, args, words):
    refused_and_unchanged(cli, data_dir, args, words)


def test_a_block_reference_to_a_real_occurrence_is_kept(cli, data_dir):
    ids = seed(data_dir)
    store = Store(data_dir)
    store.skip_occurrence(ids["series"], date(2026, 11, 30))
    wednesday = ["--start", "2026-11-25 18:00", "--end", "2026-11-25 19:00", "--block", str(ids["series"])]
    assert cli("log", "add", "globex", *wednesday, now="2026-11-25T20:00:00+01:00").code == 0
    tuesday = ["--start", "2026-11-24 18:00", "--end", "2026-11-24 19:00", "--block", str(ids["block"])]
    assert cli("log", "add", "globex", *tuesday).code == 0
    skipped = ["--start", "2026-11-30 18:00", "--end", "2026-11-30 19:00", "--block", str(ids["series"])]
    assert_refused(
        cli("log", "add", "globex", *skipped, now="2026-12-01T09:00:00+01:00"), "no occurrence on 2026-11-30"
    )
    assert sorted(entry.block_id or 0 for entry in store.logs(*_week_span())) == [0, ids["block"], ids["series"]]


def _week_span() -> tuple[datetime, datetime]:
    return parse_moment("2026-11-23 00:00"), parse_moment("2026-11-30 00:00")


def test_importing_a_device_is_refused(cli, data_dir):
    refused_and_unchanged(cli, data_dir, ["import", "toggl", "/dev/zero"], "not a regular file")


@pytest.mark.parametrize("fmt", ["toggl", "clockify", "csv", "watson", "timewarrior"])
def test_no_format_reads_a_device(fmt):
    with pytest.raises(ValidationError, match="not a regular file"):
        read_records(fmt, Path("/dev/zero"))


def test_importing_a_fifo_a_huge_file_or_an_endless_line_is_refused(cli, data_dir, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer for ever
    refused_and_unchanged(cli, data_dir, ["import", "toggl", str(fifo)], "not a regular file")
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as file:
        file.truncate(MAX_IMPORT_BYTES + 1)  # sparse: takes no disk
    refused_and_unchanged(cli, data_dir, ["import", "toggl", str(huge)], "at most 512 MiB")
    endless = tmp_path / "endless.csv"
    endless.write_text(TOGGL_HEADER + "\n" + "x" * (2**20 + 10))
    refused_and_unchanged(cli, data_dir, ["import", "toggl", str(endless), "--dry-run"], "line longer than")


def write_toggl(path: Path, rows: int, *, broken_at: int | None = None) -> None:
    lines = [TOGGL_HEADER]
    moment = datetime(2025, 1, 6, 8, 0)
    for index in range(rows):
        end = moment + timedelta(minutes=30)
        if index == broken_at:
            lines.append("a,b," + "x" * 200_000)  # a field over the csv module's limit: an error when it is read
        lines.append(
            f"Jane,jane@example.com,,globex,,item {index},Yes,{moment:%Y-%m-%d},{moment:%H:%M:%S},"
            f"{end:%Y-%m-%d},{end:%H:%M:%S},00:30:00,"
        )
        moment = end + timedelta(minutes=30) if end.hour < 20 else (end + timedelta(days=1)).replace(hour=8)
    path.write_text("\n".join(lines) + "\n")


def test_a_csv_export_is_streamed_not_read_whole(tmp_path, data_dir):
    path = tmp_path / "toggl.csv"
    write_toggl(path, 3000, broken_at=2500)
    records = read_records("toggl", path)  # the header is checked now; the bad row 2500 is not read yet
    assert not isinstance(records, list)
    first = next(iter(records))
    assert first.where == "line 2" and first.project == "globex"
    with pytest.raises(ValidationError, match="near line"):
        plan_import(Store(data_dir), "toggl", records)

    write_toggl(path, 20_000)
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_records("toggl", path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < 4 * 2**20, peak  # the file is 2 MiB; reading it whole took about 7 MiB per 20,000 rows


def test_imported_rows_outside_the_years_kept_are_bad_rows(tmp_path, data_dir):
    path = tmp_path / "toggl.csv"
    path.write_text(
        f"{TOGGL_HEADER}\n"
        ",,,globex,,ancient,Yes,0001-01-01,10:00:00,0001-01-01,11:00:00,01:00:00,\n"
        ",,,globex,,future,Yes,2201-01-01,10:00:00,2201-01-01,11:00:00,01:00:00,\n"
        ",,,globex,,fine,Yes,2026-11-23,10:00:00,2026-11-23,11:00:00,01:00:00,\n"
    )
    plan = plan_import(Store(data_dir), "toggl", read_records("toggl", path))
    assert plan.read == 3 and len(plan.entries) == 1
    assert [where for where, _ in plan.bad] == ["line 2", "line 3"] and all(
        "out of range" in why for _, why in plan.bad
    )
    frames = tmp_path / "frames"
    frames.write_text(json.dumps([[-86400, -82800, "globex", "a" * 32, [], 0]]))
    plan = plan_import(Store(data_dir), "watson", read_records("watson", frames))
    assert plan.bad and "out of range" in plan.bad[0][1]


def test_rates_keep_at_most_four_decimals_and_read_plainly():
    assert str(check_rate("92.5")) == "92.5" and str(check_rate("1e2")) == "100" and str(check_rate("-0")) == "0"
    assert str(check_rate("1000000")) == "1000000" and str(check_rate("0.0001")) == "0.0001"
    for bad in ("1e30", "1e309", "inf", "-inf", "nan", "snan", "-1", "0.00001", "1000000.5"):
        with pytest.raises(ValidationError):
            check_rate(bad)


# ---------------------------------------------------------------- recurrence rules under hypothesis

WEEKDAY = st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])


def _numbers(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(st.integers(low, high), min_size=1, max_size=4).map(lambda xs: ",".join(map(str, xs)))


PART = st.one_of(
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "MINUTELY", "SECONDLY"]).map("FREQ={}".format),
    st.integers(-2, 1100).map("INTERVAL={}".format),
    st.integers(-1, 1100).map("COUNT={}".format),
    st.dates(date(1960, 1, 1), date(2300, 1, 1)).map(lambda day: f"UNTIL={day:%Y%m%d}"),
    st.lists(st.tuples(st.sampled_from(["", "1", "-1", "2", "5", "53", "+3"]), WEEKDAY), min_size=1, max_size=3).map(
        lambda days: "BYDAY=" + ",".join(n + d for n, d in days)
    ),
    _numbers(-1, 13).map("BYMONTH={}".format),
    _numbers(-32, 32).map("BYMONTHDAY={}".format),
    _numbers(-367, 367).map("BYYEARDAY={}".format),
    _numbers(-54, 54).map("BYWEEKNO={}".format),
    _numbers(-400, 400).map("BYSETPOS={}".format),
    WEEKDAY.map("WKST={}".format),
    st.sampled_from(["BYHOUR=1,2", "BYMINUTE=5", "BYSECOND=0", "BYEASTER=0", "X=1", ""]),
)
RULES = st.tuples(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]), st.lists(PART, max_size=4)).map(
    lambda pair: ";".join([f"FREQ={pair[0]}", *pair[1]])
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=RULES | st.text(max_size=40),
    first=st.dates(date(1970, 1, 1), date(2200, 12, 31)),
    week=st.dates(date(1970, 1, 1), date(2200, 12, 31)),
)
def test_any_rule_is_refused_or_expands_any_week_quickly_at_most_once_a_day(rule, first, week):
    started = time.perf_counter()
    try:
        text = check_rrule(rule, first)
    except ValidationError as error:
        assert "\n" not in str(error)
    else:
        monday = week - timedelta(days=week.weekday())
        days = expand_rrule(text, first, monday, monday + timedelta(days=6))
        assert len(days) == len(set(days)) <= 7
        assert all(max(monday, first) <= day <= monday + timedelta(days=6) for day in days)
        # expanding from a later restart (the speed-up) finds exactly what dateutil finds walking from the start
        lo, hi = max(monday, first), min(monday + timedelta(days=6), date(2200, 12, 31))
        if lo <= hi and (lo - first).days < 30 * 366:  # walking further takes a while, which is why it restarts
            walked = _rrule(text, first).between(datetime(lo.year, lo.month, lo.day),
                                                 datetime(hi.year, hi.month, hi.day), inc=True)  # fmt: skip
            assert days == [moment.date() for moment in walked]
    assert time.perf_counter() - started < 3  # a rule that never happens is found out in well under a second
