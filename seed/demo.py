"""`flask seed --demo`: fictional people, memberships and one account per role.

Every person here is invented (surnames like "Exempelsson" make that plain) and flagged is_demo.
Accounts exist only in databases where --demo was run; README lists them.
"""

import io
from datetime import date, timedelta

import sqlalchemy as sa

from app.assignments import operations as assignment_ops
from app.assignments.models import Assignment, AssignmentStatus, TrafficLight
from app.auth import operations as auth_ops
from app.auth.models import Role, User
from app.decisions import operations as decision_ops
from app.decisions.models import Decision, DecisionKind, ExecutionStatus
from app.documents import operations as document_ops
from app.documents.models import Document, DocumentKind
from app.extensions import db
from app.meetings import operations as meeting_ops
from app.meetings.models import ApproverRole, Meeting
from app.people import operations as people_ops
from app.people.models import ConflictDeclaration, ConflictOutcome, MemberRole, Membership, Person

# Meets the password rule (12 characters, not a common password) like any other account's.
DEMO_PASSWORD = "demo-styrregister"

# username, display name, role, key of the person the account belongs to (or None)
ACCOUNTS = [
    ("admin", "Demo Administratör", Role.ADMIN, None),
    ("kansli", "Kim Kanslisson (demo)", Role.SECRETARIAT, "kim"),
    ("kompetens", "Alva Analysdotter (demo)", Role.COMPETENCE_CENTRE, "alva"),
    ("lasare", "Lo Läsarsson (demo)", Role.READER, None),
    ("ordforande", "Sam Ordfört (demo)", Role.READER, "sam"),
]

# key, name, title, organisation (short name)
PEOPLE = [
    ("kim", "Kim Kanslisson", "Handläggare, kansli", "SKR"),
    ("alva", "Alva Analysdotter", "Analytiker", "SKR"),
    ("sam", "Sam Ordfört", "Verksamhetschef", "Östergötland"),
    ("ebba", "Ebba Exempelsson", "Hälso- och sjukvårdsdirektör", "Dalarna"),
    ("nils", "Nils Provberg", "Utvecklingsledare", "Kalmar län"),
    ("maja", "Maja Testlund", "Processledare", "Jönköpings län"),
    ("omar", "Omar Demosson", "Dataanalytiker", "Östergötland"),
    ("lina", "Lina Mallqvist", "Informatiker", "Västra Götalandsregionen"),
    ("per", "Per Utkastén", "Överläkare", "Skåne"),
    ("sara", "Sara Fiktivia", "Patientföreträdare", None),
    ("ali", "Ali Påhittsson", "Enhetschef", "Uppsala"),
    ("greta", "Greta Skissberg", "Chefläkare", "Norrbotten"),
    ("jonas", "Jonas Låtsasson", "Strateg", "Stockholm"),
    ("tove", "Tove Exempeldal", "Sekreterare", "SKR"),
]

# group key, person key, role, representing (short name), start, end
MEMBERSHIPS = [
    ("nsg-data-och-analys", "ebba", MemberRole.CHAIR, "Mellansverige", date(2024, 1, 1), None),
    ("nsg-data-och-analys", "tove", MemberRole.SECRETARY, "SKR", date(2024, 1, 1), None),
    ("nsg-data-och-analys", "greta", MemberRole.MEMBER, "Norra", date(2024, 1, 1), None),
    ("nsg-data-och-analys", "jonas", MemberRole.MEMBER, "Stockholm-Gotland", date(2024, 1, 1), None),
    ("nsg-data-och-analys", "nils", MemberRole.MEMBER, "Sydöstra", date(2024, 1, 1), None),
    ("nsg-data-och-analys", "lina", MemberRole.MEMBER, "Västra", date(2024, 1, 1), None),
    ("nsg-data-och-analys", "per", MemberRole.MEMBER, "Södra", date(2022, 1, 1), date(2024, 6, 30)),
    ("nsg-data-och-analys", "sara", MemberRole.PATIENT_REPRESENTATIVE, None, date(2024, 1, 1), None),
    ("sosr-rsg-data-och-analys", "sam", MemberRole.CHAIR, "Östergötland", date(2024, 1, 1), None),
    ("sosr-rsg-data-och-analys", "nils", MemberRole.MEMBER, "Kalmar län", date(2024, 1, 1), None),
    ("sosr-rsg-data-och-analys", "maja", MemberRole.SECRETARY, "Jönköpings län", date(2024, 1, 1), None),
    ("sosr-rag-malbild-data-och-analys", "sam", MemberRole.CHAIR, "Östergötland", date(2023, 1, 1), None),
    ("sosr-rag-malbild-data-och-analys", "omar", MemberRole.MEMBER, "Östergötland", date(2023, 1, 1), None),
    ("sosr-rag-malbild-data-och-analys", "maja", MemberRole.PROCESS_LEADER, "Jönköpings län",
     date(2023, 1, 1), None),
    ("kompetenscentrum", "alva", MemberRole.MEMBER, "SKR", date(2025, 9, 1), None),
    ("kompetenscentrum", "omar", MemberRole.MEMBER, "Sydöstra", date(2025, 9, 1), None),
    ("kompetenscentrum", "lina", MemberRole.MEMBER, "Västra", date(2025, 10, 1), None),
    ("npo-akut-vard", "ali", MemberRole.CHAIR, "Mellansverige", date(2023, 1, 1), None),
    ("npo-akut-vard", "per", MemberRole.MEMBER, "Södra", date(2023, 1, 1), None),
    ("npo-akut-vard", "sara", MemberRole.PATIENT_REPRESENTATIVE, None, date(2023, 1, 1), None),
    ("msv-kunskapsstyrningsgrupp", "ebba", MemberRole.MEMBER, "Dalarna", date(2023, 1, 1), None),
    ("msv-kunskapsstyrningsgrupp", "ali", MemberRole.CO_OPTED, "Uppsala", date(2024, 3, 1), None),
]

# (group key, person key): declared on, interests, assessed (by, on, outcome) or None
DECLARATIONS = {
    ("nsg-data-och-analys", "ebba"): (date(2024, 1, 10), "Inga bindningar.",
                                      ("Värdens jävsansvarige (demo)", date(2024, 1, 20),
                                       ConflictOutcome.NO_CONFLICT)),
    ("nsg-data-och-analys", "lina"): (date(2024, 1, 12), "Styrelseuppdrag i ett IT-bolag (fiktivt).",
                                      ("Värdens jävsansvarige (demo)", date(2024, 2, 1),
                                       ConflictOutcome.MANAGEABLE)),
    ("nsg-data-och-analys", "greta"): (date(2024, 1, 15), "Forskningsanslag från en stiftelse (fiktivt).",
                                       None),
    ("npo-akut-vard", "ali"): (date(2023, 2, 1), "Inga bindningar.",
                               ("Värdens jävsansvarige (demo)", date(2023, 2, 20),
                                ConflictOutcome.NO_CONFLICT)),
}


def load_demo(seeder) -> None:
    from seed.competence_demo import load_competence_demo

    people = load_people_and_accounts(seeder)
    load_governance_demo(seeder)
    load_documents_demo(seeder)
    load_invitation_demo(seeder, people)
    load_meeting_demo(seeder, people)
    load_competence_demo(seeder, people)


def load_people_and_accounts(seeder) -> dict[str, Person]:
    orgs = seeder.by_short
    people: dict[str, Person] = {}
    for key, name, title, org in PEOPLE:
        person = db.session.scalar(sa.select(Person).where(Person.name == name, Person.is_demo.is_(True)))
        if person is None:
            person = people_ops.create_person(dict(name=name, title=title, is_demo=True,
                                                   organisation_id=orgs[org].id if org else None,
                                                   email=f"{key}@demo.invalid"), None)
            seeder._count("demo people")
        people[key] = person

    for group_key, person_key, role, representing, start, end in MEMBERSHIPS:
        group, person = seeder.groups[group_key], people[person_key]
        membership = db.session.scalar(sa.select(Membership).where(
            Membership.group_id == group.id, Membership.person_id == person.id, Membership.role == role))
        if membership is None:
            membership = people_ops.create_membership(group, dict(
                person_id=person.id, role=role, representing_id=orgs[representing].id if representing else None,
                start_on=start, end_on=end), None)
            seeder._count("demo memberships")
        declaration = DECLARATIONS.get((group_key, person_key))
        if declaration and not db.session.scalar(sa.select(ConflictDeclaration.id).where(
                ConflictDeclaration.membership_id == membership.id)):
            declared_on, interests, assessment = declaration
            values = dict(declared_on=declared_on, interests=interests)
            if assessment:
                values.update(assessed_by=assessment[0], assessed_on=assessment[1], outcome=assessment[2])
            people_ops.create_declaration(membership, values, None)
            seeder._count("demo declarations")

    for username, display_name, role, person_key in ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)):
            continue
        auth_ops.create_user(dict(username=username, display_name=display_name, role=role, is_demo=True,
                                  person_id=people[person_key].id if person_key else None),
                             None, password=DEMO_PASSWORD)
        seeder._count("demo accounts")
    db.session.flush()
    return people


def _days(n: int) -> date:
    return date.today() + timedelta(days=n)


def load_governance_demo(seeder) -> None:
    """Status reports, requests, a late assignment and meetings dated around today, so that every
    dashboard has something true to show. Demo records say "(demo)" in their title."""
    if db.session.scalar(sa.select(Assignment.id).where(Assignment.seed_key == "demo:kartlaggning")):
        return
    groups = seeder.groups
    late = assignment_ops.create_assignment(dict(
        seed_key="demo:kartlaggning", title="(demo) Kartlägg regionernas dataplattformar",
        description="Fiktivt demouppdrag.", principal_group_id=groups["nsg-data-och-analys"].id,
        recipient_group_id=groups["nag-varddatastrategi"].id, start_on=_days(-200), due_on=_days(-20),
        status=AssignmentStatus.IN_PROGRESS, mandate="Får samla in uppgifter från regionerna; förslag tas till NSG."),
        None)
    assignment_ops.file_report(late, dict(reported_on=_days(-90), traffic_light=TrafficLight.AT_RISK,
                                          progress="Hälften av regionerna har svarat.", is_demo=True), None)
    assignment_ops.file_report(late, dict(reported_on=_days(-30), traffic_light=TrafficLight.OFF_TRACK,
                                          progress="Svar saknas fortfarande från sex regioner.",
                                          needs_from_principal="Påminnelse från NSG till regionerna.", is_demo=True),
                               None)

    chair_task = assignment_ops.create_assignment(dict(
        seed_key="demo:principer", title="(demo) Ta fram principer för delning av analyser",
        description="Fiktivt demouppdrag.", principal_group_id=groups["sosr-rsg-data-och-analys"].id,
        recipient_group_id=groups["sosr-rag-malbild-data-och-analys"].id, start_on=_days(-60), due_on=_days(120),
        status=AssignmentStatus.IN_PROGRESS), None)
    assignment_ops.file_report(chair_task, dict(reported_on=_days(-25), traffic_light=TrafficLight.ON_TRACK,
                                                progress="Utkast till principer klart.", is_demo=True), None)
    assignment_ops.add_phase(chair_task, dict(position=1, title="Utkast", due_on=_days(-30), done_on=_days(-28)),
                             None)
    assignment_ops.add_phase(chair_task, dict(position=2, title="Förankring i RSG", due_on=_days(10),
                                              is_checkpoint=True), None)
    # Asked after the report above, so it stays open (and sets next_report_due_on).
    assignment_ops.request_report(chair_task, _days(7), None)

    unreported = seeder.assignments.get("ssr-uppdrag-tillganglighet-hogspecialiserad-vard")
    if unreported is not None and unreported.status in (AssignmentStatus.IN_PROGRESS, AssignmentStatus.COMMISSIONED):
        assignment_ops.request_report(unreported, _days(-10), None)
    ongoing = seeder.assignments.get("ssr-genomlysning-tillganglighet-sus")
    if ongoing is not None:
        assignment_ops.file_report(ongoing, dict(reported_on=_days(-14), traffic_light=TrafficLight.ON_TRACK,
                                                 progress="(demo) Fas 2 pågår enligt plan.", is_demo=True), None)

    for group_key, title, offset in (("sosr-rsg-data-och-analys", "(demo) RSG-möte om principer", 20),
                                     ("nsg-data-och-analys", "(demo) NSG-möte", 35)):
        meeting_ops.create_meeting(dict(seed_key=f"demo:{group_key}", group_id=groups[group_key].id, title=title,
                                        starts_on=_days(offset), is_digital=True), None)
    decision_ops.create_decision(dict(
        seed_key="demo:paminnelse", group_id=groups["nsg-data-och-analys"].id,
        title="(demo) Påminna regionerna om kartläggningen", text="1. NSG skickar en påminnelse.",
        decided_on=_days(-40), executor="NSG:s sekreterare", execute_by=_days(-10),
        execution_status=ExecutionStatus.NOT_STARTED), None)
    seeder._count("demo governance records")


def load_meeting_demo(seeder, people: dict[str, Person]) -> None:
    """A meeting carried through, as it was: the invitation sent two weeks before with the agenda and its
    papers, answered (a member's förhinder calling in his substitute, attendance filled from the answers),
    a conflict of interest, minutes per §, the decision taken at §3, approval by the chair (their own
    click) and by the substitute as adjuster, who has no account (recorded by the secretariat), and the
    decision's extract dispatched. Runs after the invitation demo, which ties the substitute to the member."""
    from app.meetings.invitations import operations as invitation_ops
    from app.meetings.invitations.models import AnsweredVia, InvitationAnswer

    if db.session.scalar(sa.select(Meeting.id).where(Meeting.seed_key == "demo:rsg-principer-held")):
        return
    group = seeder.groups["sosr-rsg-data-och-analys"]
    meeting = meeting_ops.create_meeting(dict(
        seed_key="demo:rsg-principer-held", group_id=group.id, title="(demo) RSG-möte om analysdelning",
        starts_on=_days(-7), start_time="13:00", place="Linköping", is_digital=True), None)
    principles = db.session.scalar(sa.select(Assignment).where(Assignment.seed_key == "demo:principer"))
    items = [meeting_ops.add_agenda_item(meeting, dict(title=title, description=description,
                                                       assignment_id=principles.id if link else None), None)
             for title, description, link in (
                 ("Mötets öppnande", "", False),
                 ("Val av justerare", "", False),
                 ("Principer för delning av analyser", "Utkast från RAG Målbild data och analys.", True),
                 ("Övriga frågor", "", False))]
    load_documents_demo(seeder)  # the papers, before the invitation that links to them

    sent_on = _days(-21)
    invitation_ops.send_invitation(meeting, None, today=sent_on)
    for key, answer, via in (("sam", InvitationAnswer.ATTENDING, AnsweredVia.APP),
                             ("maja", InvitationAnswer.ATTENDING, AnsweredVia.LINK),
                             ("nils", InvitationAnswer.ABSENT, AnsweredVia.LINK),  # calls in his substitute
                             ("jonas", InvitationAnswer.ATTENDING, AnsweredVia.LINK)):
        invitation = invitation_ops.invitation_of(meeting, people[key].id)
        if invitation is not None:
            invitation_ops.answer(invitation, answer, via, None, today=sent_on + timedelta(days=2))

    meeting_ops.declare_conflict(meeting, items[2].id, people["maja"].id,
                                 "Har skrivit delar av utkastet (fiktivt).", None)
    minutes = ["Ordföranden öppnade mötet och hälsade alla välkomna. Jonas Låtsasson tjänstgjorde som "
               "ersättare för Nils Provberg.",
               "Jonas Låtsasson utsågs att jämte ordföranden justera protokollet.",
               "Processledaren föredrog utkastet. Mötet diskuterade hur källa och datum ska anges.",
               "Inga övriga frågor."]
    for item, text in zip(items, minutes, strict=True):
        decision = {}
        if item is items[2]:
            decision = dict(decision_kind=DecisionKind.DECISION,
                            decision_title="(demo) Principer för delning av analyser",
                            decision_text="RSG Data och analys godkänner utkastet till principer och uppdrar åt "
                                          "RAG Målbild att förankra dem i regionerna.",
                            executor="RAG Målbild data och analys", execute_by=_days(60))
        meeting_ops.write_item_minutes(item, dict(minutes=text, **decision), None)
    meeting_ops.add_approver(meeting, people["sam"].id, ApproverRole.CHAIR, None)
    adjuster = meeting_ops.add_approver(meeting, people["jonas"].id, ApproverRole.ADJUSTER, None)
    chair = db.session.scalar(sa.select(User).where(User.username == "ordforande"))
    meeting_ops.approve(meeting, chair)  # the chair's own click
    meeting_ops.record_approval(adjuster, _days(-5), None)  # signed on paper, recorded by the secretariat
    taken = items[2].decision
    dispatch = decision_ops.add_dispatch(taken, "RAG Målbild data och analys", "rag-malbild@demo.invalid", None)
    decision_ops.mark_dispatched(dispatch, None)
    seeder._count("demo meetings carried")


# (owner kind, seed key of the record, title, kind, file name, lines of the PDF)
DEMO_DOCUMENTS = [
    ("meeting", "meeting:msv-samverkansnamnden-2023-12", "(demo) Kallelse", DocumentKind.KALLELSE,
     "kallelse-samverkansnamnden-2023-12.pdf",
     ["Samverkansnämnden kallas till möte i december 2023.", "Dagordning enligt bilaga.",
      "Fiktivt demodokument."]),
    ("meeting", "meeting:msv-samverkansnamnden-2023-12", "(demo) Protokoll", DocumentKind.PROTOKOLL,
     "protokoll-samverkansnamnden-2023-12.pdf",
     ["§ 1 Mötet öppnas.", "§ 2 Dagordningen fastställs.", "§ 3 Information om kunskapsstyrning.",
      "Justeras: (demo)", "Fiktivt demodokument."]),
    ("decision", "decision:ssr-beslut-genomlysning-tillganglighet", "(demo) Beslutsunderlag", DocumentKind.UNDERLAG,
     "beslutsunderlag-genomlysning.pdf",
     ["Underlag till beslut om genomlysning av tillgänglighetsdata.", "Fyra insatsområden med avstämning.",
      "Fiktivt demodokument."]),
    ("meeting", "demo:sosr-rsg-data-och-analys", "(demo) Kallelse och dagordning", DocumentKind.KALLELSE,
     "kallelse-rsg-data-och-analys.pdf",
     ["RSG Data och analys kallas till digitalt möte.", "1. Principer för delning av analyser",
      "2. Övriga frågor", "Fiktivt demodokument."]),
    ("meeting", "demo:rsg-principer-held", "(demo) Kallelse och dagordning", DocumentKind.KALLELSE,
     "kallelse-rsg-analysdelning.pdf",
     ["RSG Data och analys kallas till möte.", "1. Mötets öppnande", "2. Val av justerare",
      "3. Principer för delning av analyser", "4. Övriga frågor", "Fiktivt demodokument."]),
    ("meeting", "demo:rsg-principer-held", "(demo) Underlag: principer för delning av analyser",
     DocumentKind.UNDERLAG, "underlag-principer.pdf",
     ["Utkast till principer för delning av analyser.", "1. Analyser delas som standard.",
      "2. Källa och datum anges alltid.", "Fiktivt demodokument."]),
    ("assignment", "demo:principer", "(demo) Principer för delning av analyser – utkast", DocumentKind.LEVERANS,
     "principer-delning-av-analyser-utkast.pdf",
     ["Utkast till principer, levererat till RSG Data och analys.", "1. Analyser delas som standard.",
      "2. Källa och datum anges alltid.", "Fiktivt demodokument."]),
]
DOCUMENT_OWNERS = {"meeting": Meeting, "decision": Decision, "assignment": Assignment}


def load_documents_demo(seeder) -> None:
    """Small real PDFs on meetings, a decision and a delivered assignment, made by the seed itself and
    stored through the documents' own operations (as an upload would be)."""
    from werkzeug.datastructures import FileStorage

    from seed.pdf import text_pdf

    for owner_kind, seed_key, title, kind, filename, lines in DEMO_DOCUMENTS:
        model = DOCUMENT_OWNERS[owner_kind]
        owner = db.session.scalar(sa.select(model).where(model.seed_key == seed_key))
        column = getattr(Document, f"{owner_kind}_id")
        if owner is None or db.session.scalar(sa.select(Document.id).where(column == owner.id,
                                                                            Document.title == title)):
            continue
        upload = FileStorage(io.BytesIO(text_pdf(title.removeprefix("(demo) "), lines)), filename)
        document_ops.add_document(owner_kind, owner, {"title": title, "kind": kind}, upload, None)
        seeder._count("demo documents")


def load_invitation_demo(seeder, people: dict[str, Person]) -> None:
    """The RSG's demo meeting invited: a substitute tied to a member, the chair coming, the member reporting
    "förhinder" (so the substitute is called in). The e-mails wait in the outbox like any others."""
    from app.meetings.invitations import operations as invitation_ops
    from app.meetings.invitations.models import AnsweredVia, InvitationAnswer

    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.seed_key == "demo:sosr-rsg-data-och-analys"))
    if meeting is None or invitation_ops.notice_of(meeting) is not None:
        return
    group = seeder.groups["sosr-rsg-data-och-analys"]
    member = db.session.scalar(sa.select(Membership).where(
        Membership.group_id == group.id, Membership.person_id == people["nils"].id, Membership.active()))
    if member is None:
        return
    people_ops.create_membership(group, dict(person_id=people["jonas"].id, role=MemberRole.SUBSTITUTE,
                                             substitute_for_id=member.id, start_on=date(2024, 1, 1)), None)
    invitation_ops.send_invitation(meeting, None)
    for key, answer, via in (("sam", InvitationAnswer.ATTENDING, AnsweredVia.APP),
                             ("nils", InvitationAnswer.ABSENT, AnsweredVia.LINK)):
        invitation_ops.answer(invitation_ops.invitation_of(meeting, people[key].id), answer, via, None)
    seeder._count("demo invitations")
