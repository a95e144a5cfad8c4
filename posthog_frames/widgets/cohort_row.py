"""A FilterBuilder row for cohort membership: "in" / "not in" and a cohort picked by name.

The project's cohorts come from ``client.cohorts()`` (by name, with their id and size); without
a client, or when PostHog refuses the list, the cohort's id is typed instead. The row's filter
is a :class:`~posthog_frames.InCohort` or :class:`~posthog_frames.NotInCohort`.

Example:
    >>> builder = phf.FilterBuilder(client)
    >>> row = builder.add_cohort_row()
    >>> row.cohort.value = 1
    >>> builder.filters
    [InCohort(1)]
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from posthog_frames.cohort_filters import InCohort, NotInCohort
from posthog_frames.filters import PropertyFilter
from posthog_frames.widgets.catalog import PropertyCatalog
from posthog_frames.widgets.rows import RowHost

__all__ = ["CohortRow"]

log = logging.getLogger("posthog_frames")

_OPERATORS = [("in cohort", "in"), ("not in cohort", "not_in")]
_WARN = "#b45309"


class CohortRow(w.HBox):
    """Operator (``in`` / ``not in``) and cohort controls for one cohort filter.

    Controls: ``operator`` (Dropdown), ``cohort`` (Dropdown of ``(name, id)`` from the project's
    cohorts, or an IntText for the id when they cannot be listed), ``remove_button``,
    ``message``. ``filter`` is the row's InCohort/NotInCohort or None, ``problem`` why not.
    """

    def __init__(
        self, host: RowHost, catalog: PropertyCatalog, loaded: PropertyFilter | None = None
    ) -> None:
        super().__init__(layout=w.Layout(align_items="center", margin="2px 0"))
        self._host = host
        self.filter: PropertyFilter | None = None
        self.problem: str | None = None
        self.operator = w.Dropdown(options=_OPERATORS, layout=w.Layout(width="170px"))
        choices = catalog.cohort_options()
        wanted = loaded.value if loaded is not None else None
        if choices:
            known = {cid for _, cid in choices}
            if wanted is not None and wanted not in known:  # a cohort the list does not have
                choices = [*choices, (f"cohort #{wanted}", wanted)]
            self.cohort: w.ValueWidget = w.Dropdown(
                options=[("choose a cohort", None), *choices], layout=w.Layout(width="280px")
            )
        else:
            self.cohort = w.IntText(description="cohort id", layout=w.Layout(width="200px"))
        self.remove_button = w.Button(
            icon="times", tooltip="remove this filter", layout=w.Layout(width="32px")
        )
        self.message = w.Label(style={"text_color": _WARN}, layout=w.Layout(margin="0 0 0 6px"))
        self.children = (self.operator, self.cohort, self.remove_button, self.message)
        self.add_class("phf-row")
        self.add_class("phf-cohort-row")  # stable hooks for the browser test and users' CSS
        if loaded is not None:
            self.operator.value = loaded.operator
            self.cohort.value = wanted
        self.remove_button.on_click(self._guard(lambda _: self._host._remove_row(self)))
        changed = self._guard(lambda _: self._validate())
        self.operator.observe(changed, names="value")
        self.cohort.observe(changed, names="value")
        self._validate(notify=False)

    def _guard(self, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        @functools.wraps(handler)
        def guarded(change: Any) -> None:
            try:
                handler(change)
            except Exception as err:  # a callback must never raise into the front end
                log.exception("cohort row callback failed")
                self.message.value = f"⚠ {type(err).__name__}: {err}"

        return guarded

    def _validate(self, notify: bool = True) -> None:
        chosen = self.cohort.value
        if chosen is None or (isinstance(self.cohort, w.IntText) and chosen <= 0):
            self.filter, self.problem = None, "choose a cohort"
        else:
            make = InCohort if self.operator.value == "in" else NotInCohort
            self.filter, self.problem = make(chosen), None
        self.message.value = f"⚠ {self.problem}" if self.problem else ""
        if notify:
            self._host._row_changed(self)

    def __repr__(self) -> str:
        return f"<CohortRow {self.filter!r}>" if self.filter else f"<CohortRow {self.problem}>"
