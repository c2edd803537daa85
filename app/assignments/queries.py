"""Reusable queries for assignment lists, dashboards and the API: filters and the kept state."""

from datetime import date
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from app.assignments.models import OPEN_STATUSES, Assignment, AssignmentStatus, StatusReport, TrafficLight
from app.core import tallies
from app.core.args import Args
from app.core.fulltext import text_search
from app.core.pagination import count_rows
from app.core.sorting import UNDATED, UNDATED_DESC
from app.extensions import db
from app.groups.models import Group, GroupRelation, GroupType, Level, RelationKind
from app.organisations.models import Organisation, OrganisationKind


def list_loading() -> tuple:
    """Loader options for a page of assignments: both groups joined into the page's one query (every
    assignment has both), cheaper than a query per relation for a page of rows."""
    return (joinedload(Assignment.principal_group, innerjoin=True),
            joinedload(Assignment.recipient_group, innerjoin=True))


class ListRow(NamedTuple):
    """An assignment as a list's row shows it (assignments/_row.html): values only, so that the row's
    HTML can be kept by them (app.core.templating.fragment), and loaded without building records."""

    id: int
    title: str
    status: AssignmentStatus
    due_on: date | None
    open_due_on: date | None
    next_report_due_on: date | None
    latest_light: TrafficLight | None
    latest_reported_on: date | None
    principal_name: str
    recipient_name: str

    is_overdue = Assignment.is_overdue
    report_missing = Assignment.report_missing


@cache
def _row_parts():
    # Table columns, not the model's attributes: the rows are plain values, and a Core statement skips the
    # ORM's work on every execution. Built on first use, not at import, as statements are here.
    a = Assignment.__table__
    principal, recipient = Group.__table__.alias("principal"), Group.__table__.alias("recipient")
    columns = (a.c.id, a.c.title, a.c.status, a.c.due_on, a.c.open_due_on, a.c.next_report_due_on,
               a.c.latest_light, a.c.latest_reported_on, principal.c.name, recipient.c.name)
    joins = ((principal, principal.c.id == a.c.principal_group_id),
             (recipient, recipient.c.id == a.c.recipient_group_id))
    return columns, joins


def _with_groups(stmt):
    _columns, joins = _row_parts()
    for target, on in joins:
        stmt = stmt.join(target, on)
    return stmt


def list_rows(stmt) -> list[ListRow]:
    """The rows of `stmt` – a select of Assignment, filtered, ordered and limited – as a list shows them,
    both groups' names joined in: one query, no records built."""
    columns, _joins = _row_parts()
    return list(map(ListRow._make, db.session.execute(
        _with_groups(stmt.with_only_columns(*columns, maintain_column_froms=True)))))


@cache
def _rows_by_id():
    columns, _joins = _row_parts()
    return _with_groups(sa.select(*columns).where(columns[0].in_(sa.bindparam("ids", expanding=True))))


def list_rows_by_id(ids: list[int]) -> list[ListRow]:
    """The list's rows of these assignments, in no particular order (a page of ids loads so)."""
    return list(map(ListRow._make, db.session.execute(_rows_by_id(), {"ids": ids}))) if ids else []


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
        stmt = stmt.where(Assignment.latest_light.is_(None) if light == "none" else Assignment.latest_light == light)
    if f["principal"]:
        stmt = stmt.where(Assignment.principal_group_id == f["principal"])
    if f["recipient"]:
        stmt = stmt.where(Assignment.recipient_group_id == f["recipient"])
    if f["healthcare_region"] or level or group_type:
        # Region, level and type describe the recipient: where the work is done.
        Recipient = aliased(Group)  # noqa: N806 – a table alias, named as one
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


def _both_ways(*columns) -> tuple[tuple, tuple]:
    """An order read one way for "name" and the other for "-name", from one index."""
    return columns, tuple(c.desc() for c in columns)


# The list's orders, each served by an index (Assignment.__table_args__): name → (ORDER BY for "name",
# ascending; ORDER BY for "-name", descending). Each ends in the id, so pages never repeat or skip a row.
SORTS = {
    "due": _both_ways(Assignment.due_sort, Assignment.id),
    "title": _both_ways(Assignment.title_sort, Assignment.id),
    # By lifecycle, the soonest due first within a status.
    "status": _both_ways(Assignment.status_sort, Assignment.due_sort, Assignment.id),
    # By the latest report's date, the unreported last either way: a key (and an index) per direction.
    "report": ((Assignment.report_sort, Assignment.id),
               (Assignment.report_desc_sort.desc(), Assignment.id.desc())),
}
DEFAULT_SORT = "due"


def sort_order(args) -> tuple[str, tuple]:
    """The order `?sort=` asks for (a name of SORTS, "-" first for descending) and its ORDER BY columns;
    anything else is refused (400) like every other unknown argument value."""
    value = Args(args).word("sort", [f"{sign}{name}" for name in SORTS for sign in ("", "-")], DEFAULT_SORT)
    ascending, descending = SORTS[value.lstrip("-")]
    return value, descending if value.startswith("-") else ascending


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
    """Past the due date while open (the kept open_due_on is NULL for any other status)."""
    return Assignment.open_due_on < today


def missing_report_criterion(today: date):
    """A requested status report whose date has passed without a report."""
    return sa.and_(Assignment.next_report_due_on.is_not(None), Assignment.next_report_due_on < today,
                   Assignment.status.in_((*OPEN_STATUSES, AssignmentStatus.DELIVERED)))


def figures(base, today: date) -> dict:
    """A filtered dashboard's counts over the assignments `base` selects, each read from a covering
    index: by status and, for the open ones, by latest traffic light (ix_assignments_dashboard, grouped
    in index order), how many are overdue (ix_assignments_overdue) and how many miss a requested report
    (ix_assignments_report_due). Unfiltered, kept_figures reads the same from the tallies."""
    rows = db.session.execute(base.with_only_columns(Assignment.status, Assignment.latest_light, sa.func.count(),
                                                     maintain_column_froms=True)
                              .order_by(None).group_by(Assignment.status, Assignment.latest_light)).all()
    return _figures(rows, count_rows(base.where(overdue_criterion(today))),
                    count_rows(base.where(missing_report_criterion(today))))


def _figures(by_state, overdue: int, missing: int) -> dict:
    """The dashboards' figures from (status, light, count) rows and the two date counts."""
    out = {"by_status": {}, "by_light": {}, "overdue": overdue, "missing": missing}
    for status, light, n in by_state:
        out["by_status"][status] = out["by_status"].get(status, 0) + n
        if status in OPEN_STATUSES:
            out["by_light"][light] = out["by_light"].get(light, 0) + n
    out["open"] = sum(out["by_status"].get(s, 0) for s in OPEN_STATUSES)
    out["total"] = sum(out["by_status"].values())
    return out


# The dashboards' figures kept as tallies per principal group (app.core.tallies): by status and
# latest light, by kept due date while open (overdue: before today) and by the date of a requested
# report while the assignment takes reports (missing: before today).
_KEPT_FIELDS = frozenset({"status", "archived_at", "principal_group_id", "latest_light", "open_due_on",
                          "next_report_due_on"})
STATE_TALLY = tallies.declare(tallies.TallySpec(
    "assignments.state", Assignment, Assignment.principal_group_id,
    sa.cast(Assignment.status, sa.String) + "|" + sa.func.coalesce(sa.cast(Assignment.latest_light, sa.String), ""),
    (Assignment.active(),), _KEPT_FIELDS))
OVERDUE_TALLY = tallies.declare(tallies.TallySpec(
    "assignments.overdue", Assignment, Assignment.principal_group_id, sa.cast(Assignment.open_due_on, sa.String),
    (Assignment.active(),), _KEPT_FIELDS))
REPORT_DUE_TALLY = tallies.declare(tallies.TallySpec(
    "assignments.report_due", Assignment, Assignment.principal_group_id,
    sa.cast(Assignment.next_report_due_on, sa.String),
    (Assignment.active(), Assignment.status.in_((*OPEN_STATUSES, AssignmentStatus.DELIVERED))), _KEPT_FIELDS))


def kept_figures(today: date, scope_ids=None, less=None) -> dict:
    """figures() for the assignments of every principal group (`scope_ids` None) or of `scope_ids`,
    less those of the groups `less`, read from the tallies: a few rows however many assignments."""
    def state(key: str) -> tuple:
        status, light = key.split("|")
        return AssignmentStatus(status), TrafficLight(light) if light else None

    by_state = [(*state(key), n) for key, n in tallies.counts(STATE_TALLY.kind, scope_ids, less).items()]
    return _figures(by_state, tallies.total(OVERDUE_TALLY.kind, scope_ids, less, before=today.isoformat()),
                    tallies.total(REPORT_DUE_TALLY.kind, scope_ids, less, before=today.isoformat()))


def kept_total(filters: dict) -> int | None:
    """How many assignments `filters` (as apply_filters understood them) select, read from the tallies
    when they filter by status, latest light and principal at most (the list as it opens, say); None
    when the list has to count them itself."""
    if any(value for name, value in filters.items() if name not in ("status", "light", "principal")):
        return None
    status, light = filters["status"], filters["light"]
    wanted_statuses = {s.value for s in OPEN_STATUSES} if status == "open" else {status} if status else None
    total = 0
    scopes = [filters["principal"]] if filters["principal"] else None
    for key, n in tallies.counts(STATE_TALLY.kind, scopes).items():
        key_status, key_light = key.split("|")
        if (wanted_statuses is None or key_status in wanted_statuses) and (
                not light or key_light == ("" if light == "none" else light)):
            total += n
    return total


@cache
def _healthcare_regions():
    return (sa.select(Organisation.id, Organisation.name)
            .where(Organisation.kind == OrganisationKind.HEALTHCARE_REGION, Organisation.active())
            .order_by(Organisation.name_sort))


def filter_context() -> dict:
    """Choices for the filter form, shared by lists and dashboards."""
    return {
        "statuses": AssignmentStatus,
        "levels": Level,
        "group_types": GroupType,
        # Their ids and names only: the form is kept by the values it shows (app.core.templating.fragment).
        "healthcare_regions": db.session.execute(_healthcare_regions()).all(),
    }


def kept_state_columns() -> dict:
    """What an assignment's kept state should hold (see Assignment.latest_light), as SQL over the
    assignments table correlated per row: the newest active report (newest date, then the later
    filed) and the due date while open."""
    a, r, n = Assignment.__table__, StatusReport.__table__, StatusReport.__table__.alias("newest")
    newest = (sa.select(n.c.id).where(n.c.assignment_id == a.c.id, n.c.archived_at.is_(None))
              .order_by(n.c.reported_on.desc(), n.c.id.desc()).limit(1).correlate(a).scalar_subquery())
    reported_on = sa.select(r.c.reported_on).where(r.c.id == newest).scalar_subquery()
    return {
        "latest_light": sa.select(r.c.traffic_light).where(r.c.id == newest).scalar_subquery(),
        "latest_reported_on": reported_on,
        "report_sort": sa.func.coalesce(reported_on, sa.literal(UNDATED, sa.Date)),
        "report_desc_sort": sa.func.coalesce(reported_on, sa.literal(UNDATED_DESC, sa.Date)),
        "open_due_on": sa.case((a.c.status.in_([s.value for s in OPEN_STATUSES]), a.c.due_on), else_=None),
    }


def kept_state_stale(columns: dict):
    """Criterion: an assignment whose kept fields differ from `columns` (NULL equal to NULL)."""
    a = Assignment.__table__
    return sa.or_(*(sa.not_(a.c[field].is_not_distinct_from(value)) for field, value in columns.items()))


def kept_state_differences(assignment_ids=None) -> list[tuple[int, str, object, object]]:
    """Every kept field that differs from what its sources say: (assignment id, field, kept, derived).
    Empty when the kept state is true; the suite and `flask maintenance recompute --check` read it."""
    a = Assignment.__table__
    columns = kept_state_columns()
    stmt = (sa.select(a.c.id, *(a.c[f] for f in columns), *(v.label(f"derived_{f}") for f, v in columns.items()))
            .where(kept_state_stale(columns)).order_by(a.c.id))
    if assignment_ids is not None:
        stmt = stmt.where(a.c.id.in_(assignment_ids))
    out = []
    for row in db.session.execute(stmt):
        for field in columns:
            kept, derived = getattr(row, field), getattr(row, f"derived_{field}")
            if kept != derived:
                out.append((row.id, field, kept, derived))
    return out


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
