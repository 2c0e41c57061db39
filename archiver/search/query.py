"""The query language of ``archiver search``: parsed into a tree, never passed to FTS5.

Terms are substrings (one Chinese character or many); terms side by side must all occur;
``AND``, ``OR``, ``NOT`` (uppercase) and parentheses combine them; ``"a phrase"`` keeps spaces
and operator words; ``title:`` or ``body:`` limits a term, a phrase or a group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, cast

Field = Literal["any", "title", "body"]
FIELDS: tuple[Field, ...] = ("title", "body")
OPERATORS = ("AND", "OR", "NOT")

#: The largest query read: longer ones, more terms or deeper nesting are refused in one line
#: (a person's query is far smaller; these keep the parser and the SQL it makes bounded).
MAX_QUERY_CHARS, MAX_TERMS, MAX_DEPTH = 2000, 64, 24

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """``text`` with ASCII letters lower-cased and nothing else changed, like SQLite's lower()."""
    return text.translate(_ASCII_LOWER)


class QueryError(ValueError):
    """A query the parser cannot read; the message is one line."""


@dataclass(frozen=True)
class Term:
    """A substring to find: a word or a quoted phrase, in the title, the body or either."""

    text: str
    field: Field = "any"

    @property
    def needle(self) -> str:
        """What is looked for: the text with ASCII letters lower-cased."""
        return ascii_lower(self.text)


@dataclass(frozen=True)
class Not:
    """Records not matching ``child``."""

    child: Node


@dataclass(frozen=True)
class And:
    """Records matching every child."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Records matching at least one child."""

    children: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True)
class Query:
    """A parsed query: its text and its syntax tree."""

    text: str
    root: Node

    def positive_terms(self) -> list[Term]:
        """The terms not under a NOT, in query order: they rank and highlight the hits."""
        terms: list[Term] = []

        def walk(node: Node) -> None:
            if isinstance(node, Term):
                terms.append(node)
            elif isinstance(node, And | Or):
                for child in node.children:
                    walk(child)

        walk(self.root)
        return terms


# A token: (kind, value, position). Kinds: "(", ")", AND, OR, NOT, "term", "field".
_Token = tuple[str, str, int]
_LEXEME = re.compile(r'\s+|[()]|"[^"]*"?|[^\s"()]+')
_FIELD_PREFIX = re.compile(r"([A-Za-z]+):(.*)", re.S)


def _tokens(text: str) -> list[_Token]:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; at most {MAX_QUERY_CHARS}")
    bad = next((c for c in text if ord(c) < 32 and not c.isspace()), None)
    if bad is not None:
        raise QueryError(f"the query holds the control character U+{ord(bad):04X}")
    tokens: list[_Token] = []
    for m in _LEXEME.finditer(text):
        lexeme, at = m.group(), m.start() + 1  # positions count from 1, for people
        if lexeme.isspace():
            continue
        if lexeme in ("(", ")"):
            tokens.append((lexeme, lexeme, at))
        elif lexeme.startswith('"'):
            if len(lexeme) < 2 or not lexeme.endswith('"'):
                raise QueryError(f'unbalanced quote: the " at character {at} is never closed')
            if len(lexeme) == 2:
                raise QueryError(f'empty phrase "" at character {at}')
            tokens.append(("term", lexeme[1:-1], at))
        elif lexeme in OPERATORS:
            tokens.append((lexeme, lexeme, at))
        elif field := _FIELD_PREFIX.fullmatch(lexeme):
            name, rest = field[1].lower(), field[2]
            if name not in FIELDS:
                raise QueryError(
                    f"unknown field {field[1]!r} in {lexeme!r}: use title: or body:, "
                    "or put the term in double quotes"
                )
            tokens.append(("field", name, at))
            if rest:
                tokens.append(("term", rest, at + len(field[1]) + 1))
        else:
            tokens.append(("term", lexeme, at))
    terms = sum(1 for kind, _, _ in tokens if kind == "term")
    if terms > MAX_TERMS:
        raise QueryError(f"the query has {terms} terms; at most {MAX_TERMS}")
    return tokens


def parse_query(text: str) -> Query:
    """Parse a query; raise :class:`QueryError` with a one-line message when it is malformed.

    Terms are words (runs of characters other than space, ``"``, ``(`` and ``)``) or phrases
    in double quotes; each matches as a substring. ``AND``, ``OR`` and ``NOT`` (uppercase)
    combine them, terms side by side mean AND, NOT binds tightest and OR loosest, parentheses
    group. ``title:`` or ``body:`` before a term, a phrase or a group limits it to that field.
    """
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise QueryError("empty query")
    root = parser.parse_or()
    if parser.peek() is not None:
        _, _, at = parser.tokens[parser.at]
        raise QueryError(f"unmatched ) at character {at}")
    return Query(text, root)


class _Parser:
    """Recursive descent over the tokens: or := and (OR and)*; and := not (AND? not)*."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.at = 0
        self.depth = 0  # of parentheses, NOT and field: prefixes open

    def deeper(self, at: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                f"the query nests deeper than {MAX_DEPTH} levels at character {at} "
                "(parentheses, NOT, title:, body:)"
            )

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def starts_operand(self) -> bool:
        return self.peek() in ("term", "field", "(", "NOT")

    def operand_after(self, operator: str) -> None:
        if not self.starts_operand():
            raise QueryError(f"{operator} needs a term after it")

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            self.operand_after("OR")
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_not()]
        while True:
            if self.peek() == "AND":
                self.take()
                self.operand_after("AND")
            elif not self.starts_operand():
                break
            children.append(self.parse_not())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_not(self) -> Node:
        if self.peek() == "NOT":
            _, _, at = self.take()
            self.operand_after("NOT")
            self.deeper(at)
            node: Node = Not(self.parse_not())
            self.depth -= 1
            return node
        return self.parse_primary()

    def parse_primary(self) -> Node:
        kind, value, at = self.take()
        if kind == "term":
            return Term(value)
        if kind in ("field", "("):
            self.deeper(at)
            node = self.parse_group(kind, value, at)
            self.depth -= 1
            return node
        if kind == ")":
            raise QueryError(f"unmatched ) at character {at}")
        raise QueryError(f"{kind} needs a term before it")

    def parse_group(self, kind: str, value: str, at: int) -> Node:
        """What follows a field prefix (``value``: its name) or an opening parenthesis."""
        if kind == "field":
            if self.peek() not in ("term", "("):
                raise QueryError(f"{value}: needs a term, a phrase or ( … ) right after it")
            return _in_field(self.parse_primary(), cast(Field, value))
        if self.peek() is None:
            raise QueryError(f"unbalanced parenthesis: the ( at character {at} is never closed")
        if self.peek() == ")":
            raise QueryError(f"empty parentheses at character {at}")
        node = self.parse_or()
        if self.peek() != ")":
            raise QueryError(f"unbalanced parenthesis: the ( at character {at} is never closed")
        self.take()
        return node


def _in_field(node: Node, field: Field) -> Node:
    if isinstance(node, Term):
        if node.field not in ("any", field):
            raise QueryError(f"{node.field}: inside {field}: ( … )")
        return Term(node.text, field)
    if isinstance(node, Not):
        return Not(_in_field(node.child, field))
    children = tuple(_in_field(child, field) for child in node.children)
    return And(children) if isinstance(node, And) else Or(children)
