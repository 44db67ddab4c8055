"""Opening the export form and writing the export off the UI thread, with progress on the reports screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from planner.errors import PlannerError
from planner.text import printable
from planner_widgets.form_export import ExportRequest, export_fields, export_request
from planner_widgets.forms import ChoiceScreen, FormScreen, Values

if TYPE_CHECKING:
    from planner_widgets.app import PlannerApp


def open_export_form(
    app: PlannerApp, monday: date, fmt: str = "csv", on_progress: Callable[[int, int], None] | None = None
) -> None:
    """The export form for the week of `monday`; `on_progress` (the reports screen's bar) follows the export."""
    waiting: list[ExportRequest] = []  # an export over an existing file, to confirm once the form has closed

    def submit(values: Values) -> str | None:
        try:
            request = export_request(app.store, values, monday)
        except PlannerError as error:
            return str(error)
        if request.path.exists():
            waiting.append(request)
        else:
            run_export(app, request, on_progress=on_progress)
        return None

    def closed(saved: bool | None) -> None:
        """Once the form has closed: ask before an export replaces a file."""
        if not saved or not waiting:
            return
        request = waiting.pop()

        def chosen(answer: str | None) -> None:
            if answer == "replace":
                run_export(app, request, replace=True, on_progress=on_progress)

        app.push_screen(
            ChoiceScreen(f"{printable(str(request.path))} exists. Replace it?", [("replace", "Replace it")]), chosen
        )

    app.push_screen(FormScreen("Export", export_fields(app.engagement_names(), monday, fmt), submit), closed)


def run_export(
    app: PlannerApp,
    request: ExportRequest,
    *,
    replace: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Read, render and write the export in a worker thread; the result or the reason comes back as a toast, the
    progress (months read of all) to `on_progress` on the UI thread."""
    from planner.exports import build_export, record_export, write_export

    def progress(done: int, total: int) -> None:
        if on_progress is not None:
            app.call_from_thread(on_progress, done, total)

    def work() -> None:
        try:
            result = build_export(
                app.store,
                request.fmt,
                request.first,
                request.last,
                names=request.names,
                stamp=app.clock(),
                progress=progress,
                raw=request.raw,
            )
            write_export(request.path, result.text, replace=replace)
            warning = None if request.fmt == "ics" else record_export(app.store, request.first, request.last,
                                                                       request.names, None)  # fmt: skip
            if warning is not None:
                app.call_from_thread(app.notify, printable(warning), severity="warning", timeout=12)
        except PlannerError as error:
            app.call_from_thread(app.notify, str(error), severity="error", timeout=10)
            return
        finally:
            progress(1, 1)
        note = " The running timer is not in it." if result.skipped_running else ""
        app.call_from_thread(app.notify, f"Wrote {result.count()} to {request.path}.{note}", timeout=8)
        for warning in result.warnings:
            app.call_from_thread(app.notify, printable(warning), severity="warning", timeout=12)

    app.run_worker(work, thread=True, exclusive=True, group="export")
