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
    arrow: pd.DataFrame = client.persons(limit=10, dtype_backend="pyarrow")
    nullable: pd.DataFrame = client.query("select 1", dtype_backend="numpy_nullable")
    arrow_events: pd.DataFrame = client.events(after="-7d", dtype_backend="pyarrow")
    return [
        phf.plot(df),  # the dispatcher is callable ...
        phf.plot(insight),  # ... takes an Insight too ...
        phf.plot.plot_trends(frame),  # ... and reaches one chart by its old name
        phf.plot.trends(frame),
        phf.plot_funnel(linux),
        phf.plot(rows, ax=None),
        *(phf.plot.sql(f) for f in (arrow, nullable, arrow_events)),
    ]


def housekeeping(key: str) -> None:
    client = phf.Client(key, cache="~/work/posthog.sqlite", max_cache_mb=256.5)
    client.clear_cache(expired=True)
    phf.Client(key, max_cache_mb=None).clear_cache()


def analysis_as_code(client: phf.Client) -> list[object]:
    visitors: pd.DataFrame = client.trends(
        [phf.Event("$pageview", math="dau"), phf.Action(3, math="total")],
        date_from="-90d",
        breakdown="$browser",
        formula="A/B",
    )
    funnel: pd.DataFrame = client.funnel(["signed up", "purchased"], window="3d", order="strict")
    table: pd.DataFrame = client.retention("signed up", "$pageview", period="Week", intervals=8)
    events: pd.DataFrame = client.events("purchased", after="-7d", columns=["revenue"])
    dropped: pd.DataFrame = client.actors(funnel, step=2, dropped=True)
    actions: pd.DataFrame = client.actions()
    intent: pd.DataFrame = client.funnel([phf.Action(int(actions["id"].iloc[0])), "purchased"])
    url: str = client.url_for(visitors)
    return [
        table,
        events,
        dropped,
        intent,
        url,
        client.lifecycle("$pageview"),
        client.stickiness("$pageview"),
        client.paths(start="/"),
        phf.events_frame({"columns": [], "results": []}),
        phf.plot(visitors),
    ]


def cohorts(client: phf.Client) -> pd.DataFrame:
    listing: pd.DataFrame = client.cohorts(search="paying")
    members: pd.DataFrame = client.cohort_persons(listing.iloc[0], wait=30.0)
    others: pd.DataFrame = client.persons(properties=[phf.NotInCohort(1), phf.InCohort(2)])
    try:
        client.cohort_persons("Desktop engineers", wait=0)
    except phf.CohortCalculating as err:
        print(err.cohort)
    return pd.concat([members, others])


def dashboards(client: phf.Client) -> dict[str, pd.DataFrame]:
    listing: pd.DataFrame = client.dashboards(search="weekly")
    board: phf.Dashboard = client.dashboard(listing.iloc[0], refresh="force_cache")
    first: phf.Insight = board.insights[0]
    notes: list[str] = board.texts
    board.plot(cols=2).savefig(f"{first.name}-{len(notes)}.png")
    return board.frames(tz=True)


def catalogue(client: phf.Client) -> pd.DataFrame:
    actions: pd.DataFrame = client.actions(refresh=True)
    events: pd.DataFrame = client.event_definitions("signed", volume=False)
    return pd.concat([actions, events])


def copied_from_the_network_tab(client: phf.Client, body: str) -> str | None:
    frame: pd.DataFrame = client.run(body, refresh=True)
    try:
        client.run({"query": {"kind": "WebOverviewQuery"}})
    except phf.UnsupportedQuery as err:
        return err.kind
    return str(frame.shape)


def regression_runs(path: str) -> pd.DataFrame:
    tape = phf.Cassette(path, mode="replay", private_keys=["company"], public_keys=["name"])
    client = phf.Client(cassette=tape)
    try:
        return client.persons()
    except phf.CassetteMiss as miss:
        print(miss.endpoint, tape.recorded_at.isoformat(), len(tape))
        return phf.Client(cassette=path, cassette_mode="auto").persons()


def large_pulls(client: phf.Client, folder: str) -> pd.DataFrame:
    result: phf.StreamResult = client.stream_to_parquet(folder, "events", page_size=20_000)
    path, rows = result  # unpacks as the (path, rows) pair it always was
    fetched: int = result.fetched + rows
    client.stream_to_parquet(
        f"{path}-signups",
        "select uuid from events order by uuid",
        partition_by=None,
        overwrite=True,
        progress=False,
    )
    try:
        return phf.read_dataset(folder, columns=["uuid", "day"], dtype_backend="pyarrow")
    except phf.IncompleteDataset:
        return phf.read_dataset(folder, allow_partial=True).head(fetched)
