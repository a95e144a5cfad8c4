"""Stable fakes for persons' personal data in recorded answers (the cassettes' privacy pass).

A cassette is meant to be committed, so what PostHog answered about real people must not be in
it. :class:`Pseudonymiser` rewrites an answer before it is stored *and* before the notebook sees
it (record and replay then show the same thing):

- in person-like objects (a person, a user, a ``properties`` / ``person_properties`` bag, an
  event's ``person``), the values of the personal keys (:data:`DEFAULT_KEYS`, plus your own,
  minus the exempted) become fakes; so do the HogQL columns named after those keys;
- any text that looks like an email, anywhere in any answer (distinct ids, HogQL rows, a user's
  ``created_by``), becomes a fake email;
- a text seen as a personal value becomes the same fake wherever else it shows up whole.

Fakes are a keyed hash of the original (HMAC-SHA256 with the cassette's salt): the same person
gets the same fake in the persons list, a person's page, HogQL rows and events, so joins still
work, and a re-recording with the same salt shows the same fakes. Numbers (a phone stored as a
number) become numbers of as many digits. Ids (``id``, ``uuid``, ``distinct_id`` that is not an
email) are kept: they are what joins use and say nothing about who someone is.

Example:
    >>> fake = Pseudonymiser("salt")
    >>> page = fake.answer({"results": [{"distinct_ids": ["ada@example.org"], "name": "Ada",
    ...                     "properties": {"email": "ada@example.org", "plan": "pro"}}]})
    >>> person = page["results"][0]
    >>> person["properties"]["email"] == person["distinct_ids"][0], person["properties"]["plan"]
    (True, 'pro')
    >>> person["properties"]["email"]
    'person-...@example.com'
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

import orjson

__all__ = ["DEFAULT_KEYS", "Pseudonymiser"]

DEFAULT_KEYS = ("email", "$email", "name", "$name", "first_name", "last_name", "phone")
# Containers whose keys are a person's (or a user's) own properties.
_BAGS = frozenset({"properties", "person_properties", "$set", "$set_once"})
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_FAKE = re.compile(r"(person-[0-9a-f]{10}@example\.com|Person [0-9a-f]{10})")


class Pseudonymiser:
    """Replaces personal data in JSON answers with stable fakes keyed by *salt* (see module)."""

    def __init__(self, salt: str, keys: Iterable[str] = (), exempt: Iterable[str] = ()) -> None:
        self.exempt = frozenset(exempt)
        self.keys = frozenset((*DEFAULT_KEYS, *keys)) - self.exempt
        self._salt = salt.encode()
        self.originals: dict[str, str] = {}  # fake -> original, to send PostHog what it knows
        self._fakes: dict[str, str] = {}  # original -> fake, for the same text seen elsewhere

    def answer(self, body: Any) -> Any:
        """*body* (parsed JSON) with every personal value replaced; *body* is not changed."""
        return self._walk(body, False)

    def restore(self, text: str) -> str:
        """*text* (a URL or a request body) with the fakes it holds turned back into originals:
        a notebook that filters on a fake it was shown asks PostHog about the real person.

        Example:
            >>> fake = Pseudonymiser("salt")
            >>> shown = fake.answer({"properties": {"email": "ada@example.org"}})
            >>> fake.restore("search=" + shown["properties"]["email"])
            'search=ada@example.org'
        """
        if not self.originals or ("person-" not in text and "Person" not in text):
            return text  # no fake in it, however it was quoted
        for shown, original in self.originals.items():
            for a, b in ((shown, original), (quote(shown), quote(original))):
                if a in text:
                    text = text.replace(a, b)
            plus = quote_plus(shown)
            if plus in text:
                text = text.replace(plus, quote_plus(original))
        return text

    # -- the walk -----------------------------------------------------------------------------

    def _walk(self, node: Any, personal: bool) -> Any:
        if isinstance(node, dict):
            return self._object(node, personal)
        if isinstance(node, list):
            return [self._walk(item, personal) for item in node]
        if isinstance(node, str):
            return self._text(node)
        return node

    def _object(self, node: dict[str, Any], personal: bool) -> dict[str, Any]:
        # A person (distinct_ids), a user or a property bag holding an email is someone's data.
        personal = personal or "distinct_ids" in node or "email" in node or "$email" in node
        columns = node.get("columns")
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in self.exempt:
                out[key] = value
            elif personal and key in self.keys:
                out[key] = self._value(value)
            elif key in _BAGS or key == "person":
                out[key] = self._walk(value, True)
            elif key == "results" and isinstance(columns, list) and isinstance(value, list):
                out[key] = self._rows(columns, value)
            else:
                out[key] = self._walk(value, False)
        return out

    def _rows(self, columns: list[Any], rows: list[Any]) -> list[Any]:
        """HogQL rows: the columns named after a personal key (``person.properties.email``)."""
        hidden = {i for i, name in enumerate(columns) if _column_key(name) in self.keys}
        out = []
        for row in rows:
            if not isinstance(row, list):
                out.append(self._walk(row, False))
                continue
            out.append(
                [
                    self._value(cell) if i in hidden else self._walk(cell, False)
                    for i, cell in enumerate(row)
                ]
            )
        return out

    def _value(self, value: Any) -> Any:
        """A personal value: text to a fake, a number to a number, containers walked."""
        if isinstance(value, str):
            return self._fake_text(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            digits = max(len(str(abs(int(value)))), 1)
            number = int(self._digest(repr(value)), 16) % 10**digits
            return type(value)(-number if value < 0 else number)
        return self._walk(value, True)

    def _fake_text(self, value: str) -> str:
        if not value or _FAKE.fullmatch(value):
            return value
        if value in self._fakes:
            return self._fakes[value]
        if _EMAIL.fullmatch(value.strip()):
            fake = f"person-{self._digest(value.strip().lower())}@example.com"
        else:
            fake = f"Person {self._digest(value)}"
        self._fakes[value] = fake
        self.originals[fake] = value
        return fake

    def _text(self, text: str) -> str:
        """Any other text: a known personal value whole, emails inside it, JSON inside it."""
        if text in self._fakes:
            return self._fakes[text]
        if text.startswith("{") and text.endswith("}"):
            try:  # HogQL answers a property bag as JSON text
                bag = orjson.loads(text)
            except orjson.JSONDecodeError:
                bag = None
            if isinstance(bag, dict):
                fakes = self._walk(bag, True)
                return text if fakes == bag else orjson.dumps(fakes).decode()
        if "@" not in text:
            return text
        return _EMAIL.sub(lambda m: self._fake_text(m.group(0)), text)

    def _digest(self, value: str) -> str:
        return hmac.new(self._salt, value.encode(), hashlib.sha256).hexdigest()[:10]


def _column_key(name: Any) -> str:
    """The property a HogQL column names: ``person.properties.$email`` → ``$email``."""
    if not isinstance(name, str):
        return ""
    return name.rsplit(".", 1)[-1].strip("`\"'")
