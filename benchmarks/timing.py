"""Side-by-side timing and the result table shared by every benchmark.

The machine is small and noisy, so a figure is never a single timing: each side of a comparison
runs several times, interleaved (A, B, A, B, ...) so drift hits both alike, and the median counts.

Example:
    >>> times = interleaved({"fast": lambda: None, "slow": lambda: sum(range(10**5))}, repeats=3)
    >>> times["fast"] < times["slow"]
    True
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Row", "interleaved", "table"]


def interleaved(sides: dict[str, Callable[[], object]], repeats: int = 3) -> dict[str, float]:
    """The median wall time in seconds of each side, the sides run in turn *repeats* times."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repeats):
        for name, run in sides.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


@dataclass
class Row:
    """One line of the table: a ratio, how it compares with its target, and the raw figures."""

    name: str
    ratio: float | None  # None: could not be measured (then `detail` says why)
    target: str  # e.g. ">= 4x"
    ok: bool | None  # None: informational, never fails the run
    detail: str

    @classmethod
    def at_least(cls, name: str, ratio: float, target: float, detail: str) -> Row:
        return cls(name, ratio, f">= {target:g}x", ratio >= target, detail)

    @classmethod
    def at_most(cls, name: str, ratio: float, target: float, detail: str) -> Row:
        return cls(name, ratio, f"<= {target:g}x", ratio <= target, detail)


def table(rows: list[Row]) -> str:
    """The rows as one fixed-width (and Markdown) table."""
    header = ("benchmark", "ratio", "target", "result", "measured")
    lines = [
        (
            row.name,
            f"{row.ratio:.2f}x" if row.ratio is not None else "n/a",
            row.target,
            {True: "ok", False: "MISSED", None: "info"}[row.ok],
            row.detail,
        )
        for row in rows
    ]
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def fmt(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(header), rule, *map(fmt, lines)])
