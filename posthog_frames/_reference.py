"""Constants copied from PostHog's own source, shared by the client and the demo server.

Only facts taken from the reference live here, never client logic: the demo server must not
share the client's code (a shared bug would hide itself), but both may read the same constant
when it comes from PostHog (design.md).

Example:
    >>> RELATIVE_DATE.fullmatch("-1dStart").group("number", "kind", "position")
    ('1', 'd', 'Start')
"""

from __future__ import annotations

import re

__all__ = [
    "BREAKDOWN_TYPES",
    "CHART_DISPLAYS",
    "FUNNEL_ORDERS",
    "FUNNEL_VIZ_TYPES",
    "FUNNEL_WINDOW_UNITS",
    "INTERVALS",
    "LIFECYCLE_STATUSES",
    "MATH_TYPES",
    "PATH_TYPES",
    "PROPERTY_MATHS",
    "RELATIVE_DATE",
    "RELATIVE_DATE_KINDS",
    "RETENTION_PERIODS",
    "RETENTION_TYPES",
]

# Relative dates, as PostHog parses them: posthog/utils.py relative_date_parse_with_delta_mapping
# (PostHog/posthog master):
#     regex = r"\-?(?P<number>[0-9]+)?(?P<kind>[hdwmqysHDWMQY])(?P<position>Start|End)?"
# PostHog applies it with re.search after ISO parsing fails; we use fullmatch, so stray text
# around a relative date is refused instead of silently ignored.
RELATIVE_DATE = re.compile(
    r"-?(?P<number>[0-9]+)?(?P<kind>[hdwmqysHDWMQY])(?P<position>Start|End)?"
)

# The kinds get_delta_mapping_for (same file) gives a meaning: h hours, d days, w weeks,
# m months, M minutes, s seconds, q quarters (13 weeks), y years. Start/End snap h (the hour),
# d (the day), m (day 1 / day 31, clamped) and y (1 January / day 31 of the month). The other
# letters the regex admits (H, D, W, Q, Y, S) have no branch: PostHog reads them as "now".
RELATIVE_DATE_KINDS = frozenset("hdwmMsqy")

# -- the query schema (posthog/schema.py, mirrored in PostHog's OpenAPI for POST /query/) -----
# Every value of these enums is accepted by PostHog's pydantic models; anything else is refused
# with a 400 before a query runs. The client checks them before sending, the demo refuses the
# rest as PostHog does.

# EventsNode.math / ActionsNode.math: BaseMathType, FunnelMathType, PropertyMathType,
# CountPerActorMathType, GroupMathType and HogQLMathType together (reference §10).
MATH_TYPES = (
    "total",
    "dau",
    "weekly_active",
    "monthly_active",
    "unique_session",
    "first_time_for_user",
    "first_matching_event_for_user",
    "first_time_for_user_with_filters",
    "avg",
    "sum",
    "min",
    "max",
    "median",
    "p75",
    "p90",
    "p95",
    "p99",
    "avg_count_per_actor",
    "min_count_per_actor",
    "max_count_per_actor",
    "median_count_per_actor",
    "p75_count_per_actor",
    "p90_count_per_actor",
    "p95_count_per_actor",
    "p99_count_per_actor",
    "unique_group",
    "hogql",
)
# PropertyMathType: these aggregate a property, named by math_property.
PROPERTY_MATHS = ("avg", "sum", "min", "max", "median", "p75", "p90", "p95", "p99")
INTERVALS = ("second", "minute", "hour", "day", "week", "month")  # IntervalType
CHART_DISPLAYS = (  # ChartDisplayType
    "ActionsLineGraph",
    "ActionsBar",
    "ActionsUnstackedBar",
    "ActionsStackedBar",
    "ActionsAreaGraph",
    "ActionsLineGraphCumulative",
    "BoldNumber",
    "ActionsPie",
    "ActionsBarValue",
    "ActionsTable",
    "WorldMap",
    "CalendarHeatmap",
)
BREAKDOWN_TYPES = (  # BreakdownType
    "cohort",
    "person",
    "event",
    "event_metadata",
    "group",
    "session",
    "hogql",
    "data_warehouse",
    "data_warehouse_person_property",
    "revenue_analytics",
)
FUNNEL_ORDERS = ("ordered", "strict", "unordered")  # StepOrderValue
FUNNEL_VIZ_TYPES = ("steps", "time_to_convert", "trends")  # FunnelVizType
FUNNEL_WINDOW_UNITS = ("second", "minute", "hour", "day", "week", "month")
RETENTION_PERIODS = ("Hour", "Day", "Week", "Month")  # RetentionPeriod
RETENTION_TYPES = ("retention_first_time", "retention_recurring", "retention_first_ever_occurrence")
PATH_TYPES = ("$pageview", "$screen", "custom_event", "hogql")  # PathType
LIFECYCLE_STATUSES = ("new", "returning", "resurrecting", "dormant")  # LifecycleToggle
