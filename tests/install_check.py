"""Install planner as a user does and open the board: build the wheel, install it (not editable) into a fresh
virtual environment outside the source tree, and run `planner demo` on a pseudo-terminal until the board paints,
then quit it with `q`. An editable install hides package files the wheel forgets; this does not.

    python -m tests.install_check [--keep]      (.ci/run runs it; tests/test_install.py too)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.terminal import run_in_terminal

ROOT = Path(__file__).resolve().parents[1]


class CheckFailed(Exception):
    pass


def _run(argv: list[str], **options) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True, **options)
    if done.returncode != 0:
        raise CheckFailed(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def check(work: Path) -> list[str]:
    """Run every step in `work` (outside the source tree); returns what was seen, raises CheckFailed."""
    seen: list[str] = []
    started = time.monotonic()
    dist, venv, home = work / "dist", work / "venv", work / "home"
    home.mkdir()
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)], cwd=work)
    [wheel] = dist.glob("planner-*.whl")
    seen.append(f"built {wheel.name}")
    _run([sys.executable, "-m", "venv", str(venv)], cwd=work)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], cwd=work)
    seen.append(f"installed it into a fresh environment in {time.monotonic() - started:.0f} s")
    where = _run(
        [
            str(python),
            "-c",
            "import planner, planner_widgets.app as a; print(planner.__file__); print(a.PlannerApp.CSS_PATH)",
        ],
        cwd=work,
    ).stdout.split()
    for path in where:
        if Path(path).resolve().is_relative_to(ROOT):
            raise CheckFailed(f"the installed planner was imported from the source tree: {path}")
        if not Path(path).is_file():
            raise CheckFailed(f"the installed package lacks {path}")
    site = Path(where[0]).parent.parent
    if (site / "widgets").exists():
        raise CheckFailed(f"the wheel installs a top-level `widgets` package into {site}, where others' would clash")
    seen.append(f"imports from {site}, the board's widgets as planner_widgets")
    env = {key: value for key, value in os.environ.items() if key not in ("PLANNER_DB", "PLANNER_NOW", "PYTHONPATH")}
    env.update({"HOME": str(home), "TERM": "xterm-256color", "XDG_DATA_HOME": str(home / "data")})
    session = run_in_terminal(
        [str(venv / "bin" / "planner"), "demo"], env=env, cwd=work, keys=b"q", painted=b"acme-corp"
    )
    if not session.painted:
        raise CheckFailed(f"`planner demo` never painted the board:\n{session.screen[-3000:].decode(errors='replace')}")
    if session.code != 0:
        raise CheckFailed(f"`planner demo` exited {session.code} after q:\n{session.after[-3000:]}")
    seen.append("`planner demo` painted the board on a 120x40 terminal and quit with q, exit 0")
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the work folder and print where it is")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="planner-install-check-"))
    try:
        for line in check(work):
            print(f"install check: {line}")
    except CheckFailed as failure:
        print(f"install check FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"install check: work folder {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("install check: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
