"""paths_frame: step-prefixed node names parsed into steps."""

from __future__ import annotations

import pytest

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import paths_frame
from tests.conftest import load_fixture


def test_paths_split_on_first_underscore_only() -> None:
    df = paths_frame(
        [{"source": "1_/a_b", "target": "2_/c__d", "value": 3, "average_conversion_time": 1}]
    )
    assert df.loc[0, ["source_step", "source_path", "target_step", "target_path"]].tolist() == [
        1,
        "/a_b",
        2,
        "/c__d",
    ]


def test_paths_fixture_steps_are_consecutive() -> None:
    df = paths_frame(load_fixture("insights/insight-paths.json"))
    assert (df["target_step"] - df["source_step"] == 1).all()


@pytest.mark.parametrize("node", ["nounderscore", "x_/page", 5])
def test_paths_bad_node_names(node) -> None:
    with pytest.raises(InvalidResponse, match="<step>_<path>"):
        paths_frame([{"source": node, "target": "2_/b", "value": 1}])
