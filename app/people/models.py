from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, NamedMixin, RecordPage, current_on, is_current
from app.core.sorting import person_sort_key
from app.extensions import db


class MemberRole(LabeledEnum):
    CHAIR = "chair", _l("Ordförande")
    VICE_CHAIR = "vice_chair", _l("Vice ordförande")
    MEMBER = "member", _l("Ledamot")
    SUBSTITUTE = "substitute", _l("Ersättare")
    SECRETARY = "secretary", _l("Sekreterare")
    PROCESS_LEADER = "process_leader", _l("Processledare")
    CO_OPTED = "co_opted", _l("Adjungerad")
    PATIENT_REPRESENTATIVE = "patient_representative", _l("Patientföreträdare")


class ConflictOutcome(LabeledEnum):
    NO_CONFLICT = "no_conflict", _l("Inget jäv")
    MANAGEABLE = "manageable", _l("Jäv som kan hanteras")
    DISQUALIFIED = "disqualified", _l("Jäv föreligger – får inte delta")


class Person(AuditedMixin, NamedMixin, db.Model):
    __tablename__ = "people"
    __record_page__ = RecordPage("people.show")
    __permission_area__ = "structure"
    __field_labels__ = {
        "name": _l("Namn"),
        "title": _l("Befattning"),
        "email": _l("E-post"),
        "organisation_id": _l("Organisation"),
        "is_demo": _l("Demoperson"),
        "note": _l("Anteckning"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    organisation = relationship("Organisation")
    memberships = relationship("Membership", back_populates="person")

    def refresh_derived_names(self) -> None:
        super().refresh_derived_names()
        self.name_sort = person_sort_key(self.name)


class Membership(AuditedMixin, db.Model):
    __tablename__ = "memberships"
    __record_page__ = RecordPage("people.show_membership")
    __permission_area__ = "structure"
    __group_actions__ = frozenset({"edit", "archive"})
    __field_labels__ = {
        "person_id": _l("Person"),
        "group_id": _l("Grupp"),
        "role": _l("Roll"),
        "representing_id": _l("Representerar"),
        "start_on": _l("Från"),
        "end_on": _l("Till"),
        "note": _l("Anteckning"),
        "substitute_for_id": _l("Ersättare för"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, "member_role"))
    representing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    start_on: Mapped[date | None]
    end_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # A substitute (ersättare) stands in for one member of the same group: called in when that member
    # reports that they cannot come to a meeting (app.meetings.invitations).
    substitute_for_id: Mapped[int | None] = mapped_column(sa.ForeignKey("memberships.id"), index=True)

    person = relationship("Person", back_populates="memberships")
    substitute_for = relationship("Membership", remote_side=[id], foreign_keys=[substitute_for_id])
    group = relationship("Group", back_populates="memberships")
    representing = relationship("Organisation")
    declarations = relationship("ConflictDeclaration", back_populates="membership",
                                order_by="ConflictDeclaration.declared_on.desc()")

    @property
    def governing_group_id(self) -> int:
        return self.group_id

    def is_current_on(self, on: date) -> bool:
        return (self.archived_at is None and self.person.archived_at is None
                and is_current(self.start_on, self.end_on, on))

    @classmethod
    def current_criterion(cls, on: date):
        return sa.and_(cls.archived_at.is_(None), current_on(cls.start_on, cls.end_on, on))

    @classmethod
    def governing_group_ids(cls, person_id: int, on: date) -> frozenset[int]:
        from app.core.permissions import GOVERNING_MEMBER_ROLES

        stmt = sa.select(cls.group_id).join(cls.person).where(
            Person.archived_at.is_(None),
            cls.person_id == person_id,
            cls.role.in_([MemberRole(r) for r in GOVERNING_MEMBER_ROLES]),
            cls.current_criterion(on),
        )
        return frozenset(db.session.scalars(stmt))

    def __str__(self) -> str:
        return f"{self.person} – {self.role.label}, {self.group}"


class ConflictDeclaration(AuditedMixin, db.Model):
    """A declaration of interests (jävsdeklaration) for a membership and its assessment."""

    __tablename__ = "conflict_declarations"
    __record_page__ = RecordPage("people.show_declaration")
    __permission_area__ = "structure"
    # The chair may register declarations for the group; "assess" stays with the secretariat.
    __group_actions__ = frozenset({"edit", "archive"})
    __field_labels__ = {
        "membership_id": _l("Medlemskap"),
        "declared_on": _l("Deklarerad"),
        "interests": _l("Redovisade intressen"),
        "assessed_by": _l("Bedömd av"),
        "assessed_on": _l("Bedömningsdatum"),
        "outcome": _l("Bedömning"),
        "assessment_note": _l("Motivering"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id"), index=True)
    declared_on: Mapped[date]
    interests: Mapped[str] = mapped_column(sa.Text, default="")
    assessed_by: Mapped[str] = mapped_column(sa.String(200), default="")
    assessed_on: Mapped[date | None]
    outcome: Mapped[ConflictOutcome | None] = mapped_column(
        enum_column(ConflictOutcome, "conflict_outcome"))
    assessment_note: Mapped[str] = mapped_column(sa.Text, default="")

    membership = relationship("Membership", back_populates="declarations")

    @property
    def governing_group_id(self) -> int:
        return self.membership.group_id

    @property
    def is_assessed(self) -> bool:
        return self.outcome is not None

    def __str__(self) -> str:
        return f"{self.membership} ({format_date(self.declared_on)})"
