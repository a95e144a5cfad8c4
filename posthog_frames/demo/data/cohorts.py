"""The demo project's cohorts: saved groups of persons, consistent with its persons.

- 1 "Paying customers": dynamic, persons whose ``plan`` is pro or enterprise;
- 2 "Launch week signups": static, the persons created in the week from ``LAUNCH_DAY`` (a list
  fixed when the data was made: persons added later never join it, as with PostHog's static
  cohorts);
- 3 "Desktop engineers": dynamic, ``role`` engineer on a desktop device; it is still being
  calculated for the first time (``is_calculating``, no count, no members yet) for its first
  reads, as a cohort PostHog has just saved;
- 4 "Not paying yet": dynamic, everyone not in cohort 1 (a cohort filter with ``negation``);
- 5 "Old test cohort": deleted (the list leaves it out, retrieve still serves it).

Definitions use PostHog's ``filters`` schema (``CohortFilters`` in ``posthog/api/cohort.py``):
``{"properties": {"type": "OR", "values": [{"type": "AND", "values": [leaf, ...]}]}}`` with
``person`` leaves ``{key, type, value, operator, negation}`` and ``cohort`` leaves
``{key: "id", type: "cohort", value, negation}``.

Example:
    >>> from posthog_frames.demo.data.persons import generate_persons
    >>> [c.name for c in build_cohorts(generate_persons(50))][:2]
    ['Paying customers', 'Launch week signups']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from posthog_frames.demo.clock import DEMO_NOW, LAUNCH_DAY, iso_z

__all__ = ["FIRST_CALCULATION_READS", "SavedCohort", "build_cohorts"]

# Reads of cohort 3 that still find its first calculation running.
FIRST_CALCULATION_READS = 2


def _person(key: str, value: object, operator: str = "exact") -> dict:
    return {"key": key, "type": "person", "value": value, "operator": operator, "negation": False}


def _definition(*leaves: dict) -> dict:
    return {"properties": {"type": "OR", "values": [{"type": "AND", "values": list(leaves)}]}}


@dataclass(frozen=True)
class SavedCohort:
    """One cohort's stored state: a definition (dynamic) or a member list (static)."""

    id: int
    name: str
    description: str
    created_at: datetime
    filters: dict | None = None
    members: frozenset[str] = frozenset()  # person uuids, static cohorts only
    is_static: bool = False
    deleted: bool = False
    first_reads_calculating: int = 0
    cohort_type: str = "person_property"

    @property
    def last_calculation(self) -> datetime:
        """When PostHog last calculated it (before the demo's fixed clock)."""
        return self.created_at + timedelta(hours=1)


def build_cohorts(persons: Sequence[dict], now: datetime = DEMO_NOW) -> list[SavedCohort]:
    """The demo's cohorts (ids 1..5) for *persons*, newest last.

    Example:
        >>> from posthog_frames.demo.data.persons import generate_persons
        >>> static = build_cohorts(generate_persons(200))[1]
        >>> static.is_static, len(static.members) > 0
        (True, True)
    """
    week_end = LAUNCH_DAY + timedelta(days=7)
    launch_week = frozenset(
        p["uuid"]
        for p in persons
        if iso_z(LAUNCH_DAY) <= p["created_at"] < iso_z(week_end)  # ISO text sorts as time
    )
    day = timedelta(days=1)
    return [
        SavedCohort(
            1,
            "Paying customers",
            "Persons on the pro or enterprise plan.",
            now - 40 * day,
            filters=_definition(_person("plan", ["pro", "enterprise"])),
        ),
        SavedCohort(
            2,
            "Launch week signups",
            "Everyone who signed up in launch week (a list saved on the day after).",
            week_end + timedelta(hours=2),
            filters={"properties": {"type": "OR", "values": []}},
            members=launch_week,
            is_static=True,
            cohort_type="static",
        ),
        SavedCohort(
            3,
            "Desktop engineers",
            "Engineers who first came on a desktop computer.",
            now - timedelta(minutes=5),
            filters=_definition(
                _person("role", ["engineer"]), _person("$initial_device_type", ["Desktop"])
            ),
            first_reads_calculating=FIRST_CALCULATION_READS,
        ),
        SavedCohort(
            4,
            "Not paying yet",
            "Everyone who is not a paying customer.",
            now - 2 * day,
            filters=_definition({"key": "id", "type": "cohort", "value": 1, "negation": True}),
        ),
        SavedCohort(
            5,
            "Old test cohort",
            "Made while setting up the project; deleted.",
            now - 80 * day,
            filters=_definition(_person("email", "is_set", "is_set")),
            deleted=True,
        ),
    ]
