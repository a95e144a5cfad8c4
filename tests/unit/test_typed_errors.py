"""Every error the library raises is a ``phf.PostHogError`` (the README's promise), checked two
ways: the converters' entry points with what a first day passes them, and every ``raise`` of a
built-in exception in the package's source (the demo server, which shares no code, aside)."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

import posthog_frames as phf
from posthog_frames.testing import fake_trends_result
from tests.conftest import ROOT

# Built-in exceptions raised on purpose, and why each never reaches a user as itself.
ALLOWED = {
    ("frames/sql.py", "ValueError"): "caught beside it and raised as InvalidResponse",
    ("_compat.py", "ValueError"): "parse_iso's callers raise it as InvalidResponse",
    ("http/pacing.py", "ValueError"): "a RateLimiter without windows; check_options refuses it",
    ("insight.py", "AttributeError"): "Python's protocol for a read-only attribute",
    ("dashboard.py", "AttributeError"): "Python's protocol for a read-only attribute",
    ("plotting/_docstrings.py", "AttributeError"): "Python's protocol for __getattr__",
    ("__init__.py", "AttributeError"): "Python's protocol for a module's __getattr__",
    ("http/__init__.py", "AttributeError"): "Python's protocol for a module's __getattr__",
    ("plotting/_style.py", "AssertionError"): "unreachable: a bug if it ever fires",
    ("__main__.py", "SystemExit"): "the console script's exit status",
    ("http/serializer.py", "ValueError"): "requests-cache's protocol: the entry reads as a miss",
    ("http/frame_codec.py", "ValueError"): "ResultCache.get catches it: the frame is pulled again",
}
BUILTIN_ERRORS = {
    name
    for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, BaseException)
}


def _raised_builtins() -> set[tuple[str, str]]:
    found = set()
    package = ROOT / "posthog_frames"
    for path in package.rglob("*.py"):
        relative = path.relative_to(package).as_posix()
        if relative.startswith("demo/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(target, ast.Name) and target.id in BUILTIN_ERRORS:
                    found.add((relative, target.id))
    return found


def test_no_builtin_exception_is_raised_except_the_documented_ones():
    assert _raised_builtins() - set(ALLOWED) == set()


TRENDS = {
    "query": {"kind": "InsightVizNode", "source": {"kind": "TrendsQuery"}},
    "result": fake_trends_result({"$pageview": [121, 98, 110]}),
}


NUMBER = {**TRENDS, "query": {"kind": "InsightVizNode", "source": {"kind": "TrendsQuery"}}}
NUMBER["query"]["source"]["trendsFilter"] = {"display": "BoldNumber"}


@pytest.mark.parametrize(
    "call",
    [
        lambda: phf.insight_frame(TRENDS, kind="nonsense"),
        lambda: phf.insight_frame({"query": {"kind": "WebStatsTableQuery"}, "result": []}),
        lambda: phf.detect_kind({"query": {"kind": "WebStatsTableQuery"}}),
        lambda: phf.detect_kind(42),
        lambda: phf.insight_frame({"result": [[]]}),
        lambda: phf.insight_frame(TRENDS, percent=True),
        lambda: phf.trends_frame(NUMBER, wide=True),
    ],
)
def test_first_day_mistakes_are_posthog_errors(call):
    with pytest.raises(phf.PostHogError) as err:
        call()
    # The built-in they used to be stays a base, so existing handlers keep working.
    assert isinstance(err.value, ValueError | TypeError)
    assert "." in str(err.value) and len(str(err.value)) > 40  # a sentence saying what to do


def test_unknown_options_are_still_type_errors():
    with pytest.raises(TypeError, match="percent"):
        phf.insight_frame(TRENDS, percent=True)


def test_kind_of_never_raises_and_says_unknown():
    assert phf.kind_of({"query": {"kind": "WebStatsTableQuery"}}) == "unknown"
    assert phf.kind_of(42) == "unknown"


def test_a_kind_that_does_not_fit_the_insight_is_refused_not_converted():
    # It used to give pageview counts as "conversion rates", one of them 1.21.
    with pytest.raises(phf.UnsupportedInsight, match=r"kind='funnels'.*trends") as err:
        phf.insight_frame(TRENDS, kind="funnels")
    assert "kind='trends'" in str(err.value) or "leave kind= out" in str(err.value).lower()
    # A bare result carries no definition: its shape decides.
    with pytest.raises(phf.UnsupportedInsight, match="trends"):
        phf.insight_frame(TRENDS["result"], kind="funnels")
    assert phf.insight_frame(TRENDS["result"], kind="trends")["value"].sum() == 329


def test_funnel_conversion_trends_refuse_counts_that_are_not_percentages():
    # The shape of a trends series without its action: only the numbers can tell.
    series = [{k: v for k, v in item.items() if k != "action"} for item in TRENDS["result"]]
    with pytest.raises(phf.InvalidResponse, match=r"0\.\.100"):
        phf.funnel_frame(series)
    ok = [{**item, "data": [50.0, 25.0, 0.0]} for item in series]
    assert phf.funnel_frame(ok)["conversion_rate"].tolist() == [0.5, 0.25, 0.0]


def test_parquet_without_pyarrow_is_a_typed_error(monkeypatch, tmp_path):
    import sys

    from posthog_frames.datasets.arrow import pyarrow_modules
    from posthog_frames.datasets.filesystems import resolve

    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.setitem(sys.modules, name, None)  # import pyarrow (and its parts) now fails
    install = r'pip install "posthog-frames\[parquet\]"'
    with pytest.raises(phf.MissingDependency, match=install):
        pyarrow_modules()
    with pytest.raises(phf.MissingDependency, match=install):
        resolve(tmp_path / "dataset")  # where a dataset pull meets pyarrow first
    with pytest.raises(phf.MissingDependency, match=install):
        phf.read_dataset(tmp_path / "dataset")
    assert issubclass(phf.MissingDependency, ImportError)


def test_the_package_source_is_where_the_scan_looks():
    assert (ROOT / "posthog_frames" / "frames" / "dispatch.py").exists()
    assert Path(phf.__file__).parent.name == "posthog_frames"
