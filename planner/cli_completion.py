"""`planner completion bash|zsh|fish`: a completion script made from the command line's own parser (by shtab), so it
always knows every command and option; and the hidden `planner __complete names`, which the script runs on a tab to
offer the engagements' names and which answers from planner.json alone, like a prompt's `status`."""

from __future__ import annotations

import argparse
import sys

from planner.cli_common import EXIT_OK
from planner.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

SHELLS = ("bash", "zsh", "fish")
#: The commands whose NAME is an engagement that exists (not `job add NAME`, which names a new one).
NAME_TAKERS = {
    ("start",),
    ("log", "add"),
    ("plan", "add"),
    ("edit",),
    ("archive",),
    ("unarchive",),
    ("job", "edit"),
    ("client", "edit"),
}
#: Options whose value is an engagement's name, wherever they appear.
NAME_OPTIONS = ("--engagement",)


def cmd_completion(root: Path, args: argparse.Namespace) -> int:
    import shtab

    from planner.cli import build_parser

    parser = build_parser()
    names = shtab.cmd("planner __complete names 2>/dev/null")
    for path, leaf in _leaves(parser, ()):
        for action in leaf._actions:
            if (path in NAME_TAKERS and action.dest == "name") or set(action.option_strings) & set(NAME_OPTIONS):
                action.complete = names  # type: ignore[attr-defined]
            elif action.dest in ("db",) or action.metavar == "FILE":
                action.complete = shtab.DIRECTORY if action.dest == "db" else shtab.FILE  # type: ignore[attr-defined]
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return EXIT_OK


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...]):
    """Each parser of the tree with its command path, the root's included."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _leaves(sub, (*path, name))


def cmd_complete(root: Path, args: argparse.Namespace) -> int:
    """What a completion script asks on a tab: the names of the engagements not archived, one a line. Quietly
    nothing when the folder cannot be read: a tab never prints an error into the line being typed."""
    from planner.glance import Glance

    glance = Glance.read(root)
    names = glance.names() if glance is not None else None
    if names is None:
        from planner.store import Store

        names = [item.name for item in Store(root).engagements(include_archived=False)]
    for name in names:
        print(printable(name))
    return EXIT_OK


def add_completion_commands(commands) -> None:
    completion = commands.add_parser(
        "completion", help="a shell completion script: commands, options and engagement names (see README)"
    )
    completion.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    completion.set_defaults(handler=cmd_completion, folder_only=True)
    complete = commands.add_parser("__complete")  # no help: hidden from help and from completion itself
    complete.add_argument("what", choices=("names",))
    complete.set_defaults(handler=cmd_complete, folder_only=True)
