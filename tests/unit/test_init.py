"""``import posthog_frames`` stays light: the client, plots, widgets and Parquet load their
libraries on use (requests-cache imports each optional backend whose package is installed, boto3
among them, so it waits for the first client)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import posthog_frames as phf

# Run in a fresh interpreter: this test process has long since imported everything.
_SCRIPT = textwrap.dedent(
    """
    import json, sys, tempfile, pathlib
    import pandas  # pandas itself may load pyarrow (pandas 3 does): only what we add counts
    before = set(sys.modules)
    import posthog_frames as phf
    added = sorted(set(sys.modules) - before)
    heavy = ("matplotlib", "ipywidgets", "IPython", "traitlets", "pyarrow", "requests_cache",
             "boto3", "botocore")
    report = {"loaded": [m for m in added if m.split(".")[0] in heavy]}
    report["parquet_loaded"] = "pyarrow.parquet" in sys.modules
    frame = phf.trends_frame([{"label": "x", "days": ["2025-03-01"], "data": [1]}])
    report["plot"] = type(phf.plot(frame)).__name__
    report["builder"] = repr(phf.FilterBuilder(filters={"key": "plan", "value": "pro"}))
    from posthog_frames.demo import serve
    with serve(persons=30) as demo:
        out = pathlib.Path(tempfile.mkdtemp()) / "p.parquet"
        report["rows"] = demo.client(cache=False).stream_to_parquet(out, "persons").rows
    report["after_use"] = sorted(m for m in ("matplotlib", "ipywidgets", "pyarrow.parquet",
                                             "requests_cache") if m in sys.modules)
    print(json.dumps(report))
    """
)


@pytest.fixture(scope="module")
def fresh_import() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={"MPLBACKEND": "Agg", "POSTHOG_FRAMES_PROGRESS": "0", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_loads_no_plotting_widget_or_parquet_library(fresh_import: dict) -> None:
    assert fresh_import["loaded"] == []
    assert fresh_import["parquet_loaded"] is False


def test_plots_widgets_and_parquet_still_work_once_used(fresh_import: dict) -> None:
    assert fresh_import["plot"] == "Axes"
    assert fresh_import["builder"].startswith("FilterBuilder(type='person', filters=[Prop")
    assert fresh_import["rows"] == 30
    assert fresh_import["after_use"] == [
        "ipywidgets",
        "matplotlib",
        "pyarrow.parquet",
        "requests_cache",
    ]


def test_lazy_names_are_public_and_listed() -> None:
    lazy = {"plot", "plot_trends", "FilterBuilder", "Client", "connect", "StreamResult"}
    assert lazy <= set(dir(phf)) & set(phf.__all__)
    assert phf.FilterBuilder.__module__ == "posthog_frames"  # the public path, as the others
    assert phf.Client.__module__ == phf.connect.__module__ == "posthog_frames"
    assert phf.plot_funnel is phf.plot.funnel


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'plott'"):
        phf.plott  # noqa: B018
