"""Start page: counts that link to their lists, open jäv assessments and the latest changes."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, render_template, url_for

from app.core.audit import ChangeLog, changed_fields, model_for_table
from app.extensions import db
from app.groups.models import Group, Level
from app.people.models import ConflictDeclaration, Membership, Person

bp = Blueprint("overview", __name__, template_folder="templates")

RECENT = 15


def _count(stmt) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


@bp.route("/")
def index():
    today = date.today()
    active_groups = sa.select(Group.id).where(
        Group.active(), Group.proposed.is_(False),
        sa.or_(Group.wound_up_on.is_(None), Group.wound_up_on >= today))
    by_level = dict(db.session.execute(
        sa.select(Group.level, sa.func.count()).where(Group.id.in_(active_groups)).group_by(Group.level)).all())
    assessed = sa.select(ConflictDeclaration.id).where(
        ConflictDeclaration.membership_id == Membership.id, ConflictDeclaration.outcome.is_not(None),
        ConflictDeclaration.active())
    missing_assessments = _count(sa.select(Membership.id).join(Membership.group).join(Membership.person).where(
        Membership.current_criterion(today), Group.active(), Person.active(), ~sa.exists(assessed)))
    figures = [
        (level.label, by_level.get(level, 0), url_for("groups.index", level=level.value)) for level in Level
    ] + [
        (None, _count(sa.select(Person.id).where(Person.active())), url_for("people.index")),
    ]
    return render_template("overview/index.html", figures=figures,
                           missing_assessments=missing_assessments, changes=recent_changes())


def recent_changes() -> list[dict]:
    entries = db.session.scalars(sa.select(ChangeLog).order_by(ChangeLog.id.desc()).limit(RECENT)).all()
    # One query per kind of record, whatever the number of entries.
    wanted: dict[str, set[int]] = {}
    for e in entries:
        wanted.setdefault(e.entity_type, set()).add(e.entity_id)
    records = {}
    for entity_type, ids in wanted.items():
        # Each audited model says where it is shown (its __record_page__); a kind without a page is left out.
        model = model_for_table(entity_type)
        if getattr(model, "__record_page__", None) is not None:
            records.update({(entity_type, r.id): r for r in db.session.scalars(
                sa.select(model).where(model.id.in_(ids)))})
    rows = []
    for e in entries:
        record = records.get((e.entity_type, e.entity_id))
        if record is not None:
            model = type(record)
            rows.append({"entry": e, "record": record, "url": model.__record_page__.url(record),
                         "fields": changed_fields(model, e)})
    return rows
