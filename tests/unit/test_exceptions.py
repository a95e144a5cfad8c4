"""Errors subclass the built-ins users already catch and never carry a key."""

from __future__ import annotations

import pytest

import posthog_frames as phf
from posthog_frames.exceptions import mask_key, parse_wait, redact

KEY = "phx_" + "Zy9" * 12


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (phf.NotFound, LookupError),
        (phf.ValidationError, ValueError),
        (phf.InvalidResponse, ValueError),
        (phf.AuthenticationError, PermissionError),
        (phf.PermissionDenied, PermissionError),
        (phf.Timeout, TimeoutError),
        (phf.OfflineCacheMiss, LookupError),
        (phf.UnsupportedInsight, ValueError),
        (phf.UnsupportedQuery, ValueError),
        (phf.InvalidArgument, TypeError),
        (phf.InvalidArgument, ValueError),
        (phf.MissingDependency, ImportError),
    ],
)
def test_errors_subclass_builtins(cls, builtin):
    assert issubclass(cls, phf.PostHogError) and issubclass(cls, builtin)


def test_messages_are_redacted():
    err = phf.ServerError(f"boom with Bearer {KEY} and ?personal_api_key={KEY}&x=1")
    assert KEY not in str(err)
    assert "personal_api_key=REDACTED" in str(err)
    assert redact(f"key {KEY}") == f"key {mask_key(KEY)}"


@pytest.mark.parametrize(
    ("detail", "header", "expected"),
    [
        ("Request was throttled. Expected available in 62 seconds.", None, 62.0),
        ("Request was throttled. Expected available in 1 second.", None, 1.0),
        ("Request was throttled.", "7", 7.0),
        (None, None, None),
        ("nothing", "soon", None),
    ],
)
def test_parse_wait(detail, header, expected):
    assert parse_wait(detail, header) == expected
