"""Writes for the competence centre's follow-up, with the rules that keep its figures trustworthy."""

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.assignments.models import Assignment
from app.competence.models import (
    VALUE_MAX,
    Activity,
    ActivityUpdate,
    Kpi,
    KpiDerivation,
    KpiMeasure,
    KpiMeasurement,
    KpiTarget,
    MaturityAssessment,
    ProblemArea,
    Recommendation,
    RegionStance,
    UseCase,
    UseCasePriorityEntry,
    UseCasePriorityVersion,
    WorkPackage,
)
from app.competence.quarters import FIRST_YEAR, Quarter
from app.competence.targets import Target, TargetError, TargetKind
from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db
from app.groups.models import Group
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import Person

# --- Activities

def _check_activity(values: dict) -> None:
    for field in ("start_quarter", "end_quarter"):
        if values.get(field) and Quarter.parse(values[field]) is None:
            raise BusinessRuleError(_l("Ange kvartalet som till exempel 2025-Q3."), field)
    start, end = Quarter.parse(values.get("start_quarter")), Quarter.parse(values.get("end_quarter"))
    if start and end and end < start:
        raise BusinessRuleError(_l("Aktiviteten kan inte sluta (%(end)s) innan den börjar (%(start)s).",
                                   end=end.label, start=start.label), "end_quarter")
    if values.get("open_ended") and end:
        raise BusinessRuleError(_l("En löpande aktivitet har inget slutkvartal. Töm fältet eller ta bort "
                                   "markeringen Löpande."), "end_quarter")
    for field, model in (("responsible_group_id", Group), ("responsible_person_id", Person),
                         ("assignment_id", Assignment)):
        if values.get(field) and db.session.get(model, values[field]) is None:
            raise BusinessRuleError(_l("Välj ett alternativ i listan."), field)
    # Store the canonical form so that text comparison keeps time order.
    for field, quarter in (("start_quarter", start), ("end_quarter", end)):
        if field in values:
            values[field] = quarter.key if quarter else None


def create_activity(values: dict, user) -> Activity:
    _check_activity(values)
    if db.session.scalar(sa.select(Activity.id).where(Activity.code == values.get("code"))):
        raise BusinessRuleError(_l("Det finns redan en aktivitet med det id:t."), "code")
    return ops.create(Activity(), user, **values)


PLAN_FIELDS = ("start_quarter", "end_quarter", "open_ended")


def update_activity(activity: Activity, values: dict, user, expected_version=None) -> dict:
    ops.check_version(activity, expected_version)
    if activity.is_archived:
        raise BusinessRuleError(_l("Aktiviteten är arkiverad. Återställ den först."))
    # The plan's rules hold for the record as it will be, not only for the fields posted.
    merged = {field: getattr(activity, field) for field in PLAN_FIELDS} | values
    _check_activity(merged)
    values = {key: merged[key] for key in values}
    if db.session.scalar(sa.select(Activity.id).where(Activity.code == values.get("code"),
                                                      Activity.id != activity.id)):
        raise BusinessRuleError(_l("Det finns redan en aktivitet med det id:t."), "code")
    return ops.update(activity, user, values)


def add_activity_update(activity: Activity, values: dict, user) -> ActivityUpdate:
    if activity.is_archived:
        raise BusinessRuleError(_l("Aktiviteten är arkiverad."))
    if values.get("reported_on") and values["reported_on"] > date.today():
        raise BusinessRuleError(_l("En lägesrapport kan inte dateras i framtiden."), "reported_on")
    return ops.create(ActivityUpdate(activity_id=activity.id), user, **values)


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


# --- Use cases and their priority list

def _check_use_case_code(values: dict, own_id: int | None = None) -> None:
    values["code"] = (values.get("code") or "").strip()
    if db.session.scalar(sa.select(UseCase.id).where(UseCase.code == values["code"], UseCase.id != (own_id or -1))):
        raise BusinessRuleError(_l("Det finns redan ett användningsfall med det id:t."), "code")


def create_use_case(values: dict, user) -> UseCase:
    values = dict(values)
    problem_area_ids = values.pop("problem_area_ids", None)
    _check_use_case_code(values)
    use_case = ops.create(UseCase(), user, **values)
    ops.set_links(use_case, user, {"problem_areas": (ProblemArea, problem_area_ids)})
    return use_case


def update_use_case(use_case: UseCase, values: dict, user, expected_version=None) -> dict:
    values = dict(values)
    problem_area_ids = values.pop("problem_area_ids", None)
    ops.check_version(use_case, expected_version)
    _check_use_case_code(values, use_case.id)
    changes = ops.update(use_case, user, values)
    changes |= ops.set_links(use_case, user, {"problem_areas": (ProblemArea, problem_area_ids)})
    return changes


# --- Work packages

def update_work_package(package: WorkPackage, values: dict, user, expected_version=None) -> dict:
    values = dict(values)
    recommendation_ids = values.pop("recommendation_ids", None)
    ops.check_version(package, expected_version)
    changes = ops.update(package, user, values)
    changes |= ops.set_links(package, user, {"recommendations": (Recommendation, recommendation_ids)})
    return changes


def latest_priority_version() -> UseCasePriorityVersion | None:
    return db.session.scalar(sa.select(UseCasePriorityVersion).where(UseCasePriorityVersion.active())
                             .order_by(UseCasePriorityVersion.number.desc()).limit(1))


def adopt_priority_list(ranking: list[int], values: dict, user) -> UseCasePriorityVersion:
    """A new version of the prioritised list: `ranking` holds use-case ids, first is most important."""
    if not ranking:
        raise BusinessRuleError(_l("Ge minst ett användningsfall en plats i listan."), "ranking")
    if len(set(ranking)) != len(ranking):
        raise BusinessRuleError(_l("Ett användningsfall kan bara stå på en plats."), "ranking")
    known = set(db.session.scalars(sa.select(UseCase.id).where(UseCase.id.in_(ranking), UseCase.active())))
    if known != set(ranking):
        raise BusinessRuleError(_l("Listan innehåller ett användningsfall som inte finns."), "ranking")
    if values.get("adopted_on") is None:
        raise BusinessRuleError(_l("Ange när listan fastställdes."), "adopted_on")
    if values["adopted_on"] > date.today():
        raise BusinessRuleError(_l("En version kan inte fastställas i framtiden."), "adopted_on")
    latest = latest_priority_version()
    if latest is not None and values["adopted_on"] < latest.adopted_on:
        raise BusinessRuleError(_l("En ny version kan inte fastställas före den förra (%(day)s).",
                                   day=latest.adopted_on.isoformat()), "adopted_on")
    # Numbers are never reused, not even after an archived version.
    number = (db.session.scalar(sa.select(sa.func.max(UseCasePriorityVersion.number))) or 0) + 1
    version = ops.create(UseCasePriorityVersion(), user, number=number, **values)
    # The ranking is what the version is about: its entries go into the version's history as one line.
    codes = dict(db.session.execute(sa.select(UseCase.id, UseCase.code).where(UseCase.id.in_(ranking))).all())
    ops.add_children(version, [UseCasePriorityEntry(version_id=version.id, position=position, use_case_id=use_case_id)
                               for position, use_case_id in enumerate(ranking, start=1)], user, "entries", ranking,
                     ", ".join(f"{n}. {codes[i]}" for n, i in enumerate(ranking, start=1)))
    return version


# --- Regions: stance to a common hub and data maturity

def _check_region(values: dict) -> None:
    org = db.session.get(Organisation, values.get("organisation_id") or -1)
    if org is None or org.kind != OrganisationKind.REGION or org.is_archived:
        raise BusinessRuleError(_l("Välj en region."), "organisation_id")


def add_stance(values: dict, user) -> RegionStance:
    _check_region(values)
    if values.get("recorded_on") and values["recorded_on"] > date.today():
        raise BusinessRuleError(_l("Datumet kan inte ligga i framtiden."), "recorded_on")
    return ops.create(RegionStance(), user, **values)


def add_maturity(values: dict, user) -> MaturityAssessment:
    _check_region(values)
    if values.get("level") not in (1, 2, 3, 4):
        raise BusinessRuleError(_l("Nivån är 1, 2, 3 eller 4."), "level")
    if values.get("assessed_on") and values["assessed_on"] > date.today():
        raise BusinessRuleError(_l("Datumet kan inte ligga i framtiden."), "assessed_on")
    return ops.create(MaturityAssessment(), user, **values)
