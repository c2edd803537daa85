from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage, SearchableMixin, SeededMixin, utcnow
from app.extensions import db


class AttendanceStatus(LabeledEnum):
    PRESENT = "present", _l("Närvarande")
    ABSENT = "absent", _l("Frånvarande")
    SUBSTITUTE = "substitute", _l("Ersättare tjänstgör")


class ApproverRole(LabeledEnum):
    CHAIR = "chair", _l("Ordförande")
    ADJUSTER = "adjuster", _l("Justerare")


class Meeting(AuditedMixin, SeededMixin, SearchableMixin, db.Model):
    __tablename__ = "meetings"
    __record_page__ = RecordPage("meetings.show")
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        # The list's order (by date) and the API's (by id), each holding what the list filters on,
        # so that any page and the count are read from index entries alone.
        sa.Index("ix_meetings_list_order", "starts_on", "id", "last_day", "archived_at"),
        sa.Index("ix_meetings_id_order", "id", "archived_at"),
        # Upcoming meetings (the list, the dashboards, calendars): a range of last days; and the meetings
        # of several days still going on, whose first day bounds the walk in date order (Meeting.upcoming).
        sa.Index("ix_meetings_upcoming", "last_day", "archived_at", "group_id"),
        sa.Index("ix_meetings_ongoing", "ends_on", "starts_on", sqlite_where=sa.text("ends_on IS NOT NULL"),
                 postgresql_where=sa.text("ends_on IS NOT NULL")),
        # A group's meetings by date (its page, the competence centre's meeting figures): a range within the
        # group, however many meetings other groups have had in the same months.
        sa.Index("ix_meetings_group_date", "group_id", "starts_on", "id", "archived_at"),
    )
    __permission_area__ = "governance"
    # "approve" (minutes, as one of their adjusters) is given by name, not by a group role; recording an
    # approval on an adjuster's behalf ("record_approval") is the secretariat's alone.
    __group_actions__ = frozenset({"create", "edit"})
    __named_actions__ = frozenset({"approve"})
    __search_fields__ = ("title", "place", "minutes")
    __log_exclude__ = AuditedMixin.__log_exclude__ | {"last_day"}  # derived
    __field_labels__ = {
        "group_id": _l("Grupp"),
        "title": _l("Rubrik"),
        "starts_on": _l("Datum"),
        "start_time": _l("Starttid"),
        "ends_on": _l("Slutdatum"),
        "place": _l("Plats"),
        "is_digital": _l("Digitalt möte"),
        "minutes": _l("Protokoll"),
        "minutes_approved_by": _l("Justerat av"),
        "minutes_approved_on": _l("Justerat datum"),
        "source": _l("Källa"),
        "attendance": _l("Närvaro"),
        "conflicts": _l("Jäv"),
        "minutes_revisions": _l("Justerad version"),
        "agenda": _l("Dagordningspunkt"),
        "approvals": _l("Justering"),
        "invitations": _l("Kallelse"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"))  # ix_meetings_group_date begins with it
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    starts_on: Mapped[date] = mapped_column(index=True)
    start_time: Mapped[str] = mapped_column(sa.String(5), default="")  # "09:30"; a day often has no time
    ends_on: Mapped[date | None]  # multi-day meetings
    last_day: Mapped[date] = mapped_column(default=date.min)  # ends_on or starts_on: derived, for "upcoming"
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    is_digital: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    minutes_approved_by: Mapped[str] = mapped_column(sa.String(300), default="")
    minutes_approved_on: Mapped[date | None]
    source: Mapped[str] = mapped_column(sa.String(200), default="")

    group = relationship("Group")
    agenda = relationship("AgendaItem", back_populates="meeting", order_by="AgendaItem.position")
    attendance = relationship("Attendance", back_populates="meeting", order_by="Attendance.id")
    decisions = relationship("Decision", back_populates="meeting", order_by="Decision.id")
    revisions = relationship("MinutesRevision", back_populates="meeting", order_by="MinutesRevision.number")
    approval_rows: Mapped[list["MinutesApproval"]] = relationship(  # the chair first, then the adjusters
        back_populates="meeting", order_by=lambda: (sa.case((MinutesApproval.role == ApproverRole.CHAIR, 0), else_=1),
                                                    MinutesApproval.id))

    @property
    def approvals(self) -> list["MinutesApproval"]:
        """Those who approve the minutes (one named by mistake and taken away stays, marked, in the rows)."""
        return [a for a in self.approval_rows if a.removed_at is None]

    def delegated_person_ids(self, action: str) -> set[int]:
        """The minutes' adjusters approve them, each with their own click, whatever their group roles."""
        if action != "approve" or self.minutes_locked:
            return set()
        return {a.person_id for a in self.approvals if a.approved_on is None}

    @property
    def governing_group_id(self) -> int:
        return self.group_id

    @property
    def minutes_locked(self) -> bool:
        """Approved (justerade) minutes are locked; a correction is a new recorded revision."""
        return self.minutes_approved_on is not None

    @property
    def display_title(self) -> str:
        return self.title or str(self.group)

    @classmethod
    def upcoming(cls, today: date):
        """Criterion: the meeting's last day is today or later. Lists show them by date: the first day is
        bounded below too – by today, or by the first day of a meeting of several days begun before today
        and still going on (read in ix_meetings_ongoing) – so that the walk in date order starts there
        rather than at the first meeting ever held."""
        other = cls.__table__.alias("ongoing")
        # Only the last day narrows the meetings read for it: a condition on the first day too would let
        # the planner walk the date-order index instead, past every earlier meeting.
        begun = sa.case((other.c.starts_on < today, other.c.starts_on))
        first_day = (sa.select(sa.func.coalesce(sa.func.min(begun), today)).where(other.c.ends_on >= today)
                     .scalar_subquery())
        return sa.and_(cls.last_day >= today, cls.starts_on >= first_day)

    @classmethod
    def past(cls, today: date):
        return cls.last_day < today

    def __str__(self) -> str:
        return f"{self.display_title} {self.starts_on.isoformat()}"



@sa.event.listens_for(Meeting, "before_insert")
@sa.event.listens_for(Meeting, "before_update")
def _meeting_before_write(mapper, connection, target: Meeting) -> None:
    target.last_day = target.ends_on or target.starts_on

class AgendaItem(AuditedMixin, db.Model):
    __tablename__ = "agenda_items"
    __record_page__ = RecordPage("meetings.show", "meeting_id", anchor="item-{id}")
    __log_parents__ = {"meeting": "agenda"}
    __permission_area__ = "governance"
    __group_actions__ = frozenset({"edit", "archive"})
    __field_labels__ = {
        "position": _l("Punkt"),
        "title": _l("Ärende"),
        "description": _l("Beskrivning"),
        "assignment_id": _l("Uppdrag"),
        "status_report_id": _l("Statusrapport"),
        "decision_id": _l("Beslut"),
        "minutes": _l("Protokollstext"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"))
    status_report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_reports.id"))
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
    minutes: Mapped[str] = mapped_column(sa.Text, default="")  # what the minutes say under this §

    meeting = relationship("Meeting", back_populates="agenda")
    assignment = relationship("Assignment")
    status_report = relationship("StatusReport")
    decision = relationship("Decision")
    conflicts = relationship("AgendaConflict", back_populates="agenda_item", order_by="AgendaConflict.id")

    @property
    def governing_group_id(self) -> int:
        return self.meeting.group_id

    @property
    def locked_actions(self) -> frozenset[str]:
        return frozenset({"edit", "archive"}) if self.meeting.minutes_locked else frozenset()

    def __str__(self) -> str:
        return f"§{self.position} {self.title}"


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id", name="uq_attendance_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    representing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus, "attendance_status"),
                                                     default=AttendanceStatus.PRESENT)
    substitute_for_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))

    meeting = relationship("Meeting", back_populates="attendance")
    person = relationship("Person", foreign_keys=[person_id])
    representing = relationship("Organisation")
    substitute_for = relationship("Person", foreign_keys=[substitute_for_id])


class AgendaConflict(db.Model):
    """A member declared a conflict of interest on an item and took no part in it."""

    __tablename__ = "agenda_conflicts"
    __table_args__ = (sa.UniqueConstraint("agenda_item_id", "person_id", name="uq_agenda_conflicts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    agenda_item = relationship("AgendaItem", back_populates="conflicts")
    person = relationship("Person")


class MinutesRevision(db.Model):
    """Approved minutes are frozen here; a later correction adds a new numbered revision."""

    __tablename__ = "minutes_revisions"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "number", name="uq_minutes_revisions"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    approved_by: Mapped[str] = mapped_column(sa.String(300), default="")
    approved_on: Mapped[date | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting = relationship("Meeting", back_populates="revisions")
    user = relationship("User")


class MinutesApproval(db.Model):
    """One of those who approve (justerar) the minutes: the chair or a named adjuster. Each approves with
    their own click; for historical minutes whose adjusters have no account the secretariat records the
    approval on their behalf, and it says so. The minutes lock when the last has approved."""

    __tablename__ = "minutes_approvals"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id", name="uq_minutes_approvals"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    role: Mapped[ApproverRole] = mapped_column(enum_column(ApproverRole, "approver_role"),
                                               default=ApproverRole.ADJUSTER)
    approved_on: Mapped[date | None]
    approved_at: Mapped[datetime | None]  # when the click (or the record on their behalf) was made
    on_behalf: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    removed_at: Mapped[datetime | None]  # taken away before approving; named again, the row comes back

    meeting: Mapped[Meeting] = relationship(back_populates="approval_rows")
    person = relationship("Person")
    recorded_by = relationship("User")

    @property
    def governing_group_id(self) -> int:
        return self.meeting.group_id
