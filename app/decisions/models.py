from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage, SearchableMixin, SeededMixin
from app.core.sorting import UNDATED
from app.extensions import db


class DecisionKind(LabeledEnum):
    DECISION = "decision", _l("Beslut")
    ENDORSEMENT = "endorsement", _l("Inriktningsbeslut")
    REFERRAL = "referral", _l("Remiss")
    INFORMATION = "information", _l("Information")


class DecisionState(LabeledEnum):
    PROPOSED = "proposed", _l("Förslag till beslut")
    TAKEN = "taken", _l("Fattat")
    WITHDRAWN = "withdrawn", _l("Återtaget")


class ExecutionStatus(LabeledEnum):
    NOT_STARTED = "not_started", _l("Ej påbörjat")
    IN_PROGRESS = "in_progress", _l("Pågår")
    DONE = "done", _l("Genomfört")
    NOT_APPLICABLE = "not_applicable", _l("Kräver inget genomförande")


class LinkEffect(LabeledEnum):
    GIVES = "gives", _l("ger uppdraget")
    CHANGES = "changes", _l("ändrar uppdraget")
    ACCEPTS = "accepts", _l("godkänner uppdraget")
    CLOSES = "closes", _l("avslutar uppdraget")


class DispatchStatus(LabeledEnum):
    TO_SEND = "to_send", _l("Att skicka")
    SENT = "sent", _l("Skickat")
    FAILED = "failed", _l("Misslyckades")


class Decision(AuditedMixin, SeededMixin, SearchableMixin, db.Model):
    __tablename__ = "decisions"
    __record_page__ = RecordPage("decisions.show")
    __table_args__ = (
        # A registry number is unique per issuing organisation; NULLs (no number) don't clash.
        sa.UniqueConstraint("issuing_organisation_id", "registry_number", name="uq_decisions_registry"),
        # The list's order (newest first, undated first) and the API's (by id), each holding the
        # archived flag, so that any page and the count are read from index entries alone.
        sa.Index("ix_decisions_list_order", "decided_sort", "id", "archived_at"),
        sa.Index("ix_decisions_id_order", "id", "archived_at"),
        # Decisions awaiting execution, earliest date first (the dashboards), holding their filters.
        sa.Index("ix_decisions_execution", "execute_sort", "execution_status", "state", "archived_at", "group_id"),
        # How many await execution, in all and per group (a steering scope), from index entries alone.
        sa.Index("ix_decisions_awaiting", "execution_status", "state", "archived_at", "group_id"),
        sa.Index("ix_decisions_group", "group_id", "execution_status", "state", "archived_at"),
    )
    __permission_area__ = "governance"
    __group_actions__ = frozenset({"create", "edit", "dispatch"})
    __search_fields__ = ("title", "text", "registry_number")
    __log_exclude__ = AuditedMixin.__log_exclude__ | {"decided_sort", "execute_sort"}  # sort keys
    __field_labels__ = {
        "title": _l("Rubrik"),
        "text": _l("Beslutstext"),
        "group_id": _l("Beslutande grupp"),
        "meeting_id": _l("Möte"),
        "by_delegation": _l("Delegationsbeslut"),
        "decided_on": _l("Beslutsdatum"),
        "registry_number": _l("Diarienummer"),
        "issuing_organisation_id": _l("Diarieförande organisation"),
        "kind": _l("Typ"),
        "state": _l("Läge"),
        "executor": _l("Ansvarig för genomförande"),
        "executor_group_id": _l("Ansvarig grupp"),
        "executor_person_id": _l("Ansvarig person"),
        "executor_organisation_id": _l("Ansvarig organisation"),
        "execute_by": _l("Genomförs senast"),
        "execution_status": _l("Genomförande"),
        "execution_note": _l("Kommentar om genomförandet"),
        "source": _l("Källa"),
        "dispatch": _l("Expediering"),
        "links": _l("Koppling till uppdrag"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"))  # ix_decisions_group
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    by_delegation: Mapped[bool] = mapped_column(default=False)
    decided_on: Mapped[date | None] = mapped_column(index=True)
    decided_sort: Mapped[date] = mapped_column(default=UNDATED)  # decided_on, or UNDATED
    registry_number: Mapped[str | None] = mapped_column(sa.String(60))
    issuing_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind, "decision_kind"),
                                               default=DecisionKind.DECISION)
    state: Mapped[DecisionState] = mapped_column(enum_column(DecisionState, "decision_state"),
                                                 default=DecisionState.TAKEN)
    # Who carries the decision out: a group, a person or an organisation of the register, or – for
    # outsiders – a name in `executor`. At most one of the four (app.decisions.operations).
    executor: Mapped[str] = mapped_column(sa.String(300), default="")
    executor_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id"), index=True)
    executor_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    executor_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    execute_by: Mapped[date | None]
    execute_sort: Mapped[date] = mapped_column(default=UNDATED)  # execute_by, or UNDATED
    execution_status: Mapped[ExecutionStatus] = mapped_column(
        enum_column(ExecutionStatus, "execution_status"), default=ExecutionStatus.NOT_STARTED, index=True)
    execution_note: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(200), default="")

    group = relationship("Group", foreign_keys=[group_id])
    meeting = relationship("Meeting", back_populates="decisions")
    issuing_organisation = relationship("Organisation", foreign_keys=[issuing_organisation_id])
    executor_group = relationship("Group", foreign_keys=[executor_group_id])
    executor_person = relationship("Person", foreign_keys=[executor_person_id])
    executor_organisation = relationship("Organisation", foreign_keys=[executor_organisation_id])
    links = relationship("DecisionLink", back_populates="decision")
    dispatches = relationship("DecisionDispatch", back_populates="decision", order_by="DecisionDispatch.id")

    @property
    def governing_group_id(self) -> int:
        return self.group_id

    @property
    def locked_actions(self) -> frozenset[str]:
        """Taken at a meeting whose minutes are approved: it stays in them (its wording is checked on save)."""
        return frozenset({"archive"}) if self.meeting is not None and self.meeting.minutes_locked else frozenset()

    @property
    def awaits_execution(self) -> bool:
        return self.state == DecisionState.TAKEN and self.execution_status in (
            ExecutionStatus.NOT_STARTED, ExecutionStatus.IN_PROGRESS)

    @property
    def executor_record(self):
        """The group, person or organisation carrying the decision out, if it is one of the register's."""
        return self.executor_group or self.executor_person or self.executor_organisation

    def is_execution_late(self, on: date) -> bool:
        return self.awaits_execution and self.execute_by is not None and self.execute_by < on

    def __str__(self) -> str:
        number = f" ({self.registry_number})" if self.registry_number else ""
        return f"{self.title}{number}"


class DecisionLink(AuditedMixin, db.Model):
    """What a decision does to an assignment: gives, changes, accepts or closes it."""

    __tablename__ = "decision_links"
    __record_page__ = RecordPage("decisions.show", "decision_id", anchor="links")
    __log_parents__ = {"decision": "links", "assignment": "decision_links"}
    __table_args__ = (sa.UniqueConstraint("decision_id", "assignment_id", "effect", name="uq_decision_links"),)
    __permission_area__ = "governance"
    __field_labels__ = {"assignment_id": _l("Uppdrag"), "effect": _l("Verkan")}

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), index=True)
    effect: Mapped[LinkEffect] = mapped_column(enum_column(LinkEffect, "link_effect"))

    decision = relationship("Decision", back_populates="links")
    assignment = relationship("Assignment")

    @property
    def governing_group_id(self) -> int:
        return self.decision.group_id

    def __str__(self) -> str:
        return f"{self.decision} {self.effect.label} {self.assignment}"


class DecisionDispatch(db.Model):
    """Expediering: to whom a decision was (or is to be) sent, and when."""

    __tablename__ = "decision_dispatches"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    # The name as sent to; when the recipient is one of the register's people, groups or organisations the
    # reference says which (the name is copied, so the list reads as it was sent).
    recipient: Mapped[str] = mapped_column(sa.String(300))
    recipient_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    recipient_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id"))
    recipient_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[DispatchStatus] = mapped_column(enum_column(DispatchStatus, "dispatch_status"),
                                                   default=DispatchStatus.TO_SEND)
    sent_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    decision = relationship("Decision", back_populates="dispatches")
    recipient_person = relationship("Person")
    recipient_group = relationship("Group")
    recipient_organisation = relationship("Organisation")

    @property
    def recipient_record(self):
        return self.recipient_person or self.recipient_group or self.recipient_organisation


@sa.event.listens_for(Decision, "before_insert")
@sa.event.listens_for(Decision, "before_update")
def _decision_before_write(mapper, connection, target: Decision) -> None:
    target.decided_sort = target.decided_on or UNDATED
    target.execute_sort = target.execute_by or UNDATED
