"""Reusable queries for assignment lists, dashboards and the API: filters and latest reports."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.assignments.models import OPEN_STATUSES, Assignment, AssignmentStatus, StatusReport, TrafficLight
from app.core.args import Args
from app.core.fulltext import text_search
from app.extensions import db
from app.groups.models import Group, GroupRelation, GroupType, Level, RelationKind
from app.organisations.models import Organisation, OrganisationKind

Recipient = aliased(Group)


def apply_filters(stmt, args, today: date | None = None):
    """Narrow an Assignment select by the list/dashboard filters in `args` (a MultiDict such as
    request.args). Returns the statement and the filters as understood, for the template."""
    today = today or date.today()
    a = Args(args)
    status, level, group_type = (a.choice("status", AssignmentStatus, "open"), a.choice("level", Level),
                                 a.choice("group_type", GroupType))
    light = a.choice("light", TrafficLight, "none")
    # The template reads the filters as they were chosen: enum values as their strings.
    f = {
        "q": a.text("q"),
        "status": str(getattr(status, "value", status) or ""),
        "group": a.id("group"),
        "principal": a.id("principal"),
        "recipient": a.id("recipient"),
        "healthcare_region": a.id("healthcare_region"),
        "level": level.value if level else "",
        "group_type": group_type.value if group_type else "",
        "overdue": a.flag("overdue"),
        "missing_report": a.flag("missing_report"),
        "due_from": a.date("due_from"),
        "due_to": a.date("due_to"),
        "archived": a.flag("archived"),
        "steered_by": a.id("steered_by"),
        "light": str(getattr(light, "value", light) or ""),
    }
    if not f["archived"]:
        stmt = stmt.where(Assignment.active())
    if search := text_search(Assignment, f["q"]):
        stmt = stmt.where(search.criterion)
    if status == "open":
        stmt = stmt.where(Assignment.status.in_(OPEN_STATUSES))
    elif status is not None:
        stmt = stmt.where(Assignment.status == status)
    if f["group"]:
        stmt = stmt.where(sa.or_(Assignment.principal_group_id == f["group"],
                                 Assignment.recipient_group_id == f["group"]))
    if f["steered_by"]:
        stmt = stmt.where(Assignment.principal_group_id.in_(steered_group_ids(f["steered_by"])))
    if light is not None:
        latest = latest_report_subquery()
        stmt = stmt.outerjoin(latest, latest.c.assignment_id == Assignment.id)
        stmt = stmt.where(latest.c.traffic_light.is_(None) if light == "none" else latest.c.traffic_light == light)
    if f["principal"]:
        stmt = stmt.where(Assignment.principal_group_id == f["principal"])
    if f["recipient"]:
        stmt = stmt.where(Assignment.recipient_group_id == f["recipient"])
    if f["healthcare_region"] or level or group_type:
        # Region, level and type describe the recipient: where the work is done.
        stmt = stmt.join(Recipient, Assignment.recipient_group_id == Recipient.id)
        if f["healthcare_region"]:
            regions = sa.select(Organisation.id).where(Organisation.healthcare_region_id == f["healthcare_region"])
            stmt = stmt.where(sa.or_(Recipient.healthcare_region_id == f["healthcare_region"],
                                     Recipient.region_id.in_(regions)))
        if level:
            stmt = stmt.where(Recipient.level == level)
        if group_type:
            stmt = stmt.where(Recipient.type == group_type)
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
    a = Args(args)
    hr, level, group_type = a.id("healthcare_region"), a.choice("level", Level), a.choice("group_type", GroupType)
    if not (hr or level or group_type):
        return stmt
    owner = aliased(Group)
    stmt = stmt.join(owner, group_id_col == owner.id)
    if hr:
        regions = sa.select(Organisation.id).where(Organisation.healthcare_region_id == hr)
        stmt = stmt.where(sa.or_(owner.healthcare_region_id == hr, owner.region_id.in_(regions)))
    if level:
        stmt = stmt.where(owner.level == level)
    if group_type:
        stmt = stmt.where(owner.type == group_type)
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


def due_requests(days: int, today: date) -> list:
    """Unanswered report requests due within `days` (or overdue) and not reminded in the last week."""
    from datetime import timedelta

    from sqlalchemy.orm import selectinload

    from app.assignments.models import ReportRequest
    from app.core.models import utcnow

    week_ago = utcnow() - timedelta(days=7)
    return list(db.session.scalars(sa.select(ReportRequest).join(ReportRequest.assignment).where(
        Assignment.active(), Assignment.status.in_((*OPEN_STATUSES, AssignmentStatus.DELIVERED)),
        ReportRequest.answered_by_id.is_(None), ReportRequest.due_on <= today + timedelta(days=days),
        sa.or_(ReportRequest.reminded_at.is_(None), ReportRequest.reminded_at < week_ago))
        .options(selectinload(ReportRequest.assignment).selectinload(Assignment.recipient_group))))


def reporters_of(assignment: Assignment, today: date) -> list:
    """The recipient group's chair and secretary, and anyone the chair delegated reporting to."""
    from app.core.permissions import GOVERNING_MEMBER_ROLES
    from app.people.models import MemberRole, Membership, Person

    chairs = db.session.scalars(sa.select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.group_id == assignment.recipient_group_id, Membership.current_criterion(today),
        Membership.role.in_([MemberRole(r) for r in GOVERNING_MEMBER_ROLES]), Person.active())).all()
    return list({p.id: p for p in [*chairs, *assignment.reporters]}.values())
