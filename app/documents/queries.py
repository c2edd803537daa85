"""Documents as record pages list them: one query for a record, or for several (a meeting's agenda)."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.documents.models import OWNERS, Document, DocumentVersion
from app.extensions import db


def owner_key(record) -> str | None:
    table = getattr(record, "__tablename__", None)
    return next((key for key, (_c, _r, t) in OWNERS.items() if t == table), None)


def documents_of(records, archived: bool = False) -> dict[tuple[str, int], list[Document]]:
    """{(owner key, id): documents} for `records` (all of one kind or mixed), newest first."""
    by_key: dict[str, list[int]] = {}
    for record in records:
        key = owner_key(record)
        if key is not None:
            by_key.setdefault(key, []).append(record.id)
    found: dict[tuple[str, int], list[Document]] = {}
    if not by_key:
        return found
    criteria = [getattr(Document, OWNERS[key][0]).in_(ids) for key, ids in by_key.items()]
    stmt = (sa.select(Document).where(sa.or_(*criteria))
            .options(selectinload(Document.versions).selectinload(DocumentVersion.uploaded_by))
            .order_by(Document.created_at.desc(), Document.id.desc()))
    if not archived:
        stmt = stmt.where(Document.archived_at.is_(None))
    for document in db.session.scalars(stmt):
        for key, (column, _r, _t) in OWNERS.items():
            if getattr(document, column) is not None:
                found.setdefault((key, getattr(document, column)), []).append(document)
    return found
