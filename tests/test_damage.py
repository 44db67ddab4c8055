"""The damaged-file matrix: every kind of damage a data file can suffer, applied to the main file and to month files,
and every command run on each. A command that reads a damaged file refuses with one line (`error: ...`, naming the
file), exit 2, and changes nothing at all; `doctor` names the file in its own report (exit 1); nothing ends in a
traceback. Damage to the folder's layout (a link, a folder where a file belongs) stops every command, even those that
would not read the file.

The matrix runs in-process through `planner.cli.main` (a few thousand runs in seconds); a representative subset runs
as real processes, and unreadable files and folders run as an unprivileged user (root reads through mode 000).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.cli import main
from tests.helpers import NOW

MAIN = "planner.json"
LOGS = "logs/2026-11.json"
BLOCKS = "blocks/2026-11.json"


# ---------------------------------------------------------------- running planner


@dataclass
class Run:
    code: int
    out: str
    err: str
    crashed: str = ""  # the traceback of an exception that escaped main()


@contextlib.contextmanager
def _environment(db: Path):
    saved = {key: os.environ.get(key) for key in ("PLANNER_DB", "PLANNER_NOW", "TZ")}
    os.environ.update(PLANNER_DB=str(db), PLANNER_NOW=NOW, TZ="Europe/Berlin")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(db: Path, *argv: str) -> Run:
    """`planner ARGV` in this process, against the folder `db`, on the tests' pinned clock."""
    out, err = io.StringIO(), io.StringIO()
    with _environment(db), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse
            code = exit_.code if isinstance(exit_.code, int) else 2
        except BaseException:  # the point is to catch whatever escapes
            return Run(-1, out.getvalue(), err.getvalue(), traceback.format_exc())
    return Run(code, out.getvalue(), err.getvalue())


# ---------------------------------------------------------------- the sound folder


def seed(db: Path, csv_file: Path) -> None:
    steps = [
        ("job", "add", "acme-corp", "--hours", "32", "--window", "mon-fri 09:00-17:00"),
        ("client", "add", "globex", "--rate", "90"),
        ("log", "add", "acme-corp", "--start", "2026-10-05 09:00", "--end", "2026-10-05 12:00"),
        ("log", "add", "acme-corp", "--start", "2026-11-23 09:00", "--end", "2026-11-23 12:00"),
        ("log", "add", "globex", "--start", "2026-11-24 18:00", "--end", "2026-11-24 19:00"),
        ("plan", "add", "globex", "--date", "2026-11-26", "--start", "14:00", "--end", "16:00"),
        ("plan", "add", "acme-corp", "--date", "2026-11-02", "--start", "09:00", "--end", "10:00",
         "--repeat", "FREQ=WEEKLY;BYDAY=MO"),
        ("lock", "--week", "2026-W41"),
        ("boundaries", "set", "--max-week", "50"),
        ("settings", "set", "--name", "Jane"),
        ("start", "acme-corp", "--at", "2026-11-25 09:00"),
    ]  # fmt: skip
    for step in steps:
        done = run(db, *step)
        assert done.code == 0, (step, done)
    exported = run(db, "export", "--format", "csv", "--week", "2026-W48")
    assert exported.code == 0, exported
    csv_file.write_text(exported.out)


#: Every command the matrix runs, with the data files it reads (so must refuse when one is damaged). Month-file
#: damage blocks only what reads that month, as designed: a command never reads (nor checks) every month file.
COMMANDS: list[tuple[tuple[str, ...], frozenset[str]]] = [
    (("list",), frozenset({MAIN})),
    (("list", "--json"), frozenset({MAIN})),
    (("status",), frozenset({MAIN})),
    (("start", "globex", "--switch"), frozenset({MAIN, LOGS})),
    (("stop",), frozenset({MAIN, LOGS})),
    (("log", "list"), frozenset({MAIN, LOGS})),
    (("log", "add", "globex", "--start", "2026-11-24 20:00", "--end", "2026-11-24 21:00"), frozenset({MAIN, LOGS})),
    (("log", "edit", "2", "--note", "changed"), frozenset({MAIN, LOGS})),
    (("log", "rm", "3"), frozenset({MAIN, LOGS})),
    (("plan", "list"), frozenset({MAIN, BLOCKS})),
    (
        ("plan", "add", "globex", "--date", "2026-11-27", "--start", "10:00", "--end", "11:00"),
        frozenset({MAIN, BLOCKS}),
    ),
    (("report",), frozenset({MAIN, LOGS})),
    (("report", "--overtime"), frozenset({MAIN, LOGS})),
    (("check",), frozenset({MAIN, LOGS, BLOCKS})),
    (("export", "--format", "csv"), frozenset({MAIN, LOGS})),
    (("import", "csv", "{csv}"), frozenset({MAIN, LOGS})),
    (("lock", "--list"), frozenset({MAIN})),
    (("lock", "--week", "2026-W47"), frozenset({MAIN, LOGS})),  # it freezes the week's totals
    (("edit", "globex", "--rate", "95"), frozenset({MAIN, LOGS})),  # it says which weeks the change reprices
    (("backup", "list"), frozenset()),  # the way out of a damaged file: it reads only the backups
    (("doctor",), frozenset({MAIN, LOGS, BLOCKS})),
    (("doctor", "--repair"), frozenset({MAIN, LOGS, BLOCKS})),
    (("boundaries", "show"), frozenset({MAIN})),
    (("settings", "show"), frozenset({MAIN})),
]


# ---------------------------------------------------------------- the kinds of damage


def _edit(path: Path, change: Callable[[dict], object]) -> None:
    data = json.loads(path.read_bytes())
    change(data)
    path.write_text(json.dumps(data))  # NaN and Infinity as Python writes them


def _table(target: str) -> str:
    return "logs" if target == LOGS else "blocks"


def _record(data: dict, target: str) -> dict:
    """The first record of a month file."""
    return next(iter(data[_table(target)].values()))


def _rekey(data: dict, table: str, key: str) -> None:
    first = next(iter(data[table]))
    data[table][key] = data[table].pop(first)


def _whole(content: Callable[[bytes], bytes]) -> Callable[[Path, str, Path], None]:
    def apply(root: Path, target: str, outside: Path) -> None:
        path = root / target
        path.write_bytes(content(path.read_bytes()))

    return apply


def _fields(main=None, month=None) -> Callable[[Path, str, Path], None]:
    """A record changed in place: `main(data)` for planner.json, `month(record)` for a month file's first record."""

    def apply(root: Path, target: str, outside: Path) -> None:
        if target == MAIN:
            _edit(root / target, main)
        else:
            _edit(root / target, lambda data: month(_record(data, target)))

    return apply


def _folder_instead(root: Path, target: str, outside: Path) -> None:
    (root / target).unlink()
    (root / target).mkdir()
    (root / target / "x.json").write_text("{}")


def _fifo_instead(root: Path, target: str, outside: Path) -> None:
    (root / target).unlink()
    os.mkfifo(root / target)  # reading it would wait for a writer forever


def _link_in(root: Path, target: str, outside: Path) -> None:
    spare = root / "spare.json"  # the very same content, beside it in the data folder
    os.replace(root / target, spare)
    (root / target).symlink_to(spare)


def _link_out(root: Path, target: str, outside: Path) -> None:
    shutil.copyfile(root / target, outside)
    os.chmod(outside, 0o644)  # a --repair that followed the link would make it 0600
    (root / target).unlink()
    (root / target).symlink_to(outside)


def _deep(root: Path, target: str, outside: Path) -> None:
    depth = 100_000
    (root / target).write_bytes(b'{"_meta": ' + b"[" * depth + b"]" * depth + b"}")


def _key_abc(root: Path, target: str, outside: Path) -> None:
    table = "engagements" if target == MAIN else _table(target)
    _edit(root / target, lambda data: _rekey(data, table, "abc"))


def _main_engagement(**changes):
    return lambda data: data["engagements"]["2"].update(changes)


def _main_state(**changes):
    return lambda data: data["state"]["1"].update(changes)


def _month_times(start: str, end: str):
    def change(record: dict) -> None:
        record["start"] = start if "T" in record["start"] else start[11:16]
        record["end"] = end if "T" in record["end"] else end[11:16]

    return change


_ANY = (MAIN, LOGS, BLOCKS)
_MONTHS = (LOGS, BLOCKS)

#: name → (the files it is applied to, how). Layout damage (links, folders) stops every command.
KINDS: dict[str, tuple[tuple[str, ...], Callable[[Path, str, Path], None]]] = {
    "truncated": (_ANY, _whole(lambda raw: raw[: len(raw) // 2])),
    "empty": (_ANY, _whole(lambda raw: b"")),
    "empty object": (_ANY, _whole(lambda raw: b"{}")),
    "empty array": (_ANY, _whole(lambda raw: b"[]")),
    "random bytes": (_ANY, _whole(lambda raw: bytes((index * 151 + 7) % 256 for index in range(400)))),
    "huge integer": (_ANY, _whole(lambda raw: raw.replace(b'"schema":1', b'"schema":1' + b"0" * 5000, 1))),
    "newer schema": (_ANY, _whole(lambda raw: raw.replace(b'"schema":1', b'"schema":99', 1))),
    "deep nesting": (_ANY, _deep),
    "folder instead of file": (_ANY, _folder_instead),
    "named pipe instead of file": (_ANY, _fifo_instead),
    "symlink in": (_ANY, _link_in),
    "symlink out": (_ANY, _link_out),
    "NaN": (_ANY, _fields(_main_engagement(rate=float("nan")),
                          lambda record: record.update(engagement_id=float("nan")))),
    "infinite number": (_ANY, _fields(_main_engagement(cap=float("inf")),
                                      lambda record: record.update(engagement_id=1e999))),
    "id key abc": (_ANY, _key_abc),
    "wrong types": (_ANY, _fields(_main_engagement(archived="yes"), lambda record: record.update(start=[1, 2]))),
    "bad start": (_MONTHS, _fields(None, lambda record: record.update(start="garbage"))),
    "ends before it starts": (_MONTHS, _fields(None, _month_times("2026-11-23T12:00:00+01:00",
                                                                  "2026-11-23T09:00:00+01:00"))),
    "year 1": (_MONTHS, _fields(None, lambda record: record.update(
        {"date": "0001-01-01"} if "date" in record
        else {"start": "0001-01-01T09:00:00+01:00", "end": "0001-01-01T10:00:00+01:00"}))),
    "missing end": (_MONTHS, _fields(None, lambda record: record.pop("end"))),
    "timer {'id': 'x'}": ((MAIN,), _fields(_main_state(timer={"id": "x"}), None)),
    "timer without start": ((MAIN,), _fields(lambda data: data["state"]["1"]["timer"].pop("start"), None)),
    "counter 'abc'": ((MAIN,), _fields(_main_state(next_log="abc"), None)),
    "rate inf": ((MAIN,), _fields(_main_engagement(rate="inf"), None)),
    "name with control characters": ((MAIN,), _fields(_main_engagement(name="globex\x1b]2;owned\x07"), None)),
    "bad series rule": ((MAIN,), _fields(lambda data: data["series"]["2"].update(repeat="FREQ=SOMETIMES"), None)),
    "block clock 99:99": ((MAIN, BLOCKS), _fields(lambda data: data["series"]["2"].update(start="99:99"),
                                                  lambda record: record.update(start="99:99"))),
    "bad boundary": ((MAIN,), _fields(lambda data: data["boundaries"]["1"].update(max_week="lots"), None)),
    "bad setting": ((MAIN,), _fields(lambda data: data["settings"]["1"].update(slot=7), None)),
    "bad lock": ((MAIN,), _fields(lambda data: data["locks"]["1"].update(week="garbage"), None)),
}  # fmt: skip


# ---------------------------------------------------------------- the matrix


def snapshot(*places: Path) -> dict[str, tuple]:
    """Every path under `places` as it is, links not followed: kind, mode, and bytes or where a link points."""
    found: dict[str, tuple] = {}
    for place in places:
        if not os.path.lexists(place):
            continue
        paths = [place]
        if place.is_dir() and not place.is_symlink():
            paths += [Path(folder) / name for folder, dirs, files in os.walk(place) for name in (*dirs, *files)]
        for path in paths:
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                found[str(path)] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[str(path)] = ("folder", stat.S_IMODE(info.st_mode))
            elif not stat.S_ISREG(info.st_mode):
                found[str(path)] = ("special", stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode))
            else:
                found[str(path)] = ("file", stat.S_IMODE(info.st_mode), path.read_bytes())
    return found


@dataclass
class Figures:
    kinds: set
    cases: int = 0
    invocations: int = 0
    refused: int = 0
    reported: int = 0  # doctor
    unaffected: int = 0  # commands that do not read the damaged file
    subprocesses: int = 0
    tracebacks: int = 0


FIGURES = Figures(set())


@pytest.fixture(scope="module", autouse=True)
def _quick():
    """Build the command line's parser once (building it is most of an in-process run, and parsing never changes
    it), and skip flushing to disk: what is tested here is what is refused, not durability."""
    import planner.cli

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(planner.cli, "build_parser", functools.cache(planner.cli.build_parser))
        patch.setattr(os, "fsync", lambda fd: None)
        yield


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    place = tmp_path_factory.mktemp("sound")
    seed(place / "data", place / "week.csv")
    return place


def _argv(argv: tuple[str, ...], csv_file: Path) -> list[str]:
    return [str(csv_file) if word == "{csv}" else word for word in argv]


def check_refused(result: Run, argv: tuple[str, ...], target: str, case: str) -> None:
    assert not result.crashed, f"{case}: {argv}: traceback\n{result.crashed}"
    if argv[0] == "doctor":
        assert result.code == 1, f"{case}: {argv}: {result}"
        assert result.err == "" and target in result.out, f"{case}: {argv}: {result}"
        return
    lines = result.err.splitlines()
    assert result.code == 2, f"{case}: {argv}: {result}"
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{case}: {argv}: {result.err!r}"
    assert Path(target).name in lines[0], f"{case}: {argv}: the error does not name {target}: {lines[0]}"
    assert result.out == "", f"{case}: {argv}: {result.out!r}"


def test_every_command_works_on_the_sound_folder(template, tmp_path):
    db = tmp_path / "data"
    for argv, _ in COMMANDS:
        shutil.copytree(template / "data", db, symlinks=True)
        result = run(db, *_argv(argv, template / "week.csv"))
        assert not result.crashed and result.code in (0, 1), (argv, result)
        if argv[0] != "check":
            assert result.code == 0, (argv, result)
        shutil.rmtree(db)


CASES = [(kind, target) for kind, (targets, _) in KINDS.items() for target in targets]


@pytest.mark.parametrize(("kind", "target"), CASES, ids=[f"{kind}-{target}" for kind, target in CASES])
def test_damage_matrix(template, tmp_path, kind, target):
    damage = KINDS[kind][1]
    csv_file = template / "week.csv"
    db, outside = tmp_path / "data", tmp_path / "outside.json"
    layout = kind in ("folder instead of file", "named pipe instead of file", "symlink in", "symlink out")

    shutil.copytree(template / "data", db, symlinks=True)
    damage(db, target, outside)
    before = snapshot(db, outside)
    damaged = snapshot(db / target, outside)
    FIGURES.kinds.add(kind)
    FIGURES.cases += 1
    for argv, reads in COMMANDS:
        result = run(db, *_argv(argv, csv_file))
        FIGURES.invocations += 1
        FIGURES.tracebacks += bool(result.crashed)
        case = f"{kind} in {target}"
        if layout or target in reads:
            check_refused(result, argv, target, case)
            FIGURES.reported += argv[0] == "doctor"
            FIGURES.refused += argv[0] != "doctor"
            assert snapshot(db, outside) == before, f"{case}: {argv} changed a file"
        else:
            assert not result.crashed and result.code in (0, 1), f"{case}: {argv}: {result}"
            assert snapshot(db / target, outside) == damaged, f"{case}: {argv} changed the damaged file"
            FIGURES.unaffected += 1
            before = snapshot(db, outside)  # what it changed (elsewhere) is the folder the next command finds


# ---------------------------------------------------------------- the folder's other paths


def _outside_folder(outside: Path) -> Path:
    folder = outside.with_suffix("")
    folder.mkdir()
    (folder / "2026-11.json").write_text("{}")
    os.chmod(folder, 0o755)
    return folder


def _swap_for_link(path: Path, to: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(to)


def _first_backup(root: Path) -> Path:
    return sorted(path for path in (root / "backups").iterdir() if path.is_dir())[0]


#: Damage to the folder's other paths: each stops every command, and doctor names it.
LAYOUT: dict[str, tuple[str, Callable[[Path, Path], None]]] = {
    ".lock links out": (".lock", lambda root, outside: _swap_for_link(root / ".lock", outside)),
    ".lock is a folder": (".lock", lambda root, outside: ((root / ".lock").unlink(), (root / ".lock").mkdir())),
    ".journal.json links out": (".journal.json", lambda root, outside: (root / ".journal.json").symlink_to(outside)),
    "logs/ links out": ("logs", lambda root, outside: _swap_for_link(root / "logs", _outside_folder(outside))),
    "logs/ is a file": ("logs", lambda root, outside: (shutil.rmtree(root / "logs"), (root / "logs").write_text(""))),
    "blocks/ links in": ("blocks", lambda root, outside: _swap_for_link(root / "blocks", root / "logs")),
    "backups/ links out": ("backups", lambda root, outside: _swap_for_link(root / "backups", _outside_folder(outside))),
    "a backup links out": (
        "backups/",
        lambda root, outside: _swap_for_link(_first_backup(root), _outside_folder(outside)),
    ),
}
#: A link deep inside one backup stops only what uses that backup (restore); doctor names it, nothing follows it.
IN_A_BACKUP = ("backups/", lambda root, outside: _swap_for_link(_first_backup(root) / "planner.json", outside))
LAYOUT_COMMANDS = [
    ("list",),
    ("log", "list"),
    ("log", "add", "globex", "--start", "2026-11-24 20:00", "--end", "2026-11-24 21:00"),
    ("plan", "list"),
    ("backup", "list"),
    ("doctor",),
    ("doctor", "--repair"),
]


@pytest.mark.parametrize("name", [*LAYOUT, "a backup's file links out"])
def test_links_and_misplaced_paths_stop_every_command_and_nothing_is_followed(template, tmp_path, name):
    path, damage = LAYOUT.get(name, IN_A_BACKUP)
    db, outside = tmp_path / "data", tmp_path / "outside.json"
    shutil.copytree(template / "data", db, symlinks=True)
    outside.write_text('{"secret": true}')
    os.chmod(outside, 0o644)  # a --repair that followed a link would make it 0600
    damage(db, outside)
    before = snapshot(db, outside, outside.with_suffix(""))
    for argv in LAYOUT_COMMANDS:
        result = run(db, *argv)
        FIGURES.invocations += 1
        FIGURES.tracebacks += bool(result.crashed)
        if name in LAYOUT or argv[0] == "doctor":
            check_refused(result, argv, path, name)
            assert snapshot(db, outside, outside.with_suffix("")) == before, f"{name}: {argv} changed something"
        else:
            assert not result.crashed and result.code == 0, (argv, result)
            assert snapshot(outside)[str(outside)] == before[str(outside)]
            before = snapshot(db, outside, outside.with_suffix(""))
    FIGURES.kinds.add(name)


def test_the_data_folder_itself_may_be_a_link(template, tmp_path):
    """People keep their data elsewhere through a link: --db may name one; what is inside may not be a link."""
    shutil.copytree(template / "data", tmp_path / "real", symlinks=True)
    os.chmod(tmp_path / "real", 0o755)
    (tmp_path / "data").symlink_to(tmp_path / "real")
    added = run(tmp_path / "data", "log", "add", "globex", "--start", "2026-11-24 20:00", "--end", "2026-11-24 21:00")
    assert added.code == 0, added
    assert "globex" in run(tmp_path / "data", "log", "list").out
    assert run(tmp_path / "data", "doctor", "--repair").out.startswith("fixed: made data folder private (0700)")
    assert stat.S_IMODE((tmp_path / "real").stat().st_mode) == 0o700 and (tmp_path / "data").is_symlink()
    assert run(tmp_path / "data", "doctor").code == 0


# ---------------------------------------------------------------- unreadable paths


def test_an_unreadable_file_or_folder_is_one_line_naming_it(template, tmp_path, monkeypatch):
    """In this process, as root reads through mode 000: the error the system would give is injected."""
    db = tmp_path / "data"
    shutil.copytree(template / "data", db, symlinks=True)
    real_open, real_scandir = os.open, os.scandir

    def denied(path, *args, **kwargs):
        if Path(path) in (db / "planner.json", db / "logs"):
            raise PermissionError(13, "Permission denied", str(path))
        return (real_open if Path(path).suffix else real_scandir)(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    result = run(db, "list")
    assert result.code == 2 and result.err.startswith(f"error: cannot use {db}/planner.json: Permission denied")
    monkeypatch.setattr(os, "open", real_open)
    monkeypatch.setattr(os, "scandir", denied)
    result = run(db, "list")
    assert result.code == 2 and result.err.startswith(f"error: cannot use {db}/logs: Permission denied")
    assert len(result.err.splitlines()) == 1 and not result.crashed


def _as_someone_else() -> list[str]:
    """The prefix that runs a command as an unprivileged user: root reads through mode 000."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: mode 000 cannot be tried")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import planner.cli"], capture_output=True, cwd="/")
    if probe.returncode != 0:  # e.g. a checkout in a folder only root may enter (mktemp -d makes it 0700)
        pytest.skip("an unprivileged user cannot run planner from this checkout: mode 000 cannot be tried")
    return prefix


UNREADABLE = {
    "planner.json": ("planner.json", ("list",)),
    "a month file": ("logs/2026-11.json", ("log", "list")),
    "logs/": ("logs", ("list",)),
    ".lock": (".lock", ("log", "add", "globex", "--start", "2026-11-24 20:00", "--end", "2026-11-24 21:00")),
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_mode_000_is_one_line_naming_the_path_and_doctor_repairs_it(template, name):
    path, argv = UNREADABLE[name]
    prefix = _as_someone_else()
    place = Path(tempfile.mkdtemp(prefix="planner-damage-"))  # where the other user can reach it
    try:
        db = place / "data"
        shutil.copytree(template / "data", db, symlinks=True)
        if prefix:
            for folder, _, files in os.walk(place):
                for item in [folder, *(os.path.join(folder, name) for name in files)]:
                    os.lchown(item, 65534, 65534)
        os.chmod(db / path, 0o000)
        before = snapshot(db)

        def planner(*words: str) -> subprocess.CompletedProcess:
            env = {**os.environ, "PLANNER_DB": str(db), "PLANNER_NOW": NOW, "TZ": "Europe/Berlin", "HOME": str(place)}
            FIGURES.subprocesses += 1
            return subprocess.run(
                [*prefix, sys.executable, "-m", "planner", *words], capture_output=True, text=True, env=env, timeout=60
            )

        refused = planner(*argv)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused
        assert len(refused.stderr.splitlines()) == 1 and refused.stderr.startswith("error: "), refused.stderr
        assert f"{db}/{path}" in refused.stderr and "Permission denied" in refused.stderr, refused.stderr
        assert snapshot(db) == before
        found = planner("doctor")
        assert found.returncode == 1 and found.stderr == "" and path.rstrip("/") in found.stdout, found
        fixed = planner("doctor", "--repair")
        assert fixed.returncode == 0 and "fixed: made" in fixed.stdout, fixed
        again = planner(*argv)
        assert again.returncode == 0, again
        FIGURES.kinds.add("mode 000")
    finally:
        shutil.rmtree(place)


# ---------------------------------------------------------------- as real processes


REAL = [
    ("truncated", MAIN),
    ("bad start", LOGS),
    ("symlink out", MAIN),
    ("timer {'id': 'x'}", MAIN),
]


@pytest.mark.parametrize(("kind", "target"), REAL, ids=[f"{kind}-{target}" for kind, target in REAL])
def test_damage_as_real_processes(template, tmp_path, kind, target):
    db, outside = tmp_path / "data", tmp_path / "outside.json"
    shutil.copytree(template / "data", db, symlinks=True)
    KINDS[kind][1](db, target, outside)
    before = snapshot(db, outside)
    env = {**os.environ, "PLANNER_DB": str(db), "PLANNER_NOW": NOW, "TZ": "Europe/Berlin"}
    for argv in [("list",), ("log", "list"), ("report",), ("doctor", "--repair")]:
        if target not in dict(COMMANDS)[argv]:
            continue
        done = subprocess.run(
            [sys.executable, "-m", "planner", *argv], capture_output=True, text=True, env=env, timeout=60
        )
        FIGURES.subprocesses += 1
        result = Run(done.returncode, done.stdout, done.stderr, done.stderr if "Traceback" in done.stderr else "")
        check_refused(result, argv, target, f"{kind} in {target}")
        assert snapshot(db, outside) == before


def test_figures():
    """The figures of the runs above, for the README (pytest -s shows them)."""
    if not FIGURES.cases:
        pytest.skip("the matrix did not run")
    print(
        f"\ndamage kinds {len(FIGURES.kinds)}, matrix cases {FIGURES.cases}, commands {len(COMMANDS)}, "
        f"in-process invocations {FIGURES.invocations} (refused {FIGURES.refused}, doctor reports {FIGURES.reported}, "
        f"not reading the damaged file {FIGURES.unaffected}), subprocesses {FIGURES.subprocesses}, "
        f"tracebacks {FIGURES.tracebacks}"
    )
    assert FIGURES.tracebacks == 0
    # Under xdist this process saw only some of the cases; the table itself holds every kind.
    assert len(KINDS) + len(LAYOUT) + len(UNREADABLE) >= 22
