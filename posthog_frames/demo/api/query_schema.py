"""PostHog's query schema, as far as the demo's ``/query/`` reads it: node keys and enums.

PostHog validates the body of ``POST /query/`` with its pydantic models before running anything
(``QueryViewSet.create`` → ``PydanticModelMixin.get_model``); every model forbids extra keys, and
enums accept their values only. A failure is DRF's ``ParseError``: 400 with
``{"type": "invalid_request", "code": "parse_error", "detail": "JSON parse error - <pydantic's
message>", "attr": null}`` (drf-exceptions-hog maps ParseError to ``invalid_request``). The keys
below are the models' fields (``posthog/schema.py``; the same lists are in PostHog's OpenAPI for
``query_create``); the demo checks the nodes its ``/query/`` answers.

Example:
    >>> print(check_query({"kind": "TrendsQuery", "series": [], "interval": "year"})[1]["detail"])
    JSON parse error - 1 validation error for QueryRequest
    query.TrendsQuery.interval
      Input should be 'second', 'minute', 'hour', 'day', 'week' or 'month' [type=enum,
      input_value='year', input_type=str]
"""

from __future__ import annotations

from typing import Any

from posthog_frames._reference import (
    BREAKDOWN_TYPES,
    CHART_DISPLAYS,
    FUNNEL_ORDERS,
    FUNNEL_VIZ_TYPES,
    FUNNEL_WINDOW_UNITS,
    INTERVALS,
    MATH_TYPES,
    PATH_TYPES,
    RETENTION_PERIODS,
    RETENTION_TYPES,
)
from posthog_frames.demo.errors import error_body

__all__ = ["INSIGHT_KINDS", "check_query"]


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_COMMON = _names(
    "dataColorTheme dateRange filterTestAccounts kind modifiers properties response "
    "samplingFactor tags version"
)
_INSIGHT = (*_COMMON, "aggregation_group_type_index")
_ENTITY = _names(
    "custom_name fixedProperties kind math math_group_type_index math_hogql math_multiplier "
    "math_property math_property_revenue_currency math_property_type name optionalInFunnel "
    "properties response version"
)
_ACTORS = _names("includeRecordings kind modifiers response source tags version")

# model → (its fields, {field: the model (or "[model]" for a list) it holds})
_MODELS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "InsightVizNode": (
        _names(
            "embedded full hidePersonsModal hideTooltipOnScroll kind showCorrelationTable "
            "showFilters showHeader showLastComputation showLastComputationRefresh showResults "
            "showTable source suppressSessionAnalysisWarning version vizSpecificOptions"
        ),
        {"source": "insight"},
    ),
    "TrendsQuery": (
        (
            *_INSIGHT,
            *_names("breakdownFilter compareFilter conversionGoal interval series trendsFilter"),
        ),
        {
            "series": "[series]",
            "breakdownFilter": "BreakdownFilter",
            "dateRange": "DateRange",
            "compareFilter": "CompareFilter",
            "trendsFilter": "TrendsFilter",
        },
    ),
    "FunnelsQuery": (
        (*_INSIGHT, *_names("breakdownFilter funnelsFilter interval series")),
        {
            "series": "[series]",
            "breakdownFilter": "BreakdownFilter",
            "dateRange": "DateRange",
            "funnelsFilter": "FunnelsFilter",
        },
    ),
    "RetentionQuery": (
        (*_INSIGHT, "breakdownFilter", "retentionFilter"),
        {
            "breakdownFilter": "BreakdownFilter",
            "dateRange": "DateRange",
            "retentionFilter": "RetentionFilter",
        },
    ),
    "PathsQuery": (
        (*_INSIGHT, "funnelPathsFilter", "pathsFilter"),
        {"dateRange": "DateRange", "pathsFilter": "PathsFilter"},
    ),
    "LifecycleQuery": (
        (*_INSIGHT, "interval", "lifecycleFilter", "series"),
        {"series": "[series]", "dateRange": "DateRange", "lifecycleFilter": "LifecycleFilter"},
    ),
    "StickinessQuery": (
        (*_COMMON, *_names("compareFilter interval intervalCount series stickinessFilter")),
        {
            "series": "[series]",
            "dateRange": "DateRange",
            "compareFilter": "CompareFilter",
            "stickinessFilter": "StickinessFilter",
        },
    ),
    "EventsNode": ((*_ENTITY, "event", "limit", "orderBy"), {}),
    "ActionsNode": ((*_ENTITY, "id"), {}),
    "DateRange": (_names("date_from date_to explicitDate"), {}),
    "CompareFilter": (_names("compare compare_to"), {}),
    "BreakdownFilter": (
        _names(
            "breakdown breakdown_group_type_index breakdown_hide_other_aggregation "
            "breakdown_histogram_bin_count breakdown_limit breakdown_normalize_url "
            "breakdown_type breakdowns"
        ),
        {},
    ),
    "TrendsFilter": (
        _names(
            "aggregationAxisFormat aggregationAxisPostfix aggregationAxisPrefix "
            "breakdown_histogram_bin_count confidenceLevel decimalPlaces "
            "detailedResultsAggregationType display formula formulaNodes formulas goalLines "
            "hiddenLegendIndexes minDecimalPlaces movingAverageIntervals resultCustomizationBy "
            "resultCustomizations showAlertThresholdLines showConfidenceIntervals "
            "showLabelsOnSeries showLegend showMovingAverage showMultipleYAxes "
            "showPercentStackView showTrendLines showValuesOnSeries smoothingIntervals "
            "yAxisScaleType"
        ),
        {},
    ),
    "FunnelsFilter": (
        _names(
            "binCount breakdownAttributionType breakdownAttributionValue exclusions "
            "funnelAggregateByHogQL funnelFromStep funnelOrderType funnelStepReference "
            "funnelToStep funnelVizType funnelWindowInterval funnelWindowIntervalUnit goalLines "
            "hiddenLegendBreakdowns layout resultCustomizations showValuesOnSeries useUdf"
        ),
        {},
    ),
    "RetentionFilter": (
        _names(
            "cumulative dashboardDisplay display meanRetentionCalculation minimumOccurrences "
            "period retentionCustomBrackets retentionReference retentionType returningEntity "
            "selectedInterval showTrendLines targetEntity timeWindowMode totalIntervals"
        ),
        {"targetEntity": "RetentionEntity", "returningEntity": "RetentionEntity"},
    ),
    "RetentionEntity": (_names("custom_name id kind name order properties type uuid"), {}),
    "PathsFilter": (
        _names(
            "edgeLimit endPoint excludeEvents includeEventTypes localPathCleaningFilters "
            "maxEdgeWeight minEdgeWeight pathDropoffKey pathEndKey pathGroupings "
            "pathReplacements pathStartKey pathsHogQLExpression showFullUrls startPoint stepLimit"
        ),
        {},
    ),
    "LifecycleFilter": (_names("showLegend showValuesOnSeries stacked toggledLifecycles"), {}),
    "StickinessFilter": (
        _names(
            "computedAs display hiddenLegendIndexes resultCustomizationBy resultCustomizations "
            "showLegend showMultipleYAxes showValuesOnSeries stickinessCriteria"
        ),
        {},
    ),
    "EventsQuery": (
        _names(
            "actionId after before event filterTestAccounts fixedProperties kind limit "
            "modifiers offset orderBy personId properties response select source tags version "
            "where"
        ),
        {},
    ),
    "ActorsQuery": (
        _names(
            "fixedProperties kind limit modifiers offset orderBy properties response search "
            "select source tags version"
        ),
        {"source": "actors source"},
    ),
    "InsightActorsQuery": (
        (*_ACTORS, *_names("breakdown compare day interval series status")),
        {"source": "insight"},
    ),
    "FunnelsActorsQuery": (
        (
            *_ACTORS,
            *_names(
                "funnelStep funnelStepBreakdown funnelTrendsDropOff funnelTrendsEntrancePeriodStart"
            ),
        ),
        {"source": "FunnelsQuery"},
    ),
    "StickinessActorsQuery": (
        (*_ACTORS, *_names("compare day operator series")),
        {"source": "StickinessQuery"},
    ),
}
INSIGHT_KINDS = _names(
    "TrendsQuery FunnelsQuery RetentionQuery PathsQuery StickinessQuery LifecycleQuery"
)
_UNIONS = {
    "insight": INSIGHT_KINDS,
    "series": ("EventsNode", "ActionsNode"),
    "actors source": ("InsightActorsQuery", "FunnelsActorsQuery", "StickinessActorsQuery"),
}
_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("TrendsQuery", "interval"): INTERVALS,
    ("FunnelsQuery", "interval"): INTERVALS,
    ("LifecycleQuery", "interval"): INTERVALS,
    ("StickinessQuery", "interval"): INTERVALS,
    ("EventsNode", "math"): MATH_TYPES,
    ("ActionsNode", "math"): MATH_TYPES,
    ("BreakdownFilter", "breakdown_type"): BREAKDOWN_TYPES,
    ("TrendsFilter", "display"): CHART_DISPLAYS,
    ("StickinessFilter", "display"): CHART_DISPLAYS,
    ("FunnelsFilter", "funnelOrderType"): FUNNEL_ORDERS,
    ("FunnelsFilter", "funnelVizType"): FUNNEL_VIZ_TYPES,
    ("FunnelsFilter", "funnelWindowIntervalUnit"): FUNNEL_WINDOW_UNITS,
    ("RetentionFilter", "period"): RETENTION_PERIODS,
    ("RetentionFilter", "retentionType"): RETENTION_TYPES,
    ("InsightActorsQuery", "compare"): ("current", "previous"),
    ("RetentionEntity", "kind"): ("EventsNode", "ActionsNode"),
}
# Models whose `kind`, if any, is a field like the others (RetentionEntityKind), not their tag.
_PLAIN = {
    "RetentionEntity",
    "DateRange",
    "CompareFilter",
    "BreakdownFilter",
    "TrendsFilter",
    "FunnelsFilter",
    "RetentionFilter",
    "PathsFilter",
    "LifecycleFilter",
    "StickinessFilter",
}
_ENUM_LISTS = {("PathsFilter", "includeEventTypes"): PATH_TYPES}


class _Invalid(Exception):
    def __init__(self, where: str, message: str, kind: str, value: Any) -> None:
        super().__init__(where)
        self.text = (
            f"{where}\n  {message} [type={kind}, input_value={value!r}, "
            f"input_type={type(value).__name__}]"
        )


def _choices(values: tuple[str, ...]) -> str:
    quoted = [f"'{v}'" for v in values]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def _model_of(node: Any, expected: str, where: str) -> str:
    if not isinstance(node, dict):
        raise _Invalid(where, "Input should be a valid dictionary", "model_type", node)
    if expected in _PLAIN:
        return expected
    kinds = _UNIONS.get(expected, (expected,))
    kind = node.get("kind", kinds[0] if len(kinds) == 1 else None)
    if kind not in kinds:
        tag = f"'{kind}'" if kind is not None else "nothing"
        raise _Invalid(
            where,
            f"Input tag {tag} found using 'kind' does not match any of the expected tags: "
            f"{', '.join(repr(k) for k in kinds)}",
            "union_tag_invalid",
            node,
        )
    return str(kind)


def _walk(node: Any, expected: str, where: str) -> None:
    model = _model_of(node, expected, where)
    fields, nested = _MODELS[model]
    here = f"{where}.{model}" if expected in _UNIONS else where
    for key, value in node.items():
        if key not in fields:
            raise _Invalid(
                f"{here}.{key}", "Extra inputs are not permitted", "extra_forbidden", value
            )
        choices = _ENUMS.get((model, key))
        if choices is not None and value is not None and value not in choices:
            raise _Invalid(f"{here}.{key}", f"Input should be {_choices(choices)}", "enum", value)
        listed = _ENUM_LISTS.get((model, key), ())
        for i, item in enumerate(value if listed and isinstance(value, list) else []):
            if item not in listed:
                raise _Invalid(
                    f"{here}.{key}.{i}", f"Input should be {_choices(listed)}", "enum", item
                )
        inner = nested.get(key)
        if inner is None or value is None:
            continue
        if inner.startswith("["):
            if not isinstance(value, list):
                raise _Invalid(f"{here}.{key}", "Input should be a valid list", "list_type", value)
            for i, item in enumerate(value):
                _walk(item, inner[1:-1], f"{here}.{key}.{i}")
        else:
            _walk(value, inner, f"{here}.{key}")


def check_query(query: Any) -> tuple[int, dict] | None:
    """None when PostHog's models accept *query* (as far as the demo checks), else PostHog's
    400 ``parse_error`` answer.

    Example:
        >>> check_query({"kind": "TrendsQuery", "series": [{"kind": "EventsNode"}]}) is None
        True
    """
    kind = query.get("kind") if isinstance(query, dict) else None
    if kind not in _MODELS:
        return None
    try:
        _walk(query, str(kind), f"query.{kind}")
    except _Invalid as err:
        detail = f"JSON parse error - 1 validation error for QueryRequest\n{err.text}"
        return 400, error_body("invalid_request", "parse_error", detail)
    return None
