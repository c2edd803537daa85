"""Pagination of list queries; the page size is fixed so a list costs the same queries at any size."""

from flask import current_app, request

from app.extensions import db

MAX_PAGE = 100_000  # beyond any real list; keeps OFFSET within what databases accept


def paginate(stmt, per_page: int | None = None, total: int | None = None):
    """A page of `stmt`'s rows; `total`, when the caller counted them already, saves the count query."""
    page = db.paginate(
        stmt,
        page=min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=200,
        error_out=False,
        count=total is None,
    )
    if total is not None:
        page.total = total
    return page
