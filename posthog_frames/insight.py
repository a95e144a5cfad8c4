"""A saved PostHog insight as a read-only object that converts, plots and renders in Jupyter."""

from __future__ import annotations

import copy
import html
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import detect_kind, insight_frame

_HEAD_ROWS = 10
_NOT_COMPUTED_HINT = (
    'fetch it with refresh="blocking" (e.g. client.insight(id, refresh="blocking"))'
)


class Insight:
    """One insight as PostHog answered it; ``.frame()`` converts it, ``.plot()`` draws it.

    The raw JSON is kept as given; ``.raw`` hands out a copy (a plain dict, ready for
    ``json.dumps``), so the Insight never changes and attributes cannot be reassigned.

    Example:
        >>> ins = client.insight("HbtKE1IY")           # or Insight(requests.get(...).json())
        >>> ins.name, ins.kind, ins.view
        ('Signups this week', 'trends', 'number')
        >>> ins.frame()[["series", "value"]]
              series  value
        0  signed up     62
    """

    __slots__ = ("_raw", "_kind", "_frame")
    _raw: MappingProxyType[str, Any]
    _kind: tuple[str, str]
    _frame: pd.DataFrame | None

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if not isinstance(raw, Mapping):
            raise InvalidResponse(
                f"An insight must be a JSON object (dict), got {type(raw).__name__}. Pass the "
                "body of GET /api/projects/:id/insights/:id/."
            )
        object.__setattr__(self, "_raw", MappingProxyType(dict(raw)))
        try:
            kind: tuple[str, str] = detect_kind(raw)
        except ValueError:
            kind = ("unknown", "unknown")
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_frame", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Insight is read-only; build a new Insight from changed raw JSON")

    @property
    def raw(self) -> dict[str, Any]:
        """A copy of the insight's JSON as PostHog answered it (a plain dict you may change).

        Example:
            >>> ins = client.insight("HbtKE1IY")
            >>> ins.raw["result"][0]["aggregated_value"]
            62
            >>> import json; json.loads(json.dumps(ins.raw)) == ins.raw
            True
        """
        return copy.deepcopy(dict(self._raw))

    @property
    def id(self) -> int | None:
        """Numeric primary key.

        Example:
            >>> client.insight("HbtKE1IY").id
            3
        """
        return self._raw.get("id")

    @property
    def short_id(self) -> str | None:
        """The 8-character id seen in PostHog URLs.

        Example:
            >>> client.insight(3).short_id
            'HbtKE1IY'
        """
        return self._raw.get("short_id")

    @property
    def name(self) -> str:
        """The saved name, else PostHog's ``derived_name``, else ``"Untitled"``.

        Example:
            >>> Insight({"derived_name": "Pageview count"}).name
            'Pageview count'
        """
        return self._raw.get("name") or self._raw.get("derived_name") or "Untitled"

    @property
    def kind(self) -> str:
        """trends, stickiness, lifecycle, funnels, retention, paths, sql (or ``unknown``).

        Example:
            >>> Insight({"filters": {"insight": "FUNNELS"}, "result": []}).kind
            'funnels'
        """
        return self._kind[0]

    @property
    def view(self) -> str:
        """The display variant (``line``, ``number``, ``steps`` …).

        Example:
            >>> Insight({"filters": {"insight": "TRENDS", "display": "ActionsPie"}}).view
            'pie'
        """
        return self._kind[1]

    @property
    def result(self) -> Any:
        """The raw ``result`` (None when PostHog has not computed it).

        Example:
            >>> Insight({"result": None}).result is None
            True
        """
        return self._raw.get("result", self._raw.get("results"))

    @property
    def last_refresh(self) -> pd.Timestamp | None:
        """When PostHog computed the result (UTC), or None.

        Example:
            >>> Insight({"last_refresh": "2024-03-01T10:00:00Z"}).last_refresh
            Timestamp('2024-03-01 10:00:00+0000', tz='UTC')
        """
        value = self._raw.get("last_refresh")
        try:
            return pd.Timestamp(value) if value else None
        except (ValueError, TypeError):
            return None

    @property
    def is_cached(self) -> bool | None:
        """Whether PostHog answered from its cache.

        Example:
            >>> client.insight(3, refresh="force_cache").is_cached
            True
        """
        return self._raw.get("is_cached")

    @property
    def computed(self) -> bool:
        """Whether the insight carries a result.

        Example:
            >>> Insight({"result": []}).computed
            True
        """
        return self.result is not None

    def frame(self, **options: Any) -> pd.DataFrame:
        """The result as a DataFrame: ``insight_frame(self.raw, **options)``.

        Example:
            >>> client.insight("U6hMkMoa").frame(wide=True).columns.tolist()  # one per series
            ['Pageviews', 'Daily visitors', 'signed up']
        """
        if options:
            return insight_frame(dict(self._raw), **options)
        frame = self._frame
        if frame is None:
            frame = insight_frame(dict(self._raw))
            object.__setattr__(self, "_frame", frame)
        return frame.copy()

    def plot(self, **kw: Any) -> Any:
        """Draw the insight with :func:`posthog_frames.plot` (matplotlib, imported lazily).

        Keywords go to the plot function (``ax=``, ``title=``, ``figsize=`` …); returns the Axes.

        Example:
            >>> ax = client.insight("abc12345", refresh="blocking").plot(title="Signups")
            >>> ax.figure.savefig("signups.png")
        """
        from posthog_frames.plotting import plot

        return plot(self.frame(), **kw)

    def __repr__(self) -> str:
        state = "" if self.computed else ", not computed"
        return (
            f"<Insight {self.name!r} {self.kind}/{self.view} short_id={self.short_id!r} "
            f"id={self.id!r}{state}>"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        refreshed = self.last_refresh
        facts = [
            f"<b>{esc(self.name)}</b>",
            f"{esc(self.kind)} / {esc(self.view)}",
            f"short_id <code>{esc(str(self.short_id))}</code>",
            f"last refresh {esc(str(refreshed)) if refreshed is not None else 'never'}",
        ]
        header = "<div>" + " &middot; ".join(facts) + "</div>"
        if not self.computed:
            return header + f"<p><i>Not computed yet: {esc(_NOT_COMPUTED_HINT)}.</i></p>"
        try:
            df = self.frame()
        except Exception as err:  # a notebook display must show the problem, never raise
            return header + (
                f"<p><i>Cannot convert to a DataFrame ({esc(type(err).__name__)}: "
                f"{esc(str(err))}). The raw JSON is in .raw.</i></p>"
            )
        more = f"<p>{len(df)} rows</p>" if len(df) > _HEAD_ROWS else ""
        return header + df.head(_HEAD_ROWS).to_html() + more
