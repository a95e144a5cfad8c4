"""The ``posthog-frames`` console script: ``demo`` and ``doctor``.

Example:
    $ posthog-frames demo --persons 1000 --port 0
    $ posthog-frames doctor            # checks POSTHOG_HOST and POSTHOG_PERSONAL_API_KEY
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]

_EPILOG = """\
examples:
  posthog-frames demo --persons 1000 --port 0
  posthog-frames doctor
  posthog-frames doctor --host eu --project-id 12345
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch a subcommand; ``demo`` forwards its arguments to the demo server CLI.

    Example:
        >>> main(["demo", "--persons", "100", "--port", "0"])   # doctest: +SKIP
    """
    from posthog_frames import __version__

    parser = argparse.ArgumentParser(
        prog="posthog-frames",
        description="posthog-frames command-line tools.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo",
        help="run the PostHog-compatible demo server (see `posthog-frames demo --help`)",
        add_help=False,
    )
    doctor = commands.add_parser(
        "doctor",
        help="check the host, the key and its scopes, the project and the cache",
        description="Check this setup, one line each: PASS, INFO, or FIX with what to do. "
        "The key is read from POSTHOG_PERSONAL_API_KEY (asked for when the terminal allows; "
        "never taken as an argument, which would show it in the process list).",
    )
    doctor.add_argument("--host", help="PostHog's address (default: POSTHOG_HOST, else 'us')")
    doctor.add_argument("--project-id", help="the project (default: POSTHOG_PROJECT_ID)")
    doctor.add_argument(
        "--cache", help="the cache a client would use: a sqlite path or 'memory' (default: sqlite)"
    )
    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 0 if not rest else 2
    if args.command == "demo":
        from posthog_frames.demo.__main__ import main as demo_main  # lazy: heavy imports

        return demo_main(rest, prog="posthog-frames demo")
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return _doctor(args.host, args.project_id, args.cache)


def _doctor(host: str | None, project_id: str | None, cache: str | None) -> int:
    """``posthog-frames doctor``: print every check; exit status 1 when something needs fixing."""
    from posthog_frames.client.client import Client  # lazy: pandas and friends
    from posthog_frames.client.doctor import Check, DoctorReport, doctor, versions_check
    from posthog_frames.exceptions import PostHogError

    key = os.environ.get("POSTHOG_PERSONAL_API_KEY") or _ask_for_key()
    try:
        client = Client(key, host=host, project_id=project_id, cache=cache, progress=False)
    except PostHogError as err:  # no key, a project token, a host that is not a URL …
        checks = [versions_check(), Check("key", "fix", err.message), _cache_file(cache)]
        report = DoctorReport(checks)
    else:
        report = doctor(client)
    print(report)
    return 0 if report.ok else 1


def _ask_for_key() -> str | None:
    if os.environ.get("CI") or not (sys.stdin and sys.stdin.isatty()):
        return None
    import getpass

    try:
        return getpass.getpass("PostHog personal API key: ").strip() or None
    except (EOFError, KeyboardInterrupt):
        return None


def _cache_file(cache: str | None) -> Any:
    """The cache line when no client could be made: the file, without creating it."""
    from posthog_frames.client.doctor import Check
    from posthog_frames.http.session import default_cache_path

    if cache == "memory":
        return Check("cache", "info", 'in memory only (cache="memory")')
    path = Path(cache) if cache else default_cache_path()
    state = "exists" if path.exists() else "not created yet"
    return Check("cache", "info", f"{path} ({state})")


if __name__ == "__main__":
    raise SystemExit(main())
