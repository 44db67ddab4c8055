"""Textual widgets, screens and styles of planner's board. Widgets talk to the core through planner.store.Store."""
