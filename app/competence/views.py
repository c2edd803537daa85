"""The competence centre's follow-up: dashboard, work packages, activities and timeline, KPIs,
use cases, the regions' stance and data maturity, and the printable follow-up report."""

import re
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.assignments.models import Assignment
from app.competence import derived, operations
from app.competence.charts import kpi_chart, timeline
from app.competence.forms import (
    ActivityForm,
    ActivityUpdateForm,
    KpiForm,
    KpiTargetForm,
    MaturityForm,
    MeasurementForm,
    NewKpiForm,
    PriorityVersionForm,
    StanceForm,
    UseCaseForm,
    WorkPackageForm,
)
from app.competence.models import (
    LESS_MATURE_AT_MOST,
    Activity,
    ActivityStatus,
    ActivityUpdate,
    Kpi,
    KpiDerivation,
    KpiMeasure,
    KpiMeasurement,
    KpiTarget,
    MaturityArea,
    MaturityAssessment,
    ProblemArea,
    Recommendation,
    RegionStance,
    UseCase,
    UseCasePriorityEntry,
    UseCasePriorityVersion,
    WorkPackage,
)
from app.competence.quarters import Quarter
from app.competence.queries import effective_status_in, late_on
from app.competence.report import REPORT_MONTHS, report_data, report_xlsx
from app.competence.status import (
    CHECKPOINT_MONTHS,
    follow_up,
    load_kpis,
    next_checkpoint_months,
    package_progress,
    status_counts,
)
from app.competence.targets import TargetStatus, checkpoint
from app.core.args import Args
from app.core.crud import (
    archive_page,
    create_page,
    edit_page,
    history,
    load,
    require,
    save,
)
from app.core.pagination import paginate
from app.core.pdf import pdf_response, render_pdf, safe_filename
from app.core.routing import int_arg
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.picker.queries import offer

bp = Blueprint("competence", __name__, url_prefix="/competence", template_folder="templates")

# The plan runs "up to July 2026" (002 Figure 6); the timeline always shows at least that far.
PLAN_HORIZON = Quarter(2026, 3)


def _today() -> date:
    return date.today()


def code_key(code: str) -> tuple:
    """"A.10" after "A.9": numbers in a code sort as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", code))


def _activities(*criteria):
    """Active activities meeting `criteria`, in code order, with what their rows show."""
    rows = db.session.scalars(
        sa.select(Activity).where(Activity.active(), *criteria).options(
            selectinload(Activity.work_package), selectinload(Activity.assignment),
            selectinload(Activity.responsible_group), selectinload(Activity.responsible_person))).all()
    return sorted(rows, key=lambda a: code_key(a.code))


def _next_code(package: WorkPackage) -> str:
    """The code after the package's last activity ("A.5" → "A.6"), as a suggestion."""
    numbers = [int(m[1]) for code in db.session.scalars(sa.select(Activity.code).where(
        Activity.work_package_id == package.id)) if (m := re.fullmatch(rf"{re.escape(package.code)}\.(\d+)", code))]
    return f"{package.code}.{max(numbers, default=0) + 1}"


def _packages():
    return db.session.scalars(sa.select(WorkPackage).where(WorkPackage.active()).order_by(WorkPackage.code)
                              .options(selectinload(WorkPackage.recommendations))).all()


@bp.route("/")
def dashboard():
    require("view", WorkPackage)
    today = _today()
    packages = _packages()
    activities = _activities()
    kpis = load_kpis()
    results = follow_up(kpis, today)
    baseline = min((k.baseline_date for k in kpis), default=None)
    next_months = next_checkpoint_months(baseline, today) if baseline else None
    last_months = max((m for m in CHECKPOINT_MONTHS if baseline and checkpoint(baseline, m) < today), default=None)
    return render_template(
        "competence/dashboard.html", today=today, packages=packages,
        progress=package_progress(packages, activities, today),
        late=[a for a in activities if a.is_late(today)], results=results, next_months=next_months,
        next_due=checkpoint(baseline, next_months) if next_months else None, last_months=last_months,
        last_counts=status_counts(results, last_months) if last_months else None,
        statuses=list(ActivityStatus), target_statuses=list(TargetStatus),
        recent_updates=_recent_updates())


def _recent_updates(limit: int = 8):
    return db.session.scalars(sa.select(ActivityUpdate).where(ActivityUpdate.active())
                              .order_by(ActivityUpdate.reported_on.desc(), ActivityUpdate.id.desc()).limit(limit)
                              .options(selectinload(ActivityUpdate.activity))).all()


# --- Work packages and recommendations

@bp.route("/work-packages")
def work_packages():
    require("view", WorkPackage)
    today = _today()
    packages = _packages()
    recommendations = db.session.scalars(sa.select(Recommendation).where(Recommendation.active())
                                         .order_by(Recommendation.code)).all()
    answered_by = {r.id: [p for p in packages if r in p.recommendations] for r in recommendations}
    return render_template("competence/work_packages.html", packages=packages, recommendations=recommendations,
                           answered_by=answered_by, progress=package_progress(packages, _activities(), today),
                           statuses=list(ActivityStatus))


@bp.route("/work-packages/<int:record_id>")
def work_package(record_id: int):
    package = load(WorkPackage, record_id)
    require("view", package)
    today = _today()
    activities = _activities(Activity.work_package_id == package.id)
    results = follow_up(load_kpis(Kpi.work_package_id == package.id), today)
    return render_template("competence/work_package.html", package=package, activities=activities, today=today,
                           results=results, history=history(package))


@bp.route("/work-packages/<int:record_id>/edit", methods=["GET", "POST"])
def edit_work_package(record_id: int):
    package = load(WorkPackage, record_id)
    require("edit", package)
    form = WorkPackageForm(obj=package)
    form.recommendation_ids.set_choices(db.session.scalars(sa.select(Recommendation).where(
        Recommendation.active()).order_by(Recommendation.code)))
    if request.method == "GET":
        form.recommendation_ids.data = [r.id for r in package.recommendations]
    return edit_page(package, form, operations.update_work_package, "competence/work_package_form.html",
                     url_for(".work_package", record_id=package.id), package=package)


# --- Activities

def _activity_form(form: ActivityForm) -> ActivityForm:
    form.work_package_id.set_choices(_packages())
    offer(form.responsible_group_id)
    offer(form.responsible_person_id)
    # The assignment already linked stays a choice even if it has since been archived.
    linked = form.assignment_id.object_data
    offer(form.assignment_id, stmt=sa.select(Assignment).where(
        sa.or_(Assignment.active(), Assignment.id == (linked or -1))).order_by(Assignment.title, Assignment.id))
    return form


@bp.route("/activities")
def activities():
    require("view", Activity)
    today = _today()
    criteria = []
    a = Args()
    package_id, status, late_only = a.id("work_package"), a.choice("status", ActivityStatus), a.flag("late")
    if package_id:
        criteria.append(Activity.work_package_id == package_id)
    if status:
        criteria.append(effective_status_in({status}))
    if late_only:
        criteria.append(late_on(today))
    rows = _activities(*criteria)
    return render_template("competence/activities.html", activities=rows, packages=_packages(), today=today,
                           statuses=list(ActivityStatus), status=status.value if status else "",
                           package_id=package_id, late_only=late_only)


def _activity_page(record_id: int, form: ActivityUpdateForm | None = None, status: int = 200):
    """An activity's page; after a refused progress update, with the form's messages and text."""
    item = db.session.scalar(sa.select(Activity).where(Activity.id == record_id).options(
        selectinload(Activity.updates).selectinload(ActivityUpdate.filed_by)))
    if item is None:
        abort(404)
    require("view", item)
    return render_template("competence/activity.html", activity=item, today=_today(),
                           update_form=form or ActivityUpdateForm(formdata=None), history=history(item)), status


@bp.route("/activities/<int:record_id>")
def activity(record_id: int):
    return _activity_page(record_id)


@bp.route("/activities/new", methods=["GET", "POST"])
def create_activity():
    require("create", Activity)
    form = _activity_form(ActivityForm())
    package = db.session.get(WorkPackage, int_arg("work_package") or -1)
    if request.method == "GET" and package is not None:
        form.work_package_id.data = package.id
        form.code.data = _next_code(package)
    return create_page(form, operations.create_activity, "competence/activity_form.html",
                       lambda a: url_for(".activity", record_id=a.id), _("Aktiviteten har sparats."), activity=None)


@bp.route("/activities/<int:record_id>/edit", methods=["GET", "POST"])
def edit_activity(record_id: int):
    item = load(Activity, record_id)
    require("edit", item)
    return edit_page(item, _activity_form(ActivityForm(obj=item)), operations.update_activity,
                     "competence/activity_form.html", url_for(".activity", record_id=item.id), activity=item)


@bp.route("/activities/<int:record_id>/archive", methods=["POST"])
def archive_activity(record_id: int):
    return archive_page(Activity, record_id, ".activity")


@bp.route("/activities/<int:record_id>/updates", methods=["POST"])
def add_activity_update(record_id: int):
    item = load(Activity, record_id)
    require("edit", item)
    form = ActivityUpdateForm()
    if form.validate_on_submit() and save(form, lambda: operations.add_activity_update(
            item, form.record_values(), current_user), _("Lägesrapporten har sparats."))[0]:
        return redirect(url_for(".activity", record_id=item.id))
    return _activity_page(item.id, form, 422)


@bp.route("/timeline")
def timeline_page():
    require("view", Activity)
    today = _today()
    rows_activities = _activities()
    quarters, rows = timeline(rows_activities, today, PLAN_HORIZON)
    return render_template("competence/timeline.html", quarters=quarters, rows=rows, today=today,
                           today_quarter=Quarter.of(today))


# --- KPIs

@bp.route("/kpis")
def kpis():
    require("view", Kpi)
    today = _today()
    results = follow_up(load_kpis(), today)
    return render_template("competence/kpis.html", results=results, today=today, months=CHECKPOINT_MONTHS)


def _measurement_form(kpi: Kpi, form: MeasurementForm) -> MeasurementForm:
    form.target_id.set_choices([t for t in kpi.targets if not t.is_archived])
    return form


def _kpi_page(record_id: int, form: MeasurementForm | None = None, status: int = 200):
    """A KPI's page; after a refused measurement, with the form's messages and input."""
    kpis = load_kpis(Kpi.id == record_id, include_archived=True)  # an archived KPI is still readable
    if not kpis:
        abort(404)
    item = kpis[0]
    require("view", item)
    today = _today()
    result = follow_up(kpis, today)[0]
    return render_template("competence/kpi.html", kpi=item, result=result, chart=kpi_chart(result, today),
                           today=today, measurements=list(item.measurements), rule=derived.RULES.get(item.derivation),
                           form=form or _measurement_form(item, MeasurementForm(formdata=None)),
                           history=history(item), milestone=item.measure == KpiMeasure.MILESTONE,
                           form_open=form is not None), status


@bp.route("/kpis/<int:record_id>")
def kpi(record_id: int):
    return _kpi_page(record_id)


@bp.route("/kpis/<int:record_id>/measurements", methods=["POST"])
def add_measurement(record_id: int):
    item = load(Kpi, record_id)
    require("edit", item)
    form = _measurement_form(item, MeasurementForm())
    if form.validate_on_submit():
        saved, _conflict = save(form, lambda: operations.add_measurement(item, form.record_values(), current_user),
                                _("Mätningen har sparats."))
        if saved:
            return redirect(url_for(".kpi", record_id=item.id))
    return _kpi_page(item.id, form, 422)


@bp.route("/kpis/new", methods=["GET", "POST"])
def create_kpi():
    require("create", Kpi)
    form = NewKpiForm()
    form.work_package_id.set_choices(_packages())
    return create_page(form, operations.create_kpi, "competence/kpi_form.html",
                       lambda k: url_for(".kpi", record_id=k.id), _("Indikatorn har sparats. Sätt nu dess mål."),
                       kpi=None)


@bp.route("/kpis/<int:record_id>/archive", methods=["POST"])
def archive_kpi(record_id: int):
    return archive_page(Kpi, record_id, ".kpi")


@bp.route("/use-cases/<int:record_id>/archive", methods=["POST"])
def archive_use_case(record_id: int):
    return archive_page(UseCase, record_id, ".use_case")


@bp.route("/kpis/<int:record_id>/edit", methods=["GET", "POST"])
def edit_kpi(record_id: int):
    item = load(Kpi, record_id)
    require("edit", item)
    return edit_page(item, KpiForm(obj=item), operations.update_kpi, "competence/kpi_form.html",
                     url_for(".kpi", record_id=item.id), kpi=item)


@bp.route("/kpis/<int:record_id>/targets/<int:months>", methods=["GET", "POST"])
def edit_target(record_id: int, months: int):
    """Set or revise the target at one checkpoint; the change log keeps the earlier target."""
    item = load(Kpi, record_id)
    if months not in CHECKPOINT_MONTHS:
        abort(404)
    target = db.session.scalar(sa.select(KpiTarget).where(KpiTarget.kpi_id == item.id, KpiTarget.months == months))
    require("edit", target or item)
    form = KpiTargetForm(obj=target)
    if request.method == "GET" and target is not None:
        form.version.data = target.version
    conflict = None
    if form.validate_on_submit():
        # As edit_page: a post without its version is treated as stale.
        expected = (form.expected_version() or 0) if target is not None else None
        saved, conflict = save(form, lambda: operations.save_target(item, months, form.record_values(), current_user,
                                                                    expected), _("Målet har sparats."))
        if saved:
            return redirect(url_for(".kpi", record_id=item.id))
    return render_template("competence/target_form.html", form=form, kpi=item, months=months, target=target,
                           conflict=conflict, history=history(target) if target else [])


@bp.route("/measurements/<int:record_id>/archive", methods=["POST"])
def archive_measurement(record_id: int):
    return archive_page(KpiMeasurement, record_id, ".kpi", "kpi_id")


def _date_arg(name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default


@bp.route("/kpis/<int:record_id>/records")
def kpi_records(record_id: int):
    """The records behind a derived KPI's number on a date."""
    item = load(Kpi, record_id)
    require("view", item)
    if not item.is_derived:
        abort(404)
    on = _date_arg("on", _today())
    value = derived.values_on(item.derivation, item.baseline_date, [on])[on]
    context = {"kpi": item, "on": on, "value": value, "rule": derived.RULES[item.derivation],
               "centre": derived.competence_centre_group()}
    if item.derivation in derived.MEETING_KINDS:
        context["page"] = paginate(derived.meetings_behind(item.derivation, item.baseline_date, on))
    elif item.derivation == KpiDerivation.STAFFING:
        context["memberships"] = db.session.scalars(derived.memberships_behind(on)).all()
    elif item.derivation == KpiDerivation.USE_CASES_PRIORITISED:
        context["version"] = derived.priority_version_behind(on)
    else:
        context["stances"] = derived.stances_behind(on)
    return render_template("competence/kpi_records.html", **context)


# --- Use cases and problem areas

def _use_case_form(form: UseCaseForm) -> UseCaseForm:
    form.problem_area_ids.set_choices(db.session.scalars(sa.select(ProblemArea).where(ProblemArea.active())
                                                         .order_by(ProblemArea.code)))
    return form


@bp.route("/use-cases")
def use_cases():
    require("view", UseCase)
    cases = db.session.scalars(sa.select(UseCase).where(UseCase.active()).order_by(UseCase.code)
                               .options(selectinload(UseCase.problem_areas))).all()
    areas = db.session.scalars(sa.select(ProblemArea).where(ProblemArea.active()).order_by(ProblemArea.code)).all()
    versions = db.session.scalars(sa.select(UseCasePriorityVersion).where(UseCasePriorityVersion.active())
                                  .order_by(UseCasePriorityVersion.number.desc())
                                  .options(selectinload(UseCasePriorityVersion.entries)
                                           .selectinload(UseCasePriorityEntry.use_case))).all()
    current = next((v for v in versions if v.adopted_on <= _today()), None)
    return render_template("competence/use_cases.html", cases=cases, areas=areas, versions=versions,
                           current=current)


@bp.route("/use-cases/<int:record_id>")
def use_case(record_id: int):
    item = load(UseCase, record_id)
    require("view", item)
    return render_template("competence/use_case.html", use_case=item, history=history(item))


@bp.route("/use-cases/new", methods=["GET", "POST"])
def create_use_case():
    require("create", UseCase)
    return create_page(_use_case_form(UseCaseForm()), operations.create_use_case, "competence/use_case_form.html",
                       lambda u: url_for(".use_case", record_id=u.id), _("Användningsfallet har sparats."),
                       use_case=None)


@bp.route("/use-cases/<int:record_id>/edit", methods=["GET", "POST"])
def edit_use_case(record_id: int):
    item = load(UseCase, record_id)
    require("edit", item)
    form = _use_case_form(UseCaseForm(obj=item))
    if request.method == "GET":
        form.problem_area_ids.data = [p.id for p in item.problem_areas]
    return edit_page(item, form, operations.update_use_case, "competence/use_case_form.html",
                     url_for(".use_case", record_id=item.id), use_case=item)


@bp.route("/use-cases/priorities/new", methods=["GET", "POST"])
def new_priority_version():
    require("create", UseCasePriorityVersion)
    cases = db.session.scalars(sa.select(UseCase).where(UseCase.active()).order_by(UseCase.code)).all()
    form = PriorityVersionForm()
    offer(form.decision_id)
    latest = operations.latest_priority_version()
    places = {}  # use-case id -> the place typed (kept as typed on error)
    place_errors = {}
    if request.method == "POST":
        for case in cases:
            places[case.id] = request.form.get(f"place-{case.id}", "").strip()
    elif latest is not None:
        places = {e.use_case_id: str(e.position) for e in latest.entries}
    if form.validate_on_submit():
        ranking = _ranking(places, place_errors)
        if not place_errors:
            if save(form, lambda: operations.adopt_priority_list(ranking, form.record_values(), current_user),
                    _("En ny version av prioriteringslistan har fastställts."))[0]:
                return redirect(url_for(".use_cases"))
        else:
            form.form_errors.append(_("Rätta platserna i listan."))
    return render_template("competence/priority_form.html", form=form, cases=cases, places=places,
                           place_errors=place_errors, latest=latest, conflict=None)


def _ranking(places: dict, errors: dict) -> list[int]:
    """Use-case ids ordered by the places typed; blank means not prioritised."""
    chosen = {}
    for case_id, text in places.items():
        if not text:
            continue
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 999:
            errors[case_id] = _("Ange en plats som ett heltal från 1, eller lämna tomt.")
            continue
        chosen[case_id] = int(text)
    seen = {}
    for case_id, place in chosen.items():
        if place in seen:
            errors[case_id] = _("Platsen %(place)s är redan given till ett annat användningsfall.", place=place)
        seen.setdefault(place, case_id)
    if not chosen and not errors:
        errors[0] = _("Ge minst ett användningsfall en plats i listan.")
    return [case_id for case_id, _place in sorted(chosen.items(), key=lambda kv: kv[1])]


@bp.route("/use-cases/priorities/<int:record_id>/archive", methods=["POST"])
def archive_priority_version(record_id: int):
    """A version adopted by mistake is archived (it then counts for nothing) and can be restored."""
    return archive_page(UseCasePriorityVersion, record_id, ".priority_version")


@bp.route("/use-cases/priorities/<int:record_id>")
def priority_version(record_id: int):
    version = load(UseCasePriorityVersion, record_id)
    require("view", version)
    previous = db.session.scalar(sa.select(UseCasePriorityVersion).where(
        UseCasePriorityVersion.number < version.number, UseCasePriorityVersion.active())
        .order_by(UseCasePriorityVersion.number.desc()).limit(1))
    before = {e.use_case_id: e.position for e in previous.entries} if previous else {}
    return render_template("competence/priority_version.html", version=version, previous=previous, before=before,
                           history=history(version))


# --- Regions: stance and maturity

def _regions():
    return db.session.scalars(sa.select(Organisation).where(Organisation.kind == OrganisationKind.REGION,
                                                            Organisation.active())
                              .order_by(Organisation.name_sort)).all()


@bp.route("/regions/stances", methods=["GET", "POST"])
def stances():
    require("view", RegionStance)
    today = _today()
    form = StanceForm()  # a POST fills it, and a GET only when it is its picker's search
    form.organisation_id.set_choices(_regions())
    if request.method == "POST":
        require("create", RegionStance)
        if form.validate_on_submit() and save(form, lambda: operations.add_stance(form.record_values(), current_user),
                                              _("Inställningen har sparats."))[0]:
            return redirect(url_for(".stances"))
    on = _date_arg("on", today)
    rows = derived.stances_behind(on)
    share = derived.values_on(KpiDerivation.REGIONS_POSITIVE, on, [on])[on]
    history_rows = paginate(sa.select(RegionStance).where(RegionStance.active())
                            .order_by(RegionStance.recorded_on.desc(), RegionStance.id.desc())
                            .options(selectinload(RegionStance.organisation)))
    kpi_id = db.session.scalar(sa.select(Kpi.id).where(Kpi.derivation == KpiDerivation.REGIONS_POSITIVE,
                                                       Kpi.active()).limit(1))
    return render_template("competence/stances.html", form=form, rows=rows, on=on, share=share, page=history_rows,
                           kpi_id=kpi_id, conflict=None), (422 if form.errors or form.form_errors else 200)


@bp.route("/regions/maturity", methods=["GET", "POST"])
def maturity():
    require("view", MaturityAssessment)
    today = _today()
    form = MaturityForm()  # a POST fills it, and a GET only when it is its picker's search
    regions = _regions()
    form.organisation_id.set_choices(regions)
    if request.method == "POST":
        require("create", MaturityAssessment)
        if form.validate_on_submit() and save(form, lambda: operations.add_maturity(form.record_values(),
                                                                                     current_user),
                                              _("Bedömningen har sparats."))[0]:
            return redirect(url_for(".maturity"))
    matrix = _maturity_matrix(regions, today)
    less_mature = [r for r in regions if matrix[r.id]["mean"] is not None
                   and matrix[r.id]["mean"] <= float(LESS_MATURE_AT_MOST)]
    meetings = derived.meetings_per_organisation([r.id for r in less_mature], today)
    sources = sorted({c.source for row in matrix.values() for c in row["cells"].values() if c.source})
    return render_template("competence/maturity.html", form=form, regions=regions, matrix=matrix, sources=sources,
                           areas=list(MaturityArea), less_mature=less_mature, meetings=meetings,
                           limit=LESS_MATURE_AT_MOST, conflict=None), (422 if form.errors or form.form_errors else 200)


def _maturity_matrix(regions, today: date) -> dict:
    """Per region, the latest assessment in each area (one query)."""
    rows = db.session.scalars(sa.select(MaturityAssessment).where(MaturityAssessment.active(),
                                                                  MaturityAssessment.assessed_on <= today)
                              .order_by(MaturityAssessment.assessed_on, MaturityAssessment.id)).all()
    matrix = {r.id: {"cells": {}, "mean": None} for r in regions}
    for row in rows:
        if row.organisation_id in matrix:
            matrix[row.organisation_id]["cells"][row.area] = row
    for entry in matrix.values():
        levels = [c.level for c in entry["cells"].values()]
        entry["mean"] = round(sum(levels) / len(levels), 1) if levels else None
    return matrix


# --- The follow-up report for a checkpoint

@bp.route("/report")
def report():
    require("view", Kpi)
    months = int_arg("months") or 6
    if months not in REPORT_MONTHS:
        abort(404)
    today = _today()
    data = report_data(months, today, _packages(), _activities(), follow_up(load_kpis(), today))
    if request.args.get("format") == "xlsx":
        body = report_xlsx(data)
        filename = f"uppfoljning-{months}-manader-{today.isoformat()}.xlsx"
        return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    if request.args.get("format") == "pdf":
        body = render_pdf("competence/report_pdf.html", data=data, months=months, today=today,
                          running_title=_("Kompetenscentrum"), running_number=None)
        return pdf_response(body, safe_filename(f"uppfoljning-{months}-manader", today))
    return render_template("competence/report.html", data=data, months=months, months_choices=REPORT_MONTHS,
                           today=today)
