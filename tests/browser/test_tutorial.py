"""The tutorial notebook in JupyterLab in headless Chromium: what a reader sees after Run All.

Widgets are JavaScript in the page, so only a browser shows that they render and respond. The
expected counts come from a separate Client against the same demo server, not from the page.
"""

from __future__ import annotations

import re
from typing import Any

import posthog_frames as phf
from tests.browser._notebook import NotebookPage, screenshot_path

BUILDER = ".phf-filter-builder:has(.phf-apply)"
_COUNT = re.compile(r"([\d,]+) matching persons?")
_PNG = 'img[src^="data:image/png"]'


def _builder(notebook: NotebookPage) -> Any:
    """The first FilterBuilder with an Apply button, once its JavaScript view has rendered."""
    builder = notebook.page.locator(BUILDER).first
    try:
        builder.wait_for(state="visible", timeout=15_000)
    except Exception as err:
        raise AssertionError(
            "the FilterBuilder did not render; browser console errors:\n"
            + notebook.console_summary()
        ) from err
    return builder


def _apply(builder: Any) -> int:
    """Click Apply and wait for the count the kernel sends back; return it."""
    summary = builder.locator(".phf-summary")
    before = summary.inner_text()
    builder.locator("button.phf-apply").click()
    builder.page.wait_for_function(
        "([el, before, pattern]) => el.textContent !== before && "
        "new RegExp(pattern).test(el.textContent)",
        arg=[summary.element_handle(), before, _COUNT.pattern],
        timeout=30_000,
    )
    return int(_COUNT.search(summary.inner_text()).group(1).replace(",", ""))


def test_every_cell_runs_without_an_error(notebook: NotebookPage) -> None:
    errors = notebook.error_outputs()  # tracebacks, and warnings: a reader sees both
    assert not errors, "error output in the notebook:\n" + "\n---\n".join(errors)
    prompts = notebook.prompts()
    assert prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), prompts


def test_dataframes_render_as_tables(notebook: NotebookPage) -> None:
    tables = notebook.page.locator(".jp-OutputArea-output table.dataframe")
    assert tables.count() >= 3  # insights, persons, Linux persons at least
    assert tables.first.locator("tbody tr").count() > 0


def test_plots_render_as_decoded_images(notebook: NotebookPage) -> None:
    page = notebook.page
    images = page.locator(f".jp-OutputArea-output {_PNG}")
    assert images.count() >= 1
    widths = images.evaluate_all("(imgs) => imgs.map((img) => img.complete && img.naturalWidth)")
    assert all(width and width > 100 for width in widths), widths  # decoded, not a broken icon

    # The screenshot for the README: the first chart with the text above it, in JupyterLab.
    notebook.hide_sidebar()
    plot_cell = page.locator(".jp-Notebook .jp-Cell", has=page.locator(_PNG)).first
    plot_cell.evaluate("(c) => (c.previousElementSibling || c).scrollIntoView({block: 'start'})")
    page.screenshot(path=screenshot_path("tutorial.png"))


def test_filter_builder_renders_its_controls(notebook: NotebookPage) -> None:
    builder = _builder(notebook)
    assert builder.locator("button.phf-add-filter").is_visible()
    assert builder.locator("button.phf-apply").is_visible()
    row = builder.locator(".phf-row").first  # the tutorial starts it with $initial_os = Linux
    assert row.locator(".phf-key input").input_value() == "$initial_os"
    assert row.locator(".phf-operator select").is_visible()
    assert row.locator(".phf-tags").inner_text().strip().startswith("Linux")


def test_filter_builder_counts_what_the_api_counts(notebook: NotebookPage, demo) -> None:
    client = demo.client(cache="memory")
    everyone = len(client.persons(progress=False))
    on_linux = [phf.PropertyFilter("$initial_os", ["Linux"])]
    linux = len(client.persons(properties=on_linux, progress=False))
    assert 0 < linux < everyone  # the filter must tell the two counts apart
    builder = _builder(notebook)

    # Remove every row with its × button: Apply then counts everyone.
    while rows := builder.locator(".phf-row").count():
        builder.locator(".phf-row .phf-remove").first.click()
        notebook.page.wait_for_function(
            "([el, n]) => el.querySelectorAll('.phf-row').length < n",
            arg=[builder.element_handle(), rows],
        )
    assert _apply(builder) == everyone

    # Add a row and fill it in through the page's own controls, as a person would.
    builder.locator("button.phf-add-filter").click()
    row = builder.locator(".phf-row").first
    key = row.locator(".phf-key input")
    key.fill("$initial_os")
    key.press("Enter")
    value = row.locator(".phf-add-value input")
    # The kernel answers the key with value suggestions; typing before they arrive would be
    # wiped when they do (the view re-renders from its model), as no person types that fast.
    notebook.page.wait_for_function(
        "(input) => input.list && [...input.list.options].some((o) => o.value === 'Linux')",
        arg=value.element_handle(),
    )
    row.locator(".phf-operator select").select_option(label="equals")
    value.fill("Linux")
    value.press("Enter")
    row.locator(".phf-tags .jupyter-widget-tag", has_text="Linux").wait_for()
    expected_json = '"key": "$initial_os", "value": ["Linux"], "operator": "exact"'
    builder.locator("pre.phf-json", has_text=expected_json).wait_for()  # the kernel's model

    assert _apply(builder) == linux
    assert row.locator(".phf-message").inner_text().strip() == ""  # no ⚠ on the row
    cell = notebook.page.locator(".jp-Notebook .jp-Cell", has=builder).first  # code + widget
    cell.screenshot(path=screenshot_path("filter-builder.png"))
