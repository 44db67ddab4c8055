"""The errors planner reports to a person: one line that says what is wrong and what to do."""

from planner.text import printable


def _one_line(message: str) -> str:
    # Messages quote what the person typed; a newline, control or bidirectional character in it must neither break
    # the one line nor reach the terminal.
    return printable(message)


class PlannerError(Exception):
    """Anything the user can fix. The message is one readable line."""

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))


class ValidationError(PlannerError):
    """Input that planner refuses; nothing was written."""


class StoreError(PlannerError):
    """A data file planner will not read or write; it was left untouched."""
