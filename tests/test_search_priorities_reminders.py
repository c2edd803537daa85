"""Search across the register, priority lists with logged reordering, and report reminders."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.assignments.jobs import remind_of_reports
from app.auth.models import Role
from app.core import operations as ops
from app.core import outbox
from app.core.audit import history_for
from app.decisions.models import Decision
from app.extensions import db
from app.groups.models import GroupType
from app.meetings.models import Meeting
from app.people.models import MemberRole
from app.priorities.models import PriorityItem, PriorityList
from tests import factories as f

TODAY = date.today()


def test_search_finds_each_kind_with_counts_and_paging(app, login_as):
    nsg, nag = f.group("NSG Sök"), f.group("NAG Sök", GroupType.NAG)
    f.assignment(nsg, nag, "Vårddatastrategi för regionerna")
    ops.create(Decision(), None, group_id=nsg.id, title="Om strategin", registry_number="RS 2021-06735",
               decided_on=TODAY)
    ops.create(Meeting(), None, group_id=nsg.id, title="Möte i Västerås", place="Västerås", starts_on=TODAY)
    for i in range(30):
        f.assignment(nsg, nag, f"Vårddata del {i:02d}")
    db.session.commit()
    b = login_as(Role.READER)
    page = b.get("/search/?q=VÅRDDATA").get_data(as_text=True)
    assert "Uppdrag (31)" in page and "Beslut (0)" in page and "Sida 1 av 2" in page
    assert "Om strategin" in b.get("/search/?q=rs 2021-06735&kind=decisions").get_data(as_text=True)
    meetings = b.get("/search/?q=västerås&kind=meetings").get_data(as_text=True)
    assert "Möte i Västerås" in meetings and "Möten (1)" in meetings
    assert "Inga träffar" in b.get("/search/?q=finnsinte&kind=meetings").get_data(as_text=True)
    other = f.group("NSG Annan")
    assert "Uppdrag (0)" in b.get(f"/search/?q=vårddata&group={other.id}").get_data(as_text=True)


@pytest.fixture
def prio(app):
    group = f.group("RSG Prio", GroupType.RSG)
    rpo = f.group("RPO Inspel", GroupType.RPO)
    return group, rpo


def test_priority_list_orders_items_and_logs_every_move(prio, login_as):
    group, rpo = prio
    b = login_as(Role.SECRETARIAT)
    response = b.post("/priorities/new", {"group_id": str(group.id), "title": "Prioriteringar 2026",
                                          "valid_from": "2026-01-01", "valid_to": "2025-12-31",
                                          "decision_id": ""})
    assert "Slutdatum kan inte ligga före startdatum." in response.get_data(as_text=True)
    assert b.post("/priorities/new", {"group_id": str(group.id), "title": "Prioriteringar 2026",
                                      "valid_from": "2026-01-01", "valid_to": "", "decision_id": ""}).status_code == 302
    pl = db.session.scalars(sa.select(PriorityList)).one()
    for title in ("Datakvalitet", "Gemensam hubb", "Kompetens"):
        b.post(f"/priorities/{pl.id}/items", {"title": title, "rationale": "Viktigt",
                                              "input_from_group_id": str(rpo.id), "input_from": ""},
               form_url=f"/priorities/{pl.id}")
    items = db.session.scalars(sa.select(PriorityItem).order_by(PriorityItem.position)).all()
    assert [i.title for i in items] == ["Datakvalitet", "Gemensam hubb", "Kompetens"]
    third = items[2]
    b.post(f"/priorities/items/{third.id}/move", {"direction": "up"}, form_url=f"/priorities/{pl.id}")
    order = [i.title for i in db.session.scalars(sa.select(PriorityItem).order_by(PriorityItem.position))]
    assert order == ["Datakvalitet", "Kompetens", "Gemensam hubb"]
    moved = history_for(db.session.get(PriorityItem, third.id))[0]
    assert moved.changes["position"] == {"old": 3, "new": 2} and moved.user_id == b.user.id
    page = b.get(f"/priorities/{pl.id}").get_data(as_text=True)
    assert page.index("Kompetens") < page.index("Gemensam hubb") and "RPO Inspel" in page
    # Archiving closes the gap.
    b.post(f"/priorities/items/{items[0].id}/archive", {}, form_url=f"/priorities/{pl.id}")
    live = db.session.scalars(sa.select(PriorityItem).where(PriorityItem.active())
                              .order_by(PriorityItem.position)).all()
    assert [(i.position, i.title) for i in live] == [(1, "Kompetens"), (2, "Gemensam hubb")]


def test_only_the_groups_chair_or_the_secretariat_edits_priorities(prio, login_as):
    group, rpo = prio
    pl = ops.create(PriorityList(), None, group_id=group.id, title="Lista")
    db.session.commit()
    chair = f.person("Pia Prio")
    f.membership(group, chair, MemberRole.CHAIR)
    other_chair = f.person("Otto Annan")
    f.membership(rpo, other_chair, MemberRole.CHAIR)
    assert login_as(Role.READER).get(f"/priorities/{pl.id}/edit").status_code == 403
    assert login_as(Role.READER, person=other_chair).get(f"/priorities/{pl.id}/edit").status_code == 403
    assert login_as(Role.READER, person=chair).get(f"/priorities/{pl.id}/edit").status_code == 200


def test_reminders_list_due_reports_and_email_them_when_smtp_is_configured(app, runner, smtp_server):
    group, rag = f.group("RSG Påminn", GroupType.RSG), f.group("RAG Påminn", GroupType.RAG)
    chair = f.person("Rut Rapport", email="rut@example.org")
    f.membership(rag, chair, MemberRole.CHAIR)
    soon = f.assignment(group, rag, "Snart dags")
    later = f.assignment(group, rag, "Långt kvar")
    from app.assignments import operations as assignment_ops

    assignment_ops.request_report(soon, TODAY + timedelta(days=3), None)
    assignment_ops.request_report(later, TODAY + timedelta(days=60), None)
    db.session.commit()

    listing = runner.invoke(args=["reminders", "send"])
    assert "Snart dags" in listing.output and "Långt kvar" not in listing.output
    assert "rut@example.org" in listing.output and "nothing sent" in listing.output

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    try:
        sent = runner.invoke(args=["reminders", "send"])
        assert "reminders queued in the outbox" in sent.output and smtp_server.messages == []
        outbox.deliver_due()  # the worker, after the command's commit
        assert [(to, m["Subject"]) for _frm, to, m in smtp_server.messages] == [
            (["rut@example.org"], "Påminnelse om statusrapport: Snart dags")]
        # Reminded once a week at most, whether by hand or by the worker's morning job.
        again = runner.invoke(args=["reminders", "send"])
        remind_of_reports()
        outbox.deliver_due()
    finally:
        app.config.pop("MAIL_SERVER")
        app.config.pop("MAIL_PORT")
    assert "0 report(s) due" in again.output and len(smtp_server.messages) == 1


def test_the_worker_reminds_every_morning(app, smtp_server, monkeypatch):
    from app.assignments import operations as assignment_ops

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    group, rag = f.group("RSG Påminn", GroupType.RSG), f.group("RAG Påminn", GroupType.RAG)
    f.membership(rag, f.person("Rut Rapport", email="rut@example.org"), MemberRole.CHAIR)
    assignment_ops.request_report(f.assignment(group, rag, "Snart dags"), TODAY + timedelta(days=1), None)
    db.session.commit()
    from app.core.worker import SCHEDULED

    [(when, _name, job)] = [s for s in SCHEDULED if s[1] == "report reminders"]
    assert when == {"hour": "7", "minute": "0"} and job is remind_of_reports
    job()
    outbox.deliver_due()
    assert [m["Subject"] for _frm, _to, m in smtp_server.messages] == ["Påminnelse om statusrapport: Snart dags"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url", ["/api/v1/groups", "/api/v1/assignments", "/api/v1/decisions", "/api/v1/meetings",
                                 "/api/v1/status-reports"])
def test_every_role_reads_the_api_like_the_pages(app, login_as, role, url):
    response = login_as(role).get(url)
    assert response.status_code == 200 and "items" in response.json


def test_finished_assignments_get_no_reminders_and_do_not_count_as_missing(app, runner, login_as):
    from app.assignments import operations as assignment_ops
    from app.assignments.models import AssignmentStatus, ReportingRound

    group, rag = f.group("RSG Klar", GroupType.RSG), f.group("RAG Klar", GroupType.RAG)
    done = f.assignment(group, rag, "Avbrutet uppdrag")
    round_ = ops.create(ReportingRound(), None, title="Omgång", due_on=TODAY - timedelta(days=1))
    assignment_ops.request_report(done, TODAY - timedelta(days=1), None, round_)
    assignment_ops.transition(done, AssignmentStatus.CANCELLED, None)
    db.session.commit()
    assert "Avbrutet uppdrag" not in runner.invoke(args=["reminders", "send"]).output
    page = login_as(Role.SECRETARIAT).get(f"/assignments/rounds/{round_.id}").get_data(as_text=True)
    assert "0 uppdrag har inte rapporterat" in page and "Behövs inte" in page


def test_a_failing_mail_server_does_not_stop_the_reminders(app, runner):
    group, rag = f.group("RSG Fel", GroupType.RSG), f.group("RAG Fel", GroupType.RAG)
    chair = f.person("Fia Fel", email="fia@example.org")
    f.membership(rag, chair, MemberRole.CHAIR)
    a = f.assignment(group, rag, "Uppdrag med post")
    from app.assignments import operations as assignment_ops

    assignment_ops.request_report(a, TODAY, None)
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    try:
        result = runner.invoke(args=["reminders", "send"])
        assert outbox.deliver_due() == {outbox.OutboxStatus.RETRYING: 1}
    finally:
        app.config.pop("MAIL_SERVER")
        app.config.pop("MAIL_PORT")
    # The command did its part; the message waits in the outbox with the reason, to be tried again.
    assert result.exit_code == 0 and "1 report(s) due; reminders queued" in result.output
    message = db.session.scalars(sa.select(outbox.OutboxMessage)).one()
    assert message.recipient == "fia@example.org" and "ConnectionRefusedError" in message.last_error
