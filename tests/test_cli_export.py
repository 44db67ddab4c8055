"""`planner export`, `lock` and the report's new views as scripts use them: separate processes, files, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import re

from tests.helpers import assert_bad_input, snapshot_files


def setup_week(cli):
    assert cli("job", "add", "acme-corp", "--hours", "32", "--rate", "60", "--round", "15").code == 0
    assert cli("client", "add", "globex", "--rate", "95", "--round", "6", "--round-mode", "nearest").code == 0
    assert cli("settings", "set", "--name", "Jane Doe", "--email", "jane@example.com").code == 0
    for name, start, end in [
        ("acme-corp", "2026-11-23 09:00", "2026-11-23 12:07"),
        ("globex", "2026-11-23 18:00", "2026-11-23 19:02"),
        ("globex", "2026-11-16 18:00", "2026-11-16 19:00"),
    ]:
        assert cli("log", "add", name, "--start", start, "--end", end, "--note", "=1+1").code == 0, name


def test_export_writes_stdout_by_default_and_a_file_with_o(cli, tmp_path):
    setup_week(cli)
    shown = cli("export", "--format", "csv")
    assert shown.code == 0, shown.err
    rows = list(csv.DictReader(io.StringIO(shown.out)))
    assert [(row["engagement"], row["billed_hours"], row["note"]) for row in rows] == [
        ("acme-corp", "3.25", "'=1+1"),
        ("globex", "1.00", "'=1+1"),
    ]
    target = tmp_path / "out" / "globex.json"
    target.parent.mkdir()
    written = cli("export", "--week", "2026-W48", "--engagement", "globex", "--format", "json", "-o", str(target))
    assert written.code == 0 and written.out == "" and "Wrote 1 entry" in written.err
    data = json.loads(target.read_text())
    assert data["party"] == "globex" and data["totals"]["billed_hours"] == 1.0
    assert [name for name in os.listdir(target.parent)] == ["globex.json"]


def test_export_ranges_and_sides(cli):
    setup_week(cli)
    month = json.loads(cli("export", "--month", "2026-11", "--format", "json", "--side", "outbound").out)
    assert [entry["date"] for entry in month["entries"]] == ["2026-11-16", "2026-11-23"]
    ranged = json.loads(cli("export", "--from", "2026-11-16", "--to", "2026-11-22", "--format", "json").out)
    assert [entry["engagement"] for entry in ranged["entries"]] == ["globex"]


def test_export_ics_of_the_plan(cli):
    setup_week(cli)
    assert cli("plan", "add", "acme-corp", "--date", "2026-11-23", "--start", "09:00", "--end", "12:00").code == 0
    result = cli("export", "--format", "ics")
    assert result.code == 0 and "DTSTART;TZID=Europe/Berlin" in result.out
    assert re.search(r"^UID:[0-9a-f]{16}-block-1@planner\r?$", result.out, re.M)


def test_export_refuses_bad_input_with_one_line(cli, data_dir, tmp_path):
    setup_week(cli)
    before = snapshot_files(data_dir)
    assert_bad_input(cli("export", "--format", "pdf"), "format 'pdf' is unknown")
    assert_bad_input(cli("export", "--format", "csv", "--engagement", "nobody"), "no engagement named 'nobody'")
    assert_bad_input(cli("export", "--format", "csv", "--week", "2026-W99"), "2026-W99")
    assert_bad_input(cli("export", "--format", "csv", "-o", str(tmp_path)), "is a folder")
    assert_bad_input(cli("export", "--format", "csv", "-o", str(tmp_path / "no" / "x.csv")), "cannot write")
    assert_bad_input(cli("export", "--format", "csv", "--side", "sideways"), "invalid choice")
    assert snapshot_files(data_dir) == before


def test_lock_and_unlock_a_sent_week(cli, data_dir):
    setup_week(cli)
    assert cli("lock", "--week", "2026-W48", "--engagement", "globex").code == 0
    [listed] = json.loads(cli("lock", "--list", "--json").out)
    assert {key: listed[key] for key in ("week", "monday", "engagement", "frozen", "changed_since")} == {
        "week": "2026-W48",
        "monday": "2026-11-23",
        "engagement": "globex",
        "frozen": True,
        "changed_since": False,
    }
    assert [total["engagement"] for total in listed["totals"]] == ["globex"]
    before = snapshot_files(data_dir)
    refused = cli("log", "add", "globex", "--start", "2026-11-24 18:00", "--end", "2026-11-24 19:00")
    assert_bad_input(refused, "unlock it with 'planner unlock --week 2026-W48 --engagement globex'")
    assert_bad_input(cli("log", "rm", "2"), "2026-W48 for globex is locked")
    assert snapshot_files(data_dir) == before
    assert cli("log", "add", "acme-corp", "--start", "2026-11-24 09:00", "--end", "2026-11-24 10:00").code == 0
    assert_bad_input(cli("lock"), "say which week to lock")
    assert cli("unlock", "--week", "2026-11-25", "--engagement", "globex").code == 0
    assert cli("log", "rm", "2").code == 0


def test_report_by_day_engagement_side_and_tag(cli):
    setup_week(cli)
    assert cli("log", "add", "globex", "--start", "2026-11-24 23:00", "--end", "2026-11-25 01:00", "--tag", "ops",
               "--tag", "night").code == 0  # fmt: skip

    def groups(by):
        data = json.loads(cli("report", "--by", by, "--json").out)
        assert data["by"] == by
        return {group["key"]: (group["inbound_hours"], group["outbound_hours"]) for group in data["groups"]}

    assert groups("day") == {
        "2026-11-23": (3.1167, 1.0333), "2026-11-24": (0.0, 1.0), "2026-11-25": (0.0, 1.0),
    }  # fmt: skip
    assert groups("engagement") == {"globex": (0.0, 3.0333), "acme-corp": (3.1167, 0.0)}
    assert groups("side") == {"inbound": (3.1167, 0.0), "outbound": (0.0, 3.0333)}
    assert groups("tag") == {"(no tag)": (3.1167, 1.0333), "ops": (0.0, 2.0), "night": (0.0, 2.0)}
    chart = cli("report", "--by", "engagement", "--chart")
    assert chart.code == 0
    lines = chart.out.splitlines()
    acme = next(line for line in lines if line.startswith("acme-corp"))
    globex = next(line for line in lines if line.startswith("globex"))
    assert acme.count("█") > globex.count("░") > 0 and "░" not in acme and "█" not in globex
    assert_bad_input(cli("report", "--by", "week"), "invalid choice")
    assert_bad_input(cli("report", "--overtime", "--chart"), "not with --overtime")


def test_export_never_replaces_a_file_silently(cli, tmp_path):
    setup_week(cli)
    target = tmp_path / "sent.csv"
    target.write_text("the sheet I sent")
    assert_bad_input(cli("export", "--format", "csv", "-o", str(target)), "exists already; give --force")
    assert target.read_text() == "the sheet I sent"
    assert cli("export", "--format", "csv", "-o", str(target), "--force").code == 0
    assert target.read_text().startswith("date,start,end")
    assert_bad_input(cli("export", "--format", "csv", "--decimal"), "--decimal goes with --format md or html")
    decimal = cli("export", "--format", "md", "--decimal")
    assert decimal.code == 0 and "Hours are decimal" in decimal.out
