"""Writes for decisions: registry numbers, links to assignments, execution and dispatch."""

from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.assignments.models import Assignment
from app.core import operations as ops
from app.core import outbox
from app.core.models import utcnow
from app.core.operations import BusinessRuleError
from app.core.outbox import OutboxMessage, OutboxStatus
from app.core.pdf import PdfUnavailable
from app.core.permissions import authorize, check_group_choice
from app.decisions import printing
from app.decisions.models import Decision, DecisionDispatch, DecisionLink, DecisionState, DispatchStatus, LinkEffect
from app.extensions import db
from app.groups.models import Group
from app.meetings.models import Meeting
from app.organisations.models import Organisation, RegistryCounter
from app.organisations.registry import format_number
from app.people.models import Person

# How a decision's registry number is set: the next one of the issuing organisation's series (reserved on
# save), one typed by hand (historical decisions), or none.
NUMBER_NEXT, NUMBER_MANUAL, NUMBER_NONE = "next", "manual", "none"
EXECUTOR_FIELDS = {"executor_group_id": Group, "executor_person_id": Person, "executor_organisation_id": Organisation}
# Numbers typed by hand may already use some of a series; a reservation skips at most this many of them.
MAX_SKIPPED = 1000


def _registry_clash(organisation_id: int, number: str, decision_id: int | None = None):
    return db.session.scalar(sa.select(Decision).where(
        sa.func.lower(Decision.registry_number) == number.lower(),
        Decision.issuing_organisation_id == organisation_id,
        Decision.id != (decision_id or -1)))


def suggest_registry_number(organisation: Organisation, on_date: date | None = None) -> str | None:
    """The number the next reservation in `organisation`'s series would give, as a suggestion: nothing is
    reserved (someone else may take it first; the save then gets the next free one and says so)."""
    if not organisation.registry_format:
        return None
    year = (on_date or date.today()).year
    number = db.session.scalar(sa.select(RegistryCounter.last_number).where(
        RegistryCounter.organisation_id == organisation.id, RegistryCounter.year == year)) or 0
    for _ in range(MAX_SKIPPED):
        number += 1
        text = format_number(organisation.registry_format, year, number)
        if _registry_clash(organisation.id, text) is None:
            return text
    return None


def _insert_counter_if_missing(organisation_id: int, year: int) -> None:
    """The year's counter row, made if missing by an INSERT that a concurrent one cannot make fail."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app runs on SQLite and PostgreSQL only
        raise RuntimeError(f"no registry counters on {dialect}")
    db.session.execute(insert(RegistryCounter).values(organisation_id=organisation_id, year=year, last_number=0)
                       .on_conflict_do_nothing(index_elements=["organisation_id", "year"]))


def reserve_registry_number(organisation: Organisation, on_date: date | None = None) -> str:
    """Take the next number of `organisation`'s series for the year of `on_date` (today by default), in the
    caller's transaction: one UPDATE … SET last_number = last_number + 1 RETURNING, which PostgreSQL runs
    one transaction at a time per row (the second waits for the first to commit, then counts on from its
    number) and SQLite one writer at a time. Two saves at the same moment so never get the same number. A
    number already used (typed by hand) is skipped. Raises BusinessRuleError without a series."""
    if organisation is None or not organisation.registry_format:
        raise BusinessRuleError(_l("Organisationen har ingen nummerserie. Ange ett format för diarienummer på "
                                   "organisationen, eller skriv numret för hand."), "issuing_organisation_id")
    year = (on_date or date.today()).year
    _insert_counter_if_missing(organisation.id, year)
    for _ in range(MAX_SKIPPED):
        number = db.session.execute(
            sa.update(RegistryCounter).where(RegistryCounter.organisation_id == organisation.id,
                                             RegistryCounter.year == year)
            .values(last_number=RegistryCounter.last_number + 1).returning(RegistryCounter.last_number)).scalar_one()
        text = format_number(organisation.registry_format, year, number)
        if _registry_clash(organisation.id, text) is None:
            return text
    raise BusinessRuleError(_l("Serien har inga lediga nummer i närheten. Skriv numret för hand."), "registry_number")


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
    chosen = [name for name in EXECUTOR_FIELDS if values.get(name)]
    for name in chosen:
        if db.session.get(EXECUTOR_FIELDS[name], values[name]) is None:
            raise BusinessRuleError(_l("Välj ett av alternativen."), name)
    if len(chosen) + bool((values.get("executor") or "").strip()) > 1:
        raise BusinessRuleError(_l("Ange en ansvarig: en grupp, en person, en organisation eller, för den som "
                                   "inte finns i registret, ett namn – inte flera."),
                                chosen[-1] if chosen else "executor")
    number = values.get("registry_number")
    if number:
        if not values.get("issuing_organisation_id"):
            raise BusinessRuleError(_l("Ange vilken organisation diarienumret hör till."), "issuing_organisation_id")
        clash = _registry_clash(values["issuing_organisation_id"], number, decision_id)
        if clash is not None:
            raise BusinessRuleError(_l("Diarienumret används redan för beslutet ”%(title)s”.", title=clash.title),
                                    "registry_number")


def _number_mode(values: dict) -> str:
    """`number_mode` (a form's choice) taken out of `values`; without one, a number given is used as typed."""
    mode = values.pop("number_mode", None)
    if mode in (NUMBER_NEXT, NUMBER_MANUAL, NUMBER_NONE):
        return mode
    return NUMBER_MANUAL if values.get("registry_number") else NUMBER_NONE


def _take_number(values: dict, mode: str) -> None:
    """For NUMBER_NEXT: reserve the next number of the issuing organisation's series into `values`; for
    NUMBER_NONE: no number. Called after the other checks, so a refused save takes no number (and a
    taken one goes back anyway with the rolled-back transaction)."""
    if mode == NUMBER_NONE:
        values["registry_number"] = None
    elif mode == NUMBER_NEXT:
        organisation = db.session.get(Organisation, values.get("issuing_organisation_id") or -1)
        if organisation is None:
            raise BusinessRuleError(_l("Välj den organisation vars nummerserie numret ska tas ur."),
                                    "issuing_organisation_id")
        values["registry_number"] = reserve_registry_number(organisation, values.get("decided_on"))


def create_decision(values: dict, user) -> Decision:
    """A new decision; with `number_mode` "next", its number is reserved from the issuing organisation's
    series in this transaction (the decision's `registry_number` says which it got)."""
    values = dict(values)
    mode = _number_mode(values)
    check_group_choice(user, Decision, values.get("group_id"), "group_id")
    _check(values if mode == NUMBER_MANUAL else dict(values, registry_number=None))
    _take_number(values, mode)
    return ops.create(Decision(), user, **values)


# What approved minutes lock of a decision taken at the meeting: its wording and where it was taken.
# Its execution follow-up and dispatch go on.
WORDING_FIELDS = ("title", "text", "kind", "state", "group_id", "meeting_id", "decided_on", "by_delegation",
                  "registry_number", "issuing_organisation_id")


def update_decision(decision: Decision, values: dict, user, expected_version=None) -> dict:
    values = dict(values)
    mode = _number_mode(values)
    ops.check_version(decision, expected_version)
    check_group_choice(user, Decision, values.get("group_id"), "group_id")
    if decision.meeting is not None and decision.meeting.minutes_locked:
        for name in WORDING_FIELDS:
            if name in values and values[name] != getattr(decision, name):
                raise BusinessRuleError(_l("Protokollet där beslutet fattades är justerat: beslutets lydelse kan "
                                           "inte ändras. Gör en rättelse av protokollet."), name)
    _check(values if mode == NUMBER_MANUAL else dict(values, registry_number=None), decision.id)
    _take_number(values, mode)
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


RECIPIENT_FIELDS = {"recipient_person_id": Person, "recipient_group_id": Group,
                    "recipient_organisation_id": Organisation}


def add_dispatch(decision: Decision, recipient: str, email: str, user, **chosen) -> DecisionDispatch:
    """A recipient on the decision's dispatch list: one of the register's people, groups or organisations
    (`recipient_person_id=…` etc.; the name is copied, and a person's e-mail when none is typed), or – for
    outsiders – a name and an address."""
    recipient, email = (recipient or "").strip(), (email or "").strip()
    refs = {name: chosen.get(name) for name in RECIPIENT_FIELDS if chosen.get(name)}
    if len(refs) + bool(recipient) > 1:
        raise BusinessRuleError(_l("Välj en mottagare i registret eller skriv ett namn – inte båda."),
                                next(iter(refs), "recipient"))
    if not refs and not recipient:
        raise BusinessRuleError(_l("Välj en mottagare eller skriv ett namn."), "recipient")
    for name, record_id in refs.items():
        record = db.session.get(RECIPIENT_FIELDS[name], record_id)
        if record is None or record.is_archived:
            raise BusinessRuleError(_l("Välj ett av alternativen."), name)
        recipient = record.name
        if isinstance(record, Person) and not email:
            email = record.email
    dispatch = DecisionDispatch(decision_id=decision.id, recipient=recipient, email=email,
                                created_by_id=getattr(user, "id", None), **refs)
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
    in the outbox (in this transaction), with the decision extract (protokollsutdrag) as a PDF; the worker
    sends them. Returns how many were queued."""
    waiting = queued_dispatch_ids(decision)
    queued = 0
    extract = None
    for dispatch in decision.dispatches:
        if dispatch.status == DispatchStatus.SENT or not dispatch.email or dispatch.id in waiting:
            continue
        if extract is None:
            # The extract as it reads now, made once and kept with each message: a retry sends the same.
            # In the register's own language (Swedish), whatever language the sender's screen is in.
            try:
                with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                    extract = outbox.Attachment(printing.extract_filename(decision), "application/pdf",
                                                printing.extract_pdf(decision))
            except PdfUnavailable:
                raise BusinessRuleError(_l("Protokollsutdraget kan inte skapas som PDF på den här servern, så "
                                           "beslutet skickas inte. Be driften installera det som behövs för "
                                           "PDF (se README).")) from None
        outbox.queue(dispatch.email, str(decision), body, user, purpose=DISPATCH_PURPOSE, purpose_id=dispatch.id,
                     about=decision, attachments=[extract])
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
