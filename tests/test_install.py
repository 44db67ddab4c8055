"""The README's first command on a fresh machine: a plain (not editable) install of the wheel opens the board."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.install_check import check


@pytest.mark.skipif(
    os.environ.get("PLANNER_INSTALL_CHECKED") == "1", reason=".ci/run ran this same check as a step of its own"
)
def test_the_wheel_installs_into_a_fresh_environment_and_opens_the_demo_board():
    with tempfile.TemporaryDirectory(prefix="planner-install-check-") as work:
        seen = check(Path(work))
    assert any("painted the board" in line for line in seen), seen
