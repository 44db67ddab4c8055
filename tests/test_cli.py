"""The command line as scripts use it: separate processes, exit codes, one-line errors, JSON shapes."""

import json
import subprocess
import sys

import pytest

from tests.helpers import assert_bad_input, snapshot_files


def setup_people(cli):
    assert cli("job", "add", "acme-corp", "--hours", "32", "--window", "mon-fri 09:00-17:00", "--rate", "60").code == 0
    assert (
        cli(
            "client",
            "add",
            "globex",
            "--rate",
            "95",
            "--currency",
            "usd",
            "--cap",
            "10",
            "--budget",
            "40",
            "--deadline",
            "2026-12-20",
            "--round",
            "15",
        ).code
        == 0
    )


def test_engagements_listed_as_json_with_every_field(cli):
    setup_people(cli)
    assert cli("client", "add", "initech", "--one-off").code == 0
    items = json.loads(cli("list", "--json").out)
    assert [item["name"] for item in items] == ["acme-corp", "globex", "initech"]
    globex = items[1]
    assert globex == {
        "id": 2,
        "name": "globex",
        "kind": "outbound",
        "rate": 95.0,
        "currency": "USD",
        "round_minutes": 15,
        "round_mode": "up",
        "hours": None,
        "window": None,
        "cap": 10.0,
        "budget": 40.0,
        "deadline": "2026-12-20",
        "one_off": False,
        "start": None,
        "added": "2026-11-25",
        "remind_before": None,
        "model": "hourly",
        "fee": None,
        "covers": None,
        "overage": None,
        "carry": False,
        "salary": None,
        "per": "month",
        "done": None,
        "archived": False,
        "colour": globex["colour"],
        "changes": [],
        "pricing": None,
    }
    assert items[0]["window"] == "mon-fri 09:00-17:00" and items[0]["hours"] == 32.0
    assert items[0]["model"] == "wage"  # a job without a salary is paid its rate by the hour
    table = cli("list").out
    assert "acme-corp" in table and "32 h/week, mon-fri 09:00-17:00" in table and "one-off" in table


def test_edit_archive_and_unarchive(cli):
    setup_people(cli)
    assert cli("edit", "GLOBEX", "--cap", "none", "--rate", "100", "--name", "Globex Inc").code == 0
    globex = json.loads(cli("list", "--json").out)[1]
    assert globex["name"] == "Globex Inc" and globex["cap"] is None and globex["rate"] == 100.0
    assert cli("archive", "globex inc").code == 0
    assert [item["name"] for item in json.loads(cli("list", "--json").out)] == ["acme-corp"]
    assert len(json.loads(cli("list", "--all", "--json").out)) == 2
    assert_bad_input(cli("start", "Globex Inc"), "archived")
    assert cli("unarchive", "Globex Inc").code == 0
    assert cli("start", "Globex Inc").code == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["job", "add", "x", "--hours", "40", "--window", "mon-fri 17:00-09:00"], "before it starts"),
        (["job", "add", "x"], "--hours"),
        (["client", "add", "y", "--rate", "-3"], "zero or more"),
        (["client", "add", "ACME-corp"], "exists already"),
        (["log", "add", "nobody", "--start", "09:00", "--end", "10:00"], "no engagement named 'nobody'"),
        (["log", "add", "globex", "--start", "2026-11-24 10:00", "--end", "2026-11-24 09:00"], "ends before it starts"),
        (["log", "add", "globex", "--start", "2026-11-32 10:00", "--end", "11:00"], "not a date"),
        (
            ["plan", "add", "globex", "--date", "2026-11-24", "--start", "10:00", "--end", "10:00"],
            "ends when it starts",
        ),
        (
            [
                "plan",
                "add",
                "globex",
                "--date",
                "2026-11-24",
                "--start",
                "10:00",
                "--end",
                "11:00",
                "--repeat",
                "FREQ=X",
            ],
            "RRULE",
        ),
        (["report", "--week", "2026-W99"], "no week 99"),
        (["log", "list", "--from", "2026-11-30", "--to", "2026-11-01"], "swap them"),
        (["frobnicate"], "invalid choice"),
        (["stop"], "no timer is running"),
        (["log", "rm", "99"], "no log entry with id 99"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(cli, data_dir, args, words):
    setup_people(cli)
    before = snapshot_files(data_dir)
    assert_bad_input(cli(*args), words)
    assert snapshot_files(data_dir) == before


def test_timer_start_switch_stop_status(cli):
    setup_people(cli)
    assert json.loads(cli("status", "--json").out) == {"running": False}
    started = cli("start", "acme-corp", "--at", "09:00", "--tag", "standup")
    assert started.code == 0 and "Started acme-corp at 09:00" in started.out
    status = json.loads(cli("status", "--json").out)
    assert status["running"] is True and status["engagement"] == "acme-corp" and status["hours"] == 1.0
    assert status["start"] == "2026-11-25T09:00:00+01:00" and status["tags"] == ["standup"]
    assert_bad_input(cli("start", "globex"), "a timer already runs for acme-corp since 2026-11-25 09:00")
    switched = cli("start", "globex", "--switch", "--at", "09:30")
    assert switched.code == 0 and "Stopped acme-corp after 0:30" in switched.out
    assert cli("stop", "--at", "09:50", "--note", "call").code == 0
    entries = json.loads(cli("log", "list", "--json").out)
    assert [(item["engagement"], item["hours"], item["note"]) for item in entries] == [
        ("acme-corp", 0.5, ""),
        ("globex", 0.3333, "call"),
    ]
    assert_bad_input(cli("start", "globex", "--at", "11:00"), "in the future")


def test_log_add_overlap_edit_rm(cli):
    setup_people(cli)
    assert (
        cli(
            "log",
            "add",
            "globex",
            "--start",
            "2026-11-24 18:00",
            "--end",
            "2026-11-24 20:00",
            "--tag",
            "dev",
            "--note",
            "api",
        ).code
        == 0
    )
    assert_bad_input(
        cli("log", "add", "acme-corp", "--start", "2026-11-24 19:00", "--end", "2026-11-24 21:00"),
        "overlaps log 1 (globex, 2026-11-24 18:00 to 2026-11-24 20:00)",
    )
    assert cli("log", "edit", "1", "--end", "2026-11-24 20:30", "--no-billable", "--tag", "review").code == 0
    [item] = json.loads(cli("log", "list", "--week", "2026-W48", "--json").out)
    assert item["end"] == "2026-11-24T20:30:00+01:00" and item["billable"] is False and item["tags"] == ["review"]
    assert cli("log", "rm", "1").code == 0
    assert json.loads(cli("log", "list", "--json").out) == []


def test_plan_with_recurrence(cli):
    setup_people(cli)
    assert (
        cli(
            "plan",
            "add",
            "acme-corp",
            "--date",
            "2026-11-02",
            "--start",
            "09:00",
            "--end",
            "17:00",
            "--repeat",
            "FREQ=WEEKLY;BYDAY=MO,WE",
            "--title",
            "office",
        ).code
        == 0
    )
    assert cli("plan", "add", "globex", "--date", "2026-11-24", "--start", "18:00", "--end", "20:00").code == 0
    items = json.loads(cli("plan", "list", "--week", "2026-11-25", "--json").out)
    assert [(item["id"], item["date"], item["series"]) for item in items] == [
        (1, "2026-11-23", True),
        (2, "2026-11-24", False),
        (1, "2026-11-25", True),
    ]
    assert items[0]["repeat"] == "FREQ=WEEKLY;BYDAY=MO,WE" and items[0]["hours"] == 8.0
    assert cli("plan", "rm", "1", "--date", "2026-11-25").code == 0
    assert len(json.loads(cli("plan", "list", "--json").out)) == 2
    assert cli("plan", "rm", "1").code == 0
    assert [item["id"] for item in json.loads(cli("plan", "list", "--json").out)] == [2]


def test_report_json_and_table(cli):
    setup_people(cli)
    for start, end, name in [
        ("2026-11-23 09:00", "2026-11-23 17:00", "acme-corp"),
        ("2026-11-23 18:00", "2026-11-23 20:00", "globex"),
        ("2026-11-29 23:00", "2026-11-30 01:00", "globex"),  # Sunday night into next week: 1 h counts
    ]:
        assert cli("log", "add", name, "--start", start, "--end", end, now="2026-12-01T09:00:00+01:00").code == 0
    report = json.loads(cli("report", "--week", "2026-W48", "--json").out)
    assert report["from"] == "2026-11-23" and report["to"] == "2026-11-29"
    assert report["inbound_hours"] == 8.0 and report["outbound_hours"] == 3.0
    assert report["outbound_share"] == round(3 / 11, 4)
    keys = ("name", "kind", "hours", "billable_hours", "amount", "currency", "seconds", "billed_seconds")
    assert [{key: item[key] for key in keys} for item in report["engagements"]] == [
        {
            "name": "acme-corp",
            "kind": "inbound",
            "hours": 8.0,
            "billable_hours": 8.0,
            "amount": 480.0,
            "currency": "EUR",
            "seconds": 8 * 3600,
            "billed_seconds": 8 * 3600,
        },
        {
            "name": "globex",
            "kind": "outbound",
            "hours": 3.0,
            "billable_hours": 3.0,
            "amount": 285.0,
            "currency": "USD",
            "seconds": 3 * 3600,
            "billed_seconds": 3 * 3600,
        },
    ]
    assert report["days"] == [
        {"date": "2026-11-23", "inbound_hours": 8.0, "outbound_hours": 2.0},
        {"date": "2026-11-29", "inbound_hours": 0.0, "outbound_hours": 1.0},  # only its part before midnight
    ]
    month = json.loads(cli("report", "--month", "2026-11", "--json").out)
    assert month["outbound_hours"] == 4.0 and month["to"] == "2026-11-30"  # 30 November is November
    table = cli("report").out
    assert "outbound share 27.3 %" in table and "480.00 EUR" in table


def test_dst_week_adds_up_to_the_minute(cli):
    setup_people(cli)
    # 2026-10-25: Berlin's clocks go back at 03:00; 00:30 → 04:30 on the wall is five real hours.
    assert cli("log", "add", "globex", "--start", "2026-10-25 00:30", "--end", "2026-10-25 04:30").code == 0
    report = json.loads(cli("report", "--from", "2026-10-25", "--to", "2026-10-25", "--json").out)
    assert report["outbound_hours"] == 5.0


def test_corrupt_data_stops_every_command_with_one_line(cli, data_dir):
    setup_people(cli)
    main = data_dir / "planner.json"
    main.write_text('{"not": "planner"}')
    for args in (["list"], ["status"], ["start", "globex"], ["report"]):
        result = cli(*args)
        assert_bad_input(result, "is not a planner data file")
        assert str(main) in result.err
    assert main.read_text() == '{"not": "planner"}'


def test_the_board_without_a_terminal_says_so_in_one_line(cli):
    assert_bad_input(cli(), "the board needs a terminal")
    assert_bad_input(cli("demo"), "the board needs a terminal")


def test_cli_does_not_import_textual():
    code = "import sys, planner.cli; sys.exit('textual' in sys.modules or 'planner_widgets' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_board_settings(cli):
    person = {
        "name": "",
        "email": "",
        "task": "General",
        "currency": "EUR",
        "theme": "textual-dark",
        "remind_before": 5,
        "quiet_hours": None,
        "reminders_off": [],
    }
    shown = json.loads(cli("settings", "show", "--json").out)
    assert shown == {"day_start": "07:00", "day_end": "21:00", "slot": 30, **person}
    assert cli("settings", "set", "--day-start", "06:00", "--slot", "15").code == 0
    shown = json.loads(cli("settings", "show", "--json").out)
    assert shown == {"day_start": "06:00", "day_end": "21:00", "slot": 15, **person}
    assert cli("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com").code == 0
    shown = json.loads(cli("settings", "show", "--json").out)
    assert shown["name"] == "Jane Doe" and shown["email"] == "jane@example.com" and shown["slot"] == 15
    assert_bad_input(cli("settings", "set", "--email", "jane"), "not an e-mail address")
    assert_bad_input(cli("settings", "set", "--slot", "7"), "not offered")
    assert_bad_input(cli("settings", "set", "--day-end", "05:00"), "before it starts")


def test_terms_change_from_a_date_and_earlier_weeks_keep_theirs(cli):
    setup_people(cli)
    later = "2026-12-02T09:00:00+01:00"  # logged time has happened
    assert (
        cli("log", "add", "acme-corp", "--start", "2026-11-30 09:00", "--end", "2026-11-30 11:00", now=later).code == 0
    )
    assert (
        cli("log", "add", "acme-corp", "--start", "2026-12-01 09:00", "--end", "2026-12-01 11:00", now=later).code == 0
    )
    changed = cli("edit", "acme-corp", "--rate", "70", "--hours", "30", "--from", "2026-12-01")
    assert changed.code == 0, changed.err
    [acme] = [item for item in json.loads(cli("list", "--json").out) if item["name"] == "acme-corp"]
    assert acme["rate"] == 60.0 and acme["changes"] == [{"from": "2026-12-01", "rate": 70.0, "hours": 30.0}]
    report = json.loads(cli("report", "--from", "2026-11-30", "--to", "2026-12-01", "--json").out)
    assert report["engagements"][0]["amount"] == 2 * 60 + 2 * 70
    assert_bad_input(cli("edit", "acme-corp", "--name", "x", "--from", "2026-12-01"), "--from dates changes")
    assert_bad_input(cli("edit", "acme-corp", "--window", "mon 17:00-09:00", "--from", "2026-12-01"), "before it")


def test_boundaries_show_and_set(cli):
    shown = json.loads(cli("boundaries", "show", "--json").out)
    assert shown["protect_windows"] is True and shown["concentration"] == 83.0 and shown["max_week"] is None
    assert (
        cli(
            "boundaries",
            "set",
            "--max-week",
            "45",
            "--outbound-share",
            "30",
            "--tolerance",
            "10",
            "--days-off",
            "sat,sun",
            "--latest",
            "21:00",
            "--no-protect-windows",
            "--min-rest",
            "11",
        ).code
        == 0
    )
    shown = json.loads(cli("boundaries", "show", "--json").out)
    assert (shown["max_week"], shown["outbound_share"], shown["days_off"], shown["latest"]) == (
        45.0,
        30.0,
        ["sat", "sun"],
        "21:00",
    )
    assert shown["protect_windows"] is False and shown["min_rest"] == 11.0
    assert cli("boundaries", "set", "--max-week", "none", "--days-off", "none").code == 0
    shown = json.loads(cli("boundaries", "show", "--json").out)
    assert shown["max_week"] is None and shown["days_off"] == []
    assert_bad_input(cli("boundaries", "set", "--days-off", "funday"), "not a day")
    assert_bad_input(cli("boundaries", "set", "--outbound-share", "130"), "at most 100 percent")
    assert_bad_input(cli("boundaries", "set"), "nothing to change")


def test_check_exit_codes_and_json(cli):
    setup_people(cli)  # acme-corp: 32 h a week in mon-fri 09:00-17:00
    assert cli("edit", "globex", "--deadline", "none").code == 0  # else its 40 h budget due in December warns
    for day in range(23, 28):
        assert (
            cli("plan", "add", "acme-corp", "--date", f"2026-11-{day}", "--start", "09:00", "--end", "16:00").code == 0
        )
    week_over = "2026-11-30T09:00:00+01:00"
    for day in range(23, 28):
        logged = cli("log", "add", "acme-corp", "--start", f"2026-11-{day} 09:00", "--end", f"2026-11-{day} 16:00",
                     now=week_over)  # fmt: skip
        assert logged.code == 0
    clean = cli("check", "--week", "2026-W48", now=week_over)
    assert clean.code == 0 and "within your boundaries" in clean.out
    assert json.loads(cli("check", "--week", "2026-W48", "--json", now=week_over).out) == {
        "week": "2026-W48",
        "warnings": [],
    }
    assert cli("plan", "add", "globex", "--date", "2026-11-24", "--start", "15:00", "--end", "17:00").code == 0
    flagged = cli("check", "--week", "2026-W48", "--json", now=week_over)
    assert flagged.code == 1
    report = json.loads(flagged.out)
    assert report["week"] == "2026-W48"
    [intrusion] = [w for w in report["warnings"] if w["code"] == "window-intrusion"]
    assert intrusion == {
        "code": "window-intrusion",
        "severity": "breach",
        "basis": "plan",
        "subject": "globex",
        "message": "globex: 120 min planned on Tue 24 Nov inside acme-corp's working window.",
        "date": "2026-11-24",
        "minutes": 120,
        "jobs": ["acme-corp"],
    }
    assert_bad_input(cli("check", "--week", "W48"), "not a week")


def test_overtime_account_carries_the_balance_with_the_terms_of_each_week(cli):
    assert cli("job", "add", "acme", "--hours", "10", "--window", "mon-fri 09:00-17:00").code == 0
    for day in (9, 10, 11):  # W46: 12 h against 10
        assert (
            cli("log", "add", "acme", "--start", f"2026-11-{day:02d} 09:00", "--end", f"2026-11-{day:02d} 13:00").code
            == 0
        )
    assert cli("log", "add", "acme", "--start", "2026-11-16 09:00", "--end", "2026-11-16 15:00").code == 0  # W47: 6 h
    assert cli("edit", "acme", "--hours", "5", "--from", "2026-11-16").code == 0  # from W47 on, 5 h a week
    result = cli("report", "--overtime", "--json", now="2026-11-22T20:00:00+01:00")
    assert result.code == 0, result.err
    [job] = json.loads(result.out)["jobs"]
    assert job["name"] == "acme" and job["balance_hours"] == 3.0
    assert [(w["week"], w["logged_hours"], w["contracted_hours"], w["balance_hours"]) for w in job["weeks"]] == [
        ("2026-W46", 12.0, 10.0, 2.0),
        ("2026-W47", 6.0, 5.0, 3.0),
    ]
    table = cli("report", "--overtime", now="2026-11-22T20:00:00+01:00").out
    assert "acme: +3.00 h overtime" in table
    assert_bad_input(cli("report", "--since", "2026-11-01"), "--since goes with --overtime")


def test_settings_set_keeps_nothing_when_one_value_is_bad(cli, data_dir):
    """Found while moving the checks to the core: `--name` was stored before a bad `--slot` was refused."""
    assert cli("settings", "set", "--name", "Jane").code == 0
    before = snapshot_files(data_dir)
    result = cli("settings", "set", "--name", "Someone Else", "--slot", "7")
    assert_bad_input(result, "a row of 7 minutes is not offered")
    assert snapshot_files(data_dir) == before


def test_trial_findings_on_boundaries_and_paste_wording(cli):
    """Trial findings: a percentage out of range was worded in hours; a tolerance wider than the target's distance
    to 0 % showed the band as '-5–55%' on the board while the warnings read 0–55 %."""
    result = cli("boundaries", "set", "--tolerance", "-1")
    assert_bad_input(result, "--tolerance -1 is out of range; give 0 and at most 100 percent")
    assert_bad_input(cli("boundaries", "set", "--concentration", "1e9"), "at most 100 percent")


def test_tables_line_up_names_in_wide_scripts(cli):
    """Trial finding: `list`, `report`, `plan list` and `log list` padded by characters, so 東京商事 pushed its row
    four cells out of line."""
    assert cli("client", "add", "東京商事").code == 0
    assert cli("client", "add", "globex2").code == 0
    lines = [line for line in cli("list").out.splitlines() if "outbound" in line]
    assert (
        len(
            {
                line.index("outbound") + sum(1 for char in line[: line.index("outbound")] if ord(char) > 0x2E80)
                for line in lines
            }
        )
        == 1
    )


def test_report_chart_bars_line_up_after_wide_names(cli):
    """Second trial: with --chart, the bar of 東京商事 started four cells right of globex's."""
    for name, day in (("東京商事", "2026-11-24"), ("globex", "2026-11-23")):
        assert cli("client", "add", name).code == 0
        assert cli("log", "add", name, "--start", f"{day} 09:00", "--end", f"{day} 10:00").code == 0
    out = cli("report", "--by", "engagement", "--chart").out
    bars = [line for line in out.splitlines() if "░" in line and ("東京商事" in line or "globex" in line)]
    starts = {sum(2 if ord(char) > 0x2E80 else 1 for char in line[: line.index("░")]) for line in bars}
    assert len(bars) == 2 and len(starts) == 1


def test_a_past_deadline_is_kept_with_one_warning_line(cli):
    """Issue 14: a deadline in the past is accepted at input only with a warning line."""
    added = cli("client", "add", "late", "--budget", "10", "--deadline", "2026-11-20")
    assert added.code == 0 and added.err.startswith("warning: the deadline 2026-11-20 of late has passed")
    assert len(added.err.strip().splitlines()) == 1
    edited = cli("edit", "late", "--deadline", "2026-11-21")
    assert edited.code == 0 and "has passed" in edited.err
    assert cli("edit", "late", "--deadline", "2026-12-21").err == ""
    codes = {item["code"] for item in json.loads(cli("check", "--json").out)["warnings"]}
    assert "deadline-missed" not in codes and "deadline-risk" in codes  # 10 h left, none planned, not yet missed


def test_deadline_near_and_concentration_min_refuse_bad_values(cli, data_dir):
    assert cli("boundaries", "show").code == 0
    before = snapshot_files(data_dir)
    assert_bad_input(cli("boundaries", "set", "--deadline-near", "abc"), "'abc' is not a number of days, e.g. 7")
    assert_bad_input(cli("boundaries", "set", "--deadline-near", "2.5"), "takes whole days")
    assert_bad_input(cli("boundaries", "set", "--concentration-min", "-3"), "out of range")
    assert snapshot_files(data_dir) == before


def test_planned_time_of_one_engagement_cannot_overlap_itself(cli, data_dir):
    """Issue 14: overlapping blocks of the same engagement were accepted and counted twice (21 h planned, not 20)."""
    assert cli("job", "add", "acme", "--hours", "20").code == 0
    assert cli("client", "add", "globex").code == 0
    first = cli("plan", "add", "acme", "--date", "2026-11-23", "--start", "09:00", "--end", "13:00",
                "--repeat", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "--title", "core \x1b[31mhours")  # fmt: skip
    assert first.code == 0
    before = snapshot_files(data_dir)
    result = cli("plan", "add", "acme", "--date", "2026-11-24", "--start", "12:00", "--end", "13:00")
    assert_bad_input(result, "overlaps series 1 'core \\x1b[31mhours' of acme on Tue 24 Nov 2026 09:00-13:00")
    result = cli("plan", "add", "acme", "--date", "2026-12-01", "--start", "08:00", "--end", "10:00",
                 "--repeat", "FREQ=WEEKLY;BYDAY=TU")  # fmt: skip
    assert_bad_input(result, "overlaps series 1")
    assert snapshot_files(data_dir) == before
    assert cli("plan", "add", "globex", "--date", "2026-11-24", "--start", "12:00", "--end", "13:00").code == 0
    assert cli("plan", "add", "acme", "--date", "2026-11-24", "--start", "13:00", "--end", "14:00").code == 0
    checked = json.loads(cli("check", "--week", "2026-W48", "--json").out)
    assert "double-booked" in {finding["code"] for finding in checked["warnings"]}


def test_the_overtime_account_counts_from_the_jobs_start(cli):
    """Issue 14: one imported October entry charged four empty weeks at 32 h each (-128.25 h)."""
    assert cli("job", "add", "acme", "--hours", "32").code == 0
    assert cli("log", "add", "acme", "--start", "2026-10-20 09:00", "--end", "2026-10-20 09:45").code == 0
    for day in (16, 17, 18, 19):  # W47: 32 h
        assert cli("log", "add", "acme", "--start", f"2026-11-{day} 09:00", "--end", f"2026-11-{day} 17:00").code == 0
    late = "2026-11-22T20:00:00+01:00"
    before = json.loads(cli("report", "--overtime", "--json", now=late).out)["jobs"][0]
    assert before["since"] == "2026-10-20" and before["balance_hours"] == -120.85  # Tue-Fri of its first week due
    text = cli("report", "--overtime", now=late).out
    assert "counted from 2026-10-20 (its first logged entry)" in text
    assert "note: 3 weeks after the first entry in 2026-W43 had nothing logged and count -96.00 h" in text
    assert cli("job", "edit", "acme", "--start", "2026-11-16").code == 0
    after = json.loads(cli("report", "--overtime", "--json", now=late).out)["jobs"][0]
    assert (after["since"], after["balance_hours"]) == ("2026-11-16", 0.0)
    assert [w["week"] for w in after["weeks"]] == ["2026-W47"]
    assert "counted from 2026-11-16 (its start)" in cli("report", "--overtime", now=late).out
    assert_bad_input(cli("client", "add", "globex", "--start", "2026-13-16"), "2026-13-16")
    assert_bad_input(cli("job", "edit", "acme", "--start", "2026-13-01"), "2026-13-01")
    assert_bad_input(cli("client", "edit", "acme", "--cap", "3"), "acme is a job, not a client")


def test_a_job_with_nothing_logged_counts_from_its_start(cli):
    assert cli("job", "add", "acme", "--hours", "10", "--start", "2026-11-16").code == 0
    [job] = json.loads(cli("report", "--overtime", "--json").out)["jobs"]
    assert job["since"] == "2026-11-16" and job["balance_hours"] < -10  # W47 owed in full, W48 pro rata


def test_report_overtime_honours_the_range(cli):
    """Issue 14: report --overtime ignored --week/--month/--from/--to."""
    assert cli("job", "add", "acme", "--hours", "10").code == 0
    for day in ("2026-11-02", "2026-11-09", "2026-11-16"):  # 8 h a week against 10: -2 each week
        assert cli("log", "add", "acme", "--start", f"{day} 09:00", "--end", f"{day} 17:00").code == 0
    late = "2026-11-22T20:00:00+01:00"
    week = json.loads(cli("report", "--overtime", "--week", "2026-W46", "--json", now=late).out)
    [job] = week["jobs"]
    assert week["range"] == "2026-W46" and job["brought_forward_hours"] == -2.0 and job["balance_hours"] == -4.0
    assert [w["week"] for w in job["weeks"]] == ["2026-W46"]
    month = json.loads(cli("report", "--overtime", "--month", "2026-11", "--json", now=late).out)["jobs"][0]
    assert [w["week"] for w in month["weeks"]] == ["2026-W45", "2026-W46", "2026-W47"]
    text = cli("report", "--overtime", "--from", "2026-11-09", "--to", "2026-11-15", now=late).out
    assert "acme: -4.00 h overtime by the end of 2026-11-15" in text and "brought forward: -2.00 h" in text
    assert "No week of the account falls in 2026-10" in cli("report", "--overtime", "--month", "2026-10", now=late).out
    for empty in (["--week", ""], ["--since", ""]):  # trial finding: an empty value was taken as no option
        assert_bad_input(cli("report", "--overtime", *empty, now=late), "")
    assert_bad_input(cli("check", "--week", ""), "an empty week")


def test_an_overtime_start_midweek_counts_from_that_day(cli):
    """Trial finding: --start on a Thursday counted that week's Monday to Wednesday too."""
    assert cli("job", "add", "acme", "--hours", "10").code == 0
    for day in (16, 17, 18, 19, 20):  # 2 h a day in W47
        assert cli("log", "add", "acme", "--start", f"2026-11-{day} 09:00", "--end", f"2026-11-{day} 11:00").code == 0
    assert cli("job", "edit", "acme", "--start", "2026-11-19").code == 0
    [job] = json.loads(cli("report", "--overtime", "--json", now="2026-11-22T20:00:00+01:00").out)["jobs"]
    assert [(w["logged_hours"], w["contracted_hours"]) for w in job["weeks"]] == [(4.0, 4.0)]  # Thu and Fri
    result = cli("job", "edit", "acme", "--start", "2027-01-04")
    assert result.code == 0 and result.err.startswith("warning: the overtime account of acme starts on 2027-01-04")
