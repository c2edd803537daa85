"""The invitation on the meeting page: send, cancel, answer (in the app, by the secretariat, or by the
personal signed link in the e-mail, which needs no account)."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.crud import flash_form_errors, load, post_from_page, require, save
from app.core.forms import ConfirmForm
from app.core.permissions import can
from app.meetings.invitations import operations
from app.meetings.invitations.forms import AnswerForm
from app.meetings.invitations.models import AnsweredVia, InvitationAnswer, MeetingInvitation
from app.meetings.models import Meeting

bp = Blueprint("invitations", __name__, url_prefix="/meetings", template_folder="templates")


@bp.app_context_processor
def invitation_helpers():
    def invitation_panel(meeting):
        """What the meeting page shows of the invitation (one query for the invitations, one for the state)."""
        invitations = operations.invitations_of(meeting)
        person_id = getattr(current_user, "person_id", None)
        return {"notice": operations.notice_of(meeting), "invitations": invitations,
                "mine": next((i for i in invitations if person_id and i.person_id == person_id), None),
                "counts": operations.summary(invitations), "answer_form": AnswerForm(formdata=None),
                "confirm_form": ConfirmForm(formdata=None), "may_edit": can(current_user, "edit", meeting),
                "open": operations.last_day(meeting) >= date.today()}

    return {"invitation_panel": invitation_panel}


def _back(meeting_id: int) -> str:
    return url_for("meetings.show", record_id=meeting_id) + "#invitation"


def _called_in_message(called) -> str:
    if not called:
        return ""
    return " " + _("Ersättare kallas in: %(names)s.", names=", ".join(i.person.name for i in called))


@bp.route("/<int:record_id>/invitation/send", methods=["POST"])
def send(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    form, made = ConfirmForm(), {}

    def write():
        made["count"] = operations.send_invitation(meeting, current_user)

    if form.validate_on_submit() and save(form, write, None)[0]:
        flash(_("Kallelsen skickas till %(count)s personer.", count=made["count"]), "success")
    else:
        flash_form_errors(form)
    return redirect(_back(meeting.id))


@bp.route("/<int:record_id>/invitation/cancel", methods=["POST"])
def cancel(record_id: int):
    meeting = load(Meeting, record_id)
    require("edit", meeting)
    return post_from_page(ConfirmForm(), lambda: operations.cancel_meeting(meeting, current_user),
                          _("Mötet är inställt. De kallade får ett meddelande om det."), _back(meeting.id))


@bp.route("/<int:record_id>/invitation/answer", methods=["POST"])
def answer_in_app(record_id: int):
    meeting = load(Meeting, record_id)
    require("view", meeting)
    form = AnswerForm()
    made = {}

    def write():
        made["called"] = operations.answer_as_user(meeting, InvitationAnswer(form.answer.data), current_user)

    return _answer_post(form, write, made, meeting.id)


@bp.route("/invitations/<int:record_id>/answer", methods=["POST"])
def answer_for(record_id: int):
    invitation = load(MeetingInvitation, record_id)
    require("edit", invitation.meeting)
    form = AnswerForm()
    made = {}

    def write():
        made["called"] = operations.answer_for(invitation, InvitationAnswer(form.answer.data), current_user)

    return _answer_post(form, write, made, invitation.meeting_id)


def _answer_post(form, write, made, meeting_id: int):
    if form.validate_on_submit():
        if save(form, write, None)[0]:
            flash(_("Svaret är sparat.") + _called_in_message(made.get("called")), "success")
            return redirect(_back(meeting_id))
    flash_form_errors(form)
    return redirect(_back(meeting_id))


@bp.route("/answer/<token>", methods=["GET", "POST"])
def answer_by_link(token: str):
    """The personal link in the invitation: no account, no session. GET shows the meeting and two buttons;
    POST records the answer. A forged or altered link: 404; one after the meeting: 410."""
    try:
        invitation = operations.invitation_from_token(token) if operations.is_token_like(token) else None
        if invitation is None:
            raise operations.LinkRefused("invalid")
    except operations.LinkRefused as refused:
        status = 410 if refused.reason == "expired" else 404
        return render_template("meetings/invitations/answer.html", refused=refused.reason,
                               invitation=refused.invitation, form=None), status
    form = AnswerForm()
    saved, called = False, []
    if form.validate_on_submit():
        made = {}

        def write():
            made["called"] = operations.answer(invitation, InvitationAnswer(form.answer.data),
                                               AnsweredVia.LINK, None)

        saved = save(form, write, None)[0]
        called = made.get("called", [])
    return render_template("meetings/invitations/answer.html", refused=None, invitation=invitation, form=form,
                           saved=saved, called=called, meeting=invitation.meeting)
