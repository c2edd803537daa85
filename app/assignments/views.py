"""Assignments: list, page, create, edit, lifecycle, phases, status reports and reporting rounds."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.assignments import operations
from app.assignments.forms import (
    AssignmentForm,
    PhaseForm,
    ReportersForm,
    ReportingRoundForm,
    ReportRequestForm,
    StatusReportForm,
    TransitionForm,
)
from app.assignments.models import (
    OPEN_STATUSES,
    Assignment,
    AssignmentPhase,
    AssignmentStatus,
    AssignmentTransition,
    ReportingRound,
    ReportRequest,
    StatusReport,
)
from app.assignments.queries import apply_filters, filter_context, kept_total, list_rows_by_id, sort_order
from app.core.crud import (
    archive_page,
    create_page,
    edit_page,
    flash_form_errors,
    history,
    load,
    post_from_page,
    require,
    save,
)
from app.core.forms import picker_search_field
from app.core.pagination import newest_first, paginate
from app.core.permissions import can
from app.core.routing import int_arg
from app.decisions.models import DecisionLink
from app.extensions import db
from app.groups.models import Group, GroupType
from app.picker.queries import offer, offer_groups_for
from app.priorities.models import PriorityItem, PriorityList

bp = Blueprint("assignments", __name__, url_prefix="/assignments", template_folder="templates")


def _prepare(form: AssignmentForm, assignment: Assignment | None = None) -> AssignmentForm:
    # Groups, assignments and decisions are many: pickers that read only what is chosen or searched for.
    offer_groups_for(form.principal_group_id, Assignment)
    offer(form.recipient_group_id)
    offer(form.programme_area_ids, types=(GroupType.NPO, GroupType.RPO, GroupType.LPO))
    offer(form.parent_id, exclude=assignment.id if assignment else None)
    offer(form.given_by_decision_id)
    offer(form.closed_by_decision_id)
    form.priority_item_ids.set_choices(db.session.scalars(sa.select(PriorityItem).join(PriorityItem.priority_list)
                                                          .where(PriorityItem.active(), PriorityList.active())
                                                          .order_by(PriorityList.id, PriorityItem.position)).all())
    if assignment is not None and request.method == "GET":
        form.programme_area_ids.data = [g.id for g in assignment.programme_areas]
        form.priority_item_ids.data = [p.id for p in assignment.priorities]
    return form


@bp.route("/")
def index():
    stmt, filters = apply_filters(sa.select(Assignment), request.args)
    sort, order = sort_order(request.args)
    page = paginate(stmt.order_by(*order), total=kept_total(filters), rows=list_rows_by_id)
    return render_template("assignments/index.html", page=page, filters=filters, sort=sort, **filter_context())


# The assignment's page shows its latest reports and requests; older reports are paged by key
# (`?reports=<date>_<id>`, through the index on assignment, date and id), so the page costs the same with
# ten thousand reports as with one. Its status transitions and sub-assignments likewise, newest first
# (`?transitions=<id>`, `?children=<id>`, through the indexes on assignment or parent, and id).
REPORTS_PER_PAGE = 10
REQUESTS_SHOWN = 10
REPORT_ORDER = (StatusReport.reported_on, StatusReport.id)
CORRECTABLE_REPORTS = 20
TRANSITIONS_PER_PAGE = 20
CHILDREN_PER_PAGE = 20


def _reports_of(assignment: Assignment):
    return sa.select(StatusReport).where(StatusReport.assignment_id == assignment.id, StatusReport.active())


@bp.route("/<int:record_id>")
def show(record_id: int):
    # The assignment's own short lists (phases, transitions, …) load as the page reads them, each with a
    # plain `= ?` query: for one record selectinload costs the same queries and expands an IN list anew
    # every request. What the rows refer to is joined in.
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.id == record_id).options(
        joinedload(Assignment.principal_group), joinedload(Assignment.recipient_group),
        lazyload(Assignment.priorities).joinedload(PriorityItem.priority_list)))
    if assignment is None:
        abort(404)
    require("view", assignment)
    links = db.session.scalars(sa.select(DecisionLink).where(
        DecisionLink.assignment_id == assignment.id, DecisionLink.active())
        .options(joinedload(DecisionLink.decision))).all()
    reports = newest_first(_reports_of(assignment), REPORT_ORDER, "reports", REPORTS_PER_PAGE,
                           options=(joinedload(StatusReport.filed_by), joinedload(StatusReport.corrects)))
    transitions = newest_first(
        sa.select(AssignmentTransition).where(AssignmentTransition.assignment_id == assignment.id),
        (AssignmentTransition.id,), "transitions", TRANSITIONS_PER_PAGE,
        options=(joinedload(AssignmentTransition.user),))
    children = newest_first(
        sa.select(Assignment).where(Assignment.parent_id == assignment.id, Assignment.active()),
        (Assignment.id,), "children", CHILDREN_PER_PAGE, options=(joinedload(Assignment.recipient_group),))
    # The latest requests: one more tells whether earlier ones exist.
    requests = db.session.scalars(sa.select(ReportRequest).where(ReportRequest.assignment_id == assignment.id)
                                  .order_by(ReportRequest.id.desc()).limit(REQUESTS_SHOWN + 1)).all()
    transition_form = TransitionForm(formdata=None)
    transition_form.version.data = assignment.version
    transition_form.to_status.choices = [c for c in transition_form.to_status.choices
                                         if c.value == "" or AssignmentStatus(c.value) in assignment.allowed_next]
    reporters_form = ReportersForm()  # filled from the query string only by a picker's search
    if can(current_user, "delegate", assignment):
        if not picker_search_field(reporters_form):
            reporters_form.person_ids.data = [p.id for p in assignment.reporters]
        offer(reporters_form.person_ids)
    return render_template(
        "assignments/show.html", a=assignment, links=links, reports=reports, transitions=transitions,
        children=children, requests=requests[:REQUESTS_SHOWN],
        earlier_requests=len(requests) > REQUESTS_SHOWN, today=date.today(),
        transition_form=transition_form, request_form=ReportRequestForm(formdata=None),
        reporters_form=reporters_form, history=history(assignment))


@bp.route("/new", methods=["GET", "POST"])
def create():
    require("create", Assignment)
    form = _prepare(AssignmentForm())
    if request.method == "GET":
        for field in ("parent_id", "principal_group_id", "recipient_group_id", "given_by_decision_id"):
            value = int_arg(field)
            if value:
                getattr(form, field).data = value
        parent = db.session.get(Assignment, form.parent_id.data) if form.parent_id.data else None
        if parent is not None and not form.principal_group_id.data:
            # A part of an assignment is handed down by its recipient.
            form.principal_group_id.data = parent.recipient_group_id
    return create_page(form, operations.create_assignment, "assignments/form.html",
                       lambda a: url_for(".show", record_id=a.id), _("Uppdraget har sparats."), assignment=None)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    assignment = load(Assignment, record_id)
    require("edit", assignment)
    return edit_page(assignment, _prepare(AssignmentForm(obj=assignment), assignment), operations.update_assignment,
                     "assignments/form.html", url_for(".show", record_id=assignment.id), assignment=assignment)


@bp.route("/<int:record_id>/archive", methods=["POST"])
def archive(record_id: int):
    return archive_page(Assignment, record_id, ".show")


@bp.route("/<int:record_id>/transition", methods=["POST"])
def transition(record_id: int):
    assignment = load(Assignment, record_id)
    require("transition", assignment)
    form = TransitionForm()
    if form.validate_on_submit():
        saved, conflict = save(form, lambda: operations.transition(
            assignment, form.to_status.data, current_user, (form.note.data or "").strip(), form.expected_version()),
            _("Status har ändrats."))
        if saved:
            return redirect(url_for(".show", record_id=assignment.id))
    flash_form_errors(form)
    return redirect(url_for(".show", record_id=assignment.id) + "#status")


@bp.route("/<int:record_id>/reports/new", methods=["GET", "POST"])
def report(record_id: int):
    assignment = load(Assignment, record_id)
    require("report", assignment)
    form = StatusReportForm()
    # A correction is of a recent report: the latest ones are offered, not every report ever filed.
    form.corrects_id.set_choices(db.session.scalars(_reports_of(assignment).order_by(
        *(k.desc() for k in REPORT_ORDER)).limit(CORRECTABLE_REPORTS)))
    return create_page(form, lambda values, user: operations.file_report(assignment, values, user),
                       "assignments/report_form.html", lambda r: url_for(".show", record_id=assignment.id),
                       _("Statusrapporten har lämnats."), assignment=assignment)


@bp.route("/reports/<int:record_id>")
def show_report(record_id: int):
    """Reports are shown on their assignment's page: the page of reports that starts with this one."""
    report_ = load(StatusReport, record_id)
    require("view", report_)
    return redirect(url_for(".show", record_id=report_.assignment_id,
                            reports=f"{report_.reported_on.isoformat()}_{report_.id}") + f"#report-{report_.id}")


@bp.route("/<int:record_id>/request-report", methods=["POST"])
def request_report(record_id: int):
    assignment = load(Assignment, record_id)
    require("request_report", assignment)
    form = ReportRequestForm()
    return post_from_page(
        form, lambda: operations.request_report(assignment, form.due_on.data, current_user),
        _("En statusrapport har begärts."), url_for(".show", record_id=assignment.id) + "#reports")


@bp.route("/<int:record_id>/reporters", methods=["POST"])
def reporters(record_id: int):
    assignment = load(Assignment, record_id)
    require("delegate", assignment)
    form = ReportersForm()
    offer(form.person_ids)
    return post_from_page(
        form, lambda: operations.set_reporters(assignment, form.person_ids.data, current_user),
        _("Rapportörerna har sparats."), url_for(".show", record_id=assignment.id) + "#reports")


@bp.route("/<int:record_id>/phases/new", methods=["GET", "POST"])
def create_phase(record_id: int):
    assignment = load(Assignment, record_id)
    require("edit", assignment)
    return create_page(PhaseForm(), lambda values, user: operations.add_phase(assignment, values, user),
                       "assignments/phase_form.html", lambda p: url_for(".show", record_id=assignment.id) + "#phases",
                       _("Fasen har sparats."), assignment=assignment, phase=None)


@bp.route("/phases/<int:record_id>/edit", methods=["GET", "POST"])
def edit_phase(record_id: int):
    phase = load(AssignmentPhase, record_id)
    require("edit", phase)
    return edit_page(phase, PhaseForm(obj=phase), operations.update_phase, "assignments/phase_form.html",
                     url_for(".show", record_id=phase.assignment_id) + "#phases", assignment=phase.assignment,
                     phase=phase)


# --- Reporting rounds ------------------------------------------------------------------------

@bp.route("/rounds/")
def rounds():
    page = paginate(sa.select(ReportingRound).where(ReportingRound.active())
                    .order_by(ReportingRound.due_on.desc(), ReportingRound.id.desc()))
    return render_template("assignments/rounds.html", page=page)


@bp.route("/rounds/new", methods=["GET", "POST"])
def create_round():
    require("create", ReportingRound)
    form = ReportingRoundForm()
    offer(form.principal_group_id)

    def make(values, user):
        stmt = sa.select(Assignment).where(Assignment.active(), Assignment.status.in_(OPEN_STATUSES))
        if form.principal_group_id.data:
            stmt = stmt.where(Assignment.principal_group_id == form.principal_group_id.data)
        return operations.create_round(values, list(db.session.scalars(stmt)), user)

    return create_page(form, make, "assignments/round_form.html", lambda r: url_for(".show_round", record_id=r.id),
                       _("Rapportomgången har skapats och statusrapporter har begärts."))


@bp.route("/rounds/<int:record_id>")
def show_round(record_id: int):
    round_ = load(ReportingRound, record_id)
    require("view", round_)
    in_round = (sa.select(ReportRequest).join(ReportRequest.assignment)
                .join(Group, Assignment.recipient_group_id == Group.id).where(ReportRequest.round_id == round_.id))
    # Unanswered first, then by recipient: the list the secretariat works through.
    page = paginate(in_round.options(
        selectinload(ReportRequest.assignment).selectinload(Assignment.recipient_group),
        selectinload(ReportRequest.answered_by)).order_by(
        ReportRequest.answered_by_id.is_not(None), Group.name_sort, ReportRequest.id))
    missing = db.session.scalar(sa.select(sa.func.count()).select_from(in_round.where(
        ReportRequest.answered_by_id.is_(None), Assignment.active(),
        Assignment.status.in_(operations.REPORTABLE)).subquery()))
    return render_template("assignments/round.html", round=round_, page=page, missing=missing,
                           today=date.today(), reportable={s.value for s in operations.REPORTABLE})


@bp.route("/groups/<int:group_id>")
def for_group(group_id: int):
    """Shortcut used by group pages: the assignments a group gave or received."""
    group = load(Group, group_id)
    return redirect(url_for(".index", group=group.id))
