"""What a persons pull asks for, shared by the REST and the HogQL paths (which import it from
here, not from each other)."""

from __future__ import annotations

from typing import Any, NamedTuple

from posthog_frames.filters import normalize_filters

__all__ = ["PersonsRequest"]


class PersonsRequest(NamedTuple):
    """Which persons a pull asks for: the arguments ``persons()`` and ``iter_persons()`` share.

    Example:
        >>> PersonsRequest(properties=[phf.PropertyFilter("plan", ["pro"])], limit=10).limit
        10
    """

    properties: Any = None
    search: str | None = None
    distinct_id: str | None = None
    email: str | None = None
    limit: int | None = None
    page_size: int | None = None

    def filters(self) -> list[dict[str, Any]]:
        """The property filters as PostHog's dicts (``[]`` without filters).

        Example:
            >>> PersonsRequest(properties=[phf.PropertyFilter("plan", ["pro"])]).filters()
            [{'key': 'plan', 'value': ['pro'], 'operator': 'exact', 'type': 'person'}]
        """
        return [f.to_dict() for f in normalize_filters(self.properties)] if self.properties else []
