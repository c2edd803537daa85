"""Writes for meetings: agenda, attendance, conflicts of interest and minutes approval."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.core.permissions import check_group_choice
from app.extensions import db
from app.groups.models import Group
from app.meetings.models import AgendaConflict, AgendaItem, Attendance, AttendanceStatus, Meeting, MinutesRevision
from app.organisations.models import Organisation
from app.people.models import Person


def _check(values: dict) -> None:
    if db.session.get(Group, values.get("group_id") or -1) is None:
        raise BusinessRuleError(_l("Välj en grupp."), "group_id")
    if values.get("ends_on") and values["ends_on"] < values["starts_on"]:
        raise BusinessRuleError(_l("Mötet kan inte sluta innan det börjar."), "ends_on")


def create_meeting(values: dict, user) -> Meeting:
    check_group_choice(user, Meeting, values.get("group_id"), "group_id")
    _check(values)
    return ops.create(Meeting(), user, **dict(values, start_time=(values.get("start_time") or "").strip()))


def update_meeting(meeting: Meeting, values: dict, user, expected_version=None) -> dict:
    ops.check_version(meeting, expected_version)
    check_group_choice(user, Meeting, values.get("group_id"), "group_id")
    _check(values)
    changes = ops.update(meeting, user, dict(values, start_time=(values.get("start_time") or "").strip()))
    from app.meetings.invitations.operations import meeting_changed  # the invitation imports this module

    meeting_changed(meeting, changes, user)  # a new time or place goes out to everyone invited
    return changes


def save_minutes(meeting: Meeting, values: dict, user, expected_version=None) -> dict:
    if meeting.minutes_locked:
        raise BusinessRuleError(_l("Protokollet är justerat och låst. Gör en rättelse i stället."), "minutes")
    return ops.update(meeting, user, {"minutes": values["minutes"]}, expected_version)


def approve_minutes(meeting: Meeting, approved_by: str, approved_on, user,
                    expected_version: int | None = None) -> MinutesRevision:
    ops.check_version(meeting, expected_version)  # approve only the text one has seen
    if meeting.minutes_locked:
        raise BusinessRuleError(_l("Protokollet är redan justerat."))
    if not meeting.minutes.strip():
        raise BusinessRuleError(_l("Det finns inget protokoll att justera."))
    if approved_on < meeting.starts_on:
        raise BusinessRuleError(_l("Protokollet kan inte justeras före mötet."), "approved_on")
    ops.update(meeting, user, {"minutes_approved_by": approved_by.strip(), "minutes_approved_on": approved_on})
    return _revision(meeting, meeting.minutes, approved_by, approved_on, "", user)


def correct_minutes(meeting: Meeting, text: str, reason: str, approved_by: str, approved_on, user,
                    expected_version: int | None = None) -> MinutesRevision:
    """A correction of approved minutes is a new, recorded revision; the earlier ones stay."""
    ops.check_version(meeting, expected_version)
    if not meeting.minutes_locked:
        raise BusinessRuleError(_l("Protokollet är inte justerat: ändra det direkt."))
    ops.update(meeting, user, {"minutes": text, "minutes_approved_by": approved_by.strip(),
                               "minutes_approved_on": approved_on})
    return _revision(meeting, text, approved_by, approved_on, reason, user)


def _revision(meeting, text, approved_by, approved_on, reason, user) -> MinutesRevision:
    number = (db.session.scalar(sa.select(sa.func.max(MinutesRevision.number)).where(
        MinutesRevision.meeting_id == meeting.id)) or 0) + 1
    revision = MinutesRevision(meeting_id=meeting.id, number=number, text=text, approved_by=approved_by.strip(),
                               approved_on=approved_on, reason=reason.strip(), user_id=getattr(user, "id", None))
    return ops.add_child(meeting, revision, user, "minutes_revisions",
                         lambda r: f"{r.number}: {r.approved_on.isoformat()} {r.approved_by}"
                         + (f" ({r.reason})" if r.reason else ""))


def _refuse_if_locked(meeting: Meeting) -> None:
    """Approved minutes are locked, and with them what the meeting page says happened."""
    if meeting.minutes_locked:
        raise BusinessRuleError(_l("Protokollet är justerat och låst. Gör en rättelse i stället."))


def add_agenda_item(meeting: Meeting, values: dict, user) -> AgendaItem:
    _refuse_if_locked(meeting)
    if not values.get("position"):
        values = dict(values, position=len([i for i in meeting.agenda if not i.is_archived]) + 1)
    return ops.create(AgendaItem(meeting_id=meeting.id), user, **values)


def update_agenda_item(item: AgendaItem, values: dict, user, expected_version=None) -> dict:
    _refuse_if_locked(item.meeting)
    if not values.get("position"):
        values = dict(values, position=item.position)
    return ops.update(item, user, values, expected_version)


def set_attendance(meeting: Meeting, values: dict, user) -> Attendance:
    _refuse_if_locked(meeting)
    if values.get("status") == AttendanceStatus.SUBSTITUTE and not values.get("substitute_for_id"):
        raise BusinessRuleError(_l("Ange vem ersättaren tjänstgör för."), "substitute_for_id")
    if values.get("substitute_for_id") and values["substitute_for_id"] == values.get("person_id"):
        raise BusinessRuleError(_l("En person kan inte ersätta sig själv."), "substitute_for_id")
    row = db.session.scalar(sa.select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                        Attendance.person_id == values["person_id"]))
    changes = {"representing_id": values.get("representing_id"),
               "status": values.get("status") or AttendanceStatus.PRESENT,
               "substitute_for_id": values.get("substitute_for_id")}
    if row is None:
        return ops.add_child(meeting, Attendance(meeting_id=meeting.id, person_id=values["person_id"], **changes),
                             user, "attendance", _attendance_label)
    ops.change_child(meeting, row, user, "attendance", changes, _attendance_label)
    return row


def _attendance_label(row: Attendance) -> str:
    db.session.flush()
    person = db.session.get(Person, row.person_id)
    substitute_for = db.session.get(Person, row.substitute_for_id) if row.substitute_for_id else None
    representing = db.session.get(Organisation, row.representing_id) if row.representing_id else None
    return (f"{person.name}: {row.status.label}" + (f" ({substitute_for.name})" if substitute_for else "")
            + (f", {representing}" if representing else ""))


def declare_conflict(meeting: Meeting, item_id: int, person_id: int, note: str, user) -> AgendaConflict:
    _refuse_if_locked(meeting)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise BusinessRuleError(_l("Välj ett ärende på det här mötet."), "agenda_item_id")
    exists = db.session.scalar(sa.select(AgendaConflict.id).where(
        AgendaConflict.agenda_item_id == item_id, AgendaConflict.person_id == person_id))
    if exists:
        raise BusinessRuleError(_l("Jävet är redan anmält för det ärendet."), "person_id")
    conflict = AgendaConflict(agenda_item_id=item_id, person_id=person_id, note=note.strip())
    return ops.add_child(meeting, conflict, user, "conflicts",
                         lambda c: f"§{item.position} {item.title}: {db.session.get(Person, c.person_id).name}")
