"""The recording's "now" in a replayed notebook: today-based code answers as on the day recorded.

Relative date ranges (``-7d``) are answered by PostHog and come back from the cassette as they
were; the toolkit's cache expiry and a notebook's own ``date.today()`` or
``pd.Timestamp.now()`` read the process's clock. A notebook replayed from the environment
(``POSTHOG_FRAMES_CASSETTE_MODE=replay``, as ``posthog-frames replay`` and the CI recipe set it)
has that clock moved to the cassette's ``recorded_at`` when its client is made, ticking on from
there, with `time-machine <https://pypi.org/project/time-machine/>`_ (the ``ci`` extra); without
it a warning says that today-based cells may drift. ``POSTHOG_FRAMES_FREEZE_TIME=0`` opts out.
``time.monotonic`` is left alone, so timeouts and pacing keep real durations.

Example:
    >>> from datetime import UTC, date, datetime
    >>> freeze_at(datetime(2025, 3, 31, 12, tzinfo=UTC))
    True
    >>> date.today()
    datetime.date(2025, 3, 31)
    >>> thaw(); date.today() > date(2025, 3, 31)
    True
"""

from __future__ import annotations

import os
import warnings
from datetime import datetime
from typing import Any

__all__ = ["FREEZE_ENV", "freeze_at", "thaw"]

FREEZE_ENV = "POSTHOG_FRAMES_FREEZE_TIME"
_TRAVEL: Any = None  # the one time-machine travel this process is in, if any


def freeze_at(moment: datetime) -> bool:
    """Move this process's clock to *moment*, ticking on; False when it stays (opted out, or
    time-machine is not installed: then with a warning)."""
    global _TRAVEL
    if os.environ.get(FREEZE_ENV, "1").lower() in ("0", "false", "no"):
        return False
    try:
        import time_machine
    except ImportError:
        warnings.warn(
            "This replay runs on today's clock: cells that compute dates from today may differ "
            "from the recording. Install time-machine (pip install 'posthog-frames[ci]') to "
            "replay on the recording's date.",
            RuntimeWarning,
            stacklevel=3,
        )
        return False
    thaw()
    _TRAVEL = time_machine.travel(moment, tick=True)
    _TRAVEL.start()
    return True


def thaw() -> None:
    """Give the process its real clock back (nothing happens when it has it)."""
    global _TRAVEL
    if _TRAVEL is not None:
        _TRAVEL.stop()
        _TRAVEL = None
