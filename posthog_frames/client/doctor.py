"""Is this setup able to work? ``posthog-frames doctor``, ``client.doctor()`` and connect()'s line.

Each check is one line: a pass, a piece of information, or a sentence saying what to fix. The
checks ask PostHog itself (one small read per feature), so a scope is reported missing exactly
when PostHog refuses it, whatever the key's settings page says:

- the host answers as PostHog, and the key is accepted (``/api/users/@me/``);
- each scope the library's features need (see :data:`SCOPE_USES`), and what a missing one blocks;
- the project: which one, and whether the key may read it;
- PostHog's version, where the server says it (Cloud and current self-hosted versions do not);
- the local cache: where it is, how big, how old its newest answer is, and whether other
  accounts could read it;
- the versions of Python, pandas and friends in use.

Example:
    >>> report = client.doctor()
    >>> report.ok, report.missing_scopes
    (True, ())
    >>> print(report)                                          # doctest: +ELLIPSIS
    INFO versions: posthog-frames ... on Python ..., pandas ..., matplotlib ...
    PASS host: http://127.0.0.1:... answers as PostHog ...
    ...
"""

from __future__ import annotations

import os
import platform
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import requests
import requests_cache

from posthog_frames._settings import DEFAULT_HOST, resolve_host
from posthog_frames.client.base import BaseClient
from posthog_frames.exceptions import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    PostHogError,
    mask_key,
)
from posthog_frames.http.cache_files import size_text
from posthog_frames.http.private import SIDE_FILES

__all__ = ["Check", "DoctorReport", "SCOPE_USES", "cache_check", "doctor", "doctor_summary"]

# What each scope is needed for: the sentence a missing scope's line ends with.
SCOPE_USES: dict[str, str] = {
    "user:read": "phf.connect(), client.me() and finding the key's project when "
    "POSTHOG_PROJECT_ID is not set",
    "insight:read": "client.insights(), client.insight() and client.insight_frame()",
    "person:read": "client.persons(), client.iter_persons(), client.person(), "
    "client.property_values() and the FilterBuilder's values and preview",
    "property_definition:read": "client.property_definitions(), the FilterBuilder's property "
    "list and person columns typed from PostHog (without it dtypes are guessed)",
    "query:read": "client.query(), the new insights (client.trends(), client.funnel() …), "
    "client.events(), client.actors(), client.persons(via='query'), client.stream_to_parquet() "
    "and client.event_definitions()'s volumes",
    "dashboard:read": "client.dashboards() and client.dashboard()",
    "cohort:read": "client.cohorts(), client.cohort_persons() and the FilterBuilder's cohorts",
    "action:read": "client.actions()",
    "event_definition:read": "client.event_definitions()",
    "project:read": "client.projects() (optional: nothing else needs it)",
}
OPTIONAL_SCOPES = frozenset({"project:read"})
_MARKS = {"pass": "PASS", "fix": "FIX ", "info": "INFO"}
_PACKAGES = ("pandas", "numpy", "matplotlib", "requests", "requests-cache")


@dataclass(frozen=True)
class Check:
    """One line of the report: ``status`` is ``"pass"``, ``"fix"`` or ``"info"``."""

    topic: str
    status: str
    text: str
    scope: str | None = None  # the scope a scope check is about

    def __str__(self) -> str:
        return f"{_MARKS[self.status]} {self.topic}: {self.text}"


class DoctorReport(tuple[Check, ...]):
    """The checks, in order; ``str(report)`` is one line per check (what the CLI prints)."""

    @property
    def ok(self) -> bool:
        """Whether nothing needs fixing."""
        return not self.problems

    @property
    def problems(self) -> tuple[Check, ...]:
        """The checks that say what to fix."""
        return tuple(check for check in self if check.status == "fix")

    @property
    def missing_scopes(self) -> tuple[str, ...]:
        """Scopes PostHog refused for this key (optional ones included)."""
        return tuple(c.scope for c in self if c.scope and c.text.startswith("missing"))

    def __str__(self) -> str:
        return "\n".join(str(check) for check in self)

    def __repr__(self) -> str:
        return str(self)


def doctor(client: BaseClient, *, refresh: bool = True) -> DoctorReport:
    """Run every check against PostHog with *client* (see the module's list).

    ``refresh=False`` lets cached answers stand in for PostHog's (what ``connect()`` does, so
    re-running a notebook's first cell costs nothing).

    Example:
        >>> doctor(client).ok
        True
    """
    checks = [versions_check()]
    me = _reach(client, refresh, checks)
    if me is not None:
        denied = _scope_checks(client, refresh, checks)
        checks.append(_project_check(client, me, denied))
        checks.append(_version_check(client, me, refresh))
    checks.append(cache_check(client.session, client.settings.expire_after))
    return DoctorReport(checks)


def doctor_summary(client: BaseClient) -> str:
    """One line for ``connect()``'s banner: all is well, or the first things to fix.

    Example:
        >>> doctor_summary(client)
        'Checks pass: host, key, scopes, project and cache (client.doctor() shows each).'
    """
    try:
        report = doctor(client, refresh=False)
    except (PostHogError, OSError) as err:  # the banner must never stop the setup cell
        return f"Doctor could not finish ({err}); `posthog-frames doctor` tries again."
    if report.ok:
        return "Checks pass: host, key, scopes, project and cache (client.doctor() shows each)."
    found = "; ".join(f"{c.topic}: {c.text}" for c in report.problems)
    return f"Doctor: {found} (client.doctor() or `posthog-frames doctor` shows every check)."


def versions_check() -> Check:
    """Which Python and which versions of the main dependencies are in use."""
    found = []
    for name in _PACKAGES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:  # an unusual install (vendored, frozen): say so
            found.append(f"{name} (version unknown)")
    ours = _own_version()
    text = f"posthog-frames {ours} on Python {platform.python_version()}, " + ", ".join(found)
    return Check("versions", "info", text)


def _own_version() -> str:
    from posthog_frames import __version__

    return __version__


def _reach(client: BaseClient, refresh: bool, checks: list[Check]) -> dict[str, Any] | None:
    """The host and key checks; the user (``/api/users/@me/``) when it could be read."""
    host = client.host
    default = "the default, PostHog Cloud US" if host == DEFAULT_HOST else "host="
    source = _source("POSTHOG_HOST", host, default)
    key = client.settings.api_key
    key_text = f"{mask_key(key)} ({_source('POSTHOG_PERSONAL_API_KEY', key, 'api_key=')})"
    try:
        me = client.me(refresh=refresh)
    except AuthenticationError as err:
        checks.append(Check("host", "pass", f"{host} answers as PostHog ({source})"))
        checks.append(Check("key", "fix", f"PostHog refused {key_text}: {err.message}"))
        return None
    except PermissionDenied as err:
        checks.append(Check("host", "pass", f"{host} answers as PostHog ({source})"))
        if err.missing_scope is None:  # not a scope: the key may not use the API at all
            checks.append(Check("key", "fix", f"{key_text}: {err.message}"))
            return None
        checks.append(Check("key", "pass", f"{key_text} is accepted"))
        checks.append(_scope_line("user:read", err))
        return {}
    except PostHogError as err:
        checks.append(Check("host", "fix", f"{host} ({source}): {err.message}"))
        return None
    checks.append(Check("host", "pass", f"{host} answers as PostHog ({source})"))
    who = f", belongs to {me['email']}" if me.get("email") else ""
    checks.append(Check("key", "pass", f"{key_text} is accepted{who}"))
    checks.append(Check("scope", "pass", "user:read granted", scope="user:read"))
    return me


def _source(variable: str, value: str, otherwise: str) -> str:
    env = os.environ.get(variable)
    if env and variable == "POSTHOG_HOST":
        try:
            env = resolve_host(env)
        except PostHogError:
            return otherwise
    return f"from {variable}" if env and env.strip() == value else otherwise


def _probes(client: BaseClient, refresh: bool) -> dict[str, Callable[[], Any]]:
    hogql = {"query": {"kind": "HogQLQuery", "query": "select 1"}}
    return {
        "insight:read": lambda: client.get("insights/", refresh=refresh, limit=1),
        "person:read": lambda: client.get("persons/", refresh=refresh, limit=1),
        "property_definition:read": lambda: client.get(
            "property_definitions/", refresh=refresh, type="person", limit=1
        ),
        "query:read": lambda: client.post("query/", hogql, refresh=refresh),
        "dashboard:read": lambda: client.get("dashboards/", refresh=refresh, limit=1),
        "cohort:read": lambda: client.get("cohorts/", refresh=refresh, limit=1),
        "action:read": lambda: client.get("actions/", refresh=refresh),
        "event_definition:read": lambda: client.get("event_definitions/", refresh=refresh, limit=1),
        "project:read": lambda: client.get("/api/projects/", refresh=refresh, limit=1),
    }


def _scope_checks(client: BaseClient, refresh: bool, checks: list[Check]) -> PostHogError | None:
    """One line per scope; returns the project error (403 without a scope, 404) if one came."""
    project_error: PostHogError | None = None
    for scope, probe in _probes(client, refresh).items():
        try:
            probe()
        except PermissionDenied as err:
            if err.missing_scope is None:
                project_error = project_error or err
            elif err.missing_scope != scope:  # user:read, to find the project: said above
                text = f"{scope} not checked: finding the project needs {err.missing_scope}"
                checks.append(Check("scope", "info", text, scope=scope))
            else:
                checks.append(_scope_line(scope, err))
            continue
        except NotFound as err:
            project_error = project_error or err
            continue
        except PostHogError as err:
            text = f"could not be checked: {err.message}"
            checks.append(Check("scope", "fix", f"{scope} {text}", scope=scope))
            continue
        checks.append(Check("scope", "pass", f"{scope} granted", scope=scope))
    return project_error


def _scope_line(scope: str, err: PermissionDenied) -> Check:
    missing = err.missing_scope or scope
    uses = SCOPE_USES.get(missing, "some of this library's features")
    if missing in OPTIONAL_SCOPES:
        return Check("scope", "info", f"missing {missing}: needed only by {uses}", scope=missing)
    text = (
        f"missing {missing}: it blocks {uses}. Add it to the key in PostHog (Account settings "
        "→ Personal API Keys → edit the key's scopes), or create a key with it"
    )
    return Check("scope", "fix", text, scope=missing)


def _project_check(client: BaseClient, me: dict[str, Any], problem: PostHogError | None) -> Check:
    found = me.get("team")
    team: dict[str, Any] = found if isinstance(found, dict) else {}
    given = client.settings.project_id
    try:
        project = client.project_id
    except PostHogError as err:
        return Check(
            "project",
            "fix",
            f"unknown ({err.message}); set POSTHOG_PROJECT_ID or pass project_id= (the number "
            "in /project/<id>/ of PostHog's URLs)",
        )
    origin = "from POSTHOG_PROJECT_ID or project_id=" if given else "the key's current project"
    if problem is not None:
        said = f" ({problem.detail})" if problem.detail else ""
        return Check(
            "project",
            "fix",
            f"{project} ({origin}) cannot be read with this key: PostHog answered "
            f"{problem.status}{said}. Use a project the key may read: client.projects() "
            "lists them (scope project:read); set POSTHOG_PROJECT_ID or pass project_id=",
        )
    same = project in (team.get("project_id"), team.get("id"))
    name = f" \u201c{team['name']}\u201d" if same and team.get("name") else ""
    zone = f", time zone {team['timezone']}" if same and team.get("timezone") else ""
    return Check("project", "pass", f"{project}{name}{zone} ({origin})")


def _version_check(client: BaseClient, me: dict[str, Any], refresh: bool) -> Check:
    if me.get("posthog_version"):
        return Check("PostHog", "info", f"version {me['posthog_version']} (from /api/users/@me/)")
    try:
        preflight = client.get("/_preflight/", refresh=refresh)
    except PostHogError:
        return Check("PostHog", "info", "this server does not say which PostHog version it runs")
    if preflight.get("posthog_version"):
        return Check("PostHog", "info", f"version {preflight['posthog_version']}")
    if preflight.get("cloud"):
        region = f" ({preflight['region']})" if preflight.get("region") else ""
        return Check("PostHog", "info", f"PostHog Cloud{region}, always the current version")
    realm = preflight.get("realm")
    kind = f"self-hosted ({realm})" if realm else "self-hosted"
    return Check("PostHog", "info", f"{kind}; it does not report its version")


def cache_check(session: requests.Session, expire_after: Any = None) -> Check:
    """Where answers are kept, how much is there, how old the newest is, and who may read it.

    Example:
        >>> print(cache_check(client.session))                      # doctest: +ELLIPSIS
        PASS cache: in memory only (cache="memory"): ... answers, gone when the kernel stops
    """
    if not isinstance(session, requests_cache.CachedSession):
        kind = type(session).__name__
        return Check(
            "cache",
            "info",
            f"none ({kind}): every call asks PostHog; pass cache=None for the sqlite cache",
        )
    cache = session.cache
    entries = _count(cache)
    path = _db_path(cache)
    if path is None:
        text = f"{entries} answers, gone when the kernel stops"
        return Check("cache", "pass", f'in memory only (cache="memory"): {text}')
    stats = []
    for suffix in ("", *SIDE_FILES):
        try:
            stats.append(Path(f"{path}{suffix}").stat())
        except OSError:  # absent (no -wal between writes), or gone while we looked
            continue
    size = sum(s.st_size for s in stats)
    age = _age(max((s.st_mtime for s in stats), default=None))
    keep = _keep(expire_after if expire_after is not None else session.settings.expire_after)
    bound = getattr(cache.responses, "max_bytes", None)
    limit = f", at most {size_text(bound)}" if bound else ""
    text = (
        f"{path} ({size_text(size)}{limit}, {entries} answers, last written {age}; answers stay "
        f"fresh {keep}); client.clear_cache() empties it"
    )
    if stats and stat.S_IMODE(stats[0].st_mode) & 0o077:
        mode = f"{stat.S_IMODE(stats[0].st_mode):04o}"
        return Check(
            "cache",
            "fix",
            f"{text}. It is readable by other accounts (mode {mode}): run `chmod 600 {path}`, "
            "or let posthog-frames make it (cache= the path instead of your own session)",
        )
    return Check("cache", "pass", text)


def _db_path(cache: Any) -> Any:
    try:
        return cache.db_path  # sqlite and filesystem backends; others raise
    except (AttributeError, NotImplementedError):
        return None


def _count(cache: Any) -> int | str:
    try:
        return len(cache.responses)
    except Exception:  # a locked or damaged file: the count is only information
        return "?"


def _age(mtime: float | None) -> str:
    if mtime is None:
        return "never"
    seconds = max(0.0, time.time() - mtime)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def _keep(expire_after: Any) -> str:
    if isinstance(expire_after, timedelta):
        expire_after = expire_after.total_seconds()
    if expire_after is None or expire_after == -1:
        return "until deleted"
    if not isinstance(expire_after, int | float):
        return str(expire_after)  # a datetime or requests-cache's own constants
    return f"{expire_after / 3600:g} h" if expire_after >= 3600 else f"{expire_after:g} s"
