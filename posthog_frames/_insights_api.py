"""Insights: the project's saved insights as a DataFrame, and one insight computed on demand."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pandas as pd

from .exceptions import InsightNotComputed, InvalidResponse, PostHogError, ValidationError
from .filters import normalize_filters

if TYPE_CHECKING:
    from ._client import Client
    from .insight import Insight

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
_ASYNC = {"async", "lazy_async", "force_async", "async_except_on_cache_miss"}
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
_FRAME_FETCH_OPTIONS = ("refresh", "date_from", "date_to", "properties")


class InsightsMixin:
    """``client.insights()``, ``client.insight()`` and ``client.insight_frame()``."""

    def insights(self: Client, *, refresh: bool = False, **filters: Any) -> pd.DataFrame:
        """The project's insights, all pages: one row each with ``kind`` and ``display``.

        Keyword arguments are PostHog's list filters: ``short_id``, ``saved``, ``search``,
        ``insight`` (``"TRENDS"``, ``"FUNNELS"``, …), ``favorited``, ``tags``, ….

        Example:
            >>> client.insights(search="signup")[["id", "short_id", "name", "kind"]]
        """
        from .frames import detect_kind as kind_of  # raises on unknown kinds

        filters.setdefault("basic", True)  # metadata only: no results to transfer
        filters.setdefault("limit", 100)
        rows = []
        for page in self.paginate("insights/", refresh=refresh, **filters):
            for raw in page["results"]:
                kind, view = _kind_or_unknown(kind_of, raw)
                source = raw.get("filters") or {}
                rows.append(
                    {
                        **{c: raw.get(c) for c in _LIST_COLUMNS},
                        "name": raw.get("name") or raw.get("derived_name"),
                        "kind": kind,
                        "display": source.get("display") or _query_display(raw) or view,
                    }
                )
        frame = pd.DataFrame(rows, columns=_LIST_COLUMNS)
        for column in ("last_refresh", "created_at", "last_modified_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        frame.attrs.update({"kind": "insights", "project_id": self.project_id})
        return frame

    def insight(
        self: Client,
        id_or_short_id: int | str,
        refresh: str | bool = "blocking",
        date_from: str | None = None,
        date_to: str | None = None,
        properties: Any = None,
    ) -> Insight:
        """One insight with its result, computed by PostHog when its cache is stale.

        Args:
            id_or_short_id: the numeric id or the 8-character short id from the insight's URL.
            refresh: PostHog's mode (``"blocking"`` computes unless fresh; ``"force_cache"``
                never computes; ``"force_blocking"`` always does; async modes are polled).
            date_from, date_to, properties: read the insight for other dates or person
                filters without changing it (PostHog's ``filters_override``).

        Example:
            >>> ins = client.insight("Abc12345")
            >>> ins.frame()
        """
        from .insight import Insight

        key = _insight_key(id_or_short_id)
        mode = _refresh_mode(refresh)
        params: dict[str, Any] = {"refresh": mode}
        override = _override(date_from, date_to, properties)
        if override:
            params["filters_override"] = override
        # A forced recompute must reach PostHog, not this machine's cache.
        bypass = mode.startswith("force_") and mode != "force_cache"
        hint = "List the project's insights with client.insights()."
        raw = self.get(f"insights/{key}/", refresh=bypass, hint=hint, params=params)
        if not isinstance(raw, dict):
            raise InvalidResponse(f"insights/{key}/ did not answer with an insight object.")
        if mode in _ASYNC and raw.get("result") is None and raw.get("query_status"):
            raw = self._await_insight(key, raw["query_status"], params)
        if raw.get("result") is None:
            raise InsightNotComputed(
                f"Insight {key} has no result in PostHog's cache (it was never computed"
                f"{'' if mode == 'force_cache' else ' or is still computing'}). Fetch it with "
                f"client.insight({id_or_short_id!r}, refresh='blocking') to compute it.",
                endpoint=f"insights/{key}/",
            )
        return Insight(raw)

    def insight_frame(self: Client, id_or_short_id: int | str, **options: Any) -> pd.DataFrame:
        """Shortcut for ``client.insight(...).frame(...)``; fetch options are passed through.

        Example:
            >>> client.insight_frame("Abc12345", wide=True)
        """
        fetch = {k: options.pop(k) for k in _FRAME_FETCH_OPTIONS if k in options}
        return self.insight(id_or_short_id, **fetch).frame(**options)

    def _await_insight(
        self: Client, key: str, status: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        query_id = status.get("id")
        deadline = time.monotonic() + self.settings.timeout
        delay = 0.2
        while not status.get("complete"):
            if status.get("error"):
                raise PostHogError(
                    f"PostHog failed computing insight {key}: {status.get('error_message')}"
                )
            if time.monotonic() > deadline:
                raise PostHogError(
                    f"Insight {key} was still computing after {self.settings.timeout:g} s; "
                    "try again later with refresh='force_cache' to read it once done."
                )
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
            answer = self.get(f"query/{query_id}/", refresh=True)
            status = answer.get("query_status", answer) if isinstance(answer, dict) else {}
        # The computed result now sits in PostHog's insight cache.
        return self.get(
            f"insights/{key}/", refresh=True, params={**params, "refresh": "force_cache"}
        )


def _insight_key(value: int | str) -> str:
    if isinstance(value, bool):
        raise ValidationError("An insight id is a number or an 8-character short id, not a bool.")
    text = str(value).strip()
    if text.isdigit() or _SHORT_ID.match(text):
        return text
    raise ValidationError(
        f"{value!r} is neither an insight's numeric id nor its 8-character short id (the part "
        "after /insights/ in PostHog's URL). See client.insights() for both."
    )


def _refresh_mode(refresh: str | bool) -> str:
    if refresh is True:
        return "force_blocking"
    if refresh is False or refresh is None:
        return "force_cache"
    if refresh not in REFRESH_MODES:
        raise ValidationError(
            f"refresh={refresh!r} is not one of PostHog's modes: {', '.join(REFRESH_MODES)}."
        )
    return refresh


def _override(date_from: Any, date_to: Any, properties: Any) -> str | None:
    import json

    override: dict[str, Any] = {}
    if date_from is not None:
        override["date_from"] = str(date_from)
    if date_to is not None:
        override["date_to"] = str(date_to)
    if properties:
        override["properties"] = [f.to_dict() for f in normalize_filters(properties)]
    return json.dumps(override) if override else None


def _query_display(raw: dict[str, Any]) -> str | None:
    source = (raw.get("query") or {}).get("source") or {}
    for key in ("trendsFilter", "stickinessFilter", "lifecycleFilter"):
        display = (source.get(key) or {}).get("display")
        if display:
            return display
    funnel = (source.get("funnelsFilter") or {}).get("funnelVizType")
    return f"Funnel:{funnel}" if funnel else None


def _kind_or_unknown(kind_of: Any, raw: dict[str, Any]) -> tuple[str | None, str | None]:
    try:
        found = kind_of(raw)
    except (ValueError, PostHogError):
        return None, None
    return found if isinstance(found, tuple) else (found, None)
