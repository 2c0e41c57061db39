"""Full-text search over the titles and bodies of the archive, exact for Chinese text.

SQLite's word tokenizers do not segment Chinese, so the index works on characters:

* ``documents_search`` is a contentless FTS5 table with the ``trigram`` tokenizer over
  ``lower(title)`` and ``lower(body)``, each padded with two ``U+001F`` so that every character
  of the text starts a trigram. ``detail=none`` keeps it about the size of the text itself.
* A term of three or more characters selects the rows holding all of its trigrams.
* A term of one or two characters selects the rows holding a trigram that *starts with* it: a
  range scan of the index's dictionary through the ``fts5vocab`` table ``documents_search_terms``
  (the padding makes this exact, even at the end of a title).
* A term of one or two characters whose dictionary entries outnumber a quarter of the
  records (``的``, ``党``) offers no candidates: checking every record is cheaper.
* A query whose every term is one of the 512 most frequent Chinese characters, one of them in
  many records (``的``, ``的 NOT 党``, ``title:的``), reads neither the index nor the text: each
  record's counts of those characters (whether its title holds one, how often its body does)
  are kept beside it in ``documents_char_counts`` (:mod:`archiver.store.char_counts`), and
  the hits are decided, counted and ranked from them (:mod:`~archiver.search.counted`).
* Every candidate is then checked against the real text with ``LIKE`` (as a scan does), so a
  search returns exactly what a substring scan returns. Matching ignores the case of ASCII
  letters only (the rule of SQLite's ``lower()`` and ``LIKE``); a term never spans the title
  and the body. Occurrences are counted, for the ranking, only in the rows whose score can
  still reach the page asked for (:mod:`~archiver.search.compiler`).

Triggers on ``documents`` keep the index in step with inserts, updates and deletes. The index,
its dictionary and its triggers are part of the archive's schema (:mod:`archiver.store.fts`);
this package only reads them. The user's query is parsed into an AST
(:mod:`~archiver.search.query`) and compiled to SQL (:mod:`~archiver.search.compiler`, run by
:mod:`~archiver.search.engine`): user text is only ever a bound parameter, never FTS5 query
syntax. Snippets are cut and marked in :mod:`~archiver.search.snippets`.
"""

from __future__ import annotations

from archiver.search.engine import Hit, search
from archiver.search.query import (
    And,
    Node,
    Not,
    Or,
    Query,
    QueryError,
    Term,
    ascii_lower,
    parse_query,
)
from archiver.search.snippets import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    SNIPPET_CHARS,
    Snippet,
    make_snippet,
)
from archiver.store import Filters
from archiver.store.fts import INDEX, TERMS, create_search_index, rebuild_search_index

__all__ = [
    "HIGHLIGHT_CLOSE", "HIGHLIGHT_OPEN", "INDEX", "SNIPPET_CHARS", "TERMS", "And", "Filters",
    "Hit", "Node", "Not", "Or", "Query", "QueryError", "Snippet", "Term", "ascii_lower",
    "create_search_index", "make_snippet", "parse_query", "rebuild_search_index", "search",
]  # fmt: skip
