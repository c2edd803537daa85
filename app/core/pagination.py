"""Pagination of list queries that costs the same at any size and on any page.

- Ids first: the page's ids are read with the list's order from the narrowest rows the database
  has (an index holding the order and the filters), then only those rows are loaded; a deep page
  walks index entries, never sorts or reads full rows.
- A capped count: up to COUNT_CAP matches are counted exactly; beyond that the list says
  "10 000+" and the pager offers previous and next instead of a last page.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, request

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


def count_capped(stmt, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(number of rows `stmt` selects, True) up to `cap`; (cap, False) when there are more. Counts
    the statement's first column only, so the database can answer from an index."""
    narrow = stmt.with_only_columns(stmt.selected_columns[0], maintain_column_froms=True).order_by(None)
    n = db.session.scalar(sa.select(sa.func.count()).select_from(narrow.limit(cap + 1).subquery()))
    return (n, True) if n <= cap else (cap, False)


def _entity(stmt):
    description = stmt.column_descriptions[0]
    return description["entity"] if description["expr"] is description["entity"] else None


def paginate_stmt(stmt, page: int, per_page: int, total: int | None = None) -> Page:
    """`stmt` (a select of one model, ordered) as page `page`. The order must end in a unique column
    (the id) so that pages neither repeat nor skip rows. `total`, when the caller counted the rows
    already (exactly), saves the count query."""
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
        # The rows by their ids alone (with the list's loader options): the filters, a full-text match
        # among them, are not evaluated again.
        rows = sa.select(model).where(model.id.in_(ids)).options(*stmt._with_options)
        by_id = {r.id: r for r in db.session.scalars(rows)} if ids else {}
        items = [by_id[i] for i in ids if i in by_id]
    total, exact = (total, True) if total is not None else count_capped(stmt)
    return Page(items=items, page=page, per_page=per_page, total=total, total_exact=exact, has_next=has_next)


def paginate(stmt, per_page: int | None = None, total: int | None = None) -> Page:
    """`stmt` as the page the request asks for (`?page=`), PER_PAGE rows by default; `total` as in
    paginate_stmt."""
    return paginate_stmt(stmt, request.args.get("page", 1, type=int) or 1,
                         min(per_page or current_app.config["PER_PAGE"], 200), total)
