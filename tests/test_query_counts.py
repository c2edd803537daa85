"""Lists and pages cost the same number of SQL queries with few records as with many."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.assignments.models import TrafficLight
from app.assignments.operations import file_report
from app.auth.models import Role
from app.competence.usecases.models import UseCase
from app.competence.usecases.operations import adopt_priority_list
from app.core import operations as ops
from app.decisions.models import Decision
from app.extensions import db
from app.groups.models import GroupType, Level, RelationKind
from app.meetings.models import Meeting
from app.people.models import MemberRole
from tests import factories as f


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


def queries_for(browser, url: str) -> int:
    counter = QueryCounter()
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = browser.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200
    return counter.count


def populate(n: int, hr, region, hub):
    for i in range(n):
        g = f.group(f"RAG {n}-{i}", GroupType.RAG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
        p = f.person(f"Person {n}-{i}", organisation_id=region.id)
        f.membership(g, p, MemberRole.CHAIR)
        f.membership(hub, p, MemberRole.MEMBER)
        f.relation(hub, g, RelationKind.STEERING_GROUP_OF)
        npo = f.group(f"NPO {n}-{i}", GroupType.NPO)
        f.hosting(npo, hr)
        a = f.assignment(hub, g, f"Uppdrag {n}-{i}")
        file_report(a, dict(reported_on=date(2025, 1, 1), traffic_light=TrafficLight.AT_RISK), None)
        ops.create(Decision(), None, group_id=hub.id, title=f"Beslut {n}-{i}", decided_on=date(2025, 1, 1),
                   executor_group_id=hub.id if i % 2 else g.id)
        ops.create(Meeting(), None, group_id=hub.id, starts_on=date(2030, 1, 1))
        db.session.commit()


URLS = ["/", "/groups/", "/groups/?healthcare_region={hr}", "/people/", "/organisations/", "/groups/{hub}",
        "/groups/hosting", "/groups/chart?healthcare_region={hr}", "/people/conflicts/missing",
        "/people/{person}", "/assignments/", "/decisions/", "/meetings/", "/followup/", "/followup/groups/{hub}",
        "/search/?q=uppdrag", "/priorities/", "/api/v1/groups", "/api/v1/assignments", "/api/v1/decisions",
        "/api/v1/meetings", "/api/v1/status-reports", "/decisions/?executor_group={hub}&execution=awaiting",
        "/picker/group?q=rag", "/picker/person?q=person", "/picker/organisation?q=region",
        "/picker/assignment?q=uppdrag", "/picker/decision?q=beslut", "/picker/meeting?q=",
        "/picker/group?q=&type=NPO&type=RAG", "/meetings/?group={hub}"]


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow(app, login_as, url):
    hr = f.healthcare_region()
    region = f.region(hr)
    hub = f.group("RSG Nav", GroupType.RSG, Level.HEALTHCARE_REGIONAL, healthcare_region_id=hr.id)
    person = f.person("Alltid Med", organisation_id=region.id)
    f.membership(hub, person, MemberRole.SECRETARY)
    b = login_as(Role.READER)
    ids = {"hr": hr.id, "hub": hub.id, "person": person.id}

    populate(3, hr, region, hub)
    few = queries_for(b, url.format(**ids))
    populate(40, hr, region, hub)
    many = queries_for(b, url.format(**ids))
    # Fewer is fine: a page of records with no references skips that eager load.
    assert many <= few, f"{url}: {few} queries with few records, {many} with many"


def test_a_priority_version_page_does_not_grow_with_its_entries(app, login_as):
    """Each entry's use case comes with the list, not one query per entry. Both pages have an earlier
    version to compare with, so that only the number of entries differs."""

    def version_of(n: int, day: date) -> int:
        cases = [ops.create(UseCase(), None, code=f"U-{day}-{i}", title=f"Användningsfall {i}") for i in range(n)]
        version = adopt_priority_list([c.id for c in cases], {"adopted_on": day}, None)
        db.session.commit()
        return version.id

    browser = login_as(Role.READER)
    version_of(1, date(2025, 9, 1))
    few = queries_for(browser, f"/competence/use-cases/priorities/{version_of(3, date(2025, 10, 1))}")
    many = queries_for(browser, f"/competence/use-cases/priorities/{version_of(30, date(2025, 11, 1))}")
    assert many <= few, f"{few} queries with 3 entries, {many} with 30"


COMPETENCE_URLS = ["/competence/", "/competence/kpis", "/competence/kpis/{positive}", "/competence/kpis/{pilot}",
                   "/competence/kpis/{positive}/records", "/competence/regions/stances",
                   "/competence/regions/maturity", "/competence/report", "/competence/report?months=24&format=xlsx",
                   "/competence/activities/{activity}", "/api/v1/kpis"]


def test_competence_pages_cost_the_same_queries_with_years_of_follow_up(app, login_as):
    """Stances, measurements, progress updates and maturity levels as `flask seed --scale` writes them: 10
    of each, then 2,000 of each."""
    import random

    from app.competence.kpis.models import KpiDerivation, KpiMeasure
    from seed import scale
    from tests.competence.conftest import World

    world = World()
    for name in ("Två", "Tre"):
        f.region(world.hr, f"Region {name}")
    positive = world.kpi("KPI-P", KpiMeasure.PERCENTAGE, [], derivation=KpiDerivation.REGIONS_POSITIVE)
    db.session.commit()
    ids = {"positive": positive.id, "pilot": world.pilot.id, "activity": world.late.id}
    browser = login_as(Role.READER)
    rng = random.Random(13)

    def counts(rows_of_each: int) -> dict[str, int]:
        bulk = scale.BulkWriter({})
        scale.competence_follow_up(bulk, rng, rows_of_each * scale.COMPETENCE_SHARE)
        db.session.commit()
        return {url: queries_for(browser, url.format(**ids)) for url in COMPETENCE_URLS}

    few = counts(10)
    many = counts(2_000)
    assert many == few
