"""Weeks with a DST change, in Europe/Berlin and America/New_York (via TZ): entries across the change and across
midnight count their real hours, per day and in total, to the minute, in the log, the report and the timesheet."""

from __future__ import annotations

import json

import pytest

ZONES = [
    ("Europe/Berlin", "2026-03-29", "2026-10-25"),
    ("America/New_York", "2026-03-08", "2026-11-01"),
]


def previous(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


@pytest.mark.parametrize(("tz", "spring", "autumn"), ZONES, ids=[zone for zone, _, _ in ZONES])
def test_hours_across_the_changes_are_real(cli, tz, spring, autumn):
    run = lambda *args: cli(*args, tz=tz, now=f"{autumn}T12:00:00+00:00")  # noqa: E731
    assert run("client", "add", "globex").code == 0
    entries = [
        (f"{previous(spring)} 23:00", f"{spring} 01:30"),  # across midnight: 1 h and 1.5 h
        (f"{spring} 01:45", f"{spring} 04:00"),  # across the lost hour: 1.25 h of real time
        (f"{previous(autumn)} 22:00", f"{autumn} 00:30"),  # across midnight: 2 h and 0.5 h
        (f"{autumn} 00:30", f"{autumn} 04:00"),  # across the repeated hour: 4.5 h of real time
    ]
    for start, end in entries:
        added = run("log", "add", "globex", "--start", start, "--end", end)
        assert added.code == 0, added.err
    spring_days = json.loads(run("report", "--from", previous(spring), "--to", spring, "--json").out)
    assert {day["date"]: day["outbound_hours"] for day in spring_days["days"]} == {previous(spring): 1.0, spring: 2.75}
    autumn_days = json.loads(run("report", "--from", previous(autumn), "--to", autumn, "--json").out)
    assert {day["date"]: day["outbound_hours"] for day in autumn_days["days"]} == {previous(autumn): 2.0, autumn: 5.0}
    year = json.loads(run("report", "--from", "2026-01-01", "--to", "2026-12-31", "--json").out)
    assert year["engagements"][0]["hours"] == 1.0 + 2.75 + 2.0 + 5.0
    listed = json.loads(run("log", "list", "--from", "2026-01-01", "--to", "2026-12-31", "--json").out)
    assert [round(item["hours"] * 60) for item in listed] == [150, 75, 150, 270]
    sheet = json.loads(run("export", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json").out)
    assert [entry["raw_hours"] for entry in sheet["entries"]] == [2.5, 1.25, 2.5, 4.5]
    gap = run("log", "add", "globex", "--start", f"{spring} 02:30", "--end", f"{spring} 02:45")
    assert gap.code == 2 and "does not exist in this time zone" in gap.err
