"""The plan's business rules (app/competence/plan/operations.py, models.py): which activities are refused,
on which field, how their status and lateness follow from the plan and a linked assignment."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.assignments.models import AssignmentStatus
from app.competence.plan import operations as plan_ops
from app.competence.plan import queries as plan_queries
from app.competence.plan.models import Activity, ActivityStatus
from app.competence.quarters import Quarter
from app.core.sorting import code_sort_key
from app.extensions import db
from tests import factories as f
from tests.competence.conftest import refused


def activity_values(wp, **values) -> dict:
    return {"code": "A.1", "work_package_id": wp.id, "area": "Planering av pilot", **values}


def activities() -> int:
    return db.session.scalar(sa.select(sa.func.count(Activity.id)))


@pytest.mark.parametrize("values,field", [
    ({"start_quarter": "2026-Q1", "end_quarter": "2025-Q4"}, "end_quarter"),
    ({"start_quarter": "2025 K3", "end_quarter": "K2 2025"}, "end_quarter"),
    ({"start_quarter": "2025-Q3", "end_quarter": "2026-Q1", "open_ended": True}, "end_quarter"),
    ({"end_quarter": "2026-Q1", "open_ended": True}, "end_quarter"),
    ({"start_quarter": "2025-Q5"}, "start_quarter"),
    ({"start_quarter": "2025-Q3", "end_quarter": "hösten"}, "end_quarter"),
    ({"responsible_group_id": 999999}, "responsible_group_id"),
    ({"responsible_person_id": 999999}, "responsible_person_id"),
    ({"assignment_id": 999999}, "assignment_id"),
])
def test_an_activity_breaking_a_rule_is_refused_on_its_field(wp, values, field):
    assert refused(plan_ops.create_activity, activity_values(wp, **values), None).field == field
    assert activities() == 0


def test_quarter_text_is_stored_in_its_canonical_form(wp):
    activity = plan_ops.create_activity(activity_values(wp, start_quarter="2025 K3", end_quarter="K1 2026"),
                                              None)
    db.session.commit()
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    assert (activity.start_quarter, activity.end_quarter) == ("2025-Q3", "2026-Q1")
    assert (activity.start, activity.end) == (Quarter(2025, 3), Quarter(2026, 1))

    plan_ops.update_activity(activity, {"start_quarter": "2026q2", "end_quarter": "2026 – Q2",
                                              "open_ended": False}, None)
    db.session.commit()
    assert (activity.start_quarter, activity.end_quarter) == ("2026-Q2", "2026-Q2")  # one quarter is fine
    plan_ops.update_activity(activity, {"start_quarter": "2025-Q3", "end_quarter": "",
                                              "open_ended": True}, None)
    db.session.commit()
    assert (activity.end_quarter, activity.open_ended) == (None, True)


def test_a_partial_update_is_checked_against_the_plan_already_stored(wp):
    activity = plan_ops.create_activity(activity_values(wp, start_quarter="2026-Q1", end_quarter="2026-Q2"),
                                              None)
    db.session.commit()
    assert refused(plan_ops.update_activity, activity, {"end_quarter": "2025-Q4"}, None).field == "end_quarter"
    assert refused(plan_ops.update_activity, activity, {"open_ended": True}, None).field == "end_quarter"
    plan_ops.update_activity(activity, {"end_quarter": "K3 2026"}, None)
    db.session.commit()
    assert (activity.start_quarter, activity.end_quarter, activity.open_ended) == ("2026-Q1", "2026-Q3", False)


def test_an_activity_code_is_unique(wp):
    plan_ops.create_activity(activity_values(wp), None)
    db.session.commit()
    assert refused(plan_ops.create_activity, activity_values(wp, area="Annan"), None).field == "code"
    other = plan_ops.create_activity(activity_values(wp, code="A.2"), None)
    db.session.commit()
    assert refused(plan_ops.update_activity, other, {"code": "A.1"}, None).field == "code"


@pytest.mark.parametrize("assignment_status,expected", [
    (AssignmentStatus.DRAFT, ActivityStatus.NOT_STARTED),
    (AssignmentStatus.COMMISSIONED, ActivityStatus.NOT_STARTED),
    (AssignmentStatus.IN_PROGRESS, ActivityStatus.ONGOING),
    (AssignmentStatus.PAUSED, ActivityStatus.PAUSED),
    (AssignmentStatus.DELIVERED, ActivityStatus.DONE),
    (AssignmentStatus.ACCEPTED, ActivityStatus.DONE),
    (AssignmentStatus.CLOSED, ActivityStatus.DONE),
    (AssignmentStatus.CANCELLED, ActivityStatus.CANCELLED),
])
def test_an_activity_carried_out_as_an_assignment_takes_its_status(wp, assignment_status, expected):
    principal, recipient = f.group("NSG Data och analys"), f.group("Kompetenscentrum")
    assignment = f.assignment(principal, recipient, status=assignment_status)
    own = ActivityStatus.PAUSED if expected != ActivityStatus.PAUSED else ActivityStatus.DONE
    activity = plan_ops.create_activity(activity_values(wp, status=own, start_quarter="2024-Q1",
                                                              end_quarter="2024-Q2", assignment_id=assignment.id),
                                              None)
    db.session.commit()
    assert activity.effective_status == expected
    # The assignment's status also decides whether the activity is late.
    assert activity.is_late(date(2025, 1, 1)) == (expected not in (ActivityStatus.DONE, ActivityStatus.CANCELLED))


def test_every_assignment_status_is_mapped():
    from app.competence.plan.models import STATUS_FROM_ASSIGNMENT

    assert set(STATUS_FROM_ASSIGNMENT) == set(AssignmentStatus)


def test_without_an_assignment_the_activity_keeps_its_own_status(wp):
    activity = plan_ops.create_activity(activity_values(wp, status=ActivityStatus.PAUSED), None)
    db.session.commit()
    assert activity.effective_status == ActivityStatus.PAUSED


@pytest.mark.parametrize("status,end,open_ended,today,late", [
    (ActivityStatus.ONGOING, "2025-Q4", False, date(2026, 1, 1), True),
    (ActivityStatus.NOT_STARTED, "2025-Q4", False, date(2026, 1, 1), True),
    (ActivityStatus.PAUSED, "2025-Q4", False, date(2026, 1, 1), True),
    (ActivityStatus.ONGOING, "2025-Q4", False, date(2025, 12, 31), False),  # the quarter's last day: not over
    (ActivityStatus.DONE, "2025-Q4", False, date(2026, 1, 1), False),
    (ActivityStatus.CANCELLED, "2025-Q4", False, date(2026, 1, 1), False),
    (ActivityStatus.ONGOING, None, True, date(2030, 1, 1), False),
    (ActivityStatus.ONGOING, None, False, date(2030, 1, 1), False),  # no end planned
])
def test_an_activity_is_late_when_its_end_quarter_is_over_and_it_is_not_finished(wp, status, end, open_ended,
                                                                                 today, late):
    activity = plan_ops.create_activity(activity_values(wp, status=status, start_quarter="2025-Q3",
                                                              end_quarter=end, open_ended=open_ended), None)
    db.session.commit()
    assert activity.is_late(today) is late


def test_an_open_ended_activity_is_never_late_even_with_an_end_quarter_left_in_it():
    # The operations refuse this combination; the model rule does not rely on that.
    activity = Activity(code="X.1", status=ActivityStatus.ONGOING, start_quarter="2024-Q1", end_quarter="2024-Q2",
                        open_ended=True)
    assert activity.is_late(date(2026, 1, 1)) is False
    activity.open_ended = False
    assert activity.is_late(date(2026, 1, 1)) is True


def test_changing_an_activitys_code_changes_its_place_in_the_order(wp):
    """The stored sort key follows the code through the operation, and stays out of the history."""
    first = plan_ops.create_activity(activity_values(wp, code="A.2"), None)
    second = plan_ops.create_activity(activity_values(wp, code="A.10"), None)
    db.session.commit()
    assert first.code_sort == code_sort_key("A.2") and first.code_sort < second.code_sort
    assert [a.code for a in plan_queries.activities()] == ["A.2", "A.10"]

    changes = plan_ops.update_activity(first, {"code": "A.11"}, None, first.version)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Activity.code_sort).where(Activity.id == first.id))
    assert stored == code_sort_key("A.11") and "code_sort" not in changes
    assert [a.code for a in plan_queries.activities()] == ["A.10", "A.11"]


@pytest.mark.parametrize("codes", [
    ["A.1", "A.2", "A.9", "A.10", "A.100"],
    ["A", "A.01", "A.1", "A1", "A.1.1", "A.2"],  # alike numbers by the code as written; a code before its parts
    ["a.3", "B.2", "Z.1", "Å.1", "Ä.1", "Ö.1"],  # letters case-insensitively in Swedish order
    ["KPI-A2", "KPI-A10", "KPI-B1"],
])
def test_the_code_sort_key_orders_codes_as_people_read_them(codes):
    assert sorted(reversed(codes), key=code_sort_key) == codes
    # Only digits and lower-case letters: text every collation orders alike.
    assert all(re.fullmatch("[0-9a-z]+", code_sort_key(c)) for c in codes)
