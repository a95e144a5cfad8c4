"""The PostHog URL that opens an insight: saved (``/insights/<short_id>``) or new from its query.

PostHog's scenes keep their query in the URL hash: ``urls.insightNew`` is
``combineUrl('/insights/new', {}, {q: JSON.stringify(query)})`` (kea-router: the third argument
is the hash), under ``/project/<team id>`` (reference §16). ``q`` is encoded as JavaScript's
``encodeURIComponent`` does, so the link is the one PostHog would write.

Example:
    >>> insight_url("https://us.posthog.com", 2, {"kind": "InsightVizNode", "source": {}})
    'https://us.posthog.com/project/2/insights/new#q=%7B%22kind%22%3A%22InsightVizNode%22%2C%22source%22%3A%7B%7D%7D'
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from posthog_frames.exceptions import InvalidArgument

__all__ = ["insight_url"]

_URI_COMPONENT_SAFE = "-_.!~*'()"  # what encodeURIComponent leaves as it is


def insight_url(
    host: str, team_id: int, query: dict[str, Any] | None = None, short_id: str | None = None
) -> str:
    """The URL of the saved insight *short_id*, else of a new insight showing *query*.

    Example:
        >>> insight_url("https://eu.posthog.com", 7, short_id="U6hMkMoa")
        'https://eu.posthog.com/project/7/insights/U6hMkMoa'
    """
    base = f"{host.rstrip('/')}/project/{team_id}/insights"
    if short_id:
        return f"{base}/{short_id}"
    if not isinstance(query, dict) or "kind" not in query:
        raise InvalidArgument(
            "An insight URL needs the insight's query (a dict with a 'kind') or its short_id.",
            attr="query",
        )
    text = json.dumps(query, separators=(",", ":"), ensure_ascii=False)
    return f"{base}/new#q={quote(text, safe=_URI_COMPONENT_SAFE)}"
