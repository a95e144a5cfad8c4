"""Property metadata: the project's definitions, a property's values, and misspelt-name hints.

PostHog answers a filter on a property that no person has with an empty list, exactly as it
answers a filter nobody matches; the project's property definitions tell the two apart, so an
empty answer to a filter on an unknown key warns with the closest names.

Example:
    >>> property_definitions(client)[["name", "property_type"]].head(2)
                      name property_type
    0     $geoip_city_name        String
    1  $geoip_country_code        String
"""

from __future__ import annotations

import difflib
import logging
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.exceptions import PermissionDenied, ValidationError
from posthog_frames.filters import normalize_filters
from posthog_frames.frames.listings import property_definitions_frame, property_values_frame
from posthog_frames.http.paging import expect_page

__all__ = [
    "PROPERTY_TYPES",
    "filter_keys",
    "hint_unknown",
    "person_property_types",
    "property_definitions",
    "property_values",
    "warn_unknown_properties",
]

log = logging.getLogger("posthog_frames")

PROPERTY_TYPES = ("person", "event", "session", "group")


def property_definitions(
    client: BaseClient, type: str = "person", search: str | None = None, *, refresh: bool = False
) -> pd.DataFrame:
    """All pages of ``property_definitions/?type=...`` as a frame sorted by name.

    Example:
        >>> "$initial_os" in set(property_definitions(client)["name"])
        True
    """
    if type not in PROPERTY_TYPES:
        raise ValidationError(f"type must be one of {', '.join(PROPERTY_TYPES)}, not {type!r}.")
    pages = client.paginate(
        "property_definitions/", refresh=refresh, type=type, search=search, limit=1000
    )
    return property_definitions_frame([row for page in pages for row in page["results"]], type)


def property_values(
    client: BaseClient, key: str, search: str | None = None, *, refresh: bool = False
) -> pd.DataFrame:
    """``persons/values/?key=...`` as a frame of ``value`` and ``count``, most common first.

    Example:
        >>> property_values(client, "$initial_os")["value"].tolist()[:2]
        [...]
    """
    if not isinstance(key, str) or not key:
        raise ValidationError("property_values needs a property name, e.g. '$initial_os'.")
    body = client.get(
        "persons/values/", refresh=refresh, key=key, value=search, expect=_expect_values
    )
    frame = property_values_frame(body, key)
    hint_unknown(client, frame, [key])
    return frame


def person_property_types(client: BaseClient, *, refresh: bool = False) -> dict[str, str] | None:
    """``{property: PostHog type}`` for typing person columns; None without the scope to read.

    Example:
        >>> person_property_types(client)["plan"]
        'String'
    """
    try:
        definitions = property_definitions(client, "person", refresh=refresh)
    except PermissionDenied:
        log.info("no property_definition:read scope; inferring person property dtypes")
        return None
    typed = definitions.dropna(subset=["property_type"])
    return dict(zip(typed["name"], typed["property_type"], strict=True))


def hint_unknown(client: BaseClient, frame: pd.DataFrame, keys: list[str]) -> None:
    """Warn when *frame* is empty and a key in *keys* is no person property of the project.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     hint_unknown(client, pd.DataFrame(), ["emial"])
        >>> print(caught[0].message)
        No person property is named 'emial' ... Did you mean 'email'? ...
    """
    # An empty answer is where a misspelt property name hides; the definitions are cached.
    if not frame.empty or not keys:
        return

    def definitions() -> pd.DataFrame:
        return property_definitions(client, "person")

    # Past this function, the resource function and the Client method: the user's line.
    warn_unknown_properties(keys, definitions, stacklevel=4)


def filter_keys(properties: Any) -> list[str]:
    """The keys of the person-property filters in *properties* (``[]`` without filters).

    Example:
        >>> filter_keys([phf.PropertyFilter("plan", ["pro"])])
        ['plan']
    """
    if not properties:
        return []
    return [f.key for f in normalize_filters(properties) if f.type == "person"]


def warn_unknown_properties(
    keys: Iterable[str],
    definitions: Callable[[], pd.DataFrame],
    *,
    stacklevel: int,
) -> None:
    """Warn (UserWarning) for each key not among the definitions, naming close matches.

    *definitions* is called lazily (the cached ``client.property_definitions("person")``); a key
    without the scope to read them gets no warning.

    Example:
        >>> warn_unknown_properties(["plan"], lambda: pd.DataFrame({"name": ["plan"]}),
        ...                         stacklevel=2)   # known: no warning
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    try:
        names = [str(n) for n in definitions()["name"].dropna()]
    except PermissionDenied:
        return
    for key in keys:
        if key in names:
            continue
        close = difflib.get_close_matches(key, names, n=3)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        warnings.warn(
            f"No person property is named {key!r} in this project's property definitions, which "
            f"may be why nothing matched.{hint} List them with client.property_definitions().",
            UserWarning,
            stacklevel=stacklevel + 1,
        )


def _expect_values(body: Any) -> str | None:
    # Self-hosted releases before PostHog/posthog@a8b2677e answer a bare list of the items.
    page = {"results": body} if isinstance(body, list) else body
    problem = expect_page(page)
    if problem is None and not all(_count(item.get("count")) for item in page["results"]):
        problem = "expected {'name': ..., 'count': <whole number>} items in 'results'"
    return problem


def _count(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))
