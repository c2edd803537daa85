"""`flask seed` loads the structure the source documents state; running it twice changes nothing."""

from datetime import date

import sqlalchemy as sa

from app.auth.models import Role, User
from app.core.audit import ChangeLog
from app.extensions import db
from app.groups.models import Group, GroupRelation, GroupType, HostingStatus, Level, NpoHosting, RelationKind
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import Membership, Person
from seed.demo import DEMO_PASSWORD


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def group_named(name: str) -> Group:
    return db.session.scalars(sa.select(Group).where(Group.name == name)).one()


def test_seed_loads_the_structure(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output

    assert count(Organisation, Organisation.kind == OrganisationKind.HEALTHCARE_REGION) == 6
    assert count(Organisation, Organisation.kind == OrganisationKind.REGION) == 21
    assert count(Group, Group.type == GroupType.NSG) == 7
    assert count(Group, Group.type == GroupType.NPO) == 26
    assert count(Group, Group.type == GroupType.FOCUS_AREA) == 4

    mellansverige = db.session.scalars(sa.select(Organisation).where(
        Organisation.short_name == "Mellansverige")).one()
    assert {r.name for r in mellansverige.regions} == {
        "Region Dalarna", "Region Värmland", "Region Gävleborg", "Region Sörmland",
        "Region Örebro län", "Region Uppsala", "Region Västmanland"}
    assert mellansverige.population_millions == 2.1


def test_seed_loads_hosting_with_status(runner):
    runner.invoke(args=["seed"])
    hosted_by = {}
    for h in db.session.scalars(sa.select(NpoHosting)):
        hosted_by.setdefault(h.npo.name, set()).add((h.host.short_name, h.status))
    assert ("Mellansverige", HostingStatus.ACTIVE) in hosted_by["NPO Äldres hälsa"]
    assert ("Västra", HostingStatus.ACTIVE) in hosted_by["NPO Rörelseorganens sjukdomar"]
    assert ("SKR", HostingStatus.DORMANT) in hosted_by["NPO Psykisk hälsa"]
    assert ("Norra", HostingStatus.DORMANT) in hosted_by["NPO Cancersjukdomar"]
    # Hosts the seeds don't state stay unassigned.
    assert count(NpoHosting) == 13


def test_seed_loads_sosr_proposal_and_relations(runner):
    runner.invoke(args=["seed"])
    rsg = db.session.scalars(sa.select(Group).where(
        Group.name == "RSG Data och analys", Group.level == Level.HEALTHCARE_REGIONAL)).one()
    assert rsg.proposed
    assert rsg.healthcare_region.short_name == "Sydöstra"
    kinds = {(r.kind, r.source.type) for r in rsg.incoming}
    assert (RelationKind.COMMITTEE_TO, GroupType.REFERENCE_GROUP) in kinds
    assert any(r.kind == RelationKind.STEERING_GROUP_OF and r.target.type == GroupType.RAG
               for r in rsg.outgoing)
    assert count(Group, Group.type == GroupType.SOR) > 0  # VGR's coordination councils
    assert count(GroupRelation, GroupRelation.kind == RelationKind.MIRRORS) > 0


def test_seed_is_idempotent(runner):
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    counts = [count(m) for m in (Organisation, Group, GroupRelation, NpoHosting, Person, Membership,
                                 User, ChangeLog)]
    second = runner.invoke(args=["seed", "--demo"])
    assert second.exit_code == 0, second.output
    assert "Nothing to add" in second.output
    assert [count(m) for m in (Organisation, Group, GroupRelation, NpoHosting, Person, Membership,
                               User, ChangeLog)] == counts


def test_demo_accounts_only_with_demo_flag(runner):
    runner.invoke(args=["seed"])
    assert count(User) == 0
    assert count(Person) == 0
    runner.invoke(args=["seed", "--demo"])
    usernames = set(db.session.scalars(sa.select(User.username)))
    assert usernames == {"admin", "kansli", "kompetens", "lasare", "ordforande"}
    assert count(Person, Person.is_demo.is_(False)) == 0


def test_seed_writes_change_log(runner):
    runner.invoke(args=["seed"])
    nsg = group_named("NSG Data och analys")
    entry = db.session.scalars(sa.select(ChangeLog).where(
        ChangeLog.entity_type == "groups", ChangeLog.entity_id == nsg.id)).one()
    assert entry.action.value == "create"
    assert entry.user_id is None
    assert entry.changes["name"]["new"] == "NSG Data och analys"


def test_demo_chair_can_sign_in_and_edit_own_group(runner, client):
    runner.invoke(args=["seed", "--demo"])
    from tests.conftest import Browser

    b = Browser(client)
    assert b.login("ordforande", DEMO_PASSWORD).status_code == 302
    rsg = db.session.scalars(sa.select(Group).where(
        Group.name == "RSG Data och analys", Group.level == Level.HEALTHCARE_REGIONAL)).one()
    assert b.get(f"/groups/{rsg.id}/edit").status_code == 200
    nsg = group_named("NSG Data och analys")
    assert b.get(f"/groups/{nsg.id}/edit").status_code == 403


def test_reseed_after_rename_adds_nothing(runner):
    runner.invoke(args=["seed", "--demo"])
    from app.core import operations as ops

    ops.update(group_named("NSG Data och analys"), None, {"name": "NSG Hälsodata"})
    db.session.commit()
    before = count(Group)
    result = runner.invoke(args=["seed", "--demo"])
    assert "Nothing to add" in result.output
    assert count(Group) == before


def test_seed_loads_the_governance_facts(runner):
    from app.assignments.models import Assignment, AssignmentStatus
    from app.decisions.models import Decision
    from app.meetings.models import Meeting

    assert runner.invoke(args=["seed"]).exit_code == 0
    rag = db.session.scalars(sa.select(Assignment).where(
        Assignment.seed_key == "assignment:sosr-rag-malbild-data-och-analys")).one()
    assert len([q for q in rag.questions.splitlines() if q.strip()]) == 6
    assert rag.recipient_group.type == GroupType.RAG and rag.deliverables
    ssr = db.session.scalars(sa.select(Assignment).where(
        Assignment.seed_key == "assignment:ssr-genomlysning-tillganglighet-sus")).one()
    phases = [p for p in ssr.phases]
    assert len(phases) == 4 and phases[2].is_checkpoint and phases[3].is_optional
    roles = db.session.scalars(sa.select(Assignment).where(
        Assignment.seed_key == "assignment:sosr-fortydliga-roller-och-mandat")).one()
    assert roles.status == AssignmentStatus.DRAFT and roles.given_by_decision.state.value == "proposed"

    decided = {d.decided_on.isoformat() for d in db.session.scalars(sa.select(Decision)) if d.decided_on}
    assert {"2022-06-16", "2022-08-23", "2023-11-28"} <= decided
    numbered = db.session.scalars(sa.select(Decision).where(Decision.registry_number == "RS 2021-06735")).one()
    assert numbered.issuing_organisation.name == "Västra Götalandsregionen"
    nov28 = db.session.scalars(sa.select(Decision).where(Decision.decided_on == date(2023, 11, 28))).one()
    assert "1." in nov28.text and "2." in nov28.text
    assert any(m.starts_on == date(2023, 12, 15) for m in db.session.scalars(sa.select(Meeting)))

    board = group_named("Samverkansnämnden i Sjukvårdsregion Mellansverige")
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.group_id == board.id)
                                  .order_by(Meeting.starts_on)).all()
    assert [(m.starts_on, m.ends_on) for m in meetings] == [
        (date(2023, 2, 16), date(2023, 2, 17)), (date(2023, 6, 1), date(2023, 6, 2)),
        (date(2023, 9, 29), None), (date(2023, 12, 7), date(2023, 12, 8))]
    assert meetings[2].is_digital and "Västerås" in meetings[0].place


def test_demo_dashboards_show_something_true(runner, login_as):
    from app.assignments.models import Assignment

    runner.invoke(args=["seed", "--demo"])
    overdue = [a for a in db.session.scalars(sa.select(Assignment)) if a.is_overdue(date.today())]
    missing = [a for a in db.session.scalars(sa.select(Assignment)) if a.report_missing(date.today())]
    assert overdue and missing
    page = login_as(Role.SECRETARIAT).get("/followup/").get_data(as_text=True)
    for a in overdue + missing:
        assert a.title in page


def test_demo_documents_are_real_pdfs_on_their_records(runner, login_as):
    """The demo seed puts small PDFs on meetings, a decision and a delivered assignment; each downloads
    as a PDF a reader opens, with the text the seed wrote."""
    import io

    from pypdf import PdfReader

    from app.documents.models import Document, DocumentKind

    runner.invoke(args=["seed", "--demo"])
    documents = list(db.session.scalars(sa.select(Document)))
    assert {d.kind for d in documents} >= {DocumentKind.KALLELSE, DocumentKind.PROTOKOLL, DocumentKind.LEVERANS}
    assert {type(d.owner).__name__ for d in documents} == {"Meeting", "Decision", "Assignment"}
    keeper = login_as(Role.SECRETARIAT)
    for document in documents:
        with keeper.get(f"/documents/versions/{document.latest.id}/download") as response:
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
        assert document.title.removeprefix("(demo) ") in text and "Fiktivt demodokument." in text
    delivered = next(d for d in documents if d.kind == DocumentKind.LEVERANS)
    page = keeper.get(f"/assignments/{delivered.assignment_id}").get_data(as_text=True)
    assert delivered.title in page


def test_demo_meeting_is_carried_from_agenda_to_approved_minutes_and_dispatched_extract(runner, login_as):
    """A held demo meeting: minutes per §, the decision taken at §3, approval by the chair's own click and
    by an adjuster recorded on their behalf, locked, and the decision dispatched."""
    from app.decisions.models import DispatchStatus
    from app.meetings.models import Meeting

    runner.invoke(args=["seed", "--demo"])
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.seed_key == "demo:rsg-principer-held"))
    assert meeting.minutes_locked and len(meeting.revisions) == 1
    assert [(a.person.name, a.on_behalf) for a in meeting.approvals] == [("Sam Ordfört", False),
                                                                         ("Jonas Låtsasson", True)]
    # Invited and answered: the member's förhinder called in his substitute; attendance came from the answers.
    from app.meetings.invitations import operations as invitation_ops

    notice = invitation_ops.notice_of(meeting)  # sent and answered before the meeting, as recorded
    assert notice.sent_at.date() < meeting.starts_on
    assert all(i.answered_at and i.answered_at.date() < meeting.starts_on
               for i in invitation_ops.invitations_of(meeting))
    attendance = {a.person.name: (a.status.value, a.substitute_for.name if a.substitute_for else None)
                  for a in meeting.attendance}
    assert attendance == {"Sam Ordfört": ("present", None), "Maja Testlund": ("present", None),
                          "Nils Provberg": ("absent", None), "Jonas Låtsasson": ("substitute", "Nils Provberg")}
    items = [i for i in meeting.agenda if not i.is_archived]
    assert [i.position for i in items] == [1, 2, 3, 4] and all(i.minutes for i in items)
    decision = items[2].decision
    assert decision.meeting_id == meeting.id and decision.decided_on == meeting.starts_on
    assert [d.status for d in decision.dispatches] == [DispatchStatus.SENT]
    assert "§3 Principer för delning av analyser" in meeting.revisions[0].text and decision.text in (
        meeting.revisions[0].text)
    page = login_as(Role.SECRETARIAT).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Protokollet är låst" in page and "Maja Testlund anmälde jäv" in page
