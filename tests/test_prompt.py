"""Issue 17: `status --short` and `status --format`, one line for a shell prompt or a tmux status line, and the
short way `status` takes to answer them (planner.glance: planner.json as planner wrote it, without the model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import Cli, snapshot_files

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
    "pathlib",
    "platformdirs",
)


def _imported(data_dir, args: list[str], names: tuple[str, ...]) -> list[str]:
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "before = set(sys.modules)\n"  # what Python itself loaded (an editable install loads pathlib at start)
        "from planner.cli import main\n"
        f"main({args!r})\n"
        f"print(sorted(m for m in {names!r} if m in sys.modules and m not in before))\n"
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


def test_a_seal_of_another_kind_is_no_seal(run: Cli, data_dir) -> None:
    run.ok("start", "globex", "--at", "09:30", now=NOW)
    expected = run.ok("status", now=NOW)
    seal = data_dir / ".seal.json"
    seal.unlink()
    seal.mkdir()  # a folder where the seal belongs: the long way, and no path named by its file descriptor
    assert run("status", now=NOW) == (0, expected, "")
    assert run("stop", now=NOW)[0] == 0  # writing a new seal fails quietly; the change itself is made
    assert not [name for name in os.listdir(data_dir) if name.endswith(".tmp")]  # and leaves nothing behind
    seal.rmdir()
    os.mkfifo(seal)  # never waited on
    assert run("status", "--short", now=NOW) == (0, "", "")


def _forge(data_dir, change) -> None:
    """Change planner.json and write a seal that matches it, as anyone who can write the folder can."""
    import zlib

    path = data_dir / "planner.json"
    data = json.loads(path.read_text())
    change(data)
    raw = json.dumps(data).encode()
    path.write_bytes(raw)
    seal = json.loads((data_dir / ".seal.json").read_text())
    seal["planner.json"] = [zlib.crc32(raw), len(raw)]
    (data_dir / ".seal.json").write_text(json.dumps(seal))


def _timer(data: dict) -> dict:
    return data["state"]["1"]["timer"]


FORGED = {
    "a start that is no moment": lambda d: _timer(d).update(start="garbage"),
    "a start without an offset": lambda d: _timer(d).update(start="2026-11-25T09:30:00"),
    "a start in the year 1": lambda d: _timer(d).update(start="0001-01-01T00:00:00+00:00"),
    "a timer that is a list": lambda d: d["state"]["1"].update(timer=[1]),
    "an id that is text": lambda d: _timer(d).update(id="x"),
    "a note that is a number": lambda d: _timer(d).update(note=5),
    "a kind with an escape": lambda d: d["engagements"]["2"].update(kind="outbound\x1b[31m"),
    "a name that is a number": lambda d: d["engagements"]["2"].update(name=7),
    "a window that is a number": lambda d: d["engagements"]["2"].update(kind="inbound", window=9),
    "a timer limit that is text": lambda d: d.setdefault("boundaries", {}).update({"1": {"timer_limit": "10"}}),
    "a latest finish that is a number": lambda d: d.setdefault("boundaries", {}).update({"1": {"latest": 7}}),
}


@pytest.mark.parametrize("damage", list(FORGED))
def test_a_forged_seal_never_crashes_status_and_no_other_command_trusts_it(run: Cli, data_dir, damage) -> None:
    """The seal is a checksum, not a signature. What it lets through reaches only what status shows (checked
    field by field, escaped); every other command checks every record, and refuses the file."""
    run.ok("start", "globex", "--at", "09:30", now=NOW)
    _forge(data_dir, FORGED[damage])
    before = snapshot_files(data_dir)
    for args in (["status"], ["status", "--json"], ["status", "--short"], ["__complete", "names"]):
        code, out, err = run(*args, now=NOW)
        assert code in (0, 2) and "\x1b" not in out + err and "Traceback" not in err, (args, code, err)
        if code == 2:
            assert out == "" and err.startswith("error: ") and len(err.splitlines()) == 1
    for args in (["stop"], ["list"], ["log", "list"]):
        run.refused(*args, now=NOW)
    assert snapshot_files(data_dir) == before


def test_output_that_cannot_be_written_is_one_line_not_a_crash(cli, data_dir) -> None:
    assert cli("client", "add", "globex", "--rate", "90").code == 0
    assert cli("start", "globex", "--at", "09:00").code == 0
    env = {**os.environ, "PLANNER_DB": str(data_dir), "PLANNER_NOW": NOW, "TZ": "Europe/Berlin"}
    if os.path.exists("/dev/full"):
        for args in (["status", "--json"], ["status", "--short"], ["log", "list"], ["completion", "bash"]):
            with open("/dev/full", "w") as full:
                done = subprocess.run(
                    [sys.executable, "-m", "planner", *args], stdout=full, stderr=subprocess.PIPE, text=True, env=env
                )
            assert done.returncode == 2, (args, done.stderr)
            assert done.stderr == "error: could not write the output: No space left on device\n"
    closed = subprocess.run(
        [sys.executable, "-m", "planner", "status"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        pass_fds=(),
        close_fds=True,
    )
    assert closed.returncode == 0 and closed.stderr == ""
    for args in ("status", "status --json", "log list --json", "completion zsh"):
        shut = subprocess.run(
            ["sh", "-c", f"'{sys.executable}' -m planner {args} >&-"], capture_output=True, text=True, env=env
        )
        assert shut.returncode == 0 and shut.stderr == "", (args, shut.stderr)
    assert not list(data_dir.glob("crash-*.log"))


@pytest.mark.parametrize("where", [["--db", "~nobody-here-at-all/x"], []])
def test_a_home_folder_that_does_not_exist_is_one_line(cli, monkeypatch, where) -> None:
    env_db = "~nobody-here-at-all/x" if not where else None
    args = [sys.executable, "-m", "planner", *where, "status"]
    env = {k: v for k, v in os.environ.items() if k != "PLANNER_DB"}
    if env_db:
        env["PLANNER_DB"] = env_db
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "home folder" in done.stderr
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize(("fmt", "says"), [("{engagement!r}", "no conversion"), ("{elapsed:>10}", "format spec")])
def test_a_format_with_a_conversion_or_spec_says_so(run: Cli, fmt, says) -> None:
    assert says in run.refused("status", "--format", fmt, now=NOW)


def test_hand_edits_the_new_user_trial_found_are_refused_not_crashes(run: Cli, data_dir) -> None:
    """A timer given an id a logged entry has, hours written as text, an id of 400 digits: one line, exit 2."""
    run.ok("start", "globex", "--at", "09:30", now=NOW)
    path = data_dir / "planner.json"
    pristine = path.read_text()
    data = json.loads(pristine)
    _timer(data)["id"] = 1  # the acme entry of the fixture has id 1
    path.write_text(json.dumps(data))
    before = snapshot_files(data_dir)
    assert "already the id of a logged entry" in run.refused("stop", now=NOW)
    assert snapshot_files(data_dir) == before
    for change, says in (
        (lambda d: d["engagements"]["1"].update(hours="40"), "its hours is not a number"),
        (lambda d: _timer(d).update(id=10**400), "id is not a whole number of up to 18 digits"),
        (lambda d: d["state"]["1"].update(next_log=10**30), "next log id is not a whole number"),
    ):
        data = json.loads(pristine)
        change(data)
        path.write_text(json.dumps(data))
        for args in (["list"], ["stop"], ["check", "--week", "2026-11-23"]):
            assert says in run.refused(*args, now=NOW), args
