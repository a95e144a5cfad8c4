"""The ``posthog-frames`` console script: ``posthog-frames demo [--persons N ...]``.

Example:
    $ posthog-frames demo --persons 1000 --port 0
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch a subcommand; ``demo`` forwards its arguments to the demo server CLI."""
    parser = argparse.ArgumentParser(
        prog="posthog-frames", description="posthog-frames command-line tools."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser(
        "demo",
        help="run the PostHog-compatible demo server (see `posthog-frames demo --help`)",
        add_help=False,
    )
    args, rest = parser.parse_known_args(argv)
    if args.command == "demo":
        from posthog_frames.demo.__main__ import main as demo_main  # lazy: heavy imports

        return demo_main(rest, prog="posthog-frames demo")
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
