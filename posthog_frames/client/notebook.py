"""``connect()``: the first cell of a notebook, with or without a PostHog account.

The key comes from ``api_key=`` or ``POSTHOG_PERSONAL_API_KEY``; failing that an interactive
session is asked for it with ``getpass`` (never echoed, never stored); failing that — a CI run, or
a reader without an account — the built-in demo server is started and a banner says so plainly,
unless a host or project was named: then the missing key is an error, never the demo.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import Any

from posthog_frames._settings import KEY_HELP, resolve_host
from posthog_frames.client.client import Client
from posthog_frames.client.doctor import doctor_summary
from posthog_frames.exceptions import ConfigurationError
from posthog_frames.http.cassette import open_cassette

__all__ = ["connect"]

_DEMO: Any = None  # the demo server started by connect(), kept alive for the kernel's life


def connect(
    *,
    api_key: str | None = None,
    host: str | None = None,
    project_id: int | str | None = None,
    demo: bool | None = None,
    quiet: bool = False,
    **client_options: Any,
) -> Client:
    """A :class:`Client` for a notebook: your PostHog project if a key is at hand, else the demo.

    Args:
        api_key, host, project_id: as for :class:`Client`; by default from
            ``POSTHOG_PERSONAL_API_KEY``, ``POSTHOG_HOST`` and ``POSTHOG_PROJECT_ID``. Naming a
            host or a project without a key asks for the key (or says how to make one): the demo
            never stands in for a PostHog you named.
        demo: ``True`` always uses the built-in demo server, ``False`` never does; by default it
            is used when no key is found and none can be asked for (or ``POSTHOG_FRAMES_DEMO=1``).
        quiet: do not print the banner saying which PostHog is used (and, with a key, what
            :meth:`Client.doctor` found wrong, if anything).
        **client_options: passed to :class:`Client` (``cache=``, ``timeout=``, …).

    Example:
        >>> import posthog_frames as phf
        >>> client = phf.connect()  # doctest: +SKIP
        Connected to https://us.posthog.com — project 12345 “Hogflix” as ada@example.com.
        >>> other = phf.connect(api_key=demo.api_key, host=demo.url, quiet=True)
        >>> other.host == demo.url
        True
        >>> demo_client = phf.connect(demo=True)    # no key at hand: the demo, said plainly
        No PostHog key found: using the built-in DEMO project ... at http://127.0.0.1:....
    """
    named = host is not None or project_id is not None
    if demo:
        if api_key is not None or named:
            raise ConfigurationError(
                "demo=True uses the built-in demo server, with its own key, host and project: "
                "leave out api_key=, host= and project_id=, or drop demo=True to use them."
            )
        return _demo_client(quiet, client_options)
    # A cassette that replays needs no key: never ask for one, never start the demo instead.
    replay = _replays(client_options)
    if demo is None and os.environ.get("POSTHOG_FRAMES_DEMO") == "1" and not replay:
        if api_key is None and not named and not _has_key():
            return _demo_client(quiet, client_options)
    key = api_key or os.environ.get("POSTHOG_PERSONAL_API_KEY")
    if not key and not replay:
        key = _ask_for_key(host)
    if key or replay:
        client = Client(key or None, host=host, project_id=project_id, **client_options)
        # One (cached) request now, so a wrong key fails in the setup cell, not later.
        me = client.me()
        if not quiet:
            print(_banner(client, me))
            summary = doctor_summary(client)
            if summary:
                print(summary)
        return client
    if demo is False or named:
        where = f" for {resolve_host(host)}" if host is not None else ""
        raise ConfigurationError(f"No PostHog personal API key was given{where}. {KEY_HELP}")
    return _demo_client(quiet, client_options)


def _banner(client: Client, me: dict[str, Any]) -> str:
    """The line saying which project a key reached (and whose key it is)."""
    if os.environ.get("POSTHOG_FRAMES_DEMO") == "1" and client.host == resolve_host(None):
        return f"Connected to {client.host}: the demo project served by `make demo`."
    found = me.get("team")
    team: dict[str, Any] = found if isinstance(found, dict) else {}
    project = client.project_id
    same = project in (team.get("project_id"), team.get("id"))
    name = f" \u201c{team['name']}\u201d" if same and team.get("name") else ""
    email = f" as {me['email']}" if me.get("email") else ""
    return f"Connected to {client.host} \u2014 project {project}{name}{email}."


def _replays(options: dict[str, Any]) -> bool:
    tape = open_cassette(options.get("cassette"), options.get("cassette_mode"))
    return tape is not None and tape.replays_without(None)


def _has_key() -> bool:
    return bool(os.environ.get("POSTHOG_PERSONAL_API_KEY"))


def _ask_for_key(host: str | None) -> str | None:
    if not _interactive():
        return None
    import getpass

    fallback = "" if host is not None else " (leave empty for the demo project)"
    try:
        key = getpass.getpass(f"PostHog personal API key{fallback}: ")
    except Exception:  # a kernel without stdin (nbval, papermill) cannot ask
        return None
    return key.strip() or None


def _interactive() -> bool:
    if os.environ.get("CI"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return sys.stdin is not None and sys.stdin.isatty()
    shell = get_ipython()
    if shell is None:
        return sys.stdin is not None and sys.stdin.isatty()
    kernel = getattr(shell, "kernel", None)
    # A notebook kernel can prompt only when the front end allows stdin for this execution.
    return kernel is None or bool(getattr(kernel, "_allow_stdin", False))


def _demo_client(quiet: bool, options: dict[str, Any]) -> Client:
    global _DEMO
    if _DEMO is None:
        from posthog_frames.demo import serve

        _DEMO = serve(port=0).start()
        atexit.register(_DEMO.stop)
    options.setdefault("cache", "memory")
    client = _DEMO.client(**options)
    if not quiet:
        print(
            "No PostHog key found: using the built-in DEMO project (synthetic data, fixed clock) "
            f"at {_DEMO.url}. Set POSTHOG_PERSONAL_API_KEY to use your own project."
        )
    return client
