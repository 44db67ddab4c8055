"""The words planner keeps in its files and takes on the command line: the two sides of work, the kinds of people
work is handed to and a delegated task's statuses. Kept apart from the model, which loads dataclasses, so that the
command line can offer them as choices without loading it."""

from __future__ import annotations

INBOUND = "inbound"
OUTBOUND = "outbound"
KINDS = (INBOUND, OUTBOUND)

ONGOING, ONE_OFF = "ongoing", "one-off"
PERSON_KINDS = (ONGOING, ONE_OFF)
DRAFT, SENT, IN_PROGRESS, REVIEW, DONE, CANCELLED = "draft", "sent", "in-progress", "review", "done", "cancelled"
STATUSES = (DRAFT, SENT, IN_PROGRESS, REVIEW, DONE, CANCELLED)
CLOSED = frozenset((DONE, CANCELLED))
SELF = "self"  # `task add --for self`: the user's own business, no engagement
