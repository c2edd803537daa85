"""The plan (002 §3.2): recommendations, work packages A–D and their activities with progress updates."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.assignments.models import AssignmentStatus, TrafficLight
from app.competence.common import AREA, CodedMixin
from app.competence.quarters import Quarter
from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage, SearchableMixin
from app.core.sorting import code_sort_key
from app.extensions import db


class WorkPackageOwner(LabeledEnum):
    COMPETENCE_CENTRE = "competence_centre", _l("Kompetenscentrum")
    DIGITALISERINGSNATVERKET = "digitaliseringsnatverket", _l("Remitterat till Digitaliseringsnätverket")


class ActivityStatus(LabeledEnum):
    NOT_STARTED = "not_started", _l("Ej påbörjad")
    ONGOING = "ongoing", _l("Pågår")
    DONE = "done", _l("Klar")
    PAUSED = "paused", _l("Pausad")
    CANCELLED = "cancelled", _l("Avbruten")


# An activity carried out as an assignment takes its status from the assignment.
STATUS_FROM_ASSIGNMENT = {
    AssignmentStatus.DRAFT: ActivityStatus.NOT_STARTED,
    AssignmentStatus.COMMISSIONED: ActivityStatus.NOT_STARTED,
    AssignmentStatus.IN_PROGRESS: ActivityStatus.ONGOING,
    AssignmentStatus.PAUSED: ActivityStatus.PAUSED,
    AssignmentStatus.DELIVERED: ActivityStatus.DONE,
    AssignmentStatus.ACCEPTED: ActivityStatus.DONE,
    AssignmentStatus.CLOSED: ActivityStatus.DONE,
    AssignmentStatus.CANCELLED: ActivityStatus.CANCELLED,
}
FINISHED_ACTIVITY = frozenset({ActivityStatus.DONE, ActivityStatus.CANCELLED})


work_package_recommendations = sa.Table(
    "work_package_recommendations",
    db.metadata,
    sa.Column("work_package_id", sa.ForeignKey("work_packages.id"), primary_key=True),
    sa.Column("recommendation_id", sa.ForeignKey("recommendations.id"), primary_key=True),
)


class Recommendation(CodedMixin, AuditedMixin, db.Model):
    __tablename__ = "recommendations"
    __record_page__ = RecordPage("competence.work_packages", id_attr=None)
    __permission_area__ = AREA
    __field_labels__ = {"code": _l("Nummer"), "text": _l("Rekommendation"), "area": _l("Delprojekt"),
                        "source": _l("Källa")}

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text)
    area: Mapped[str] = mapped_column(sa.String(200), default="")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class WorkPackage(CodedMixin, AuditedMixin, db.Model):
    __tablename__ = "work_packages"
    __record_page__ = RecordPage("competence.work_package")
    __permission_area__ = AREA
    __field_labels__ = {"code": _l("Arbetspaket"), "title": _l("Rubrik"), "owner": _l("Ägare"),
                        "purpose": _l("Syfte"), "recommendations": _l("Rekommendationer"), "source": _l("Källa")}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    owner: Mapped[WorkPackageOwner] = mapped_column(enum_column(WorkPackageOwner, "work_package_owner"))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")

    recommendations = relationship("Recommendation", secondary=work_package_recommendations,
                                   order_by="Recommendation.code")
    activities = relationship("Activity", back_populates="work_package", order_by="(Activity.code_sort, Activity.id)")
    kpis = relationship("Kpi", back_populates="work_package", order_by="Kpi.code")

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class Activity(CodedMixin, AuditedMixin, SearchableMixin, db.Model):
    __tablename__ = "activities"
    __record_page__ = RecordPage("competence.activity")
    __search_fields__ = ("code", "area", "text", "purpose", "responsible")
    __table_args__ = (
        sa.CheckConstraint("end_quarter IS NULL OR start_quarter IS NULL OR end_quarter >= start_quarter",
                           name="quarters_in_order"),
        # The activities' one order (pages, API, search), read from the index with the default filter.
        sa.Index("ix_activities_code_order", "code_sort", "id", "archived_at"),
    )
    __permission_area__ = AREA
    __log_exclude__ = AuditedMixin.__log_exclude__ | {"code_sort"}
    __field_labels__ = {
        "code": _l("Id"),
        "work_package_id": _l("Arbetspaket"),
        "area": _l("Område"),
        "text": _l("Aktivitet"),
        "purpose": _l("Syfte"),
        "responsible_group_id": _l("Ansvarig grupp"),
        "responsible_person_id": _l("Ansvarig person"),
        "responsible": _l("Ansvarig (fritext)"),
        "start_quarter": _l("Startkvartal"),
        "end_quarter": _l("Slutkvartal"),
        "open_ended": _l("Löpande (inget slut)"),
        "status": _l("Status"),
        "assignment_id": _l("Genomförs som uppdrag"),
        "plan_note": _l("Om planen"),
        "updates": _l("Lägesrapport"),
        "source": _l("Källa"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    work_package_id: Mapped[int] = mapped_column(sa.ForeignKey("work_packages.id"), index=True)
    area: Mapped[str] = mapped_column(sa.String(300), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    responsible_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id"))
    responsible_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    responsible: Mapped[str] = mapped_column(sa.String(300), default="")
    # "2025-Q3": sorts and compares as text, read by app.competence.quarters.Quarter.
    start_quarter: Mapped[str | None] = mapped_column(sa.String(7))
    end_quarter: Mapped[str | None] = mapped_column(sa.String(7))
    open_ended: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ActivityStatus] = mapped_column(enum_column(ActivityStatus, "activity_status"),
                                                   default=ActivityStatus.NOT_STARTED)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"), index=True)
    plan_note: Mapped[str] = mapped_column(sa.Text, default="")
    # The code's sort key (code_sort_key: "A.2" before "A.10"), kept by _activity_before_write.
    code_sort: Mapped[str] = mapped_column(sa.Text, default="")

    work_package = relationship("WorkPackage", back_populates="activities")
    responsible_group = relationship("Group")
    responsible_person = relationship("Person")
    assignment = relationship("Assignment")
    updates = relationship("ActivityUpdate", back_populates="activity",
                           order_by="(ActivityUpdate.reported_on.desc(), ActivityUpdate.id.desc())")

    @property
    def effective_status(self) -> ActivityStatus:
        """The assignment's status decides when the activity is carried out as one."""
        if self.assignment is not None:
            return STATUS_FROM_ASSIGNMENT[self.assignment.status]
        return self.status

    @property
    def start(self) -> Quarter | None:
        return Quarter.parse(self.start_quarter)

    @property
    def end(self) -> Quarter | None:
        return Quarter.parse(self.end_quarter)

    def is_late(self, today: date) -> bool:
        """Planned to end in a quarter that is over, and neither done nor cancelled."""
        end = self.end
        return (end is not None and not self.open_ended and end.last_day < today
                and self.effective_status not in FINISHED_ACTIVITY)

    @property
    def responsible_display(self) -> str:
        parts = [str(x) for x in (self.responsible_group, self.responsible_person) if x is not None]
        if self.responsible:
            parts.append(self.responsible)
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.code} {self.area}"


@sa.event.listens_for(Activity, "before_insert")
@sa.event.listens_for(Activity, "before_update")
def _activity_before_write(mapper, connection, target: Activity) -> None:
    target.code_sort = code_sort_key(target.code)


class ActivityUpdate(AuditedMixin, db.Model):
    """A dated progress update with a traffic light, like an assignment's status report."""

    __tablename__ = "activity_updates"
    __record_page__ = RecordPage("competence.activity", "activity_id")
    __log_parents__ = {"activity": "updates"}
    __table_args__ = (
        # An activity's updates, and the dashboard's latest of all, newest first from the index's end.
        sa.Index("ix_activity_updates_activity", "activity_id", "reported_on", "id", "archived_at"),
        sa.Index("ix_activity_updates_recent", "reported_on", "id", "archived_at"),
    )
    __permission_area__ = AREA
    __field_labels__ = {"is_demo": _l("Demodata"), "activity_id": _l("Aktivitet"), "reported_on": _l("Datum"),
                        "traffic_light": _l("Bedömning"), "progress": _l("Framsteg")}

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"))
    reported_on: Mapped[date]
    traffic_light: Mapped[TrafficLight] = mapped_column(enum_column(TrafficLight, "traffic_light"))
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    activity = relationship("Activity", back_populates="updates")
    filed_by = relationship("User", foreign_keys="ActivityUpdate.created_by_id")

    def __str__(self) -> str:
        return f"{self.activity.code} {self.reported_on.isoformat()}"


