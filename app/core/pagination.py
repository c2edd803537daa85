"""Pagination of list queries; the page size is fixed so a list costs the same queries at any size.

Two kinds: `paginate` numbers the pages of a list (with its total); `newest_first` pages a record's own
growing list – its status reports, its history – by key instead (keyset paging): each page starts at a
row's key, read through an index with LIMIT, so neither the count nor an OFFSET grows with the list.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, request

from app.core.args import Args, BadArgument
from app.extensions import db

MAX_PAGE = 100_000  # beyond any real list; keeps OFFSET within what databases accept


def paginate(stmt, per_page: int | None = None):
    return db.paginate(
        stmt,
        page=min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=200,
        error_out=False,
    )


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
