"""`flask seed --scale N` bulk-inserts (the one exception to the one write path): what it writes for a
small N must be what the operations would write – the kept state a recompute gives, and change-log
entries of the same shape as the operations' own for the same records."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.assignments import operations as assignment_ops
from app.assignments.models import Assignment, AssignmentStatus, StatusReport
from app.assignments.queries import kept_state_differences, steered_group_ids
from app.competence.kpis import operations as kpi_ops
from app.competence.kpis.models import Kpi, KpiMeasurement
from app.competence.plan import operations as plan_ops
from app.competence.plan.models import ActivityStatus, ActivityUpdate
from app.competence.regions import operations as region_ops
from app.competence.regions.models import MaturityAssessment, RegionStance
from app.core.audit import ChangeAction, ChangeLog
from app.decisions.models import Decision
from app.extensions import db
from app.groups.models import Group
from app.meetings import operations as meeting_ops
from app.meetings.models import AgendaItem, Attendance, Meeting
from seed import scale

N = 40


def _small(monkeypatch) -> None:
    monkeypatch.setattr(scale, "GROUPS", 40)
    monkeypatch.setattr(scale, "PROGRAMME_AREAS", 4)
    monkeypatch.setattr(scale, "PEOPLE", 100)
    monkeypatch.setattr(scale, "BIG_REPORTS", 60)


@pytest.fixture
def small_scale(app, monkeypatch):
    _small(monkeypatch)
    return scale.generate(N)


def _entries(record, action=None) -> list[dict]:
    stmt = sa.select(ChangeLog).where(ChangeLog.entity_type == record.__tablename__,
                                      ChangeLog.entity_id == record.id).order_by(ChangeLog.id)
    if action is not None:
        stmt = stmt.where(ChangeLog.action == action)
    return [e.changes for e in db.session.scalars(stmt)]


def test_the_generated_register_has_the_promised_proportions(small_scale):
    counts = small_scale
    assert counts["assignments"] == N and counts["decisions"] == N // 2 and counts["meetings"] == N // 5
    assert counts["agenda_items"] == 2 * (N // 5) and counts["attendance"] >= N // 5
    assert counts["status_reports"] >= 60  # the one assignment with many reports, and the others'
    top = db.session.scalar(sa.select(Group).where(Group.name.like("Nationell styrgrupp %")))
    generated = db.session.scalar(sa.select(sa.func.count()).select_from(Group).where(
        Group.name.like("% S%-%") | (Group.id == top.id)))
    assert len(steered_group_ids(top.id)) == generated == 40  # the top group steers every generated group
    assert db.session.scalar(sa.select(sa.func.max(sa.func.length(Assignment.title_sort)))) > 0


def test_the_kept_state_is_what_a_recompute_gives(small_scale):
    assert kept_state_differences() == []
    with_reports = db.session.scalar(sa.select(sa.func.count()).select_from(Assignment).where(
        Assignment.latest_light.is_not(None)))
    assert with_reports > N // 2


def test_change_log_entries_have_the_operations_shape(small_scale):
    seeded = db.session.scalar(sa.select(Assignment).where(Assignment.status == AssignmentStatus.IN_PROGRESS,
                                                           Assignment.next_report_due_on.is_(None))
                               .order_by(Assignment.id))
    twin = assignment_ops.create_assignment(dict(
        title=seeded.title, description=seeded.description, principal_group_id=seeded.principal_group_id,
        recipient_group_id=seeded.recipient_group_id, mandate=seeded.mandate, questions=seeded.questions,
        deliverables=seeded.deliverables, start_on=seeded.start_on, due_on=seeded.due_on, status=seeded.status,
        source=seeded.source), None)
    db.session.flush()
    assert _entries(seeded) == _entries(twin)  # the creation, then the first step of its lifecycle

    asked = db.session.scalar(sa.select(Assignment).where(Assignment.next_report_due_on.is_not(None))
                              .order_by(Assignment.id))
    twin_asked = assignment_ops.create_assignment(dict(
        title=asked.title, principal_group_id=asked.principal_group_id, recipient_group_id=asked.recipient_group_id,
        status=asked.status), None)
    assignment_ops.request_report(twin_asked, asked.next_report_due_on, None)
    db.session.flush()
    assert twin_asked.version == asked.version == 2
    seeded_updates, twin_updates = _entries(asked, ChangeAction.UPDATE), _entries(twin_asked, ChangeAction.UPDATE)
    assert [set(e) for e in seeded_updates] == [set(e) for e in twin_updates]  # transition, request, dates
    assert seeded_updates[1] == twin_updates[1]  # the request as its history reads it
    assert seeded_updates[2]["next_report_due_on"] == twin_updates[2]["next_report_due_on"]

    report = db.session.scalar(sa.select(StatusReport).where(StatusReport.assignment_id == seeded.id))
    if report is None:
        report = db.session.scalar(sa.select(StatusReport).order_by(StatusReport.id))
        seeded = db.session.get(Assignment, report.assignment_id)
    twin_report = assignment_ops.file_report(seeded, dict(
        reported_on=report.reported_on, traffic_light=report.traffic_light, progress=report.progress,
        needs_from_principal=report.needs_from_principal), None)
    db.session.flush()
    assert _entries(report) == _entries(twin_report)

    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title.like("Möte %")).order_by(Meeting.id))
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                             .order_by(AgendaItem.position))
    twin_meeting = meeting_ops.create_meeting(dict(group_id=meeting.group_id, title=meeting.title,
                                                   starts_on=meeting.starts_on, place=meeting.place,
                                                   is_digital=meeting.is_digital), None)
    twin_item = meeting_ops.add_agenda_item(twin_meeting, dict(position=item.position, title=item.title,
                                                               assignment_id=item.assignment_id), None)
    attendance = db.session.scalar(sa.select(Attendance).where(Attendance.meeting_id == meeting.id))
    meeting_ops.set_attendance(twin_meeting, dict(person_id=attendance.person_id, status=attendance.status), None)
    db.session.flush()
    # The same but for the meeting it belongs to (the twin is another meeting, with the same label).
    twin_entry = _entries(twin_item)[0]
    twin_entry["meeting_id"]["new"] = meeting.id
    assert _entries(item) == [twin_entry]
    assert _entries(meeting, ChangeAction.CREATE) == _entries(twin_meeting, ChangeAction.CREATE)
    seeded_children = [e for e in _entries(meeting, ChangeAction.UPDATE) if {"agenda", "attendance"} & set(e)]
    twin_children = _entries(twin_meeting, ChangeAction.UPDATE)
    assert twin_children[0] in seeded_children and twin_children[-1] in seeded_children

    decision = db.session.scalar(sa.select(Decision).where(Decision.title.like("Beslut % om %")))
    assert set(_entries(decision)[0]) >= {"title", "text", "group_id", "decided_on", "kind", "state"}
    assert _entries(decision)[0]["group_id"]["new_label"] == str(db.session.get(Group, decision.group_id))


# The competence centre's follow-up: N/10 of each kind on the activities, typed KPIs and regions there are.

@pytest.fixture
def competence_scale(app, monkeypatch):
    from tests.competence.conftest import World

    world = World()
    # An activity already changed: the "added" lines in its history carry its version, as ops.create writes them.
    plan_ops.update_activity(world.unplanned, {"status": ActivityStatus.ONGOING}, None)
    db.session.commit()
    _small(monkeypatch)
    monkeypatch.setattr(scale, "COMPETENCE_SHARE", 2)
    return world, scale.generate(N)


COMPETENCE_TABLES = (ActivityUpdate, KpiMeasurement, RegionStance, MaturityAssessment)


def test_the_competence_follow_up_is_generated_within_the_operations_rules(competence_scale):
    world, counts = competence_scale
    assert [counts[model.__tablename__] for model in COMPETENCE_TABLES] == [N // 2] * 4
    last = date.today() - timedelta(days=1)
    for m in db.session.scalars(sa.select(KpiMeasurement)):
        kpi = db.session.get(Kpi, m.kpi_id)
        kpi_ops.check_measurement(kpi, {"measured_on": m.measured_on, "value": m.value, "target_id": m.target_id,
                                        "milestone_reached": m.milestone_reached})  # raises when a rule is broken
    assert {m.kpi_id for m in db.session.scalars(sa.select(KpiMeasurement))} == {
        world.count.id, world.share.id, world.pilot.id}  # every typed KPI, none of the derived
    for model, day in ((ActivityUpdate, "reported_on"), (RegionStance, "recorded_on"),
                       (MaturityAssessment, "assessed_on")):
        assert db.session.scalar(sa.select(sa.func.max(getattr(model, day)))) <= last, model
    regions = {s.organisation_id for model in (RegionStance, MaturityAssessment) for s in db.session.scalars(
        sa.select(model))}
    assert regions == {world.region.id}
    assert {a.level for a in db.session.scalars(sa.select(MaturityAssessment))} <= {1, 2, 3, 4}


def _added_line(parent, field: str) -> tuple:
    """The newest "added" line of `field` in `parent`'s history: (its version, its changes)."""
    entries = db.session.scalars(sa.select(ChangeLog).where(
        ChangeLog.entity_type == parent.__tablename__, ChangeLog.entity_id == parent.id,
        ChangeLog.action == ChangeAction.UPDATE).order_by(ChangeLog.id.desc())).all()
    entry = next(e for e in entries if field in e.changes)
    return entry.version, entry.changes


def test_competence_change_log_entries_have_the_operations_shape(competence_scale):
    world, _counts = competence_scale
    update = db.session.scalar(sa.select(ActivityUpdate).where(ActivityUpdate.activity_id == world.unplanned.id)
                               .order_by(ActivityUpdate.id.desc()))
    seeded_line = _added_line(world.unplanned, "updates")  # the last generated, as the newest update
    twin = plan_ops.add_activity_update(world.unplanned, dict(reported_on=update.reported_on,
                                                             traffic_light=update.traffic_light,
                                                             progress=update.progress), None)
    db.session.flush()
    assert _entries(update) == _entries(twin)
    assert seeded_line == _added_line(world.unplanned, "updates") and seeded_line[0] == 2

    for kpi in (world.count, world.share, world.pilot):
        m = db.session.scalar(sa.select(KpiMeasurement).where(KpiMeasurement.kpi_id == kpi.id)
                              .order_by(KpiMeasurement.id.desc()))
        seeded_line = _added_line(kpi, "measurements")
        # As typed in the form: the value without the column's trailing zeros.
        value = Decimal(format(m.value.normalize(), "f")) if m.value is not None else None
        twin = kpi_ops.add_measurement(kpi, dict(measured_on=m.measured_on, value=value, target_id=m.target_id,
                                                 milestone_reached=m.milestone_reached, source=m.source), None)
        db.session.flush()
        assert _entries(m) == _entries(twin), kpi.code
        assert seeded_line == _added_line(kpi, "measurements"), kpi.code

    stance = db.session.scalar(sa.select(RegionStance).order_by(RegionStance.id))
    twin = region_ops.add_stance(dict(organisation_id=stance.organisation_id, stance=stance.stance,
                                      recorded_on=stance.recorded_on, source=stance.source), None)
    level = db.session.scalar(sa.select(MaturityAssessment).order_by(MaturityAssessment.id))
    twin_level = region_ops.add_maturity(dict(organisation_id=level.organisation_id, area=level.area,
                                              level=level.level, assessed_on=level.assessed_on,
                                              source=level.source), None)
    db.session.flush()
    assert _entries(stance) == _entries(twin) and _entries(level) == _entries(twin_level)
