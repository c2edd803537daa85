"""Pagination of list queries; the page size is fixed so a list costs the same queries at any size."""

from flask import current_app, request

from app.extensions import db


def paginate(stmt, per_page: int | None = None):
    return db.paginate(
        stmt,
        page=request.args.get("page", 1, type=int),
        per_page=per_page or current_app.config["PER_PAGE"],
        max_per_page=200,
        error_out=False,
    )
