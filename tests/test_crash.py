"""A bug in planner never shows a traceback and never exits 0: one line on stderr names the problem and a report file
(mode 0600, in the data folder) holds the traceback; the data stays as it was."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from planner import cli as planner_cli
from planner.crash import EXIT_CRASH
from tests.helpers import snapshot_files
from tests.terminal import run_in_terminal


def _crash_logs(folder: Path) -> list[Path]:
    return sorted(folder.glob("crash-*.log"))


def test_an_unexpected_exception_in_a_command_is_one_line_and_a_report(cli, data_dir, monkeypatch, capsys):
    assert cli("client", "add", "globex", "--rate", "90").code == 0
    before = snapshot_files(data_dir)

    def broken(store, args):
        raise RuntimeError("the engine fell off")

    parser = planner_cli.build_parser()
    original = parser.parse_args

    def parse(argv=None):
        args = original(argv)
        args.handler = broken
        return args

    monkeypatch.setattr(parser, "parse_args", parse)
    monkeypatch.setattr(planner_cli, "build_parser", lambda wanted=None: parser)
    monkeypatch.setenv("PLANNER_DB", str(data_dir))
    code = planner_cli.main(["list"])
    err = capsys.readouterr().err
    assert code == EXIT_CRASH
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: planner failed unexpectedly (RuntimeError: the engine")
    assert "Traceback" not in err
    [report] = _crash_logs(data_dir)
    assert str(report) in lines[0]
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert "Traceback" in text and "the engine fell off" in text and "command: planner list" in text
    assert snapshot_files(data_dir) == before


def test_the_report_goes_to_the_temporary_folder_when_the_data_folder_cannot_take_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    from planner import crash

    code = crash.report(ValueError("boom"), tmp_path / "missing", ["status"])
    assert code == EXIT_CRASH
    assert _crash_logs(tmp_path / "tmp")
    assert "boom" in capsys.readouterr().err


BOARD_THAT_BREAKS = """
import sys
import termios
from planner_widgets import board_screen
def broken(self):
    raise ZeroDivisionError("the board divided by zero")
board_screen.BoardScreen.action_help = broken
from planner.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_crash_of_the_board_exits_non_zero_with_one_line_and_a_report(cli, data_dir, tmp_path):
    assert cli("client", "add", "globex", "--rate", "90").code == 0
    before = snapshot_files(data_dir)
    env = {**os.environ, "PLANNER_DB": str(data_dir), "TERM": "xterm-256color"}
    session = run_in_terminal(
        [sys.executable, "-c", BOARD_THAT_BREAKS], env=env, cwd=tmp_path, keys=b"?", painted=b"2026-W48"
    )
    assert session.painted, session.screen[-500:]
    code, printed = session.code, session.after
    assert code == EXIT_CRASH, (code, printed)
    lines = printed.strip().splitlines()
    assert len(lines) == 1 and "ZeroDivisionError: the board divided by zero" in lines[0], printed
    assert lines[0].startswith("error: ") and "Traceback" not in printed
    [report] = _crash_logs(data_dir)
    assert "ZeroDivisionError" in report.read_text()
    assert snapshot_files(data_dir) == before
