"""What a picker may offer: the active records of a kind, optionally narrowed (groups of some types, records
of one group, all but one record). The same narrowing serves a form's field – its choices, checked when
the form is posted – and the type-ahead's /picker/<kind>, which a field's URL narrows alike."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.assignments.models import Assignment
from app.core.fulltext import text_search
from app.core.models import SearchableMixin
from app.core.permissions import group_scope
from app.core.sorting import search_text
from app.decisions.models import Decision
from app.extensions import db
from app.groups.models import Group
from app.meetings.models import Meeting
from app.organisations.models import Organisation
from app.people.models import Person


def _group(group: Group) -> str:
    region = group.region or group.healthcare_region
    return " · ".join(part for part in (group.type.value, region.name if region else "") if part)


def _person(person: Person) -> str:
    return " · ".join(part for part in (person.organisation.name if person.organisation else "", person.title) if part)


def _organisation(organisation: Organisation) -> str:
    return str(organisation.kind.label)


def _assignment(assignment: Assignment) -> str:
    return f"{assignment.recipient_group.name} · {assignment.status.label}"


def _decision(decision: Decision) -> str:
    return " · ".join(part for part in (decision.group.name, format_date(decision.decided_on)
                                        if decision.decided_on else "") if part)


def _meeting(meeting: Meeting) -> str:
    return meeting.group.name


@dataclass(frozen=True)
class Kind:
    model: type
    order: tuple  # how the choices are offered
    options: tuple  # what telling them apart (`detail`) reads
    detail: object


KINDS = {
    "group": Kind(Group, (Group.name_sort, Group.id),
                  (selectinload(Group.region), selectinload(Group.healthcare_region)), _group),
    "person": Kind(Person, (Person.name_sort, Person.id), (selectinload(Person.organisation),), _person),
    "organisation": Kind(Organisation, (Organisation.name_sort, Organisation.id), (), _organisation),
    "assignment": Kind(Assignment, (Assignment.title, Assignment.id), (selectinload(Assignment.recipient_group),),
                       _assignment),
    "decision": Kind(Decision, (Decision.decided_on.desc().nulls_last(), Decision.id.desc()),
                     (selectinload(Decision.group),), _decision),
    "meeting": Kind(Meeting, (Meeting.starts_on.desc(), Meeting.id.desc()), (selectinload(Meeting.group),), _meeting),
}


def allowed(kind: str, types=(), group: int | None = None, exclude: int | None = None):
    """The active records of `kind`, in the order offered: of `types` (groups), given or received by – or
    taken by, or held by – `group` (assignments, decisions, meetings), other than `exclude`."""
    spec = KINDS[kind]
    model = spec.model
    stmt = sa.select(model).where(model.active())
    if types:
        stmt = stmt.where(Group.type.in_(types))
    if group is not None:
        if model is Assignment:
            stmt = stmt.where(sa.or_(Assignment.principal_group_id == group, Assignment.recipient_group_id == group))
        else:
            stmt = stmt.where(model.group_id == group)
    if exclude is not None:
        stmt = stmt.where(model.id != exclude)
    return stmt.order_by(*spec.order)


def url_args(types=(), group: int | None = None, exclude: int | None = None) -> dict:
    """The same narrowing as arguments of /picker/<kind>."""
    args = {}
    if types:
        args["type"] = [t.value for t in types]
    if group is not None:
        args["group"] = group
    if exclude is not None:
        args["exclude"] = exclude
    return args


def offer(field, stmt=None, **narrowing) -> None:
    """Let the picker `field` offer the active records of its kind, narrowed as `allowed` takes it – or those
    of `stmt` where the form allows fewer (or one more, its current value) than the type-ahead can tell:
    the post is checked against `stmt`."""
    field.set_query(stmt if stmt is not None else allowed(field.kind, **narrowing), url_args(**narrowing))


def offer_groups_for(field, model) -> None:
    """Groups the user may register `model` records for: any group for the secretariat; a chair or secretary
    their own few, offered whole."""
    scope = group_scope(current_user, model)
    if scope is None:
        offer(field)
    else:
        field.set_choices(db.session.scalars(allowed("group").where(Group.id.in_(scope))))


def matches(kind: str, query: str, limit: int, **narrowing) -> list:
    """Active records of `kind` whose searchable text contains `query`, as offered, with what tells them apart
    loaded."""
    spec = KINDS[kind]
    stmt = allowed(kind, **narrowing).options(*spec.options)
    if query:
        # Records with a full-text index (assignments, decisions, meetings: tens of thousands) are found
        # through it, each word as a word's beginning; the short registers by their text.
        found = text_search(spec.model, query) if issubclass(spec.model, SearchableMixin) else None
        if found is not None:
            stmt = stmt.where(found.criterion)
        elif not issubclass(spec.model, SearchableMixin):
            stmt = stmt.where(spec.model.search_text.contains(search_text(query), autoescape=True))
    return list(db.session.scalars(stmt.limit(limit)))

