"""Dashboards: every figure is counted in the database and links to the list behind it."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.assignments.models import OPEN_STATUSES, Assignment, AssignmentStatus, TrafficLight, assignment_reporters
from app.assignments.queries import (
    apply_filters,
    filter_context,
    missing_report_criterion,
    overdue_criterion,
    steered_group_ids,
)
from app.competence.derived import competence_centre_group
from app.core.crud import load, require
from app.core.permissions import governed_group_ids
from app.decisions.models import Decision, DecisionState, ExecutionStatus
from app.extensions import db
from app.groups.models import Group
from app.meetings.models import Meeting

bp = Blueprint("followup", __name__, url_prefix="/followup", template_folder="templates")
LIST_LIMIT = 20  # each dashboard list shows this many, then links to the full list


def _assignments(stmt, limit=LIST_LIMIT):
    return db.session.scalars(stmt.options(selectinload(Assignment.principal_group),
                                           selectinload(Assignment.recipient_group)).limit(limit)).all()


def _count(stmt) -> int:
    return db.session.scalar(stmt.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None))


def _awaiting_execution():
    return sa.and_(Decision.active(), Decision.state == DecisionState.TAKEN,
                   Decision.execution_status.in_((ExecutionStatus.NOT_STARTED, ExecutionStatus.IN_PROGRESS)))


def _by_status(base) -> dict:
    return dict(db.session.execute(base.with_only_columns(Assignment.status, sa.func.count(),
                                                          maintain_column_froms=True)
                                   .order_by(None).group_by(Assignment.status)).all())


def _by_light(base) -> dict:
    """Open assignments by their latest report's traffic light (None: no report yet)."""
    return dict(db.session.execute(base.with_only_columns(Assignment.latest_light, sa.func.count(),
                                                          maintain_column_froms=True)
                                   .where(Assignment.status.in_(OPEN_STATUSES))
                                   .order_by(None).group_by(Assignment.latest_light)).all())


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
    decisions = sa.select(Decision).where(_awaiting_execution(), Decision.execute_by < today)
    return render_template(
        "followup/secretariat.html", filters=filters, today=today,
        overdue=overdue_rows, overdue_count=_count(overdue),
        missing=missing_rows, missing_count=_count(missing),
        late_decisions=db.session.scalars(decisions.options(selectinload(Decision.group))
                                          .order_by(Decision.execute_by).limit(LIST_LIMIT)).all(),
        late_decisions_count=_count(decisions),
        open_count=_count(base if filters["status"] else base.where(Assignment.status.in_(OPEN_STATUSES))),
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
    base = sa.select(Assignment).where(Assignment.active(), Assignment.principal_group_id.in_(scope))
    overdue = base.where(overdue_criterion(today)).order_by(Assignment.open_due_on, Assignment.id)
    missing = base.where(missing_report_criterion(today)).order_by(Assignment.next_report_due_on)
    open_assignments = base.where(Assignment.status.in_(OPEN_STATUSES)).order_by(Assignment.due_sort, Assignment.id)
    shown_open = _assignments(open_assignments, 50)
    overdue_rows, missing_rows = _assignments(overdue), _assignments(missing)
    decisions = sa.select(Decision).where(_awaiting_execution(), Decision.group_id.in_(scope))
    meetings = sa.select(Meeting).where(Meeting.active(), Meeting.group_id.in_(scope),
                                        Meeting.upcoming(today))
    return render_template(
        "followup/steering.html", group=group, scope_size=len(scope), today=today,
        steers_centre=centre is not None and centre.id in scope and centre.id != group.id,
        by_status=_by_status(base), by_light=_by_light(base), statuses=AssignmentStatus, lights=TrafficLight,
        open_assignments=shown_open, open_count=_count(open_assignments),
        overdue=overdue_rows, overdue_count=_count(overdue),
        missing=missing_rows, missing_count=_count(missing),
        decisions=db.session.scalars(decisions.options(selectinload(Decision.group))
                                     .order_by(Decision.execute_by.is_(None), Decision.execute_by)
                                     .limit(LIST_LIMIT)).all(),
        decisions_count=_count(decisions),
        meetings=db.session.scalars(meetings.options(selectinload(Meeting.group))
                                    .order_by(Meeting.starts_on).limit(10)).all())


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
