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

__all__ = ["RELATIVE_DATE", "RELATIVE_DATE_KINDS"]

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
