"""The posthog-frames console script: its version and its help."""

from __future__ import annotations

import pytest

from posthog_frames.__main__ import main as cli_main


def test_console_script_version_and_bare_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli_main(["--version"])
    assert exit_.value.code == 0
    assert "0.1.0" in capsys.readouterr().out
    assert cli_main([]) == 0
    out = capsys.readouterr().out
    assert "usage: posthog-frames" in out and "demo" in out
