"""The core's one-line reasons say what to type at the command line ('planner unlock --week …', --max-day); on the
board the same reasons name the key, field or palette entry instead."""

from __future__ import annotations

import re

#: (pattern, what the board says instead), tried in order.
_BOARD_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"see 'planner list'"), "see the jobs and clients (E)"),
    (re.compile(r"bring it back with 'planner unarchive [^']*' first"), "restore it first (E, then x on it)"),
    (re.compile(r"unlock it with 'planner unlock[^']*'"), "unlock the week first (ctrl+p: week: unlock this week)"),
    (re.compile(r"see 'planner lock --list'"), "see the palette's week entries (ctrl+p)"),
    (re.compile(r"with 'planner stop'"), "with s"),
    (re.compile(r"(?:with|use) 'planner start[^']*'"), "with s on a block"),
    (re.compile(r"with 'planner plan rm [^']*'"), "with d on the block"),
    (re.compile(r"see 'planner plan list'"), "see the board"),
    (re.compile(r"see 'planner log list'"), "see the logs (g)"),
    (re.compile(r"with 'planner edit [^']*'"), "in its form (E, then e on it)"),
    (re.compile(r"add it with 'planner client add' or 'planner job add'"), "add it (E, then a or j)"),
    (re.compile(r"with 'planner client add'"), "in the client form (E, then a)"),
    (re.compile(r"planner settings set --name[^;,.)]*"), "the settings (S)"),
]
#: Command-line flags of the boundaries, as the boundaries form labels them.
_FIELDS = {
    "--max-week": "Max h/week",
    "--max-day": "Max h/day",
    "--outbound-share": "Outbound %",
    "--tolerance": "± points",
    "--outbound-cap": "Outbound cap h",
    "--days-off": "Days off",
    "--latest": "Latest finish",
    "--min-rest": "Min rest h",
    "--max-stretch": "Max stretch h",
    "--concentration": "One client %",
    "--concentration-min": "…once out h ≥",
    "--deadline-near": "Deadline near",
    "--timer-limit": "Timer forgotten h",
    "--remind-before": "Remind min",
    "--quiet-hours": "Quiet hours",
    "--day-start": "Day starts",
    "--day-end": "Day ends",
    "--slot": "Minutes a row",
    "--name": "Your name",
    "--email": "E-mail",
    "--task": "Default task",
    "--hours": "Hours/week",
    "--window": "Window",
    "--cap": "Cap h/week",
    "--budget": "Budget h",
    "--deadline": "Deadline",
    "--rate": "Rate/hour",
    "--currency": "Currency",
    "--round": "Round (min)",
    "--min-rate": "Min rate/h",
    "--task-stale": "Task stale days",
    "--concentration-basis": "Concentration by",
    "--concentration-months": "…income months",
    "--fixed": "Fee",
    "--retainer": "Fee",
    "--covers": "Covers h/month",
    "--overage": "Overage/hour",
    "--salary": "Salary",
    "--per": "Salary per",
    "--done": "Done on",
    "--at": "When",
}
_FLAG = re.compile(r"--[a-z][a-z-]+")


def board_words(text: str) -> str:
    """`text` (a reason from the core) worded for the board: keys, fields and palette entries, not commands."""
    for pattern, instead in _BOARD_WORDS:
        text = pattern.sub(instead, text)
    return _FLAG.sub(lambda match: _FIELDS.get(match[0], match[0]), text)
