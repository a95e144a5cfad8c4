"""``python -m posthog_frames.demo``: run the demo server in the foreground (Ctrl-C stops it).

With ``--jupyter DIR`` it also starts JupyterLab on DIR with the POSTHOG_* variables pointing at
the demo, and Ctrl-C stops both. This is the one place the demo key is printed: it is a
throwaway key for a local server.

Example:
    $ python -m posthog_frames.demo --persons 1000 --latency 0.05
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence

from .hooks import describe_store
from .server import DemoServer, serve

__all__ = ["build_parser", "main"]


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def build_parser(prog: str = "python -m posthog_frames.demo") -> argparse.ArgumentParser:
    """The demo CLI's argument parser (shared with ``posthog-frames demo``)."""
    parser = argparse.ArgumentParser(
        prog=prog, description="Run the PostHog-compatible demo server."
    )
    parser.add_argument("--port", type=int, default=8010, help="port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default loopback)")
    parser.add_argument("--persons", type=int, default=500, help="number of demo persons")
    parser.add_argument("--seed", type=int, default=0, help="data seed (same seed, same data)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--rate-limit", type=int, default=None, help="requests per minute per key")
    parser.add_argument("--error-rate", type=_share, default=0.0, help="share of 500/503 answers")
    parser.add_argument(
        "--short-pages", action="store_true", help="shorten 30%% of persons pages (next continues)"
    )
    parser.add_argument("--jupyter", metavar="DIR", help="also start JupyterLab on DIR")
    return parser


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
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        f"--ServerApp.root_dir={root}", f"--port={_free_port('127.0.0.1')}",
        "--ServerApp.ip=127.0.0.1",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers often run as root; Jupyter refuses otherwise
    try:
        return subprocess.Popen(command, env=env)
    except OSError as err:
        msg = f"could not start JupyterLab ({err}); install it: pip install jupyterlab"
        raise SystemExit(msg) from err


def print_insights(demo: DemoServer) -> None:
    """Print the saved insights, when the insights module provides a store."""
    try:
        summary = describe_store(demo.app.hooks)
    except Exception as err:  # the banner must never stop the server from starting
        print(f"(saved insights unavailable: {err})")
        return
    if summary:
        print(summary)


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
        host=args.host,
    )
    try:
        demo.start()
    except OSError as err:
        print(f"cannot listen on {args.host}:{args.port} ({err}); try --port 0", file=sys.stderr)
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
    try:
        if jupyter:
            code = jupyter.wait()
            print(f"JupyterLab exited (code {code}); the server keeps running, Ctrl-C stops it.")
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nstopping…")
    finally:
        if jupyter and jupyter.poll() is None:
            jupyter.terminate()
            try:
                jupyter.wait(timeout=10)
            except subprocess.TimeoutExpired:
                jupyter.kill()
        demo.stop()
    return 0


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Entry point: parse *argv* and serve."""
    parser = build_parser(prog) if prog else build_parser()
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
