"""Issue 17: `status --short` and `status --format`, one line for a shell prompt or a tmux status line, and the
short way `status` takes to answer them (planner.glance: planner.json as planner wrote it, without the model)."""

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


FORBIDDEN = ("textual", "dateutil.rrule", "icalendar", "asyncio", "logging", "planner.exports", "planner.balance")
#: What the short way leaves out besides: the model and its dataclasses, TinyDB, Decimal, the store, and the
#: modules argparse would load only to ask the terminal's width.
NOT_FOR_A_PROMPT = (
    *FORBIDDEN,
    "dataclasses",
    "tinydb",
    "decimal",
    "typing",
    "planner.model",
    "planner.store",
    "shutil",
)


def _imported(data_dir, args: list[str], names: tuple[str, ...]) -> list[str]:
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from planner.cli import main\n"
        f"main({args!r})\n"
        f"print(sorted(m for m in {names!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "PLANNER_DB": str(data_dir), "PLANNER_NOW": NOW, "TZ": "Europe/Berlin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["status"], ["status", "--short"], ["status", "--json"]])
def test_status_imports_nothing_it_does_not_need(run: Cli, data_dir, args) -> None:
    """A prompt runs `status` every few seconds: it must not pay for the board, calendars, the exporters, the rules,
    nor (planner.json being as planner wrote it) the model and the store."""
    run.ok("start", "acme", "--at", "09:07", now=NOW)  # an inbound timer: its window is read too
    assert _imported(data_dir, args, NOT_FOR_A_PROMPT) == []


def test_a_folder_planner_did_not_write_last_is_read_the_long_way(run: Cli, data_dir) -> None:
    run.ok("start", "acme", "--at", "09:07", now=NOW)
    (data_dir / ".seal.json").unlink()
    assert _imported(data_dir, ["status"], ("planner.store",)) == ["planner.store"]


STATES = {
    "no timer": [],
    "an outbound timer with a hostile note": [("start", "globex", "--at", "09:30", "--note", "api\x1b[31m\u202e")],
    "an inbound timer past its window": [
        ("edit", "acme", "--window", "mon-fri 07:00-10:00"),
        ("start", "acme", "--at", "09:10", "--tag", "ops"),
    ],
    "a window changed from a date, the latest finish and a limit": [
        ("edit", "acme", "--window", "mon-fri 09:00-17:00"),
        ("edit", "acme", "--window", "mon-fri 07:00-09:30", "--from", "2026-11-25"),
        ("boundaries", "set", "--latest", "09:45", "--timer-limit", "0.5"),
        ("start", "acme", "--at", "09:00"),
    ],
    "no latest and no limit": [
        ("boundaries", "set", "--timer-limit", "none"),
        ("start", "globex", "--at", "09:05", "--no-billable"),
    ],
}
ASKED = [
    ["status"],
    ["status", "--json"],
    ["status", "--short"],
    ["status", "--format", "[{engagement}|{elapsed}|{note}]"],
]


@pytest.mark.parametrize("state", list(STATES))
def test_the_short_way_says_what_the_long_way_says(run: Cli, data_dir, state) -> None:
    for step in STATES[state]:
        run.ok(*step, now=NOW)
    assert (data_dir / ".seal.json").exists()
    short = [run(*args, now=NOW) for args in ASKED]
    (data_dir / ".seal.json").unlink()  # the long way: through the store, every record checked
    long = [run(*args, now=NOW) for args in ASKED]
    assert short == long
    if state != "no timer":
        assert short[0][1].count("(id ") == 1
    if state.startswith(("an inbound", "a window")):
        assert short[0][2].startswith("warning: The acme timer has run since")


def test_a_file_changed_by_hand_is_checked_and_refused_as_before(run: Cli, data_dir) -> None:
    import json

    run.ok("start", "globex", "--at", "09:30", now=NOW)
    path = data_dir / "planner.json"
    data = json.loads(path.read_text())
    data["engagements"]["1"]["kind"] = "sideways"  # not the timer's engagement: only a full check sees it
    path.write_text(json.dumps(data))
    err = run.refused("status", "--short", now=NOW)
    assert "damaged engagement 1" in err
    run.refused("status", now=NOW)


def test_a_torn_or_foreign_seal_only_means_the_long_way(run: Cli, data_dir) -> None:
    run.ok("start", "globex", "--at", "09:30", now=NOW)
    expected = run.ok("status", now=NOW)
    for seal in ("{", "[]", '{"planner.json": [1, 2]}', '{"planner.json": "x"}', ""):
        (data_dir / ".seal.json").write_text(seal)
        assert run.ok("status", now=NOW) == expected
    (data_dir / ".seal.json").unlink()
    (data_dir / ".seal.json").symlink_to(data_dir / "planner.json")  # never followed
    assert run.ok("status", now=NOW) == expected
    run.ok("stop", now=NOW)  # a change writes a new seal over the link, not through it
    assert not (data_dir / ".seal.json").is_symlink() and run.ok("status", "--short", now=NOW) == ""


#: The everyday commands and what each must not load: nothing of the board, calendars, exporters or logging (which
#: filelock brought); the timer's commands not the rules either, and no series expanded where there is none.
EVERYDAY = [
    (["start", "globex", "--at", "09:40"], (*FORBIDDEN, "shutil", "hashlib", "_strptime")),
    (["stop", "--at", "10:00"], (*FORBIDDEN, "shutil", "hashlib", "_strptime")),
    (["log", "add", "globex", "--start", "07:00", "--end", "07:30"], FORBIDDEN),
    (["report", "--week", "2026-11-23"], (*FORBIDDEN[:-1], "dateutil.relativedelta", "planner.income")),
    (["check", "--week", "2026-11-23"], (*FORBIDDEN[:-2], "dateutil.relativedelta", "planner.income")),
    (["plan", "list", "--week", "2026-11-23"], FORBIDDEN),
]


def test_the_everyday_commands_import_only_what_they_use(run: Cli, data_dir) -> None:
    """Each runs as its own process, in order (start, then stop, ...), on the fixture's folder."""
    for args, forbidden in EVERYDAY:
        assert _imported(data_dir, args, forbidden) == [], args
