"""Cohort membership as a property filter: ``phf.InCohort(id)`` and ``phf.NotInCohort(id)``.

PostHog filters persons (and insights) on a saved cohort with the filter
``{"type": "cohort", "key": "id", "value": <cohort id>, "operator": "in" | "not_in"}``
(reference §14; ``posthog/hogql/property.py`` turns it into ``IN COHORT`` / ``NOT IN COHORT``).
Both classes are :class:`~posthog_frames.filters.PropertyFilter`s, so they go wherever filters
go: ``client.persons(properties=...)``, ``client.insight(..., properties=...)``, the
FilterBuilder; they compare equal to the same filter built any other way.

Example:
    >>> InCohort(3).to_dict()
    {'key': 'id', 'value': 3, 'operator': 'in', 'type': 'cohort'}
    >>> PropertyFilter.from_dict({"type": "cohort", "key": "id", "value": 3, "negation": True})
    NotInCohort(3)
"""

from __future__ import annotations

import numbers
from typing import Any

from posthog_frames.exceptions import ValidationError
from posthog_frames.filters import PropertyFilter

__all__ = ["InCohort", "NotInCohort", "cohort_id"]


def cohort_id(cohort: Any) -> int:
    """The cohort id of *cohort*: an int, or a row of ``client.cohorts()`` (its ``id``).

    Example:
        >>> cohort_id({"id": 4, "name": "Paying customers"})
        4
    """
    found = cohort
    if not isinstance(cohort, numbers.Integral) and hasattr(cohort, "get"):
        found = cohort.get("id")  # a Series (a row of client.cohorts()) or a dict
    if isinstance(found, bool) or not isinstance(found, numbers.Integral):
        raise ValidationError(
            f"A cohort filter needs the cohort's id (an int, as in /cohorts/<id> in PostHog's "
            f"URL, or the `id` column of client.cohorts()), got {cohort!r}. For a cohort's "
            "name, look its id up in client.cohorts().",
            attr="properties",
        )
    return int(found)


class InCohort(PropertyFilter):
    """Persons in cohort *cohort* (its id, or a row of ``client.cohorts()``).

    Example:
        >>> InCohort(1) == PropertyFilter("id", 1, operator="in", type="cohort")
        True
    """

    def __init__(self, cohort: Any) -> None:
        super().__init__("id", cohort_id(cohort), "in", "cohort")


class NotInCohort(PropertyFilter):
    """Persons not in cohort *cohort* (its id, or a row of ``client.cohorts()``).

    Example:
        >>> NotInCohort(1).operator
        'not_in'
    """

    def __init__(self, cohort: Any) -> None:
        super().__init__("id", cohort_id(cohort), "not_in", "cohort")
