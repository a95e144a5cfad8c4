"""The demo project's data: persons and property definitions, shaped like PostHog's serializers.

Persons come from :mod:`.persons` (seeded, so the same ``(persons, seed, now)`` always gives
byte-identical responses). Each person is serialised once with orjson so large pages are
assembled from ready-made bytes.

Example:
    >>> data = DemoData.generate(500, seed=0)
    >>> data.persons[0]["created_at"] >= data.persons[-1]["created_at"]
    True
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from posthog_frames.demo._gc import paused_gc
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.persons import added_person, generate_persons

__all__ = ["DemoData", "compact_json", "listed_person", "retrieved_person"]

# PersonSerializer.Meta.fields (posthog/api/person.py): what GET /persons/:id/ answers.
_RETRIEVE_FIELDS = (
    "id",
    "name",
    "distinct_ids",
    "properties",
    "created_at",
    "uuid",
    "last_seen_at",
)
# CORE_FILTER_DEFINITIONS_BY_GROUP["person_properties"] entries marked virtual (posthog/taxonomy):
# PostHog appends them to the last page of person property definitions.
_VIRTUAL_PERSON_PROPERTIES = (
    ("$virt_initial_channel_type", "String"),
    ("$virt_initial_referring_domain_type", "String"),
    ("$virt_revenue", "Numeric"),
    ("$virt_revenue_last_30_days", "Numeric"),
)


def compact_json(value: Any) -> bytes:
    """*value* as JSON bytes that occupy their own length in memory.

    orjson (3.13) hands back a ``bytes`` that keeps about 8 KiB of its growth buffer whatever
    the text's length (100,000 person bodies of 1 KiB held 780 MiB instead of 100 MiB,
    measured): one copy makes a body kept for the server's lifetime its own size.

    Example:
        >>> compact_json({"a": 1})
        b'{"a":1}'
    """
    return memoryview(orjson.dumps(value)).tobytes()


def retrieved_person(person: dict[str, Any]) -> dict[str, Any]:
    """*person* as ``GET /persons/:id/`` shows it (PersonSerializer: the numeric ``id``)."""
    return {key: person[key] for key in _RETRIEVE_FIELDS}


def listed_person(person: dict[str, Any]) -> dict[str, Any]:
    """*person* as an item of ``GET /persons/``: PostHog's ``SerializedPerson``
    (``posthog/queries/actor_base_query.py``), whose ``id`` is the person's UUID.

    Example:
        >>> person = DemoData.generate(1).persons[0]
        >>> listed_person(person)["id"] == person["uuid"]
        True
    """
    return {
        "type": "person",
        "id": person["uuid"],
        "uuid": person["uuid"],
        "created_at": person["created_at"],
        "last_seen_at": person["last_seen_at"],
        "properties": person["properties"],
        "is_identified": person["is_identified"],
        "name": person["name"],
        "distinct_ids": person["distinct_ids"],
        "matched_recordings": [],
        "value_at_data_point": None,
    }


def virtual_definitions() -> list[dict[str, Any]]:
    """The ``$builtin_*`` entries PostHog appends to person property definitions (6 keys)."""
    return [
        {
            "id": f"$builtin_{name}",
            "name": name,
            "is_numerical": kind == "Numeric",
            "property_type": kind,
            "tags": [],
            "virtual": True,
        }
        for name, kind in _VIRTUAL_PERSON_PROPERTIES
    ]


# ISO-like strings that PostHog's property-type detection would mark as DateTime.
_DATETIME_KEYS = {"signed_up_at", "last_login_at"}


def _property_type(key: str, values: list[Any]) -> str:
    if key in _DATETIME_KEYS:
        return "DateTime"
    if all(isinstance(v, bool) for v in values):
        return "Boolean"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "Numeric"
    return "String"


def _definition(kind: str, name: str, property_type: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"posthog-frames-demo/{kind}/{name}")),
        "name": name,
        "is_numerical": property_type == "Numeric",
        "property_type": property_type,
        "tags": [],
        "is_seen_on_filtered_events": None,
    }


_EVENT_DEFINITIONS = [
    ("$browser", "String"),
    ("$current_url", "String"),
    ("$os", "String"),
    ("$pathname", "String"),
    ("product", "String"),
    ("revenue", "Numeric"),
]


@dataclass
class DemoData:
    """The demo project's persons (newest first: created_at, then uuid, descending, as PostHog
    selects them) with their pre-serialised JSON bytes: ``blobs`` as the persons list shows each
    one, ``retrieved`` as ``GET /persons/:id/`` does.

    The lists are replaced, never mutated, so a reader holding a snapshot from :meth:`snapshot`
    sees a consistent list while :meth:`add_person` runs on another thread.
    """

    persons: list[dict[str, Any]]
    blobs: list[bytes]
    retrieved: list[bytes]
    now: datetime = DEMO_NOW
    seed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _added: int = 0
    _definitions: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)

    @classmethod
    def generate(cls, count: int, seed: int = 0, now: datetime = DEMO_NOW) -> DemoData:
        """Generate *count* persons for *seed* (100,000 take a few seconds).

        Example:
            >>> DemoData.generate(3, seed=1).persons[-1]["id"]
            1
        """
        if count < 0:
            raise ValueError(f"persons must be >= 0, got {count}")
        with paused_gc():
            persons = generate_persons(count, seed, now)
            persons.sort(key=lambda p: (p["created_at"], p["uuid"]), reverse=True)
            blobs = [compact_json(listed_person(p)) for p in persons]
            retrieved = [compact_json(retrieved_person(p)) for p in persons]
        return cls(persons, blobs, retrieved, now=now, seed=seed)

    def snapshot(self) -> tuple[list[dict[str, Any]], list[bytes]]:
        """The current (persons, blobs) pair; safe to use while another thread adds persons."""
        with self._lock:
            return self.persons, self.blobs

    def retrievable(self) -> tuple[list[dict[str, Any]], list[bytes]]:
        """The current (persons, retrieve bodies) pair, consistent like :meth:`snapshot`."""
        with self._lock:
            return self.persons, self.retrieved

    def add_person(self, **properties: Any) -> dict[str, Any]:
        """Add one person created "now" (so it becomes the first row and shifts every offset).

        Example:
            >>> data = DemoData.generate(2)
            >>> data.add_person(email="new@example.com")["id"]
            3
        """
        with self._lock:
            self._added += 1
            pk = max((p["id"] for p in self.persons), default=0) + 1
            created = self.now + timedelta(milliseconds=self._added)
            person = added_person(pk, properties, seed=self.seed, created=created)
            self.persons = [person, *self.persons]
            self.blobs = [compact_json(listed_person(person)), *self.blobs]
            self.retrieved = [compact_json(retrieved_person(person)), *self.retrieved]
            self._definitions.pop("person", None)
            return person

    def delete_person(self, person_uuid: str) -> dict[str, Any]:
        """Delete the person with *person_uuid* (later rows move up by one); returns it.

        Example:
            >>> data = DemoData.generate(3)
            >>> gone = data.delete_person(data.persons[0]["uuid"])
            >>> len(data.persons), gone["uuid"] in {p["uuid"] for p in data.persons}
            (2, False)
        """
        with self._lock:
            at = next((i for i, p in enumerate(self.persons) if p["uuid"] == person_uuid), None)
            if at is None:
                raise KeyError(f"no person has uuid {person_uuid!r}")
            person = self.persons[at]
            self.persons = self.persons[:at] + self.persons[at + 1 :]
            self.blobs = self.blobs[:at] + self.blobs[at + 1 :]
            self.retrieved = self.retrieved[:at] + self.retrieved[at + 1 :]
            self._definitions.pop("person", None)
            return person

    def property_definitions(self, kind: str) -> list[dict[str, Any]]:
        """Definitions for ``kind`` "person" (derived from the data) or "event", sorted by name."""
        cached = self._definitions.get(kind)
        if cached is not None:
            return cached
        if kind == "event":
            result = [_definition(kind, n, t) for n, t in _EVENT_DEFINITIONS]
        elif kind == "person":
            result = self._person_definitions()
        else:
            result = []
        self._definitions[kind] = result
        return result

    def _person_definitions(self) -> list[dict[str, Any]]:
        seen: dict[str, list[Any]] = {}
        persons, _ = self.snapshot()
        for person in persons:
            for key, value in person["properties"].items():
                bucket = seen.setdefault(key, [])
                if len(bucket) < 50:
                    bucket.append(value)
        return [_definition("person", k, _property_type(k, v)) for k, v in sorted(seen.items())]
