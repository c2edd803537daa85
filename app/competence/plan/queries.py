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
# The updates a subquery looks the latest up among, apart from the enclosing query's activities.
_updates = ActivityUpdate.__table__.alias("latest_update")


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


# The activities' one order, on the pages, in the API and in the search: by code with its numbers as numbers
# ("A.2" before "A.10"), the key's tie-break the code as written, then the id (ix_activities_code_order).
ORDER = (Activity.code_sort, Activity.id)


def activities(*criteria, with_responsible: bool = True) -> list[Activity]:
    """Active activities meeting `criteria`, in activity order, with what their rows show: their status
    (from an assignment's), and unless `with_responsible` is False their package and who is responsible (the
    dashboard shows neither)."""
    options = [selectinload(Activity.assignment).load_only(Assignment.status)]
    if with_responsible:
        options += [selectinload(Activity.work_package), selectinload(Activity.responsible_group),
                    selectinload(Activity.responsible_person)]
    return db.session.scalars(sa.select(Activity).where(Activity.active(), *criteria).order_by(*ORDER)
                              .options(*options)).all()


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


def _active_updates(activity_id: int):
    return sa.select(ActivityUpdate).where(ActivityUpdate.activity_id == activity_id, ActivityUpdate.active())


def updates_page(activity: Activity) -> Slice:
    """The activity's progress updates, newest first, a page at a time (`?updates=<key>`)."""
    return newest_first(_active_updates(activity.id), (ActivityUpdate.reported_on, ActivityUpdate.id), "updates",
                        UPDATES_PER_PAGE, options=(selectinload(ActivityUpdate.filed_by),))


def updates_newest_first(activity_id: int):
    """The activity's active progress updates, newest first (newest date, then the later filed), with who
    filed them: a statement for the caller to page (ix_activity_updates_activity)."""
    return (_active_updates(activity_id).order_by(ActivityUpdate.reported_on.desc(), ActivityUpdate.id.desc())
            .options(selectinload(ActivityUpdate.filed_by)))


def latest_updates(activity_ids: list[int]) -> dict[int, ActivityUpdate]:
    """Each activity's latest active progress update, by activity id: one query, each activity's found one
    step back in ix_activity_updates_activity however many updates it has."""
    if not activity_ids:
        return {}
    u = _updates.c
    latest = (sa.select(u.id).where(u.activity_id == Activity.id, u.archived_at.is_(None))
              .order_by(u.reported_on.desc(), u.id.desc()).limit(1).correlate(Activity).scalar_subquery())
    ids = sa.select(latest).where(Activity.id.in_(activity_ids))
    return {row.activity_id: row for row in db.session.scalars(
        sa.select(ActivityUpdate).where(ActivityUpdate.id.in_(ids)))}


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
