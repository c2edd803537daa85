"""Child rows (attendance, conflicts, dispatch, lifecycle steps, report requests, reporters, minutes
revisions) are written through core's child functions and read in their parent's history as field,
old and new, like every other change."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.assignments import operations as assignment_ops
from app.assignments.models import AssignmentStatus, TrafficLight
from app.core.audit import ChangeLog, history_for
from app.decisions import operations as decision_ops
from app.extensions import db
from app.meetings import operations as meeting_ops
from app.meetings.models import AttendanceStatus
from tests import gov_factories as g


@pytest.fixture
def w(app):
    return g.world()


def latest(record) -> dict:
    db.session.expire_all()
    return history_for(record)[0].changes


def entries(record) -> int:
    return len(history_for(record))


def test_attendance_is_added_then_changed_on_the_meeting(w):
    m = g.meeting(w.recipient, starts_on=date(2026, 3, 1))
    meeting_ops.set_attendance(m, {"person_id": w.member.id, "representing_id": w.region.id,
                                   "status": AttendanceStatus.PRESENT}, None)
    db.session.commit()
    assert latest(m) == {"attendance": {"old": None, "new": "Mona Medlem: Närvarande, Region Uppsala"}}
    meeting_ops.set_attendance(m, {"person_id": w.member.id, "representing_id": None,
                                   "status": AttendanceStatus.ABSENT}, None)
    db.session.commit()
    assert latest(m) == {"attendance": {"old": "Mona Medlem: Närvarande, Region Uppsala",
                                        "new": "Mona Medlem: Frånvarande"}}
    count = entries(m)
    meeting_ops.set_attendance(m, {"person_id": w.member.id, "status": AttendanceStatus.ABSENT}, None)
    db.session.commit()
    assert entries(m) == count  # the same again changes nothing and logs nothing


def test_conflicts_and_approved_versions_are_children_of_the_meeting(w):
    m = g.meeting(w.recipient, starts_on=date(2026, 3, 1))
    item = g.agenda_item(m, title="Budget")
    meeting_ops.declare_conflict(m, item.id, w.member.id, "Jäv", None)
    db.session.commit()
    assert latest(m) == {"conflicts": {"old": None, "new": f"§{item.position} Budget: Mona Medlem"}}
    meeting_ops.save_minutes(m, {"minutes": "§1 Budget."}, None)
    g.approved_minutes(db.session.get(type(m), m.id), w.recipient_chair, on=date(2026, 3, 2))
    assert latest(m) == {"minutes_revisions": {"old": None, "new": "1: 2026-03-02 Rolf Mottagare"}}


def test_dispatch_is_added_and_marked_sent_on_the_decision(w):
    d = g.decision(w.principal)
    x = decision_ops.add_dispatch(d, "Region Uppsala", "diarium@regionuppsala.se", None)
    db.session.commit()
    assert latest(d) == {"dispatch": {"old": None, "new": "Region Uppsala diarium@regionuppsala.se: Att skicka"}}
    decision_ops.mark_dispatched(x, None)
    db.session.commit()
    assert latest(d)["dispatch"]["new"] == "Region Uppsala diarium@regionuppsala.se: Skickat"


def test_lifecycle_steps_and_report_requests_are_children_of_the_assignment(w):
    a = g.assignment(w.principal, w.recipient, status=AssignmentStatus.COMMISSIONED)
    assert latest(a) == {"transitions": {"old": None, "new": "Beställt"}}
    assignment_ops.transition(a, AssignmentStatus.IN_PROGRESS, None, note="Startmöte hållet")
    db.session.commit()
    step, status = history_for(a)[:2]
    assert step.changes == {"transitions": {"old": None, "new": "Beställt → Pågår: Startmöte hållet"}}
    assert status.changes["status"] == {"old": "commissioned", "new": "in_progress"}

    assignment_ops.request_report(a, date(2026, 12, 1), None)
    db.session.commit()
    assert any(e.changes == {"report_requests": {"old": None, "new": "2026-12-01"}} for e in history_for(a)[:2])
    assignment_ops.file_report(a, {"reported_on": g.TODAY, "traffic_light": TrafficLight.ON_TRACK,
                                   "progress": "Klart snart."}, None)
    db.session.commit()
    assert any(e.changes == {"report_requests": {"old": "2026-12-01", "new": "2026-12-01 ✓"}}
               for e in history_for(a)[:2])


def test_delegated_reporters_are_a_logged_choice_with_names(w):
    a = g.assignment(w.principal, w.recipient)
    assignment_ops.set_reporters(a, [w.member.id], None)
    db.session.commit()
    change = latest(a)["reporters"]
    assert change["old"] == [] and change["new"] == [w.member.id] and change["new_label"] == "Mona Medlem"


def test_the_history_page_reads_child_changes_as_field_old_new(w, login_as):
    from app.auth.models import Role

    m = g.meeting(w.recipient, starts_on=date(2026, 3, 1))
    for status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT):
        meeting_ops.set_attendance(m, {"person_id": w.member.id, "status": status}, None)
        db.session.commit()
    page = login_as(Role.READER).get(f"/meetings/{m.id}").get_data(as_text=True)
    history = g.text(page[page.index('id="history-heading"'):])
    assert "Närvaro Mona Medlem: Närvarande Mona Medlem: Frånvarande" in history


def test_the_seed_writes_through_the_same_operations(app):
    """Every row the seed adds comes with its change-log entry, as the app's own writes do."""
    from app.meetings.models import Attendance
    from seed.loader import run_seed

    run_seed(demo=True)
    attendances = db.session.scalar(sa.select(sa.func.count()).select_from(Attendance))
    logged = db.session.scalar(sa.select(sa.func.count()).select_from(ChangeLog).where(
        ChangeLog.entity_type == "meetings", ChangeLog.changes.cast(sa.String).like('%"attendance"%')))
    assert attendances > 0 and logged == attendances


def test_records_that_belong_to_others_are_lines_in_their_history(w):
    """An agenda item, a phase or a decision link has no page of its own: its parents' history says
    when it came, changed and went."""
    from app.core import operations as ops

    m = g.meeting(w.recipient, starts_on=date(2026, 3, 1))
    item = g.agenda_item(m, title="Budget")
    assert latest(m) == {"agenda": {"old": None, "new": "§1 Budget"}}
    meeting_ops.update_agenda_item(item, {"title": "Budget 2027", "position": 1}, None)
    db.session.commit()
    assert latest(m) == {"agenda": {"old": "§1 Budget", "new": "§1 Budget 2027"}}
    ops.archive(item, None)
    db.session.commit()
    assert latest(m) == {"agenda": {"old": "§1 Budget 2027", "new": None}}

    a = g.assignment(w.principal, w.recipient)
    g.phase(a, title="Kartläggning")
    assert latest(a) == {"phases": {"old": None, "new": "Kartläggning"}}
    d = g.decision(w.principal, title="Beslut om ändring")
    link = decision_ops.link_assignment(d, a.id, decision_ops.LinkEffect.CHANGES, None)
    db.session.commit()
    label = str(link)
    assert latest(d) == {"links": {"old": None, "new": label}}
    assert latest(a) == {"decision_links": {"old": None, "new": label}}
