"""`flask seed --demo`: fictional people, memberships and one account per role.

Every person here is invented (surnames like "Exempelsson" make that plain) and flagged is_demo.
Accounts exist only in databases where --demo was run; README lists them.
"""

from datetime import date

import sqlalchemy as sa

from app.auth.models import Role, User
from app.core import operations as ops
from app.extensions import db
from app.people.models import ConflictDeclaration, ConflictOutcome, MemberRole, Membership, Person

DEMO_PASSWORD = "demo1234"

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
    orgs = seeder.by_short
    people: dict[str, Person] = {}
    for key, name, title, org in PEOPLE:
        person = db.session.scalar(sa.select(Person).where(Person.name == name, Person.is_demo.is_(True)))
        if person is None:
            person = ops.create(Person(), None, name=name, title=title, is_demo=True,
                                organisation_id=orgs[org].id if org else None,
                                email=f"{key}@demo.invalid")
            seeder._count("demo people")
        people[key] = person

    for group_key, person_key, role, representing, start, end in MEMBERSHIPS:
        group, person = seeder.groups[group_key], people[person_key]
        membership = db.session.scalar(sa.select(Membership).where(
            Membership.group_id == group.id, Membership.person_id == person.id, Membership.role == role))
        if membership is None:
            membership = ops.create(Membership(), None, group_id=group.id, person_id=person.id, role=role,
                                    representing_id=orgs[representing].id if representing else None,
                                    start_on=start, end_on=end)
            seeder._count("demo memberships")
        declaration = DECLARATIONS.get((group_key, person_key))
        if declaration and not db.session.scalar(sa.select(ConflictDeclaration.id).where(
                ConflictDeclaration.membership_id == membership.id)):
            declared_on, interests, assessment = declaration
            values = dict(declared_on=declared_on, interests=interests)
            if assessment:
                values.update(assessed_by=assessment[0], assessed_on=assessment[1], outcome=assessment[2])
            ops.create(ConflictDeclaration(), None, membership_id=membership.id, **values)
            seeder._count("demo declarations")

    for username, display_name, role, person_key in ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)):
            continue
        user = User(username=username, display_name=display_name, role=role, is_demo=True,
                    person_id=people[person_key].id if person_key else None)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        seeder._count("demo accounts")
    db.session.flush()
