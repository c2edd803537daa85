"""KPIs (002 §3.3) with their targets at 6, 12 and 24 months and their measurements."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.competence.common import AREA, CodedMixin
from app.competence.kpis.targets import Target, TargetKind
from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage, SearchableMixin
from app.extensions import db


class KpiMeasure(LabeledEnum):
    """What a KPI's measurements hold: a count, a percentage, or whether a milestone is reached."""

    NUMBER = "number", _l("Antal")
    PERCENTAGE = "percentage", _l("Andel (%)")
    MILESTONE = "milestone", _l("Milstolpe")


class KpiDerivation(LabeledEnum):
    """KPIs the register counts by itself (app/competence/kpis/derived.py holds the rules)."""

    MEETINGS_REGIONS = "meetings_regions", _l("Möten med regionrepresentanter")
    MEETINGS_AUTHORITIES = "meetings_authorities", _l("Möten med myndigheter")
    USE_CASES_PRIORITISED = "use_cases_prioritised", _l("Prioriterade användningsfall")
    STAFFING = "staffing", _l("Bemanning i kompetenscentrum")
    REGIONS_POSITIVE = "regions_positive", _l("Andel regioner positiva till vårddatahubb")


# Measurement and target values are Numeric(12, 2); counts and percentages stay far below this.
VALUE_MAX = Decimal("999999999")


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
    # A KPI's latest measurement on or before a day (for one milestone, too) is one step back from the day in
    # this index, however many measurements there are (kpis/queries.py).
    __table_args__ = (
        sa.Index("ix_kpi_measurements_latest", "kpi_id", "measured_on", "id", "archived_at", "target_id"),
    )
    __permission_area__ = AREA
    __field_labels__ = {"is_demo": _l("Demodata"), "kpi_id": _l("Indikator"), "measured_on": _l("Mätdatum"),
                        "value": _l("Värde"), "target_id": _l("Milstolpe"),
                        "milestone_reached": _l("Milstolpen nådd"), "comment": _l("Kommentar"),
                        "source": _l("Källa")}

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpis.id"))
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


