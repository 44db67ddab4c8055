"""`planner completion bash|zsh|fish`: a completion script made from the command line's own parser (by shtab), so it
always knows every command and option; and the hidden `planner __complete names|jobs|clients|archived`, which the
script runs on a tab to offer engagement names and which answers from planner.json alone, like a prompt's `status`.

A name is data, never code: each shell gets a function that reads the names line by line and hands them to the
shell's own completion as literal words (bash quotes them with printf %q, zsh's compadd and fish quote them
themselves). A name such as `g$(touch x)` is offered as that text and never run.
"""

from __future__ import annotations

import argparse
import sys

from planner.cli_common import EXIT_OK
from planner.text import printable

SHELLS = ("bash", "zsh", "fish")
#: What `__complete` lists: the engagements not archived, the jobs or the clients among them, the archived ones.
LISTS = ("names", "jobs", "clients", "archived")
#: The commands whose NAME is an engagement that exists (not `job add NAME`, which names a new one), and which list.
NAME_TAKERS = {
    ("start",): "names",
    ("log", "add"): "names",
    ("plan", "add"): "names",
    ("edit",): "names",
    ("archive",): "names",
    ("unarchive",): "archived",
    ("job", "edit"): "jobs",
    ("client", "edit"): "clients",
}
#: Options whose value is an engagement's name, wherever they appear.
NAME_OPTIONS = ("--engagement",)

# Each shell's function: $1 / first argument is the list; it passes on a --db typed earlier on the line.
BASH = r"""
# planner's names, one a line, matched to the word being completed and quoted for the command line: never run
_planner_complete() {
  local what="$1" cur="$2" i word name folder=
  local -a db=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${COMP_WORDS[i]}"
    if [[ "$word" == --db && "${COMP_WORDS[i+1]}" == "=" ]]; then folder="${COMP_WORDS[i+2]}"
    elif [[ "$word" == --db ]]; then folder="${COMP_WORDS[i+1]}"
    elif [[ "$word" == --db=* ]]; then folder="${word#--db=}"
    fi
  done
  if [[ -n "$folder" ]]; then  # the word as typed: its quotes and backslashes taken off, never evaluated
    if [[ "$folder" == \'*\' || "$folder" == \"*\" ]]; then folder="${folder:1:${#folder}-2}"
    else folder="${folder//\\ / }"
    fi
    db=(--db "$folder")
  fi
  while IFS= read -r name; do
    name="$(printf '%q' "$name")"
    [[ "$name" == "$cur"* ]] && printf '%s\n' "$name"
  done < <(planner "${db[@]}" __complete "$what" 2>/dev/null)
}
"""
ZSH = r"""
# planner's names, one a line, added as literal words (compadd quotes them): never run
_planner_complete() {
  local -a found db line
  local i
  line=(${(z)BUFFER})  # the whole line (completion may have shifted $words past the command), split as zsh reads it
  for ((i = 2; i < $#line; i++)); do
    case "${line[i]}" in
      --db) db=(--db "${(Q)line[i+1]}") ;;
      --db=*) db=(--db "${(Q)${line[i]#--db=}}") ;;
    esac
  done
  found=(${(f)"$(planner $db __complete $1 2>/dev/null)"})
  compadd -a found
}
"""
FISH = r"""
# planner's names, one a line (fish takes each line as one literal word)
function __planner_complete --argument-names what
    set -l db
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        if test "$tokens[$i]" = --db; and test $i -lt (count $tokens)
            set db --db $tokens[(math $i + 1)]
        else if string match -q -- '--db=*' $tokens[$i]
            set db --db (string replace -- '--db=' '' $tokens[$i])
        end
    end
    planner $db __complete $what 2>/dev/null
end
"""


#: One name function a list, each calling the shell's _planner_complete (the same text for every argument, so that
#: shtab writes it once).
_SHIMS = "".join(f'\n_planner_{what}() {{ _planner_complete {what} "$@"; }}\n' for what in LISTS)


def _completer(what: str) -> dict[str, object]:
    """shtab's completion of one argument by the shell functions above."""
    return {
        "bash": f"_planner_{what}",
        "zsh": f"_planner_{what}",
        "fish": f"(__planner_complete {what})",
        "preamble": {"bash": BASH + _SHIMS, "zsh": ZSH + _SHIMS, "fish": FISH},
    }


def cmd_completion(root: None, args: argparse.Namespace) -> int:
    import shtab

    from planner.cli import build_parser

    parser = build_parser()
    for path, leaf in _leaves(parser, ()):
        for action in leaf._actions:
            if path in NAME_TAKERS and action.dest == "name":
                action.complete = _completer(NAME_TAKERS[path])  # type: ignore[attr-defined]
            elif set(action.option_strings) & set(NAME_OPTIONS):
                action.complete = _completer("names")  # type: ignore[attr-defined]
            elif action.dest == "db":
                action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
            elif action.metavar in ("FILE", "PATH"):
                action.complete = shtab.FILE  # type: ignore[attr-defined]
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return EXIT_OK


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...]):
    """Each parser of the tree with its command path, the root's included."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _leaves(sub, (*path, name))


def cmd_complete(root: str, args: argparse.Namespace) -> int:
    """What a completion script asks on a tab: names, one a line. A tab never shows an error in the line being
    typed: the scripts send standard error away."""
    from planner.glance import Glance

    kind = {"jobs": "inbound", "clients": "outbound"}.get(args.what)
    archived = args.what == "archived"
    glance = Glance.read(root)
    names = glance.names(kind=kind, archived=archived) if glance is not None else None
    if names is None:
        from planner.store import Store

        names = [
            item.name
            for item in Store(root).engagements(include_archived=True)
            if item.archived == archived and kind in (None, item.kind)
        ]
    for name in names:
        print(printable(name))
    return EXIT_OK


def add_completion_commands(commands) -> None:
    completion = commands.add_parser(
        "completion", help="a shell completion script: commands, options and engagement names (see README)"
    )
    completion.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    completion.set_defaults(handler=cmd_completion, no_folder=True)
    complete = commands.add_parser("__complete")  # no help: hidden from help and from completion itself
    complete.add_argument("what", choices=LISTS)
    complete.set_defaults(handler=cmd_complete, folder_only=True)
