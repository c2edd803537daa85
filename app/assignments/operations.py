"""Writes for assignments, their lifecycle, phases and status reports."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

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
from app.assignments.queries import kept_state_columns, kept_state_stale
from app.core import operations as ops
from app.core import outbox, tallies
from app.core.models import utcnow
from app.core.operations import BusinessRuleError
from app.core.permissions import authorize, check_group_choice
from app.extensions import db
from app.groups.models import Group
from app.people.models import Person
from app.priorities.models import PriorityItem

# Assignments that take status reports: the recipient is working on them.
REPORTABLE = (*OPEN_STATUSES, AssignmentStatus.DELIVERED)


def _check_references(values: dict, user, assignment: Assignment | None = None) -> None:
    """A chair may point an assignment only at their own groups' decisions and assignments. What it
    already points at (set by the secretariat, say) may stay."""
    from app.core.permissions import can
    from app.decisions.models import Decision

    if user is None:
        return
    for field in ("given_by_decision_id", "closed_by_decision_id", "parent_id"):
        if assignment is not None and values.get(field) == getattr(assignment, field):
            values = {k: v for k, v in values.items() if k != field}
    for field in ("given_by_decision_id", "closed_by_decision_id"):
        decision = db.session.get(Decision, values.get(field) or -1)
        if decision is not None and not can(user, "edit", decision):
            raise BusinessRuleError(_l("Välj ett beslut som din grupp har fattat."), field)
    parent = db.session.get(Assignment, values.get("parent_id") or -1)
    if parent is not None and not (can(user, "edit", parent) or can(user, "report", parent)):
        raise BusinessRuleError(_l("Välj ett uppdrag som din grupp har gett eller fått."), "parent_id")


def _check(values: dict, assignment_id: int | None = None) -> None:
    principal, recipient = values.get("principal_group_id"), values.get("recipient_group_id")
    if principal and principal == recipient:
        raise BusinessRuleError(_l("Mottagaren kan inte vara samma grupp som uppdragsgivaren."),
                                "recipient_group_id")
    for field in ("principal_group_id", "recipient_group_id"):
        group = db.session.get(Group, values.get(field) or -1)
        if group is None or group.is_archived:
            raise BusinessRuleError(_l("Välj en grupp."), field)
    start, due = values.get("start_on"), values.get("due_on")
    if start and due and due < start:
        raise BusinessRuleError(_l("Slutdatum kan inte ligga före startdatum."), "due_on")
    parent_id = values.get("parent_id")
    if parent_id:
        parent = db.session.get(Assignment, parent_id)
        ancestor, seen = parent, set()
        while ancestor is not None and ancestor.id not in seen:
            if ancestor.id == assignment_id:
                raise BusinessRuleError(_l("Ett uppdrag kan inte vara del av sig självt."), "parent_id")
            seen.add(ancestor.id)
            ancestor = ancestor.parent
        if parent is None:
            raise BusinessRuleError(_l("Välj ett uppdrag."), "parent_id")


def _split(values: dict) -> tuple[dict, dict]:
    """Separate the many-to-many choices from the assignment's own fields."""
    values = dict(values)
    links = {"programme_areas": values.pop("programme_area_ids", None),
             "priorities": values.pop("priority_item_ids", None)}
    return values, links


def _set_links(assignment: Assignment, links: dict, user=None) -> None:
    ops.set_links(assignment, user, {"programme_areas": (Group, links.get("programme_areas")),
                                     "priorities": (PriorityItem, links.get("priorities"))})


def create_assignment(values: dict, user, note: str = "") -> Assignment:
    """A new assignment; `note` goes with its first lifecycle step (the seed says where it came from)."""
    values, links = _split(values)
    values.setdefault("status", AssignmentStatus.DRAFT)
    check_group_choice(user, Assignment, values.get("principal_group_id"), "principal_group_id")
    _check(values)
    _check_references(values, user)
    assignment = ops.create(Assignment(), user, **values)
    _set_links(assignment, links, user)
    _link_giving_decision(assignment, user)
    _add_transition(assignment, None, assignment.status, note, user)
    keep_state(assignment)
    return assignment


def _add_transition(assignment: Assignment, from_status, to_status, note: str, user) -> AssignmentTransition:
    """A step in the lifecycle list, a child of the assignment like any other (its status field's own
    change is in the same history)."""
    return ops.add_child(assignment, AssignmentTransition(
        assignment_id=assignment.id, from_status=from_status, to_status=to_status, note=note,
        user_id=getattr(user, "id", None)), user, "transitions", _transition_label)


def _transition_label(step: AssignmentTransition) -> str:
    text = f"{step.from_status.label} → {step.to_status.label}" if step.from_status else str(step.to_status.label)
    return f"{text}: {step.note}" if step.note else text


def update_assignment(assignment: Assignment, values: dict, user, expected_version=None) -> dict:
    values, links = _split(values)
    values.pop("status", None)  # the lifecycle moves only through transition()
    ops.check_version(assignment, expected_version)
    check_group_choice(user, Assignment, values.get("principal_group_id"), "principal_group_id")
    _check(values, assignment.id)
    _check_references(values, user, assignment)
    changes = ops.update(assignment, user, values)
    _set_links(assignment, links, user)
    _link_giving_decision(assignment, user)
    keep_state(assignment)
    return changes


def _link_giving_decision(assignment: Assignment, user) -> None:
    """The decision that gave an assignment lists it too (a DecisionLink "gives")."""
    from app.decisions.models import LinkEffect
    from app.decisions.operations import ensure_link

    if assignment.given_by_decision_id:
        ensure_link(assignment.given_by_decision_id, assignment.id, LinkEffect.GIVES, user)


def transition(assignment: Assignment, to_status: AssignmentStatus, user, note: str = "",
               expected_version: int | None = None) -> None:
    ops.check_version(assignment, expected_version)
    if to_status not in assignment.allowed_next:
        raise BusinessRuleError(_l("Uppdraget kan inte gå från %(from)s till %(to)s.",
                                   **{"from": assignment.status.label, "to": to_status.label}), "to_status")
    from_status = assignment.status
    changes = {"status": to_status}
    if to_status not in REPORTABLE:
        # Nobody reports on a closed or cancelled assignment: its open requests lapse.
        changes["next_report_due_on"] = None
    ops.update(assignment, user, changes)
    _add_transition(assignment, from_status, to_status, note, user)
    keep_state(assignment)


def file_report(assignment: Assignment, values: dict, user) -> StatusReport:
    if assignment.status not in REPORTABLE:
        raise BusinessRuleError(_l("Uppdraget tar inte emot statusrapporter när det har status %(status)s.",
                                   status=assignment.status.label))
    corrects_id = values.get("corrects_id")
    if corrects_id:
        corrected = db.session.get(StatusReport, corrects_id)
        if corrected is None or corrected.assignment_id != assignment.id:
            raise BusinessRuleError(_l("Välj en tidigare rapport för samma uppdrag."), "corrects_id")
    if values.get("reported_on") and values["reported_on"] > date.today():
        raise BusinessRuleError(_l("Rapportdatum kan inte ligga i framtiden."), "reported_on")
    report = ops.create(StatusReport(assignment_id=assignment.id), user, **values)
    _answer_requests(assignment, report, user)
    keep_state(assignment)
    return report


def _answer_requests(assignment: Assignment, report: StatusReport, user) -> None:
    # Filing a report is what the reporter may do to the assignment; this bookkeeping follows from it.
    authorize(user, "report", assignment)
    open_requests = db.session.scalars(sa.select(ReportRequest).where(
        ReportRequest.assignment_id == assignment.id, ReportRequest.answered_by_id.is_(None))).all()
    for request in open_requests:
        ops.change_child(assignment, request, user, "report_requests", {"answered_by_id": report.id},
                         _request_label)
    if assignment.next_report_due_on is not None:
        ops.update(assignment, user, {"next_report_due_on": None})


def request_report(assignment: Assignment, due_on: date, user, round_: ReportingRound | None = None) -> ReportRequest:
    if assignment.status not in REPORTABLE:
        raise BusinessRuleError(_l("Uppdraget tar inte emot statusrapporter när det har status %(status)s.",
                                   status=assignment.status.label))
    authorize(user, "request_report", assignment)  # a round asks every assignment in it
    request = ops.add_child(assignment, ReportRequest(
        assignment_id=assignment.id, due_on=due_on, round_id=round_.id if round_ else None,
        requested_by_id=getattr(user, "id", None)), user, "report_requests", _request_label)
    earliest = min(d for d in (assignment.next_report_due_on, due_on) if d is not None)
    ops.update(assignment, user, {"next_report_due_on": earliest, "report_requested_at": utcnow()})
    return request


def keep_state(assignment: Assignment) -> None:
    """Bring `assignment`'s kept state (latest report, due date while open) up to date, after its
    status, due date or reports changed. Written by an UPDATE on the primary key, not through the unit
    of work: bookkeeping is not an edit, so it moves no version (a chair's open form does not go stale
    because a report was filed) and writes no history line."""
    db.session.flush()
    a = Assignment.__table__
    columns = kept_state_columns()
    state = db.session.execute(sa.select(*(v.label(f) for f, v in columns.items())).where(
        a.c.id == assignment.id)).one()._asdict()
    if all(getattr(assignment, field) == value for field, value in state.items()):
        return
    db.session.execute(sa.update(a).where(a.c.id == assignment.id).values(**state))
    for field, value in state.items():  # as stored: the object reads them without another load
        set_committed_value(assignment, field, value)
    tallies.recount_for(assignment)  # the dashboards' counts by light and due date follow


def recompute_state() -> int:
    """Rebuild every assignment's kept state in one set-based UPDATE, then every tally the dashboards
    count from (`flask maintenance recompute`, the scale seed); returns how many assignments it corrected."""
    columns = kept_state_columns()
    result = db.session.execute(sa.update(Assignment.__table__).where(kept_state_stale(columns)).values(**columns))
    db.session.expire_all()
    tallies.rebuild()
    return result.rowcount


def _request_label(request: ReportRequest) -> str:
    """A request as its history reads it: the date, and whether answered or reminded (no words, so
    that the stored text reads the same in every language)."""
    marks = (" ✓" if request.answered_by_id else "") + (" ✉" if request.reminded_at and not request.answered_by_id
                                                         else "")
    return request.due_on.isoformat() + marks


REMINDER_PURPOSE = "report_reminder"


def queue_reminders(days: int, today: date, user=None) -> list[tuple[ReportRequest, list[str]]]:
    """Reminders of status reports due within `days` (or overdue) to the recipient's chair, secretary
    and delegates: into the outbox when mail is configured (and the request marked reminded), else
    only listed. Returns each request with the addresses it is (or would be) sent to."""
    from app.assignments.queries import due_requests, reporters_of

    listed = []
    for request in due_requests(days, today):
        assignment = request.assignment
        addresses = [p.email for p in reporters_of(assignment, today) if p.email]
        listed.append((request, addresses))
        if not addresses or not outbox.mail_configured():
            continue
        body = (f"Påminnelse: en statusrapport för uppdraget ”{assignment.title}” ska lämnas senast "
                f"{request.due_on.isoformat()}.\n")
        for address in addresses:
            outbox.queue(address, f"Påminnelse om statusrapport: {assignment.title}", body, user,
                         purpose=REMINDER_PURPOSE, purpose_id=request.id, about=assignment)
        mark_reminded(request, user)
    return listed


def mark_reminded(request: ReportRequest, user) -> None:
    """The recipient was reminded of this request (flask reminders send)."""
    ops.change_child(request.assignment, request, user, "report_requests", {"reminded_at": utcnow()}, _request_label)


def create_round(values: dict, assignments: list[Assignment], user) -> ReportingRound:
    if not assignments:
        raise BusinessRuleError(_l("Inga pågående uppdrag matchar urvalet."))
    round_ = ops.create(ReportingRound(), user, **values)
    for assignment in assignments:
        request_report(assignment, round_.due_on, user, round_)
    return round_


def add_phase(assignment: Assignment, values: dict, user) -> AssignmentPhase:
    if not values.get("position"):
        values = dict(values, position=len(assignment.phases) + 1)
    return ops.create(AssignmentPhase(assignment_id=assignment.id), user, **values)


def update_phase(phase: AssignmentPhase, values: dict, user, expected_version=None) -> dict:
    return ops.update(phase, user, values, expected_version)


def set_reporters(assignment: Assignment, person_ids: list[int], user) -> None:
    """The people the recipient's chair delegates status reporting to (a many-to-many choice)."""
    ops.set_links(assignment, user, {"reporters": (Person, person_ids)})
