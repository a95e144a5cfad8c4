"""The committed notebooks are runnable, regression-ready and leak nothing.

nbval re-runs them and compares outputs, which only means something when the committed outputs
are complete and in order. These checks read the .ipynb JSON directly, so they need no kernel.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
EXPECTED = {
    "01-tutorial.ipynb",
    "02-insights.ipynb",
    "03-persons-and-filters.ipynb",
    "04-analysis-as-code.ipynb",
}
SETUP_SOURCE = "import posthog_frames as phf\n\nclient = phf.connect()"
SHARED_NAMES = frozenset({"phf", "client"})
KEY_PATTERN = re.compile(r"phx_[A-Za-z0-9_]{6,}")
KEY_PLACEHOLDER = "phx_your_personal_api_key"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _code_cells(nb: dict) -> list[dict]:
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


def _python(source: str) -> str:
    """The cell without IPython-only lines (magics, shell escapes), which ast cannot parse."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def assigned_and_loaded(source: str) -> tuple[set[str], set[str]]:
    """Names a cell binds (assignments, imports, defs, ``except … as``) and names it reads."""
    assigned: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(ast.parse(_python(source))):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else assigned).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            assigned.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            assigned.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            assigned.add(node.name)
        elif isinstance(node, ast.arg):
            assigned.add(node.arg)
    return assigned, loaded


def borrowed_names(nb: dict) -> dict[int, set[str]]:
    """Per code cell after the setup cell: names it reads but only another cell defines.

    Every such cell must work when copied into a notebook holding just ``phf`` and ``client``.
    """
    cells = [assigned_and_loaded(_source(cell)) for cell in _code_cells(nb)]
    found: dict[int, set[str]] = {}
    for index, (assigned, loaded) in enumerate(cells[1:], start=1):
        elsewhere = set().union(*(a for i, (a, _) in enumerate(cells) if i != index))
        borrowed = (loaded - assigned - SHARED_NAMES) & elsewhere
        if borrowed:
            found[index] = borrowed
    return found


def test_the_notebooks_are_committed():
    assert EXPECTED <= {path.name for path in NOTEBOOKS}


@pytest.fixture(params=NOTEBOOKS, ids=lambda path: path.name)
def notebook(request: pytest.FixtureRequest) -> tuple[str, dict]:
    return request.param.name, _load(request.param)


def test_first_code_cell_is_the_setup_cell(notebook):
    name, nb = notebook
    assert _source(_code_cells(nb)[0]).strip() == SETUP_SOURCE, name


def test_notebook_has_outputs(notebook):
    name, nb = notebook
    with_outputs = [cell for cell in _code_cells(nb) if cell.get("outputs")]
    assert with_outputs, f"{name} was committed without outputs: run `make notebooks`"
    # The setup cell must show which PostHog it used (the demo banner under `make notebooks`).
    assert _code_cells(nb)[0].get("outputs"), f"{name}: the setup cell printed nothing"


def test_no_error_or_stderr_outputs(notebook):
    name, nb = notebook
    bad = [
        (index, output.get("ename") or output.get("text", "")[:200])
        for index, cell in enumerate(_code_cells(nb))
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
        or (output["output_type"] == "stream" and output.get("name") == "stderr")
    ]
    assert not bad, f"{name}: errors or warnings in outputs (code cell, what): {bad}"


def test_execution_counts_run_one_to_n(notebook):
    name, nb = notebook
    counts = [cell.get("execution_count") for cell in _code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{name}: stale execution order {counts}; re-run it with `make notebooks`"
    )


def test_no_personal_api_key(notebook):
    name, _ = notebook
    text = (NOTEBOOKS_DIR / name).read_text(encoding="utf-8").replace(KEY_PLACEHOLDER, "")
    leaked = KEY_PATTERN.findall(text)
    assert not leaked, f"{name} contains what looks like a personal API key ({len(leaked)}x)"


def test_cells_use_only_phf_and_client_from_other_cells(notebook):
    name, nb = notebook
    assert borrowed_names(nb) == {}, (
        f"{name}: code cells (by index) read names defined in other cells; re-fetch instead"
    )


# -- the checks themselves catch what they are meant to catch ----------------------------------


def _nb(*sources: str, counts: list[int | None] | None = None) -> dict:
    counts = counts or list(range(1, len(sources) + 1))
    cells = [
        {"cell_type": "code", "source": s, "execution_count": c, "outputs": []}
        for s, c in zip(sources, counts, strict=True)
    ]
    return {"cells": cells}


def test_borrowed_names_flags_a_variable_from_an_earlier_cell():
    nb = _nb(SETUP_SOURCE, "df = client.persons()", "df.head()", "%matplotlib inline\nx = 1\nx")
    assert borrowed_names(nb) == {2: {"df"}}


def test_borrowed_names_accepts_rebinding_imports_and_exception_names():
    nb = _nb(
        SETUP_SOURCE,
        "import pandas as pd\ndf = client.persons()\npd.Series(df['id'])",
        "df = client.persons()\nimport pandas as pd\npd.concat([df])",
        "try:\n    phf.PropertyFilter('a', 1, operator='x')\nexcept phf.ValidationError as err:\n"
        "    print(err)",
        "err = None\n[err for err in range(3)]",
    )
    assert borrowed_names(nb) == {}


def test_key_pattern_spares_only_the_placeholder():
    text = f"set {KEY_PLACEHOLDER} here; leaked phx_AbC123xyz_9"
    assert KEY_PATTERN.findall(text.replace(KEY_PLACEHOLDER, "")) == ["phx_AbC123xyz_9"]


def test_plot_cells_show_the_chart_without_a_matplotlib_repr_above_it(notebook):
    name, nb = notebook
    reprs = ("<Axes", "<Figure", "Text(", "[Text(")
    noisy = [
        index
        for index, cell in enumerate(_code_cells(nb))
        for output in cell.get("outputs", [])
        if output["output_type"] == "execute_result"
        and "".join(output.get("data", {}).get("text/plain", "")).startswith(reprs)
    ]
    assert not noisy, (
        f"{name}: code cells {noisy} print the Axes/Figure a plot call returned above the chart; "
        "end them with `;`"
    )
