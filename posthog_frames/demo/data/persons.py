"""The demo project's persons: names, places, devices, plans and ids drawn from a seeded RNG.

The demo's one person generator: the server, the event log and the tests all take their persons
from :func:`generate_persons`. Everything comes from ``random.Random(seed)`` only (no wall clock,
no hash randomisation), so the same ``(count, seed, now)`` always gives the same persons,
serialised as PostHog's person API shows them. :class:`~posthog_frames.demo.data.project.DemoData`
holds them and serves their JSON; :func:`persons_table` lays them out for the insights.

Example:
    >>> people = generate_persons(3, seed=1)
    >>> [p["id"] for p in people]
    [3, 2, 1]
"""

from __future__ import annotations

import bisect
import math
import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from posthog_frames.demo.clock import DEMO_NOW, DEMO_START, LAUNCH_DAY, iso_z
from posthog_frames.demo.errors import DemoValidationError

__all__ = [
    "added_person",
    "generate_persons",
    "is_anonymous_id",
    "persons_table",
]

_FIRST = (
    "ada alan barbara claude dana emil frida grace hedy ian jun kofi lena maya nia omar priya"
    " quinn raj sofia tariq uma vera wen ximena yusuf zoe"
).split()
_LAST = (
    "lovelace turing liskov shannon scott noether kahlo hopper lamarr murdock tanaka annan meyer"
    " patel okafor haddad singh byrne kumar rossi nasser abe ortiz lin ruiz ali novak"
).split()
_COMPANIES = (
    "Hogflix|Acme Corp|Globex|Initech|Umbrella|Stark Industries|Wayne Enterprises|Hooli"
    "|Pied Piper|Vandelay|Soylent|Tyrell"
).split("|")
_GEO = [  # country code, country, city, time zone, locale, weight
    ("US", "United States", "New York", "America/New_York", "en-US", 22),
    ("US", "United States", "San Francisco", "America/Los_Angeles", "en-US", 14),
    ("GB", "United Kingdom", "London", "Europe/London", "en-GB", 12),
    ("DE", "Germany", "Berlin", "Europe/Berlin", "de-DE", 9),
    ("FR", "France", "Paris", "Europe/Paris", "fr-FR", 7),
    ("BR", "Brazil", "São Paulo", "America/Sao_Paulo", "pt-BR", 7),
    ("IN", "India", "Bengaluru", "Asia/Kolkata", "en-IN", 9),
    ("CA", "Canada", "Toronto", "America/Toronto", "en-CA", 6),
    ("NL", "Netherlands", "Amsterdam", "Europe/Amsterdam", "nl-NL", 4),
    ("JP", "Japan", "Tokyo", "Asia/Tokyo", "ja-JP", 4),
    ("ES", "Spain", "Madrid", "Europe/Madrid", "es-ES", 3),
    ("AU", "Australia", "Sydney", "Australia/Sydney", "en-AU", 3),
]
_GEO_W = [g[5] for g in _GEO]
_OS = ["Windows", "Mac OS X", "Linux", "iOS", "Android"]
_OS_W = [35, 30, 10, 15, 10]
_BROWSERS: dict[str, list[tuple[str, float, int]]] = {  # per OS: (browser, version, weight)
    "Windows": [("Chrome", 122, 60), ("Edge", 121, 25), ("Firefox", 123, 15)],
    "Mac OS X": [("Chrome", 122, 50), ("Safari", 17.3, 40), ("Firefox", 123, 10)],
    "Linux": [("Chrome", 122, 55), ("Firefox", 123, 45)],
    "iOS": [("Mobile Safari", 17.3, 85), ("Chrome iOS", 122, 15)],
    "Android": [("Chrome", 122, 90), ("Samsung Internet", 24, 10)],
}
_REFERRERS = [
    "$direct",
    "www.google.com",
    "news.ycombinator.com",
    "twitter.com",
    "www.linkedin.com",
    "github.com",
    "www.bing.com",
]
_REF_W = [35, 30, 8, 8, 7, 7, 5]
_UTM_SOURCES = ["google", "newsletter", "twitter", "linkedin", "producthunt"]
_CAMPAIGNS = ["feb_launch", "brand", "retargeting", "spring_promo"]
_PATHS = [
    "/",
    "/",
    "/pricing",
    "/signup",
    "/blog/hedgehogs-101",
    "/movies/the-hog-father",
    "/features/recommendations",
]
_ROLES = ["engineer", "product", "founder", "marketing", "data", "design", "other"]
_SOURCES = ["organic", "paid_search", "referral", "partner", "event"]
_PLANS = ["free", "pro", "enterprise"]
_THEMES = ["light", "dark", "system"]


def is_anonymous_id(distinct_id: str) -> bool:
    """True when *distinct_id* is UUID-shaped (an SDK's anonymous id), as PostHog decides."""
    try:
        uuid.UUID(distinct_id)
    except ValueError:
        return False
    return True


def _uuid_from_ms(ms: int, rng: random.Random, *, sdk: bool) -> str:
    # PostHog person uuids are UUIDT (48-bit ms time, 16-bit series, 64 random bits); SDK
    # anonymous ids are UUIDv7. Both start with the creation time, like the real thing.
    if sdk:
        value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64)
        value |= (0b10 << 62) | rng.getrandbits(62)
    else:
        value = (ms << 80) | rng.getrandbits(64)
    h = f"{value:032x}"  # formatting by hand: uuid.UUID() dominates the profile otherwise
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Weighted:
    """A weighted choice that precomputes cumulative weights (random.choices redoes it per call)."""

    def __init__(self, items: list[Any], weights: Sequence[float]) -> None:
        self.items = items
        self.cum = [sum(weights[: i + 1]) for i in range(len(weights))]
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


def _below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _day_weights(start: datetime, days: int) -> list[float]:
    weights = []
    for day in range(days):
        moment = start + timedelta(days=day)
        base = 0.55 if moment.weekday() >= 5 else 1.0
        growth = 1.0 + day / days  # slow organic growth over the quarter
        spike = 3.5 * math.exp(-(((moment - LAUNCH_DAY).days / 1.5) ** 2))  # launch around Feb 10
        weights.append(base * growth + spike)
    return weights


def _creation_times(count: int, rng: random.Random, now: datetime) -> list[int]:
    """Creation instants (epoch ms), oldest first, spread over DEMO_START..now."""
    start = DEMO_START if DEMO_START < now else now - timedelta(days=90)
    days = max(1, math.ceil((now - start).total_seconds() / 86400))
    chosen = rng.choices(range(days), weights=_day_weights(start, days), k=count)
    start_ms = int(start.timestamp() * 1000)
    end_ms = int(now.timestamp() * 1000)
    times = []
    for day in chosen:
        day_ms = start_ms + day * 86_400_000
        # Skew towards working hours, which makes hourly charts look real.
        hour = min(23.99, max(0.0, rng.gauss(14.0, 4.5)))
        ms = day_ms + int(hour * 3_600_000) + _below(rng, 60_000)
        if ms >= end_ms:  # the last day is cut at `now`: redraw inside what is left of it
            ms = day_ms + _below(rng, max(1, end_ms - day_ms))
        times.append(ms)
    times.sort()
    return times


def _iso_ms(ms: int) -> str:
    # Naive UTC + isoformat is several times faster than strftime on aware datetimes.
    return (_EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="microseconds") + "Z"


def _iso_s(ms: int) -> str:
    return (_EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="seconds") + "Z"


_EPOCH = datetime(1970, 1, 1)
_PICK_OS = _Weighted(_OS, _OS_W)
_PICK_BROWSER = {os: _Weighted(opts, [o[2] for o in opts]) for os, opts in _BROWSERS.items()}
_PICK_GEO = _Weighted(_GEO, _GEO_W)
_PICK_REFERRER = _Weighted(_REFERRERS, _REF_W)
_PICK_PLAN = _Weighted(_PLANS, [70, 22, 8])
_LAUNCH_MS = int(LAUNCH_DAY.timestamp() * 1000)


def _pick(rng: random.Random, items: list[Any]) -> Any:
    return items[_below(rng, len(items))]


def _person_properties(rng: random.Random, pk: int, ms: int, identified: bool, now_ms: int) -> dict:
    props: dict[str, Any] = {}
    os_name = _PICK_OS.pick(rng)
    browser, version, _ = _PICK_BROWSER[os_name].pick(rng)
    props["$initial_os"] = os_name
    props["$initial_browser"] = browser
    if isinstance(version, float):
        props["$initial_browser_version"] = round(version - _below(rng, 3) / 10, 1)
    else:
        props["$initial_browser_version"] = version - _below(rng, 4)
    mobile = os_name in ("iOS", "Android")
    props["$initial_device_type"] = (
        ("Tablet" if rng.random() < 0.15 else "Mobile") if mobile else "Desktop"
    )
    locale = "en-US"
    if rng.random() > 0.03:  # a few persons come without GeoIP data
        code, country, city, tz, locale, _ = _PICK_GEO.pick(rng)
        props["$geoip_country_code"] = code
        props["$geoip_country_name"] = country
        props["$geoip_city_name"] = city
        props["$geoip_time_zone"] = tz
    referrer = _PICK_REFERRER.pick(rng)
    props["$initial_referring_domain"] = referrer
    if referrer != "$direct" and rng.random() < 0.5:
        props["$initial_utm_source"] = _pick(rng, _UTM_SOURCES)
        if rng.random() < 0.5:
            near_launch = abs(ms - _LAUNCH_MS) <= 4 * 86_400_000
            props["$initial_utm_campaign"] = "feb_launch" if near_launch else _pick(rng, _CAMPAIGNS)
    path = _pick(rng, _PATHS)
    props["$initial_current_url"] = f"https://hogflix.example.com{path}"
    props["$initial_pathname"] = path
    props["locale"] = locale
    props["theme"] = _pick(rng, _THEMES)
    if rng.random() < 0.6:
        props["zip_code"] = f"{_below(rng, 100_000):05d}"  # leading zeros: must stay a string
    if rng.random() < 0.3:
        props["nps_score"] = _below(rng, 11)
    if rng.random() < 0.15:
        props["beta_tester"] = rng.random() < 0.6
    if identified:
        _identified_properties(rng, pk, ms, now_ms, props)
    return props


def _identified_properties(rng: random.Random, pk: int, ms: int, now_ms: int, props: dict) -> None:
    first, last = _pick(rng, _FIRST), _pick(rng, _LAST)
    company = _pick(rng, _COMPANIES) if rng.random() < 0.85 else None
    domain = (company.lower().replace(" ", "") + ".com") if company else "gmail.com"
    props["email"] = f"{first}.{last}{pk}@{domain}"
    if rng.random() < 0.9:
        props["name"] = f"{first.title()} {last.title()}"
    if company:
        props["company"] = company
    plan = _PICK_PLAN.pick(rng)
    if plan == "free":
        seats, mrr = 1 + _below(rng, 3), 0.0
    elif plan == "pro":
        seats = 2 + _below(rng, 20)
        mrr = round(seats * 12.5, 2)
    else:
        seats = 20 + _below(rng, 180)
        mrr = round(seats * 30 + _below(rng, 100) / 4, 2)
    props["plan"] = plan
    props["seats"] = seats
    props["mrr"] = mrr
    props["is_verified"] = rng.random() < 0.8
    props["role"] = _pick(rng, _ROLES)
    props["signup_source"] = _pick(rng, _SOURCES)
    signed_up = min(now_ms, ms + 1000 * (30 + _below(rng, 1800)))
    props["signed_up_at"] = _iso_s(signed_up)
    if rng.random() < 0.85:
        props["last_login_at"] = _iso_s(signed_up + _below(rng, max(1, now_ms - signed_up)))
    props["customer_id"] = f"{_below(rng, 10**8):010d}"  # digits with leading zeros


def _serialise_person(pk: int, ms: int, rng: random.Random, now_ms: int) -> dict[str, Any]:
    identified = rng.random() < 0.6
    props = _person_properties(rng, pk, ms, identified, now_ms)
    distinct_ids = [_uuid_from_ms(ms, rng, sdk=True)]
    if identified:
        # PostHog sorts distinct ids non-anonymous first: the user id goes in front.
        distinct_ids.insert(0, props["email"] if rng.random() < 0.5 else f"user-{pk}")
    last_seen = None
    if rng.random() > 0.03:
        last_seen = _iso_ms(ms + _below(rng, max(1, now_ms - ms)))
    return {
        "id": pk,
        "name": _display_name(pk, props, distinct_ids),
        "distinct_ids": distinct_ids,
        "properties": props,
        "created_at": _iso_ms(ms),
        "uuid": _uuid_from_ms(ms, rng, sdk=False),
        "last_seen_at": last_seen,
        # Not a PersonSerializer field: the persons list (SerializedPerson) shows it.
        "is_identified": identified,
    }


def _display_name(pk: int, props: dict[str, Any], distinct_ids: list[str]) -> str:
    # PostHog's get_person_name: email/name/username, else the first distinct id after sorting
    # non-anonymous first (so an anonymous person is named by its UUID-like id), else the pk.
    for key in ("email", "name", "username"):
        if props.get(key):
            return str(props[key])
    if distinct_ids:
        return distinct_ids[0]
    return str(pk)


def generate_persons(count: int, seed: int = 0, now: datetime = DEMO_NOW) -> list[dict[str, Any]]:
    """*count* persons for *seed*, newest first as PostHog orders them (created_at DESC, id DESC).

    Example:
        >>> newest, oldest = generate_persons(2, seed=0)
        >>> newest["created_at"] >= oldest["created_at"]
        True
    """
    rng = random.Random(seed)
    times = _creation_times(count, rng, now)
    now_ms = int(now.timestamp() * 1000)
    oldest_first = [_serialise_person(pk, ms, rng, now_ms) for pk, ms in enumerate(times, 1)]
    oldest_first.reverse()
    return oldest_first


def added_person(pk: int, properties: dict[str, Any], *, seed: int, created: datetime) -> dict:
    """The person record for one person added at *created* with *properties* (ids from *seed*).

    Example:
        >>> added_person(7, {"email": "a@b.co"}, seed=0, created=DEMO_NOW)["distinct_ids"][0]
        'a@b.co'
    """
    rng = random.Random(f"{seed}/added/{pk}")
    ms = int(created.timestamp() * 1000)
    ids = [_uuid_from_ms(ms, rng, sdk=True)]
    if properties.get("email"):
        ids.insert(0, str(properties["email"]))
    return {
        "id": pk,
        "name": _display_name(pk, properties, ids),
        "distinct_ids": ids,
        "properties": dict(properties),
        "created_at": iso_z(created),
        "uuid": _uuid_from_ms(ms, rng, sdk=False),
        "last_seen_at": iso_z(created),
        "is_identified": len(ids) > 1,
    }


def persons_table(persons: Sequence[dict]) -> pd.DataFrame:
    """Persons as one row each, indexed by person uuid, one column per person property (the
    insights read person properties from it).

    Example:
        >>> persons_table(generate_persons(2)).index.name
        'person_id'
    """
    if not persons:
        return pd.DataFrame(index=pd.Index([], name="person_id", dtype="str"))
    try:
        rows = [{**p.get("properties", {}), "person_id": str(p["uuid"])} for p in persons]
    except (KeyError, TypeError) as err:
        raise DemoValidationError(
            f"Every person needs a 'uuid' and a 'properties' dict ({err!r}); pass the person "
            "dicts the demo's data module produces."
        ) from err
    return pd.DataFrame(rows).set_index("person_id")
