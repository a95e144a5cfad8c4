"""The ``posthog-frames`` console script: ``demo``, ``doctor``, ``cache``, and ``record`` /
``replay`` / ``cassette show`` for notebooks in CI (:mod:`posthog_frames.notebook_runs`).

Example:
    $ posthog-frames demo --persons 1000 --port 0
    $ posthog-frames doctor            # checks POSTHOG_HOST and POSTHOG_PERSONAL_API_KEY
    $ posthog-frames cache info        # where the cache is, its size, mode and entries
    $ posthog-frames cache clear --expired
    $ posthog-frames record report.ipynb --cassette report.cassette.json
    $ posthog-frames replay report.ipynb --cassette report.cassette.json
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
  posthog-frames cache info
  posthog-frames cache clear --expired
  posthog-frames record report.ipynb --cassette report.cassette.json
  posthog-frames replay report.ipynb --cassette report.cassette.json
  posthog-frames cassette show report.cassette.json
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
    _cache_parser(commands)
    _cassette_parsers(commands)
    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return 0 if not rest else 2
    if args.command == "demo":
        from posthog_frames.demo.__main__ import main as demo_main  # lazy: heavy imports

        return demo_main(rest, prog="posthog-frames demo")
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "cache":
        return _cache(args.action, args.cache, args.expired)
    if args.command in ("record", "replay", "cassette"):
        return _cassette_command(args)
    return _doctor(args.host, args.project_id, args.cache)


def _cache_parser(commands: Any) -> None:
    cache = commands.add_parser(
        "cache",
        help="show or clear the local cache of PostHog's answers",
        description="The sqlite cache clients keep PostHog's answers in (private to your "
        "account: folder 0700, files 0600). `info` shows where it is, its size on disk, its "
        "mode and its entries; `clear` deletes them (--expired: only those past their "
        "expiry) and gives the space back to the disk.",
    )
    cache.add_argument("action", choices=("info", "clear"))
    cache.add_argument("--cache", help="a sqlite cache path (default: the user cache folder's)")
    cache.add_argument(
        "--expired", action="store_true", help="with clear: delete only expired entries"
    )


def _cassette_parsers(commands: Any) -> None:
    record = _notebook_parser(
        commands,
        "record",
        "execute a notebook, recording every answer it needs to a cassette",
        "Execute NOTEBOOK with its clients recording to the cassette (PostHog from "
        "POSTHOG_HOST and POSTHOG_PERSONAL_API_KEY, or --demo), and save the outputs it showed. "
        "Persons' emails, names and phones become stable fakes in the cassette and the outputs.",
    )
    record.add_argument("--demo", action="store_true", help="record against a demo server")
    record.add_argument(
        "--private-key", action="append", default=[], help="a property key to pseudonymise too"
    )
    record.add_argument(
        "--public-key", action="append", default=[], help="a key to keep as PostHog answers it"
    )
    record.add_argument(
        "--no-pseudonymise", action="store_true", help="keep persons' data as answered"
    )
    record.add_argument("--timeout", type=float, default=600, help="seconds per cell")
    replay = _notebook_parser(
        commands,
        "replay",
        "run a notebook offline from its cassette; fail on errors or changed outputs",
        "Run NOTEBOOK under nbval answered by the cassette only: no network, no key, on the "
        "recording's date. Fails on an error, a request never recorded, or an output that "
        "differs from the saved one.",
    )
    replay.add_argument("--sanitize-with", help="an nbval sanitize file (default: addresses)")
    cassette = commands.add_parser("cassette", help="show what a cassette holds")
    cassette.add_argument("action", choices=("show",))
    cassette.add_argument("path")


def _notebook_parser(commands: Any, name: str, summary: str, description: str) -> Any:
    parser = commands.add_parser(name, help=summary, description=description)
    parser.add_argument("notebook")
    parser.add_argument("--cassette", required=True, help="the cassette file (committed)")
    return parser


def _cassette_command(args: argparse.Namespace) -> int:
    from posthog_frames import notebook_runs
    from posthog_frames.exceptions import PostHogError

    try:
        if args.command == "record":
            return notebook_runs.record_notebook(
                args.notebook,
                args.cassette,
                demo=args.demo,
                pseudonymise=not args.no_pseudonymise,
                private_keys=args.private_key,
                public_keys=args.public_key,
                timeout=args.timeout,
            )
        if args.command == "replay":
            return notebook_runs.replay_notebook(
                args.notebook, args.cassette, sanitize_with=args.sanitize_with
            )
        print(notebook_runs.show_cassette(args.path))
        return 0
    except PostHogError as err:  # no cassette, a damaged one, nbclient missing
        print(err.message, file=sys.stderr)
        return 1


def _cache(action: str, cache: str | None, expired: bool) -> int:
    """``posthog-frames cache info|clear``: exit status 1 when the file cannot be cleared."""
    import sqlite3

    from posthog_frames.exceptions import PostHogError
    from posthog_frames.http.cache_files import clear_cache_file, inspect_cache
    from posthog_frames.http.session import default_cache_path

    path = Path(cache).expanduser() if cache else default_cache_path()
    if action == "clear":
        try:
            removed = clear_cache_file(path, expired=expired)
        except PostHogError as err:  # another account's file
            print(err.message, file=sys.stderr)
            return 1
        except sqlite3.OperationalError as err:  # locked by a running notebook
            print(
                f"{path} could not be cleared ({err}): close the programs using it, then "
                "run this again.",
                file=sys.stderr,
            )
            return 1
        print(f"removed {removed} {'expired ' if expired else ''}entries")
    print(inspect_cache(path))
    return 0


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
