"""Tokenizer and recursive-descent parser for the demo's HogQL subset.

The grammar covers one SELECT (optionally nested in FROM or IN): expressions with AND/OR/NOT,
comparisons, LIKE/ILIKE, IN, IS [NOT] NULL, BETWEEN, arithmetic, function calls
(``count(distinct x)``, ``count() over (...)``), ``interval N day``, ``{placeholders}``, field
chains such as ``person.properties.$initial_os``, aliases, GROUP BY, HAVING, ORDER BY,
LIMIT/OFFSET. Anything else raises :class:`HogQLSyntaxError` with the position, as PostHog's
parser does.

Example:
    >>> tree = parse("select event, count() as n from events group by event")
    >>> [to_hogql(item) for item in tree.items]
    ['event', 'count() AS n']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from posthog_frames.demo.hogql.ast import (
    Alias,
    Between,
    BinOp,
    Call,
    Const,
    Field,
    FromItem,
    HogQLSyntaxError,
    InOp,
    Interval,
    IsNull,
    Node,
    Order,
    Placeholder,
    Select,
    Star,
    Unary,
    to_hogql,
)

__all__ = ["HogQLSyntaxError", "parse", "to_hogql", "tokenize"]


_TOKEN = re.compile(
    r"""(?P<ws>\s+|--[^\n]*)
      | (?P<num>\d+\.\d*(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?|\.\d+)
      | (?P<str>'(?:[^'\\]|\\.|'')*')
      | (?P<qid>"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)
      | (?P<ph>\{\s*[A-Za-z_][\w.]*\s*\})
      | (?P<id>[A-Za-z_$][\w$]*)
      | (?P<op><=|>=|!=|<>|==|\|\||[-+*/%=<>(),.\[\]])
    """,
    re.VERBOSE,
)
_KEYWORDS = set(
    "select from where group by having order limit offset as and or not in is null like ilike"
    " asc desc distinct join on union between interval over partition true false with settings"
    " left inner right full cross array case nulls first last".split()
)
_UNITS = {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}
_COMPARE = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass
class _Tok:
    kind: str  # num, str, id, kw, op, ph, end
    text: str
    pos: int
    value: Any = None


def _unquote(body: str) -> str:
    return re.sub(r"\\(.)|''", lambda m: m.group(1) if m.group(1) is not None else "'", body)


def tokenize(text: str) -> list[_Tok]:
    """Split *text* into tokens; an unknown character raises :class:`HogQLSyntaxError`."""
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise HogQLSyntaxError(
                f"Syntax error at line 1, column {pos}: unexpected {text[pos]!r}"
            )
        kind, raw = match.lastgroup or "", match.group()
        pos = match.end()
        if kind == "ws":
            continue
        if kind == "num":
            value: Any = float(raw) if any(c in raw for c in ".eE") else int(raw)
            out.append(_Tok("num", raw, match.start(), value))
        elif kind == "str":
            out.append(_Tok("str", raw, match.start(), _unquote(raw[1:-1])))
        elif kind == "qid":
            out.append(_Tok("id", raw, match.start(), _unquote(raw[1:-1])))
        elif kind == "ph":
            out.append(_Tok("ph", raw, match.start(), raw[1:-1].strip()))
        elif kind == "id" and raw.lower() in _KEYWORDS:
            out.append(_Tok("kw", raw, match.start(), raw.lower()))
        else:
            out.append(_Tok(kind, raw, match.start(), raw))
    out.append(_Tok("end", "end of input", len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokenize(text)
        self.i = 0

    # -- token helpers ---------------------------------------------------------------------
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def error(self, expected: str) -> HogQLSyntaxError:
        tok = self.tok
        return HogQLSyntaxError(
            f"Syntax error at column {tok.pos}: expected {expected}, got {tok.text!r}"
        )

    def at(self, *words: str) -> bool:
        tok = self.tok
        return (tok.kind in ("kw", "op") and tok.value in words) or (
            tok.kind == "id" and tok.text.lower() in words
        )

    def take(self, *words: str) -> bool:
        if self.at(*words):
            self.i += 1
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.take(word):
            raise self.error(repr(word))

    def name(self) -> str:
        tok = self.tok
        if tok.kind == "id":
            self.i += 1
            return str(tok.value)
        raise self.error("a name")

    # -- statements ------------------------------------------------------------------------
    def select(self) -> Select:
        self.expect("select")
        query = Select(items=[], distinct=self.take("distinct"))
        query.items = [self.select_item()]
        while self.take(","):
            query.items.append(self.select_item())
        if self.take("from"):
            query.source = self.from_item()
        if self.at("join", "left", "inner", "right", "full", "cross", "array"):
            raise HogQLSyntaxError(
                "The demo's HogQL has no explicit JOIN: use person.properties.<key> on events "
                "(the person join is automatic) or a subquery in IN (...)."
            )
        if self.take("where"):
            query.where = self.expr()
        if self.take("group"):
            self.expect("by")
            query.group_by = self.expr_list()
        if self.take("having"):
            query.having = self.expr()
        if self.take("order"):
            self.expect("by")
            query.order_by = [self.order_item()]
            while self.take(","):
                query.order_by.append(self.order_item())
        if self.take("limit"):
            first = self.expr()
            if self.take(","):  # LIMIT offset, count (ClickHouse/MySQL form)
                query.offset, query.limit = first, self.expr()
            else:
                query.limit = first
        if self.take("offset"):
            query.offset = self.expr()
        if self.at("union", "settings", "with"):
            raise HogQLSyntaxError(f"{self.tok.text.upper()} is not supported by the demo's HogQL.")
        return query

    def select_item(self) -> Node:
        if self.take("*"):
            return Star()
        expr = self.expr()
        if self.take("as"):
            return Alias(expr, self.name())
        if self.tok.kind == "id":
            return Alias(expr, self.name())
        return expr

    def from_item(self) -> FromItem:
        if self.take("("):
            sub = self.select()
            self.expect(")")
            item = FromItem(sub)
        else:
            table = self.name()
            item = FromItem(table)
            if self.take("("):
                item.args = [] if self.at(")") else self.expr_list()
                self.expect(")")
        if self.take("as") or self.tok.kind == "id":
            item.alias = self.name()
        return item

    def order_item(self) -> Order:
        expr = self.expr()
        desc = False
        if self.take("desc"):
            desc = True
        else:
            self.take("asc")
        if self.take("nulls"):
            if not self.take("first", "last"):
                raise self.error("FIRST or LAST")
        return Order(expr, desc)

    def expr_list(self) -> list[Node]:
        items = [self.expr()]
        while self.take(","):
            items.append(self.expr())
        return items

    # -- expressions, loosest binding first ------------------------------------------------
    def expr(self) -> Node:
        left = self.and_expr()
        while self.take("or"):
            left = BinOp("or", left, self.and_expr())
        return left

    def and_expr(self) -> Node:
        left = self.not_expr()
        while self.take("and"):
            left = BinOp("and", left, self.not_expr())
        return left

    def not_expr(self) -> Node:
        if self.take("not"):
            return Unary("not", self.not_expr())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.additive()
        tok = self.tok
        if tok.kind == "op" and tok.value in _COMPARE:
            self.i += 1
            return BinOp(_COMPARE[tok.value], left, self.additive())
        negated = self.take("not")
        if self.take("like", "ilike"):
            op = self.toks[self.i - 1].value
            return BinOp(f"not {op}" if negated else op, left, self.additive())
        if self.take("in"):
            return InOp(left, self.in_items(), negated)
        if self.take("between") and not negated:
            low = self.additive()
            self.expect("and")
            return Between(left, low, self.additive())
        if negated:
            raise self.error("LIKE, ILIKE or IN after NOT")
        if self.take("is"):
            neg = self.take("not")
            self.expect("null")
            return IsNull(left, neg)
        return left

    def in_items(self) -> list[Node] | Select:
        if self.tok.kind == "ph":
            return [self.primary()]
        self.expect("(")
        if self.at("select"):
            sub = self.select()
            self.expect(")")
            return sub
        items = self.expr_list()
        self.expect(")")
        return items

    def additive(self) -> Node:
        return self.binary(("+", "-", "||"), self.term)

    def term(self) -> Node:
        return self.binary(("*", "/", "%"), self.unary)

    def binary(self, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        left = operand()
        while self.at(*ops):
            op = self.tok.value
            self.i += 1
            left = BinOp(op, left, operand())
        return left

    def unary(self) -> Node:
        if self.take("-"):
            inner = self.unary()
            if isinstance(inner, Const) and isinstance(inner.value, int | float):
                return Const(-inner.value)
            return Unary("-", inner)
        return self.primary()

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind in ("num", "str"):
            self.i += 1
            return Const(tok.value)
        if tok.kind == "ph":
            self.i += 1
            return Placeholder(str(tok.value))
        if self.take("null"):
            return Const(None)
        if self.take("true", "false"):
            return Const(self.toks[self.i - 1].value == "true")
        if self.take("interval"):
            amount = self.additive() if not self.tok.kind == "num" else self.primary()
            unit = self.name().lower().rstrip("s")
            if unit not in _UNITS:
                raise HogQLSyntaxError(
                    f"Unknown interval unit {unit!r}; use one of {sorted(_UNITS)}"
                )
            return Interval(amount, unit)
        if self.take("("):
            if self.at("select"):
                raise HogQLSyntaxError("Scalar subqueries are not supported by the demo's HogQL.")
            inner = self.expr()
            if self.take(","):  # a tuple, as in IN (a, b)
                items = [inner, *self.expr_list()]
                self.expect(")")
                return Call("tuple", items)
            self.expect(")")
            return inner
        if self.take("["):
            items = [] if self.at("]") else self.expr_list()
            self.expect("]")
            return Call("array", items)
        if self.at("case"):
            raise HogQLSyntaxError("CASE is not supported by the demo's HogQL: use if(cond, a, b).")
        if tok.kind == "id":
            return self.name_or_call()
        raise self.error("an expression")

    def name_or_call(self) -> Node:
        chain = [self.name()]
        if self.take("("):
            return self.call(chain[0])
        while self.take("."):
            if self.take("*"):
                return Star()
            if self.tok.kind == "num":  # tuple access such as x.1 is not supported
                raise self.error("a property name")
            chain.append(self.name())
        return Field(tuple(chain))

    def call(self, name: str) -> Call:
        distinct = self.take("distinct")
        args: list[Node] = []
        if not self.at(")"):
            args = [Star()] if self.take("*") else self.expr_list()
        self.expect(")")
        node = Call(name, args, distinct)
        if self.take("over"):
            self.expect("(")
            partition: list[Node] = []
            order: list[Order] = []
            if self.take("partition"):
                self.expect("by")
                partition = self.expr_list()
            if self.take("order"):
                self.expect("by")
                order = [self.order_item()]
                while self.take(","):
                    order.append(self.order_item())
            self.expect(")")
            node.over = (partition, order)
        return node


def parse(text: str) -> Select:
    """Parse one SELECT statement (a trailing ``;`` is allowed).

    Example:
        >>> parse("select 1").items
        [Const(value=1)]
    """
    parser = _Parser(text)
    if not parser.at("select"):
        raise parser.error("SELECT")
    query = parser.select()
    parser.take(";")
    if parser.tok.kind != "end":
        raise parser.error("end of query")
    return query
