"""Cohorts that PostHog is still calculating: waited for, never read half-done.

A cohort's members are what PostHog's last calculation wrote. While a new cohort is first
calculated (``is_calculating`` and no ``last_calculation``) there are none yet, so its persons,
and a persons filter on it, would come back empty or partial without any error. Each cohort is
therefore read first, and polled until that calculation ends (or *wait* seconds pass, when
:class:`~posthog_frames.exceptions.CohortCalculating` says so). A cohort being *re*calculated
keeps its previous members until the new ones are complete (PostHog versions them), so it is
read as of its ``last_calculation`` without waiting.

Example:
    >>> ready = await_cohorts(client, [1])
    >>> ready[1]["is_calculating"], ready[1]["name"]
    (False, 'Paying customers')
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from posthog_frames.client.base import BaseClient
from posthog_frames.exceptions import (
    CohortCalculating,
    PermissionDenied,
    QueryFailed,
    ValidationError,
)
from posthog_frames.http.transport import expect_object

__all__ = ["COHORT_WAIT", "await_cohorts", "cohort_filter_ids"]

log = logging.getLogger("posthog_frames")

COHORT_WAIT = 60.0  # seconds a calculating cohort is waited for by default
_FIRST_PAUSE, _LONGEST_PAUSE = 1.0, 10.0
_HINT = "List the project's cohorts (id, name) with client.cohorts()."


def cohort_filter_ids(filters: Iterable[Any]) -> list[int]:
    """The cohorts the cohort filters among *filters* (PropertyFilters) name, once each.

    Example:
        >>> cohort_filter_ids([phf.InCohort(3), phf.PropertyFilter("plan", "pro")])
        [3]
    """
    return list(dict.fromkeys(f.value for f in filters if f.type == "cohort"))


def await_cohorts(
    client: BaseClient, ids: Iterable[int], wait: float = COHORT_WAIT, *, optional: bool = False
) -> dict[int, dict[str, Any]]:
    """Each cohort of *ids* as PostHog answers it, once none is calculating.

    Polls ``cohorts/:id/`` (never the local cache) with growing pauses, at most *wait*
    seconds in all; a cohort still in its first calculation then raises CohortCalculating,
    one PostHog failed to calculate raises QueryFailed. *optional*: a key without
    ``cohort:read`` skips the check (the persons API does not need that scope), giving ``{}``.
    """
    if isinstance(wait, bool) or not isinstance(wait, int | float) or not wait >= 0:
        raise ValidationError(f"wait must be seconds >= 0, got {wait!r}.", attr="wait")
    found: dict[int, dict[str, Any]] = {}
    waited, pause = 0.0, _FIRST_PAUSE
    for cohort in ids:
        while True:
            try:
                raw = client.get(f"cohorts/{cohort}/", refresh=True, hint=_HINT, expect=_expect)
            except PermissionDenied:
                if not optional:
                    raise
                log.debug("no cohort:read: cohort %s is not checked for a calculation", cohort)
                return {}
            if not raw.get("is_calculating") or raw.get("last_calculation") is not None:
                break
            if waited >= wait:
                raise _still_calculating(raw, cohort, waited)
            step = min(pause, wait - waited)
            client.pause(step)
            waited, pause = waited + step, min(pause * 2, _LONGEST_PAUSE)
        if _never_calculated(raw):
            raise QueryFailed(
                f"PostHog failed calculating cohort {cohort} ({raw.get('name')!r}): "
                f"{raw.get('last_error_message') or 'no reason given'}. Open the cohort in "
                "PostHog to see why; its members cannot be read until it is calculated.",
                error_message=raw.get("last_error_message"),
                endpoint=f"cohorts/{cohort}/",
            )
        found[cohort] = raw
    return found


def _never_calculated(raw: dict[str, Any]) -> bool:
    # A dynamic cohort whose calculations all failed has no members to read.
    failed = isinstance(raw.get("errors_calculating"), int) and raw["errors_calculating"] > 0
    return failed and not raw.get("is_static") and raw.get("last_calculation") is None


def _still_calculating(raw: dict[str, Any], cohort: int, waited: float) -> CohortCalculating:
    return CohortCalculating(
        f"Cohort {cohort} ({raw.get('name')!r}) is not ready: PostHog is calculating it for "
        f"the first time (still after {waited:g} s), and its members would come back "
        "incomplete. Try again in a minute, or wait longer with wait=<seconds>.",
        cohort=cohort,
        endpoint=f"cohorts/{cohort}/",
    )


def _expect(body: Any) -> str | None:
    if not isinstance(body, dict):
        return expect_object(body)
    if "is_calculating" in body and "id" in body:
        return None
    return f"expected a cohort {{'id', 'is_calculating', ...}}, got keys {sorted(body)[:8]}"
