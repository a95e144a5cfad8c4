"""Cassettes: every answer a notebook needed, in one reviewable file, for replays without PostHog.

A notebook run with ``Client(cassette=PATH, cassette_mode="record")`` (or the environment
variables ``POSTHOG_FRAMES_CASSETTE`` / ``POSTHOG_FRAMES_CASSETTE_MODE``, so ``phf.connect()`` in
an unchanged notebook picks them up) stores each answer PostHog gave; ``"replay"`` answers from
the file only, with no network request and no key, and raises :class:`CassetteMiss` for a
request that was never recorded; ``"auto"`` replays what is there and records the rest.

The file is pretty JSON meant to be committed and reviewed: a header (format, host, when it was
recorded, the privacy settings), then the interactions sorted by their key, ``METHOD
/path?sorted=params`` plus a digest of a POST's JSON body. Bodies are stored as JSON in the
order PostHog wrote them (the notebook sees the same order on replay). Nothing is stored of the
request's headers (no ``Authorization``, no cookies) nor of the response's but its content type;
a ``personal_api_key`` parameter is dropped. Persons' personal data is pseudonymised by default
(:mod:`posthog_frames.http.pseudonym`). The file is written 0600, like the cache, and holds no
pickle: reading it runs no code.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.cassette.json"
    >>> recorder = phf.Client(demo.api_key, host=demo.url, cassette=path, cassette_mode="record")
    >>> len(recorder.persons(progress=False))
    500
    >>> player = phf.Client(host=demo.url, cassette=path, cassette_mode="replay")  # no key
    >>> len(player.persons(progress=False)), player.requests_sent
    (500, 0)
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import orjson

from posthog_frames.exceptions import CassetteMiss, ConfigurationError
from posthog_frames.http.private import private_file
from posthog_frames.http.pseudonym import DEFAULT_KEYS, Pseudonymiser
from posthog_frames.http.replay_clock import freeze_at

__all__ = [
    "CASSETTE_ENV",
    "MODE_ENV",
    "MODES",
    "PRIVATE_ENV",
    "PSEUDONYMISE_ENV",
    "PUBLIC_ENV",
    "Cassette",
    "open_cassette",
    "request_key",
]

FORMAT = "posthog-frames-cassette/1"
MODES = ("record", "replay", "auto")
CASSETTE_ENV = "POSTHOG_FRAMES_CASSETTE"
MODE_ENV = "POSTHOG_FRAMES_CASSETTE_MODE"
PRIVATE_ENV = "POSTHOG_FRAMES_CASSETTE_PRIVATE_KEYS"  # comma-separated keys to pseudonymise too
PUBLIC_ENV = "POSTHOG_FRAMES_CASSETTE_PUBLIC_KEYS"  # comma-separated keys to leave as they are
PSEUDONYMISE_ENV = "POSTHOG_FRAMES_CASSETTE_PSEUDONYMISE"  # 0: keep persons' data as answered
SALT_ENV = "POSTHOG_FRAMES_CASSETTE_SALT"  # a salt kept out of the file (see README)
_DROPPED_PARAMS = frozenset({"personal_api_key"})
_OPEN: dict[Path, Cassette] = {}  # one object per file in a kernel: its clients share it
_OPEN_LOCK = threading.Lock()


def request_key(method: str, url: str, body: bytes | str | None) -> str:
    """The key an answer is filed under: method, path, sorted query, digest of the JSON body.

    Example:
        >>> request_key("GET", "http://h/api/x/?b=2&a=1&personal_api_key=phx_s", None)
        'GET /api/x/?a=1&b=2'
        >>> request_key("POST", "http://h/api/q/", b'{"b": 1, "a": 2}')
        'POST /api/q/ body=sha256:d3626ac30a87e6f7'
    """
    parts = urlsplit(url)
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in _DROPPED_PARAMS
    )
    key = f"{method.upper()} {parts.path}" + (f"?{urlencode(query)}" if query else "")
    if body:
        return f"{key} body=sha256:{_digest(_canonical(body))}"
    return key


def _canonical(body: bytes | str) -> bytes:
    raw = body.encode() if isinstance(body, str) else bytes(body)
    try:  # the same query written with its keys in another order is the same request
        return orjson.dumps(orjson.loads(raw), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        return raw


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


class Cassette:
    """One cassette file and its mode (``"record"``, ``"replay"`` or ``"auto"``).

    Args:
        path: the file (created on the first recorded answer; parent folders too).
        mode: ``"record"`` starts the file afresh (keeping its salt, so fakes stay the same);
            ``"replay"`` only reads it; ``"auto"`` replays what it holds and records the rest.
        pseudonymise: replace persons' personal data with stable fakes (on by default).
        private_keys: property keys to pseudonymise besides ``email``, ``$email``, ``name``,
            ``$name``, ``first_name``, ``last_name``, ``phone`` (and emails anywhere).
        public_keys: keys to leave as they are, even among those.

    Example:
        >>> import tempfile
        >>> tape = phf.Cassette(tempfile.mkdtemp() + "/nb.cassette.json", mode="record")
        >>> recorder = phf.Client(demo.api_key, host=demo.url, cassette=tape)
        >>> recorder.me()["email"]           # what the notebook (and the file) shows
        'person-...@example.com'
        >>> tape.mode, len(tape), tape.path.exists()
        ('record', 1, True)
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        mode: str = "auto",
        *,
        pseudonymise: bool = True,
        private_keys: Iterable[str] = (),
        public_keys: Iterable[str] = (),
    ) -> None:
        if mode not in MODES:
            raise ConfigurationError(
                f"cassette_mode must be one of {', '.join(MODES)}, got {mode!r}: 'record' to "
                "store what PostHog answers, 'replay' to answer from the file only."
            )
        self.path = Path(path).expanduser().resolve()
        self.mode = mode
        self._lock = threading.Lock()
        saved = self._read() if self.path.exists() else {}
        if mode == "replay" and not saved:
            raise ConfigurationError(
                f"No cassette at {self.path} to replay. Record it first: `posthog-frames record "
                f"NOTEBOOK.ipynb --cassette {self.path}` with POSTHOG_PERSONAL_API_KEY set."
            )
        privacy = saved.get("privacy", {})
        # A new recording takes the settings given; replaying or adding keeps the file's.
        fresh = mode == "record" or not privacy
        self.pseudonymise = bool(pseudonymise if fresh else privacy.get("pseudonymise", True))
        self.private_keys = tuple(sorted({*privacy.get("private_keys", ()), *private_keys}))
        self.public_keys = tuple(sorted({*privacy.get("public_keys", ()), *public_keys}))
        outside = os.environ.get(SALT_ENV)
        self.salt_in_file = not outside
        self._salt = outside or privacy.get("salt") or secrets.token_hex(16)
        self.host: str | None = saved.get("host")
        self.recorded_at = _when(saved.get("recorded_at")) or datetime.now(UTC).replace(
            microsecond=0
        )
        self.interactions: dict[str, dict[str, Any]] = {}
        if mode == "record":
            self.recorded_at = datetime.now(UTC).replace(microsecond=0)
        else:
            self.interactions = {i["key"]: i for i in saved.get("interactions", [])}
        self.fakes = Pseudonymiser(self._salt, self.private_keys, self.public_keys)

    def replays_without(self, api_key: str | None) -> bool:
        """Whether a client with *api_key* (or none) only replays: no key at hand, or
        ``replay`` mode. Such a client needs no key and sends nothing."""
        keyless = api_key is None and not os.environ.get("POSTHOG_PERSONAL_API_KEY")
        return self.mode == "replay" or (self.mode == "auto" and keyless)

    def default_host(self, host: str | None) -> str | None:
        """*host*, else ``POSTHOG_HOST``, else the host the answers were recorded from."""
        if host is not None or os.environ.get("POSTHOG_HOST"):
            return host
        return self.host

    def __len__(self) -> int:
        return len(self.interactions)

    def __repr__(self) -> str:
        return f"Cassette({str(self.path)!r}, mode={self.mode!r}, answers={len(self)})"

    # -- answers ------------------------------------------------------------------------------

    def find(self, key: str) -> dict[str, Any] | None:
        """The recorded answer filed under *key* (``{"status", "json"|"text", ...}``), if any."""
        found = self.interactions.get(key)
        return None if found is None else found["response"]

    def miss(self, key: str) -> CassetteMiss:
        """The error for a request this cassette cannot answer: which, and how to record it."""
        method_path = key.split("?", 1)[0].split(" body=", 1)[0]
        near = [k for k in sorted(self.interactions) if k.startswith(method_path)][:3]
        seen = f" Recorded for that path: {'; '.join(near)}." if near else ""
        return CassetteMiss(
            f"{key} was never recorded in the cassette {self.path} (mode {self.mode!r} makes no "
            f"network request for it).{seen} Re-record: `posthog-frames record NOTEBOOK.ipynb "
            f"--cassette {self.path}` with POSTHOG_PERSONAL_API_KEY set, or run once with "
            f"{MODE_ENV}=auto to add what is missing.",
            endpoint=method_path.split(" ", 1)[-1],
        )

    def store(self, key: str, request: dict[str, Any], response: dict[str, Any]) -> None:
        """File *response* under *key* and write the file (sorted, 0600, replaced atomically)."""
        with self._lock:
            self.interactions[key] = {"key": key, "request": request, "response": response}
            self._write()

    def start(self, host: str) -> None:
        """Note where answers come from (once); a ``record`` cassette is emptied on disk now,
        so answers left from an older recording never mix with this one."""
        with self._lock:
            if self.host is None or self.mode == "record":
                self.host = host
            self._write()

    # -- the file -----------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The file's content: keys in sorted order by construction (bodies keep their own)."""
        privacy: dict[str, Any] = {
            "default_keys": list(DEFAULT_KEYS),
            "private_keys": list(self.private_keys),
            "pseudonymise": self.pseudonymise,
            "public_keys": list(self.public_keys),
        }
        if self.salt_in_file:
            privacy["salt"] = self._salt
        interactions = [self.interactions[k] for k in sorted(self.interactions)]
        return {
            "format": FORMAT,
            "host": self.host,
            "interactions": [_sorted_interaction(i) for i in interactions],
            "privacy": dict(sorted(privacy.items())),
            "recorded_at": self.recorded_at.isoformat().replace("+00:00", "Z"),
        }

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = orjson.dumps(self.document(), option=orjson.OPT_INDENT_2) + b"\n"
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        private_file(temporary)
        temporary.write_bytes(data)
        os.replace(temporary, self.path)

    def _read(self) -> dict[str, Any]:
        try:
            saved = orjson.loads(self.path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as err:
            raise ConfigurationError(
                f"The cassette {self.path} cannot be read ({type(err).__name__}: {err}). "
                "Record it again, or restore it from version control."
            ) from None
        if not isinstance(saved, dict) or saved.get("format") != FORMAT:
            raise ConfigurationError(
                f"{self.path} is not a posthog-frames cassette (no format {FORMAT!r}); record "
                "one with `posthog-frames record NOTEBOOK.ipynb --cassette PATH`."
            )
        return saved


def _sorted_interaction(interaction: dict[str, Any]) -> dict[str, Any]:
    request = dict(sorted(interaction["request"].items()))
    response = dict(sorted(interaction["response"].items()))
    return {"key": interaction["key"], "request": request, "response": response}


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def open_cassette(cassette: Any, mode: str | None) -> Cassette | None:
    """The cassette a client uses: *cassette* (a path or a :class:`Cassette`), else
    ``POSTHOG_FRAMES_CASSETTE``; its mode from *mode*, else ``POSTHOG_FRAMES_CASSETTE_MODE``,
    else ``"auto"``. Clients of one kernel naming the same file share one object.

    Example:
        >>> open_cassette(None, None) is None    # no cassette asked for
        True
    """
    if isinstance(cassette, Cassette):
        return cassette
    where = cassette if cassette is not None else os.environ.get(CASSETTE_ENV) or None
    if where is None:
        if mode is not None:
            raise ConfigurationError(
                f"cassette_mode= needs a cassette: pass cassette=PATH or set {CASSETTE_ENV}=PATH."
            )
        return None
    if not isinstance(where, str | os.PathLike):
        raise ConfigurationError(f"cassette must be a file path, got {type(where).__name__}.")
    chosen = mode or os.environ.get(MODE_ENV) or "auto"
    path = Path(where).expanduser().resolve()
    with _OPEN_LOCK:
        found = _OPEN.get(path)
        if found is None or found.mode != chosen:
            found = _OPEN[path] = Cassette(
                path,
                chosen,
                pseudonymise=os.environ.get(PSEUDONYMISE_ENV, "1") != "0",
                private_keys=_env_list(PRIVATE_ENV),
                public_keys=_env_list(PUBLIC_ENV),
            )
            if cassette is None and chosen == "replay":  # a notebook replayed in CI
                freeze_at(found.recorded_at)
        return found


def _env_list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]
