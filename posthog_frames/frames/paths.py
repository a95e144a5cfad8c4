"""Paths results (links between consecutive pages or events) as tidy frames."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.frames import _common as c


def split_node(node: Any, index: int, key: str) -> tuple[int, str]:
    """PostHog's ``"<step>_<path>"`` node name → ``(step, path)``; the path may hold underscores.

    Example:
        >>> split_node("2_/my_page", 0, "source")
        (2, '/my_page')
    """
    step, sep, path = node.partition("_") if isinstance(node, str) else ("", "", "")
    if not sep or not step.isdigit():
        raise c.invalid(f"{key!r} named '<step>_<path>'", node, where=f"result[{index}]")
    return int(step), path


def paths_frame(result: Any) -> pd.DataFrame:
    """A paths result: one row per link.

    Columns ``source``, ``target``, ``value`` (people who took the link),
    ``average_conversion_time`` (as PostHog gives it), then ``source_step``, ``source_path``,
    ``target_step``, ``target_path`` parsed from ``"<step>_<path>"`` (split on the first ``_``).

    Example:
        >>> df = paths_frame(client.insight("IhaMPlRs").raw)
        >>> df[df.source_step == 1].nlargest(2, "value")[["source_path", "target_path", "value"]]
          source_path target_path  value
        0           /    /pricing    ...
        1           /       /docs    ...
    """
    links, insight = c.unwrap(result)
    links = c.require_list(links, "a list of path links (dicts with 'source', 'target', 'value')")
    columns: dict[str, list] = {key: [] for key in ("source", "target", "value")}
    parsed: dict[str, list] = {}
    for i, link in enumerate(links):
        for key in ("source", "target"):
            node = c.field(link, key, "a path link", i)
            step, path = split_node(node, i, key)
            columns[key].append(node)
            parsed.setdefault(f"{key}_step", []).append(step)
            parsed.setdefault(f"{key}_path", []).append(path)
        columns["value"].append(c.field(link, "value", "a path link", i))
    times = c.optional_floats((link.get("average_conversion_time") for link in links), "time")
    out: dict[str, Any] = {
        "source": c.strings(columns["source"]),
        "target": c.strings(columns["target"]),
        "value": c.numbers(columns["value"], "value"),
        "average_conversion_time": times,
    }
    for key in ("source_step", "source_path", "target_step", "target_path"):
        values = parsed.get(key, [])
        out[key] = np.array(values, dtype=np.int64) if key.endswith("step") else c.strings(values)
    return c.frame(out, c.metadata(insight, "paths", "sankey"))
