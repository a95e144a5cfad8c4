"""One editable row of a :class:`~posthog_frames.widgets.FilterBuilder`: key, operator, value.

A row holds the draft a person is typing; it turns it into a :class:`PropertyFilter` when it is
complete and valid, and otherwise says in place what is missing. Every observer is guarded, so
a bad keystroke shows a message instead of a traceback in the browser console.

Example:
    >>> builder = phf.FilterBuilder()
    >>> builder.add_button.click()
    >>> row = builder.rows[0]
    >>> row.key.value = "plan"
    >>> row.tags.value = ["pro"]
    >>> row.filter
    PropertyFilter('plan', ['pro'])
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import re
from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as w

from posthog_frames.filters import OPERATORS, PropertyFilter
from posthog_frames.widgets.catalog import SET_OPERATORS, PropertyCatalog, display_value

__all__ = ["FilterRow", "RowHost", "operator_label"]

log = logging.getLogger("posthog_frames")

# Which control edits the value, by operator.
_KIND = {
    **dict.fromkeys(("exact", "is_not", "icontains_multi", "not_icontains_multi"), "tags"),
    **dict.fromkeys(("gt", "gte", "lt", "lte", "min", "max"), "number"),
    **dict.fromkeys(("between", "not_between"), "range"),
    **dict.fromkeys(("is_date_exact", "is_date_before", "is_date_after"), "date"),
    **dict.fromkeys(SET_OPERATORS, "none"),
}
# Filters the row can show but not edit: their value is no property value (cohort id, HogQL, flag).
_READ_ONLY_OPS = frozenset({"in", "not_in", "flag_evaluates_to", None})
# PostHog's UI says "equals"/"before"/"after" for dates too; a mixed menu needs them told apart.
_DATE_LABELS = {
    "is_date_exact": "is on",
    "is_date_before": "is before",
    "is_date_after": "is after",
}
_INT_RE = re.compile(r"[+-]?\d+")
_WARN = "#b45309"


def operator_label(code: str) -> str:
    """The wording the operator menu shows for *code*.

    Example:
        >>> operator_label("is_not")
        "doesn't equal"
    """
    return _DATE_LABELS.get(code) or OPERATORS.get(code, code)


class RowHost(Protocol):
    """What a row (a FilterRow or a CohortRow) tells the builder that owns it (private: only
    rows call these)."""

    def _row_changed(self, row: Any) -> None: ...
    def _remove_row(self, row: Any) -> None: ...


class _Incomplete(Exception):
    """The row's draft lacks something; the message says what."""


def _number(text: str, label: str) -> int | float | None:
    """Parse a number field: None when empty; ints stay ints so 10 round-trips as 10, not 10.0."""
    text = text.strip()
    if not text:
        return None
    try:
        number = int(text) if _INT_RE.fullmatch(text) else float(text)
    except ValueError:
        raise _Incomplete(f"{label} needs a number, got {text!r}") from None
    if not math.isfinite(number):
        raise _Incomplete(f"{label} needs a finite number, got {text!r}")
    return number


def _layout(width: str) -> w.Layout:
    return w.Layout(width=width, margin="0 4px 0 0")


class FilterRow(w.HBox):
    """Key, operator and value controls for one filter, plus a remove button and a message.

    Controls: ``key`` (Combobox), ``operator`` (Dropdown of ``(label, code)``), ``value_widget``
    (the box showing the value controls the operator needs): ``tags`` + ``add_value`` (values for
    equals/doesn't equal; picking a suggestion in ``add_value`` adds it as a tag), ``text``
    (contains/regex), ``number`` (greater/less than), ``low``/``high`` (between), ``date`` or
    ``relative`` (date operators). ``filter`` is the row's valid filter or None, ``problem`` why
    not, also shown in ``message``.

    Example:
        >>> builder = phf.FilterBuilder(filters=[phf.PropertyFilter("seats", 3, operator="gt")])
        >>> row = builder.rows[0]
        >>> row.operator.value = "between"; row.low.value = "1"; row.high.value = "5"
        >>> row.filter
        PropertyFilter('seats', [1, 5], operator='between')
    """

    def __init__(
        self,
        host: RowHost,
        catalog: PropertyCatalog,
        loaded: PropertyFilter | None = None,
        *,
        type: str = "person",
    ) -> None:
        super().__init__(layout=w.Layout(align_items="center", margin="2px 0"))
        self._host = host
        self._catalog = catalog
        self._quiet = True  # no change events while the controls are set up
        self._loaded_tags: dict[str, Any] = {}  # tag text -> loaded value, so 10 stays 10
        self.ptype = loaded.type if loaded else type
        self.group_type_index = loaded.group_type_index if loaded else None
        self.read_only = loaded is not None and loaded.operator in _READ_ONLY_OPS
        self.filter: PropertyFilter | None = None
        self.problem: str | None = None
        self._build_controls()
        if loaded is not None and self.read_only:
            self._show_read_only(loaded)
        else:
            self._load(loaded)
            self._observe_controls()
        self._quiet = False
        self._validate()

    # -- construction -------------------------------------------------------------------------
    def _build_controls(self) -> None:
        plain = {"description_allow_html": False}
        self.key = w.Combobox(
            placeholder="property, e.g. $initial_os",
            options=tuple(self._catalog.key_options()),
            ensure_option=False,
            continuous_update=False,
            layout=_layout("190px"),
            **plain,
        )
        self.operator = w.Dropdown(layout=_layout("170px"), **plain)
        self.tags = w.TagsInput(allow_duplicates=False, placeholder="value ⏎", **plain)
        self.tags.layout = _layout("auto")
        self.add_value = w.Combobox(
            placeholder="+ value (suggestions)",
            ensure_option=False,
            continuous_update=False,
            layout=_layout("150px"),
            **plain,
        )
        self.text = w.Text(placeholder="text", layout=_layout("220px"), **plain)
        self.number = w.Text(placeholder="number", layout=_layout("110px"), **plain)
        self.low = w.Text(placeholder="min", layout=_layout("90px"), **plain)
        self.high = w.Text(placeholder="max", layout=_layout("90px"), **plain)
        self.date = w.DatePicker(layout=_layout("150px"), **plain)
        self.relative = w.Text(placeholder="or -7d, -24h", layout=_layout("100px"), **plain)
        self.value_widget = w.HBox(layout=w.Layout(align_items="center"))
        self.remove_button = w.Button(
            icon="times", tooltip="remove this filter", layout=w.Layout(width="32px")
        )
        self.message = w.Label(style={"text_color": _WARN}, layout=w.Layout(margin="0 0 0 6px"))
        self.remove_button.on_click(self._guard(lambda _: self._host._remove_row(self)))
        self.children = (
            self.key,
            self.operator,
            self.value_widget,
            self.remove_button,
            self.message,
        )
        self.add_class("phf-row")  # stable hooks for the browser test and users' CSS
        for name in ("key", "operator", "tags", "add_value", "remove_button", "message"):
            getattr(self, name).add_class("phf-" + name.removesuffix("_button").replace("_", "-"))

    def _observe_controls(self) -> None:
        self.key.observe(self._guard(self._on_key), names="value")
        self.operator.observe(self._guard(self._on_operator), names="value")
        self.add_value.observe(self._guard(self._on_add_value), names="value")
        self.date.observe(self._guard(self._on_date), names="value")
        self.relative.observe(self._guard(self._on_relative), names="value")
        changed = self._guard(lambda _: self._validate())
        for control in (self.tags, self.text, self.number, self.low, self.high):
            control.observe(changed, names="value")

    def _load(self, loaded: PropertyFilter | None) -> None:
        """Put a filter's parts into the controls (an empty row when *loaded* is None)."""
        key = loaded.key if loaded else ""
        op = loaded.operator if loaded else None
        self.key.value = key
        self._set_menu(self._catalog.operator_codes(key), keep=op, loading=True)
        value = loaded.value if loaded else None
        kind = _KIND.get(self.operator.value, "text")
        if value is None:
            pass
        elif kind == "tags":
            items = list(value)
            self._loaded_tags = {display_value(v): v for v in items}
            self.tags.value = list(dict.fromkeys(display_value(v) for v in items))
        elif kind == "number":
            self.number.value = str(value)
        elif kind == "range":
            self.low.value, self.high.value = (str(v) for v in value)
        elif kind == "date":
            self._load_date(value)
        else:
            self.text.value = str(value)
        self._show_value_controls()

    def _load_date(self, value: str) -> None:
        try:
            self.date.value = dt.date.fromisoformat(value)  # a plain date only
        except ValueError:
            self.relative.value = value  # relative or a datetime: keep its exact text

    def _show_read_only(self, loaded: PropertyFilter) -> None:
        self.filter = loaded
        self.key.value = loaded.key
        code = loaded.operator or "hogql"
        self.operator.options = [(operator_label(code) if loaded.operator else "HogQL", code)]
        for control in (self.key, self.operator):
            control.disabled = True
        shown = "" if loaded.value is None else display_value(loaded.value)
        self.value_widget.children = (w.Label(shown, layout=_layout("auto")),)

    # -- observers ----------------------------------------------------------------------------
    def _guard(self, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        """Run *handler*, turning any error into the row's message instead of a traceback."""

        @functools.wraps(handler)
        def guarded(change: Any) -> None:
            if self._quiet:
                return
            try:
                handler(change)
            except Exception as err:  # a callback must never raise into the front end
                log.exception("filter row callback failed")
                self._mark(f"⚠ {type(err).__name__}: {err}")

        return guarded

    def _on_key(self, _change: Any) -> None:
        self._set_menu(
            self._catalog.operator_codes(self.key.value.strip()), keep=self.operator.value
        )
        self._show_value_controls()
        self._validate()

    def _on_operator(self, _change: Any) -> None:
        self._show_value_controls()
        self._validate()

    def _on_add_value(self, change: Any) -> None:
        text = change["new"].strip()
        if not text:
            return
        if text not in self.tags.value:
            self.tags.value = [*self.tags.value, text]  # validates via the tags observer
        self.add_value.value = ""

    def _on_date(self, change: Any) -> None:
        if change["new"] is not None and self.relative.value:
            self.relative.value = ""  # the picked date wins; its observer sees "" and stops
        self._validate()

    def _on_relative(self, change: Any) -> None:
        if change["new"].strip() and self.date.value is not None:
            self.date.value = None
        self._validate()

    # -- state --------------------------------------------------------------------------------
    def _set_menu(self, codes: list[str], keep: str | None, *, loading: bool = False) -> None:
        """Offer *codes*; keep the current operator when it is still offered."""
        if loading and keep is not None and keep not in codes:
            codes = [*codes, keep]  # a loaded filter keeps its operator even if untypical
        was_quiet, self._quiet = self._quiet, True  # Dropdown resets to the first option
        try:
            self.operator.options = [(operator_label(code), code) for code in codes]
            self.operator.value = keep if keep in codes else codes[0]
        finally:
            self._quiet = was_quiet

    def _show_value_controls(self) -> None:
        kind = _KIND.get(self.operator.value, "text")
        if kind == "tags":
            key = self.key.value.strip()
            self.add_value.options = (
                tuple(self._catalog.value_options(key, self.ptype)) if key else ()
            )
        self.value_widget.children = {
            "tags": (self.tags, self.add_value),
            "number": (self.number,),
            "range": (self.low, w.Label("and"), self.high),
            "date": (self.date, self.relative),
            "none": (),
            "text": (self.text,),
        }[kind]

    def _mark(self, problem: str | None) -> None:
        self.problem = problem
        self.message.value = problem or ""

    def _validate(self) -> None:
        if self._quiet or self.read_only:
            return
        try:
            self.filter = self._read()
            self._mark(None)
        except Exception as err:  # _Incomplete, ValidationError, or a bug: all become the mark
            self.filter = None
            self._mark(f"⚠ {err}")
        self._host._row_changed(self)

    def _read(self) -> PropertyFilter:
        """The filter the controls describe; raises with the reason when there is none."""
        key = self.key.value.strip()
        if not key:
            raise _Incomplete("choose a property (the key is empty)")
        op = self.operator.value
        label = operator_label(op)
        kind = _KIND.get(op, "text")
        value: Any = None
        if kind == "tags":
            if not self.tags.value:
                raise _Incomplete(f"{label} needs at least one value")
            value = [self._typed(tag, key) for tag in self.tags.value]
        elif kind == "number":
            value = _number(self.number.value, label)
            if value is None:
                raise _Incomplete(f"{label} needs a number")
        elif kind == "range":
            low, high = _number(self.low.value, label), _number(self.high.value, label)
            if low is None or high is None:
                raise _Incomplete(f"{label} needs two numbers (min and max)")
            value = [low, high]
        elif kind == "date":
            value = self.relative.value.strip() or (self.date.value and self.date.value.isoformat())
            if not value:
                raise _Incomplete(f"{label} needs a date, or a relative date like -7d")
        elif kind == "text":
            value = self.text.value
            if value == "":
                raise _Incomplete(f"{label} needs a value")
        return PropertyFilter(key, value, op, self.ptype, self.group_type_index)

    def _typed(self, tag: str, key: str) -> Any:
        """A tag's value: as loaded, or typed by the property's definition (Numeric, Boolean)."""
        if tag in self._loaded_tags:
            return self._loaded_tags[tag]
        ptype = (self._catalog.definition_type(key) or "").lower()
        if ptype == "boolean" and tag.lower() in ("true", "false"):
            return tag.lower() == "true"
        if ptype == "numeric":
            try:
                return _number(tag, "")
            except _Incomplete:
                return tag
        return tag

    def __repr__(self) -> str:
        state = repr(self.filter) if self.filter else self.problem
        return f"<FilterRow {state}>"
