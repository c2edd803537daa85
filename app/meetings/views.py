"""Meetings: upcoming and past, agenda, attendance, conflicts of interest, minutes and approval."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.assignments.models import Assignment, StatusReport
from app.core.crud import (
    archive_page,
    create_page,
    edit_page,
    history,
    load,
    not_found_unless,
    post_from_page,
    require,
    save,
)
from app.core.forms import ConfirmForm, GroupFilterForm, picker_search_field
from app.core.pagination import paginate
from app.core.routing import int_arg
from app.decisions import operations as decision_ops
from app.decisions.models import DecisionState
from app.extensions import db
from app.groups.models import Group
from app.meetings import operations, pdfs, printing
from app.meetings.forms import (
    AgendaItemForm,
    ApproveMinutesForm,
    ApproverForm,
    AttendanceForm,
    ConflictForm,
    CorrectMinutesForm,
    ItemMinutesForm,
    MeetingForm,
    MinutesForm,
    RecordApprovalForm,
)
from app.meetings.models import AgendaItem, Meeting, MinutesApproval
from app.organisations.models import Organisation
from app.picker.queries import offer, offer_groups_for

bp = Blueprint("meetings", __name__, url_prefix="/meetings", template_folder="templates")
pdfs.attach(bp)  # the invitation, minutes and meeting pack as PDFs


def _attendance_choices(form: AttendanceForm) -> AttendanceForm:
    offer(form.person_id)
    offer(form.substitute_for_id)
    offer(form.representing_id)
    return form


@bp.route("/")
def index():
    when = request.args.get("when", "upcoming")
    group_id = int_arg("group")
    today = date.today()
    stmt = sa.select(Meeting).where(Meeting.active()).options(selectinload(Meeting.group))
    if group_id:
        stmt = stmt.where(Meeting.group_id == group_id)
    if when == "past":
        stmt = stmt.where(Meeting.past(today)).order_by(Meeting.starts_on.desc(), Meeting.id.desc())
    else:
        when = "upcoming"
        stmt = stmt.where(Meeting.upcoming(today)).order_by(Meeting.starts_on, Meeting.id)
    group = db.session.get(Group, group_id) if group_id else None
    # The group to filter by is a picker: a thousand groups are not drawn as options.
    filter_form = GroupFilterForm(formdata=None, data={"group": group_id})
    offer(filter_form.group)
    return render_template("meetings/index.html", page=paginate(stmt), when=when, group=group,
                           filter_form=filter_form)


@bp.route("/<int:record_id>")
def show(record_id: int):
    meeting = printing.load_meeting(record_id)
    if meeting is None:
        abort(404)
    require("view", meeting)
    agenda = [i for i in meeting.agenda if not i.is_archived]
    # Built from the request, so that a picker's plain search (a GET of this page) keeps what was chosen.
    attendance_form, conflict_form = AttendanceForm(), ConflictForm()
    # People are many: pickers that read only who is chosen or searched for.
    _attendance_choices(attendance_form)
    conflict_form.agenda_item_id.set_choices(agenda)
    offer(conflict_form.person_id)
    approve_form = ApproveMinutesForm(formdata=None)
    approve_form.version.data = meeting.version
    approver_form = ApproverForm()
    offer(approver_form.person_id)
    record_form = RecordApprovalForm(formdata=None)
    record_form.approved_on.data = date.today()
    mine = next((a for a in meeting.approvals if current_user.person_id and a.person_id == current_user.person_id
                 and a.approved_on is None), None)
    return render_template("meetings/show.html", m=meeting, agenda=agenda, attendance_form=attendance_form,
                           conflict_form=conflict_form, approve_form=approve_form, approver_form=approver_form,
                           record_form=record_form, my_approval=mine, has_minutes=operations.has_minutes(meeting),
                           history=history(meeting))


@bp.route("/new", methods=["GET", "POST"])
def create():
    require("create", Meeting)
    form = MeetingForm()
    offer_groups_for(form.group_id, Meeting)
    if request.method == "GET" and int_arg("group"):
        form.group_id.data = int_arg("group")
    return create_page(form, operations.create_meeting, "meetings/form.html",
                       lambda m: url_for(".show", record_id=m.id), _("Mötet har sparats."), meeting=None)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    form = MeetingForm(obj=meeting)
    offer_groups_for(form.group_id, Meeting)
    return edit_page(meeting, form, operations.update_meeting, "meetings/form.html",
                     url_for(".show", record_id=meeting.id), meeting=meeting)


@bp.route("/<int:record_id>/archive", methods=["POST"])
def archive(record_id: int):
    return archive_page(Meeting, record_id, ".show")


# An agenda item may refer to one of the latest reports on the group's assignments (or keep the one it has).
AGENDA_REPORTS = 50


def _agenda_form(form: AgendaItemForm, meeting: Meeting) -> AgendaItemForm:
    group_id = meeting.group_id
    offer(form.assignment_id, group=group_id)
    offer(form.decision_id, group=group_id)
    of_group = sa.select(Assignment.id).where(Assignment.active(), sa.or_(
        Assignment.principal_group_id == group_id, Assignment.recipient_group_id == group_id))
    reports = list(db.session.scalars(sa.select(StatusReport).where(
        StatusReport.assignment_id.in_(of_group), StatusReport.active())
        .order_by(StatusReport.reported_on.desc(), StatusReport.id.desc()).limit(AGENDA_REPORTS)))
    kept = form.status_report_id.object_data  # the item's own, however old
    current = db.session.get(StatusReport, kept) if kept else None
    if current is not None and current not in reports:
        reports.append(current)
    form.status_report_id.set_choices(reports)
    return form


@bp.route("/<int:record_id>/agenda/new", methods=["GET", "POST"])
def create_item(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    return create_page(_agenda_form(AgendaItemForm(), meeting),
                       lambda values, user: operations.add_agenda_item(meeting, values, user),
                       "meetings/item_form.html", lambda i: url_for(".show", record_id=meeting.id) + "#agenda",
                       _("Ärendet har lagts till."), meeting=meeting, item=None)


@bp.route("/agenda/<int:record_id>/edit", methods=["GET", "POST"])
def edit_item(record_id: int):
    item = load(AgendaItem, record_id)
    require("edit", item)
    return edit_page(item, _agenda_form(AgendaItemForm(obj=item), item.meeting), operations.update_agenda_item,
                     "meetings/item_form.html", url_for(".show", record_id=item.meeting_id) + "#agenda",
                     meeting=item.meeting, item=item)


@bp.route("/<int:record_id>/attendance", methods=["POST"])
def attendance(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    form = _attendance_choices(AttendanceForm())
    return post_from_page(
        form, lambda: operations.set_attendance(meeting, {
            "person_id": form.person_id.data, "representing_id": form.representing_id.data,
            "status": form.status.data, "substitute_for_id": form.substitute_for_id.data}, current_user),
        _("Närvaron har sparats."), url_for(".show", record_id=meeting.id) + "#attendance")


@bp.route("/<int:record_id>/conflicts", methods=["POST"])
def conflicts(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    form = ConflictForm()
    form.agenda_item_id.set_choices([i for i in meeting.agenda if not i.is_archived])
    offer(form.person_id)
    return post_from_page(
        form, lambda: operations.declare_conflict(meeting, form.agenda_item_id.data, form.person_id.data,
                                                  form.note.data or "", current_user),
        _("Jävet har noterats; personen deltar inte i ärendet."), url_for(".show", record_id=meeting.id) + "#agenda")


@bp.route("/<int:record_id>/minutes", methods=["GET", "POST"])
def minutes(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    if meeting.minutes_locked:
        return redirect(url_for(".correct_minutes", record_id=meeting.id))
    return edit_page(meeting, MinutesForm(obj=meeting), operations.save_minutes, "meetings/minutes_form.html",
                     url_for(".show", record_id=meeting.id) + "#minutes", meeting=meeting)


@bp.route("/agenda/<int:record_id>/minutes", methods=["GET", "POST"])
def item_minutes(record_id: int):
    """One § of the minutes, with the decision taken at it."""
    item = load(AgendaItem, record_id)
    require("edit", item)
    form = ItemMinutesForm(obj=item)
    searching = picker_search_field(form)  # a plain search of the organisation picker keeps what was typed
    own = item.decision is not None and (item.decision.meeting_id == item.meeting_id
                                         or item.decision.state != DecisionState.TAKEN)  # not an earlier one's
    if request.method == "GET" and own and not searching:
        d = item.decision
        form.decision_kind.data, form.decision_title.data, form.decision_text.data = d.kind, d.title, d.text
        form.registry_number.data, form.issuing_organisation_id.data = d.registry_number, d.issuing_organisation_id
        form.executor.data, form.execute_by.data = d.executor, d.execute_by
    if request.method == "GET" and not form.issuing_organisation_id.data and not searching:
        group = item.meeting.group  # a regional body registers in its region
        form.issuing_organisation_id.data = group.region_id or group.healthcare_region_id
    offer(form.issuing_organisation_id)
    organisation = db.session.get(Organisation, form.issuing_organisation_id.data or -1)
    suggested = decision_ops.suggest_registry_number(organisation, item.meeting.starts_on) if organisation else None
    return edit_page(item, form, lambda i, values, user, expected: operations.write_item_minutes(
        i, values, user, expected), "meetings/item_minutes_form.html",
        url_for(".show", record_id=item.meeting_id) + f"#item-{item.id}", meeting=item.meeting, item=item,
        suggested=suggested)


@bp.route("/<int:record_id>/approvers", methods=["POST"])
def add_approver(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    form = ApproverForm()
    offer(form.person_id)
    return post_from_page(form, lambda: operations.add_approver(meeting, form.person_id.data, form.role.data,
                                                                current_user),
                          _("Justeraren har lagts till."), url_for(".show", record_id=meeting.id) + "#minutes")


@bp.route("/approvers/<int:record_id>/remove", methods=["POST"])
def remove_approver(record_id: int):
    approval = load(MinutesApproval, record_id)
    require("edit", approval.meeting)
    not_found_unless(approval.removed_at is None)
    return post_from_page(ConfirmForm(), lambda: operations.remove_approver(approval, current_user),
                          _("Justeraren har tagits bort."),
                          url_for(".show", record_id=approval.meeting_id) + "#minutes")


@bp.route("/<int:record_id>/minutes/approve", methods=["POST"])
def approve(record_id: int):
    """An adjuster's own approval, today."""
    meeting = load(Meeting, record_id)
    require("approve", meeting)
    form = ApproveMinutesForm()
    return post_from_page(
        form, lambda: operations.approve(meeting, current_user, form.expected_version() or 0),
        _("Du har justerat protokollet."), url_for(".show", record_id=meeting.id) + "#minutes")


@bp.route("/approvers/<int:record_id>/record", methods=["POST"])
def record_approval(record_id: int):
    """The secretariat records an approval made outside the app, on the adjuster's behalf."""
    approval = load(MinutesApproval, record_id)
    require("record_approval", approval.meeting)
    not_found_unless(approval.removed_at is None)
    form = RecordApprovalForm()
    return post_from_page(
        form, lambda: operations.record_approval(approval, form.approved_on.data, current_user),
        _("Justeringen har registrerats för %(name)s.", name=approval.person.name),
        url_for(".show", record_id=approval.meeting_id) + "#minutes")


@bp.route("/<int:record_id>/minutes/correct", methods=["GET", "POST"])
def correct_minutes(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    form = CorrectMinutesForm()
    if request.method == "GET":
        form.minutes.data = meeting.minutes
        form.version.data = meeting.version
    conflict = None
    if form.validate_on_submit():
        saved, conflict = save(form, lambda: operations.correct_minutes(
            meeting, form.minutes.data, form.reason.data, form.approved_by.data, form.approved_on.data,
            current_user, form.expected_version() or 0), _("Rättelsen är sparad som en ny version av protokollet."))
        if saved:
            return redirect(url_for(".show", record_id=meeting.id) + "#minutes")
    return render_template("meetings/correct_form.html", form=form, meeting=meeting, conflict=conflict)
