"""PostHog persons (``GET /api/projects/:id/persons/``) as pandas DataFrames. Pure: no HTTP.

One row per person: ``id`` (PostHog's persons list gives the person's UUID), ``uuid``, ``name``,
``distinct_ids``, ``created_at``, ``last_seen_at``, ``is_identified`` and one column per person
property (``properties.<key>``, sorted by key). Dtypes follow the JSON values (see
:mod:`posthog_frames.frames.dtypes`), or PostHog's property definitions when ``property_types``
is given.

Built for speed on large exports: one ``orjson.loads``, one ``DataFrame.from_records`` of the
property dicts, vectorised datetime parsing, and a type check only on columns pandas left ambiguous.
With ``dtype_backend="pyarrow"`` pyarrow reads the parsed JSON into Arrow columns itself
(:mod:`posthog_frames.frames.persons_arrow`), with no numpy ``object`` columns in between.

Example:
    >>> df = persons_frame({"results": [{"id": "0190…", "properties": {"plan": "pro"}}]})
    >>> df.columns.tolist()
    ['id', 'uuid', 'name', 'distinct_ids', 'created_at', 'last_seen_at', 'is_identified',
     'properties.plan']
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from itertools import repeat
from typing import Any

import orjson
import pandas as pd

from posthog_frames.exceptions import InvalidResponse, ValidationError
from posthog_frames.frames._person_columns import fixed_columns
from posthog_frames.frames.backends import DtypeBackend, check_backend, with_backend
from posthog_frames.frames.dtypes import apply_property_types, common_dtype, property_columns
from posthog_frames.frames.persons_arrow import arrow_fixed_columns, arrow_property_columns

__all__ = [
    "PERSON_COLUMNS",
    "actors_frame",
    "apply_property_types",
    "concat_person_pages",
    "identified_first",
    "person_name",
    "persons_frame",
]

PERSON_COLUMNS: tuple[str, ...] = (
    "id",
    "uuid",
    "name",
    "distinct_ids",
    "created_at",
    "last_seen_at",
    "is_identified",
)
_EXPECTED = (
    "a persons page ({'results': [...]}), a list of person dicts, or the JSON bytes/str of either"
)


def _persons_list(results: Any) -> list[dict[str, Any]]:
    if isinstance(results, bytes | bytearray | memoryview | str):
        try:
            results = orjson.loads(results)
        except orjson.JSONDecodeError as err:
            head = bytes(results[:80]) if not isinstance(results, str) else results[:80]
            raise InvalidResponse(
                f"persons response is not JSON ({err}); starts {head!r}"
            ) from None
    if isinstance(results, dict):
        if "results" in results:
            results = results["results"]
        elif "id" in results and "distinct_ids" in results:  # GET /persons/:id/ gives one person
            results = [results]
        else:
            keys = sorted(results)[:10]
            raise InvalidResponse(f"expected {_EXPECTED}; got a dict with keys {keys}")
    if not isinstance(results, list):
        raise InvalidResponse(f"expected {_EXPECTED}; got {type(results).__name__}")
    return results


def _bad_person(persons: list[Any]) -> InvalidResponse:
    for i, person in enumerate(persons):
        if not isinstance(person, dict):
            return InvalidResponse(
                f"person #{i} is a {type(person).__name__}, not a dict: {_EXPECTED}"
            )
        if "id" not in person:
            return InvalidResponse(f"person #{i} has no 'id' (keys: {sorted(person)[:10]})")
        if not isinstance(person.get("properties") or {}, dict):
            kind = type(person["properties"]).__name__
            return InvalidResponse(f"person #{i} (id {person['id']!r}) has {kind} properties")
    return InvalidResponse(f"persons could not be read: expected {_EXPECTED}")


def persons_frame(
    results: Any,
    prefix: str = "properties.",
    flatten: bool = True,
    property_types: Any = None,
    dtype_backend: DtypeBackend | None = None,
) -> pd.DataFrame:
    """Persons as a DataFrame, one row per person.

    *results* is a persons page dict, a list of person dicts, or the raw JSON (bytes/str) of
    either. ``created_at``/``last_seen_at`` are tz-aware UTC (missing → NaT). With ``flatten``
    each property is a ``prefix + key`` column (missing → NA); ``flatten=False`` keeps one
    ``properties`` column of dicts. *property_types* (``{key: "Numeric"|"DateTime"|"Boolean"|
    "String"}`` or property definitions) overrides the inferred dtypes (flattened columns only).
    *dtype_backend* (``"numpy_nullable"`` or ``"pyarrow"``) gives nullable or Arrow-backed
    columns, as in ``pd.read_parquet`` (:mod:`posthog_frames.frames.backends`). No persons
    gives an empty frame with the person columns.

    Example:
        >>> page = {"results": [{"id": 7, "properties": {"zip": "007", "seats": 3}}]}
        >>> df = persons_frame(page)   # text is pandas' text dtype: str (pandas 3) or object
        >>> df["properties.seats"].dtype, df["properties.zip"].tolist()
        (dtype('int64'), ['007'])
        >>> persons_frame(page, dtype_backend="pyarrow")["properties.zip"].dtype
        string[pyarrow]
    """
    backend = check_backend(dtype_backend)  # before any work
    persons = _persons_list(results)
    # pyarrow reads the JSON's values into Arrow columns itself: no numpy objects in between.
    direct = backend == "pyarrow" and flatten and property_types is None and bool(persons)
    try:
        columns = arrow_fixed_columns(persons) if direct else fixed_columns(persons)
        props = [p.get("properties") or {} for p in persons]
        if not all(map(isinstance, props, repeat(dict))):
            # from_records would read a list as a row of another width (and warn): refuse here.
            raise _bad_person(persons)
        if direct:
            columns.update(arrow_property_columns(props, prefix, PERSON_COLUMNS))
        elif flatten:
            columns.update(property_columns(props, prefix, PERSON_COLUMNS))
        else:
            columns["properties"] = pd.Series(props, dtype=object)
    except (ValidationError, InvalidResponse):
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise _bad_person(persons) from err
    # Every column is ours alone: copying them into one block per dtype would cost pandas 2
    # a quarter of a second per 100,000 persons and gain nothing.
    df = pd.DataFrame(columns, copy=False)
    if direct:
        return df
    if property_types is not None and flatten:
        df = apply_property_types(df, property_types, prefix)
    return with_backend(df, dtype_backend)


def _anonymous(distinct_id: str) -> bool:
    try:
        uuid.UUID(distinct_id)
    except ValueError:
        return False
    return True


def identified_first(distinct_ids: Iterable[Any] | None) -> list[str]:
    """Distinct ids as PostHog's REST API orders them: identified ones first (anonymous ids are
    UUIDs), each group in the given order.

    Example:
        >>> identified_first(["0195a1b2-0000-7000-8000-000000000000", "ada@x.io"])
        ['ada@x.io', '0195a1b2-0000-7000-8000-000000000000']
    """
    return sorted((str(d) for d in distinct_ids or [] if d), key=_anonymous)


def person_name(props: dict[str, Any], distinct_ids: list[str], person_id: str) -> str:
    """PostHog's display name (``get_person_name``): the email, name or username property,
    else the first distinct id, else the person's id.

    Example:
        >>> person_name({"name": "Ada"}, ["ada"], "0190…"), person_name({}, [], "0190…")
        ('Ada', '0190…')
    """
    for key in ("email", "name", "username"):
        if props.get(key):
            return str(props[key])
    return distinct_ids[0] if distinct_ids else person_id


def actors_frame(
    response: Any, prefix: str = "properties.", property_types: Any = None
) -> pd.DataFrame:
    """An ``ActorsQuery`` answer whose ``actor``/``person`` column holds persons, as the persons
    frame (:func:`persons_frame`); PostHog's actor objects carry no ``last_seen_at`` (NaT).
    Other selected columns (``appearances``, ``event_count`` …) follow the person columns.

    Example:
        >>> answer = {"columns": ["actor", "event_count"], "results": [[{"id": "0190…",
        ...           "properties": {"email": "ada@x.io"}, "distinct_ids": ["ada"],
        ...           "is_identified": True, "created_at": "2025-01-02T10:00:00Z"}, 3]]}
        >>> actors_frame(answer)[["id", "name", "event_count"]].values.tolist()
        [['0190…', 'ada@x.io', 3]]
    """
    body = response if isinstance(response, dict) else {}
    columns, rows = body.get("columns"), body.get("results")
    if not isinstance(columns, list) or not isinstance(rows, list):
        columns, rows = [], None
    found = [c for c in ("actor", "person") if c in columns]
    if not found or rows is None:
        raise InvalidResponse(
            "expected an ActorsQuery answer whose columns include 'actor' (or 'person'), got "
            f"columns {body.get('columns')!r}"
        )
    at = columns.index(found[0])
    people = []
    for row in rows:
        actor = row[at] if isinstance(row, list) and len(row) == len(columns) else None
        if not isinstance(actor, dict) or "id" not in actor:
            raise InvalidResponse(f"an actor must be an object with an 'id', got {actor!r}")
        props = actor.get("properties") or {}
        ids = identified_first(actor.get("distinct_ids"))
        uid = str(actor["id"])
        people.append(
            {
                "id": uid,
                "uuid": uid,
                "name": person_name(props, ids, uid),
                "distinct_ids": ids,
                "properties": props,
                "created_at": actor.get("created_at"),
                "is_identified": actor.get("is_identified"),
            }
        )
    frame = persons_frame(people, prefix=prefix, property_types=property_types)
    extra = {c: [row[i] for row in rows] for i, c in enumerate(columns) if c not in found}
    for name, values in extra.items():
        # id, created_at … are the person's own, already typed; person.$delete is the runner's.
        if name not in frame.columns and name != "person.$delete":
            frame[name] = pd.Series(values)  # none at all: object, as pandas 2.2 and 3 agree
    return frame


def _column_order(columns: Iterable[str]) -> list[str]:
    seen = dict.fromkeys(columns)
    fixed = [c for c in PERSON_COLUMNS if c in seen]
    return fixed + sorted(c for c in seen if c not in PERSON_COLUMNS)


def concat_person_pages(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Stack per-page frames from :func:`persons_frame` into one, with one dtype per column.

    A property absent from some pages is missing there (an int column becomes ``Int64``, not
    float); a person seen on two pages (offsets shift while paging) is kept once, first seen.

    Example:
        >>> a = persons_frame([{"id": 1, "properties": {"seats": 3}}])
        >>> b = persons_frame([{"id": 2, "properties": {}}, {"id": 1, "properties": {"seats": 3}}])
        >>> concat_person_pages([a, b])["properties.seats"].tolist()
        [3, <NA>]
    """
    frames = [f for f in frames if f is not None]
    if not frames:
        return persons_frame([])
    if len(frames) == 1:
        return _first_of_each(frames[0])
    order = _column_order(c for f in frames for c in f.columns)
    targets = {c: common_dtype([f[c] if c in f.columns else None for f in frames]) for c in order}
    aligned = []
    for frame in frames:
        if list(frame.columns) == order and all(frame[c].dtype == targets[c] for c in order):
            aligned.append(frame)
            continue
        data = {}
        for col, dtype in targets.items():
            if col not in frame.columns:
                data[col] = pd.Series(index=frame.index, dtype=dtype)
            elif frame[col].dtype != dtype:
                data[col] = frame[col].astype(dtype)
            else:
                data[col] = frame[col]
        aligned.append(pd.DataFrame(data, index=frame.index))
    out = pd.concat(aligned, ignore_index=True)
    del aligned
    return _first_of_each(out)


def _first_of_each(frame: pd.DataFrame) -> pd.DataFrame:
    # drop_duplicates copies every row even when none repeats; pages read by the client rarely
    # repeat (it drops them as they come), so look first and copy only when needed.
    repeated = frame["id"].duplicated(keep="first")
    if not repeated.any():
        return (
            frame if frame.index.equals(pd.RangeIndex(len(frame))) else frame.reset_index(drop=True)
        )
    return frame.loc[~repeated].reset_index(drop=True)
