"""A document belongs to one record (a meeting, an agenda item, a decision, an assignment, a status
report or a group) and has numbered versions; each version is a stored file."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage, utcnow
from app.extensions import db


class DocumentKind(LabeledEnum):
    UNDERLAG = "underlag", _l("Underlag")
    KALLELSE = "kallelse", _l("Kallelse")
    PROTOKOLL = "protokoll", _l("Protokoll")
    BILAGA = "bilaga", _l("Bilaga")
    LEVERANS = "leverans", _l("Leverans")
    RAPPORT = "rapport", _l("Rapport")
    ANNAT = "annat", _l("Annat")


# The records a document can belong to: owner key -> (foreign key column, relationship, table).
OWNERS = {
    "meeting": ("meeting_id", "meeting", "meetings"),
    "agenda_item": ("agenda_item_id", "agenda_item", "agenda_items"),
    "decision": ("decision_id", "decision", "decisions"),
    "assignment": ("assignment_id", "assignment", "assignments"),
    "status_report": ("status_report_id", "status_report", "status_reports"),
    "group": ("group_id", "group", "groups"),
}


class Document(AuditedMixin, db.Model):
    __tablename__ = "documents"
    __record_page__ = RecordPage("documents.show")
    __table_args__ = (sa.CheckConstraint(
        " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column, _r, _t in OWNERS.values()) + " = 1",
        name="one_owner"),)
    # Who may add, replace and archive a document is who may change its record (see groups_for_action).
    __permission_area__ = "governance"
    __group_actions__ = frozenset({"create", "edit", "archive"})
    __log_parents__ = {"owner": "documents"}
    __field_labels__ = {"title": _l("Titel"), "kind": _l("Slag"), "versions": _l("Version")}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"), index=True)
    status_report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_reports.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id"), index=True)

    meeting = relationship("Meeting")
    agenda_item = relationship("AgendaItem")
    decision = relationship("Decision")
    assignment = relationship("Assignment")
    status_report = relationship("StatusReport")
    group = relationship("Group", foreign_keys=[group_id])
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.number.desc()")

    @property
    def owner(self):
        for _column, relation, _table in OWNERS.values():
            record = getattr(self, relation)
            if record is not None:
                return record
        return None

    @property
    def is_archived(self) -> bool:
        # A document goes with its record: archived when the record is, for every change but restoring.
        owner = self.owner
        return self.archived_at is not None or bool(owner is not None and owner.is_archived)

    @property
    def latest(self) -> "DocumentVersion | None":
        return self.versions[0] if self.versions else None

    def groups_for_action(self, action: str) -> set[int]:
        owner = self.owner
        if self.assignment is not None:
            # The principal's papers, and the recipient's deliverables.
            return {owner.principal_group_id, owner.recipient_group_id}
        if self.status_report is not None:
            return {owner.assignment.recipient_group_id}
        return {owner.governing_group_id} if owner is not None else set()

    def delegated_person_ids(self, action: str) -> set[int]:
        assignment = self.assignment or (self.status_report.assignment if self.status_report else None)
        return assignment.delegated_person_ids("report") if assignment is not None else set()

    def __str__(self) -> str:
        return self.title


class DocumentVersion(db.Model):
    """One uploaded file of a document. Never changed or removed: a new upload is a new version."""

    __tablename__ = "document_versions"
    __table_args__ = (sa.UniqueConstraint("document_id", "number", name="uq_document_versions_document_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    filename: Mapped[str] = mapped_column(sa.String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])

    def __str__(self) -> str:
        return f"{self.number}: {self.filename}"
