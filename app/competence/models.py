"""The competence centre's follow-up (002 chapter 3): recommendations, work packages A–D and their
activities, KPIs with targets and measurements, problem areas and use cases with a versioned
priority list, the regions' stance to a common health-data hub and their data maturity.

Everything here is maintained by the competence centre (`__permission_area__`), read by all.
"""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.assignments.models import AssignmentStatus, TrafficLight
from app.competence.quarters import Quarter
from app.competence.targets import Target, TargetKind
from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage, SearchableMixin
from app.extensions import db

AREA = "competence_centre"


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


class KpiMeasure(LabeledEnum):
    """What a KPI's measurements hold: a count, a percentage, or whether a milestone is reached."""

    NUMBER = "number", _l("Antal")
    PERCENTAGE = "percentage", _l("Andel (%)")
    MILESTONE = "milestone", _l("Milstolpe")


class KpiDerivation(LabeledEnum):
    """KPIs the register counts by itself (app/competence/derived.py holds the rules)."""

    MEETINGS_REGIONS = "meetings_regions", _l("Möten med regionrepresentanter")
    MEETINGS_AUTHORITIES = "meetings_authorities", _l("Möten med myndigheter")
    USE_CASES_PRIORITISED = "use_cases_prioritised", _l("Prioriterade användningsfall")
    STAFFING = "staffing", _l("Bemanning i kompetenscentrum")
    REGIONS_POSITIVE = "regions_positive", _l("Andel regioner positiva till vårddatahubb")


class LegalStatus(LabeledEnum):
    NOT_STARTED = "not_started", _l("Ej påbörjad")
    ONGOING = "ongoing", _l("Pågår")
    DONE_NO_OBSTACLE = "done_no_obstacle", _l("Klar – inget juridiskt hinder")
    DONE_OBSTACLE = "done_obstacle", _l("Klar – juridiskt hinder finns")


class Stance(LabeledEnum):
    POSITIVE = "positive", _l("Positiv")
    NEUTRAL = "neutral", _l("Avvaktande")
    NEGATIVE = "negative", _l("Negativ")


class MaturityArea(LabeledEnum):
    DATA_QUALITY = "data_quality", _l("Datakvalitet")
    DATA_GOVERNANCE = "data_governance", _l("Data governance")
    TECHNICAL_PLATFORM = "technical_platform", _l("Teknisk plattform")
    ORGANISATION = "organisation", _l("Organisation")


MATURITY_LEVELS = (1, 2, 3, 4)
# Measurement and target values are Numeric(12, 2); counts and percentages stay far below this.
VALUE_MAX = Decimal("999999999")
# A region whose mean level is at most this counts as less mature (D.2: engage them most).
LESS_MATURE_AT_MOST = Decimal("2")


work_package_recommendations = sa.Table(
    "work_package_recommendations",
    db.metadata,
    sa.Column("work_package_id", sa.ForeignKey("work_packages.id"), primary_key=True),
    sa.Column("recommendation_id", sa.ForeignKey("recommendations.id"), primary_key=True),
)

use_case_problem_areas = sa.Table(
    "use_case_problem_areas",
    db.metadata,
    sa.Column("use_case_id", sa.ForeignKey("use_cases.id"), primary_key=True),
    sa.Column("problem_area_id", sa.ForeignKey("problem_areas.id"), primary_key=True),
)


class CodedMixin:
    """Records known by a short code from the report ("A.3", "KPI-D2", "P4")."""

    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    source: Mapped[str] = mapped_column(sa.String(200), default="")


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
    activities = relationship("Activity", back_populates="work_package", order_by="Activity.code")
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
    )
    __permission_area__ = AREA
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


class ActivityUpdate(AuditedMixin, db.Model):
    """A dated progress update with a traffic light, like an assignment's status report."""

    __tablename__ = "activity_updates"
    __record_page__ = RecordPage("competence.activity", "activity_id")
    __log_parents__ = {"activity": "updates"}
    __permission_area__ = AREA
    __field_labels__ = {"is_demo": _l("Demodata"), "activity_id": _l("Aktivitet"), "reported_on": _l("Datum"),
                        "traffic_light": _l("Bedömning"), "progress": _l("Framsteg")}

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"), index=True)
    reported_on: Mapped[date]
    traffic_light: Mapped[TrafficLight] = mapped_column(enum_column(TrafficLight, "traffic_light"))
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    activity = relationship("Activity", back_populates="updates")
    filed_by = relationship("User", foreign_keys="ActivityUpdate.created_by_id")

    def __str__(self) -> str:
        return f"{self.activity.code} {self.reported_on.isoformat()}"


class Kpi(CodedMixin, AuditedMixin, SearchableMixin, db.Model):
    __tablename__ = "kpis"
    __record_page__ = RecordPage("competence.kpi")
    __search_fields__ = ("code", "indicator", "note")
    __permission_area__ = AREA
    __field_labels__ = {
        "code": _l("Id"),
        "work_package_id": _l("Arbetspaket"),
        "indicator": _l("Indikator"),
        "measure": _l("Mäts som"),
        "baseline_date": _l("Baslinje"),
        "derivation": _l("Räknas fram ur registret"),
        "note": _l("Anmärkning"),
        "source": _l("Källa"),
        "targets": _l("Mål"),
        "measurements": _l("Mätvärde"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    work_package_id: Mapped[int] = mapped_column(sa.ForeignKey("work_packages.id"), index=True)
    indicator: Mapped[str] = mapped_column(sa.String(300))
    measure: Mapped[KpiMeasure] = mapped_column(enum_column(KpiMeasure, "kpi_measure"))
    baseline_date: Mapped[date]
    derivation: Mapped[KpiDerivation | None] = mapped_column(enum_column(KpiDerivation, "kpi_derivation"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    work_package = relationship("WorkPackage", back_populates="kpis")
    targets = relationship("KpiTarget", back_populates="kpi", order_by="KpiTarget.months")
    measurements = relationship("KpiMeasurement", back_populates="kpi",
                                order_by="(KpiMeasurement.measured_on, KpiMeasurement.id)")

    @property
    def is_derived(self) -> bool:
        return self.derivation is not None

    def __str__(self) -> str:
        return f"{self.code} {self.indicator}"


class KpiTarget(AuditedMixin, db.Model):
    __tablename__ = "kpi_targets"
    __record_page__ = RecordPage("competence.kpi", "kpi_id")
    __log_parents__ = {"kpi": "targets"}
    __table_args__ = (sa.UniqueConstraint("kpi_id", "months", name="uq_kpi_targets_kpi_months"),)
    __permission_area__ = AREA
    __field_labels__ = {"kpi_id": _l("Indikator"), "months": _l("Månader efter baslinjen"), "kind": _l("Typ av mål"),
                        "comparison": _l("Jämförelse"), "value": _l("Värde"), "low": _l("Från"),
                        "high": _l("Till"), "text": _l("Mål")}

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpis.id"), index=True)
    months: Mapped[int]
    kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind, "target_kind"))
    comparison: Mapped[str | None] = mapped_column(sa.String(2))
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    low: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    high: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    text: Mapped[str] = mapped_column(sa.String(300), default="")

    kpi = relationship("Kpi", back_populates="targets")

    def rule(self) -> Target:
        return Target(months=self.months, kind=self.kind, text=self.text, comparison=self.comparison,
                      value=self.value, low=self.low, high=self.high)

    def __str__(self) -> str:
        return f"{self.kpi.code}: {self.text}"


class KpiMeasurement(AuditedMixin, db.Model):
    """A typed measurement; `created_by` is who entered it. Derived KPIs have none: they are counted."""

    __tablename__ = "kpi_measurements"
    __record_page__ = RecordPage("competence.kpi", "kpi_id")
    __log_parents__ = {"kpi": "measurements"}
    __permission_area__ = AREA
    __field_labels__ = {"is_demo": _l("Demodata"), "kpi_id": _l("Indikator"), "measured_on": _l("Mätdatum"),
                        "value": _l("Värde"), "target_id": _l("Milstolpe"),
                        "milestone_reached": _l("Milstolpen nådd"), "comment": _l("Kommentar"),
                        "source": _l("Källa")}

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpis.id"), index=True)
    measured_on: Mapped[date]
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    # A milestone measurement says whether the milestone of one target was reached.
    target_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kpi_targets.id"))
    milestone_reached: Mapped[bool | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    kpi = relationship("Kpi", back_populates="measurements")
    target = relationship("KpiTarget")
    entered_by = relationship("User", foreign_keys="KpiMeasurement.created_by_id")

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.measured_on.isoformat()}"


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


class RegionStance(AuditedMixin, db.Model):
    """A region's stance to a common health-data hub on a date (the latest one counts)."""

    __tablename__ = "region_stances"
    __record_page__ = RecordPage("competence.stances", id_attr=None)
    __permission_area__ = AREA
    __field_labels__ = {"is_demo": _l("Demodata"), "organisation_id": _l("Region"), "stance": _l("Inställning"),
                        "recorded_on": _l("Datum"), "source": _l("Källa"), "note": _l("Kommentar")}

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    stance: Mapped[Stance] = mapped_column(enum_column(Stance, "stance"))
    recorded_on: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    organisation = relationship("Organisation")

    def __str__(self) -> str:
        return f"{self.organisation} {self.recorded_on.isoformat()}"


class MaturityAssessment(AuditedMixin, db.Model):
    """A region's data-maturity level (1–4) in one area on a date (002 §2.3.2)."""

    __tablename__ = "maturity_assessments"
    __record_page__ = RecordPage("competence.maturity", id_attr=None)
    __table_args__ = (sa.CheckConstraint("level BETWEEN 1 AND 4", name="level_1_to_4"),)
    __permission_area__ = AREA
    __field_labels__ = {"is_demo": _l("Demodata"), "organisation_id": _l("Region"), "area": _l("Område"),
                        "level": _l("Nivå"),
                        "assessed_on": _l("Datum"), "source": _l("Källa")}

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    area: Mapped[MaturityArea] = mapped_column(enum_column(MaturityArea, "maturity_area"))
    level: Mapped[int]
    assessed_on: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    organisation = relationship("Organisation")

    def __str__(self) -> str:
        return f"{self.organisation} {self.area.label} {self.level}"
