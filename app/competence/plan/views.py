"""The plan's pages: work packages and recommendations, activities with progress updates, the timeline."""

from datetime import date

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.assignments.models import Assignment
from app.competence.blueprint import bp
from app.competence.kpis.models import Kpi
from app.competence.kpis.status import follow_up, load_kpis
from app.competence.plan import operations
from app.competence.plan import queries as plan_queries
from app.competence.plan.forms import ActivityForm, ActivityUpdateForm, WorkPackageForm
from app.competence.plan.models import Activity, ActivityStatus, Recommendation, WorkPackage
from app.competence.plan.queries import effective_status_in, late_on, package_progress
from app.competence.plan.timeline import timeline
from app.competence.quarters import Quarter
from app.core.args import Args
from app.core.crud import archive_page, create_page, edit_page, history, load, require, save
from app.core.routing import int_arg
from app.extensions import db
from app.picker.queries import offer

# The plan runs "up to July 2026" (002 Figure 6); the timeline always shows at least that far.
PLAN_HORIZON = Quarter(2026, 3)


# --- Work packages and recommendations

@bp.route("/work-packages")
def work_packages():
    require("view", WorkPackage)
    today = date.today()
    packages = plan_queries.packages(with_recommendations=True)
    recommendations = db.session.scalars(sa.select(Recommendation).where(Recommendation.active())
                                         .order_by(Recommendation.code)).all()
    answered_by = {r.id: [p for p in packages if r in p.recommendations] for r in recommendations}
    return render_template("competence/work_packages.html", packages=packages, recommendations=recommendations,
                           answered_by=answered_by,
                           progress=package_progress(packages, plan_queries.activities(), today),
                           statuses=list(ActivityStatus))


@bp.route("/work-packages/<int:record_id>")
def work_package(record_id: int):
    package = load(WorkPackage, record_id)
    require("view", package)
    today = date.today()
    activities = plan_queries.activities(Activity.work_package_id == package.id)
    results = follow_up(load_kpis(Kpi.work_package_id == package.id), today, series=False)
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
    form.work_package_id.set_choices(plan_queries.packages())
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
    today = date.today()
    criteria = []
    a = Args()
    package_id, status, late_only = a.id("work_package"), a.choice("status", ActivityStatus), a.flag("late")
    if package_id:
        criteria.append(Activity.work_package_id == package_id)
    if status:
        criteria.append(effective_status_in({status}))
    if late_only:
        criteria.append(late_on(today))
    rows = plan_queries.activities(*criteria)
    return render_template("competence/activities.html", activities=rows, packages=plan_queries.packages(),
                           today=today, statuses=list(ActivityStatus), status=status.value if status else "",
                           package_id=package_id, late_only=late_only)


def _activity_page(record_id: int, form: ActivityUpdateForm | None = None, status: int = 200):
    """An activity's page; after a refused progress update, with the form's messages and text."""
    item = load(Activity, record_id)
    require("view", item)
    return render_template("competence/activity.html", activity=item, today=date.today(),
                           updates=plan_queries.updates_page(item),
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
        form.code.data = plan_queries.next_code(package)
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
    today = date.today()
    rows_activities = plan_queries.activities()
    quarters, rows = timeline(rows_activities, today, PLAN_HORIZON)
    return render_template("competence/timeline.html", quarters=quarters, rows=rows, today=today,
                           today_quarter=Quarter.of(today))
