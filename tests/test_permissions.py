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
    user.archived_at = user.created_at
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


# --- Accounts: admins administer users; everyone manages their own -------------------------------

USER_ADMIN_ROUTES = [
    ("/users/", "GET", 200), ("/users/new", "GET", 200), ("/users/{user}", "GET", 200),
    ("/users/{user}/edit", "GET", 200), ("/users/security-log", "GET", 200),
    ("/account/tokens/new?user={user}", "GET", 200),
    ("/users/{user}/archive", "POST", 302), ("/users/{user}/password-link", "POST", 200),
    ("/users/{user}/sessions/end", "POST", 302), ("/users/{user}/unlock", "POST", 302),
    ("/account/sessions/{session}/end", "POST", 302), ("/account/tokens/{token}/revoke", "POST", 302),
]
OWN_ACCOUNT_ROUTES = [
    ("/account/", "GET", 200), ("/account/password", "GET", 200), ("/account/tokens/new", "GET", 200),
    ("/account/sessions/end-others", "POST", 302),
]
PUBLIC_ACCOUNT_ROUTES = [("/login", "GET", 200), ("/password/{link}", "GET", 404)]


@pytest.fixture
def account_world(app):
    from app.auth import operations as auth_ops
    from app.auth.models import UserSession
    from tests.conftest import Browser, make_user

    eva = make_user("eva", Role.READER)
    _token, _secret = auth_ops.issue_token(eva, None, "Power BI")
    db.session.commit()
    Browser(app.test_client()).login("eva")
    session_id = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == eva.id))
    return dict(user=eva.id, token=_token.id, session=session_id, link="okand-lank")


def _account_request(browser, url, method):
    if method == "GET":
        return browser.get(url)
    return browser.post(url, data={"do": "archive"}, form_url="/account/")


def _account_state():
    from app.auth.models import ApiToken, User, UserSession

    live = sa.select(sa.func.count()).select_from(UserSession).where(UserSession.ended_at.is_(None))
    eva = sa.select(User.archived_at, User.password_hash, User.role).where(User.username == "eva")
    revoked = db.session.scalar(sa.select(ApiToken.revoked_at))
    return db.session.scalar(live), revoked, tuple(db.session.execute(eva).one())


@pytest.mark.parametrize("url,method,status", USER_ADMIN_ROUTES)
def test_only_admins_administer_users(account_world, login_as, url, method, status):
    url = url.format(**account_world)
    for role in (Role.SECRETARIAT, Role.COMPETENCE_CENTRE, Role.READER):
        browser = login_as(role, username=f"u-{role.value}")
        before = _account_state()
        assert _account_request(browser, url, method).status_code == 403
        assert _account_state() == before, "a refused request changed nothing"
    assert _account_request(login_as(Role.ADMIN), url, method).status_code == status


@pytest.mark.parametrize("url,method,status", OWN_ACCOUNT_ROUTES)
@pytest.mark.parametrize("role", list(Role))
def test_everyone_manages_their_own_account(account_world, login_as, role, url, method, status):
    assert _account_request(login_as(role), url.format(**account_world), method).status_code == status


@pytest.mark.parametrize("url,method,_status", USER_ADMIN_ROUTES + OWN_ACCOUNT_ROUTES)
def test_anonymous_is_sent_to_sign_in_from_account_pages(account_world, client, url, method, _status):
    response = client.open(url.format(**account_world), method=method)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("url,method,status", PUBLIC_ACCOUNT_ROUTES)
def test_sign_in_and_password_links_are_public(account_world, client, url, method, status):
    assert client.open(url.format(**account_world), method=method).status_code == status


def test_every_account_route_is_in_a_table(app):
    """A new route in auth or users must get its row above."""
    import re

    covered = {re.sub(r"\{\w+\}", "<>", u.split("?")[0]) for u, _m, _s in
               USER_ADMIN_ROUTES + OWN_ACCOUNT_ROUTES + PUBLIC_ACCOUNT_ROUTES} | {"/logout"}
    routes = {re.sub(r"<[^>]+>", "<>", r.rule) for r in app.url_map.iter_rules()
              if r.endpoint.split(".")[0] in ("auth", "users")}
    assert routes - covered == set()


def test_an_assessed_declaration_is_changed_only_by_the_secretariat(world, login_as):
    from app.people import operations as people_ops
    from app.people.models import Person

    declaration = db.session.get(ConflictDeclaration, world["d"])
    people_ops.update_declaration(declaration, {"assessed_by": "Kansliet", "assessed_on": date(2024, 2, 1),
                                                "outcome": "no_conflict"}, None)
    db.session.commit()
    chair = login_as(Role.READER, person=db.session.get(Person, world["chair"]))
    url = f"/people/declarations/{world['d']}/edit"
    data = {"declared_on": "2024-01-01", "interests": "Styrelseuppdrag i ett bolag",
            "version": str(declaration.version)}
    page = chair.post(url, data).get_data(as_text=True)
    assert "Deklarationen är redan bedömd" in page
    assert db.session.get(ConflictDeclaration, world["d"]).interests == ""
    keeper = login_as(Role.SECRETARIAT)
    assert keeper.post(url, dict(data, assessed_by="Kansliet", assessed_on="2024-02-01", outcome="no_conflict",
                                 assessment_note="")).status_code == 302
    assert db.session.get(ConflictDeclaration, world["d"]).interests == "Styrelseuppdrag i ett bolag"
