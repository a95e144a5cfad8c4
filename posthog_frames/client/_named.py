"""Objects named by id or by name (cohorts, dashboards): which id a user meant.

Example:
    >>> import pandas as pd
    >>> listing = lambda: pd.DataFrame({"id": [1, 2], "name": ["Overview", "Weekly review"]})
    >>> object_id("weekly review", listing, "dashboard"), object_id(2, listing, "dashboard")
    (2, 2)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from posthog_frames.exceptions import NotFound, ValidationError

__all__ = ["object_id"]


def object_id(value: Any, listing: Callable[[], pd.DataFrame], what: str) -> int:
    """The id of the *what* (``"cohort"``, ``"dashboard"``) given as an id, a row of its
    listing, or a name; *listing* (the ``client.<what>s()`` frame) is read for names only.

    A name matches exactly, else ignoring case; one that names several is refused with their
    ids, one that names none raises NotFound listing the names there are.
    """
    if isinstance(value, pd.Series | Mapping) and "id" in value:
        value = value["id"]
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"A {what} is given by its id (the number in its PostHog URL) or its name, got "
            f"{value!r}; client.{what}s() lists both."
        )
    frame = listing()
    names = frame["name"].astype(object)
    for same in (names == value, names.str.casefold() == value.strip().casefold()):
        found = frame.loc[same.fillna(False).astype(bool), "id"].tolist()
        if len(found) == 1:
            return int(found[0])
        if len(found) > 1:
            ids = ", ".join(str(int(i)) for i in found)
            raise ValidationError(
                f"{len(found)} {what}s are named {value!r} (ids {ids}): pass the id instead."
            )
    known = ", ".join(repr(n) for n in names.dropna().tolist()[:20]) or "none"
    raise NotFound(f"No {what} is named {value!r}. client.{what}s() lists them: {known}.")
