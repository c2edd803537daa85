"""Every page answers, signed in, on the seeded demo data."""

import pytest

from app.auth.models import Role
from seed.loader import run_seed
from tests.conftest import PASSWORD, inline_problems


@pytest.fixture
def seeded(app):
    run_seed(demo=True)


PAGES = ["/", "/groups/", "/groups/chart", "/groups/hosting", "/people/", "/people/conflicts/missing",
         "/organisations/", "/groups/new", "/people/new", "/organisations/new", "/groups/hosting/new",
         "/assignments/", "/assignments/new", "/assignments/rounds/", "/assignments/rounds/new", "/decisions/",
         "/decisions/new", "/meetings/", "/meetings/?when=past", "/meetings/new", "/priorities/", "/priorities/new",
         "/followup/", "/followup/mine", "/search/?q=data", "/search/?q=data&kind=decisions",
         "/search/?q=2023&kind=meetings"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_for_secretariat(seeded, login_as, url):
    b = login_as(Role.SECRETARIAT)
    response = b.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert inline_problems(response.get_data(as_text=True)) == []


ACCOUNT_PAGES = ["/account/", "/account/password", "/account/tokens/new", "/users/", "/users/new",
                 "/users/security-log", "/users/?deactivated=1&role=admin&q=a"]


def test_account_pages_render_for_an_admin(seeded, login_as):
    import sqlalchemy as sa

    from app.auth.models import User
    from app.extensions import db

    b = login_as(Role.ADMIN)
    token = {"name": "Power BI", "expires_on": "", "password": PASSWORD}
    assert b.post("/account/tokens/new", token).status_code == 200
    urls = ACCOUNT_PAGES + [f"/users/{u.id}" for u in db.session.scalars(sa.select(User))]
    urls += [f"/users/{u.id}/edit" for u in db.session.scalars(sa.select(User))]
    for url in urls:
        response = b.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
        assert inline_problems(response.get_data(as_text=True)) == [], url


def test_every_record_page_renders(seeded, login_as):
    import sqlalchemy as sa

    from app.extensions import db
    from app.groups.models import Group, GroupRelation, NpoHosting
    from app.organisations.models import Organisation
    from app.people.models import ConflictDeclaration, Membership, Person

    b = login_as(Role.ADMIN)
    urls = []
    for g in db.session.scalars(sa.select(Group)):
        urls += [f"/groups/{g.id}", f"/groups/{g.id}/edit"]
    for o in db.session.scalars(sa.select(Organisation)):
        urls += [f"/organisations/{o.id}", f"/organisations/{o.id}/edit"]
    for p in db.session.scalars(sa.select(Person)):
        urls += [f"/people/{p.id}", f"/people/{p.id}/edit"]
    for m in db.session.scalars(sa.select(Membership)):
        urls += [f"/people/memberships/{m.id}", f"/people/memberships/{m.id}/edit"]
    for d in db.session.scalars(sa.select(ConflictDeclaration)):
        urls.append(f"/people/declarations/{d.id}/edit")
    for r in db.session.scalars(sa.select(GroupRelation)).all()[:10]:
        urls.append(f"/groups/relations/{r.id}/edit")
    for h in db.session.scalars(sa.select(NpoHosting)):
        urls.append(f"/groups/hosting/{h.id}/edit")
    from app.assignments.models import Assignment
    from app.decisions.models import Decision
    from app.meetings.models import Meeting

    for a in db.session.scalars(sa.select(Assignment)):
        urls += [f"/assignments/{a.id}", f"/assignments/{a.id}/edit", f"/assignments/{a.id}/phases/new"]
        if a.status.value in ("commissioned", "in_progress", "paused", "delivered"):
            urls.append(f"/assignments/{a.id}/reports/new")
        urls += [f"/assignments/phases/{p.id}/edit" for p in a.phases]
    for d in db.session.scalars(sa.select(Decision)):
        urls += [f"/decisions/{d.id}", f"/decisions/{d.id}/edit"]
    for m in db.session.scalars(sa.select(Meeting)):
        urls += [f"/meetings/{m.id}", f"/meetings/{m.id}/edit", f"/meetings/{m.id}/agenda/new"]
        if m.minutes_locked:  # the agenda and minutes are locked: a correction instead
            urls.append(f"/meetings/{m.id}/minutes/correct")
            continue
        urls.append(f"/meetings/{m.id}/minutes")
        urls += [f"/meetings/agenda/{i.id}/{page}" for i in m.agenda for page in ("edit", "minutes")]
    for g in db.session.scalars(sa.select(Group)).all()[:15]:
        urls.append(f"/followup/groups/{g.id}")
    hrs = db.session.scalars(sa.select(Organisation.id).where(Organisation.kind == "healthcare_region"))
    urls += [f"/groups/chart?healthcare_region={i}" for i in hrs]
    for url in urls:
        response = b.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:3000])
        assert inline_problems(response.get_data(as_text=True)) == [], url
