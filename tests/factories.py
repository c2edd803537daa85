"""Small factories for records, written through the operations layer as the app does."""

from datetime import date

from app.core import operations as ops
from app.extensions import db
from app.groups.models import Group, GroupRelation, GroupType, Level, NpoHosting, RelationKind
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import MemberRole, Membership, Person


def healthcare_region(name="Sjukvårdsregion Test", short="Test") -> Organisation:
    org = ops.create(Organisation(), None, name=name, short_name=short,
                     kind=OrganisationKind.HEALTHCARE_REGION)
    db.session.commit()
    return org


def region(parent: Organisation, name="Region Testlän") -> Organisation:
    org = ops.create(Organisation(), None, name=name, kind=OrganisationKind.REGION,
                     healthcare_region_id=parent.id)
    db.session.commit()
    return org


def group(name="NSG Test", type=GroupType.NSG, level=Level.NATIONAL, **values) -> Group:
    g = ops.create(Group(), None, name=name, type=type, level=level, **values)
    db.session.commit()
    return g


def relation(source: Group, target: Group, kind=RelationKind.STEERING_GROUP_OF) -> GroupRelation:
    r = ops.create(GroupRelation(), None, source_id=source.id, target_id=target.id, kind=kind)
    db.session.commit()
    return r


def person(name="Testa Personsson", **values) -> Person:
    p = ops.create(Person(), None, name=name, **values)
    db.session.commit()
    return p


def membership(group: Group, person: Person, role=MemberRole.MEMBER, start=date(2024, 1, 1),
               end=None) -> Membership:
    m = ops.create(Membership(), None, group_id=group.id, person_id=person.id, role=role,
                   start_on=start, end_on=end)
    db.session.commit()
    return m


def hosting(npo: Group, host: Organisation, **values) -> NpoHosting:
    h = ops.create(NpoHosting(), None, npo_id=npo.id, host_id=host.id, **values)
    db.session.commit()
    return h


def assignment(principal: Group, recipient: Group, title="Uppdrag", status=None, **values):
    from app.assignments.models import Assignment, AssignmentStatus
    from app.assignments.operations import keep_state

    a = ops.create(Assignment(), None, title=title, principal_group_id=principal.id,
                   recipient_group_id=recipient.id, status=status or AssignmentStatus.IN_PROGRESS, **values)
    keep_state(a)  # what the area's operations keep: its due date while open
    db.session.commit()
    return a
