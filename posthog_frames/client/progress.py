"""Progress bars for long pulls: one rule for when they show, shared by every paged verb."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from posthog_frames.client.base import BaseClient

__all__ = ["progress_bar"]


def progress_bar(client: BaseClient, explicit: bool | None, total: int | None, unit: str) -> Any:
    """A tqdm bar counting *unit*, or None when progress bars are off.

    *explicit* is the call's ``progress=``; else the client's, else on unless the environment
    sets ``POSTHOG_FRAMES_PROGRESS=0``.

    Example:
        >>> progress_bar(client, False, 100, "persons") is None
        True
    """
    choice = explicit if explicit is not None else client.progress
    if choice is None:
        flag = os.environ.get("POSTHOG_FRAMES_PROGRESS", "1").lower()
        choice = flag not in ("0", "false", "no")
    if not choice:
        return None
    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit=unit, desc=unit)
    client._bars.add(bar)
    return bar
