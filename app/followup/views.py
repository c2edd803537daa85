"""Dashboards: every figure is counted in the database and links to the list behind it."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.assignments.models import OPEN_STATUSES, Assignment, AssignmentStatus, TrafficLight, assignment_reporters
from app.assignments.queries import (
    apply_filters,
    figures,
    filter_context,
    kept_figures,
    list_rows,
    missing_report_criterion,
    overdue_criterion,
    steered_group_ids,
)
from app.competence.kpis.derived import competence_centre_group
from app.core import tallies
from app.core.crud import load, require
from app.core.permissions import governed_group_ids
from app.decisions.models import Decision
from app.decisions.queries import AWAITING_TALLY, awaiting_execution_criterion
from app.extensions import db
from app.groups.models import Group
from app.meetings.models import Meeting

bp = Blueprint("followup", __name__, url_prefix="/followup", template_folder="templates")
LIST_LIMIT = 20  # each dashboard list shows this many, then links to the full list


def _assignments(stmt, limit=LIST_LIMIT):
    # As the assignment list shows its rows (assignments/_table.html).
    return list_rows(stmt.limit(limit))


@bp.route("/")
def secretariat():
    """Everything overdue or unreported across groups, with the dashboard filters."""
    today = date.today()
    base, filters = apply_filters(sa.select(Assignment), request.args, today)
    overdue = base.where(overdue_criterion(today)).order_by(Assignment.open_due_on, Assignment.id)
    missing = base.where(missing_report_criterion(today)).order_by(Assignment.next_report_due_on)
    overdue_rows, missing_rows = _assignments(overdue), _assignments(missing)
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    # Each figure links to its list with the same filters. The first counts ongoing assignments,
    # or – when the user chose a status – those with that status.
    first = args if filters["status"] else {**args, "status": "open"}
    list_urls = {"open": url_for("assignments.index", **first),
                 "overdue": url_for("assignments.index", **{**args, "overdue": "1"}),
                 "missing": url_for("assignments.index", **{**args, "missing_report": "1"})}
    decisions = sa.select(Decision).where(Decision.active(), awaiting_execution_criterion(),
                                          Decision.execute_sort < today)
    # Unfiltered, the figures are the kept tallies; a filter counts the assignments it selects.
    counts = figures(base, today) if any(filters.values()) else kept_figures(today)
    return render_template(
        "followup/secretariat.html", filters=filters, today=today,
        overdue=overdue_rows, overdue_count=counts["overdue"],
        missing=missing_rows, missing_count=counts["missing"],
        late_decisions=db.session.scalars(decisions.options(joinedload(Decision.group, innerjoin=True))
                                          .order_by(Decision.execute_sort, Decision.id).limit(LIST_LIMIT)).all(),
        late_decisions_count=tallies.total(AWAITING_TALLY.kind, before=today.isoformat()),
        open_count=counts["total"] if filters["status"] else counts["open"],
        list_urls=list_urls,
        **filter_context())


@bp.route("/groups/<int:group_id>")
def steering(group_id: int):
    """A steering group's view: the assignments it gave, directly or through groups it steers."""
    group = load(Group, group_id)
    require("view", group)
    today = date.today()
    scope = steered_group_ids(group.id)
    centre = competence_centre_group()
    # A scope of most groups (the national steering group steers all) is named by the few groups outside
    # it: its lists check those, its figures are everything less those (read from the kept tallies, as
    # are a small scope's), and no statement carries a thousand group ids.
    outside = _outside(scope)

    def in_scope(column):
        return column.in_(scope) if outside is None else column.not_in(outside)

    base = sa.select(Assignment).where(Assignment.active(), in_scope(Assignment.principal_group_id))
    overdue = base.where(overdue_criterion(today)).order_by(Assignment.open_due_on, Assignment.id)
    missing = base.where(missing_report_criterion(today)).order_by(Assignment.next_report_due_on)
    open_assignments = base.where(Assignment.status.in_(OPEN_STATUSES)).order_by(Assignment.due_sort, Assignment.id)
    shown_open = _assignments(open_assignments, LIST_LIMIT)
    overdue_rows, missing_rows = _assignments(overdue), _assignments(missing)
    decisions = sa.select(Decision).where(Decision.active(), awaiting_execution_criterion(),
                                          in_scope(Decision.group_id))
    counted, less = (scope, None) if outside is None else (None, outside)
    counts = kept_figures(today, counted, less)
    decisions_count = tallies.total(AWAITING_TALLY.kind, counted, less)
    meetings = sa.select(Meeting).where(Meeting.active(), in_scope(Meeting.group_id),
                                        Meeting.upcoming(today))
    return render_template(
        "followup/steering.html", group=group, scope_size=len(scope), today=today,
        steers_centre=centre is not None and centre.id in scope and centre.id != group.id,
        by_status=counts["by_status"], by_light=counts["by_light"], statuses=AssignmentStatus, lights=TrafficLight,
        open_assignments=shown_open, open_count=counts["open"],
        overdue=overdue_rows, overdue_count=counts["overdue"],
        missing=missing_rows, missing_count=counts["missing"],
        decisions=db.session.scalars(decisions.options(joinedload(Decision.group, innerjoin=True))
                                     .order_by(Decision.execute_sort, Decision.id)
                                     .limit(LIST_LIMIT)).all(),
        decisions_count=decisions_count,
        meetings=db.session.scalars(meetings.options(joinedload(Meeting.group, innerjoin=True))
                                    .order_by(Meeting.starts_on).limit(10)).all())


def _outside(scope: set[int]) -> list[int] | None:
    """The groups outside `scope` when it holds most of them, else None."""
    every = db.session.scalars(sa.select(Group.id)).all()
    return [g for g in every if g not in scope] if 2 * len(scope) > len(every) else None


@bp.route("/mine")
def mine():
    """A chair's (or delegate's) view: what their groups received and what is due next."""
    today = date.today()
    group_ids = governed_group_ids(current_user)
    person_id = current_user.person_id
    delegated = sa.select(assignment_reporters.c.assignment_id).where(
        assignment_reporters.c.person_id == (person_id or -1))
    stmt = sa.select(Assignment).where(Assignment.active(), sa.or_(
        Assignment.recipient_group_id.in_(group_ids), Assignment.id.in_(delegated)),
        Assignment.status.in_((*OPEN_STATUSES, AssignmentStatus.DELIVERED)))
    assignments = db.session.scalars(stmt.options(
        selectinload(Assignment.principal_group), selectinload(Assignment.recipient_group),
        selectinload(Assignment.phases))).all()

    def next_due(a: Assignment) -> tuple[date | None, str]:
        candidates = [(a.next_report_due_on, "report"), (a.due_on, "due")] + [
            (p.due_on, "phase") for p in a.phases if p.due_on and not p.done_on and not p.is_archived]
        dated = [c for c in candidates if c[0] is not None]
        return min(dated) if dated else (None, "")

    rows = sorted(((a, *next_due(a)) for a in assignments), key=lambda r: (r[1] is None, r[1] or date.max))
    groups = db.session.scalars(sa.select(Group).where(Group.id.in_(group_ids)).order_by(Group.name_sort)).all()
    return render_template("followup/mine.html", rows=rows, groups=groups, today=today,
                           soon=today + timedelta(days=14))
