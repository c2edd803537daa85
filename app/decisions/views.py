"""Decisions: register, search, execution follow-up, links to assignments and dispatch."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.core import outbox
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
from app.core.forms import ConfirmForm, picker_search_field
from app.core.pagination import paginate
from app.core.pdf import pdf_response
from app.core.permissions import can
from app.core.routing import int_arg
from app.decisions import operations, printing, queries
from app.decisions.forms import DecisionForm, DispatchForm, LinkForm
from app.decisions.models import (
    Decision,
    DecisionDispatch,
    DecisionKind,
    DecisionLink,
    DecisionState,
    DispatchStatus,
    ExecutionStatus,
)
from app.extensions import db
from app.meetings.models import Meeting
from app.organisations.models import Organisation
from app.picker.queries import offer, offer_groups_for
from app.priorities.models import PriorityList

bp = Blueprint("decisions", __name__, url_prefix="/decisions", template_folder="templates")


def _prepare(form: DecisionForm) -> DecisionForm:
    # Pickers: groups, meetings and people are many; only what is chosen or searched for is read.
    offer_groups_for(form.group_id, Decision)
    for field in (form.meeting_id, form.issuing_organisation_id, form.executor_group_id, form.executor_person_id,
                  form.executor_organisation_id):
        offer(field)
    return form


def _prepare_dispatch(form: DispatchForm, decision: Decision) -> DispatchForm:
    """The dispatch form's choices: only for those who may add recipients."""
    if can(current_user, "dispatch", decision):
        for field in (form.recipient_person_id, form.recipient_group_id, form.recipient_organisation_id):
            offer(field)
    return form


@bp.route("/")
def index():
    args = request.args
    stmt, filters = queries.apply_filters(sa.select(Decision).options(
        selectinload(Decision.group), selectinload(Decision.executor_group), selectinload(Decision.executor_person),
        selectinload(Decision.executor_organisation)))
    q = filters["q"]
    page = paginate(stmt.order_by(Decision.decided_sort.desc(), Decision.id.desc()))  # undated first
    return render_template("decisions/index.html", page=page, q=q, args=args, filters=filters, kinds=DecisionKind,
                           states=DecisionState, executions=ExecutionStatus, today=date.today())


@bp.route("/<int:record_id>")
def show(record_id: int):
    decision = db.session.scalar(sa.select(Decision).where(Decision.id == record_id).options(
        selectinload(Decision.links).selectinload(DecisionLink.assignment), selectinload(Decision.dispatches)))
    if decision is None:
        abort(404)
    require("view", decision)
    link_form = LinkForm(formdata=None)
    if can(current_user, "edit", decision):
        offer(link_form.assignment_id)
    priority_lists = db.session.scalars(sa.select(PriorityList).where(
        PriorityList.decision_id == decision.id, PriorityList.active())).all()
    return render_template("decisions/show.html", d=decision, priority_lists=priority_lists,
                           links=[lk for lk in decision.links if not lk.is_archived],
                           link_form=link_form, dispatch_form=_prepare_dispatch(DispatchForm(), decision),
                           mail_configured=outbox.mail_configured(), today=date.today(),
                           queued_dispatches=operations.queued_dispatch_ids(decision),
                           history=history(decision))


@bp.route("/<int:record_id>/extract.pdf")
def extract_pdf(record_id: int):
    decision = load(Decision, record_id)
    require("view", decision)
    return pdf_response(printing.extract_pdf(decision), printing.extract_filename(decision))


def _series(form: DecisionForm) -> list:
    """The organisations with a registry series and the number each would give next (a suggestion: nothing
    is reserved until the save). The chosen organisation's suggestion goes into the form, so that the save
    can say when someone else took it meanwhile."""
    series = [(org, operations.suggest_registry_number(org, form.decided_on.data)) for org in db.session.scalars(
        sa.select(Organisation).where(Organisation.active(), Organisation.registry_format != "")
        .order_by(Organisation.name_sort))]
    if request.method == "GET":
        if form.issuing_organisation_id.data is None and len(series) == 1 and not form.registry_number.data:
            form.issuing_organisation_id.data = series[0][0].id
        chosen = dict((org.id, number) for org, number in series).get(form.issuing_organisation_id.data)
        form.suggested_number.data = chosen or ""
        if not form.number_mode.data:
            form.number_mode.data = (operations.NUMBER_MANUAL if form.registry_number.data
                                     else operations.NUMBER_NEXT if chosen else operations.NUMBER_NONE)
    return series


def _tell_number(response, form: DecisionForm, number: str | None):
    """After a save that took the next number of a series: say which, and if it is not the one shown."""
    if getattr(response, "status_code", 200) == 302 and form.number_mode.data == operations.NUMBER_NEXT and number:
        suggested = (form.suggested_number.data or "").strip()
        if suggested and suggested != number:
            flash(_("Numret %(suggested)s hann tas av ett annat beslut. Beslutet fick diarienummer %(number)s.",
                    suggested=suggested, number=number), "info")
        else:
            flash(_("Beslutet fick diarienummer %(number)s.", number=number), "info")
    return response


@bp.route("/new", methods=["GET", "POST"])
def create():
    require("create", Decision)
    form = _prepare(DecisionForm())
    if request.method == "GET" and not picker_search_field(form):
        meeting = db.session.get(Meeting, int_arg("meeting") or -1)
        if meeting is not None:
            form.meeting_id.data, form.group_id.data, form.decided_on.data = meeting.id, meeting.group_id, \
                meeting.starts_on
        elif int_arg("group"):
            form.group_id.data = int_arg("group")
    made = {}

    def saved(decision):
        made["number"] = decision.registry_number
        return url_for(".show", record_id=decision.id)

    response = create_page(form, operations.create_decision, "decisions/form.html", saved,
                           _("Beslutet har sparats."), decision=None, series=_series(form))
    return _tell_number(response, form, made.get("number"))


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    decision = load(Decision, record_id)
    require("edit", decision)
    form = _prepare(DecisionForm(obj=decision))
    response = edit_page(decision, form, operations.update_decision, "decisions/form.html",
                         url_for(".show", record_id=decision.id), decision=decision, series=_series(form))
    return _tell_number(response, form, decision.registry_number)


@bp.route("/<int:record_id>/archive", methods=["POST"])
def archive(record_id: int):
    return archive_page(Decision, record_id, ".show")


@bp.route("/<int:record_id>/links", methods=["POST"])
def add_link(record_id: int):
    decision = load(Decision, record_id)
    require("edit", decision)
    form = LinkForm()
    offer(form.assignment_id)
    return post_from_page(
        form, lambda: operations.link_assignment(decision, form.assignment_id.data, form.effect.data, current_user),
        _("Kopplingen har sparats."), url_for(".show", record_id=decision.id) + "#links")


@bp.route("/links/<int:record_id>/archive", methods=["POST"])
def archive_link(record_id: int):
    link = load(DecisionLink, record_id)
    require("edit", link.decision)
    form = ConfirmForm()
    if form.validate_on_submit() and not link.is_archived:
        save(form, lambda: operations.unlink(link, current_user), _("Kopplingen har tagits bort."))
    return redirect(url_for(".show", record_id=link.decision_id) + "#links")


@bp.route("/<int:record_id>/dispatch", methods=["POST"])
def add_dispatch(record_id: int):
    decision = load(Decision, record_id)
    require("dispatch", decision)
    form = _prepare_dispatch(DispatchForm(), decision)
    return post_from_page(
        form, lambda: operations.add_dispatch(decision, form.recipient.data, form.email.data, current_user,
                                              **{name: getattr(form, name).data
                                                 for name in operations.RECIPIENT_FIELDS}),
        _("Mottagaren har lagts till i sändlistan."), url_for(".show", record_id=decision.id) + "#dispatch")


@bp.route("/<int:record_id>/dispatch/send", methods=["POST"])
def send(record_id: int):
    decision = load(Decision, record_id)
    require("dispatch", decision)
    form = ConfirmForm()
    if not form.validate_on_submit() or not outbox.mail_configured():
        flash(_("E-post är inte konfigurerad. Skicka beslutet för hand och markera mottagarna som skickade."),
              "error")
        return redirect(url_for(".show", record_id=decision.id) + "#dispatch")
    body = render_template("decisions/dispatch_email.txt", d=decision)
    outcome = {}

    def write():
        outcome["queued"] = operations.send_dispatches(decision, body, current_user)

    if save(form, write, None)[0]:
        flash(ngettext("%(num)s e-postmeddelande ligger i utkorgen och skickas strax.",
                       "%(num)s e-postmeddelanden ligger i utkorgen och skickas strax.", outcome["queued"]), "success")
    flash_form_errors(form)  # a refusal (no extract could be made) is told on the page
    return redirect(url_for(".show", record_id=decision.id) + "#dispatch")


@bp.route("/dispatch/<int:record_id>/sent", methods=["POST"])
def mark_sent(record_id: int):
    dispatch = load(DecisionDispatch, record_id)
    require("dispatch", dispatch.decision)
    back = url_for(".show", record_id=dispatch.decision_id) + "#dispatch"
    if dispatch.status == DispatchStatus.SENT:
        return redirect(back)
    return post_from_page(ConfirmForm(), lambda: operations.mark_dispatched(dispatch, current_user),
                          _("Markerat som skickat."), back)
