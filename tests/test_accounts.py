"""Accounts in the web UI: each user's password and API tokens, and the admins' user administration
with one-time links. Everything is in the change log like any other record."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken, PasswordLink, Role, SecurityEvent, SecurityEventKind, User
from app.auth.passwords import password_problem
from app.core.audit import ChangeLog
from app.core.models import utcnow
from app.extensions import db
from tests import factories as f
from tests.conftest import PASSWORD, Browser, make_user

GOOD = "tre gröna äpplen i korgen"


def user_named(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def log_of(user: User) -> list[ChangeLog]:
    return list(db.session.scalars(sa.select(ChangeLog).where(
        ChangeLog.entity_type == "users", ChangeLog.entity_id == user.id).order_by(ChangeLog.id)))


# --- The password rule ----------------------------------------------------------------------

@pytest.mark.parametrize("password, problem", [
    ("kort-ord-11", "minst 12 tecken"),
    ("password1234", "för vanligt"),          # a common password with digits added
    ("Sommar2024!!", "för vanligt"),          # a Swedish word with a year and signs
    ("1qaz2wsx3edc", "för vanligt"),          # on the breach list as it is
    ("qwertyuiopasdf", "upprepning eller en följd"),
    ("abcdefghijklmn", "upprepning eller en följd"),
    ("aaaaaaaaaaaaaa", "upprepning eller en följd"),
    ("121212121212", "för vanligt"),
    ("eva.exempel-har-ett-lösen", "användarnamnet"),
    ("x" * 201, "högst 200"),
])
def test_the_password_rule_refuses(app, password, problem):
    assert problem in str(password_problem(password, "eva.exempel"))


@pytest.mark.parametrize("password", [GOOD, "correct horse battery staple", "Vårdgivare-7-Kompass"])
def test_the_password_rule_accepts_long_uncommon_passwords(app, password):
    assert password_problem(password, "eva") is None


# --- One's own password ------------------------------------------------------------------------

def test_changing_ones_password_needs_the_old_one_and_follows_the_rule(login_as):
    b = login_as(Role.READER, username="eva")
    page = b.post("/account/password", {"old_password": "fel", "new_password": GOOD, "repeat_password": GOOD})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Det nuvarande lösenordet stämmer inte" in html
    html = b.post("/account/password", {"old_password": PASSWORD, "new_password": "lösenord2024",
                                        "repeat_password": "lösenord2024"}).get_data(as_text=True)
    assert "för vanligt" in html and 'id="new_password-error"' in html
    html = b.post("/account/password", {"old_password": PASSWORD, "new_password": GOOD,
                                        "repeat_password": GOOD + "!"}).get_data(as_text=True)
    assert "Lösenorden är inte lika" in html
    before = user_named("eva").password_hash
    assert user_named("eva").check_password(PASSWORD)

    response = b.post("/account/password", {"old_password": PASSWORD, "new_password": GOOD, "repeat_password": GOOD})
    assert response.status_code == 302
    eva = user_named("eva")
    assert eva.password_hash != before and eva.check_password(GOOD) and not eva.check_password(PASSWORD)
    [entry] = [e for e in log_of(eva) if "password_changed_at" in e.changes]
    assert entry.user_id == eva.id and GOOD not in str(entry.changes)
    assert Browser(b.client.application.test_client()).login("eva", GOOD).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SecurityEvent).where(
        SecurityEvent.kind == SecurityEventKind.PASSWORD_CHANGED)) == 1


def test_the_password_page_keeps_nothing_it_should_not(login_as):
    b = login_as(Role.READER, username="eva")
    html = b.post("/account/password", {"old_password": PASSWORD, "new_password": "kort",
                                        "repeat_password": "kort"}).get_data(as_text=True)
    # Passwords are never written back into the page.
    assert PASSWORD not in html and 'value="kort"' not in html


# --- Administration of users -------------------------------------------------------------------

def _link_from(html: str) -> str:
    return html.split('<code class="secret">')[1].split("</code>")[0].replace("http://localhost", "")


def test_an_admin_creates_an_account_and_the_new_user_chooses_a_password(app, login_as):
    person = f.person("Eva Exempel")
    admin = login_as(Role.ADMIN)
    response = admin.post("/users/new", {"username": "Eva.Exempel", "display_name": "Eva Exempel",
                                         "role": "secretariat", "person_id": str(person.id)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    link = _link_from(html)
    assert link.startswith("/password/") and "visas bara nu" in html
    assert response.headers["Cache-Control"] == "no-store"
    eva = user_named("eva.exempel")
    assert eva.role == Role.SECRETARIAT and eva.person_id == person.id and not eva.has_password
    # Only the link's hash is stored.
    assert db.session.scalar(sa.select(PasswordLink.token_hash)) != link.rsplit("/", 1)[1]
    assert Browser(app.test_client()).login("eva.exempel", "").status_code == 200

    visitor = Browser(app.test_client())
    page = visitor.get(link).get_data(as_text=True)
    assert "Välj lösenord" in page and "eva.exempel" in page
    refused = visitor.post(link, {"new_password": "eva.exempel123", "repeat_password": "eva.exempel123"})
    assert "användarnamnet" in refused.get_data(as_text=True)
    refused = visitor.post(link, {"new_password": "kort", "repeat_password": "annat"}).get_data(as_text=True)
    assert "minst 12 tecken" in refused and "Lösenorden är inte lika" in refused
    assert visitor.post(link, {"new_password": GOOD, "repeat_password": GOOD}).status_code == 302
    assert Browser(app.test_client()).login("eva.exempel", GOOD).status_code == 302
    # A link works once.
    assert visitor.get(link).status_code == 404
    assert "Länken fungerar inte" in visitor.get(link).get_data(as_text=True)

    entries = log_of(user_named("eva.exempel"))
    assert entries[0].action.value == "create" and entries[0].user_id == admin.user.id
    assert entries[0].changes["role"]["new"] == "secretariat"
    assert entries[0].changes["person_id"]["new_label"] == "Eva Exempel"


def test_account_form_refuses_bad_input_with_messages_beside_the_fields(app, login_as):
    admin = login_as(Role.ADMIN)
    make_user("eva")
    person = f.person("Kim Kopplad")
    make_user("kim", person=person)
    html = admin.post("/users/new", {"username": "Eva", "display_name": "Eva Igen", "role": "reader",
                                     "person_id": ""}).get_data(as_text=True)
    assert "Användarnamnet är upptaget" in html and 'value="Eva Igen"' in html
    html = admin.post("/users/new", {"username": "eva exempel!", "display_name": "X", "role": "reader"}
                      ).get_data(as_text=True)
    assert "Använd små bokstäver" in html
    html = admin.post("/users/new", {"username": "ny", "display_name": "Ny", "role": "kung"}).get_data(as_text=True)
    assert "Välj ett av alternativen" in html
    # No role is chosen for the admin (the first would be "Administratör"); every error shows at once.
    form = admin.get("/users/new").get_data(as_text=True)
    assert '<option selected value="">' in form or '<option value="" selected>' in form
    html = admin.post("/users/new", {"username": "eva", "display_name": "", "role": ""}).get_data(as_text=True)
    assert "Välj en roll" in html and "Användarnamnet är upptaget" in html and "Fältet måste fyllas i" in html
    # A person who already has an account is not offered, and cannot be posted.
    assert f'value="{person.id}"' not in admin.get("/users/new").get_data(as_text=True)
    html = admin.post("/users/new", {"username": "ny", "display_name": "Ny", "role": "reader",
                                     "person_id": str(person.id)}).get_data(as_text=True)
    assert "Välj ett av alternativen" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3


def test_an_admin_changes_role_and_the_history_shows_it(app, login_as):
    admin = login_as(Role.ADMIN)
    eva = make_user("eva")
    url, opened_on = f"/users/{eva.id}/edit", eva.version
    admin.post(url, {"username": "eva", "display_name": "Eva", "role": "competence_centre", "person_id": "",
                     "version": str(opened_on)})
    assert user_named("eva").role == Role.COMPETENCE_CENTRE
    page = admin.get(f"/users/{eva.id}").get_data(as_text=True)
    assert "Historik" in page and "Kompetenscentrum" in page and "Läsare" in page
    # A second save from the form opened before is stale: refused, input kept.
    html = admin.post(url, {"username": "eva", "display_name": "Eva", "role": "secretariat", "person_id": "",
                            "version": str(opened_on)}).get_data(as_text=True)
    assert "Någon annan har ändrat posten" in html and user_named("eva").role == Role.COMPETENCE_CENTRE


def test_the_last_admin_stays(app, login_as):
    admin = login_as(Role.ADMIN)
    me = admin.user
    html = admin.post(f"/users/{me.id}/edit", {"username": me.username, "display_name": "Jag", "role": "reader",
                                               "person_id": "", "version": str(me.version)}).get_data(as_text=True)
    assert "minst en aktiv administratör" in html
    admin.post(f"/users/{me.id}/archive", {"do": "archive"}, form_url=f"/users/{me.id}")
    assert user_named(me.username).is_active


def test_deactivate_and_activate_an_account(app, login_as):
    admin = login_as(Role.ADMIN)
    eva = make_user("eva")
    admin.post(f"/users/{eva.id}/archive", {"do": "archive"}, form_url=f"/users/{eva.id}")
    assert not user_named("eva").is_active
    assert "Kontot är avstängt" in Browser(app.test_client()).login("eva").get_data(as_text=True)
    assert "eva" not in admin.get("/users/").get_data(as_text=True).split("<tbody>")[1]
    assert "eva" in admin.get("/users/?deactivated=1").get_data(as_text=True).split("<tbody>")[1]
    page = admin.get(f"/users/{eva.id}").get_data(as_text=True)
    assert "Avstängt" in page  # the history's own word for archiving an account
    admin.post(f"/users/{eva.id}/archive", {"do": "restore"}, form_url=f"/users/{eva.id}")
    assert Browser(app.test_client()).login("eva").status_code == 302
    assert [e.action.value for e in log_of(user_named("eva"))] == ["archive", "restore"]


def test_a_reset_stops_the_old_password_and_gives_a_one_time_link(app, login_as):
    admin = login_as(Role.ADMIN)
    eva = make_user("eva")
    laptop = Browser(app.test_client())
    laptop.login("eva")
    response = admin.post(f"/users/{eva.id}/password-link", form_url=f"/users/{eva.id}")
    link = _link_from(response.get_data(as_text=True))
    assert laptop.get("/").status_code == 302  # signed out at once
    assert Browser(app.test_client()).login("eva").status_code == 200  # the old password is gone
    # A second reset spends the first link.
    second = _link_from(admin.post(f"/users/{eva.id}/password-link", form_url=f"/users/{eva.id}")
                        .get_data(as_text=True))
    assert Browser(app.test_client()).get(link).status_code == 404
    visitor = Browser(app.test_client())
    assert visitor.post(second, {"new_password": GOOD, "repeat_password": GOOD}).status_code == 302
    assert Browser(app.test_client()).login("eva", GOOD).status_code == 302


def test_an_expired_link_is_refused(app, login_as):
    admin = login_as(Role.ADMIN)
    eva = make_user("eva")
    link = _link_from(admin.post(f"/users/{eva.id}/password-link", form_url=f"/users/{eva.id}")
                      .get_data(as_text=True))
    db.session.execute(sa.update(PasswordLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert Browser(app.test_client()).get(link).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SecurityEvent).where(
        SecurityEvent.kind == SecurityEventKind.PASSWORD_LINK_REFUSED)) == 1


def test_the_user_list_filters(app, login_as):
    admin = login_as(Role.ADMIN, username="admin")
    make_user("eva", Role.SECRETARIAT)
    make_user("kim", Role.READER)
    body = admin.get("/users/?role=secretariat").get_data(as_text=True).split("<tbody>")[1]
    assert "eva" in body and "kim" not in body
    body = admin.get("/users/?q=KI").get_data(as_text=True).split("<tbody>")[1]
    assert "kim" in body and "eva" not in body
    assert admin.get("/users/?role=kung").status_code == 400


# --- API tokens --------------------------------------------------------------------------------

def _create_token(b: Browser, name="Power BI", url="/account/tokens/new", **extra) -> str:
    response = b.post(url, {"name": name, "expires_on": (date.today() + timedelta(days=30)).isoformat(),
                            "password": PASSWORD, **extra})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True).split('<code class="secret">')[1].split("</code>")[0]


def test_a_user_creates_uses_and_revokes_a_token(app, login_as):
    b = login_as(Role.READER, username="eva")
    secret = _create_token(b)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.token_hash == secret)) == 0
    api = app.test_client()
    assert api.get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    token = db.session.scalar(sa.select(ApiToken))
    assert token.last_used_at is not None and token.last_day == date.today() + timedelta(days=30)
    page = b.get("/account/").get_data(as_text=True)
    assert "Power BI" in page and secret not in page  # shown once, never again
    b.post(f"/account/tokens/{token.id}/revoke", form_url="/account/")
    assert api.get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    changes = [e.changes["api_tokens"] for e in log_of(b.user) if "api_tokens" in e.changes]
    assert changes[0]["old"] is None and "Power BI" in changes[0]["new"]
    assert "Power BI" in changes[1]["old"] and changes[1]["new"] is None


def test_a_new_token_needs_the_password_so_a_stolen_session_cannot_make_one(app, login_as):
    b = login_as(Role.READER, username="eva")
    html = b.post("/account/tokens/new", {"name": "Bakdörr", "expires_on": "", "password": "gissning-123"}
                  ).get_data(as_text=True)
    assert "Lösenordet stämmer inte" in html and 'id="password-error"' in html and 'value="Bakdörr"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SecurityEvent).where(
        SecurityEvent.kind == SecurityEventKind.PASSWORD_CONFIRM_FAILED)) == 1
    for _ in range(9):
        b.post("/account/tokens/new", {"name": "Bakdörr", "expires_on": "", "password": "gissning-123"})
    locked = b.post("/account/tokens/new", {"name": "Bakdörr", "expires_on": "", "password": PASSWORD})
    assert locked.status_code == 429 and "För många misslyckade" in locked.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_reset_revokes_the_accounts_tokens(app, login_as):
    admin = login_as(Role.ADMIN)
    eva = login_as(Role.READER, username="eva")
    secret = _create_token(eva)
    admin.post(f"/users/{eva.user.id}/password-link", form_url=f"/users/{eva.user.id}")
    assert app.test_client().get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None


@pytest.mark.parametrize("revoke, status", [("", 200), ("y", 401)])
def test_a_password_change_may_revoke_the_tokens_too(app, login_as, revoke, status):
    eva = login_as(Role.READER, username="eva")
    secret = _create_token(eva)
    eva.post("/account/password", {"old_password": PASSWORD, "new_password": GOOD, "repeat_password": GOOD,
                                   "revoke_tokens": revoke})
    assert user_named("eva").check_password(GOOD)
    assert app.test_client().get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"}).status_code == status


def test_an_expired_token_is_refused(app, login_as):
    b = login_as(Role.READER, username="eva")
    secret = _create_token(b)
    db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert app.test_client().get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "Har gått ut" in b.get("/account/").get_data(as_text=True)


@pytest.mark.parametrize("expires_on, message", [
    ("2001-01-01", "Välj ett datum efter i dag"),
    ((date.today() + timedelta(days=400)).isoformat(), "En nyckel gäller högst till"),
    ("31/12", "Ange ett giltigt datum"),
])
def test_token_expiry_is_bounded(login_as, expires_on, message):
    b = login_as(Role.READER, username="eva")
    html = b.post("/account/tokens/new", {"name": "Qlik", "expires_on": expires_on, "password": PASSWORD}
                  ).get_data(as_text=True)
    assert message in html and 'value="Qlik"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_tokens_are_their_owners(app, login_as):
    eva = login_as(Role.READER, username="eva")
    _create_token(eva)
    token = db.session.scalar(sa.select(ApiToken))
    for role in (Role.SECRETARIAT, Role.COMPETENCE_CENTRE, Role.READER):
        other = login_as(role, username=f"other-{role.value}")
        assert other.post(f"/account/tokens/{token.id}/revoke", form_url="/account/").status_code == 403
        assert other.get(f"/account/tokens/new?user={eva.user.id}").status_code == 403
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is None


def test_an_admin_issues_a_token_for_a_service_account_and_revokes_it(app, login_as):
    admin = login_as(Role.ADMIN)
    service = make_user("powerbi", Role.READER)
    secret = _create_token(admin, url=f"/account/tokens/new?user={service.id}")
    token = db.session.scalar(sa.select(ApiToken))
    assert token.user_id == service.id
    assert app.test_client().get("/api/v1/groups", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    page = admin.get(f"/users/{service.id}").get_data(as_text=True)
    assert "Power BI" in page and f"/account/tokens/{token.id}/revoke" in page
    admin.post(f"/account/tokens/{token.id}/revoke", {"next": f"/users/{service.id}"}, form_url=f"/users/{service.id}")
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None
    [issued, revoked] = [e for e in log_of(service) if "api_tokens" in e.changes]
    assert issued.user_id == revoked.user_id == admin.user.id


def test_a_deactivated_accounts_tokens_stop_and_start_again(app, login_as):
    admin = login_as(Role.ADMIN)
    service = make_user("powerbi", Role.READER)
    secret = _create_token(admin, url=f"/account/tokens/new?user={service.id}")
    headers = {"Authorization": f"Bearer {secret}"}
    admin.post(f"/users/{service.id}/archive", {"do": "archive"}, form_url=f"/users/{service.id}")
    assert app.test_client().get("/api/v1/groups", headers=headers).status_code == 401
    admin.post(f"/users/{service.id}/archive", {"do": "restore"}, form_url=f"/users/{service.id}")
    assert app.test_client().get("/api/v1/groups", headers=headers).status_code == 200


def test_a_new_secret_never_travels_in_a_cookie(app, login_as):
    """Shown in the page's body once; never put in the session cookie (e.g. as a flashed message)."""
    b = login_as(Role.READER, username="eva")
    response = b.post("/account/tokens/new", {"name": "Qlik", "expires_on": "", "password": PASSWORD})
    secret = response.get_data(as_text=True).split('<code class="secret">')[1].split("</code>")[0]
    assert f"Authorization: Bearer {secret}" in response.get_data(as_text=True)
    cookie = b.client.get_cookie("session").value
    assert secret not in str(b.client.application.session_interface.get_signing_serializer(
        b.client.application).loads(cookie)) and secret not in response.headers.get("Set-Cookie", "")
