"""Start page: counts that link to their lists, open jäv assessments and the latest changes."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, render_template, url_for

from app.assignments.models import Assignment, StatusReport
from app.competence.kpis.models import Kpi, KpiMeasurement, KpiTarget
from app.competence.plan.models import Activity, ActivityUpdate, WorkPackage
from app.competence.regions.models import MaturityAssessment, RegionStance
from app.competence.usecases.models import UseCase, UseCasePriorityVersion
from app.core.audit import ChangeLog, changed_fields
from app.decisions.models import Decision
from app.extensions import db
from app.groups.models import Group, GroupRelation, Level, NpoHosting
from app.meetings.models import Meeting
from app.organisations.models import Organisation
from app.people.models import ConflictDeclaration, Membership, Person
from app.priorities.models import PriorityList

bp = Blueprint("overview", __name__, template_folder="templates")

# Change-log entity type -> (model, endpoint of the page showing it, attribute holding that page's
# record id: the record's own id, its parent's – a measurement is shown on its KPI's page – or None
# for a page without one).
RECORD_PAGES = {
    "groups": (Group, "groups.show", "id"),
    "organisations": (Organisation, "organisations.show", "id"),
    "people": (Person, "people.show", "id"),
    "memberships": (Membership, "people.show_membership", "id"),
    "conflict_declarations": (ConflictDeclaration, "people.show_declaration", "id"),
    "group_relations": (GroupRelation, "groups.show_relation", "id"),
    "npo_hostings": (NpoHosting, "groups.show_hosting", "id"),
    "assignments": (Assignment, "assignments.show", "id"),
    "status_reports": (StatusReport, "assignments.show_report", "id"),
    "decisions": (Decision, "decisions.show", "id"),
    "meetings": (Meeting, "meetings.show", "id"),
    "priority_lists": (PriorityList, "priorities.show", "id"),
    "work_packages": (WorkPackage, "competence.work_package", "id"),
    "activities": (Activity, "competence.activity", "id"),
    "activity_updates": (ActivityUpdate, "competence.activity", "activity_id"),
    "kpis": (Kpi, "competence.kpi", "id"),
    "kpi_targets": (KpiTarget, "competence.kpi", "kpi_id"),
    "kpi_measurements": (KpiMeasurement, "competence.kpi", "kpi_id"),
    "use_cases": (UseCase, "competence.use_case", "id"),
    "use_case_priority_versions": (UseCasePriorityVersion, "competence.priority_version", "id"),
    "region_stances": (RegionStance, "competence.stances", None),
    "maturity_assessments": (MaturityAssessment, "competence.maturity", None),
}
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
        model = RECORD_PAGES.get(entity_type, (None,))[0]
        if model is not None:
            records.update({(entity_type, r.id): r for r in db.session.scalars(
                sa.select(model).where(model.id.in_(ids)))})
    rows = []
    for e in entries:
        record = records.get((e.entity_type, e.entity_id))
        if record is None:
            continue
        model, endpoint, id_attr = RECORD_PAGES[e.entity_type]
        url = url_for(endpoint, record_id=getattr(record, id_attr)) if id_attr else url_for(endpoint)
        rows.append({"entry": e, "record": record, "url": url, "fields": changed_fields(model, e)})
    return rows
