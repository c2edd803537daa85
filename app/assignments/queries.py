"""Reusable queries for assignment lists, dashboards and the API: filters and latest reports."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.assignments.models import OPEN_STATUSES, Assignment, AssignmentStatus, StatusReport, TrafficLight
from app.core.models import search_text
from app.core.routing import int_arg
from app.extensions import db
from app.groups.models import Group, GroupRelation, GroupType, Level, RelationKind
from app.organisations.models import Organisation, OrganisationKind

Recipient = aliased(Group)


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def apply_filters(stmt, args, today: date | None = None):
    """Narrow an Assignment select by the list/dashboard filters in `args` (a MultiDict such as
    request.args). Returns the statement and the filters as understood, for the template."""
    today = today or date.today()
    f = {
        "q": (args.get("q") or "").strip(),
        "status": args.get("status", ""),
        "group": int_arg("group", args),
        "principal": int_arg("principal", args),
        "recipient": int_arg("recipient", args),
        "healthcare_region": int_arg("healthcare_region", args),
        "level": args.get("level", ""),
        "group_type": args.get("group_type", ""),
        "overdue": args.get("overdue") == "1",
        "missing_report": args.get("missing_report") == "1",
        "due_from": _date(args.get("due_from")),
        "due_to": _date(args.get("due_to")),
        "archived": args.get("archived") == "1",
        "steered_by": int_arg("steered_by", args),
        "light": args.get("light", ""),
    }
    if not f["archived"]:
        stmt = stmt.where(Assignment.active())
    if f["q"]:
        stmt = stmt.where(Assignment.search_text.contains(search_text(f["q"]), autoescape=True))
    if f["status"] == "open":
        stmt = stmt.where(Assignment.status.in_(OPEN_STATUSES))
    elif f["status"] in AssignmentStatus._value2member_map_:
        stmt = stmt.where(Assignment.status == AssignmentStatus(f["status"]))
    if f["group"]:
        stmt = stmt.where(sa.or_(Assignment.principal_group_id == f["group"],
                                 Assignment.recipient_group_id == f["group"]))
    if f["steered_by"]:
        stmt = stmt.where(Assignment.principal_group_id.in_(steered_group_ids(f["steered_by"])))
    if f["light"] in TrafficLight._value2member_map_ or f["light"] == "none":
        latest = latest_report_subquery()
        stmt = stmt.outerjoin(latest, latest.c.assignment_id == Assignment.id)
        stmt = stmt.where(latest.c.traffic_light.is_(None) if f["light"] == "none"
                          else latest.c.traffic_light == TrafficLight(f["light"]))
    if f["principal"]:
        stmt = stmt.where(Assignment.principal_group_id == f["principal"])
    if f["recipient"]:
        stmt = stmt.where(Assignment.recipient_group_id == f["recipient"])
    if f["healthcare_region"] or f["level"] in Level._value2member_map_ or \
            f["group_type"] in GroupType._value2member_map_:
        # Region, level and type describe the recipient: where the work is done.
        stmt = stmt.join(Recipient, Assignment.recipient_group_id == Recipient.id)
        if f["healthcare_region"]:
            regions = sa.select(Organisation.id).where(Organisation.healthcare_region_id == f["healthcare_region"])
            stmt = stmt.where(sa.or_(Recipient.healthcare_region_id == f["healthcare_region"],
                                     Recipient.region_id.in_(regions)))
        if f["level"] in Level._value2member_map_:
            stmt = stmt.where(Recipient.level == Level(f["level"]))
        if f["group_type"] in GroupType._value2member_map_:
            stmt = stmt.where(Recipient.type == GroupType(f["group_type"]))
    if f["overdue"]:
        stmt = stmt.where(overdue_criterion(today))
    if f["missing_report"]:
        stmt = stmt.where(missing_report_criterion(today))
    if f["due_from"]:
        stmt = stmt.where(Assignment.due_on >= f["due_from"])
    if f["due_to"]:
        stmt = stmt.where(Assignment.due_on <= f["due_to"])
    return stmt, f


def group_attribute_filters(stmt, group_id_col, args):
    """The dashboard's region, level and group-type filters applied to the group a record
    belongs to (a decision's or meeting's group, a report's recipient)."""
    hr, level, group_type = int_arg("healthcare_region", args), args.get("level"), args.get("group_type")
    if not (hr or level in Level._value2member_map_ or group_type in GroupType._value2member_map_):
        return stmt
    owner = aliased(Group)
    stmt = stmt.join(owner, group_id_col == owner.id)
    if hr:
        regions = sa.select(Organisation.id).where(Organisation.healthcare_region_id == hr)
        stmt = stmt.where(sa.or_(owner.healthcare_region_id == hr, owner.region_id.in_(regions)))
    if level in Level._value2member_map_:
        stmt = stmt.where(owner.level == Level(level))
    if group_type in GroupType._value2member_map_:
        stmt = stmt.where(owner.type == GroupType(group_type))
    return stmt


def overdue_criterion(today: date):
    return sa.and_(Assignment.due_on < today, Assignment.status.in_(OPEN_STATUSES))


def missing_report_criterion(today: date):
    """A requested status report whose date has passed without a report."""
    return sa.and_(Assignment.next_report_due_on.is_not(None), Assignment.next_report_due_on < today,
                   Assignment.status.in_((*OPEN_STATUSES, AssignmentStatus.DELIVERED)))


def filter_context() -> dict:
    """Choices for the filter form, shared by lists and dashboards."""
    return {
        "statuses": AssignmentStatus,
        "levels": Level,
        "group_types": GroupType,
        "healthcare_regions": db.session.scalars(sa.select(Organisation).where(
            Organisation.kind == OrganisationKind.HEALTHCARE_REGION, Organisation.active())
            .order_by(Organisation.name_sort)).all(),
    }


def latest_report_subquery():
    """Each assignment's newest status report: (assignment_id, traffic_light)."""
    ranked = sa.select(StatusReport.assignment_id, StatusReport.traffic_light, sa.func.row_number().over(
        partition_by=StatusReport.assignment_id,
        order_by=(StatusReport.reported_on.desc(), StatusReport.id.desc())).label("rn")).where(
        StatusReport.active()).subquery()
    return sa.select(ranked.c.assignment_id, ranked.c.traffic_light).where(ranked.c.rn == 1).subquery()


def latest_reports(assignment_ids: list[int]) -> dict[int, StatusReport]:
    """The newest status report of each assignment, in one query."""
    if not assignment_ids:
        return {}
    newest = (sa.select(StatusReport.id, sa.func.row_number().over(
        partition_by=StatusReport.assignment_id,
        order_by=(StatusReport.reported_on.desc(), StatusReport.id.desc())).label("rn"))
        .where(StatusReport.assignment_id.in_(assignment_ids), StatusReport.active()).subquery())
    reports = db.session.scalars(sa.select(StatusReport).join(newest, newest.c.id == StatusReport.id)
                                 .where(newest.c.rn == 1))
    return {r.assignment_id: r for r in reports}


def steered_group_ids(group_id: int, on: date | None = None) -> set[int]:
    """The group and every group it steers, directly or through groups it steers."""
    edges = db.session.execute(sa.select(GroupRelation.source_id, GroupRelation.target_id).where(
        GroupRelation.kind == RelationKind.STEERING_GROUP_OF, GroupRelation.active())).all()
    children: dict[int, list[int]] = {}
    for source, target in edges:
        children.setdefault(source, []).append(target)
    found, todo = {group_id}, [group_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
