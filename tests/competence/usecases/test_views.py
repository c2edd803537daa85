"""The use cases' pages through real HTTP requests: new versions of the priority list, refused, archived
and recorded in their history."""

from datetime import timedelta

import sqlalchemy as sa

from app.competence.usecases.models import UseCase, UseCasePriorityVersion
from app.core import operations as ops
from app.extensions import db
from tests.competence.conftest import TODAY


def test_a_new_version_of_the_use_case_priority_list(world, centre_staff):
    cases = [ops.create(UseCase(), None, code=c, title=f"Fall {c}") for c in "ABC"]
    db.session.commit()
    url = "/competence/use-cases/priorities/new"
    bad = centre_staff.post(url, {"adopted_on": "2025-10-01", f"place-{cases[0].id}": "1",
                                  f"place-{cases[1].id}": "1", f"place-{cases[2].id}": "x"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Platsen 1 är redan given" in html and "Ange en plats som ett heltal" in html
    assert f'name="place-{cases[2].id}" value="x"' in html
    assert db.session.scalar(sa.select(sa.func.count(UseCasePriorityVersion.id))) == 0
    ok = centre_staff.post(url, {"adopted_on": "2025-10-01", f"place-{cases[2].id}": "1",
                                 f"place-{cases[0].id}": "2"})
    assert ok.status_code == 302
    version = db.session.scalar(sa.select(UseCasePriorityVersion))
    assert version.number == 1 and [e.use_case.code for e in version.entries] == ["C", "A"]
    # The form for the next version starts from this order.
    form = centre_staff.get(url).get_data(as_text=True)
    assert f'name="place-{cases[2].id}" value="1"' in form
    page = centre_staff.get("/competence/use-cases").get_data(as_text=True)
    assert "Version 1" in page


def test_review_fixes_priority_versions_cannot_be_dated_ahead_and_can_be_archived(world, centre_staff):
    case = ops.create(UseCase(), None, code="A", title="Fall A")
    db.session.commit()
    url = "/competence/use-cases/priorities/new"
    future = (TODAY + timedelta(days=30)).isoformat()
    html = centre_staff.post(url, {"adopted_on": future, f"place-{case.id}": "1"}).get_data(as_text=True)
    assert "En version kan inte fastställas i framtiden" in html
    assert centre_staff.post(url, {"adopted_on": "2025-10-01", f"place-{case.id}": "1"}).status_code == 302
    version = db.session.scalar(sa.select(UseCasePriorityVersion))
    page = f"/competence/use-cases/priorities/{version.id}"
    assert centre_staff.post(f"{page}/archive", {"do": "archive"}, form_url=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(UseCasePriorityVersion, version.id).is_archived
    assert "Ingen prioriterad lista är fastställd ännu" in centre_staff.get("/competence/use-cases") \
        .get_data(as_text=True)


def test_a_priority_version_records_its_ranking_in_its_history(world, centre_staff):
    a, b = (ops.create(UseCase(), None, code=c, title=f"Fall {c}") for c in "AB")
    db.session.commit()
    centre_staff.post("/competence/use-cases/priorities/new", {"adopted_on": "2025-10-01", f"place-{b.id}": "1",
                                                                f"place-{a.id}": "2"})
    version = db.session.scalar(sa.select(UseCasePriorityVersion))
    html = centre_staff.get(f"/competence/use-cases/priorities/{version.id}").get_data(as_text=True)
    history = html[html.index('id="history-heading"'):]
    assert "Prioriterade användningsfall" in history and "1. B, 2. A" in history
