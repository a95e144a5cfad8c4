"""``python -m posthog_frames.demo``: run the demo server in the foreground (Ctrl-C stops it).

With ``--jupyter DIR`` it also starts JupyterLab on DIR with the POSTHOG_* variables pointing at
the demo, and Ctrl-C stops both (as do SIGTERM, SIGHUP and the parent process going away). This is
the one place the demo key is printed: it is a throwaway key for a local server.

Example:
    $ python -m posthog_frames.demo --persons 1000 --latency 0.05
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence

from posthog_frames.demo._gc import freeze_data
from posthog_frames.demo.server import DemoServer, serve

__all__ = ["build_parser", "main"]


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


_EPILOG = """\
It prints the server's URL and the three variables that point a client at it
(POSTHOG_HOST, POSTHOG_PERSONAL_API_KEY -- a throwaway key for this local server --
and POSTHOG_PROJECT_ID), the number of persons and the saved insights, then serves
until Ctrl-C.

examples:
  %(prog)s --persons 1000 --port 0
  %(prog)s --error-rate 0.2 --reset-rate 0.05 --latency 0.1   # a flaky PostHog
  %(prog)s --jupyter notebooks                                # JupyterLab on the demo
"""


def build_parser(prog: str = "python -m posthog_frames.demo") -> argparse.ArgumentParser:
    """The demo CLI's argument parser (shared with ``posthog-frames demo``).

    Example:
        >>> build_parser().parse_args(["--persons", "10"]).persons
        10
    """
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run the PostHog-compatible demo server (synthetic data, fixed clock).",
        epilog=_EPILOG,
        formatter_class=_Formatter,
    )
    add = parser.add_argument
    add("--port", type=int, default=8010, help="port (0 = any free port)")
    add("--host", default="127.0.0.1", help="interface to bind")
    add("--persons", type=int, default=500, help="number of demo persons")
    add("--seed", type=int, default=0, help="data seed (same seed, same data)")
    add("--jupyter", metavar="DIR", help="also start JupyterLab on DIR")
    faults = parser.add_argument_group("fault injection (shares are 0..1)")
    fault = faults.add_argument
    fault("--latency", type=float, default=0.0, help="seconds added per request")
    fault("--rate-limit", type=int, default=None, help="requests per minute per key, then 429")
    fault("--error-rate", type=_share, default=0.0, help="share of 500/503 answers")
    fault("--reset-rate", type=_share, default=0.0, help="share of connections reset mid-body")
    fault("--truncate-rate", type=_share, default=0.0, help="share of bodies cut in half")
    fault("--html-rate", type=_share, default=0.0, help="share of a proxy's 502 HTML pages")
    fault("--slow-body", type=float, default=0.0, help="seconds a body stalls halfway")
    fault("--wrong-shape-rate", type=_share, default=0.0, help="share of JSON of the wrong shape")
    fault(
        "--short-pages", action="store_true", help="shorten 30%% of persons pages (next continues)"
    )
    calc = "share of insight calculations that"
    fault("--concurrency-rate", type=_share, default=0.0, help=f"{calc} hit the concurrency limit")
    fault("--calculation-error-rate", type=_share, default=0.0, help=f"{calc} crash")
    rules = parser.add_argument_group("PostHog's rules")
    rules.add_argument(
        "--no-budgets", action="store_true", help="do not enforce PostHog's per-key rate limits"
    )
    rules.add_argument(
        "--api-queries-budget",
        action="store_true",
        help="/query/ budget of the API-queries plan (240/minute, 2,400/hour)",
    )
    rules.add_argument(
        "--allow-offset", action="store_true", help="accept OFFSET in HogQL (grandfathered orgs)"
    )
    return parser


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults in the help, and the epilog's example lines kept as written."""


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _start_jupyter(root: str, demo: DemoServer) -> subprocess.Popen:
    env = {
        **os.environ,
        "POSTHOG_HOST": demo.url,
        "POSTHOG_PERSONAL_API_KEY": demo.api_key,
        "POSTHOG_PROJECT_ID": str(demo.project_id),
        "POSTHOG_FRAMES_DEMO": "1",
    }
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        f"--ServerApp.root_dir={root}",
        f"--port={_free_port('127.0.0.1')}",
        "--ServerApp.ip=127.0.0.1",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers often run as root; Jupyter refuses otherwise
    try:
        return subprocess.Popen(command, env=env)
    except OSError as err:
        msg = f"could not start JupyterLab ({err}); install it: pip install jupyterlab"
        raise SystemExit(msg) from err


def print_insights(demo: DemoServer) -> None:
    """Print the saved insights: id, short id, kind and name of each."""
    try:
        rows = demo.app.insight_store().summary()
    except Exception as err:  # the banner must never stop the server from starting
        print(f"(saved insights unavailable: {err})")
        return
    if rows:
        lines = ["  " + "  ".join(str(cell) for cell in row) for row in rows]
        print(f"Saved insights ({len(rows)}):\n" + "\n".join(lines))


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C (and run JupyterLab alongside with ``--jupyter``)."""
    if args.jupyter and not os.path.isdir(args.jupyter):
        print(f"--jupyter: {args.jupyter!r} is not a directory", file=sys.stderr)
        return 2
    demo = serve(
        port=args.port,
        persons=args.persons,
        seed=args.seed,
        latency=args.latency,
        rate_limit=args.rate_limit,
        error_rate=args.error_rate,
        short_pages=args.short_pages,
        reset_rate=args.reset_rate,
        truncate_rate=args.truncate_rate,
        html_rate=args.html_rate,
        slow_body=args.slow_body,
        wrong_shape_rate=args.wrong_shape_rate,
        concurrency_rate=args.concurrency_rate,
        calculation_error_rate=args.calculation_error_rate,
        budgets=not args.no_budgets,
        api_queries_budget=args.api_queries_budget,
        allow_offset=args.allow_offset,
        host=args.host,
    )
    freeze_data()  # this process serves this one demo: its data lives as long as the process
    taken = _port_taken(args.host, args.port)
    try:
        if taken:
            raise taken
        demo.start()
    except (OSError, SystemExit) as err:  # werkzeug exits on a taken port, after its own line
        in_use = isinstance(err, SystemExit) or err.errno == errno.EADDRINUSE
        what = f"port {args.port} is taken" if in_use else str(err)
        print(
            f"cannot listen on {args.host}:{args.port}: {what}. Use --port 0 for any free port "
            "(`make demo DEMO_PORT=0`), or stop the program using it.",
            file=sys.stderr,
        )
        return 1
    print(f"PostHog demo server: {demo.url}")
    print(f"  POSTHOG_HOST={demo.url}")
    print(f"  POSTHOG_PERSONAL_API_KEY={demo.api_key}   (throwaway key for this local demo)")
    print(f"  POSTHOG_PROJECT_ID={demo.project_id}")
    print(f"  {len(demo.data.persons)} persons, seed {args.seed}")
    print_insights(demo)
    jupyter = _start_jupyter(args.jupyter, demo) if args.jupyter else None
    if jupyter:
        print("JupyterLab is starting; it prints its own URL with a token below.")
    print("Press Ctrl-C to stop.", flush=True)
    stop = _stop_on_signals()
    try:
        _serve_until(stop, jupyter)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping…", flush=True)
        if jupyter and jupyter.poll() is None:
            jupyter.terminate()
            try:
                jupyter.wait(timeout=10)
            except subprocess.TimeoutExpired:
                jupyter.kill()
        demo.stop()
    return 0


def _port_taken(host: str, port: int) -> OSError | None:
    """The error binding *port* gives, found before the server's own (which exits the process)."""
    if port == 0:
        return None
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as err:
            return err
    return None


def _stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGHUP (a process manager, an IDE's stop button, a closed
    terminal), or when the parent process is gone (``make`` stopped with SIGTERM does not pass
    it on), so JupyterLab is stopped with the server instead of being left running."""
    stop = threading.Event()
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
    parent = os.getppid()

    def watch() -> None:
        while not stop.wait(0.5):
            if os.getppid() != parent:
                stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    return stop


def _serve_until(stop: threading.Event, jupyter: subprocess.Popen | None) -> None:
    told = False
    while not stop.wait(0.5):
        if jupyter is not None and not told and jupyter.poll() is not None:
            told = True
            print(
                f"JupyterLab exited (code {jupyter.returncode}); the server keeps running, "
                "Ctrl-C stops it.",
                flush=True,
            )


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Entry point: parse *argv* and serve."""
    parser = build_parser(prog) if prog else build_parser()
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
