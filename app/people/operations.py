"""Writes for people, memberships and conflict-of-interest declarations."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db
from app.groups.models import Group
from app.people.models import ConflictDeclaration, MemberRole, Membership, Person


def create_person(values: dict, user) -> Person:
    return ops.create(Person(), user, **values)


def update_person(person: Person, values: dict, user, expected_version=None) -> dict:
    return ops.update(person, user, values, expected_version)


def _check_membership(values: dict, group_id: int, membership_id: int | None = None) -> None:
    if db.session.get(Person, values.get("person_id") or -1) is None:
        raise BusinessRuleError(_l("Välj en person."), "person_id")
    start, end = values.get("start_on") or date.min, values.get("end_on") or date.max
    same = db.session.scalars(sa.select(Membership).where(
        Membership.group_id == group_id, Membership.person_id == values["person_id"],
        Membership.role == values.get("role"), Membership.active(), Membership.id != (membership_id or -1)))
    for other in same:
        if (other.start_on or date.min) <= end and start <= (other.end_on or date.max):
            raise BusinessRuleError(_l("Personen har redan den rollen i gruppen under samma period."), "person_id")
    _check_substitute_for(values, group_id, membership_id)


def _check_substitute_for(values: dict, group_id: int, membership_id: int | None) -> None:
    """A substitute is tied to one member of the same group, never to themselves or to another substitute."""
    target_id = values.get("substitute_for_id")
    if not target_id:
        return
    if values.get("role") != MemberRole.SUBSTITUTE:
        raise BusinessRuleError(_l("Bara en ersättare kan vara ersättare för en ledamot. Välj rollen Ersättare."),
                                "substitute_for_id")
    target = db.session.get(Membership, target_id)
    if target is None or target.group_id != group_id or target.is_archived:
        raise BusinessRuleError(_l("Välj en ledamot i samma grupp."), "substitute_for_id")
    if target.id == membership_id or target.person_id == values.get("person_id"):
        raise BusinessRuleError(_l("En ersättare kan inte vara ersättare för sig själv."), "substitute_for_id")
    if target.role == MemberRole.SUBSTITUTE:
        raise BusinessRuleError(_l("Välj en ledamot, inte en annan ersättare."), "substitute_for_id")


def create_membership(group: Group, values: dict, user) -> Membership:
    if group.is_archived:
        raise BusinessRuleError(_l("Gruppen är arkiverad."))
    _check_membership(values, group.id)
    return ops.create(Membership(group_id=group.id), user, **values)


def update_membership(membership: Membership, values: dict, user, expected_version=None) -> dict:
    ops.check_version(membership, expected_version)
    _check_membership(values, membership.group_id, membership.id)
    return ops.update(membership, user, values)


ASSESSMENT_FIELDS = ("assessed_by", "assessed_on", "outcome", "assessment_note")


def _check_assessment(declaration: ConflictDeclaration, values: dict, user) -> None:
    """Only the host (the secretariat) assesses conflicts of interest, never the group's own chair."""
    from app.core.permissions import can

    changed = any(values.get(f) != (getattr(declaration, f) if declaration.id else None) and values.get(f)
                  for f in ASSESSMENT_FIELDS)
    # The system itself (seed, command line: user None) registers assessments made elsewhere.
    if changed and user is not None and not can(user, "assess", declaration):
        raise BusinessRuleError(_l("Jävsbedömningen görs av värdorganisationen (kansliet), inte av gruppen själv."),
                                "outcome")


def create_declaration(membership: Membership, values: dict, user) -> ConflictDeclaration:
    declaration = ConflictDeclaration(membership_id=membership.id)
    _check_assessment(declaration, values, user)
    return ops.create(declaration, user, **values)


def update_declaration(declaration: ConflictDeclaration, values: dict, user, expected_version=None) -> dict:
    from app.core.permissions import can

    ops.check_version(declaration, expected_version)
    _check_assessment(declaration, values, user)
    # An assessment answers what was declared: once assessed, only the assessor may change the declaration.
    declared_changed = any(f in values and values[f] != getattr(declaration, f) for f in ("declared_on", "interests"))
    if (declaration.outcome is not None and declared_changed and user is not None
            and not can(user, "assess", declaration)):
        raise BusinessRuleError(_l("Deklarationen är redan bedömd. Kontakta kansliet om något har ändrats, så görs en "
                                   "ny bedömning."), "interests")
    return ops.update(declaration, user, values)
