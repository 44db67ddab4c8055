"""Issue 17 (first part): `status --short` and `status --format`, one line for a shell prompt or a tmux status line."""

from __future__ import annotations

import pytest

from tests.helpers import Cli

NOW = "2026-11-25T10:30:00+01:00"


@pytest.fixture
def run(data_dir, capsys, monkeypatch) -> Cli:
    cli = Cli(data_dir, capsys, monkeypatch)
    cli.ok("job", "add", "acme", "--hours", "32", now=NOW)
    cli.ok("client", "add", "globex", "--rate", "95", now=NOW)
    cli.ok("log", "add", "acme", "--start", "2026-11-23 09:00", "--end", "2026-11-23 15:00", now=NOW)  # 6 h
    cli.ok("log", "add", "globex", "--start", "2026-11-25 08:00", "--end", "2026-11-25 09:00", now=NOW)  # today
    return cli


def test_short_is_one_line_with_the_timer_or_nothing(run: Cli) -> None:
    assert run.ok("status", "--short", now=NOW) == ""
    run.ok("start", "globex", "--at", "09:07", "--note", "api", now=NOW)
    assert run.ok("status", "--short", now=NOW) == "globex 1:23\n"


def test_format_fills_the_fields_a_prompt_wants(run: Cli) -> None:
    run.ok("start", "globex", "--at", "09:30", "--note", "api\x1b[31m", now=NOW)
    line = run.ok("status", "--format", "{engagement} {elapsed} ({note}) today {today}, out {week_share}", now=NOW)
    # today: 1 h logged and 1 h running; the week: 2 h outbound of 8 h
    assert line == "globex 1:00 (api\\x1b[31m) today 2:00, out 25%\n"  # what was typed never reaches the terminal raw
    run.ok("stop", now=NOW)
    assert run.ok("status", "--format", "{engagement}|{today}", now=NOW) == "|2:00\n"


@pytest.mark.parametrize("fmt", ["{engagement.__class__}", "{today!r}", "{elapsed:>10}", "{nope}", "{oops", "}"])
def test_a_format_takes_only_its_fields(run: Cli, fmt: str) -> None:
    run.refused("status", "--format", fmt, now=NOW)
