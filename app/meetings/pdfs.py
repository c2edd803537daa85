"""The meeting's PDFs: the invitation with the agenda, the minutes and the meeting pack. app.meetings.views
attaches these routes to the meetings blueprint; what each PDF shows is in app.meetings.printing."""

from flask import abort

from app.core.crud import require
from app.core.pdf import pdf_response
from app.meetings import printing
from app.meetings.models import Meeting


def _meeting(record_id: int) -> Meeting:
    meeting = printing.load_meeting(record_id)
    if meeting is None:
        abort(404)
    require("view", meeting)
    return meeting


def invitation_pdf(record_id: int):
    meeting = _meeting(record_id)
    return pdf_response(printing.invitation_pdf(meeting), printing.invitation_filename(meeting))


def minutes_pdf(record_id: int):
    meeting = _meeting(record_id)
    return pdf_response(printing.minutes_pdf(meeting), printing.minutes_filename(meeting))


def pack_pdf(record_id: int):
    meeting = _meeting(record_id)
    return pdf_response(printing.meeting_pack(meeting), printing.pack_filename(meeting))


def attach(bp) -> None:
    bp.add_url_rule("/<int:record_id>/invitation.pdf", view_func=invitation_pdf)
    bp.add_url_rule("/<int:record_id>/minutes.pdf", view_func=minutes_pdf)
    bp.add_url_rule("/<int:record_id>/pack.pdf", view_func=pack_pdf)
