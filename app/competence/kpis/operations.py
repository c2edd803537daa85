"""Writes for the KPIs, with the rules that keep their figures trustworthy."""

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.competence.kpis.models import VALUE_MAX, Kpi, KpiDerivation, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.targets import Target, TargetError, TargetKind
from app.competence.plan.models import WorkPackage
from app.competence.quarters import FIRST_YEAR
from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db

# --- KPI measurements

def check_measurement(kpi: Kpi, values: dict) -> None:
    """The rules for a typed measurement; each names the field to flag."""
    if kpi.is_archived:
        raise BusinessRuleError(_l("Indikatorn är arkiverad. Återställ den först."))
    if kpi.is_derived:
        raise BusinessRuleError(_l("Det här måttet räknas fram ur registret och kan inte matas in för hand."))
    measured_on = values.get("measured_on")
    if measured_on is None:
        raise BusinessRuleError(_l("Ange mätdatum."), "measured_on")
    if measured_on < kpi.baseline_date:
        raise BusinessRuleError(_l("Mätdatum kan inte ligga före baslinjen (%(baseline)s).",
                                   baseline=kpi.baseline_date.isoformat()), "measured_on")
    if measured_on > date.today():
        raise BusinessRuleError(_l("Mätdatum kan inte ligga i framtiden."), "measured_on")
    value: Decimal | None = values.get("value")
    if kpi.measure == KpiMeasure.MILESTONE:
        if value is not None:
            raise BusinessRuleError(_l("Måttet följs upp med milstolpar: ange om milstolpen är nådd, inte ett tal."),
                                    "value")
        target = db.session.get(KpiTarget, values.get("target_id") or -1)
        if target is None or target.kpi_id != kpi.id or target.is_archived:
            raise BusinessRuleError(_l("Välj vilken milstolpe mätningen gäller."), "target_id")
        if values.get("milestone_reached") is None:
            raise BusinessRuleError(_l("Ange om milstolpen är nådd."), "milestone_reached")
        return
    if values.get("target_id") or values.get("milestone_reached") is not None:
        raise BusinessRuleError(_l("Måttet följs upp med ett tal, inte med en milstolpe. Ange ett värde."), "value")
    if value is None:
        raise BusinessRuleError(_l("Ange ett värde."), "value")
    if value < 0:
        raise BusinessRuleError(_l("Värdet kan inte vara negativt."), "value")
    if value > VALUE_MAX:
        raise BusinessRuleError(_l("Värdet är orimligt stort."), "value")
    if kpi.measure == KpiMeasure.PERCENTAGE and value > 100:
        raise BusinessRuleError(_l("En andel kan inte vara mer än 100 %."), "value")


def add_measurement(kpi: Kpi, values: dict, user) -> KpiMeasurement:
    check_measurement(kpi, values)
    return ops.create(KpiMeasurement(kpi_id=kpi.id), user, **values)


# --- KPIs and their targets

def update_kpi(kpi: Kpi, values: dict, user, expected_version=None) -> dict:
    ops.check_version(kpi, expected_version)
    _check_baseline(values.get("baseline_date"))
    earliest = db.session.scalar(sa.select(sa.func.min(KpiMeasurement.measured_on)).where(
        KpiMeasurement.kpi_id == kpi.id, KpiMeasurement.active()))
    if earliest and values.get("baseline_date") and values["baseline_date"] > earliest:
        raise BusinessRuleError(_l("Det finns mätningar från %(day)s; baslinjen kan inte ligga efter dem.",
                                   day=earliest.isoformat()), "baseline_date")
    return ops.update(kpi, user, values)


# What each derived KPI counts: a number, or (regions positive) a percentage.
DERIVED_MEASURE = {derivation: KpiMeasure.NUMBER for derivation in KpiDerivation} | {
    KpiDerivation.REGIONS_POSITIVE: KpiMeasure.PERCENTAGE}


def create_kpi(values: dict, user) -> Kpi:
    values = dict(values)
    if db.session.scalar(sa.select(Kpi.id).where(Kpi.code == values.get("code"))):
        raise BusinessRuleError(_l("Det finns redan en indikator med det id:t."), "code")
    if db.session.get(WorkPackage, values.get("work_package_id") or -1) is None:
        raise BusinessRuleError(_l("Välj ett arbetspaket."), "work_package_id")
    derivation = values.get("derivation")
    if derivation is not None and values.get("measure") != DERIVED_MEASURE[derivation]:
        raise BusinessRuleError(_l("%(derivation)s räknas som %(measure)s.", derivation=derivation.label,
                                   measure=DERIVED_MEASURE[derivation].label), "measure")
    _check_baseline(values.get("baseline_date"))
    return ops.create(Kpi(), user, **values)


def _check_baseline(baseline) -> None:
    latest_allowed = date.today() + timedelta(days=5 * 366)
    if baseline is not None and not date(FIRST_YEAR, 1, 1) <= baseline <= latest_allowed:
        raise BusinessRuleError(_l("Ange en baslinje mellan %(first)s och %(last)s.", first=f"{FIRST_YEAR}-01-01",
                                   last=latest_allowed.isoformat()), "baseline_date")


TARGET_KINDS_FOR = {
    KpiMeasure.NUMBER: (TargetKind.NUMBER, TargetKind.RANGE),
    KpiMeasure.PERCENTAGE: (TargetKind.PERCENTAGE, TargetKind.RANGE),
    KpiMeasure.MILESTONE: (TargetKind.MILESTONE,),
}


def _check_target(kpi: Kpi, months: int, values: dict) -> None:
    if kpi.is_archived:
        raise BusinessRuleError(_l("Indikatorn är arkiverad. Återställ den först."))
    for field in ("value", "low", "high"):
        if values.get(field) is not None and not 0 <= values[field] <= VALUE_MAX:
            raise BusinessRuleError(_l("Ange ett värde från 0 och uppåt."), field)
    kind = values.get("kind")
    if kind not in TARGET_KINDS_FOR[kpi.measure]:
        raise BusinessRuleError(_l("Måttet mäts som %(measure)s; välj en typ av mål som passar det.",
                                   measure=kpi.measure.label), "kind")
    if kind in (TargetKind.NUMBER, TargetKind.PERCENTAGE):
        if not values.get("comparison"):
            raise BusinessRuleError(_l("Välj en jämförelse, t.ex. >."), "comparison")
        if values.get("value") is None:
            raise BusinessRuleError(_l("Ange målvärdet."), "value")
        if kind == TargetKind.PERCENTAGE and not 0 <= values["value"] <= 100:
            raise BusinessRuleError(_l("En andel ligger mellan 0 och 100 %."), "value")
        values.update(low=None, high=None)
    elif kind == TargetKind.RANGE:
        if values.get("low") is None:
            raise BusinessRuleError(_l("Ange intervallets början."), "low")
        if values.get("high") is None:
            raise BusinessRuleError(_l("Ange intervallets slut."), "high")
        if values["high"] < values["low"]:
            raise BusinessRuleError(_l("Intervallets slut kan inte vara mindre än dess början."), "high")
        values.update(comparison=None, value=None)
    else:
        values.update(comparison=None, value=None, low=None, high=None)
    try:
        Target(months=months, kind=kind, text=values.get("text") or "", comparison=values.get("comparison"),
               value=values.get("value"), low=values.get("low"), high=values.get("high"))
    except TargetError as err:  # the rules above should have caught it; never save what cannot be evaluated
        raise BusinessRuleError(str(err), "kind") from None


def save_target(kpi: Kpi, months: int, values: dict, user, expected_version=None) -> KpiTarget:
    """Set the KPI's target at a checkpoint (a revised target is logged like any change)."""
    values = dict(values)
    _check_target(kpi, months, values)
    target = db.session.scalar(sa.select(KpiTarget).where(KpiTarget.kpi_id == kpi.id, KpiTarget.months == months))
    if target is None:
        return ops.create(KpiTarget(kpi_id=kpi.id, months=months), user, **values)
    ops.check_version(target, expected_version)
    if target.is_archived:
        ops.restore(target, user)
    ops.update(target, user, values)
    return target
