"""Full-text search over the searchable records' `search_text` (SearchableMixin): the index each database
keeps, and the one criterion and ranking that the search page and the lists' `q` filters use.

SQLite: an FTS5 table per searchable table (`<table>_fts`, external content: it holds the index only, the
text stays in the record's row), kept in step by triggers, so that every INSERT, UPDATE and DELETE – the
ORM's or a bulk load's plain SQL – updates it. The tokenizer keeps diacritics: å, ä and ö are letters of
their own in Swedish ("hår" is not "har").
PostgreSQL: a generated tsvector column `search_vector` with the Swedish configuration (stemming, stop
words) and a GIN index.

A query's words (split at white space) must all match, each as the beginning of a word ("anal" finds
"analys"); within a word the database's own tokenizer splits as it split the records ("2021-067" is the
phrase 2021, 067…). Best matches first: bm25 on SQLite, ts_rank on PostgreSQL.

Neither index is in the models' metadata (an FTS5 table is no ordinary table, and the column exists on
PostgreSQL only): DDL events create them with their table (`index_table`), the migration
2957325c7518 created them for existing databases, and comparisons of models and database skip them
(`include_name`).
"""

import re
import unicodedata

import sqlalchemy as sa

from app.core.sorting import search_text
from app.extensions import db

TOKENIZER = "unicode61 remove_diacritics 0"
VECTOR_COLUMN = "search_vector"
CONFIGURATION = "swedish"
# Enough for any real search; a pasted page of text would make a query no index answers quickly.
MAX_WORDS = 16
MAX_WORD_LENGTH = 100
# Quotes and backslash would end or escape the quoting each word gets; they never belong to a word.
_QUOTING = frozenset("\"'\\")

_FTS_TABLE = re.compile(r"\w+_fts(_(data|idx|docsize|config|content))?")
_VECTOR_INDEX = re.compile(rf"ix_\w+_{VECTOR_COLUMN}")


def sqlite_statements(table: str) -> list[str]:
    """The FTS5 table of `table` and the triggers that keep it in step with `table.search_text`."""
    fts = f"{table}_fts"
    # External content: the FTS table must be told the old text to remove it, hence delete-then-insert.
    remove = f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    add = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
        f"tokenize='{TOKENIZER}')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF id, search_text ON {table} BEGIN {remove} {add} END",
    ]


def postgresql_statements(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN {VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('{CONFIGURATION}'::regconfig, search_text)) STORED",
        f"CREATE INDEX ix_{table}_{VECTOR_COLUMN} ON {table} USING gin ({VECTOR_COLUMN})",
    ]


def index_table(table: sa.Table) -> None:
    """Create `table`'s index with it (create_all), and drop SQLite's FTS table with it (PostgreSQL's column
    goes with its table; SQLite drops the triggers with theirs)."""
    for statement in sqlite_statements(table.name):
        sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="sqlite"))
    for statement in postgresql_statements(table.name):
        sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="postgresql"))
    sa.event.listen(table, "after_drop", sa.DDL(f"DROP TABLE IF EXISTS {table.name}_fts").execute_if(dialect="sqlite"))


def include_name(name: str | None, type_: str, parent_names) -> bool:
    """For Alembic's comparison of models and database: leave out the search index's objects, which the
    models don't declare (FTS5 tables and their shadow tables, the tsvector column and its index)."""
    if type_ == "table":
        return not _FTS_TABLE.fullmatch(name or "")
    if type_ == "column":
        return name != VECTOR_COLUMN
    if type_ == "index":
        return not _VECTOR_INDEX.fullmatch(name or "")
    return True


def query_words(query: str | None) -> list[str]:
    """The words of a user's query as searched: case-folded, without control characters and quoting
    characters, only words holding a letter or digit."""
    cleaned = "".join(" " if ch in _QUOTING or unicodedata.category(ch).startswith("C") else ch
                      for ch in search_text(query or ""))
    words = [w[:MAX_WORD_LENGTH] for w in cleaned.split() if any(ch.isalnum() for ch in w)]
    return words[:MAX_WORDS]


class TextSearch:
    """A search of one model's records (a SearchableMixin) for the words of a query."""

    def __init__(self, model, words: list[str]):
        self.model, self.words = model, words
        self.dialect = db.engine.dialect.name
        table = model.__table__.name
        if self.dialect == "postgresql":
            # Each word quoted (the parser still splits it as it split the records), as a prefix; all must match.
            query = " & ".join(f"'{w}':*" for w in self.words)
            self._tsquery = sa.func.to_tsquery(sa.literal_column(f"'{CONFIGURATION}'::regconfig"), query)
            self._vector = sa.literal_column(f"{table}.{VECTOR_COLUMN}")
        else:
            # A quoted string is FTS5's literal text (AND, NEAR, *, - … are words in it); `*` makes it a prefix.
            query = " ".join(f'"{w}"*' for w in self.words)
            self._fts = sa.table(f"{table}_fts", sa.column("rowid"))
            self._match = sa.literal_column(self._fts.name).op("MATCH", is_comparison=True)(query)

    @property
    def criterion(self):
        """The records matching every word, as a WHERE criterion (lists keep their own order)."""
        if self.dialect == "postgresql":
            return self._vector.op("@@", is_comparison=True)(self._tsquery)
        return self.model.id.in_(sa.select(self._fts.c.rowid).where(self._match))

    def matching(self, stmt):
        """`stmt` narrowed to the matching records by walking the matches: on SQLite a join from the
        full-text table, so that a LIMIT stops the walk (an IN list is first built from every match)
        and `key` orders it from the index itself."""
        if self.dialect == "postgresql":
            return stmt.where(self.criterion)
        return stmt.join(self._fts, self._fts.c.rowid == self.model.id).where(self._match)

    @property
    def key(self):
        """The matching record's id as `matching` reads it, to order by (newest first: `key.desc()`)."""
        return self.model.id if self.dialect == "postgresql" else self._fts.c.rowid

    def ranked(self, stmt):
        """`stmt` (a select of the model) narrowed to the matching records, best first; an order_by added
        afterwards breaks ties."""
        if self.dialect == "postgresql":
            # Normalisation 1: a long text's many words count a little less (as bm25 does).
            rank = sa.func.ts_rank(self._vector, self._tsquery, 1)
            return stmt.where(self.criterion).order_by(rank.desc())
        hits = (sa.select(self._fts.c.rowid.label("id"),
                          sa.func.bm25(sa.literal_column(self._fts.name)).label("rank"))
                .where(self._match).subquery("hits"))
        # bm25 is lower for a better match.
        return stmt.join(hits, hits.c.id == self.model.id).order_by(hits.c.rank)


def text_search(model, query: str | None) -> TextSearch | None:
    """The search for `query` in `model`'s records, or None when the query holds no word to search for."""
    words = query_words(query)
    return TextSearch(model, words) if words else None
