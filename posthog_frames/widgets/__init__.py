"""Build PostHog property filters in a notebook, see the code for them, and preview who matches.

:class:`FilterBuilder` is a view of one list of :class:`~posthog_frames.filters.PropertyFilter`:
its ``value`` (a list of filter dicts) is the model, rows are drafts that join it once they are
complete and valid. Property names, operator menus and value suggestions come from the project
when a client is given; without one everything is typed by hand.

Example:
    >>> from posthog_frames.widgets import FilterBuilder
    >>> builder = FilterBuilder(client, filters=[PropertyFilter("$initial_os", ["Linux"])])
    >>> builder  # in a notebook, the editor: change the filters, press Apply for a preview
    FilterBuilder(type='person', filters=[PropertyFilter('$initial_os', ['Linux'])])
    >>> len(client.persons(properties=builder.filters))
    40
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd
import traitlets

from posthog_frames.cohort_filters import cohort_id
from posthog_frames.exceptions import ConfigurationError, PostHogError, ValidationError
from posthog_frames.filters import FilterLike, PropertyFilter, filters_param, normalize_filters
from posthog_frames.widgets.catalog import PropertyCatalog
from posthog_frames.widgets.cohort_row import CohortRow
from posthog_frames.widgets.rows import FilterRow

if TYPE_CHECKING:
    from posthog_frames.client.client import Client

__all__ = ["CohortRow", "FilterBuilder", "FilterRow"]

log = logging.getLogger("posthog_frames")

_TYPES = ("person", "event", "session")
_PREVIEW_ROWS = 20  # Apply fetches one page this long: enough for the count and a glimpse
_WARN = '<span style="color:#b45309">{}</span>'


def _guarded(handler: Callable[..., Any], show: Callable[[str], None]) -> Callable[..., None]:
    """Wrap a widget callback so an error is shown with *show* instead of escaping."""

    @functools.wraps(handler)
    def guarded(*args: Any) -> None:
        try:
            handler(*args)
        except Exception as err:  # a callback must never raise into the front end
            log.exception("FilterBuilder callback failed")
            show(f"⚠ {type(err).__name__}: {err}")

    return guarded


def python_code(filters: Sequence[PropertyFilter]) -> str:
    """Python source for *filters* (a PropertyFilter's repr is the code that builds it; a
    cohort filter's is ``InCohort(id)`` / ``NotInCohort(id)``).

    Example:
        >>> python_code([PropertyFilter("$initial_os", ["Linux"])])
        "[PropertyFilter('$initial_os', ['Linux'])]"
    """
    if len(filters) <= 1:
        return repr(list(filters))
    return "[\n" + "".join(f"    {f!r},\n" for f in filters) + "]"


class FilterBuilder(w.VBox):
    """An editor for a list of PostHog property filters.

    Args:
        client: a :class:`~posthog_frames.Client`; gives property names, operator menus by
            property type, value suggestions (person properties), the project's cohorts by
            name ("Add cohort") and the Apply preview.
        type: ``"person"``, ``"event"`` or ``"session"``: the type of new filters.
        filters: filters to start with (PropertyFilters, dicts or a JSON string).
        preview: show the Apply button that counts matching persons (needs a client).

    ``value`` (observable) is the list of valid filters as dicts, ``filters`` the same as
    PropertyFilters, ``to_param()`` the JSON for PostHog's ``properties`` parameter. ``rows``
    are the :class:`FilterRow` editors; ``result``/``count``/``error`` hold the last Apply.

    Example:
        >>> builder = phf.FilterBuilder(client)  # displayed: pick property, operator, value
        >>> builder.value = [{"key": "plan", "value": ["pro"]}]  # or set the filters in code
        >>> builder.filters
        [PropertyFilter('plan', ['pro'])]
        >>> people = client.persons(properties=builder.filters)
        >>> set(people["properties.plan"])
        {'pro'}
    """

    value: traitlets.List[dict[str, Any]] = traitlets.List(
        help="The valid filters, as PostHog filter dicts."
    )

    def __init__(
        self,
        client: Client | None = None,
        type: str = "person",
        filters: FilterLike = None,
        preview: bool = True,
    ) -> None:
        if type not in _TYPES:
            raise ValidationError(
                f"FilterBuilder type must be one of {', '.join(_TYPES)}, not {type!r}."
            )
        super().__init__(layout=w.Layout(width="100%"))
        self._client = client
        self._type = type
        self._catalog = PropertyCatalog(client, type, notify=self._show_notice)
        self._syncing = False
        self.rows: list[FilterRow | CohortRow] = []
        self.result: pd.DataFrame | None = None
        self.count: int | None = None
        self.error: PostHogError | None = None
        self._build(preview and client is not None)
        self.observe(self._guard(self._on_value), names="value")
        initial = normalize_filters(filters)
        if initial:
            self.value = [f.to_dict() for f in initial]
        self._render_preview()

    def _build(self, with_apply: bool) -> None:
        self.rows_box = w.VBox()
        self.add_button = w.Button(
            description="Add filter", icon="plus", layout=w.Layout(width="120px")
        )
        self.add_button.on_click(self._guard(lambda _: self.add_row()))
        self.add_cohort_button = w.Button(
            description="Add cohort", icon="users", layout=w.Layout(width="120px")
        )
        self.add_cohort_button.on_click(self._guard(lambda _: self.add_cohort_row()))
        self.notice = w.HTML()
        self.preview = w.HTML(layout=w.Layout(width="100%"))
        self.summary = w.HTML()
        self.output = w.Output(layout=w.Layout(width="100%"))
        self.apply_button: w.Button | None = None
        buttons: list[w.Widget] = [self.add_button]
        if self._type == "person":  # cohorts are groups of persons
            buttons.append(self.add_cohort_button)
        if with_apply:
            self.apply_button = w.Button(
                description="Apply",
                icon="search",
                tooltip="count and show matching persons",
                button_style="primary",
                layout=w.Layout(width="100px"),
            )
            self.apply_button.on_click(self._guard(lambda _: self.apply()))
            buttons.append(self.apply_button)
        toolbar = w.HBox([*buttons, self.summary], layout=w.Layout(align_items="center"))
        self.children = (self.rows_box, toolbar, self.notice, self.preview, self.output)
        # Stable hooks for the browser test (tests/browser) and for users' own CSS.
        self.add_class("phf-filter-builder")
        for control, name in (
            (self.add_button, "add-filter"),
            (self.add_cohort_button, "add-cohort"),
            (self.apply_button, "apply"),
            (self.summary, "summary"),
            (self.notice, "notice"),
        ):
            if control is not None:
                control.add_class(f"phf-{name}")

    def _guard(self, handler: Callable[..., Any]) -> Callable[..., None]:
        return _guarded(handler, self._show_notice)

    def _show_notice(self, text: str) -> None:
        self.notice.value = _WARN.format(html.escape(text))

    # -- the model ------------------------------------------------------------------------------
    @traitlets.validate("value")
    def _normalize(self, proposal: Any) -> list[dict[str, Any]]:
        return [f.to_dict() for f in normalize_filters(proposal["value"])]

    @property
    def filters(self) -> list[PropertyFilter]:
        """The valid filters, as :class:`PropertyFilter` (incomplete rows are left out)."""
        return [PropertyFilter.from_dict(d) for d in self.value]

    @filters.setter
    def filters(self, filters: FilterLike) -> None:
        self.value = [f.to_dict() for f in normalize_filters(filters)]

    @property
    def type(self) -> str:
        """The type (person, event, session) of filters added with "Add filter"."""
        return self._type

    def to_param(self) -> str:
        """The JSON text PostHog's ``properties`` query parameter takes.

        Example:
            >>> FilterBuilder(filters={"key": "plan", "value": "pro"}).to_param()
            '[{"key": "plan", "value": ["pro"], "operator": "exact", "type": "person"}]'
        """
        return filters_param(self.filters)

    def to_python(self) -> str:
        """The filters as Python source, as the preview shows it.

        Example:
            >>> FilterBuilder(filters={"key": "plan", "value": "pro"}).to_python()
            "[PropertyFilter('plan', ['pro'])]"
        """
        return python_code(self.filters)

    def _on_value(self, _change: Any) -> None:
        if not self._syncing:  # set from Python: the rows follow the model
            self._rebuild_rows()
        self._render_preview()
        if self.result is not None or self.error is not None:
            self.summary.value = "<i>filters changed: press Apply to refresh</i>"

    def _rebuild_rows(self) -> None:
        self._syncing = True  # rows being built report no changes
        try:
            self.rows = [self._row_for(f) for f in self.filters]
        finally:
            self._syncing = False
        self.rows_box.children = tuple(self.rows)

    def _sync_from_rows(self) -> None:
        valid = [row.filter.to_dict() for row in self.rows if row.filter is not None]
        self._syncing = True
        try:
            self.value = valid
        finally:
            self._syncing = False

    def _render_preview(self) -> None:
        names = _import_names(self.filters)
        left_out = sum(row.filter is None for row in self.rows)
        note = (
            _WARN.format(f"{left_out} incomplete filter(s) left out, see the ⚠ marks")
            if left_out
            else ""
        )
        self.preview.value = (
            '<div style="font-size:90%">'
            f"<b>Python</b> (<code>from posthog_frames import {html.escape(names)}</code>) "
            f"{note}"
            f'<pre class="phf-python">{html.escape(self.to_python())}</pre>'
            "<b>JSON</b> (PostHog's <code>properties</code> parameter)"
            f'<pre class="phf-json">{html.escape(self.to_param())}</pre></div>'
        )

    # -- rows -----------------------------------------------------------------------------------
    def add_row(self, filter: FilterLike = None) -> FilterRow:
        """Add a row: empty, or editing *filter* (which then joins ``value`` if valid).

        Example:
            >>> builder = FilterBuilder()
            >>> row = builder.add_row()
            >>> row.key.value = "email"; row.operator.value = "is_set"
            >>> builder.filters
            [PropertyFilter('email', operator='is_set')]
        """
        loaded = normalize_filters(filter)
        if len(loaded) > 1:
            raise ValidationError("add_row takes one filter; set .value for several.")
        if loaded:
            return self._append(self._row_for(loaded[0]))
        return self._append(FilterRow(self, self._catalog, None, type=self._type))

    def add_cohort_row(self, cohort: Any = None, operator: str = "in") -> CohortRow:
        """Add a cohort row ("in" / "not in" a cohort picked by name), empty or for *cohort*.

        Example:
            >>> builder = FilterBuilder()
            >>> builder.add_cohort_row(3, "not_in").filter
            NotInCohort(3)
        """
        if operator not in ("in", "not_in"):
            raise ValidationError(f"A cohort row's operator is 'in' or 'not_in', got {operator!r}.")
        loaded = None
        if cohort is not None:
            loaded = PropertyFilter("id", cohort_id(cohort), operator, "cohort")
        row = CohortRow(self, self._catalog, loaded)
        self._append(row)
        return row

    def _row_for(self, loaded: PropertyFilter) -> FilterRow | CohortRow:
        if loaded.type == "cohort":
            return CohortRow(self, self._catalog, loaded)
        return FilterRow(self, self._catalog, loaded, type=self._type)

    def _append(self, row: Any) -> Any:
        self.rows.append(row)
        self.rows_box.children = tuple(self.rows)
        self._row_changed(row)
        return row

    def _row_changed(self, row: Any) -> None:
        """A row's draft changed (called by the row): refresh the model and the preview."""
        if self._syncing:
            return
        self._sync_from_rows()
        self._render_preview()

    def _remove_row(self, row: Any) -> None:
        """Drop *row* (called by its remove button)."""
        self.rows = [r for r in self.rows if r is not row]
        self.rows_box.children = tuple(self.rows)
        self._row_changed(row)

    # -- preview ----------------------------------------------------------------------------------
    def apply(self) -> pd.DataFrame | None:
        """Count the persons matching the valid filters and show the first few.

        Fetches one page of at most 20 persons, never every match: ``count`` is PostHog's total
        (``df.attrs["total"]``); without one it is known only when fewer than 20 came back, and
        is otherwise None with "20+" shown. Sets ``result`` (that first page), ``count`` and
        ``error``; a PostHog error is shown in the widget and returned as None, not raised.

        Example:
            >>> builder = FilterBuilder(client, filters=[PropertyFilter("plan", ["pro"])])
            >>> first_page = builder.apply()
            >>> len(first_page), builder.count
            (20, 63)
        """
        if self._client is None:
            raise ConfigurationError("apply() needs a client: FilterBuilder(client=...).")
        filters = self.filters
        self.summary.value = "<i>loading…</i>"
        self.output.outputs = ()
        try:
            frame = self._client.persons(properties=filters, limit=_PREVIEW_ROWS, progress=False)
        except PostHogError as err:
            self.result, self.count, self.error = None, None, err
            self.summary.value = _WARN.format(html.escape(f"⚠ PostHog error: {err}"))
            return None
        total = frame.attrs.get("total")
        if isinstance(total, int) and not isinstance(total, bool):
            self.count = total
        else:  # no count from PostHog: the page tells only when it is the whole answer
            self.count = len(frame) if len(frame) < _PREVIEW_ROWS else None
        self.result, self.error = frame, None
        shown = f"{self.count:,}" if self.count is not None else f"{_PREVIEW_ROWS}+"
        noun = "person" if self.count == 1 else "persons"
        left_out = sum(row.filter is None for row in self.rows)
        extra = f" ({left_out} incomplete filter(s) left out)" if left_out else ""
        self.summary.value = f"<b>{shown} matching {noun}</b>{html.escape(extra)}"
        self.output.outputs = (_display_data(_head(frame, filters)),)
        return frame

    def __repr__(self) -> str:
        left_out = sum(row.filter is None for row in self.rows)
        extra = f", incomplete_rows={left_out}" if left_out else ""
        return f"FilterBuilder(type={self._type!r}, filters={self.filters!r}{extra})"


def _import_names(filters: Sequence[PropertyFilter]) -> str:
    """The names the preview's code uses: PropertyFilter, and InCohort/NotInCohort if shown."""
    shown = {repr(f).split("(", 1)[0] for f in filters}
    return ", ".join(sorted(shown | {"PropertyFilter"}))


def _head(frame: pd.DataFrame, filters: Sequence[PropertyFilter]) -> pd.DataFrame:
    """The first rows, with the identifying columns and the filtered properties."""
    wanted = ["id", "name", "distinct_ids", *(f"properties.{f.key}" for f in filters)]
    columns = [c for c in dict.fromkeys(wanted) if c in frame.columns]
    return frame.loc[:, columns or list(frame.columns)].head()


def _display_data(frame: pd.DataFrame) -> dict[str, Any]:
    """An Output message showing *frame*, built directly so it works without a kernel."""
    return {
        "output_type": "display_data",
        "data": {"text/html": frame.to_html(), "text/plain": frame.to_string()},
        "metadata": {},
    }


# posthog_frames/__init__ gives re-exported classes its own __module__, which hides them from
# doctest here; __test__ names them so their examples still run with this module.
__test__ = {"FilterBuilder": FilterBuilder}
