"""What a meeting's PDFs are made of: the invitation with its agenda (kallelse), the minutes (protokoll),
one § of them for a decision extract, and the meeting pack (the invitation followed by the PDF papers).

Each PDF's template gets its data from one function here (`invitation_context`, `minutes_context`),
so that what the minutes show is decided in one place: extend `minutes_context` (and its template,
meetings/pdf_minutes.html) when the minutes gain more.
"""

from dataclasses import dataclass, field
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.core import pdf
from app.core.storage import file_store
from app.decisions.models import Decision
from app.documents.models import Document
from app.documents.queries import documents_of
from app.extensions import db
from app.meetings.models import AgendaConflict, AgendaItem, Attendance, AttendanceStatus, Meeting, MinutesApproval


@dataclass
class Paragraph:
    """One § of the agenda and of the minutes."""
    number: int | None  # the § number; None for a decision taken at the meeting outside the agenda
    title: str
    description: str = ""
    item: AgendaItem | None = None
    minutes: str = ""  # what the minutes say under this §
    papers: list[Document] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)  # taken at this meeting, at this §
    conflicts: list = field(default_factory=list)  # AgendaConflict rows: who took no part, and why
    related: Decision | None = None  # an earlier decision the item concerns (e.g. its follow-up)

    @property
    def label(self) -> str:
        return f"§ {self.number} {self.title}" if self.number is not None else self.title


def load_meeting(record_id: int) -> Meeting | None:
    """The meeting with what its page and its PDFs show, in a few queries however long the agenda."""
    return db.session.scalar(sa.select(Meeting).where(Meeting.id == record_id).options(
        selectinload(Meeting.group),
        selectinload(Meeting.agenda).selectinload(AgendaItem.conflicts).selectinload(AgendaConflict.person),
        selectinload(Meeting.agenda).selectinload(AgendaItem.assignment),
        selectinload(Meeting.agenda).selectinload(AgendaItem.decision),
        selectinload(Meeting.attendance).selectinload(Attendance.person),
        selectinload(Meeting.attendance).selectinload(Attendance.representing),
        selectinload(Meeting.attendance).selectinload(Attendance.substitute_for),
        selectinload(Meeting.decisions), selectinload(Meeting.revisions),
        selectinload(Meeting.approval_rows).selectinload(MinutesApproval.person)))


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return [i for i in meeting.agenda if not i.is_archived]


def place_text(meeting: Meeting) -> str:
    if meeting.is_digital and meeting.place:
        return _("Digitalt, %(place)s", place=meeting.place)
    return _("Digitalt") if meeting.is_digital else meeting.place


def paragraphs(meeting: Meeting, with_papers: bool = True) -> list[Paragraph]:
    """The meeting's §§ in agenda order, each with its papers, the decision taken at it and the conflicts of
    interest; then the meeting's decisions that no agenda item names (without a § number)."""
    agenda = _agenda(meeting)
    papers = documents_of(agenda) if with_papers and agenda else {}
    result, named = [], set()
    for item in agenda:
        decision = item.decision if item.decision is not None and not item.decision.is_archived else None
        taken_here = decision is not None and decision.meeting_id == meeting.id
        if taken_here:
            named.add(decision.id)
        result.append(Paragraph(item.position, item.title, item.description, item, item.minutes.strip(),
                                papers.get(("agenda_item", item.id), []), [decision] if taken_here else [],
                                list(item.conflicts), None if taken_here else decision))
    for decision in meeting.decisions:
        if decision.id not in named and not decision.is_archived:
            result.append(Paragraph(None, decision.title, decisions=[decision]))
    return result


def header(meeting: Meeting) -> dict:
    """The head of the minutes and of each extract: body, date, place, attendance and approval."""
    attendance = meeting.attendance
    return {
        "meeting": meeting,
        "body": meeting.group,
        "title": meeting.display_title,
        "starts_on": meeting.starts_on,
        "ends_on": meeting.ends_on if meeting.ends_on and meeting.ends_on != meeting.starts_on else None,
        "start_time": meeting.start_time,
        "place": place_text(meeting),
        "present": [a for a in attendance if a.status == AttendanceStatus.PRESENT],
        "substitutes": [a for a in attendance if a.status == AttendanceStatus.SUBSTITUTE],
        "absent": [a for a in attendance if a.status == AttendanceStatus.ABSENT],
        # The chair and the adjusters, each with their approval (date; recorded on their behalf or not).
        "adjusters": meeting.approvals,
        "approval": {"approved": meeting.minutes_locked, "by": meeting.minutes_approved_by,
                     "on": meeting.minutes_approved_on,
                     "revision": meeting.revisions[-1].number if meeting.revisions else None},
    }


def invitation_context(meeting: Meeting) -> dict:
    """The invitation with the agenda: group, date, time, place, the §§ and the papers of each."""
    return {"head": header(meeting), "paragraphs": [p for p in paragraphs(meeting) if p.item is not None],
            "meeting_papers": documents_of([meeting]).get(("meeting", meeting.id), []),
            "running_title": str(meeting.group), "running_number": None}


def minutes_context(meeting: Meeting) -> dict:
    """The minutes: the header, the introduction and other notes (the meeting's own minutes text), every §
    with what the minutes say under it, its decisions and conflicts of interest, and the approval by the
    chair and each adjuster ("Ej justerat" until the last has approved)."""
    return {"head": header(meeting), "paragraphs": paragraphs(meeting, with_papers=False),
            "minutes_text": meeting.minutes,
            "running_title": str(meeting.group), "running_number": None}


def invitation_pdf(meeting: Meeting, in_pack: dict | None = None) -> bytes:
    """`in_pack`: {document id: True when it follows in the pack, False when it could not be added}."""
    return pdf.render_pdf("meetings/pdf_invitation.html", **invitation_context(meeting), in_pack=in_pack)


def minutes_pdf(meeting: Meeting) -> bytes:
    return pdf.render_pdf("meetings/pdf_minutes.html", **minutes_context(meeting))


# File names stay Swedish in every language: they are how the register's documents are known and filed.
def invitation_filename(meeting: Meeting) -> str:
    return pdf.safe_filename("kallelse", meeting.group, meeting.starts_on)


def minutes_filename(meeting: Meeting) -> str:
    return pdf.safe_filename("protokoll", meeting.group, meeting.starts_on)


def pack_filename(meeting: Meeting) -> str:
    return pdf.safe_filename("handlingar", meeting.group, meeting.starts_on)


def pack_papers(meeting: Meeting) -> list[tuple[str, Document]]:
    """The PDF papers of the meeting and of its §§, in agenda order, each with its bookmark title: the latest
    version of each document that is a PDF."""
    result = [(d.title, d) for d in documents_of([meeting]).get(("meeting", meeting.id), [])]
    for p in paragraphs(meeting):
        result += [(f"§ {p.number} {d.title}", d) for d in p.papers]
    return [(title, d) for title, d in result
            if d.latest is not None and d.latest.content_type == pdf.PDF_MIMETYPE]


def meeting_pack(meeting: Meeting) -> BinaryIO:
    """The invitation and agenda followed by every PDF paper, with a bookmark per paper; a temporary file
    (see pdf.merge). A paper pypdf cannot read is left out and the agenda says so."""
    from io import BytesIO

    store = file_store()
    readable, files = [], []
    try:
        in_pack = {}
        for title, document in pack_papers(meeting):
            stream = store.open(document.latest.sha256)
            files.append(stream)
            reader = pdf.readable_pdf(stream)
            in_pack[document.id] = reader is not None
            if reader is not None:
                readable.append((title, reader))
        agenda = pdf.readable_pdf(BytesIO(invitation_pdf(meeting, in_pack)))
        return pdf.merge([(_("Kallelse och dagordning"), agenda), *readable])
    finally:
        for stream in files:
            stream.close()
