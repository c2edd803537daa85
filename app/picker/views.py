"""/picker/<kind>?q= – the type-ahead's answers: active groups, people or organisations whose name (or
short name) contains what was typed, with what tells namesakes apart: a group's type and region, a
person's organisation and title, an organisation's kind. Anyone signed in may read them, as they may read
the records themselves. A query too long is a 400 (app.core.args), an unknown kind a 404."""

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify
from sqlalchemy.orm import selectinload

from app.core.args import Args
from app.core.crud import require
from app.core.models import search_text
from app.extensions import db
from app.groups.models import Group
from app.organisations.models import Organisation
from app.people.models import Person

bp = Blueprint("picker", __name__, url_prefix="/picker")

LIMIT = 20


def _group(group: Group) -> str:
    region = group.region or group.healthcare_region
    return " · ".join(part for part in (group.type.value, region.name if region else "") if part)


def _person(person: Person) -> str:
    return " · ".join(part for part in (person.organisation.name if person.organisation else "", person.title) if part)


def _organisation(organisation: Organisation) -> str:
    return str(organisation.kind.label)


KINDS = {
    "group": (Group, (selectinload(Group.region), selectinload(Group.healthcare_region)), _group),
    "person": (Person, (selectinload(Person.organisation),), _person),
    "organisation": (Organisation, (), _organisation),
}


def matches(kind: str, query: str, limit: int = LIMIT) -> list:
    """Active records of `kind` whose searchable name contains `query`, in Swedish order."""
    model, options, _detail = KINDS[kind]
    stmt = sa.select(model).where(model.active()).options(*options)
    if query:
        stmt = stmt.where(model.search_text.contains(search_text(query), autoescape=True))
    return list(db.session.scalars(stmt.order_by(model.name_sort, model.id).limit(limit)))


@bp.route("/<kind>")
def search(kind: str):
    if kind not in KINDS:
        abort(404)
    require("view")
    query = Args().text("q")
    detail = KINDS[kind][2]
    return jsonify(kind=kind, q=query, results=[
        {"id": record.id, "label": str(record), "detail": detail(record)} for record in matches(kind, query)])
