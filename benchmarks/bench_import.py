"""How long ``import posthog_frames`` takes against ``import pandas``, each in a fresh process.

Both sides start a new interpreter (so nothing is imported yet) and the two alternate, so
drift hits both alike; the interpreter's own start-up counts on both sides.

Example:
    $ python benchmarks/bench_import.py
"""

from __future__ import annotations

import subprocess
import sys

from timing import Row, interleaved

__all__ = ["import_rows"]


def _importer(module: str) -> object:
    # -S would skip site-packages (and so pandas): only bytecode writing is turned off.
    return lambda: subprocess.run([sys.executable, "-B", "-c", f"import {module}"], check=True)


def import_rows(repeats: int = 15) -> list[Row]:
    """``import posthog_frames`` / ``import pandas``, fresh processes, medians."""
    times = interleaved(
        {"pandas": _importer("pandas"), "posthog_frames": _importer("posthog_frames")}, repeats
    )
    ours, pandas = times["posthog_frames"], times["pandas"]
    return [
        Row.at_most(
            "import posthog_frames (vs import pandas)",
            ours / pandas,
            1.5,
            f"posthog_frames {ours:.2f} s, pandas {pandas:.2f} s (fresh processes)",
        )
    ]


if __name__ == "__main__":
    from timing import table

    print(table(import_rows()))
