"""Issue 17: shell completion. `planner completion bash|zsh|fish` prints a script made from the parser; a tab offers
commands, options and the engagements' names (through the hidden, fast `planner __complete names`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import planner.cli as planner_cli
from planner.cli_completion import SHELLS

BIN = str(Path(sys.executable).parent)  # where this environment's `planner` is, as a completion script calls it


#: A name that is a shell command in disguise (it could come in with an import): a tab must offer it as text.
HOSTILE = "g$(touch${IFS}pwned)"


@pytest.fixture
def folder(cli, data_dir) -> Path:
    for step in (
        ("job", "add", "acme-corp", "--hours", "32"),
        ("client", "add", "globex", "--rate", "90"),
        ("client", "add", "gamma", "--rate", "90"),
        ("client", "add", "old-co", "--rate", "90"),
        ("archive", "old-co"),
        ("client", "add", HOSTILE, "--rate", "90"),
        ("client", "add", "big corp", "--rate", "90"),
        ("client", "add", "it's", "--rate", "90"),
    ):
        assert cli(*step).code == 0, step
    return data_dir


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "PLANNER_DB": str(folder)}


def _public_commands() -> list[str]:
    parser = planner_cli.build_parser()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    return [choice.dest for choice in commands._get_subactions()]


@pytest.mark.parametrize("shell", SHELLS)
def test_the_script_knows_every_command_and_asks_planner_for_names(cli, shell) -> None:
    done = cli("completion", shell)
    assert done.code == 0 and done.err == ""
    for command in _public_commands():
        assert command in done.out, command
    assert re.search(r'__complete "?\$(what|1)', done.out)  # names come from the hidden command
    assert "__complete:" not in done.out and "'__complete'" not in done.out  # which is not offered itself


def test_an_unknown_shell_is_one_line(cli) -> None:
    done = cli("completion", "tcsh")
    assert done.code == 2 and done.err.startswith("error: argument SHELL: invalid choice: 'tcsh'")


def test_names_are_the_engagements_not_archived_and_hidden_from_help(cli, folder) -> None:
    names = ["acme-corp", "globex", "gamma", HOSTILE, "big corp", "it's"]
    assert cli("__complete", "names").out.splitlines() == names
    assert cli("__complete", "jobs").out.splitlines() == ["acme-corp"]
    assert cli("__complete", "clients").out.splitlines() == names[1:]
    assert cli("__complete", "archived").out.splitlines() == ["old-co"]
    assert "__complete" not in cli("--help").out
    (folder / ".seal.json").unlink()  # the long way says the same
    assert cli("__complete", "names").out.splitlines() == names
    assert cli("__complete", "archived").out.splitlines() == ["old-co"]


BASH_PROBE = """
source "$1"
t() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
  _shtab_planner planner "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
  echo "${COMPREPLY[*]}"
}
t planner st
t planner start g
t planner log add ""
t planner report --ch
t planner export --engagement a
t planner start b
t planner start i
t planner unarchive ""
t planner job edit ""
t planner --db "$2" start ""
"""


def test_bash_completes_commands_options_and_names_as_text(cli, folder, tmp_path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("no bash here")
    script = tmp_path / "planner.bash"
    script.write_text(cli("completion", "bash").out)
    empty = tmp_path / "empty"
    done = subprocess.run(
        ["bash", "--norc", "-c", BASH_PROBE, "probe", str(script), str(empty)],
        capture_output=True,
        text=True,
        env=_env(folder),
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "start stop status",
        "globex gamma g\\$\\(touch\\$\\{IFS\\}pwned\\)",  # quoted for the line, never run
        "acme-corp globex gamma g\\$\\(touch\\$\\{IFS\\}pwned\\) big\\ corp it\\'s",
        "--chart",
        "acme-corp",
        "big\\ corp",
        "it\\'s",
        "old-co",
        "acme-corp",
        "",  # --db typed on the line is the folder asked: an empty one has no names
    ]
    assert not (tmp_path / "pwned").exists()


def test_fish_completes_commands_and_names_as_text(cli, folder, tmp_path) -> None:
    if shutil.which("fish") is None:
        pytest.skip("no fish here")
    script = tmp_path / "planner.fish"
    script.write_text(cli("completion", "fish").out)
    probe = (
        f"source {script}; complete -C 'planner sta'; echo SPLIT; complete -C 'planner start g'; echo SPLIT; "
        "complete -C 'planner unarchive '"
    )
    done = subprocess.run(
        ["fish", "--no-config", "-c", probe], capture_output=True, text=True, env=_env(folder), cwd=tmp_path, timeout=60
    )
    assert done.returncode == 0, done.stderr
    first, names, archived = done.stdout.split("SPLIT\n")
    assert [line.split("\t")[0] for line in first.splitlines()] == ["start", "status"]
    assert [line.split("\t")[0] for line in names.splitlines()] == ["globex", "gamma", HOSTILE]
    assert [line.split("\t")[0] for line in archived.splitlines()] == ["old-co"]
    assert not (tmp_path / "pwned").exists()


def test_zsh_loads_the_script_and_asks_for_names_only_through_its_function(cli, folder, tmp_path) -> None:
    """zsh evaluates what a completion spec's `(...)` holds: names reach it only through compadd, as data."""
    script = cli("completion", "zsh").out
    assert script.count("__complete") == 1 and "compadd -a found" in script
    assert ":NAME:_planner_names" in script and ":NAME:_planner_archived" in script
    assert script.count(":NAME:_planner_names") >= 6 and ":NAME:_planner_jobs" in script  # edit and job edit too
    assert '"mon-fri' not in script  # a metavar with quotes broke the specs after it
    if shutil.which("zsh") is None:
        pytest.skip("no zsh here")
    functions = tmp_path / "zfunc"
    functions.mkdir()
    (functions / "_planner").write_text(script)
    probe = f"fpath=({functions} $fpath); autoload -Uz compinit && compinit -u -D; print -r -- $_comps[planner]"
    done = subprocess.run(["zsh", "-f", "-c", probe], capture_output=True, text=True, env=_env(folder), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "_planner"


def test_a_script_needs_no_data_folder(tmp_path) -> None:
    env = {**os.environ, "PLANNER_DB": "~nobody-here-at-all/x"}
    done = subprocess.run(
        [sys.executable, "-m", "planner", "completion", "fish"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0 and "complete -c planner" in done.stdout
