"""Writes for meetings: agenda, attendance, conflicts of interest, minutes per § with the decisions taken,
and approval by the chair and each adjuster, after which the minutes lock."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import operations as ops
from app.core.models import utcnow
from app.core.operations import BusinessRuleError
from app.core.permissions import authorize, check_group_choice
from app.decisions import operations as decision_ops
from app.decisions.models import Decision, DecisionKind, DecisionState
from app.extensions import db
from app.groups.models import Group
from app.meetings.models import (
    AgendaConflict,
    AgendaItem,
    ApproverRole,
    Attendance,
    AttendanceStatus,
    Meeting,
    MinutesApproval,
    MinutesRevision,
)
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
    values = dict(values, start_time=(values.get("start_time") or "").strip())
    _refuse_moving_when_locked(meeting, values)
    changes = ops.update(meeting, user, values)
    from app.meetings.invitations.operations import meeting_changed  # the invitation imports this module

    meeting_changed(meeting, changes, user)  # a new time or place goes out to everyone invited
    return changes


def save_minutes(meeting: Meeting, values: dict, user, expected_version=None) -> dict:
    """The minutes' free text (opening, notes besides the §§); the §§ are written per agenda item."""
    _refuse_if_locked(meeting, "minutes")
    return ops.update(meeting, user, {"minutes": values["minutes"]}, expected_version)


# Approved minutes lock when and where the meeting was held; its title and notes may still be mended.
LOCKED_MEETING_FIELDS = ("group_id", "starts_on", "start_time", "ends_on")


def _refuse_moving_when_locked(meeting: Meeting, values: dict) -> None:
    if meeting.minutes_locked:
        for name in LOCKED_MEETING_FIELDS:
            if name in values and values[name] != getattr(meeting, name):
                raise BusinessRuleError(_l("Protokollet är justerat: mötets grupp och datum kan inte ändras."), name)


def write_item_minutes(item: AgendaItem, values: dict, user, expected_version=None) -> Decision | None:
    """The minutes of one § and, when a decision is worded, the decision taken at it: a decision record
    of the meeting's group dated the meeting's day, created from the item (or the item's proposed
    decision, now taken)."""
    meeting = item.meeting
    _refuse_if_locked(meeting, "minutes")
    ops.check_version(item, expected_version)
    decision = item.decision
    if (values.get("decision_text") or "").strip():
        if decision is not None and decision.state == DecisionState.TAKEN and decision.meeting_id != meeting.id:
            # The item concerns an earlier decision (its follow-up): that one is not reworded from here.
            raise BusinessRuleError(_l("Ärendet gäller ett beslut som redan är fattat (%(title)s). Skriv det nya "
                                       "beslutet i ett eget ärende, eller ta bort kopplingen till det tidigare.",
                                       title=str(decision)), "decision_text")
        wording = {"title": (values.get("decision_title") or "").strip() or item.title,
                   "text": values["decision_text"].strip(),
                   "kind": values.get("decision_kind") or DecisionKind.DECISION,
                   "group_id": meeting.group_id, "meeting_id": meeting.id, "decided_on": meeting.starts_on,
                   "state": DecisionState.TAKEN, "by_delegation": False,
                   "registry_number": (values.get("registry_number") or "").strip() or None,
                   "issuing_organisation_id": values.get("issuing_organisation_id"),
                   "executor": (values.get("executor") or "").strip(), "execute_by": values.get("execute_by")}
        organisation = db.session.get(Organisation, wording["issuing_organisation_id"] or -1)
        if wording["registry_number"] is None and organisation is not None and organisation.registry_format:
            # No number typed: the next of the organisation's series, reserved with this save.
            wording["number_mode"] = decision_ops.NUMBER_NEXT
        if decision is None:
            decision = decision_ops.create_decision(wording, user)
        else:
            authorize(user, "edit", decision)
            decision_ops.update_decision(decision, wording, user)
    elif decision is not None and decision.meeting_id == meeting.id and decision.state == DecisionState.TAKEN:
        raise BusinessRuleError(_l("Beslutet är redan registrerat; ändra eller arkivera det på beslutets sida."),
                                "decision_text")
    ops.update(item, user, {"minutes": (values.get("minutes") or "").strip(),
                            "decision_id": decision.id if decision is not None else None})
    db.session.expire(item, ["decision"])  # read afresh by what follows in this transaction (the lock's text)
    return decision


def add_approver(meeting: Meeting, person_id: int | None, role: ApproverRole, user) -> MinutesApproval:
    _refuse_if_locked(meeting, "person_id")
    person = db.session.get(Person, person_id or -1)
    if person is None:
        raise BusinessRuleError(_l("Välj en person."), "person_id")
    if any(a.person_id == person.id for a in meeting.approvals):
        raise BusinessRuleError(_l("%(name)s justerar redan protokollet.", name=person.name), "person_id")
    if role == ApproverRole.CHAIR and any(a.role == ApproverRole.CHAIR for a in meeting.approvals):
        raise BusinessRuleError(_l("Mötet har redan en ordförande som justerar."), "role")
    removed = next((a for a in meeting.approval_rows if a.person_id == person.id), None)
    if removed is not None:  # named again after being taken away
        ops.change_child(meeting, removed, user, "approvals", {"removed_at": None, "role": role}, _approval_label)
        return removed
    # Made through the relationship, so that the meeting's list of approvers knows it at once.
    return ops.add_child(meeting, MinutesApproval(meeting=meeting, person_id=person.id, role=role), user,
                         "approvals", _approval_label)


def remove_approver(approval: MinutesApproval, user) -> None:
    """An adjuster named by mistake is taken away before approving; the row stays, marked."""
    meeting = approval.meeting
    _refuse_if_locked(meeting)
    if approval.removed_at is not None:
        return
    if approval.approved_on is not None:
        raise BusinessRuleError(_l("%(name)s har redan justerat.", name=approval.person.name))
    approval.removed_at = utcnow()
    ops.child_removed(meeting, user, "approvals", _approval_label(approval))


def approve(meeting: Meeting, user, expected_version: int | None = None) -> MinutesApproval:
    """An adjuster (or the chair) approves the minutes with their own click, today."""
    ops.check_version(meeting, expected_version)  # approve only the minutes one has seen
    person_id = getattr(user, "person_id", None)
    approval = next((a for a in meeting.approvals if person_id and a.person_id == person_id), None)
    if approval is None:
        raise BusinessRuleError(_l("Du är inte utsedd att justera det här protokollet."))
    return _approve(approval, date.today(), user, on_behalf=False)


def record_approval(approval: MinutesApproval, approved_on: date, user) -> MinutesApproval:
    """The secretariat records an approval made outside the app (historical minutes, an adjuster without
    an account), on the day it was made; marked as recorded on their behalf."""
    return _approve(approval, approved_on, user, on_behalf=True)


def _approve(approval: MinutesApproval, approved_on: date, user, on_behalf: bool) -> MinutesApproval:
    meeting = approval.meeting
    _refuse_if_locked(meeting)
    if approval.approved_on is not None:
        raise BusinessRuleError(_l("%(name)s har redan justerat.", name=approval.person.name))
    if not has_minutes(meeting):
        raise BusinessRuleError(_l("Det finns inget protokoll att justera."))
    if approved_on > date.today():
        raise BusinessRuleError(_l("Ett justeringsdatum kan inte ligga i framtiden."), "approved_on")
    if approved_on < meeting.starts_on:
        raise BusinessRuleError(_l("Protokollet kan inte justeras före mötet."), "approved_on")
    ops.change_child(meeting, approval, user, "approvals",
                     {"approved_on": approved_on, "approved_at": utcnow(), "on_behalf": on_behalf,
                      "recorded_by_id": getattr(user, "id", None)}, _approval_label)
    if meeting.approvals and all(a.approved_on is not None for a in meeting.approvals):
        _lock(meeting, user)
    return approval


def has_minutes(meeting: Meeting) -> bool:
    return bool(meeting.minutes.strip()) or any(i.minutes.strip() or i.decision_id
                                                for i in meeting.agenda if not i.is_archived)


def _approval_label(approval: MinutesApproval) -> str:
    db.session.flush()
    person = db.session.get(Person, approval.person_id)
    label = f"{person.name} ({approval.role.label})"
    if approval.approved_on is not None:
        label += f": {_l('justerat')} {approval.approved_on.isoformat()}"
        if approval.on_behalf:
            label += f" ({_l('registrerat av sekretariatet')})"
    return label


def _lock(meeting: Meeting, user) -> MinutesRevision:
    """The last approval locks the minutes: what they say is frozen as revision 1."""
    names = ", ".join(a.person.name for a in meeting.approvals)
    approved_on = max(a.approved_on for a in meeting.approvals)
    ops.update(meeting, user, {"minutes_approved_by": names, "minutes_approved_on": approved_on})
    return _revision(meeting, minutes_text(meeting), names, approved_on, "", user)


def minutes_text(meeting: Meeting) -> str:
    """The minutes as text, for the frozen revision: the free text, then each § with its decision."""
    parts = [meeting.minutes.strip()] if meeting.minutes.strip() else []
    for item in sorted(meeting.agenda, key=lambda i: (i.position, i.id)):
        if item.is_archived:
            continue
        lines = [f"§{item.position} {item.title}"]
        lines += [f"{c.person.name}: {_l('jäv')}" for c in item.conflicts]
        if item.minutes.strip():
            lines.append(item.minutes.strip())
        if item.decision is not None and item.decision.state == DecisionState.TAKEN:
            number = f" ({item.decision.registry_number})" if item.decision.registry_number else ""
            lines.append(f"{_l('Beslut')}{number}: {item.decision.text}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def correct_minutes(meeting: Meeting, text: str, reason: str, approved_by: str, approved_on, user,
                    expected_version: int | None = None) -> MinutesRevision:
    """A correction of approved minutes is a new, recorded revision; the earlier ones stay."""
    ops.check_version(meeting, expected_version)
    if not meeting.minutes_locked:
        raise BusinessRuleError(_l("Protokollet är inte justerat: ändra det direkt."))
    if approved_on > date.today():
        raise BusinessRuleError(_l("Ett justeringsdatum kan inte ligga i framtiden."), "approved_on")
    if approved_on < meeting.minutes_approved_on:
        raise BusinessRuleError(_l("En rättelse kan inte justeras före protokollet."), "approved_on")
    ops.update(meeting, user, {"minutes": text, "minutes_approved_by": approved_by.strip(),
                               "minutes_approved_on": approved_on})
    return _revision(meeting, minutes_text(meeting), approved_by, approved_on, reason, user)


def _revision(meeting, text, approved_by, approved_on, reason, user) -> MinutesRevision:
    number = (db.session.scalar(sa.select(sa.func.max(MinutesRevision.number)).where(
        MinutesRevision.meeting_id == meeting.id)) or 0) + 1
    revision = MinutesRevision(meeting_id=meeting.id, number=number, text=text, approved_by=approved_by.strip(),
                               approved_on=approved_on, reason=reason.strip(), user_id=getattr(user, "id", None))
    return ops.add_child(meeting, revision, user, "minutes_revisions",
                         lambda r: f"{r.number}: {r.approved_on.isoformat()} {r.approved_by}"
                         + (f" ({r.reason})" if r.reason else ""))


def _refuse_if_locked(meeting: Meeting, field: str | None = None) -> None:
    """Approved minutes are locked, and with them what the meeting page says happened."""
    if meeting.minutes_locked:
        raise BusinessRuleError(_l("Protokollet är justerat och låst. Gör en rättelse i stället."), field)


def add_agenda_item(meeting: Meeting, values: dict, user) -> AgendaItem:
    _refuse_if_locked(meeting)
    if not values.get("position"):
        values = dict(values, position=len([i for i in meeting.agenda if not i.is_archived]) + 1)
    return ops.create(AgendaItem(meeting=meeting), user, **values)  # the meeting's agenda knows it at once


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
