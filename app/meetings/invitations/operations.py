"""Writes for invitations: send, answer (link, app, secretariat), call in a substitute, update and cancel.

Every e-mail goes through the outbox in the same transaction as the change, with the meeting's .ics
(METHOD:REQUEST, or CANCEL) attached. The .ics UID is the meeting's; its SEQUENCE is MeetingNotice.sequence,
moved one up for each change of date, time or place and for the cancellation.
"""

from datetime import date, datetime, time

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from app.calendars import ics
from app.core import operations as ops
from app.core import outbox
from app.core.models import utcnow
from app.core.operations import BusinessRuleError
from app.core.permissions import authorize
from app.documents.queries import documents_of
from app.extensions import db
from app.meetings import operations as meeting_ops
from app.meetings.invitations.models import AnsweredVia, InvitationAnswer, MeetingInvitation, MeetingNotice
from app.meetings.models import AttendanceStatus, Meeting
from app.people.models import MemberRole, Membership, Person

PURPOSE = "meeting_invitation"
ANSWER_SALT = "meeting-invitation-answer"
# A change of these is a new time or place: everyone invited gets an update.
SCHEDULE_FIELDS = ("starts_on", "start_time", "ends_on", "place", "is_digital")


# --- Reading ---------------------------------------------------------------------------------------

def notice_of(meeting: Meeting) -> MeetingNotice | None:
    return db.session.get(MeetingNotice, meeting.id)


def calendar_state(meeting: Meeting) -> ics.MeetingState:
    notice = notice_of(meeting)
    if notice is None:
        return ics.MeetingState()
    return ics.MeetingState(notice.sequence, notice.cancelled_at is not None)


def invitations_of(meeting: Meeting) -> list[MeetingInvitation]:
    return list(db.session.scalars(
        sa.select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id)
        .options(selectinload(MeetingInvitation.person), selectinload(MeetingInvitation.substitute_for))
        .join(MeetingInvitation.person).order_by(MeetingInvitation.is_substitute, Person.name_sort)))


def invitation_of(meeting: Meeting, person_id: int | None) -> MeetingInvitation | None:
    if not person_id:
        return None
    return db.session.scalar(sa.select(MeetingInvitation).where(
        MeetingInvitation.meeting_id == meeting.id, MeetingInvitation.person_id == person_id))


def invitees(meeting: Meeting) -> list[Membership]:
    """The group's members and substitutes on the meeting's day (one membership per person)."""
    rows = db.session.scalars(
        sa.select(Membership).join(Membership.person).options(selectinload(Membership.person))
        .where(Membership.group_id == meeting.group_id, Membership.current_criterion(meeting.starts_on),
               Person.active())
        .order_by(Person.name_sort, Membership.id)).all()
    chosen: dict[int, Membership] = {}
    for row in rows:
        # A person who is both member and substitute is invited as a member.
        if row.person_id not in chosen or chosen[row.person_id].role == MemberRole.SUBSTITUTE:
            chosen[row.person_id] = row
    return list(chosen.values())


def last_day(meeting: Meeting) -> date:
    return meeting.ends_on or meeting.starts_on


# --- Signed answer links -----------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=ANSWER_SALT)


def answer_token(invitation: MeetingInvitation) -> str:
    return _serializer().dumps([invitation.id, invitation.meeting_id, invitation.person_id])


class LinkRefused(Exception):
    """A link that is not ours, or no longer works: `reason` is "invalid" or "expired"."""

    def __init__(self, reason: str, invitation: MeetingInvitation | None = None):
        super().__init__(reason)
        self.reason, self.invitation = reason, invitation


def invitation_from_token(token: str, today: date | None = None) -> MeetingInvitation:
    """The invitation a link answers. A forged or altered link, or one whose invitation, meeting or person no
    longer match, is "invalid"; after the meeting's last day (or when it is cancelled) it is "expired"."""
    try:
        invitation_id, meeting_id, person_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("invalid") from None
    invitation = db.session.get(MeetingInvitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None or invitation.meeting_id != meeting_id or invitation.person_id != person_id:
        raise LinkRefused("invalid")
    notice = notice_of(invitation.meeting)
    if (last_day(invitation.meeting) < (today or date.today()) or invitation.meeting.is_archived
            or (notice is not None and notice.cancelled_at is not None)):
        raise LinkRefused("expired", invitation)
    return invitation


# --- The e-mails -------------------------------------------------------------------------------------

def _when(meeting: Meeting) -> str:
    text = format_date(meeting.starts_on, "full")
    if meeting.ends_on and meeting.ends_on != meeting.starts_on:
        text += " – " + format_date(meeting.ends_on, "full")
    if meeting.start_time:
        text += f", kl. {meeting.start_time}"
    return text


def _papers(meeting: Meeting, agenda) -> list[str]:
    found = documents_of([meeting, *agenda])
    lines = []
    for owner, label in [(("meeting", meeting.id), "")] + [(("agenda_item", i.id), f"§{i.position} ") for i in agenda]:
        for document in found.get(owner, []):
            lines.append(f"- {label}{document.title}: {ics.external_url('documents.show', record_id=document.id)}")
    return lines


def _body(meeting: Meeting, invitation: MeetingInvitation, intro: str, agenda, with_answer: bool = True) -> str:
    lines = [intro, "", f"Möte: {meeting.display_title} ({meeting.group})", f"Tid: {_when(meeting)}",
             f"Plats: {ics.meeting_location(meeting) or 'meddelas senare'}", ""]
    if agenda:
        lines += ["Dagordning:"] + [f"§{i.position} {i.title}" for i in agenda] + [""]
    papers = _papers(meeting, agenda)
    if papers:
        lines += ["Handlingar (logga in i registret för att läsa dem):"] + papers + [""]
    if with_answer:
        lines += ["Svara om du kommer eller har förhinder (ingen inloggning behövs):",
                  ics.external_url("invitations.answer_by_link", token=answer_token(invitation)), ""]
    lines += [f"Mötet i registret: {ics.external_url('meetings.show', record_id=meeting.id)}",
              "Kalenderfilen (.ics) är bifogad."]
    return "\n".join(lines)


def _agenda(meeting: Meeting):
    return [i for i in meeting.agenda if not i.is_archived]


def _queue(invitation: MeetingInvitation, subject: str, body: str, method: str, state: ics.MeetingState, user) -> None:
    meeting = invitation.meeting
    content = ics.meeting_calendar(meeting, method, state, _agenda(meeting))
    outbox.queue(invitation.email, subject, body, user, purpose=PURPOSE, purpose_id=invitation.id, about=meeting,
                 attachments=[outbox.Attachment(f"mote-{meeting.id}.ics", f"text/calendar; method={method}",
                                                content)])


def _label(invitation: MeetingInvitation) -> str:
    db.session.flush()
    person = db.session.get(Person, invitation.person_id)
    text = f"{person.name}: {invitation.answer.label}"
    if invitation.substitute_for_id:
        text += f" (ersättare för {db.session.get(Person, invitation.substitute_for_id).name})"
    return text


# --- Sending ------------------------------------------------------------------------------------------

def _refuse_if_closed(meeting: Meeting, today: date | None = None) -> MeetingNotice | None:
    notice = notice_of(meeting)
    if meeting.is_archived:
        raise BusinessRuleError(_l("Mötet är arkiverat."))
    if notice is not None and notice.cancelled_at is not None:
        raise BusinessRuleError(_l("Mötet är inställt."))
    if last_day(meeting) < (today or date.today()):
        raise BusinessRuleError(_l("Mötet har redan ägt rum."))
    return notice


def _at(today: date | None, hour: int) -> datetime:
    """When it happened: now, or – for a meeting recorded afterwards – that day."""
    return datetime.combine(today, time(hour)) if today else utcnow()


def send_invitation(meeting: Meeting, user, today: date | None = None) -> int:
    """Invite everyone of the group on the meeting's day who is not yet invited and has an e-mail address:
    one e-mail each, with the agenda, links to the papers, the .ics and a personal answer link. Sending
    again after new members joined invites only them. Returns how many were invited. `today`: the day it
    was sent, for a meeting recorded afterwards (the demo's held meeting); the app always sends today."""
    authorize(user, "edit", meeting)
    notice = _refuse_if_closed(meeting, today)
    invited = {i.person_id for i in invitations_of(meeting)}
    todo = [m for m in invitees(meeting) if m.person_id not in invited and m.person.email.strip()]
    if not todo:
        raise BusinessRuleError(_l("Det finns ingen i gruppen med e-postadress som inte redan är kallad."))
    if notice is None:
        notice = MeetingNotice(meeting_id=meeting.id, sequence=0, sent_at=_at(today, 8))
        ops.add_child(meeting, notice, user, "invitations", str(_l("Kallelsen skickad")))
    state = ics.MeetingState(notice.sequence)
    agenda = _agenda(meeting)
    for membership in todo:
        is_substitute = membership.role == MemberRole.SUBSTITUTE
        invitation = MeetingInvitation(meeting_id=meeting.id, person_id=membership.person_id,
                                       email=membership.person.email.strip(), is_substitute=is_substitute,
                                       sequence=notice.sequence, invited_at=_at(today, 8))
        ops.add_child(meeting, invitation, user, "invitations", _label)
        if is_substitute:
            tied = membership.substitute_for.person.name if membership.substitute_for else None
            intro = ("Du är ersättare" + (f" för {tied}" if tied else "") + " och får kallelsen för kännedom. "
                     "Du kallas in med ett särskilt e-brev om ledamoten anmäler förhinder.")
        else:
            intro = f"Du kallas till möte med {meeting.group}."
        _queue(invitation, f"Kallelse: {meeting.display_title} {meeting.starts_on.isoformat()}",
               _body(meeting, invitation, intro, agenda), "REQUEST", state, user)
    return len(todo)


def _tied_substitutes(meeting: Meeting, person_id: int) -> list[Membership]:
    """The group's current substitutes tied to a membership of `person_id` (the member who cannot come)."""
    member_ids = db.session.scalars(sa.select(Membership.id).where(
        Membership.group_id == meeting.group_id, Membership.person_id == person_id, Membership.active()))
    return list(db.session.scalars(
        sa.select(Membership).join(Membership.person).options(selectinload(Membership.person))
        .where(Membership.substitute_for_id.in_(list(member_ids)), Membership.role == MemberRole.SUBSTITUTE,
               Membership.current_criterion(meeting.starts_on), Person.active())))


def _call_in_substitutes(invitation: MeetingInvitation, user, today: date | None = None) -> list[MeetingInvitation]:
    """A member reported that they cannot come: invite their substitute(s) to serve in their place."""
    meeting, state = invitation.meeting, calendar_state(invitation.meeting)
    called = []
    for membership in _tied_substitutes(meeting, invitation.person_id):
        if not membership.person.email.strip():
            continue
        row = invitation_of(meeting, membership.person_id)
        if row is not None and row.substitute_for_id is not None:
            continue  # already called in (for this member or another)
        values = {"substitute_for_id": invitation.person_id, "called_in_at": _at(today, 11), "is_substitute": True,
                  "answer": InvitationAnswer.PENDING, "answered_at": None, "answered_via": None,
                  "sequence": state.sequence, "email": membership.person.email.strip()}
        if row is None:
            row = ops.add_child(meeting, MeetingInvitation(meeting_id=meeting.id, person_id=membership.person_id,
                                                           invited_at=_at(today, 11), **values),
                                user, "invitations", _label)
        else:
            ops.change_child(meeting, row, user, "invitations", values, _label)
        intro = (f"{invitation.person.name} har anmält förhinder. Du kallas in som ersättare och tjänstgör "
                 f"i hens ställe. Svara om du kan komma.")
        _queue(row, f"Du kallas in som ersättare: {meeting.display_title} {meeting.starts_on.isoformat()}",
               _body(meeting, row, intro, _agenda(meeting)), "REQUEST", state, user)
        called.append(row)
    return called


# --- Answering ----------------------------------------------------------------------------------------

def answer(invitation: MeetingInvitation, value: InvitationAnswer, via: AnsweredVia, user,
           today: date | None = None) -> list[MeetingInvitation]:
    """Record an answer; pre-fill the meeting's attendance from it (unless its minutes are approved); on
    "absent" call in the substitute tied to the member. Returns the substitutes called in. `today` as for
    send_invitation."""
    meeting = invitation.meeting
    _refuse_if_closed(meeting, today)
    if value not in (InvitationAnswer.ATTENDING, InvitationAnswer.ABSENT):
        raise BusinessRuleError(_l("Svara att du kommer eller att du har förhinder."), "answer")
    ops.change_child(meeting, invitation, user, "invitations",
                     {"answer": value, "answered_at": _at(today, 11), "answered_via": via}, _label)
    if not meeting.minutes_locked:
        if value == InvitationAnswer.ABSENT:
            status, substitute_for = AttendanceStatus.ABSENT, None
        elif invitation.substitute_for_id:
            status, substitute_for = AttendanceStatus.SUBSTITUTE, invitation.substitute_for_id
        else:
            status, substitute_for = AttendanceStatus.PRESENT, None
        meeting_ops.set_attendance(meeting, {"person_id": invitation.person_id, "status": status,
                                             "substitute_for_id": substitute_for}, user)
    if value == InvitationAnswer.ABSENT and not invitation.substitute_for_id:
        return _call_in_substitutes(invitation, user, today)
    return []


def answer_as_user(meeting: Meeting, value: InvitationAnswer, user) -> list[MeetingInvitation]:
    """A signed-in user answers for the person they are."""
    invitation = invitation_of(meeting, getattr(user, "person_id", None))
    if invitation is None:
        raise BusinessRuleError(_l("Du är inte kallad till det här mötet."), "answer")
    return answer(invitation, value, AnsweredVia.APP, user)


def answer_for(invitation: MeetingInvitation, value: InvitationAnswer, user) -> list[MeetingInvitation]:
    """The secretariat records an answer given by telephone or mail."""
    authorize(user, "edit", invitation.meeting)
    return answer(invitation, value, AnsweredVia.SECRETARIAT, user)


# --- Changes and cancellation -------------------------------------------------------------------------

def _send_to_all(meeting: Meeting, notice: MeetingNotice, subject: str, intro: str, method: str, user) -> int:
    state = ics.MeetingState(notice.sequence, method == "CANCEL")
    agenda = _agenda(meeting)
    sent = 0
    for invitation in invitations_of(meeting):
        if invitation.email:
            invitation.sequence = notice.sequence
            _queue(invitation, subject, _body(meeting, invitation, intro, agenda, with_answer=method != "CANCEL"),
                   method, state, user)
            sent += 1
    db.session.flush()
    return sent


def meeting_changed(meeting: Meeting, changes: dict, user) -> int:
    """Called by the meetings area after a meeting was saved: a new date, time or place of a meeting whose
    invitation went out sends everyone invited an update with the same UID and SEQUENCE one higher."""
    notice = notice_of(meeting)
    if notice is None or notice.cancelled_at is not None or not set(changes) & set(SCHEDULE_FIELDS):
        return 0
    ops.change_child(meeting, notice, user, "invitations", {"sequence": notice.sequence + 1},
                     lambda n: f"{_l('Ändrad kallelse')} {n.sequence}")
    return _send_to_all(meeting, notice, f"Ändrad tid eller plats: {meeting.display_title} "
                        f"{meeting.starts_on.isoformat()}", "Mötet har fått ny tid eller plats.", "REQUEST", user)


def cancel_meeting(meeting: Meeting, user) -> int:
    """Ställ in: the meeting is marked cancelled and everyone invited gets a cancellation (METHOD:CANCEL).
    The meeting stays in the register (and in the calendars, struck through as cancelled)."""
    authorize(user, "edit", meeting)
    notice = notice_of(meeting)
    if notice is not None and notice.cancelled_at is not None:
        raise BusinessRuleError(_l("Mötet är redan inställt."))
    if last_day(meeting) < date.today():
        raise BusinessRuleError(_l("Mötet har redan ägt rum."))
    if notice is None:
        notice = ops.add_child(meeting, MeetingNotice(meeting_id=meeting.id, sequence=1, cancelled_at=utcnow()),
                               user, "invitations", str(_l("Mötet är inställt")))
        return 0
    ops.change_child(meeting, notice, user, "invitations", {"sequence": notice.sequence + 1,
                                                            "cancelled_at": utcnow()},
                     lambda n: str(_l("Mötet är inställt")) if n.cancelled_at else str(n.sequence))
    return _send_to_all(meeting, notice, f"Inställt: {meeting.display_title} {meeting.starts_on.isoformat()}",
                        "Mötet är inställt.", "CANCEL", user)


# --- Reading, for the meeting page ----------------------------------------------------------------------

def summary(invitations: list[MeetingInvitation]) -> dict[InvitationAnswer, int]:
    counts = {answer: 0 for answer in InvitationAnswer}
    for invitation in invitations:
        counts[invitation.answer] += 1
    return counts


def is_token_like(token: str) -> bool:
    return 0 < len(token) < 300

