"""Insights: the project's saved insights as a DataFrame, and one insight computed on demand."""

from __future__ import annotations

import json
import numbers
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from posthog_frames.exceptions import (
    InsightNotComputed,
    InvalidResponse,
    PostHogError,
    ValidationError,
)
from posthog_frames.filters import normalize_filters

if TYPE_CHECKING:
    from posthog_frames._client import Client
    from posthog_frames.insight import Insight

__all__ = ["InsightsMixin", "REFRESH_MODES"]

# PostHog's ExecutionMode values (reference §4); True/False are the legacy spellings.
REFRESH_MODES = (
    "force_cache",
    "blocking",
    "async",
    "lazy_async",
    "force_blocking",
    "force_async",
    "async_except_on_cache_miss",
)
_LEGACY_REFRESH = {True: "force_blocking", False: "force_cache", "true": "force_blocking",
                   "false": "force_cache"}  # fmt: skip
_ASYNC = {"async", "lazy_async", "force_async", "async_except_on_cache_miss"}
_LIST_KINDS = ("TRENDS", "FUNNELS", "RETENTION", "PATHS", "STICKINESS", "LIFECYCLE", "SQL", "JSON")
_SHORT_ID = re.compile(r"^[A-Za-z0-9]{8}$")
_LIST_COLUMNS = [
    "id",
    "short_id",
    "name",
    "kind",
    "display",
    "last_refresh",
    "created_at",
    "last_modified_at",
    "tags",
    "saved",
    "description",
]
# PostHog's insight-list filters (reference §4); anything else would be silently ignored.
_LIST_FILTERS = (
    "short_id", "saved", "favorited", "user", "search", "tags", "dashboards", "insight",
    "created_by", "date_from", "date_to", "created_date_from", "created_date_to",
    "last_viewed_date_from", "last_viewed_date_to", "order", "basic", "limit", "offset", "format",
)  # fmt: skip
_FRAME_FETCH_OPTIONS = ("refresh", "date_from", "date_to", "properties")
_NOT_FOUND_HINT = "List the project's insights (id, short_id, name) with client.insights()."


class InsightsMixin:
    """``client.insights()``, ``client.insight()`` and ``client.insight_frame()``."""

    def insights(self: Client, *, refresh: bool = False, **filters: Any) -> pd.DataFrame:
        """The project's insights, all pages, one row each (in PostHog's order).

        Columns: ``id``, ``short_id``, ``name`` (else PostHog's ``derived_name``), ``kind``
        (trends, funnels, retention, paths, stickiness, lifecycle, sql or unknown), ``display``
        (the converters' view word: line, number, pie, steps, time_to_convert, table …),
        ``last_refresh``, ``created_at``, ``last_modified_at``, ``tags``, ``saved``,
        ``description``. Keyword arguments are PostHog's list filters: ``short_id``, ``saved``,
        ``search``, ``insight`` (``"FUNNELS"`` or ``"funnels"``), ``favorited``, ``tags``,
        ``limit`` (page size) …; lists are sent as JSON. ``kind=`` (the column's word, e.g.
        ``"trends"``) is the same as ``insight=``. Any other keyword raises ValidationError.
        ``refresh=True`` bypasses the local cache.

        Example:
            >>> client.insights(search="signup")[["id", "short_id", "name", "kind"]]
        """
        if not isinstance(refresh, bool):
            raise ValidationError(
                f"insights(refresh=...) only bypasses the local cache (True/False), got "
                f"{refresh!r}; PostHog's refresh modes apply to client.insight(id, refresh=...)."
            )
        params = _list_params(filters)
        rows = []
        for page in self.paginate("insights/", refresh=refresh, **params):
            rows.extend(_list_row(raw) for raw in page["results"])  # objects: see expect_page
        frame = pd.DataFrame(rows, columns=_LIST_COLUMNS)
        for column in ("last_refresh", "created_at", "last_modified_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        frame.attrs.update({"kind": "insights", "project_id": self.project_id})
        return frame

    def insight(
        self: Client,
        id_or_short_id: int | str | Insight,
        refresh: str | bool = "blocking",
        date_from: str | None = None,
        date_to: str | None = None,
        properties: Any = None,
    ) -> Insight:
        """One insight with its result, computed by PostHog when its cache is stale.

        Args:
            id_or_short_id: the numeric id or the 8-character short id from the insight's URL
                (an :class:`Insight` stands for its id: this fetches it again).
            refresh: PostHog's mode: ``"blocking"`` computes unless fresh; ``"force_cache"``
                never computes (an uncomputed insight raises InsightNotComputed);
                ``"force_blocking"`` (or legacy ``True``) always does; the async modes are
                polled until done. Forced and async modes bypass the local cache.
            date_from, date_to, properties: read the insight for other dates or filters
                without changing it (PostHog's ``filters_override``).

        Example:
            >>> ins = client.insight("Abc12345", date_from="-7d")
            >>> ins.frame()
        """
        from posthog_frames.insight import Insight

        id_or_short_id = _insight_id(id_or_short_id)
        key = _insight_key(id_or_short_id)
        mode = _refresh_mode(refresh)
        params: dict[str, Any] = {"refresh": mode}
        override = _override(date_from, date_to, properties)
        if override:
            params["filters_override"] = override
        # Forced and async answers must come from PostHog: a locally cached "still computing"
        # status or an old result would defeat the point of asking.
        bypass = mode in _ASYNC or mode == "force_blocking"
        raw = self._fetch_insight(key, params, refresh=bypass)
        if raw.get("result") is None and not bypass:
            # A cache miss kept by the local cache may be outdated: PostHog may have computed it.
            raw = self._fetch_insight(key, params, refresh=True)
        status = raw.get("query_status")
        if isinstance(status, dict) and status.get("complete") is False:
            raw = self._await_insight(key, status, params)
        if raw.get("result") is None:
            still = "" if mode == "force_cache" else " or is still computing"
            raise InsightNotComputed(
                f"Insight {key} has no result in PostHog's cache (it was never computed{still} "
                f"for these dates/filters). Compute it with client.insight({id_or_short_id!r}, "
                f"refresh={'blocking'!r}).",
                endpoint=f"insights/{key}/",
            )
        return Insight(raw)

    def insight_frame(
        self: Client, id_or_short_id: int | str | Insight, **options: Any
    ) -> pd.DataFrame:
        """Shortcut for ``client.insight(...).frame(...)``; fetch options are passed through.

        ``refresh``, ``date_from``, ``date_to`` and ``properties`` go to :meth:`insight`, the
        rest (``wide``, ``tz``, ``percent`` …) to the converter.

        Example:
            >>> client.insight_frame("Abc12345", date_from="-7d", wide=True)
        """
        fetch = {k: options.pop(k) for k in _FRAME_FETCH_OPTIONS if k in options}
        return self.insight(id_or_short_id, **fetch).frame(**options)

    def _fetch_insight(self: Client, key: str, params: dict[str, Any], *, refresh: bool) -> dict:
        # A wrong-shaped answer raises InvalidResponse and leaves the local cache (expect=).
        return self.get(
            f"insights/{key}/",
            refresh=refresh,
            hint=_NOT_FOUND_HINT,
            expect=_expect_insight,
            params=params,
        )

    def _await_insight(
        self: Client, key: str, status: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        if not status.get("id"):
            raise InvalidResponse(
                f"insights/{key}/ answered a query_status without an id, so it cannot be polled.",
                endpoint=f"insights/{key}/",
            )
        advice = f"read insight {key} later with refresh='force_cache'"
        status = self._await_query(status, self.settings.timeout, advice)
        if status.get("error"):
            raise PostHogError(
                f"PostHog failed computing insight {key}: {status.get('error_message')}",
                endpoint=f"insights/{key}/",
            )
        # The computed result now sits in PostHog's cache under this very request's key.
        return self._fetch_insight(key, {**params, "refresh": "force_cache"}, refresh=True)


def _list_params(filters: dict[str, Any]) -> dict[str, Any]:
    """PostHog's list filters as query parameters (basic listing, JSON arrays, upper kinds)."""
    filters = dict(filters)
    if "kind" in filters:
        if "insight" in filters:
            raise ValidationError(
                "insights(): give kind= or insight= (they are the same filter), not both.",
                attr="kind",
            )
        filters["insight"] = filters.pop("kind")
    unknown = sorted(set(filters) - set(_LIST_FILTERS))
    if unknown:
        raise ValidationError(
            f"insights() got {', '.join(map(repr, unknown))}, which PostHog's insight list does "
            "not filter on (it would be ignored); use kind= or one of: "
            f"{', '.join(_LIST_FILTERS)}.",
            attr=unknown[0],
        )
    params: dict[str, Any] = {"basic": True, "limit": 100, **filters}
    kind = params.get("insight")
    if kind is not None:
        word = str(kind).strip().upper()
        word = {"FUNNEL": "FUNNELS", "TREND": "TRENDS", "PATH": "PATHS", "HOGQL": "SQL"}.get(
            word, word
        )
        if word not in _LIST_KINDS:
            raise ValidationError(
                f"insight={kind!r} is not an insight kind; use one of {', '.join(_LIST_KINDS)}.",
                attr="insight",
            )
        params["insight"] = word
    for name, value in params.items():
        if isinstance(value, list | tuple | dict):
            params[name] = json.dumps(list(value) if isinstance(value, tuple) else value)
    return params


def _list_row(raw: dict[str, Any]) -> dict[str, Any]:
    from posthog_frames.frames import detect_kind, kind_of

    kind = kind_of(raw)
    try:
        view = detect_kind(raw)[1] if kind != "unknown" else None
    except (ValueError, PostHogError):
        view = None
    return {
        **{c: raw.get(c) for c in _LIST_COLUMNS},
        "name": raw.get("name") or raw.get("derived_name"),
        "kind": kind,
        "display": view,
    }


def _insight_id(value: Any) -> Any:
    """An Insight object's id (else its short id); any other value unchanged."""
    raw = getattr(value, "raw", None)
    if isinstance(raw, Mapping) and not isinstance(value, str | int):
        found = raw.get("id") if raw.get("id") is not None else raw.get("short_id")
        if found is None:
            raise ValidationError(
                "This Insight has neither an id nor a short_id, so it cannot be fetched; "
                "convert it directly with ins.frame()."
            )
        return found
    return value


def _insight_key(value: int | str) -> str:
    if isinstance(value, bool):
        raise ValidationError("An insight id is a number or an 8-character short id, not a bool.")
    # Ids read back from client.insights() arrive as numpy integers.
    text = str(int(value)) if isinstance(value, numbers.Integral) else ""
    text = value.strip() if isinstance(value, str) else text
    if text.isdigit() or _SHORT_ID.match(text):
        return text
    raise ValidationError(
        f"{value!r} is neither an insight's numeric id nor its 8-character short id (the part "
        "after /insights/ in PostHog's URL). List both with client.insights()."
    )


def _refresh_mode(refresh: str | bool) -> str:
    if isinstance(refresh, bool) or refresh in ("true", "false"):
        return _LEGACY_REFRESH[refresh]
    if not isinstance(refresh, str) or refresh not in REFRESH_MODES:
        raise ValidationError(
            f"refresh={refresh!r} is not one of PostHog's modes: {', '.join(REFRESH_MODES)} "
            '(or True for "force_blocking"). Use "blocking" to compute when stale.'
        )
    return refresh


def _override(date_from: Any, date_to: Any, properties: Any) -> str | None:
    override: dict[str, Any] = {}
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None:
            # date, datetime and Timestamp as ISO text; "-7d" and "2025-03-01" pass unchanged.
            override[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if properties:
        override["properties"] = [f.to_dict() for f in normalize_filters(properties)]
    return json.dumps(override) if override else None


def _expect_insight(body: dict[str, Any]) -> str | None:
    # PostHog's InsightSerializer always has "result" (null when not computed); a body without
    # it is not an insight (a proxy's JSON, a list endpoint, another API).
    if "result" in body:
        return None
    return f"expected an insight object with a 'result' key, got keys {sorted(body)[:8]}"
