"""Warnings for empty answers that are probably a misspelt property name.

PostHog answers a filter on a property that no person has with an empty list, exactly as it
answers a filter nobody matches; the project's property definitions tell the two apart.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable, Iterable

import pandas as pd

from posthog_frames.exceptions import PermissionDenied
from posthog_frames.filters import normalize_filters

__all__ = ["filter_keys", "warn_unknown_properties"]


def filter_keys(properties: object) -> list[str]:
    """The keys of the person-property filters in *properties* (``[]`` without filters).

    Example:
        >>> filter_keys([PropertyFilter("plan", ["pro"])])
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
        >>> warn_unknown_properties(["emial"], lambda: client.property_definitions(), stacklevel=2)
        UserWarning: No person property is named 'emial' ... did you mean 'email'?
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
