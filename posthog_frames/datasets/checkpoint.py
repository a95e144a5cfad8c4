"""``_checkpoint.json``: what a dataset holds and where its pull stopped.

The checkpoint names the source (kind, SQL or filters, values, keyset, page size, partitioning,
project), the schema fixed before the first page, the keyset position after the last page
written, the pages and rows written, and whether the pull is complete. It is replaced in one
step (written aside, then moved) only after the page's files are in place, so it never counts a
page that is not on disk; a page file numbered at or past ``pages`` is one whose checkpoint
never landed, and a resumed pull deletes it before fetching that page again. It holds no host
and no key.

Example:
    >>> point = Checkpoint(source={"kind": "sql", "sql": "select 1"}, schema=b"", pages=2,
    ...                    rows=10, position=["2026-11-03T10:00:00Z", "0195"])
    >>> Checkpoint.from_json(point.to_json()) == point
    True
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from posthog_frames.exceptions import ValidationError

__all__ = ["CHECKPOINT", "FORMAT", "Checkpoint", "canonical_source"]

CHECKPOINT = "_checkpoint.json"
FORMAT = 1


@dataclass
class Checkpoint:
    """The state of one dataset (see the module)."""

    source: dict[str, Any]
    schema: bytes  # the Arrow schema, serialized (the IPC form pyarrow reads back exactly)
    columns: list[list[str]] = field(default_factory=list)  # (name, type): for people, not code
    partition: dict[str, Any] | None = None
    position: list[Any] | None = None
    key_types: list[str] = field(default_factory=list)
    pages: int = 0
    rows: int = 0
    complete: bool = False

    def to_json(self) -> bytes:
        body = asdict(self)
        body["schema"] = base64.b64encode(self.schema).decode()
        return orjson.dumps({"format": FORMAT, **body}, option=orjson.OPT_INDENT_2)

    @classmethod
    def from_json(cls, data: bytes, where: str = CHECKPOINT) -> Checkpoint:
        problem = "not JSON"
        try:
            body = orjson.loads(data)
            problem = f"format {body.pop('format', None)!r}, not {FORMAT}"
            if body.get("complete") is not None and problem.startswith(f"format {FORMAT}"):
                body["schema"] = base64.b64decode(body["schema"])
                return cls(**body)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            problem = f"{problem}: {exc}"
        raise ValidationError(
            f"{where} is not a checkpoint this version of posthog-frames wrote ({problem}); "
            "pick another path, or pass overwrite=True to start the dataset again."
        )

    def arrow_schema(self) -> Any:
        import pyarrow as pa

        return pa.ipc.read_schema(pa.py_buffer(self.schema))


def canonical_source(source: dict[str, Any]) -> dict[str, Any]:
    """*source* as JSON gives it back, so a stored source and a new one compare equal.

    Example:
        >>> import datetime
        >>> canonical_source({"values": {"day": datetime.date(2026, 11, 3)}, "keyset": ("a",)})
        {'values': {'day': '2026-11-03'}, 'keyset': ['a']}
    """
    try:
        dumped = orjson.dumps(source, default=str, option=orjson.OPT_NON_STR_KEYS)
    except TypeError as exc:
        raise ValidationError(
            f"The source's values cannot be recorded in a checkpoint: {exc}."
        ) from None
    return dict(orjson.loads(dumped))
