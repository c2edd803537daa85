"""Every page answers, signed in, on the seeded demo data."""

import pytest

from app.auth.models import Role
from seed.loader import run_seed


@pytest.fixture
def seeded(app):
    run_seed(demo=True)


PAGES = ["/groups/", "/groups/chart", "/groups/hosting", "/people/", "/people/conflicts/missing",
         "/organisations/", "/groups/new", "/people/new", "/organisations/new", "/groups/hosting/new"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_for_secretariat(seeded, login_as, url):
    b = login_as(Role.SECRETARIAT)
    response = b.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]


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
    hrs = db.session.scalars(sa.select(Organisation.id).where(Organisation.kind == "healthcare_region"))
    urls += [f"/groups/chart?healthcare_region={i}" for i in hrs]
    for url in urls:
        response = b.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:3000])
