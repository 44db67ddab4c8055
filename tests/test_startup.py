"""Issue 17: what a command pays before it does anything. Only the named command's parser is built; the data lock is
flock on POSIX; the time zone comes from the standard library. (Speed itself is measured by benchmarks/cli.py.)"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planner.cli as planner_cli
from planner.cli_common import command_words
from planner.errors import StoreError
from planner.locking import DataLock
from planner.schedule import datetime_exists, local_zone, months_before, resolve_imaginary


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every command path of a parser with its leaf parser."""
    found = False
    if not isinstance(parser, argparse.ArgumentParser):  # a command this parse did not build
        return
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found = True
            for name, sub in action.choices.items():
                yield from _leaves(sub, (*path, name))
    if not found:
        yield path, parser


def _shape(parser: argparse.ArgumentParser) -> list[tuple]:
    return [
        (tuple(a.option_strings), a.dest, a.nargs, a.required, a.default, repr(a.choices), type(a).__name__)
        for a in parser._actions
    ] + [("defaults", sorted(parser._defaults))]


def test_a_command_builds_only_its_own_parser_and_it_is_the_whole_one() -> None:
    full = dict(_leaves(planner_cli.build_parser()))
    assert len(full) > 60
    for path, leaf in full.items():
        lazy = dict(_leaves(planner_cli.build_parser(path)))
        assert _shape(lazy[path]) == _shape(leaf), path
        assert leaf.format_help() == lazy[path].format_help(), path
    # the others are only names: a command's parse builds one parser per level, not seventy
    assert list(dict(_leaves(planner_cli.build_parser(("status",))))) == [("status",)]
    assert len(list(_leaves(planner_cli.build_parser(("log",))))) == 4  # every action of `log`, for its help


@pytest.mark.parametrize(
    ("words", "path"),
    [
        (["status", "--short"], ("status",)),
        (["--db", "/x", "log", "add", "globex", "--start", "9:00"], ("log", "add", "globex")),
        (["--db=/x", "plan", "list", "--week", "2026-W48"], ("plan", "list")),
        (["--help"], None),
        ([], None),
        (["-h", "status"], None),
        (["log", "-h"], ("log",)),
    ],
)
def test_the_command_path_is_read_before_parsing(words, path) -> None:
    assert command_words(words) == path


def test_help_and_mistakes_still_name_every_command(cli) -> None:
    listed = cli("--help").out
    assert "status" in listed and "playbook" in listed and "report" in listed
    wrong = cli("statsu")
    assert wrong.code == 2 and "invalid choice: 'statsu'" in wrong.err and "'playbook'" in wrong.err
    assert "ACTION" in cli("log").err
    assert "add       log time by hand" in cli("log", "--help").out


# ---------------------------------------------------------------- the data lock


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_between_threads(tmp_path) -> None:
    path = tmp_path / ".lock"
    order: list[str] = []
    with DataLock(path, 5):
        with DataLock(path, 5):  # a change inside a change does not wait for itself
            order.append("inner")

        def other() -> None:
            with DataLock(path, 5):
                order.append("other")

        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.2)
        order.append("first done")
    thread.join(5)
    assert order == ["inner", "first done", "other"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_held_lock_is_waited_for_then_refused_in_one_line(tmp_path, cli, data_dir) -> None:
    """Another process holds the lock (as filelock does on POSIX: flock): a change waits, then says so and stops."""
    assert cli("client", "add", "globex", "--rate", "90").code == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import fcntl, os, sys, time
                fd = os.open({str(data_dir / ".lock")!r}, os.O_RDWR | os.O_CREAT)
                fcntl.flock(fd, fcntl.LOCK_EX)
                print("held", flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        from planner.store import Store

        store = Store(data_dir, lock_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"another planner has held .*\.lock for 0\.3 s"):
            store.recover()
        assert time.monotonic() - started >= 0.25
    finally:
        holder.kill()
        holder.wait()
    assert cli("client", "add", "initech", "--rate", "90").code == 0  # the holder gone, the lock is free


# ---------------------------------------------------------------- the time zone


@pytest.mark.parametrize(
    "tz", ["Europe/Berlin", ":Europe/Berlin", "/usr/share/zoneinfo/Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"]
)
def test_every_spelling_of_tz_gives_the_same_clock(monkeypatch, tz) -> None:
    if tz.startswith("/") and not os.path.exists(tz):
        pytest.skip("no zoneinfo folder here")
    monkeypatch.setenv("TZ", tz)
    zone = local_zone()
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC).astimezone(zone)
    winter = datetime(2026, 12, 1, 10, 0, tzinfo=UTC).astimezone(zone)
    assert (summer.hour, winter.hour) == (12, 11)


def test_a_wall_time_the_clocks_skip_does_not_exist_and_moves_past_the_gap(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    zone = local_zone()
    gap = datetime(2026, 3, 29, 2, 30, tzinfo=zone)
    assert not datetime_exists(gap)
    assert datetime_exists(datetime(2026, 3, 29, 3, 30, tzinfo=zone))
    assert datetime_exists(datetime(2026, 10, 25, 2, 30, tzinfo=zone, fold=1))  # happens twice: exists
    moved = resolve_imaginary(gap)
    assert (moved.date(), moved.hour, moved.minute) == (date(2026, 3, 29), 3, 30)


@given(st.dates(min_value=date(1971, 1, 1), max_value=date(2200, 12, 31)), st.integers(min_value=0, max_value=24))
def test_months_before_counts_as_relativedelta_does(day, months) -> None:
    """income's look-back window no longer loads dateutil.relativedelta (and six) for one subtraction."""
    from dateutil.relativedelta import relativedelta

    assert months_before(day, months) == day - relativedelta(months=months)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fast rule is Linux's; elsewhere platformdirs")
@pytest.mark.parametrize(
    ("xdg", "home"),
    [(None, "/home/jane"), ("/data/xdg", "/home/jane"), ("relative/xdg", "/home/jane"), ("", "/"), (None, "/h//j/")],
)
def test_the_default_folder_is_the_one_platformdirs_gives(monkeypatch, xdg, home) -> None:
    """A prompt finds the default folder without loading platformdirs (a third of its time): the same folder."""
    import platformdirs

    from planner.layout import folder_text

    monkeypatch.delenv("PLANNER_DB", raising=False)
    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert Path(folder_text(None)) == platformdirs.user_data_path("planner")
