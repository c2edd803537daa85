"""Activity status and lateness as SQL, for lists filtered in the database (pages and API alike).

They mirror Activity.effective_status and Activity.is_late, which tests hold to the same answers.
"""

from datetime import date

import sqlalchemy as sa

from app.assignments.models import Assignment
from app.competence.models import FINISHED_ACTIVITY, STATUS_FROM_ASSIGNMENT, Activity, ActivityStatus
from app.competence.quarters import Quarter


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
