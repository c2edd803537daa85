"""The regions' pages through real HTTP requests: stances and data maturity."""

import re
from datetime import date

import sqlalchemy as sa

from app.competence.regions.models import MaturityArea, MaturityAssessment
from app.core import operations as ops
from app.extensions import db


def test_region_stances_and_maturity(world, centre_staff):
    authority = ops.create(type(world.region)(), None, name="Myndigheten", kind=world.region.kind.AUTHORITY)
    db.session.commit()
    refused = centre_staff.post("/competence/regions/stances",
                                {"organisation_id": authority.id, "stance": "positive", "recorded_on": "2025-10-01"})
    assert refused.status_code == 422
    saved = centre_staff.post("/competence/regions/stances",
                              {"organisation_id": world.region.id, "stance": "positive", "recorded_on": "2025-10-01",
                               "source": "Dialogmöte"})
    assert saved.status_code == 302
    html = centre_staff.get("/competence/regions/stances").get_data(as_text=True)
    assert "100 %" in html and "Dialogmöte" in html  # the only region is positive
    bad_level = centre_staff.post("/competence/regions/maturity", {"organisation_id": world.region.id,
                                                                   "area": "data_quality", "level": "5",
                                                                   "assessed_on": "2025-03-01"})
    assert bad_level.status_code == 422
    for area in MaturityArea:
        assert centre_staff.post("/competence/regions/maturity", {
            "organisation_id": world.region.id, "area": area.value, "level": "1",
            "assessed_on": "2025-03-01"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(MaturityAssessment.id))) == 4
    world.region_meeting(date(2025, 9, 1))
    world.region_meeting(date(2025, 10, 1))
    html = centre_staff.get("/competence/regions/maturity").get_data(as_text=True)
    anchoring = html[html.index('id="anchor-heading"'):]
    assert world.region.name in anchoring
    # Two meetings with the less mature region, and the count links to those two.
    link = re.search(r'<a href="([^"]+)" aria-label="2 möten med [^"]+">2</a>', anchoring)
    assert link and link.group(1) == f"/competence/regions/maturity/{world.region.id}/meetings"
    listed = centre_staff.get(link.group(1)).get_data(as_text=True)
    assert len(re.findall(r'href="/meetings/\d+"', listed)) == 2 and world.region.name in listed
