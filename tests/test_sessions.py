"""Sign-in sessions live on the server: signing out, a new password, deactivation and a change of
rights end them at once, wherever the cookie was copied; they time out; users see and end them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import SecurityEvent, SecurityEventKind, SessionEndReason, User, UserSession
from app.core.models import utcnow
from app.extensions import db
from tests.conftest import PASSWORD, Browser, make_user

NEW_PASSWORD = "ett helt nytt lösenord"


def signed_in(app, username="eva", role=None, **login):
    from app.auth.models import Role

    user = db.session.scalar(sa.select(User).where(User.username == username)) or make_user(
        username, role or Role.SECRETARIAT)
    b = Browser(app.test_client())
    response = b.client.post("/login", data={"username": username, "password": PASSWORD,
                                             "csrf_token": b.csrf("/login"), **login})
    assert response.status_code == 302, response.get_data(as_text=True)
    b.user = user
    return b


def copy_of(browser: Browser, app) -> Browser:
    """Another browser holding a copy of the session cookie (stolen, or an old tab)."""
    thief = Browser(app.test_client())
    thief.client.set_cookie("session", browser.client.get_cookie("session").value)
    return thief


def is_signed_in(browser: Browser) -> bool:
    response = browser.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def sessions_of(user) -> list[UserSession]:
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)
                                   .order_by(UserSession.id)))


def test_sign_in_is_a_session_record_and_the_cookie_holds_no_user_id(app):
    b = Browser(app.test_client())
    user = make_user("eva")
    b.client.post("/login", data={"username": "eva", "password": PASSWORD, "csrf_token": b.csrf("/login")},
                  headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537.36"},
                  environ_base={"REMOTE_ADDR": "10.1.2.3"})
    [record] = sessions_of(user)
    assert record.address == "10.1.2.3" and record.browser == "Chrome, Windows"
    assert record.ended_at is None and not record.remember
    assert record.expires_at - record.created_at == timedelta(hours=7 * 24)
    # The cookie names the session by a random key; the database keeps only its hash.
    from itsdangerous import URLSafeTimedSerializer  # noqa: F401 - the serializer Flask signs with

    payload = app.session_interface.get_signing_serializer(app).loads(b.client.get_cookie("session").value)
    assert payload["_user_id"] != str(user.id) and len(payload["_user_id"]) >= 40
    assert record.key_hash != payload["_user_id"]
    assert db.session.scalar(sa.select(SecurityEvent.kind).where(SecurityEvent.user_id == user.id)) \
        == SecurityEventKind.SIGNED_IN


def test_a_forged_cookie_with_a_user_id_is_not_a_sign_in(app, client):
    """Even with the signing key, a cookie naming a user id (as before sessions) gets nowhere."""
    from app.auth.models import Role

    admin = make_user("root", Role.ADMIN)
    forged = app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(admin.id), "_fresh": True})
    client.set_cookie("session", forged)
    response = client.get("/users/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_copied_cookie_stops_working_at_sign_out(app):
    b = signed_in(app)
    thief = copy_of(b, app)
    assert is_signed_in(thief)
    b.post("/logout", form_url="/")
    assert not is_signed_in(thief) and not is_signed_in(b)
    [record] = sessions_of(b.user)
    assert record.end_reason == SessionEndReason.SIGNED_OUT
    # The thief is told why, on the sign-in page.
    page = thief.client.get("/login").get_data(as_text=True)
    assert "Du har loggats ut. Logga in igen" in page


def test_a_password_change_ends_every_other_session_and_keeps_this_browser(app):
    b = signed_in(app)
    other_device = signed_in(app)
    thief = copy_of(b, app)
    response = b.post("/account/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                            "repeat_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(b)
    assert not is_signed_in(thief) and not is_signed_in(other_device)
    reasons = [s.end_reason for s in sessions_of(b.user)]
    assert reasons.count(SessionEndReason.PASSWORD_CHANGED) == 2 and reasons.count(None) == 1


def test_deactivation_and_a_change_of_rights_end_sessions_at_once(app, login_as):
    from app.auth.models import Role
    from tests import factories as f

    admin = login_as(Role.ADMIN)
    eva = signed_in(app)
    user_page = f"/users/{eva.user.id}"
    admin.post(f"/users/{eva.user.id}/edit", {"username": "eva", "display_name": "Eva", "role": "reader",
                                              "person_id": "", "version": str(eva.user.version)},
               form_url=f"{user_page}/edit")
    assert not is_signed_in(eva)
    assert sessions_of(eva.user)[-1].end_reason == SessionEndReason.RIGHTS_CHANGED

    eva = signed_in(app)
    person = f.person("Eva Exempel")
    db.session.refresh(eva.user)
    admin.post(f"/users/{eva.user.id}/edit", {"username": "eva", "display_name": "Eva", "role": "reader",
                                              "person_id": str(person.id), "version": str(eva.user.version)},
               form_url=f"{user_page}/edit")
    assert not is_signed_in(eva), "linking a person gives chair rights: the session must start again"

    eva = signed_in(app)
    admin.post(f"/users/{eva.user.id}/archive", {"do": "archive"}, form_url=user_page)
    assert not is_signed_in(eva)
    assert sessions_of(eva.user)[-1].end_reason == SessionEndReason.DEACTIVATED
    assert Browser(app.test_client()).login("eva").status_code == 200  # refused: "Kontot är avstängt"


def test_a_renamed_display_name_leaves_sessions_alone(app, login_as):
    from app.auth.models import Role

    admin = login_as(Role.ADMIN)
    eva = signed_in(app)
    admin.post(f"/users/{eva.user.id}/edit", {"username": "eva", "display_name": "Eva Andersdotter",
                                              "role": "secretariat", "person_id": "",
                                              "version": str(eva.user.version)}, form_url=f"/users/{eva.user.id}/edit")
    assert db.session.get(User, eva.user.id).display_name == "Eva Andersdotter"
    assert is_signed_in(eva)


def _age(user, **times):
    db.session.execute(sa.update(UserSession).where(UserSession.user_id == user.id).values(**times))
    db.session.commit()


def test_idle_timeout(app):
    b = signed_in(app)
    _age(b.user, last_seen_at=utcnow() - timedelta(hours=7, minutes=59))
    assert is_signed_in(b)
    _age(b.user, last_seen_at=utcnow() - timedelta(hours=8, minutes=1))
    assert not is_signed_in(b)
    assert sessions_of(b.user)[0].end_reason == SessionEndReason.IDLE


def test_absolute_lifetime_even_when_active(app):
    b = signed_in(app)
    _age(b.user, created_at=utcnow() - timedelta(days=7), expires_at=utcnow() - timedelta(seconds=1))
    assert not is_signed_in(b)
    assert sessions_of(b.user)[0].end_reason == SessionEndReason.EXPIRED


def test_idle_and_lifetime_are_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    b = signed_in(app)
    _age(b.user, last_seen_at=utcnow() - timedelta(minutes=31))
    assert not is_signed_in(b)
    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 1)
    b = signed_in(app)
    record = sessions_of(b.user)[-1]
    assert record.expires_at - record.created_at == timedelta(hours=1)


def test_last_seen_is_written_at_most_once_a_minute(app):
    b = signed_in(app)
    first = sessions_of(b.user)[0].last_seen_at
    for _ in range(3):
        b.get("/")
    assert sessions_of(b.user)[0].last_seen_at == first
    _age(b.user, last_seen_at=first - timedelta(seconds=61))
    b.get("/")
    assert sessions_of(b.user)[0].last_seen_at > first


def test_remember_me_is_off_by_default_and_bounded(app):
    page = Browser(app.test_client()).get("/login").get_data(as_text=True)
    assert 'name="remember"' in page and "checked" not in page.split('name="remember"')[1].split(">")[0]

    b = signed_in(app)
    cookie = b.client.get_cookie("session")
    assert cookie.expires is None  # gone when the browser closes
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure

    remembered = signed_in(app, remember="y")
    # No long-lived second cookie beside the session (Flask-Login's remember_token lived 365 days).
    assert remembered.client.get_cookie("remember_token") is None
    cookie = remembered.client.get_cookie("session")
    assert timedelta(days=13) < cookie.expires - utcnow().replace(tzinfo=cookie.expires.tzinfo) <= timedelta(days=14)
    record = sessions_of(b.user)[-1]
    assert record.remember and record.expires_at - record.created_at == timedelta(days=14)
    # A remembered session outlives a weekend without requests, but not its lifetime.
    _age(b.user, last_seen_at=utcnow() - timedelta(days=3))
    assert is_signed_in(remembered)


def test_cookies_are_secure_under_https(app):
    make_user("eva")
    b = Browser(app.test_client())
    token = b.client.get("/login", base_url="https://localhost").get_data(as_text=True)
    csrf = token.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    b.client.post("/login", base_url="https://localhost",
                  data={"username": "eva", "password": PASSWORD, "csrf_token": csrf})
    cookie = b.client.get_cookie("session", domain="localhost")
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"


def test_a_user_sees_their_sessions_and_ends_another_one(app):
    laptop = signed_in(app)
    phone = signed_in(app)
    page = laptop.get("/account/").get_data(as_text=True)
    assert page.count("/end") == 1 + 1  # the phone's end button, and "end all others"
    assert "Den här inloggningen" in page
    phone_session = sessions_of(laptop.user)[1]
    assert laptop.post(f"/account/sessions/{phone_session.id}/end", form_url="/account/").status_code == 302
    assert not is_signed_in(phone) and is_signed_in(laptop)
    assert sessions_of(laptop.user)[1].end_reason == SessionEndReason.ENDED_BY_USER


def test_end_all_other_sessions(app):
    laptop, phone, tablet = signed_in(app), signed_in(app), signed_in(app)
    laptop.post("/account/sessions/end-others", form_url="/account/")
    assert is_signed_in(laptop) and not is_signed_in(phone) and not is_signed_in(tablet)


def test_nobody_ends_someone_elses_session_but_an_admin(app, login_as):
    from app.auth.models import Role

    eva = signed_in(app)
    eva_session = sessions_of(eva.user)[0]
    for role in (Role.SECRETARIAT, Role.READER, Role.COMPETENCE_CENTRE):
        other = login_as(role, username=f"other-{role.value}")
        assert other.post(f"/account/sessions/{eva_session.id}/end", form_url="/account/").status_code == 403
        assert other.get("/account/").status_code == 200
        assert "/end" not in other.get("/account/").get_data(as_text=True).split(str(eva_session.id))[0][-200:]
    assert is_signed_in(eva)
    admin = login_as(Role.ADMIN)
    assert admin.post(f"/account/sessions/{eva_session.id}/end", data={"next": f"/users/{eva.user.id}"},
                      form_url="/account/").headers["Location"].endswith(f"/users/{eva.user.id}")
    assert not is_signed_in(eva)
    assert sessions_of(eva.user)[0].end_reason == SessionEndReason.ENDED_BY_ADMIN


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_ending_a_session_never_redirects_off_site(app, target):
    laptop, _phone = signed_in(app), signed_in(app)
    phone_session = sessions_of(laptop.user)[1]
    response = laptop.post(f"/account/sessions/{phone_session.id}/end", {"next": target}, form_url="/account/")
    assert response.headers["Location"] == "/account/"


@pytest.mark.parametrize("target", ["/x\r\nSet-Cookie: a=b", "/%0d%0aX:1\n", "/\\evil.example"])
def test_a_next_with_control_characters_or_a_backslash_is_not_followed(app, target):
    make_user("eva")
    b = Browser(app.test_client())
    response = b.client.post("/login", query_string={"next": target},
                             data={"username": "eva", "password": PASSWORD, "csrf_token": b.csrf("/login")})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    laptop, _phone = signed_in(app), signed_in(app)
    phone_session = sessions_of(laptop.user)[-1]
    response = laptop.post(f"/account/sessions/{phone_session.id}/end", {"next": target}, form_url="/account/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/"


def test_a_user_agent_with_control_characters_is_stored_without_them(app):
    make_user("eva")
    b = Browser(app.test_client())
    response = b.client.post("/login", data={"username": "eva", "password": PASSWORD, "csrf_token": b.csrf("/login")},
                             headers={"User-Agent": "evil\x00agent\x1b[31m Firefox/130.0"})
    assert response.status_code == 302
    [record] = sessions_of(db.session.scalar(sa.select(User).where(User.username == "eva")))
    assert record.user_agent == "evilagent[31m Firefox/130.0" and record.browser == "Firefox"
