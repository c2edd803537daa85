"""Pagination of list queries that costs the same at any size and on any page.

- Ids first (`paginate`): the page's ids are read with the list's order from the narrowest rows the
  database has (an index holding the order and the filters), then only those rows are loaded; a deep
  page walks index entries, never sorts or reads full rows.
- A capped count: up to COUNT_CAP matches are counted exactly; beyond that the list says
  "10 000+" and the pager offers previous and next instead of a last page.
- By key (`newest_first`): a record's own growing list – its status reports, its history – pages from
  a row's key, read through an index with LIMIT, so neither a count nor an OFFSET grows with the list.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, request

from app.core.args import Args, BadArgument
from app.extensions import db

MAX_PAGE = 100_000  # beyond any real list; keeps OFFSET within what databases accept
COUNT_CAP = 10_000


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int  # exact, or COUNT_CAP when `total_exact` is False
    total_exact: bool = True
    has_next: bool = False
    pages: int | None = field(init=False)

    def __post_init__(self) -> None:
        # Unknown when the count is capped; the pager then offers only previous and next.
        self.pages = -(-self.total // self.per_page) if self.total_exact else None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def count_rows(stmt) -> int:
    """How many rows `stmt` selects, counted in place of its columns (an index can answer)."""
    return db.session.scalar(stmt.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None))


def count_capped(stmt, cap: int | None = None) -> tuple[int, bool]:
    """(number of rows `stmt` selects, True) up to `cap`; (cap, False) when there are more. Counts
    the statement's first column only, so the database can answer from an index. `cap` is COUNT_CAP
    unless given."""
    cap = COUNT_CAP if cap is None else cap
    narrow = stmt.with_only_columns(stmt.selected_columns[0], maintain_column_froms=True).order_by(None)
    n = db.session.scalar(sa.select(sa.func.count()).select_from(narrow.limit(cap + 1).subquery()))
    return (n, True) if n <= cap else (cap, False)


def _entity(stmt):
    description = stmt.column_descriptions[0]
    return description["entity"] if description["expr"] is description["entity"] else None


def paginate_stmt(stmt, page: int, per_page: int, total: int | None = None, cap: int | None = None,
                  rows=None) -> Page:
    """`stmt` (a select of one model, ordered) as page `page`. The order must end in a unique column
    (the id) so that pages neither repeat nor skip rows. `total`, when the caller counted the rows
    already (exactly), saves the count query; else they are counted up to `cap`. `rows`, given a page's
    ids, loads its items in any order (anything with an `id`); by default the records, with the
    statement's loader options."""
    page = min(max(page, 1), MAX_PAGE)
    model = _entity(stmt)
    offset = (page - 1) * per_page
    if model is None:  # not a model: plain LIMIT/OFFSET
        rows = db.session.execute(stmt.limit(per_page + 1).offset(offset)).scalars().all()
        has_next, items = len(rows) > per_page, rows[:per_page]
    else:
        ids = db.session.scalars(stmt.with_only_columns(model.id, maintain_column_froms=True)
                                 .limit(per_page + 1).offset(offset)).all()
        has_next, ids = len(ids) > per_page, ids[:per_page]
        items = _in_order(ids, rows(ids) if rows is not None else _rows_by_ids(stmt, model, ids))
    total, exact = (total, True) if total is not None else count_capped(stmt, cap)
    return Page(items=items, page=page, per_page=per_page, total=total, total_exact=exact, has_next=has_next)


def _rows_by_ids(stmt, model, ids: list[int]) -> list:
    """The records by their ids alone (with the list's loader options): the filters, a full-text match
    among them, are not evaluated again."""
    if not ids:
        return []
    return db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(*stmt._with_options)).all()


def _in_order(ids: list[int], items) -> list:
    by_id = {item.id: item for item in items}
    return [by_id[i] for i in ids if i in by_id]


def paginate(stmt, per_page: int | None = None, total: int | None = None, cap: int | None = None,
             rows=None) -> Page:
    """`stmt` as the page the request asks for (`?page=`), PER_PAGE rows by default; `total`, `cap` and
    `rows` as in paginate_stmt."""
    return paginate_stmt(stmt, request.args.get("page", 1, type=int) or 1,
                         min(per_page or current_app.config["PER_PAGE"], 200), total, cap, rows)


@dataclass
class Slice:
    """One page of a list shown newest first. `older` is the key the next older page starts at (None:
    this is the oldest), `newer` the key the next newer one starts at ("" is the first page, None: this
    is the first page). `arg` is the query argument that carries the key."""

    items: list
    arg: str
    older: str | None = None
    newer: str | None = None
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def _encode(values) -> str:
    return "_".join(v.isoformat() if isinstance(v, date | datetime) else str(v) for v in values)


def _decode(raw: str, keys, arg: str) -> tuple | None:
    if not raw:
        return None
    parts = raw.split("_")
    if len(parts) != len(keys) or len(raw) > 100:
        raise BadArgument(arg, "must be the key of a row in the list")
    values = []
    for part, key in zip(parts, keys, strict=True):
        kind = key.type.python_type
        try:
            if kind is datetime:
                values.append(datetime.fromisoformat(part))
            elif kind is date:
                values.append(date.fromisoformat(part))
            elif part.isascii() and part.isdigit() and len(part) <= 18:
                values.append(kind(part))
            else:
                raise ValueError(part)
        except ValueError:
            raise BadArgument(arg, "must be the key of a row in the list") from None
    return tuple(values)


def newest_first(stmt, keys, arg: str, per_page: int, options=()) -> Slice:
    """The page of `stmt`'s rows that starts at the key in the query argument `arg` (the newest rows
    when there is none), newest first by `keys` (columns ending in a unique one, e.g. date and id, with
    an index on the filter's columns followed by `keys`). At most two queries of per_page + 1 rows."""
    start = _decode(Args().raw(arg), keys, arg)
    key = sa.tuple_(*keys)
    page_stmt = stmt if start is None else stmt.where(key <= sa.tuple_(*start))
    rows = list(db.session.scalars(page_stmt.options(*options).order_by(*(k.desc() for k in keys))
                                   .limit(per_page + 1)))
    items = rows[:per_page]
    older = _encode(getattr(rows[per_page], k.key) for k in keys) if len(rows) > per_page else None
    newer = None
    if start is not None:
        # Where the page before this one starts: per_page rows further up, or the first page.
        above = db.session.execute(stmt.with_only_columns(*keys).where(key > sa.tuple_(*start))
                                   .order_by(*keys).limit(per_page + 1)).all()
        if len(above) > per_page:
            newer = _encode(above[per_page - 1])
        elif above:
            newer = ""
    return Slice(items, arg, older, newer)
