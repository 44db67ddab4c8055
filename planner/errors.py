"""The errors planner reports to a person: one line that says what is wrong and what to do."""


class PlannerError(Exception):
    """Anything the user can fix. The message is one readable line."""


class ValidationError(PlannerError):
    """Input that planner refuses; nothing was written."""


class StoreError(PlannerError):
    """A data file planner will not read or write; it was left untouched."""
