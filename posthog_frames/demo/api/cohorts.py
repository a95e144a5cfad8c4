"""``/cohorts/`` and ``/cohorts/:id/`` as ``posthog/api/cohort.py`` answers them, and who is
in each cohort for the cohort filters of the persons API and the insights.

- list: LimitOffset (``count, next, previous, results``), newest first (``-created_at``),
  deleted cohorts left out; ``type=static|dynamic`` and ``search`` (name, case-insensitive;
  over 200 characters is PostHog's 400);
- retrieve: any cohort of the project, deleted ones included;
- ``CohortSerializer`` fields, current version: ``id, name, description, groups, deleted,
  filters, query, version, pending_version, is_calculating, created_by, created_at,
  last_calculation, last_backfill_person_properties_at, errors_calculating,
  last_error_message, count, is_static, cohort_type, experiment_set``.

A cohort being calculated for the first time (the demo's cohort 3, for its first reads: see
:mod:`posthog_frames.demo.data.cohorts`) reports ``is_calculating: true`` with no ``count`` and
no ``last_calculation``, and has no members yet: PostHog's ``IN COHORT`` reads the cohort's
precalculated members, which do not exist before the first calculation ends. Each read of the
cohort (retrieve, or a list that shows it) counts; its persons and filters do not.

Example:
    >>> from posthog_frames.demo.data.project import DemoData
    >>> store = CohortStore(DemoData.generate(100), user={})
    >>> status, body = store.retrieve("1")
    >>> status, body["name"], body["is_static"]
    (200, 'Paying customers', False)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from posthog_frames.demo.clock import iso_z
from posthog_frames.demo.data.cohorts import SavedCohort, build_cohorts
from posthog_frames.demo.data.project import DemoData
from posthog_frames.demo.errors import NOT_FOUND, invalid
from posthog_frames.demo.filters import UnknownCohort, parse_filters, person_matcher

__all__ = ["CohortStore", "MAX_SEARCH_LENGTH"]

MAX_SEARCH_LENGTH = 200  # posthog/helpers/trigram_search.py


class CohortStore:
    """The demo project's cohorts: their JSON, their calculation state and their members."""

    def __init__(self, data: DemoData, *, user: dict[str, Any], team_id: int = 1) -> None:
        self._data = data
        self._user = user
        self._team_id = team_id
        self._cohorts = {c.id: c for c in build_cohorts(data.snapshot()[0], data.now)}
        # Reads that will still find each cohort calculating; a cohort is calculating (no
        # members) until a read finds it done.
        self._reads_left = {c.id: c.first_reads_calculating for c in self._cohorts.values()}
        self._calculating = {c.id for c in self._cohorts.values() if c.first_reads_calculating}
        self._lock = threading.RLock()
        self._version = 0  # moves whenever a cohort's members may have changed
        self._members: dict[tuple[int, int, int], frozenset[str]] = {}

    # -- calculation state ------------------------------------------------------------------
    def version(self) -> int:
        """A number that changes whenever a cohort's members may have changed."""
        with self._lock:
            return self._version

    def calculate(self, cohort: int, reads: int) -> None:
        """Restart *cohort*'s first calculation: it reports ``is_calculating`` (no count, no
        members) for its next *reads* reads."""
        with self._lock:
            if cohort not in self._cohorts:
                raise KeyError(f"the demo has no cohort {cohort}")
            self._reads_left[cohort] = reads
            if reads > 0:
                self._calculating.add(cohort)
            self._version += 1

    def _read(self, cohort: int) -> bool:
        """Count one read of *cohort*; whether that read finds it calculating."""
        with self._lock:
            left = self._reads_left[cohort]
            if left > 0:
                self._reads_left[cohort] = left - 1
                return True
            if cohort in self._calculating:
                self._calculating.discard(cohort)  # this read finds the calculation done
                self._version += 1
            return False

    # -- members ----------------------------------------------------------------------------
    def lookup(self, cohort: int) -> Callable[[str], bool]:
        """Whether a person (by uuid) is in *cohort*; raises UnknownCohort for another id."""
        return self._member_set(cohort, ()).__contains__

    def _member_set(self, cohort: int, seen: tuple[int, ...]) -> frozenset[str]:
        found = self._cohorts.get(cohort)
        if found is None or cohort in seen:
            raise UnknownCohort(cohort)
        persons, _ = self._data.snapshot()
        with self._lock:
            if cohort in self._calculating:
                return frozenset()  # the first calculation has not written any member yet
            key = (cohort, id(persons), self._version)
            cached = self._members.get(key)
        if cached is not None:
            return cached
        uuids = {p["uuid"] for p in persons}
        if found.is_static:
            members = found.members & uuids
        else:
            node = parse_filters(
                found.filters["properties"] if found.filters else [],
                now=self._data.now,
                cohorts=lambda other: self._member_set(other, (*seen, cohort)).__contains__,
            )
            match = person_matcher(node)
            members = frozenset(p["uuid"] for p in persons if match(p))
        with self._lock:
            self._members[key] = members
        return members

    # -- the API ----------------------------------------------------------------------------
    def retrieve(self, key: str) -> tuple[int, dict]:
        """``GET /cohorts/:id/`` (deleted cohorts included)."""
        found = self._cohorts.get(int(key)) if key.isdigit() else None
        if found is None:
            return 404, dict(NOT_FOUND)
        return 200, self._serialize(found)

    def exists(self, key: str) -> bool:
        """Whether *key* is the id of one of the project's cohorts."""
        return key.isdigit() and int(key) in self._cohorts

    def listing(self, params: Mapping[str, str]) -> list[dict] | tuple[int, dict]:
        """The rows ``GET /cohorts/`` pages through, or PostHog's 400 for a bad search."""
        search = (params.get("search") or "").strip().lower()
        if len(params.get("search") or "") > MAX_SEARCH_LENGTH:
            return invalid(
                f"Search query must be {MAX_SEARCH_LENGTH} characters or fewer.", "search"
            )
        kind = params.get("type")
        rows = []
        for cohort in sorted(self._cohorts.values(), key=lambda c: c.created_at, reverse=True):
            if cohort.deleted or (search and search not in cohort.name.lower()):
                continue
            if (kind == "static" and not cohort.is_static) or (
                kind == "dynamic" and cohort.is_static
            ):
                continue
            rows.append(cohort)
        return [self._serialize(cohort) for cohort in rows]

    def _serialize(self, cohort: SavedCohort) -> dict[str, Any]:
        calculating = self._read(cohort.id)
        count = None if calculating else len(self._member_set(cohort.id, ()))
        return {
            "id": cohort.id,
            "name": cohort.name,
            "description": cohort.description,
            "groups": [],
            "deleted": cohort.deleted,
            "filters": cohort.filters,
            "query": None,
            "version": None if calculating else 1,
            "pending_version": 1,
            "is_calculating": calculating,
            "created_by": self._user,
            "created_at": iso_z(cohort.created_at),
            "last_calculation": None if calculating else iso_z(cohort.last_calculation),
            "last_backfill_person_properties_at": None,
            "errors_calculating": 0,
            "last_error_message": None,
            "count": count,
            "is_static": cohort.is_static,
            "cohort_type": cohort.cohort_type,
            "experiment_set": [],
            "search_match_type": None,
        }
