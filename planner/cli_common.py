"""What every command of the command line shares: its argument parser, exit codes, tables, JSON and ranges."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from planner.errors import StoreError, ValidationError
from planner.schedule import hours, next_month, parse_date, parse_month, parse_week, today, week_label
from planner.text import cells as text_cells
from planner.text import pad, printable, safe_json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EXIT_OK, EXIT_WARN, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one `error:` line and exit 2, like every other bad input.

    It builds only the commands a run names (see `command_words`): `wanted` is the command path still to come at
    this level, None to build every command (for help, completion scripts and lines it cannot read ahead). Building
    all seventy parsers costs more than the whole of `planner status`."""

    def __init__(self, *args: Any, wanted: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self.wanted = wanted
        self.register("action", "parsers", _LazySubParsers)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", _Parser)
        action = super().add_subparsers(**kwargs)
        action.wanted = self.wanted  # type: ignore[attr-defined]
        return action

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ValidationError(f"{message} (see '{self.prog} --help')")


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, told the terminal's width: left to find it, argparse imports shutil (and with it bz2,
    lzma and fnmatch) for every option a parser adds, which cost every command two milliseconds."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size finds it: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Unbuilt:
    """The parser of a command this run does not use: every call that would build it does nothing."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return self._ignore

    def _ignore(self, *args: object, **kwargs: object) -> _Unbuilt:
        return self


class _LazySubParsers(argparse._SubParsersAction):
    """Subcommands that build only the wanted one; the others are names and help lines (enough for an error that
    lists the choices, and for the help of their parent)."""

    wanted: tuple[str, ...] | None = None

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if self.wanted is None or self.wanted[0] == name:
            kwargs["wanted"] = (self.wanted[1:] or None) if self.wanted is not None else None
            return super().add_parser(name, **kwargs)
        if "help" in kwargs:
            self._choices_actions.append(self._ChoicesPseudoAction(name, (), kwargs["help"]))
        unbuilt = _Unbuilt()
        self._name_parser_map[name] = unbuilt  # type: ignore[assignment]
        return unbuilt


def command_words(words: Sequence[str]) -> tuple[str, ...] | None:
    """The command path a command line names ('log', 'add'; the words before its first option), so that only its
    parsers are built; None when every parser is needed: help, an unknown option, or no command at all."""
    path: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if not path and word == "--db":
            index += 2
        elif not path and word.startswith("--db="):
            index += 1
        elif word.startswith("-"):
            break
        else:
            path.append(word)
            index += 1
    return tuple(path) or None


def _print_json(data: object) -> None:
    try:  # Infinity and NaN are not JSON: input refuses them, so one here is a bug or a damaged file, never output
        text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
    except ValueError:
        raise StoreError(
            "a number to print is infinite or not a number; nothing was printed (see 'planner doctor')"
        ) from None
    # Data, not terminal text: exact, with C1 and bidirectional characters as \u escapes like JSON's own for C0.
    sys.stdout.write(safe_json(text) + "\n")


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> str:
    cells = [[printable(str(cell)) for cell in row] for row in rows]  # a note's newline or ESC must not break the table
    # widths in terminal cells, not characters: 東京商事 takes 8 cells, as much as globex2 and a space
    widths = [max(text_cells(str(headers[i])), *(text_cells(row[i]) for row in cells)) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [pad(cell, widths[i], right=i in right) for i, cell in enumerate(row)]
        return "  ".join(parts).rstrip()

    return "\n".join([line([str(h) for h in headers]), *(line(row) for row in cells)])


def _hours_number(seconds: float) -> float:
    return round(hours(seconds), 4)


def _range(args: argparse.Namespace) -> tuple[date, date, str]:
    """The days a listing covers: --week (default this week), --month, or --from/--to (inclusive)."""
    if getattr(args, "month", None):
        first = parse_month(args.month)
        return first, next_month(first) - timedelta(days=1), first.strftime("%Y-%m")
    if args.from_ or args.to:
        if not args.from_:
            raise ValidationError("--to needs --from; give both dates as YYYY-MM-DD")
        first = parse_date(args.from_)
        last = parse_date(args.to) if args.to else today()
        if last < first:
            raise ValidationError(f"--to {last.isoformat()} is before --from {first.isoformat()}; swap them")
        return first, last, f"{first.isoformat()} to {last.isoformat()}"
    monday = parse_week(args.week)
    return monday, monday + timedelta(days=6), week_label(monday)


def _add_range_options(parser: argparse.ArgumentParser, month: bool) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--week", metavar="W", help="ISO week (2026-W48) or a date in it; default this week")
    if month:
        group.add_argument("--month", metavar="YYYY-MM")
    group.add_argument("--from", dest="from_", metavar="D", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", metavar="D", help="last day, inclusive (default today)")
