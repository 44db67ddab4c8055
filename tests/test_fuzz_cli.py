"""A fuzzer for the whole command line: every command with generated arguments (dates at the edges, huge and odd
numbers, control characters, odd recurrence rules, empty strings, ids that do not exist) runs in process against a
data folder with some history. Whatever it is given, a command exits 0 (1 where it reports findings: `check`,
`doctor`) or 2 with one `error:` line, prints no traceback, returns within a few seconds, and leaves the data folder
sound (`doctor` finds nothing wrong).

The commands and their options are read from the parser itself, so a new option is fuzzed without touching this file.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import cli as planner_cli
from planner.doctor import examine
from planner.model import INBOUND, OUTBOUND, Block, Engagement, LogEntry
from planner.schedule import parse_moment
from planner.store import Store

#: Longest a command may take before the fuzzer calls it a hang (the issue asks for under a second; a shared,
#: noisy machine gets headroom, and the slowest call is reported).
HANG_SECONDS = 10.0

#: Commands allowed to exit 1: they report findings (warnings, damaged files) rather than fail.
FINDINGS = {("check",), ("doctor",)}

HOSTILE_TEXT = [
    "",
    " ",
    "\t",
    "\x1b]2;pwned\x07\x1b[2J",
    "\x1b[31mred",
    "line\nbreak",
    "\x00",
    "\x7f",
    "\u202eevil",
    "zero\u200bwidth",
    "[red]markup[/red]",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    " =1+1",
    "-",
    "--",
    "x" * 5000,
    "日本語",
    "🙂",
    "none",
]
HOSTILE_NUMBERS = [
    "0",
    "-1",
    "1e30",
    "1e309",
    "-1e309",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "1e-30",
    "0.000001",
    "99999999999999999999999",
    "1,5",
    "12.345",
    "0x10",
    "1_000",
    "",
    "abc",
]
HOSTILE_DATES = [
    "0001-01-01",
    "1969-12-31",
    "1970-01-01",
    "2199-12-31",
    "2200-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-11-25",
    "2026-W48",
    "9999-W52",
    "0000-W01",
    "2026-W53",
    "2020-W53",
    "0000-01",
    "2026-11",
    "9999-12",
    "today",
    "yesterday 09:00",
    "2026-11-25 09:00",
    "2026-03-29 02:30",
    "2026-10-25 02:30",
    "24:00",
    "25:00",
    "09:60",
    "00:00",
    "23:59",
    "2026-11-25T09:00+14:00",
    "2026-11-25T09:00+99:00",
    "",
]
HOSTILE_RULES = [
    "FREQ=WEEKLY;BYDAY=MO,WE",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;INTERVAL=-1",
    "FREQ=DAILY;FREQ=WEEKLY",
    "FREQ=SECONDLY",
    "FREQ=MINUTELY",
    "FREQ=HOURLY",
    "FREQ=DAILY;BYHOUR=1,2,3,4,5,6,7,8,9,10;BYMINUTE=0,1,2,3,4,5",
    "FREQ=DAILY;BYSECOND=0,1,2,3,4,5,6,7,8,9",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;UNTIL=19990101",
    "FREQ=DAILY;COUNT=999999999",
    "FREQ=DAILY;COUNT=0",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=WEEKLY;UNTIL=20270601",
    "FREQ=WEEKLY;UNTIL=20270601T235959Z",
    "FREQ=DAILY;DTSTART=20260101",
    "RRULE:FREQ=DAILY",
    "FREQ=DAILY\nFREQ=WEEKLY",
    "",
]
HOSTILE_IDS = ["0", "-1", "1", "2", "3", "4", "999999999999999999999", "abc", "1.5", ""]
NAMES = ["acme-corp", "GLOBEX", "globex", "nobody", "", "-rf", "archived-co"]


def _values_for(option: str, metavar: str | None) -> st.SearchStrategy[str]:
    """Values that suit what an option takes, mixed with hostile ones of every kind."""
    word = f"{option} {metavar or ''}".lower()
    if any(key in word for key in ("rate", "hours", "cap", "budget", "max", "share", "tolerance", "rest", "stretch")):
        focused = HOSTILE_NUMBERS
    elif any(key in word for key in ("date", "week", "month", "from", "to", "deadline", "since", "at", "start", "end")):
        focused = HOSTILE_DATES
    elif "repeat" in word or "rrule" in word:
        focused = HOSTILE_RULES
    elif any(key in word for key in ("block", " id", "slot", "round")):
        focused = HOSTILE_IDS + HOSTILE_NUMBERS
    elif any(key in word for key in ("name", "engagement", "inbound", "client", "default")):
        focused = NAMES + HOSTILE_TEXT
    else:
        focused = HOSTILE_TEXT + HOSTILE_DATES[:6] + HOSTILE_NUMBERS[:6]
    return st.one_of(
        st.sampled_from(focused),
        st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES + HOSTILE_RULES),
        st.text(max_size=12),
    )


def _commands() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every runnable command of the parser, by its words: ('log', 'add') → its parser."""
    found: dict[tuple[str, ...], argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> None:
        subs = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
        if not subs:
            found[words] = parser
            return
        for name, child in subs[0].choices.items():
            walk(child, (*words, name))

    walk(planner_cli.build_parser(), ())
    # the board and the demo need a terminal; they are tried once, below, rather than fuzzed
    return {words: parser for words, parser in found.items() if words and words[0] != "demo"}


COMMANDS = _commands()


@st.composite
def invocations(draw: st.DrawFn, words: tuple[str, ...], folder: Path) -> list[str]:
    parser = COMMANDS[words]
    argv = list(words)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:  # a positional
            if words == ("import",) and action.dest == "path":
                argv.append(draw(st.sampled_from(_import_paths(folder))))
            elif words == ("import",) and action.dest == "format":
                argv.append(draw(st.sampled_from(["watson", "timewarrior", "toggl", "clockify", "csv", "xml", ""])))
            else:
                argv.append(draw(_values_for(action.dest, action.metavar if isinstance(action.metavar, str) else "")))
            continue
        if not draw(st.booleans()):
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
        elif action.dest == "output":
            argv += [flag, draw(st.sampled_from(["-", str(folder.parent / "out.txt"), str(folder.parent)]))]
        elif action.choices is not None:
            argv += [flag, draw(st.one_of(st.sampled_from(list(action.choices)), _values_for(action.dest, "")))]
        else:
            argv += [flag, draw(_values_for(action.dest, action.metavar if isinstance(action.metavar, str) else ""))]
    return argv


def _import_paths(folder: Path) -> list[str]:
    outside = folder.parent
    return ["/dev/zero", "/dev/null", str(outside / "fifo"), str(outside / "missing.csv"), str(outside), "", "-"]


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def hang(signum, frame):
        raise TimeoutError(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _seed(store: Store) -> None:
    job = store.add_engagement(
        Engagement(id=0, name="acme-corp", kind=INBOUND, hours=32, window="mon-fri 09:00-17:00", rate=60)
    )
    client = store.add_engagement(Engagement(id=0, name="globex", kind=OUTBOUND, rate=95, budget=40, cap=10))
    store.add_engagement(Engagement(id=0, name="archived-co", kind=OUTBOUND, archived=True))
    store.add_block(Block(id=0, engagement_id=job.id, day=parse_moment("2026-11-23 09:00").date(), start=540, end=1020))
    store.add_block(
        Block(
            id=0,
            engagement_id=client.id,
            day=parse_moment("2026-11-23 09:00").date(),
            start=1080,
            end=1200,
            repeat="FREQ=WEEKLY;BYDAY=MO,WE",
        )
    )
    for day in ("2026-11-23", "2026-11-24"):
        store.add_log(
            LogEntry(
                id=0,
                engagement_id=job.id,
                start=parse_moment(f"{day} 09:00"),
                end=parse_moment(f"{day} 12:30"),
                note="sprint",
                tags=["dev"],
            )
        )


#: Tallies over the whole run, reported by the last test (and in the README).
TALLY = {"invocations": 0, "slowest": 0.0}


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fuzz")
    os.mkfifo(base / "fifo")
    return base


@pytest.mark.parametrize("words", list(COMMANDS), ids=lambda words: "-".join(words))
def test_every_command_survives_hostile_arguments(words, fuzz_root, capsys, monkeypatch):
    folder = fuzz_root / "-".join(words) / "data"
    folder.parent.mkdir(parents=True)
    _seed(Store(folder))
    monkeypatch.setenv("PLANNER_DB", str(folder))
    monkeypatch.chdir(folder.parent)

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(argv=invocations(words, folder))
    def run(argv: list[str]) -> None:
        capsys.readouterr()
        began = time.monotonic()
        with _deadline(HANG_SECONDS):
            code = planner_cli.main(argv)
        took = time.monotonic() - began
        TALLY["invocations"] += 1
        TALLY["slowest"] = max(TALLY["slowest"], took)
        out, err = capsys.readouterr()
        allowed = {0, 2} | ({1} if words in FINDINGS else set())
        assert code in allowed, f"planner {argv!r} exited {code}: {err}"
        assert "Traceback" not in out + err, f"planner {argv!r} printed a traceback"
        if code == 2:
            lines = err.strip("\n").split("\n")
            assert len(lines) == 1 and lines[0].startswith("error: "), f"planner {argv!r} said {err!r}"
        for text in (out, err):
            assert "\x1b" not in text and "\x07" not in text, f"planner {argv!r} printed a control character"
        problems = [problem for problem in examine(folder) if "backups" not in problem.where]
        assert not problems, f"after planner {argv!r}: {[(p.where, p.message) for p in problems]}"

    run()


def test_the_board_without_a_terminal_is_one_line(capsys, data_dir, monkeypatch):
    monkeypatch.setenv("PLANNER_DB", str(data_dir))
    for argv in ([], ["demo"]):
        assert planner_cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: the board needs a terminal")
