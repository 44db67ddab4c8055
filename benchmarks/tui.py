"""How fast the board opens and switches weeks on a 100,000-entry history.

    python benchmarks/tui.py [--runs N] [--size 100000]

1. Launch to a painted board, as whole processes (headless, 120×40), against a bare Textual app with the same
   widgets (header, board area, side panel, footer with the same keys) that paints and exits, each once its footer
   shows its keys: medians of N
   interleaved runs and their ratio. Target ≤ 1.3×.
2. In-process week switch: reading the week, laying it out and rendering the board, panel and header (median of 30,
   target ≤ 50 ms), and for reference the Pilot round trip of a `]` keypress, which adds Pilot's own waiting.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from cli import build_history, compile_planner  # noqa: E402

#: Both apps exit the same way: once painted, when the footer shows its keys (they arrive a refresh after the first
#: paint), so neither is timed to an earlier point than the other.
EXIT_ONCE_PAINTED = """
    def exit_once_painted(self):
        if self.query("FooterKey"):
            self.exit()
        else:
            self.call_after_refresh(self.exit_once_painted)
"""

LAUNCH_PLANNER = (
    """
from planner_widgets.app import PlannerApp
from planner.store import Store

class Once(PlannerApp):
    def board_ready(self):
        super().board_ready()
        self.call_after_refresh(self.exit_once_painted)
"""
    + EXIT_ONCE_PAINTED
    + """
Once(Store()).run(headless=True, size=(120, 40))
"""
)

LAUNCH_BARE = (
    """
from textual.app import App
from textual.containers import Horizontal
from textual.widgets import Footer, Static
from planner_widgets.keys import bindings

class Bare(App):
    BINDINGS = bindings()

    def compose(self):
        yield Static("header")
        with Horizontal():
            yield Static("board")
            yield Static("panel")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit_once_painted)
"""
    + EXIT_ONCE_PAINTED
    + """
Bare().run(headless=True, size=(120, 40))
"""
)


def launch(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"benchmark: launch failed: {done.stderr.strip()[-500:]}")
    return elapsed


def week_switches(root: Path, count: int) -> tuple[list[float], list[float]]:
    """(work, round trip) per switch. Work: read the week, lay it out and render every line of the board, the
    panel and the header, as the next screen update will. Round trip: a `]` keypress through Pilot until idle,
    which adds Pilot's own waiting and Textual's frame pacing."""
    from planner.store import Store
    from planner_widgets.app import make_app

    app = make_app(Store(root))
    work: list[float] = []
    trips: list[float] = []

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.board_screen
            board, header, panel = screen.board, screen.header, screen.panel
            for step in range(count):
                started = time.perf_counter()
                screen.action_week(1 if step % 2 == 0 else -1)
                for y in range(board.size.height):
                    board.render_line(y)
                panel.render()
                header.render()
                work.append(time.perf_counter() - started)
                await pilot.pause()
            for step in range(count):
                started = time.perf_counter()
                await pilot.press("right_square_bracket" if step % 2 == 0 else "left_square_bracket")
                await pilot.pause()
                trips.append(time.perf_counter() - started)

    asyncio.run(run())
    return work, trips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    compile_planner()
    from datetime import date, timedelta

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        build_history(root, args.size, date.today() - timedelta(days=1))
        env = {**os.environ, "PLANNER_DB": str(root), "PYTHONPATH": str(ROOT)}
        planner_times, bare_times = [], []
        for _ in range(args.runs):
            bare_times.append(launch(LAUNCH_BARE, env))
            planner_times.append(launch(LAUNCH_PLANNER, env))
        bare, board = statistics.median(bare_times), statistics.median(planner_times)
        print(f"launch to painted board, {args.size:,} entries, median of {args.runs}:")
        print(f"  bare Textual app   {bare * 1000:7.1f} ms")
        print(f"  planner board      {board * 1000:7.1f} ms   {board / bare:.2f}× bare")
        work, trips = week_switches(root, 30)
        print(f"week switch, in process, median of {len(work)}:")
        print(f"  read + lay out + render  {statistics.median(work) * 1000:6.1f} ms  (slowest {max(work) * 1000:.1f})")
        print(f"  Pilot keypress to idle   {statistics.median(trips) * 1000:6.1f} ms  (includes Pilot's waits)")


if __name__ == "__main__":
    main()
