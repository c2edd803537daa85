"""Reading the plan: activities and work packages as the pages list them, and activity status and
lateness as SQL, for lists filtered in the database (pages and API alike).

The SQL criteria mirror Activity.effective_status and Activity.is_late, which tests hold to the same answers.
"""

import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.assignments.models import Assignment
from app.competence.plan.models import (
    FINISHED_ACTIVITY,
    STATUS_FROM_ASSIGNMENT,
    Activity,
    ActivityStatus,
    ActivityUpdate,
    WorkPackage,
)
from app.competence.quarters import Quarter
from app.core.pagination import Slice, newest_first
from app.extensions import db

UPDATES_PER_PAGE = 20


def effective_status_in(statuses) -> sa.ColumnElement[bool]:
    """Activity.effective_status in `statuses`: an activity carried out as an assignment takes the
    assignment's status (STATUS_FROM_ASSIGNMENT), any other its own."""
    statuses = set(statuses)
    from_assignment = [a for a, s in STATUS_FROM_ASSIGNMENT.items() if s in statuses]
    return sa.or_(
        sa.and_(Activity.assignment_id.is_(None), Activity.status.in_(statuses)),
        Activity.assignment_id.in_(sa.select(Assignment.id).where(Assignment.status.in_(from_assignment))))


def late_on(today: date) -> sa.ColumnElement[bool]:
    """Activity.is_late(today). Quarters are stored as "2025-Q3", which sorts in time order."""
    return sa.and_(Activity.end_quarter.is_not(None), Activity.open_ended.is_(False),
                   Activity.end_quarter < Quarter.of(today).key,
                   effective_status_in(set(ActivityStatus) - FINISHED_ACTIVITY))


def code_key(code: str) -> tuple:
    """"A.10" after "A.9": numbers in a code sort as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", code))


def activity_key(code: str, record_id: int) -> tuple:
    """The activities' one order, on the pages and in the API: by code with its numbers as numbers ("A.2"
    before "A.10"); the code as written, then the id, decide between codes that read alike ("A.01", "A.1")."""
    return code_key(code), code, record_id


def activities(*criteria, with_responsible: bool = True) -> list[Activity]:
    """Active activities meeting `criteria`, in activity order, with what their rows show: their status
    (from an assignment's), and unless `with_responsible` is False their package and who is responsible (the
    dashboard shows neither)."""
    options = [selectinload(Activity.assignment).load_only(Assignment.status)]
    if with_responsible:
        options += [selectinload(Activity.work_package), selectinload(Activity.responsible_group),
                    selectinload(Activity.responsible_person)]
    rows = db.session.scalars(sa.select(Activity).where(Activity.active(), *criteria).options(*options)).all()
    return sorted(rows, key=lambda a: activity_key(a.code, a.id))


def activity_ids_in_order(stmt) -> list[int]:
    """The ids of the activities `stmt` selects, in activity order, for a list paged by ids. SQLite and
    PostgreSQL share no natural sort, so the codes are compared here: two columns per activity."""
    rows = db.session.execute(stmt.with_only_columns(Activity.id, Activity.code, maintain_column_froms=True)).all()
    return [record_id for record_id, code in sorted(rows, key=lambda row: activity_key(row.code, row.id))]


def next_code(package: WorkPackage) -> str:
    """The code after the package's last activity ("A.5" → "A.6"), as a suggestion."""
    numbers = [int(m[1]) for code in db.session.scalars(sa.select(Activity.code).where(
        Activity.work_package_id == package.id)) if (m := re.fullmatch(rf"{re.escape(package.code)}\.(\d+)", code))]
    return f"{package.code}.{max(numbers, default=0) + 1}"


def packages(with_recommendations: bool = False) -> list[WorkPackage]:
    """Active work packages by code; with the recommendations they answer only where those are shown (the
    list of packages): elsewhere that is a query for nothing."""
    options = [selectinload(WorkPackage.recommendations)] if with_recommendations else []
    return db.session.scalars(sa.select(WorkPackage).where(WorkPackage.active()).order_by(WorkPackage.code)
                              .options(*options)).all()


def recent_updates(limit: int = 8) -> list[ActivityUpdate]:
    return db.session.scalars(sa.select(ActivityUpdate).where(ActivityUpdate.active())
                              .order_by(ActivityUpdate.reported_on.desc(), ActivityUpdate.id.desc()).limit(limit)
                              .options(selectinload(ActivityUpdate.activity))).all()


def updates_page(activity: Activity) -> Slice:
    """The activity's progress updates, newest first, a page at a time (`?updates=<key>`)."""
    return newest_first(sa.select(ActivityUpdate).where(ActivityUpdate.activity_id == activity.id,
                                                        ActivityUpdate.active()),
                        (ActivityUpdate.reported_on, ActivityUpdate.id), "updates", UPDATES_PER_PAGE,
                        options=(selectinload(ActivityUpdate.filed_by),))


def package_progress(packages, activities, today):
    """Per work package: activities by effective status, done share and late ones."""
    progress = {}
    for package in packages:
        own = [a for a in activities if a.work_package_id == package.id]
        by_status = {s: sum(1 for a in own if a.effective_status == s) for s in ActivityStatus}
        counted = len(own) - by_status[ActivityStatus.CANCELLED]
        progress[package.id] = {
            "total": len(own), "by_status": by_status,
            "done_pct": round(100 * by_status[ActivityStatus.DONE] / counted) if counted else 0,
            "late": [a for a in own if a.is_late(today)],
        }
    return progress
