"""The central permission check, route by route and role by role."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.auth.models import Role
from app.core import operations as ops
from app.core.permissions import can
from app.extensions import db
from app.groups.models import GroupType, Level
from app.people.models import ConflictDeclaration, MemberRole
from tests import factories as f


@pytest.fixture
def world(app):
    hr = f.healthcare_region()
    region = f.region(hr)
    group_a = f.group("RSG Alfa", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    group_b = f.group("RSG Beta", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    npo = f.group("NPO Test", GroupType.NPO)
    chair = f.person("Cia Ordförandesson")
    member = f.person("Mats Medlemsson")
    m_chair = f.membership(group_a, chair, MemberRole.CHAIR)
    m_a = f.membership(group_a, member)
    m_b = f.membership(group_b, member)
    declaration = ops.create(ConflictDeclaration(), None, membership_id=m_a.id, declared_on=date(2024, 1, 1))
    relation = f.relation(group_a, group_b)
    hosting = f.hosting(npo, hr)
    db.session.commit()
    return dict(hr=hr.id, region=region.id, a=group_a.id, b=group_b.id, chair=chair.id, person=member.id,
                m_chair=m_chair.id, m_a=m_a.id, m_b=m_b.id, d=declaration.id, rel=relation.id,
                hosting=hosting.id)


# (url template, method, may a chair of group A do it?)
ROUTES = [
    ("/organisations/new", "GET", False),
    ("/organisations/{hr}/edit", "GET", False),
    ("/organisations/{hr}/archive", "POST", False),
    ("/groups/new", "GET", False),
    ("/groups/{a}/edit", "GET", True),
    ("/groups/{b}/edit", "GET", False),
    ("/groups/{a}/archive", "POST", False),
    ("/groups/{a}/relations/new", "GET", False),
    ("/groups/relations/{rel}/edit", "GET", False),
    ("/groups/relations/{rel}/archive", "POST", False),
    ("/groups/hosting/new", "GET", False),
    ("/groups/hosting/{hosting}/edit", "GET", False),
    ("/groups/hosting/{hosting}/archive", "POST", False),
    ("/people/new", "GET", False),
    ("/people/{person}/edit", "GET", False),
    ("/people/{person}/archive", "POST", False),
    ("/people/memberships/new/{a}", "GET", True),
    ("/people/memberships/new/{b}", "GET", False),
    ("/people/memberships/{m_a}/edit", "GET", True),
    ("/people/memberships/{m_b}/edit", "GET", False),
    ("/people/memberships/{m_a}/archive", "POST", True),
    ("/people/memberships/{m_b}/archive", "POST", False),
    ("/people/memberships/{m_a}/declarations/new", "GET", True),
    ("/people/memberships/{m_b}/declarations/new", "GET", False),
    ("/people/declarations/{d}/edit", "GET", True),
]
READ_ONLY = ["/", "/groups/", "/groups/{a}", "/groups/chart", "/groups/hosting", "/people/", "/people/{person}",
             "/people/memberships/{m_a}", "/people/conflicts/missing", "/organisations/",
             "/organisations/{hr}"]


def _request(browser, url, method):
    if method == "GET":
        return browser.get(url)
    return browser.post(url, data={"do": "archive"}, form_url="/groups/")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECRETARIAT])
@pytest.mark.parametrize("url,method,_chair", ROUTES)
def test_register_keepers_may(world, login_as, role, url, method, _chair):
    b = login_as(role)
    response = _request(b, url.format(**world), method)
    assert response.status_code == (200 if method == "GET" else 302)


@pytest.mark.parametrize("role", [Role.READER, Role.COMPETENCE_CENTRE])
@pytest.mark.parametrize("url,method,_chair", ROUTES)
def test_readers_may_not(world, login_as, role, url, method, _chair):
    b = login_as(role)
    # Even a well-formed POST is refused before anything is read from it.
    response = b.client.post(url.format(**world), data={"name": "Kapad"}) if method == "POST" \
        else b.get(url.format(**world))
    assert response.status_code == 403
    if method == "GET":
        assert b.client.post(url.format(**world), data={"name": "Kapad"}).status_code == 403


@pytest.mark.parametrize("url,method,allowed", ROUTES)
def test_chair_rights_follow_membership(world, login_as, url, method, allowed):
    from app.people.models import Person

    chair = db.session.get(Person, world["chair"])
    b = login_as(Role.READER, person=chair)
    response = _request(b, url.format(**world), method)
    if allowed:
        assert response.status_code == (200 if method == "GET" else 302)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("url", READ_ONLY)
@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads(world, login_as, role, url):
    assert login_as(role).get(url.format(**world)).status_code == 200


@pytest.mark.parametrize("url,method", [(u, "GET") for u in READ_ONLY] + [(r[0], r[1]) for r in ROUTES])
def test_anonymous_is_sent_to_sign_in(world, client, url, method):
    response = client.open(url.format(**world), method=method)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_former_chair_loses_rights(world, login_as):
    from app.people.models import Membership, Person

    ops.update(db.session.get(Membership, world["m_chair"]), None, {"end_on": date(2024, 6, 30)})
    db.session.commit()
    b = login_as(Role.READER, person=db.session.get(Person, world["chair"]))
    assert b.get(f"/groups/{world['a']}/edit").status_code == 403


def test_deactivated_user_can_do_nothing(world, app):
    from tests.conftest import make_user

    user = make_user("borta", Role.ADMIN)
    user.is_active_account = False
    db.session.commit()
    assert not can(user, "view", None)
    assert not can(user, "edit", db.session.get(__import__("app.groups.models", fromlist=["Group"]).Group,
                                                 world["a"]))


def test_buttons_follow_the_same_check(world, login_as):
    reader_page = login_as(Role.READER).get(f"/groups/{world['a']}").get_data(as_text=True)
    assert f"/groups/{world['a']}/edit" not in reader_page
    assert "Arkivera" not in reader_page
    keeper_page = login_as(Role.SECRETARIAT).get(f"/groups/{world['a']}").get_data(as_text=True)
    assert f"/groups/{world['a']}/edit" in keeper_page
    assert "Arkivera" in keeper_page


def test_chair_registers_declarations_but_cannot_assess_them(world, login_as):
    from app.people.models import Person

    b = login_as(Role.READER, person=db.session.get(Person, world["chair"]))
    url = f"/people/memberships/{world['m_a']}/declarations/new"
    page = b.get(url).get_data(as_text=True)
    assert "Jävsbedömningen görs av värdorganisationen" in page and 'name="outcome"' not in page
    data = {"declared_on": "2024-03-01", "interests": "Inga", "assessed_by": "Jag själv",
            "assessed_on": "2024-03-02", "outcome": "no_conflict", "assessment_note": ""}
    assert "görs av värdorganisationen" in b.post(url, data).get_data(as_text=True)
    assert b.post(url, dict(data, assessed_by="", assessed_on="", outcome="")).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConflictDeclaration).where(
        ConflictDeclaration.outcome.is_not(None), ConflictDeclaration.membership_id == world["m_a"])) == 0


def test_archived_person_loses_chair_rights(world, login_as):
    from app.people.models import Person

    person = db.session.get(Person, world["chair"])
    b = login_as(Role.READER, person=person)
    assert b.get(f"/groups/{world['a']}/edit").status_code == 200
    ops.archive(person, None)
    db.session.commit()
    assert b.get(f"/groups/{world['a']}/edit").status_code == 403
