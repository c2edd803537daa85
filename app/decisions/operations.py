"""Writes for decisions: registry numbers, links to assignments, execution and dispatch."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.assignments.models import Assignment
from app.core import operations as ops
from app.core import outbox
from app.core.models import utcnow
from app.core.operations import BusinessRuleError
from app.core.outbox import OutboxMessage, OutboxStatus
from app.core.permissions import authorize, check_group_choice
from app.decisions.models import Decision, DecisionDispatch, DecisionLink, DecisionState, DispatchStatus, LinkEffect
from app.extensions import db
from app.groups.models import Group
from app.meetings.models import Meeting


def _check(values: dict, decision_id: int | None = None) -> None:
    group = db.session.get(Group, values.get("group_id") or -1)
    if group is None:
        raise BusinessRuleError(_l("Välj en grupp."), "group_id")
    meeting_id = values.get("meeting_id")
    if meeting_id:
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None or meeting.group_id != group.id:
            raise BusinessRuleError(_l("Mötet hör till en annan grupp."), "meeting_id")
        if values.get("by_delegation"):
            raise BusinessRuleError(_l("Ett delegationsbeslut fattas inte på ett möte."), "by_delegation")
    if values.get("state") == DecisionState.TAKEN and not values.get("decided_on"):
        # Decisions registered from documents that give no date may stay undated (the source says where
        # they come from); others need their date.
        existing = db.session.get(Decision, decision_id) if decision_id else None
        kept_undated = (existing is not None and existing.decided_on is None and existing.state == DecisionState.TAKEN)
        if not kept_undated and not (values.get("source") or "").strip():
            raise BusinessRuleError(_l("Ett fattat beslut behöver ett beslutsdatum, eller en källa om källan "
                                       "inte anger något datum."), "decided_on")
    number = values.get("registry_number")
    if number:
        if not values.get("issuing_organisation_id"):
            raise BusinessRuleError(_l("Ange vilken organisation diarienumret hör till."), "issuing_organisation_id")
        clash = db.session.scalar(sa.select(Decision).where(
            sa.func.lower(Decision.registry_number) == number.lower(),
            Decision.issuing_organisation_id == values["issuing_organisation_id"],
            Decision.id != (decision_id or -1)))
        if clash is not None:
            raise BusinessRuleError(_l("Diarienumret används redan för beslutet ”%(title)s”.", title=clash.title),
                                    "registry_number")


def create_decision(values: dict, user) -> Decision:
    check_group_choice(user, Decision, values.get("group_id"), "group_id")
    _check(values)
    return ops.create(Decision(), user, **values)


# What approved minutes lock of a decision taken at the meeting: its wording and where it was taken.
# Its execution follow-up and dispatch go on.
WORDING_FIELDS = ("title", "text", "kind", "state", "group_id", "meeting_id", "decided_on", "by_delegation",
                  "registry_number", "issuing_organisation_id")


def update_decision(decision: Decision, values: dict, user, expected_version=None) -> dict:
    ops.check_version(decision, expected_version)
    check_group_choice(user, Decision, values.get("group_id"), "group_id")
    if decision.meeting is not None and decision.meeting.minutes_locked:
        for name in WORDING_FIELDS:
            if name in values and values[name] != getattr(decision, name):
                raise BusinessRuleError(_l("Protokollet där beslutet fattades är justerat: beslutets lydelse kan "
                                           "inte ändras. Gör en rättelse av protokollet."), name)
    _check(values, decision.id)
    return ops.update(decision, user, values)


def ensure_link(decision_id: int, assignment_id: int, effect: LinkEffect, user) -> DecisionLink:
    """The link row for (decision, assignment, effect): restored if it was archived, else created. It
    belongs to both records, so making or restoring it needs the right to change both."""
    link = db.session.scalar(sa.select(DecisionLink).where(
        DecisionLink.decision_id == decision_id, DecisionLink.assignment_id == assignment_id,
        DecisionLink.effect == effect))
    if link is not None and not link.is_archived:
        return link
    authorize(user, "edit", db.session.get(Decision, decision_id))
    authorize(user, "edit", db.session.get(Assignment, assignment_id))
    if link is None:
        return ops.create(DecisionLink(decision_id=decision_id), user, assignment_id=assignment_id, effect=effect)
    ops.restore(link, user)
    return link


def link_assignment(decision: Decision, assignment_id: int, effect: LinkEffect, user) -> DecisionLink:
    from app.core.permissions import can

    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise BusinessRuleError(_l("Välj ett uppdrag."), "assignment_id")
    if user is not None and not can(user, "edit", assignment):
        # Said beside the field: the choice was offered in good faith by the form.
        raise BusinessRuleError(_l("Du kan bara koppla beslut till uppdrag som du får ändra."), "assignment_id")
    exists = db.session.scalar(sa.select(DecisionLink.id).where(
        DecisionLink.decision_id == decision.id, DecisionLink.assignment_id == assignment_id,
        DecisionLink.effect == effect, DecisionLink.active()))
    if exists:
        raise BusinessRuleError(_l("Beslutet är redan kopplat på det sättet till uppdraget."), "assignment_id")
    link = ensure_link(decision.id, assignment_id, effect, user)
    # The assignment points back at the decision that gave or closed it, if it doesn't already.
    if effect == LinkEffect.GIVES and assignment.given_by_decision_id is None:
        ops.update(assignment, user, {"given_by_decision_id": decision.id})
    if effect in (LinkEffect.ACCEPTS, LinkEffect.CLOSES) and assignment.closed_by_decision_id is None:
        ops.update(assignment, user, {"closed_by_decision_id": decision.id})
    return link


def unlink(link: DecisionLink, user) -> None:
    """Archive a link; the assignment stops pointing at a decision that no longer gives or closes it.
    Like making the link, it needs the right to change the assignment, not only the decision."""
    assignment = link.assignment
    authorize(user, "edit", assignment)
    ops.archive(link, user)
    if link.effect == LinkEffect.GIVES and assignment.given_by_decision_id == link.decision_id:
        ops.update(assignment, user, {"given_by_decision_id": None})
    if link.effect in (LinkEffect.ACCEPTS, LinkEffect.CLOSES) and assignment.closed_by_decision_id == link.decision_id:
        ops.update(assignment, user, {"closed_by_decision_id": None})


def add_dispatch(decision: Decision, recipient: str, email: str, user) -> DecisionDispatch:
    dispatch = DecisionDispatch(decision_id=decision.id, recipient=recipient.strip(), email=email.strip(),
                                created_by_id=getattr(user, "id", None))
    return ops.add_child(decision, dispatch, user, "dispatch", _dispatch_label)


def _dispatch_label(dispatch: DecisionDispatch) -> str:
    return f"{dispatch.recipient} {dispatch.email}".strip() + f": {dispatch.status.label}"


def queued_dispatch_ids(decision: Decision) -> set[int]:
    """Dispatches whose e-mail waits in the outbox (queued, or to be retried)."""
    return set(db.session.scalars(sa.select(OutboxMessage.purpose_id).where(
        OutboxMessage.purpose == DISPATCH_PURPOSE, OutboxMessage.about_id == decision.id,
        OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.RETRYING)))))


def send_dispatches(decision: Decision, body: str, user) -> int:
    """Put the decision's e-mail to every recipient with an address, not sent and not already waiting,
    in the outbox (in this transaction); the worker sends them. Returns how many were queued."""
    waiting = queued_dispatch_ids(decision)
    queued = 0
    for dispatch in decision.dispatches:
        if dispatch.status == DispatchStatus.SENT or not dispatch.email or dispatch.id in waiting:
            continue
        outbox.queue(dispatch.email, str(decision), body, user, purpose=DISPATCH_PURPOSE, purpose_id=dispatch.id,
                     about=decision)
        queued += 1
    return queued


def _dispatch_sent(message: OutboxMessage) -> None:
    dispatch = db.session.get(DecisionDispatch, message.purpose_id)
    if dispatch is not None and dispatch.status != DispatchStatus.SENT:
        ops.change_child(dispatch.decision, dispatch, None, "dispatch",
                         {"status": DispatchStatus.SENT, "sent_at": message.sent_at, "error": ""}, _dispatch_label)


def _dispatch_failed(message: OutboxMessage) -> None:
    dispatch = db.session.get(DecisionDispatch, message.purpose_id)
    if dispatch is not None and dispatch.status != DispatchStatus.SENT:
        ops.change_child(dispatch.decision, dispatch, None, "dispatch",
                         {"status": DispatchStatus.FAILED, "error": message.last_error[:500]}, _dispatch_label)


DISPATCH_PURPOSE = "decision_dispatch"
outbox.on_outcome(DISPATCH_PURPOSE, sent=_dispatch_sent, failed=_dispatch_failed)


def mark_dispatched(dispatch: DecisionDispatch, user) -> None:
    """The secretariat sent it by hand."""
    ops.change_child(dispatch.decision, dispatch, user, "dispatch",
                     {"status": DispatchStatus.SENT, "sent_at": utcnow(), "error": ""}, _dispatch_label)
