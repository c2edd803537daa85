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


# --- Fragments: a list's rows, its filters and the menu are kept by the values they show -------------------

def _list_row(browser, assignment_id: int, url: str = "/assignments/?status=") -> str:
    from tests.gov_factories import row_of

    return row_of(browser.get(url).get_data(as_text=True), assignment_id)


def test_a_kept_row_shows_every_change_of_what_it_shows(app, login_as):
    from datetime import date, timedelta

    from app.assignments import operations as assignment_ops
    from app.assignments.models import AssignmentStatus, TrafficLight
    from app.extensions import db
    from app.groups import operations as group_ops
    from tests import gov_factories as gf

    principal, recipient = f.group("NSG Kept"), f.group("NPO Mottagare", type=f.GroupType.NPO)
    a = gf.assignment(principal, recipient, title="Första titeln", due_on=date.today() + timedelta(days=40))
    reader = login_as(Role.READER)
    for url in ("/assignments/?status=", "/followup/"):
        reader.get(url)  # drawn and kept
    row = _list_row(reader, a.id)
    assert "Första titeln" in row and "NPO Mottagare" in row and "Ingen rapport" in row and "Försenat" not in row

    def update(**values):
        assignment_ops.update_assignment(a, {"title": a.title, "principal_group_id": a.principal_group_id,
                                             "recipient_group_id": a.recipient_group_id, "due_on": a.due_on,
                                             **values}, None)

    update(title="Andra titeln")
    db.session.commit()
    row = _list_row(reader, a.id)
    assert "Andra titeln" in row and "Första titeln" not in row

    group_ops.update_group(recipient, {"name": "NPO Nytt namn", "type": recipient.type,
                                        "level": recipient.level}, None)  # another table's value in the row
    db.session.commit()
    assert "NPO Nytt namn" in _list_row(reader, a.id)

    gf.report(a, light=TrafficLight.AT_RISK)  # the kept state, written past the unit of work
    row = _list_row(reader, a.id)
    assert "light-at_risk" in row and "Ingen rapport" not in row

    assignment_ops.transition(a, AssignmentStatus.PAUSED, None)
    db.session.commit()
    assert "badge-paused" in _list_row(reader, a.id)

    # A date passing changes a row by itself: the flags are drawn for the day.
    update(due_on=date.today() - timedelta(days=1))
    db.session.commit()
    assert "Försenat" in _list_row(reader, a.id)
    overdue = gf.row_of(reader.get("/followup/").get_data(as_text=True), a.id)
    assert "Försenat" in overdue and "NPO Nytt namn" in overdue

    reader.post("/language/en", {"next": "/"}, form_url="/")
    english = _list_row(reader, a.id)
    assert "Overdue" in english and "Försenat" not in english

    update(title="<script>alert(1)</script>")  # drawn outside the request's templates, still escaped
    db.session.commit()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _list_row(reader, a.id)
    assert "<script>alert" not in reader.get("/assignments/?status=").get_data(as_text=True)


def test_the_kept_filters_and_headers_follow_the_request(app, login_as):
    reader = login_as(Role.READER)
    north = f.healthcare_region("Sjukvårdsregion Norr", "Norr")
    page = reader.get("/assignments/?q=vård&level=national&sort=-due").get_data(as_text=True)
    assert 'name="q" value="vård"' in page and '<option value="national" selected>' in page
    assert 'href="/assignments/?q=v%C3%A5rd&amp;level=national&amp;sort=due"' in page  # the other way
    assert f'<option value="{north.id}">Sjukvårdsregion Norr</option>' in page
    page = reader.get("/assignments/?q=annat").get_data(as_text=True)
    assert 'name="q" value="annat"' in page and '<option value="national" selected>' not in page
    assert 'href="/assignments/?q=annat&amp;sort=-due"' in page
    from app.extensions import db
    from app.organisations import operations as organisation_ops

    organisation_ops.update_organisation(north, {"name": "Sjukvårdsregion Nord", "kind": north.kind}, None)
    db.session.commit()
    page = reader.get("/assignments/?q=annat").get_data(as_text=True)
    assert ">Sjukvårdsregion Nord</option>" in page and "Sjukvårdsregion Norr" not in page


def test_fragments_are_bounded_and_keyed_by_values_only(app):
    from datetime import date

    import pytest

    from app.assignments.models import AssignmentStatus
    from app.assignments.queries import ListRow
    from app.extensions import db

    kept = app.extensions["fragments"]
    fragment = app.jinja_env.globals["fragment"]
    with app.test_request_context("/"):
        for i in range(kept.maxsize + 50):
            fragment("assignments/_row.html", a=ListRow(i + 1, f"Uppdrag {i}", AssignmentStatus.COMMISSIONED, None,
                                                          None, None, None, None, "A", "B"), today=date.today())
        assert len(kept) == kept.maxsize  # the oldest went
        group = f.group("NSG Record")
        with pytest.raises(TypeError, match="keyed by the values"):
            fragment("assignments/_row.html", a=group, today=date.today())
        db.session.rollback()


def test_kept_addresses_follow_the_blueprint_and_the_root_the_app_is_served_under(app, login_as):
    from tests import gov_factories as gf

    w = gf.world()
    a = gf.assignment(w.principal, w.recipient, title="Uppdrag under roten")
    secretariat = login_as(Role.SECRETARIAT)
    for _ in range(2):  # built, then kept
        assert 'href="/assignments/new"' in secretariat.get("/assignments/").get_data(as_text=True)
        assert 'href="/decisions/new"' in secretariat.get("/decisions/").get_data(as_text=True)
    # The same pages served under a path of a shared host: every kept address – the menu, the rows, the
    # list's own links – carries the root.
    page = secretariat.client.get("/assignments/?status=", environ_overrides={"SCRIPT_NAME": "/styr"}).get_data(
        as_text=True)
    assert 'href="/styr/assignments/new"' in page and f'href="/styr/assignments/{a.id}"' in page
    assert 'href="/styr/decisions/"' in page and 'href="/assignments/' not in page
    # A query argument without a name is kept in the sort links as it was before (found by the fuzzing).
    assert secretariat.get("/assignments/?=Plan&sort=title").status_code == 200


def test_pooled_connections_are_tested_before_use_only_where_a_server_can_drop_them(app):
    from app.extensions import db

    # PostgreSQL: a restart or an idle timeout closes pooled connections; a SQLite file has none to lose.
    assert db.engine.pool._pre_ping is (db.engine.dialect.name != "sqlite")
