"""The KPIs' pages: the list, a KPI with its chart, measurements and targets, and the records behind a
derived KPI's number."""

from datetime import date

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.competence.blueprint import bp, date_arg
from app.competence.kpis import derived, operations, queries
from app.competence.kpis.charts import kpi_chart
from app.competence.kpis.forms import KpiForm, KpiTargetForm, MeasurementForm, NewKpiForm
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.status import CHECKPOINT_MONTHS, follow_up, load_kpis
from app.competence.kpis.targets import TargetStatus
from app.competence.plan import queries as plan_queries
from app.core.args import Args, BadArgument
from app.core.crud import archive_page, create_page, edit_page, history, load, require, save
from app.core.pagination import paginate
from app.extensions import db


@bp.route("/kpis")
def kpis():
    """Every KPI with its targets; `?months=12&status=met` narrows it to the targets with that status at
    that checkpoint (the dashboard's figures link here)."""
    require("view", Kpi)
    today = date.today()
    args = Args()
    status = args.choice("status", TargetStatus)
    months = args.word("months", [str(m) for m in CHECKPOINT_MONTHS], "")
    if bool(status) != bool(months):
        raise BadArgument("months" if status else "status", "is needed with the other (a status at a checkpoint)")
    results = follow_up(load_kpis(), today, series=False)
    if status:
        results = [r for r in results if r.at(int(months)).status == status]
    return render_template("competence/kpis.html", results=results, today=today, months=CHECKPOINT_MONTHS,
                           chosen_status=status, chosen_months=int(months) if months else None)


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
    today = date.today()
    result = follow_up(kpis, today)[0]
    return render_template("competence/kpi.html", kpi=item, result=result, chart=kpi_chart(result, today),
                           today=today, measurements=[] if item.is_derived else queries.measurements_page(item),
                           rule=derived.RULES.get(item.derivation),
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
    form.work_package_id.set_choices(plan_queries.packages())
    return create_page(form, operations.create_kpi, "competence/kpi_form.html",
                       lambda k: url_for(".kpi", record_id=k.id), _("Indikatorn har sparats. Sätt nu dess mål."),
                       kpi=None)


@bp.route("/kpis/<int:record_id>/archive", methods=["POST"])
def archive_kpi(record_id: int):
    return archive_page(Kpi, record_id, ".kpi")


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


@bp.route("/kpis/<int:record_id>/records")
def kpi_records(record_id: int):
    """The records behind a derived KPI's number on a date."""
    item = load(Kpi, record_id)
    require("view", item)
    if not item.is_derived:
        abort(404)
    on = date_arg("on", date.today())
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
