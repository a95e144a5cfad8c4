"""The ``posthog-frames`` console script: ``posthog-frames demo [--persons N ...]``.

Example:
    $ posthog-frames demo --persons 1000 --port 0
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch a subcommand; ``demo`` forwards its arguments to the demo server CLI.

    Example:
        >>> main(["demo", "--persons", "100", "--port", "0"])   # serves until Ctrl-C
    """
    from posthog_frames import __version__

    parser = argparse.ArgumentParser(
        prog="posthog-frames",
        description="posthog-frames command-line tools.",
        epilog="example:\n  posthog-frames demo --persons 1000 --port 0",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo",
        help="run the PostHog-compatible demo server (see `posthog-frames demo --help`)",
        add_help=False,
    )
    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 0 if not rest else 2
    if args.command == "demo":
        from posthog_frames.demo.__main__ import main as demo_main  # lazy: heavy imports

        return demo_main(rest, prog="posthog-frames demo")
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
