"""Lazy bridges to the insight endpoints, written in other modules.

``api.insights.InsightStore`` (insights list/retrieve, query status) and
``api.query.run_query`` (``POST /query/``) are imported on first use, so this server works
before they exist (answering PostHog's 404) and lights up when they land. The store is built
once, on the first insight request, because its event log is costly for large demos.

Example:
    >>> from posthog_frames.demo import DEMO_NOW
    >>> hooks = InsightHooks(persons=lambda: [], seed=0, now=DEMO_NOW, timezone="UTC",
    ...                      project_id=1, user={})
    >>> hooks.store() is None or hasattr(hooks.store(), "list")
    True
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

__all__ = ["InsightHooks", "describe_store"]

_MISSING = object()


def _optional_import(name: str) -> Any | None:
    """Import ``posthog_frames.demo.<name>`` or None when that very module does not exist yet."""
    qualified = f"{__package__}.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as err:
        if err.name == qualified:
            return None
        raise  # a real missing dependency inside the module must not look like "not found"


class InsightHooks:
    """Creates the InsightStore on first use and forwards the insight/query calls to it."""

    def __init__(
        self,
        *,
        persons: Callable[[], list[dict[str, Any]]],
        seed: int,
        now: datetime,
        timezone: str,
        project_id: int,
        user: dict[str, Any],
    ) -> None:
        self._persons = persons
        self._kwargs = {"seed": seed, "now": now, "timezone": timezone, "project_id": project_id,
                        "user": user}  # fmt: skip
        self._lock = threading.Lock()
        self._store: Any = _MISSING

    def store(self) -> Any | None:
        """The InsightStore (built once), or None while ``api.insights`` does not exist."""
        if self._store is _MISSING:
            with self._lock:
                if self._store is _MISSING:
                    module = _optional_import("api.insights")
                    store_cls = getattr(module, "InsightStore", None) if module else None
                    self._store = store_cls(self._persons(), **self._kwargs) if store_cls else None
        return self._store

    def built_store(self) -> Any | None:
        """The store only if it was already built (for summaries that must stay cheap)."""
        return None if self._store is _MISSING else self._store

    def list(self, params: Mapping[str, str], base_url: str) -> tuple[int, dict] | None:
        store = self.store()
        return None if store is None else store.list(params, base_url)

    def retrieve(self, key: str, params: Mapping[str, str]) -> tuple[int, dict] | None:
        store = self.store()
        return None if store is None else store.retrieve(key, params)

    def query_status(self, query_id: str) -> tuple[int, dict] | None:
        module = _optional_import("api.query")  # ids of async /query/ calls are answered there
        own = getattr(module, "query_status", None) if module else None
        found = own(query_id) if own else None
        if found is not None:
            return found
        store = self.store()
        return None if store is None else store.query_status(query_id)

    def run_query(
        self, body: dict, *, persons: list[dict[str, Any]], with_store: bool = True
    ) -> tuple[int, dict] | None:
        module = _optional_import("api.query")
        run = getattr(module, "run_query", None) if module else None
        if run is None:
            return None
        store = self.store() if with_store else None
        return run(body, persons=persons, store=store, now=self._kwargs["now"])


def describe_store(hooks: InsightHooks, *, build: bool = True) -> str | None:
    """A one-paragraph summary of the saved insights, for the CLI banner.

    Uses the store's ``summary()`` (a text, or rows such as ``(id, short_id, kind, name)``)
    when it offers one, else its insight list; None when there is no store.
    """
    store = hooks.store() if build else hooks.built_store()
    if store is None:
        return None
    summary = getattr(store, "summary", None)
    if callable(summary):
        found = summary()
        if isinstance(found, str):
            return found
        rows = [tuple(row) for row in found]
    else:
        status, body = store.list({"limit": "100", "basic": "true"}, "")
        if status != 200:
            return None
        rows = [(i.get("id"), i.get("short_id"), i.get("name") or i.get("derived_name"))
                for i in body.get("results", [])]  # fmt: skip
    if not rows:
        return None
    lines = ["  " + "  ".join(str(cell) for cell in row) for row in rows]
    return f"Saved insights ({len(rows)}):\n" + "\n".join(lines)
