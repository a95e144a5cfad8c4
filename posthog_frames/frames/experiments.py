"""Experiment exposure responses (``ExperimentExposureQuery``) as a trends-shaped frame.

Metric responses of experiments (``ExperimentTrendsQuery``, ``ExperimentFunnelsQuery``) keep
their trends or funnel result under ``insight`` and convert with those converters; exposures are
a list of per-variant running totals under ``timeseries`` and convert here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import _common as c
from posthog_frames.frames import _dates as d

KIND = "ExperimentExposureQuery"


def is_exposures(obj: Any) -> bool:
    """Whether *obj* is an experiment exposure response."""
    return isinstance(obj, Mapping) and (obj.get("kind") == KIND or "total_exposures" in obj)


def exposures_frame(response: Mapping[str, Any], tz: bool = False) -> pd.DataFrame:
    """One row per variant x day: ``series`` ("exposures"), ``label`` and ``breakdown_value``
    (the variant), ``math`` ("exposed users"), ``date``, ``value`` (people exposed so far: a
    running total, as PostHog counts them). ``df.attrs["view"]`` is ``cumulative``;
    ``df.attrs["total_exposures"]`` holds PostHog's totals per variant."""
    series = response.get("timeseries")
    if not isinstance(series, list) or not series:
        raise InvalidResponse(
            "This experiment exposure response has no 'timeseries': PostHog answers none for a "
            "draft experiment (no start date) or before anyone was exposed. Launch the "
            "experiment, or fetch again once it has exposures."
        )
    series = c.require_list(series, "exposure series (dicts with 'variant', 'days', ...)")
    attrs = c.metadata(response, "trends", "cumulative")
    attrs.setdefault("name", "Experiment exposures")
    if isinstance(response.get("total_exposures"), Mapping):
        attrs["total_exposures"] = dict(response["total_exposures"])
    zone = attrs["timezone"] if tz else None
    parse = d.DateCache(zone)
    variants, dates, counts = [], [], []
    for i, item in enumerate(series):
        days = c.field(item, "days", "an exposure series", i)
        values = c.field(item, "exposure_counts", "an exposure series", i)
        if not isinstance(values, list) or not isinstance(days, list) or len(values) != len(days):
            raise c.invalid("'days' and 'exposure_counts' of equal length", item, where=f"[{i}]")
        variants.extend([c.field(item, "variant", "an exposure series", i)] * len(days))
        dates.append(parse(days, f"timeseries[{i}].days"))
        counts.extend(values)
    stacked = np.concatenate(dates)
    columns: dict[str, Any] = {
        "series": c.strings(["exposures"] * len(variants)),
        "label": c.strings(variants),
        "math": c.strings(["exposed users"] * len(variants)),
        "date": stacked if zone is None else d.in_zone(stacked, zone).array,
        "value": c.numbers(counts, "exposure_counts"),
        "breakdown_value": c.strings(variants),
    }
    return c.frame(columns, attrs)


__all__ = ["KIND", "exposures_frame", "is_exposures"]
