"""Writes for documents: a new document with its first version, a new version, both stored by content
with their type decided from the content."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.core.permissions import authorize
from app.core.storage import TooLarge, file_store
from app.documents.models import OWNERS, Document, DocumentVersion
from app.documents.types import RefusedType, detect
from app.extensions import db


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def draft(owner_key: str, owner) -> Document:
    """An unsaved document on `owner`, to ask who may add one."""
    column, relation, _table = OWNERS[owner_key]
    document = Document(**{column: owner.id})
    setattr(document, relation, owner)
    return document


def _store(upload, field: str) -> tuple[object, str]:
    """Store an uploaded file (streamed); refuse it beside `field` when too large or not a document."""
    detected = {}

    def check(head: bytes) -> None:
        detected["type"] = detect(head, upload.filename or "")[1]

    try:
        stored = file_store().save(upload.stream, max_upload_bytes(), check)
    except TooLarge:
        raise BusinessRuleError(_l("Filen är för stor: högst %(mb)s MB.", mb=current_app.config["MAX_UPLOAD_MB"]),
                                field) from None
    except RefusedType as err:
        raise BusinessRuleError(err.message, field) from None
    return stored, detected["type"]


def _add_version(document: Document, stored, content_type: str, filename: str, user) -> DocumentVersion:
    number = (db.session.scalar(sa.select(sa.func.max(DocumentVersion.number)).where(
        DocumentVersion.document_id == document.id)) or 0) + 1
    version = DocumentVersion(document_id=document.id, number=number, sha256=stored.sha256, size=stored.size,
                              content_type=content_type, filename=(filename or "dokument")[:255],
                              uploaded_by_id=getattr(user, "id", None))
    return ops.add_child(document, version, user, "versions", str)


def add_document(owner_key: str, owner, values: dict, upload, user) -> Document:
    document = draft(owner_key, owner)
    authorize(user, "create", document)
    stored, content_type = _store(upload, "file")
    ops.create(document, user, title=values["title"].strip(), kind=values["kind"])
    _add_version(document, stored, content_type, upload.filename, user)
    return document


def add_version(document: Document, upload, user) -> DocumentVersion:
    authorize(user, "edit", document)
    stored, content_type = _store(upload, "file")
    return _add_version(document, stored, content_type, upload.filename, user)
