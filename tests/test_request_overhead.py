"""What every request does costs little and stays right: the main menu is drawn once per language, page and
rights and reused; each request looks its catalog up once, and a forced locale (a dispatch's extract in
Swedish) still gets its own; the start page's latest changes name the fields without formatting values."""

import re

from flask import session
from flask_babel import force_locale, gettext

from app.auth.models import Role
from app.core import operations as ops
from tests import factories as f


def menu(browser, url: str) -> str:
    html = browser.get(url).get_data(as_text=True)
    return html[html.index('<nav aria-label='):html.index("</nav>")]


def test_the_kept_menu_marks_each_page_and_follows_rights_and_language(app, login_as):
    reader = login_as(Role.READER)
    admin = login_as(Role.ADMIN)
    for _ in range(2):  # drawn, then reused: the same either way
        people = menu(reader, "/people/")
        assert 'href="/people/" aria-current="page"' in people and '<details class="current">' in people
        assert "/outbox/" not in people and "/users/" not in people
        decisions = menu(reader, "/decisions/")
        assert 'href="/decisions/" aria-current="page"' in decisions and 'aria-current="page"' not in (
            decisions.replace('href="/decisions/" aria-current="page"', ""))
        assert '<details class="current">' not in decisions
        everything = menu(admin, "/people/")
        assert 'href="/outbox/"' in everything and 'href="/users/"' in everything
    admin.post("/language/en", {"next": "/"}, form_url="/")
    english = menu(admin, "/people/")
    assert ">Meetings</a>" in english and ">Möten</a>" not in english
    assert ">Möten</a>" in menu(reader, "/people/")  # the other user's language is their own


def test_each_request_has_its_catalog_and_a_forced_locale_its_own(app):
    # Each in an application context of its own, as each request is served.
    with app.app_context(), app.test_request_context("/"):
        session["lang"] = "en"
        assert gettext("Sök") == "Search"
        with force_locale("sv"):
            assert gettext("Sök") == "Sök"
        assert gettext("Sök") == "Search"
    with app.app_context(), app.test_request_context("/"):
        assert gettext("Sök") == "Sök"


def test_the_latest_changes_name_the_fields_changed(app, login_as):
    group = f.group("NSG Ändrad")
    ops.update(group, None, {"mandate": "Nytt mandat", "formed_on": None, "short_name": "NÄ"})
    from app.extensions import db

    db.session.commit()
    page = login_as(Role.READER).get("/").get_data(as_text=True)
    row = re.search(r'<tr><td>[^<]*</td>\s*<td><a href="/groups/\d+">NSG Ändrad</a></td>\s*<td>([^<]*)</td>', page)
    assert row and row.group(1).strip() == "Ändrad: Kortnamn, Mandat"  # in the model's order
