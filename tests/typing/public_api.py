"""Checked by mypy in `make lint` (never run): the public API type-checks as analysts use it."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

import posthog_frames as phf


def analysis(client: phf.Client, df: pd.DataFrame) -> list[Axes]:
    linux: pd.DataFrame = client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])])
    insight: phf.Insight = client.insight("U6hMkMoa", refresh="blocking")
    frame: pd.DataFrame = phf.insight_frame(insight.raw)
    rows: pd.DataFrame = client.query("select 1", paginate=True, keyset=("number",))
    return [
        phf.plot(df),  # the dispatcher is callable ...
        phf.plot(insight),  # ... takes an Insight too ...
        phf.plot.plot_trends(frame),  # ... and reaches one chart by its old name
        phf.plot.trends(frame),
        phf.plot_funnel(linux),
        phf.plot(rows, ax=None),
    ]


def housekeeping(key: str) -> None:
    client = phf.Client(key, cache="~/work/posthog.sqlite", max_cache_mb=256.5)
    client.clear_cache(expired=True)
    phf.Client(key, max_cache_mb=None).clear_cache()


def regression_runs(path: str) -> pd.DataFrame:
    tape = phf.Cassette(path, mode="replay", private_keys=["company"], public_keys=["name"])
    client = phf.Client(cassette=tape)
    try:
        return client.persons()
    except phf.CassetteMiss as miss:
        print(miss.endpoint, tape.recorded_at.isoformat(), len(tape))
        return phf.Client(cassette=path, cassette_mode="auto").persons()
