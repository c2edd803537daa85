"""Operations that change a second record check the user's rights on that record too, so that no
route reaches it around the check of the record the route loaded."""

import pytest
import sqlalchemy as sa

from app.assignments import operations as assignment_ops
from app.auth.models import Role
from app.core.permissions import NotAllowed
from app.decisions import operations as decision_ops
from app.decisions.models import DecisionLink, LinkEffect
from app.extensions import db
from app.priorities import operations as priority_ops
from app.priorities.models import PriorityItem, PriorityList
from tests import gov_factories as g
from tests.conftest import make_user


@pytest.fixture
def w(app):
    return g.world()


def chair_of(person, name):
    return make_user(name, Role.READER, person)


def test_a_chair_cannot_change_another_groups_assignment_by_removing_a_decision_link(w, login_as):
    """The decision is the unrelated group's, the assignment the principal's: the unrelated chair may
    edit the decision but not the assignment, which the link's removal would change."""
    a = g.assignment(w.principal, w.recipient)
    d = g.decision(w.unrelated)
    link = g.link(d, a, LinkEffect.GIVES)  # by the secretariat (the system here)
    db.session.refresh(a)
    assert a.given_by_decision_id == d.id
    unrelated_chair = login_as(Role.READER, person=w.unrelated_chair)
    before = g.database_state()
    response = unrelated_chair.post(f"/decisions/links/{link.id}/archive", {"do": "archive"},
                                    form_url=f"/decisions/{d.id}")
    assert response.status_code == 403
    assert g.database_state() == before
    # The principal's chair, who may edit both, may remove a link of their own decision.
    principal_d = g.decision(w.principal, title="Principalens beslut")
    principal_link = g.link(principal_d, a, LinkEffect.CHANGES)
    principal_chair = login_as(Role.READER, person=w.principal_chair)
    assert principal_chair.post(f"/decisions/links/{principal_link.id}/archive", {"do": "archive"},
                                form_url=f"/decisions/{principal_d.id}").status_code == 302
    assert db.session.get(DecisionLink, principal_link.id).is_archived


def test_unlink_checks_the_assignment_at_the_operation(w):
    a = g.assignment(w.principal, w.recipient)
    link = g.link(g.decision(w.unrelated), a)
    with pytest.raises(NotAllowed):
        decision_ops.unlink(link, chair_of(w.unrelated_chair, "ulla"))
    db.session.rollback()
    decision_ops.unlink(db.session.get(DecisionLink, link.id), chair_of(w.principal_chair, "petra"))


def test_linking_needs_the_right_to_change_the_assignment(w):
    a = g.assignment(w.principal, w.recipient)
    d = g.decision(w.unrelated)
    from app.core.operations import BusinessRuleError

    with pytest.raises(BusinessRuleError, match="uppdrag som du får ändra"):
        decision_ops.link_assignment(d, a.id, LinkEffect.CHANGES, chair_of(w.unrelated_chair, "ulla"))


def test_a_link_made_or_restored_with_an_assignment_needs_both_records(w):
    """Editing an assignment keeps its giving decision linked (ensure_link): making that link changes
    the decision too, so a chair cannot tie their assignment to another group's decision."""
    a = g.assignment(w.principal, w.recipient)
    d = g.decision(w.unrelated)
    petra = chair_of(w.principal_chair, "petra")
    with pytest.raises(NotAllowed):
        decision_ops.ensure_link(d.id, a.id, LinkEffect.GIVES, petra)
    db.session.rollback()
    # An existing, live link changes nothing and needs no rights: the chair's own edits still save.
    g.link(d, a, LinkEffect.GIVES)
    assert decision_ops.ensure_link(d.id, a.id, LinkEffect.GIVES, petra).decision_id == d.id


def test_a_chair_editing_their_assignment_given_by_another_groups_decision_can_still_save(w):
    a = g.assignment(w.principal, w.recipient, given_by_decision_id=g.decision(w.steering).id)
    values = {"title": "Nytt namn", "principal_group_id": w.principal.id, "recipient_group_id": w.recipient.id,
              "given_by_decision_id": a.given_by_decision_id}
    changes = assignment_ops.update_assignment(a, values, chair_of(w.principal_chair, "petra"), a.version)
    assert changes["title"]["new"] == "Nytt namn"


def test_filing_a_report_updates_the_assignment_only_for_those_who_may_report(w):
    a = g.assignment(w.principal, w.recipient)
    g.report_request(a, g.NEXT_MONTH)
    values = dict(reported_on=g.TODAY, traffic_light="on_track", progress="Går bra.")
    with pytest.raises(NotAllowed):
        assignment_ops.file_report(a, values, chair_of(w.unrelated_chair, "ulla"))
    db.session.rollback()
    assignment_ops.file_report(a, values, chair_of(w.recipient_chair, "rolf"))
    db.session.commit()
    assert db.session.get(type(a), a.id).next_report_due_on is None


def test_asking_for_a_report_changes_the_assignment_only_for_those_who_may_ask(w):
    a = g.assignment(w.principal, w.recipient)
    with pytest.raises(NotAllowed):
        assignment_ops.request_report(a, g.NEXT_MONTH, chair_of(w.recipient_chair, "rolf"))
    db.session.rollback()
    assignment_ops.request_report(a, g.NEXT_MONTH, chair_of(w.principal_chair, "petra"))


def test_moving_a_priority_moves_its_neighbour_only_with_rights_on_it(w):
    from app.core import operations as ops

    plist = ops.create(PriorityList(), None, group_id=w.principal.id, title="Prioriteringar 2026")
    first = priority_ops.add_item(plist, {"title": "Hjärtsvikt"}, None)
    db.session.commit()  # one request each, as in the app
    second = priority_ops.add_item(plist, {"title": "Diabetes"}, None)
    db.session.commit()
    with pytest.raises(NotAllowed):
        priority_ops.move_item(second, -1, chair_of(w.unrelated_chair, "ulla"))
    db.session.rollback()
    priority_ops.move_item(db.session.get(PriorityItem, second.id), -1, chair_of(w.principal_chair, "petra"))
    db.session.commit()
    positions = dict(db.session.execute(sa.select(PriorityItem.title, PriorityItem.position)).all())
    assert positions == {"Diabetes": 1, "Hjärtsvikt": 2}
    assert first.id != second.id


def test_removing_a_priority_renumbers_the_rest_only_with_rights_on_them(w):
    from app.core import operations as ops

    plist = ops.create(PriorityList(), None, group_id=w.principal.id, title="Prioriteringar 2026")
    first = priority_ops.add_item(plist, {"title": "Hjärtsvikt"}, None)
    db.session.commit()  # one request each, as in the app
    priority_ops.add_item(plist, {"title": "Diabetes"}, None)
    db.session.commit()
    with pytest.raises(NotAllowed):
        priority_ops.archive_item(first, chair_of(w.unrelated_chair, "ulla"))
    db.session.rollback()
    priority_ops.archive_item(db.session.get(PriorityItem, first.id), chair_of(w.principal_chair, "petra"))
    db.session.commit()
    assert db.session.scalar(sa.select(PriorityItem.position).where(PriorityItem.title == "Diabetes")) == 1
