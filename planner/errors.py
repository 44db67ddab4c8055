"""The errors planner reports to a person: one line that says what is wrong and what to do."""


def _one_line(message: str) -> str:
    # Messages quote what the person typed; a newline or control character in it must not break the one line.
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in message)


class PlannerError(Exception):
    """Anything the user can fix. The message is one readable line."""

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message))


class ValidationError(PlannerError):
    """Input that planner refuses; nothing was written."""


class StoreError(PlannerError):
    """A data file planner will not read or write; it was left untouched."""
