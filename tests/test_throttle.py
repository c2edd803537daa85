"""The sign-in throttle: 10 failures for one account or 50 from one address within 15 minutes, then
429 with when to try again, the same for accounts that exist and that do not; every failure and
lockout in the security log. Also against the app served by gunicorn with two workers."""

import concurrent.futures
import http.cookiejar
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import Role, SecurityEvent, SecurityEventKind, UserSession
from app.extensions import db
from tests.conftest import CSRF_RE, PASSWORD, Browser, make_user


def attempt(client, username, password="fel-lösenord-123", address="10.0.0.1"):
    b = Browser(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": b.csrf("/login")},
                       environ_base={"REMOTE_ADDR": address})


def events(kind: SecurityEventKind, **where) -> list[SecurityEvent]:
    stmt = sa.select(SecurityEvent).where(SecurityEvent.kind == kind)
    for name, value in where.items():
        stmt = stmt.where(getattr(SecurityEvent, name) == value)
    return list(db.session.scalars(stmt.order_by(SecurityEvent.id)))


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(client):
    make_user("eva")
    for _ in range(10):
        response = attempt(client, "eva")
        assert response.status_code == 200 and "Fel användarnamn eller lösenord" in response.get_data(as_text=True)
    response = attempt(client, "eva", PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "För många misslyckade inloggningsförsök" in page and "15 minuter" in page
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
    assert len(events(SecurityEventKind.SIGN_IN_FAILED, username_key="eva")) == 10
    assert len(events(SecurityEventKind.LOCKED_OUT, username_key="eva")) == 1
    assert [e.address for e in events(SecurityEventKind.SIGN_IN_BLOCKED)] == ["10.0.0.1"]


def test_an_unknown_account_is_throttled_the_same_way(client):
    make_user("eva")
    answers = {}
    for name in ("eva", "ingen-sadan"):
        for _ in range(10):
            attempt(client, name, address=f"10.0.1.{len(answers)}")
        answers[name] = attempt(client, name, address=f"10.0.1.{len(answers)}")
    known, unknown = answers["eva"], answers["ingen-sadan"]
    assert known.status_code == unknown.status_code == 429

    def text(r):
        return CSRF_RE.sub("", r.get_data(as_text=True)).replace("ingen-sadan", "eva")

    assert text(known) == text(unknown)


def test_the_lock_lifts_when_the_failures_leave_the_window(client):
    make_user("eva")
    for _ in range(10):
        attempt(client, "eva")
    assert attempt(client, "eva", PASSWORD).status_code == 429
    db.session.execute(sa.update(SecurityEvent).values(created_at=SecurityEvent.created_at - timedelta(minutes=15)))
    db.session.commit()
    assert attempt(client, "eva", PASSWORD).status_code == 302


def test_a_successful_sign_in_starts_the_count_again(client):
    make_user("eva")
    for _ in range(9):
        attempt(client, "eva")
    assert attempt(client, "eva", PASSWORD).status_code == 302
    for _ in range(9):
        assert attempt(Browser(client.application.test_client()).client, "eva").status_code == 200
    assert attempt(client.application.test_client(), "eva", PASSWORD).status_code == 302


def test_fifty_failures_from_one_address_lock_that_address(client):
    make_user("eva")
    for n in range(50):
        assert attempt(client, f"gissning{n}", address="192.0.2.7").status_code == 200
    assert attempt(client, "eva", PASSWORD, address="192.0.2.7").status_code == 429
    assert attempt(client, "eva", PASSWORD, address="192.0.2.8").status_code == 302
    assert events(SecurityEventKind.LOCKED_OUT, address="192.0.2.7")


def test_limits_and_window_are_settings(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "SIGNIN_MAX_FAILURES_PER_ACCOUNT", 3)
    monkeypatch.setitem(client.application.config, "SIGNIN_WINDOW_MINUTES", 5)
    make_user("eva")
    for _ in range(3):
        attempt(client, "eva")
    response = attempt(client, "eva", PASSWORD)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) <= 5 * 60


def test_an_admin_lifts_the_lock(client, login_as):
    user = make_user("eva")
    for _ in range(10):
        attempt(client, "eva")
    admin = login_as(Role.ADMIN)
    page = admin.get(f"/users/{user.id}").get_data(as_text=True)
    assert "Inloggningen är spärrad till kl." in page
    admin.post(f"/users/{user.id}/unlock", form_url=f"/users/{user.id}")
    assert "spärrad till" not in admin.get(f"/users/{user.id}").get_data(as_text=True)
    assert attempt(client, "eva", PASSWORD).status_code == 302
    assert events(SecurityEventKind.UNLOCKED, username_key="eva")[0].detail == f"by {admin.user.username}"


def test_wrong_current_passwords_count_against_the_account(app, login_as):
    b = login_as(Role.READER, username="eva")
    for _ in range(10):
        new = "blå hav och vita moln"
        response = b.post("/account/password", {"old_password": "gissat-lösenord", "new_password": new,
                                                "repeat_password": new})
        assert "Det nuvarande lösenordet stämmer inte" in response.get_data(as_text=True)
    response = b.post("/account/password", {"old_password": PASSWORD, "new_password": "ett helt nytt lösenord",
                                            "repeat_password": "ett helt nytt lösenord"})
    assert response.status_code == 429
    assert len(events(SecurityEventKind.PASSWORD_CONFIRM_FAILED, username_key="eva")) == 10


def test_failures_reach_the_security_log_file(client, security_log_file):
    attempt(client, "mallory", address="198.51.100.4")
    lines = security_log_file.read_text(encoding="utf-8").splitlines()
    assert any("sign_in_failed" in line and "'mallory'" in line and "198.51.100.4" in line for line in lines)


def test_the_security_log_page_lists_and_filters_events(client, login_as):
    attempt(client, "mallory", address="198.51.100.4")
    attempt(client, "trudy", address="198.51.100.5")
    admin = login_as(Role.ADMIN)
    page = admin.get("/users/security-log?kind=sign_in_failed&address=198.51.100.4").get_data(as_text=True)
    assert "mallory" in page and "trudy" not in page
    assert admin.get("/users/security-log?kind=bogus").status_code == 400
    assert login_as(Role.SECRETARIAT).get("/users/security-log").status_code == 403


# --- Two gunicorn workers share one count ------------------------------------------------------

def _login_form(base: str, username: str, password: str):
    """A fresh browser: GET the form; returns how to POST it with its CSRF token and cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    html = opener.open(base + "/login", timeout=10).read().decode()
    token = CSRF_RE.search(html).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()

    def post() -> int:
        try:
            return opener.open(urllib.request.Request(base + "/login", data=body, headers={"Connection": "close"}),
                               timeout=30).status
        except urllib.error.HTTPError as err:
            return err.code

    return post


def _post_login(base: str, username: str, password: str) -> int:
    return _login_form(base, username, password)()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_two_gunicorn_workers_share_the_count(gunicorn):
    base, access_log, *_ = gunicorn
    make_user("eva")
    statuses = [_post_login(base, "eva", "fel-lösenord-123") for _ in range(10)]
    assert statuses == [200] * 10
    assert _post_login(base, "eva", "fel-lösenord-123") == 429
    assert _post_login(base, "eva", PASSWORD) == 429
    assert len(events(SecurityEventKind.SIGN_IN_FAILED, username_key="eva")) == 10
    # Served by several processes: a count kept per process would have let more attempts through.
    deadline = time.monotonic() + 10
    while True:  # a worker writes its access line just after answering
        posts = [line.split() for line in access_log.read_text().splitlines() if "POST /login" in line]
        if len(posts) >= 12 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len({fields[0] for fields in posts}) >= 3
    assert [fields[-1] for fields in posts] == ["200"] * 10 + ["429"] * 2


@pytest.mark.parametrize("gunicorn", [(4, 0)], indirect=True)
def test_attempts_at_the_same_moment_do_not_get_past_the_limit(gunicorn):
    """Forty wrong passwords sent together to four workers: at most ten are ever checked."""
    base, _access_log, *_ = gunicorn
    make_user("eva")
    posts = [_login_form(base, "eva", "fel-lösenord-123") for _ in range(40)]
    barrier = threading.Barrier(len(posts))

    def together(post):
        barrier.wait()
        return post()

    with concurrent.futures.ThreadPoolExecutor(len(posts)) as pool:
        statuses = list(pool.map(together, posts))
    assert set(statuses) <= {200, 429} and 1 <= statuses.count(200) <= 10, statuses
    assert len(events(SecurityEventKind.SIGN_IN_FAILED, username_key="eva")) == statuses.count(200)
    assert _post_login(base, "eva", PASSWORD) == 429


def test_an_account_without_a_password_answers_as_slowly_as_any(app, client, login_as):
    """A new or just reset account has no password hash: it must still cost one hash check, or the
    answer's speed would point out the accounts worth phishing."""
    from werkzeug.security import check_password_hash

    from app.auth.operations import _DUMMY_HASH

    admin = login_as(Role.ADMIN)
    admin.post("/users/new", {"username": "nyanvandare", "display_name": "Ny", "role": "reader"})

    def fastest(action) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
        return min(times)

    one_hash = fastest(lambda: check_password_hash(_DUMMY_HASH, "något"))
    sign_in = fastest(lambda: attempt(client, "nyanvandare", address="10.9.9.9"))
    assert sign_in >= 0.7 * one_hash
