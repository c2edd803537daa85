from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage, SearchableMixin, SeededMixin, utcnow
from app.core.sorting import UNDATED, UNDATED_DESC, swedish_key
from app.extensions import db


class AssignmentStatus(LabeledEnum):
    DRAFT = "draft", _l("Utkast")
    COMMISSIONED = "commissioned", _l("Beställt")
    IN_PROGRESS = "in_progress", _l("Pågår")
    PAUSED = "paused", _l("Pausat")
    DELIVERED = "delivered", _l("Levererat")
    ACCEPTED = "accepted", _l("Godkänt")
    CLOSED = "closed", _l("Avslutat")
    CANCELLED = "cancelled", _l("Avbrutet")


S = AssignmentStatus
# The lifecycle: which status may follow which. Anything else is refused.
TRANSITIONS: dict[AssignmentStatus, tuple[AssignmentStatus, ...]] = {
    S.DRAFT: (S.COMMISSIONED, S.CANCELLED),
    S.COMMISSIONED: (S.IN_PROGRESS, S.PAUSED, S.CANCELLED),
    S.IN_PROGRESS: (S.DELIVERED, S.PAUSED, S.CANCELLED),
    S.PAUSED: (S.IN_PROGRESS, S.CANCELLED),
    S.DELIVERED: (S.ACCEPTED, S.IN_PROGRESS),
    S.ACCEPTED: (S.CLOSED,),
    S.CLOSED: (),
    S.CANCELLED: (),
}
# Statuses in which the recipient is working and is expected to report.
OPEN_STATUSES = (S.COMMISSIONED, S.IN_PROGRESS, S.PAUSED)
FINISHED_STATUSES = (S.DELIVERED, S.ACCEPTED, S.CLOSED, S.CANCELLED)
# The list's order by status: the lifecycle as the secretariat follows it (not yet given, at work,
# handed in, finished), cancelled last; the enum is declared in this order.
STATUS_ORDER = {status: position for position, status in enumerate(AssignmentStatus)}


class TrafficLight(LabeledEnum):
    ON_TRACK = "on_track", _l("Enligt plan")
    AT_RISK = "at_risk", _l("Risk för avvikelse")
    OFF_TRACK = "off_track", _l("Avviker")


assignment_programme_areas = sa.Table(
    "assignment_programme_areas",
    db.metadata,
    sa.Column("assignment_id", sa.ForeignKey("assignments.id"), primary_key=True),
    sa.Column("group_id", sa.ForeignKey("groups.id"), primary_key=True),
)

# People the recipient's chair has delegated status reporting to, per assignment.
assignment_reporters = sa.Table(
    "assignment_reporters",
    db.metadata,
    sa.Column("assignment_id", sa.ForeignKey("assignments.id"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True),
)


class Assignment(AuditedMixin, SeededMixin, SearchableMixin, db.Model):
    __tablename__ = "assignments"
    __record_page__ = RecordPage("assignments.show")
    __table_args__ = (
        sa.CheckConstraint("principal_group_id <> recipient_group_id", name="principal_not_recipient"),
        sa.CheckConstraint("due_on IS NULL OR start_on IS NULL OR due_on >= start_on", name="due_after_start"),
        # One index per order the list offers (app.assignments.queries.SORTS), holding the order and the
        # list's default filters (status, archived), so that any page – the 3,000th too – is read from
        # index entries alone, without sorting or reading rows.
        sa.Index("ix_assignments_due_order", "due_sort", "id", "status", "archived_at", "principal_group_id"),
        sa.Index("ix_assignments_title_order", "title_sort", "id", "status", "archived_at"),
        sa.Index("ix_assignments_id_order", "id", "status", "archived_at"),
        sa.Index("ix_assignments_status_order", "status_sort", "due_sort", "id", "status", "archived_at"),
        # The latest report's date has a key per direction, each with the unreported last: one index
        # cannot serve both (SQLite sorts NULL first, PostgreSQL last).
        sa.Index("ix_assignments_report_order", "report_sort", "id", "status", "archived_at"),
        sa.Index("ix_assignments_report_desc_order", "report_desc_sort", "id", "status", "archived_at"),
        # The dashboards' figures in one pass (app.assignments.queries.figures), grouped in index order,
        # and their overdue and unreported lists in date order, each holding the steering scope.
        sa.Index("ix_assignments_dashboard", "status", "latest_light", "archived_at", "principal_group_id",
                 "open_due_on", "next_report_due_on"),
        sa.Index("ix_assignments_overdue", "open_due_on", "archived_at", "principal_group_id"),
        # A steering group's (or a principal's) assignments, with what its figures count.
        sa.Index("ix_assignments_principal", "principal_group_id", "status", "latest_light", "archived_at",
                 "open_due_on", "next_report_due_on"),
        sa.Index("ix_assignments_report_due", "next_report_due_on", "archived_at", "principal_group_id", "status"),
        # An assignment's sub-assignments newest first, a page at a time (its page).
        sa.Index("ix_assignments_parent", "parent_id", "id", "archived_at"),
    )
    __permission_area__ = "governance"
    # The principal's chair or secretary commissions and changes the assignment; the
    # recipient's chair or secretary (or their delegates) reports on it.
    __group_actions__ = frozenset({"create", "edit", "transition", "request_report", "report", "delegate"})
    __search_fields__ = ("title", "description", "mandate")
    # Kept state (below) is bookkeeping derived from other rows, not an edit worth a history line.
    __log_exclude__ = AuditedMixin.__log_exclude__ | {"title_sort", "due_sort", "status_sort", "latest_light",
                                                      "latest_reported_on", "report_sort", "report_desc_sort",
                                                      "open_due_on"}
    __field_labels__ = {
        "title": _l("Titel"),
        "description": _l("Beskrivning"),
        "principal_group_id": _l("Uppdragsgivare"),
        "recipient_group_id": _l("Mottagare"),
        "mandate": _l("Mandat"),
        "questions": _l("Frågor att besvara"),
        "deliverables": _l("Leveranser"),
        "start_on": _l("Start"),
        "due_on": _l("Slutdatum"),
        "status": _l("Status"),
        "parent_id": _l("Del av uppdrag"),
        "given_by_decision_id": _l("Givet genom beslut"),
        "closed_by_decision_id": _l("Godkänt/avslutat genom beslut"),
        "next_report_due_on": _l("Nästa statusrapport senast"),
        "source": _l("Källa"),
        "programme_areas": _l("Programområden"),
        "priorities": _l("Prioriteringar"),
        "reporters": _l("Rapportörer"),
        "transitions": _l("Statusbyte"),
        "report_requests": _l("Begärd statusrapport"),
        "phases": _l("Fas"),
        "decision_links": _l("Koppling till beslut"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    principal_group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"))  # ix_assignments_principal
    recipient_group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"), index=True)
    mandate: Mapped[str] = mapped_column(sa.Text, default="")
    questions: Mapped[str] = mapped_column(sa.Text, default="")
    deliverables: Mapped[str] = mapped_column(sa.Text, default="")
    start_on: Mapped[date | None]
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[AssignmentStatus] = mapped_column(enum_column(AssignmentStatus, "assignment_status"),
                                                     default=AssignmentStatus.DRAFT, index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"))  # ix_assignments_parent
    given_by_decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    closed_by_decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    # Set by the secretariat when it asks for a report; cleared by the report that answers it.
    next_report_due_on: Mapped[date | None]
    report_requested_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    # Sort keys: the title in Swedish order; the due date with undated last on every database; the
    # status's place in the lifecycle (STATUS_ORDER), not its name's in the alphabet.
    title_sort: Mapped[str] = mapped_column(sa.Text, default="")
    due_sort: Mapped[date] = mapped_column(default=UNDATED)
    # (Server defaults as the migration added them: a column added with its default needs no table rebuild.)
    status_sort: Mapped[int] = mapped_column(default=0, server_default="0")
    # Kept current state: written by the operations in the transaction that changes what it derives
    # from (keep_state in app.assignments.operations), rebuilt by `flask maintenance recompute`, so that lists and
    # dashboards read one row per assignment instead of ranking every status report.
    latest_light: Mapped[TrafficLight | None] = mapped_column(enum_column(TrafficLight, "latest_light"))
    latest_reported_on: Mapped[date | None]
    # latest_reported_on as sort keys, the unreported last in either direction: UNDATED for the oldest
    # first (ascending), UNDATED_DESC for the newest first (descending).
    report_sort: Mapped[date] = mapped_column(default=UNDATED, server_default=UNDATED.isoformat())
    report_desc_sort: Mapped[date] = mapped_column(default=UNDATED_DESC, server_default=UNDATED_DESC.isoformat())
    # The due date while the assignment is open, else NULL: "overdue" is one index range
    # (open_due_on < today), true whatever day it is read, with no nightly job to flip a flag.
    open_due_on: Mapped[date | None]

    principal_group = relationship("Group", foreign_keys=[principal_group_id])
    recipient_group = relationship("Group", foreign_keys=[recipient_group_id])
    parent = relationship("Assignment", remote_side=[id], back_populates="children")
    children = relationship("Assignment", back_populates="parent", order_by="Assignment.id")
    given_by_decision = relationship("Decision", foreign_keys=[given_by_decision_id])
    closed_by_decision = relationship("Decision", foreign_keys=[closed_by_decision_id])
    phases = relationship("AssignmentPhase", back_populates="assignment", order_by="AssignmentPhase.position")
    reports = relationship("StatusReport", back_populates="assignment",
                           order_by="(StatusReport.reported_on.desc(), StatusReport.id.desc())")
    transitions = relationship("AssignmentTransition", back_populates="assignment",
                               order_by="AssignmentTransition.id")
    programme_areas = relationship("Group", secondary=assignment_programme_areas, order_by="Group.name_sort")
    reporters = relationship("Person", secondary=assignment_reporters, order_by="Person.name_sort")
    priorities = relationship("PriorityItem", secondary="assignment_priorities", order_by="PriorityItem.id")

    @property
    def governing_group_id(self) -> int:
        return self.principal_group_id

    def groups_for_action(self, action: str) -> set[int]:
        # Reporting belongs to the recipient; everything else to the principal.
        if action in ("report", "delegate"):
            return {self.recipient_group_id}
        return {self.principal_group_id}

    def delegated_person_ids(self, action: str) -> set[int]:
        return {p.id for p in self.reporters} if action == "report" else set()

    @property
    def allowed_next(self) -> tuple[AssignmentStatus, ...]:
        return TRANSITIONS[self.status]

    def is_overdue(self, on: date) -> bool:
        return self.open_due_on is not None and self.open_due_on < on

    def report_missing(self, on: date) -> bool:
        return (self.next_report_due_on is not None and self.next_report_due_on < on
                and self.status in (*OPEN_STATUSES, S.DELIVERED))

    def __str__(self) -> str:
        return self.title or ""


@sa.event.listens_for(Assignment, "before_insert")
@sa.event.listens_for(Assignment, "before_update")
def _assignment_before_write(mapper, connection, target: Assignment) -> None:
    target.title_sort = swedish_key(target.title)
    target.due_sort = target.due_on or UNDATED
    target.status_sort = STATUS_ORDER[AssignmentStatus(target.status or AssignmentStatus.DRAFT)]


class AssignmentPhase(AuditedMixin, db.Model):
    """A phase or milestone (insatsområde) with its own due date; a checkpoint asks for a decision."""

    __tablename__ = "assignment_phases"
    __record_page__ = RecordPage("assignments.show", "assignment_id", anchor="phases")
    __log_parents__ = {"assignment": "phases"}
    __permission_area__ = "governance"
    __group_actions__ = frozenset({"edit"})
    __field_labels__ = {
        "position": _l("Ordning"),
        "title": _l("Titel"),
        "description": _l("Beskrivning"),
        "due_on": _l("Klart senast"),
        "is_checkpoint": _l("Kontrollpunkt"),
        "is_optional": _l("Option"),
        "done_on": _l("Klart"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    due_on: Mapped[date | None]
    is_checkpoint: Mapped[bool] = mapped_column(default=False)
    is_optional: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None]

    assignment = relationship("Assignment", back_populates="phases")

    @property
    def governing_group_id(self) -> int:
        return self.assignment.principal_group_id

    def __str__(self) -> str:
        return self.title or ""


class AssignmentTransition(db.Model):
    """One step in an assignment's lifecycle: who moved it from which status to which, when."""

    __tablename__ = "assignment_transitions"
    # An assignment's transitions newest first, a page at a time (its page).
    __table_args__ = (sa.Index("ix_assignment_transitions_assignment", "assignment_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"))  # ix_assignment_transitions_assignment
    from_status: Mapped[AssignmentStatus | None] = mapped_column(
        enum_column(AssignmentStatus, "transition_from_status"))
    to_status: Mapped[AssignmentStatus] = mapped_column(enum_column(AssignmentStatus, "transition_to_status"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignment = relationship("Assignment", back_populates="transitions")
    user = relationship("User")


class StatusReport(AuditedMixin, db.Model):
    """A periodic report from the recipient. Never edited away: a correction is a new report."""

    __tablename__ = "status_reports"
    __record_page__ = RecordPage("assignments.show_report")
    # An assignment's reports newest first, a page at a time (its page, the latest report per assignment).
    __table_args__ = (sa.Index("ix_status_reports_assignment_reported", "assignment_id", "reported_on", "id"),)
    __permission_area__ = "governance"
    __field_labels__ = {
        "reported_on": _l("Rapportdatum"),
        "traffic_light": _l("Bedömning"),
        "progress": _l("Framsteg"),
        "needs_from_principal": _l("Behov från uppdragsgivaren"),
        "corrects_id": _l("Rättar rapport"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"))  # ix_status_reports_assignment_reported
    reported_on: Mapped[date]
    traffic_light: Mapped[TrafficLight] = mapped_column(enum_column(TrafficLight, "traffic_light"))
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    needs_from_principal: Mapped[str] = mapped_column(sa.Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_reports.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)

    assignment = relationship("Assignment", back_populates="reports")
    corrects = relationship("StatusReport", remote_side=[id])
    filed_by = relationship("User", foreign_keys="StatusReport.created_by_id")

    def __str__(self) -> str:
        return f"{self.assignment} – {self.reported_on.isoformat()}"


class ReportingRound(AuditedMixin, db.Model):
    """The secretariat asks many assignments for a status report by one date."""

    __tablename__ = "reporting_rounds"
    __record_page__ = RecordPage("assignments.show_round")
    __permission_area__ = "governance"
    __field_labels__ = {"title": _l("Titel"), "due_on": _l("Rapportera senast"), "note": _l("Meddelande")}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    requests = relationship("ReportRequest", back_populates="round")

    def __str__(self) -> str:
        return self.title or ""


class ReportRequest(db.Model):
    """A request for a status report on one assignment by a date, answered by the next report."""

    __tablename__ = "report_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reporting_rounds.id"), index=True)
    due_on: Mapped[date]
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_reports.id"))
    reminded_at: Mapped[datetime | None]

    assignment = relationship("Assignment")
    round = relationship("ReportingRound", back_populates="requests")
    answered_by = relationship("StatusReport")
