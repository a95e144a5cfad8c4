"""The demo project's synthetic event log: seeded, columnar, vectorised with numpy.

Each person signs up once (at or after ``created_at``), then browses in sessions on some days:
weekdays busier than weekends, a launch spike around 2025-02-10, many persons churning after a
few weeks and some coming back after a dormant week or two. Pages follow a small Markov chain
(home, pricing, docs, product pages, cart, checkout), so funnels and paths drop off naturally.

Example:
    >>> from posthog_frames.demo.data.persons import generate_persons
    >>> log = generate_events(generate_persons(50, seed=1), seed=1)
    >>> sorted(log["event"].unique())[:2]
    ['$pageview', 'added to cart']
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from posthog_frames.demo.clock import DEMO_NOW, DEMO_START, LAUNCH_DAY
from posthog_frames.demo.errors import DemoValidationError

__all__ = [
    "EVENT_NAMES",
    "PAGES",
    "RESOLUTIONS",
    "generate_events",
]

EVENT_NAMES = ("$pageview", "signed up", "viewed product", "added to cart", "purchased")

# Page index 0..8; the Markov chain below moves between them, "exit" ends a session.
PAGES = (
    "/",
    "/pricing",
    "/docs",
    "/signup",
    "/product/hedgehog-mug",
    "/product/hoodie",
    "/product/stickers",
    "/cart",
    "/checkout",
)
_PRODUCTS = (4, 5, 6)
_CART, _CHECKOUT, _EXIT = 7, 8, 9
_START_P = np.array([0.5, 0.1, 0.15, 0.0, 0.1, 0.08, 0.07, 0.0, 0.0])
# Rows: from-page; columns: the 9 pages then "exit".
_TRANSITIONS = np.array(
    [
        [0.00, 0.20, 0.15, 0.00, 0.15, 0.12, 0.10, 0.00, 0.00, 0.28],  # /
        [0.15, 0.00, 0.15, 0.00, 0.10, 0.10, 0.05, 0.00, 0.00, 0.45],  # /pricing
        [0.15, 0.10, 0.25, 0.00, 0.05, 0.05, 0.05, 0.00, 0.00, 0.35],  # /docs
        [0.30, 0.05, 0.05, 0.00, 0.20, 0.15, 0.10, 0.00, 0.00, 0.15],  # /signup
        [0.10, 0.05, 0.00, 0.00, 0.00, 0.12, 0.08, 0.30, 0.00, 0.35],  # mug
        [0.10, 0.05, 0.00, 0.00, 0.10, 0.00, 0.08, 0.27, 0.00, 0.40],  # hoodie
        [0.10, 0.05, 0.00, 0.00, 0.10, 0.10, 0.00, 0.25, 0.00, 0.40],  # stickers
        [0.05, 0.00, 0.00, 0.00, 0.10, 0.05, 0.05, 0.00, 0.45, 0.30],  # /cart
        [0.15, 0.00, 0.00, 0.00, 0.05, 0.00, 0.00, 0.10, 0.00, 0.70],  # /checkout
    ]
)
_PRICES = {4: 14.0, 5: 49.0, 6: 6.5}
_BROWSERS = ("Chrome", "Safari", "Firefox", "Microsoft Edge")
_OSES = ("Mac OS X", "Windows", "iOS", "Android", "Linux")
_MAX_STEPS = 8
RESOLUTIONS = ("ms", "s", "min")  # pandas' names for milliseconds, seconds and minutes
_NS = 1_000_000_000
# pandas' own dtype for text: ``str`` on pandas 3, ``object`` on pandas 2, where
# ``dtype="str"`` would write the text 'None' into the gaps of a column such as ``product``.
_TEXT = pd.Series(["x"]).dtype


def _rng(seed: int, salt: str) -> np.random.Generator:
    """A generator per purpose, so adding draws in one place does not shift the others."""
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _parse_created(persons: Sequence[dict]) -> np.ndarray:
    try:
        stamps = pd.to_datetime([p["created_at"] for p in persons], utc=True, format="ISO8601")
    except (KeyError, ValueError, TypeError) as err:
        raise DemoValidationError(
            f"Person 'created_at' must be an ISO timestamp like 2025-01-05T10:11:12Z ({err})."
        ) from err
    return stamps.as_unit("ns").asi8


def _day_weights(days_ns: np.ndarray) -> np.ndarray:
    """Weekday rhythm times a launch bump (about 3x on 2025-02-10, fading over a week)."""
    days = pd.to_datetime(days_ns, utc=True)
    weekday = np.where(days.day_of_week.to_numpy() >= 5, 0.5, 1.0)
    from_launch = (days_ns - int(LAUNCH_DAY.timestamp() * _NS)) / (86400 * _NS)
    spike = 1.0 + 2.0 * np.exp(-0.5 * (from_launch / 2.0) ** 2)
    return weekday * spike


def _walk_sessions(rng: np.random.Generator, n: int, first_page: np.ndarray) -> np.ndarray:
    """Page index per (session, step); -1 after the session ended."""
    pages = np.full((n, _MAX_STEPS), -1, dtype=np.int64)
    pages[:, 0] = first_page
    cum = np.cumsum(_TRANSITIONS, axis=1)
    for step in range(1, _MAX_STEPS):
        alive = pages[:, step - 1] >= 0
        prev = pages[alive, step - 1]
        draw = rng.random(prev.size)[:, None]
        nxt = (draw > cum[prev]).sum(axis=1)
        pages[alive, step] = np.where(nxt >= _EXIT, -1, nxt)
    return pages


def _sessions(rng: np.random.Generator, signup_ns: np.ndarray, now_ns: int) -> pd.DataFrame:
    """One row per session: person index, start time, whether it is the signup session."""
    n = signup_ns.size
    engagement = 0.05 + 0.55 * rng.beta(2, 4, n)
    churn = rng.random(n)
    lifetime = np.where(
        churn < 0.4,
        rng.integers(1, 8, n),
        np.where(churn < 0.75, rng.integers(8, 36, n), 400),
    )
    gap_start = np.where(rng.random(n) < 0.35, rng.integers(2, 20, n), 10_000)
    gap_len = rng.integers(7, 15, n)

    day0 = signup_ns - signup_ns % (86400 * _NS)
    last_day = (now_ns - day0) // (86400 * _NS)
    n_days = np.maximum(np.minimum(lifetime, last_day + 1), 1)
    who = np.repeat(np.arange(n), n_days)
    offset = np.arange(who.size) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    day_ns = day0[who] + offset * 86400 * _NS
    in_gap = (offset >= gap_start[who]) & (offset < gap_start[who] + gap_len[who])
    p_active = np.clip(engagement[who] * _day_weights(day_ns), 0, 0.95)
    active = (offset == 0) | ((rng.random(who.size) < p_active) & ~in_gap)
    who, offset, day_ns = who[active], offset[active], day_ns[active]

    second = rng.random(who.size) < 0.3
    hour = rng.uniform(7, 21, who.size)
    start = day_ns + (hour * 3600 * _NS).astype(np.int64)
    start = np.where(offset == 0, signup_ns[who] + 20 * _NS, start)
    extra_start = start[second] + (rng.uniform(1.5, 3, second.sum()) * 3600 * _NS).astype(np.int64)
    frame = pd.DataFrame(
        {
            "person": np.concatenate([who, who[second]]),
            "start": np.concatenate([start, extra_start]),
            "signup_session": np.concatenate([offset == 0, np.zeros(second.sum(), bool)]),
        }
    )
    return frame[frame["start"] <= now_ns].reset_index(drop=True)


def _session_events(rng: np.random.Generator, sessions: pd.DataFrame) -> dict[str, np.ndarray]:
    """Pageviews plus the product/cart/purchase events they imply, as parallel arrays."""
    n = len(sessions)
    signup = sessions["signup_session"].to_numpy()
    first = rng.choice(len(PAGES), size=n, p=_START_P)
    first = np.where(signup, PAGES.index("/signup"), first)
    pages = _walk_sessions(rng, n, first)
    gaps = (rng.exponential(45, pages.shape) + 5) * _NS
    gaps[:, 0] = 0
    times = sessions["start"].to_numpy()[:, None] + np.cumsum(gaps, axis=1).astype(np.int64)
    sess, step = np.nonzero(pages >= 0)
    page = pages[sess, step]
    ts = times[sess, step]
    person = sessions["person"].to_numpy()[sess]
    prev_page = np.where(step > 0, pages[sess, np.maximum(step - 1, 0)], -1)

    names = [np.full(page.size, "$pageview", dtype=object)]
    urls, stamps, people = [page], [ts], [person]
    products = [np.full(page.size, -1)]
    revenue = [np.full(page.size, np.nan)]

    is_product = np.isin(page, _PRODUCTS)
    to_cart = (page == _CART) & np.isin(prev_page, _PRODUCTS)
    buys = (page == _CHECKOUT) & (rng.random(page.size) < 0.55)
    extra = [  # (event, which pageviews imply it, product page, offset from the pageview)
        ("viewed product", is_product, page, 1 * _NS),
        ("added to cart", to_cart, prev_page, -1 * _NS),
        ("purchased", buys, page, 25 * _NS),
    ]
    for name, mask, product, delay in extra:
        names.append(np.full(mask.sum(), name, dtype=object))
        urls.append(product[mask])
        stamps.append(ts[mask] + delay)
        people.append(person[mask])
        products.append(np.where(name == "purchased", -1, product[mask]))
        amount = np.round(rng.lognormal(3.3, 0.6, mask.sum()), 2) if name == "purchased" else None
        revenue.append(amount if amount is not None else np.full(mask.sum(), np.nan))
    return {
        "event": np.concatenate(names),
        "page": np.concatenate(urls),
        "ts": np.concatenate(stamps),
        "person": np.concatenate(people),
        "product": np.concatenate(products),
        "revenue": np.concatenate(revenue),
    }


def _uuids(rng: np.random.Generator, n: int) -> list[str]:
    raw = rng.bytes(16 * n).hex()
    return [
        f"{raw[i : i + 8]}-{raw[i + 8 : i + 12]}-{raw[i + 12 : i + 16]}-"
        f"{raw[i + 16 : i + 20]}-{raw[i + 20 : i + 32]}"
        for i in range(0, 32 * n, 32)
    ]


def generate_events(
    persons: Sequence[dict],
    *,
    seed: int = 0,
    now: datetime = DEMO_NOW,
    resolution: str = "ms",
) -> pd.DataFrame:
    """Generate the event log for *persons*: one row per event, sorted by timestamp.

    Columns: ``uuid, event, distinct_id, person_id, timestamp`` (UTC, tz-aware) and the event
    properties ``$current_url, $browser, $os, product, revenue`` (null where not applicable).
    Timestamps are cut to *resolution* (:data:`RESOLUTIONS`): milliseconds, as browser SDKs
    send them, or whole seconds or minutes, as some server-side and import pipelines do, so
    that many events share a timestamp.

    Example:
        >>> from posthog_frames.demo.data.persons import generate_persons
        >>> log = generate_events(generate_persons(20, seed=3), seed=3)
        >>> bool((log["event"] == "signed up").sum() <= 20)
        True
    """
    if now.tzinfo is None:
        raise DemoValidationError("`now` must be timezone-aware, e.g. datetime(..., tzinfo=UTC).")
    if resolution not in RESOLUTIONS:
        raise DemoValidationError(
            f"timestamp resolution {resolution!r} is not one of {', '.join(RESOLUTIONS)}."
        )
    now_ns = int(pd.Timestamp(now).as_unit("ns").value)
    start_ns = int(pd.Timestamp(DEMO_START).as_unit("ns").value)
    if not persons:
        return _empty_log()
    created = _parse_created(persons)
    rng = _rng(seed, "events")
    signup = np.maximum(created, start_ns) + (rng.uniform(120, 900, created.size) * _NS).astype(
        np.int64
    )
    keep = np.nonzero(signup + 25 * _NS <= now_ns)[0]
    if keep.size == 0:
        return _empty_log()
    signup = signup[keep]
    sessions = _sessions(rng, signup, now_ns)
    cols = _session_events(rng, sessions)
    # The signup session opens on /signup: "signed up" happens right there, before browsing on.
    cols["event"] = np.concatenate([cols["event"], np.full(keep.size, "signed up", dtype=object)])
    cols["page"] = np.concatenate([cols["page"], np.full(keep.size, PAGES.index("/signup"))])
    cols["ts"] = np.concatenate([cols["ts"], signup + 25 * _NS])
    cols["person"] = np.concatenate([cols["person"], np.arange(keep.size)])
    cols["product"] = np.concatenate([cols["product"], np.full(keep.size, -1)])
    cols["revenue"] = np.concatenate([cols["revenue"], np.full(keep.size, np.nan)])
    inside = (cols["ts"] <= now_ns) & (cols["ts"] >= start_ns)
    cols = {k: v[inside] for k, v in cols.items()}
    order = np.lexsort((cols["person"], cols["ts"]))
    cols = {k: v[order] for k, v in cols.items()}
    frame = _assemble(persons, keep, cols, rng)
    if resolution != "ms":
        frame["timestamp"] = frame["timestamp"].dt.floor(resolution)
    return frame


def _assemble(
    persons: Sequence[dict], keep: np.ndarray, cols: dict[str, np.ndarray], rng: np.random.Generator
) -> pd.DataFrame:
    chosen = [persons[i] for i in keep]
    person_ids = np.array([str(p["uuid"]) for p in chosen], dtype=object)
    props = [p.get("properties") or {} for p in chosen]
    browsers = np.array([pr.get("$initial_browser") or "Chrome" for pr in props], dtype=object)
    oses = np.array([pr.get("$initial_os") or "Windows" for pr in props], dtype=object)
    ids = [list(p.get("distinct_ids") or [str(p["uuid"])]) for p in chosen]
    n_ids = np.array([len(d) for d in ids])
    who = cols["person"]
    # Identified persons mostly send their newest distinct_id; early events use the anonymous one.
    pick = np.minimum((rng.random(who.size) < 0.6).astype(int) * (n_ids[who] - 1), n_ids[who] - 1)
    distinct = [ids[w][k] for w, k in zip(who.tolist(), pick.tolist(), strict=True)]
    page_urls = np.array(PAGES, dtype=object)[cols["page"]]
    product_names = np.array([None, *[PAGES[i].rsplit("/", 1)[1] for i in _PRODUCTS]], dtype=object)
    product_idx = np.searchsorted(np.array(_PRODUCTS), cols["product"]) + 1
    product = product_names[np.clip(product_idx, 0, 3)]
    product[cols["product"] < 0] = None
    return pd.DataFrame(
        {
            "uuid": pd.array(_uuids(rng, who.size), dtype="str"),
            "event": pd.array(cols["event"], dtype="str"),
            "distinct_id": pd.array(distinct, dtype="str"),
            "person_id": pd.array(person_ids[who], dtype="str"),
            "timestamp": pd.to_datetime(cols["ts"], utc=True).as_unit("us").floor("ms"),
            "$current_url": pd.array(page_urls, dtype="str"),
            "$browser": pd.array(browsers[who], dtype="str"),
            "$os": pd.array(oses[who], dtype="str"),
            "product": pd.array(product, dtype=_TEXT),
            "revenue": cols["revenue"],
        }
    )


def _empty_log() -> pd.DataFrame:
    frame = pd.DataFrame(
        {c: pd.array([], dtype="str") for c in ("uuid", "event", "distinct_id", "person_id")}
    )
    frame["timestamp"] = pd.to_datetime([], utc=True).as_unit("us")
    for col in ("$current_url", "$browser", "$os", "product"):
        frame[col] = pd.array([], dtype="str")
    frame["revenue"] = np.array([], dtype=float)
    return frame
