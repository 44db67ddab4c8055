"""planner: a keyboard-driven weekly planner for inbound jobs and outbound clients."""

__version__ = "0.1.0"
