"""The demo project's saved insights: one or more of each kind, some stored the legacy way
(``filters`` filled, ``query`` derived) and some the new way (``filters: {}``, ``query`` set).

Their definitions are listed in :mod:`.insight_definitions`;
:func:`posthog_frames.demo.api.insight_serializer.represent` shows one as PostHog's API does.

Example:
    >>> from posthog_frames.demo import DEMO_NOW
    >>> insights = build_saved_insights(DEMO_NOW)
    >>> len(insights[0].short_id), insights[0].kind
    (8, 'TRENDS')
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from posthog_frames.demo.analytics import insight_kind
from posthog_frames.demo.analytics.legacy import filters_to_query
from posthog_frames.demo.data.dashboards import build_dashboards, tiles_by_insight
from posthog_frames.demo.data.insight_definitions import insight_definitions

__all__ = ["SavedInsight", "build_saved_insights", "short_id_for"]

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def short_id_for(seed: str) -> str:
    """A deterministic 8-character base62 short id, like PostHog's ``4kLpQ2xZ``.

    Example:
        >>> len(short_id_for("demo-1"))
        8
    """
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    chars = []
    for _ in range(8):
        number, rest = divmod(number, 62)
        chars.append(_B62[rest])
    return "".join(chars)


@dataclass
class SavedInsight:
    """One saved insight's stored definition and metadata (not its cached result)."""

    id: int
    name: str
    description: str
    created_at: datetime
    filters: dict = field(default_factory=dict)
    stored_query: dict | None = None
    tags: list[str] = field(default_factory=list)
    tiles: list[tuple[int, int]] = field(default_factory=list)  # (tile id, dashboard id)
    saved: bool = True
    favorited: bool = False
    cache_age: timedelta | None = timedelta(hours=2)  # None: never computed

    @property
    def dashboards(self) -> list[int]:
        """The ids of the dashboards showing it."""
        return [dashboard for _, dashboard in self.tiles]

    @property
    def short_id(self) -> str:
        return short_id_for(f"posthog-frames-demo-insight-{self.id}")

    @property
    def query(self) -> dict:
        """The new-style query: stored, or derived from the legacy filters."""
        return (
            self.stored_query if self.stored_query is not None else filters_to_query(self.filters)
        )

    @property
    def kind(self) -> str:
        return insight_kind(self.query)


def build_saved_insights(now: datetime) -> list[SavedInsight]:
    """The demo project's insights, ids 1..N, created over the weeks before *now*.

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> [i.kind for i in build_saved_insights(DEMO_NOW)][:2]
        ['TRENDS', 'TRENDS']
    """
    specs = insight_definitions()
    tiles = tiles_by_insight(build_dashboards(now))
    return [
        SavedInsight(
            id=i + 1,
            created_at=now - timedelta(days=45 - 2 * i, hours=3),
            tiles=tiles.get(i + 1, []),
            **spec,
        )
        for i, spec in enumerate(specs)
    ]
