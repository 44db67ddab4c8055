"""Run a program on a pseudo-terminal as a person would: type keys once something shows, read what it printed."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Session:
    code: int
    painted: bool  # whether the text waited for showed up before the keys were typed
    screen: bytes  # everything written to the terminal
    after: str  # printed after the program left the alternate screen, escape sequences removed


def run_in_terminal(
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    keys: bytes,
    painted: bytes,
    size: tuple[int, int] = (120, 40),
    timeout: float = 60,
) -> Session:
    """Run argv on a pseudo-terminal of `size` (columns, rows); Textual draws on stderr, so stdin, stdout and
    stderr are all the terminal. Type `keys` once `painted` shows, then wait for the program to end."""
    primary, secondary = pty.openpty()
    columns, rows = size
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    os.set_blocking(primary, False)
    process = subprocess.Popen(argv, stdin=secondary, stdout=secondary, stderr=secondary, env=env, cwd=cwd)
    os.close(secondary)
    screen = b""
    deadline = time.monotonic() + timeout
    sent = False

    def drain(wait: float) -> bool:
        nonlocal screen
        ready, _, _ = select.select([primary], [], [], wait)
        if not ready:
            return False
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            return False
        screen += chunk
        return bool(chunk)

    try:
        while process.poll() is None and time.monotonic() < deadline:
            drain(0.2)
            if not sent and painted in _plain(screen):
                time.sleep(0.5)
                os.write(primary, keys)
                sent = True
        if not sent:
            process.kill()
        code = process.wait(timeout=30)
        while drain(0.2):
            pass
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    tail = screen.rsplit(b"\x1b[?1049l", 1)[-1]  # what follows the board leaving the alternate screen
    return Session(code, sent, screen, _plain(tail).decode(errors="replace").replace("\r", ""))


def _plain(output: bytes) -> bytes:
    """Terminal output without its escape sequences (colours, cursor moves), so words painted in pieces join."""
    return re.sub(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])", b"", output)
