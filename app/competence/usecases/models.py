"""Problem areas and use cases (002 §3.4) with a versioned priority list."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.competence.common import AREA, CodedMixin
from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage, SearchableMixin
from app.extensions import db


class LegalStatus(LabeledEnum):
    NOT_STARTED = "not_started", _l("Ej påbörjad")
    ONGOING = "ongoing", _l("Pågår")
    DONE_NO_OBSTACLE = "done_no_obstacle", _l("Klar – inget juridiskt hinder")
    DONE_OBSTACLE = "done_obstacle", _l("Klar – juridiskt hinder finns")


use_case_problem_areas = sa.Table(
    "use_case_problem_areas",
    db.metadata,
    sa.Column("use_case_id", sa.ForeignKey("use_cases.id"), primary_key=True),
    sa.Column("problem_area_id", sa.ForeignKey("problem_areas.id"), primary_key=True),
)


class ProblemArea(CodedMixin, AuditedMixin, db.Model):
    __tablename__ = "problem_areas"
    __record_page__ = RecordPage("competence.use_cases", id_attr=None)
    __permission_area__ = AREA
    __field_labels__ = {"code": _l("Nummer"), "title": _l("Problemformulering"), "description": _l("Beskrivning")}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text, default="")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class UseCase(CodedMixin, AuditedMixin, SearchableMixin, db.Model):
    __tablename__ = "use_cases"
    __record_page__ = RecordPage("competence.use_case")
    __search_fields__ = ("code", "title", "description", "steps_text", "legal_note")
    __permission_area__ = AREA
    __field_labels__ = {"code": _l("Id"), "title": _l("Användningsfall"), "description": _l("Beskrivning"),
                        "steps_text": _l("Steg"), "problem_areas": _l("Problemområden"),
                        "legal_status": _l("Juridisk utredning"), "legal_note": _l("Om den juridiska utredningen"),
                        "source": _l("Källa")}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # One step per line, in order (Table 9's numbered steps).
    steps_text: Mapped[str] = mapped_column(sa.Text, default="")
    legal_status: Mapped[LegalStatus] = mapped_column(enum_column(LegalStatus, "legal_status"),
                                                      default=LegalStatus.NOT_STARTED)
    legal_note: Mapped[str] = mapped_column(sa.Text, default="")

    problem_areas = relationship("ProblemArea", secondary=use_case_problem_areas, order_by="ProblemArea.code")

    @property
    def steps(self) -> list[str]:
        return [line.strip() for line in self.steps_text.splitlines() if line.strip()]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class UseCasePriorityVersion(AuditedMixin, db.Model):
    """One adopted version of the prioritised use-case list; an update is a new version."""

    __tablename__ = "use_case_priority_versions"
    __record_page__ = RecordPage("competence.priority_version")
    __table_args__ = (sa.UniqueConstraint("number", name="uq_use_case_priority_versions_number"),)
    __permission_area__ = AREA
    __field_labels__ = {"number": _l("Version"), "adopted_on": _l("Fastställd"), "note": _l("Kommentar"),
                        "decision_id": _l("Beslut"), "entries": _l("Prioriterade användningsfall")}

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    adopted_on: Mapped[date] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))

    decision = relationship("Decision")
    entries = relationship("UseCasePriorityEntry", back_populates="version",
                           order_by="UseCasePriorityEntry.position")

    def __str__(self) -> str:
        return f"Version {self.number} ({self.adopted_on.isoformat()})"


class UseCasePriorityEntry(db.Model):
    """Written once with its version and never changed (the version is the unit of change)."""

    __tablename__ = "use_case_priority_entries"
    __table_args__ = (sa.UniqueConstraint("version_id", "use_case_id", name="uq_use_case_priority_entries_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("use_case_priority_versions.id"), index=True)
    position: Mapped[int]
    use_case_id: Mapped[int] = mapped_column(sa.ForeignKey("use_cases.id"))

    version = relationship("UseCasePriorityVersion", back_populates="entries")
    use_case = relationship("UseCase")


