"""The regions' stance and data maturity (app/competence/regions/operations.py): what is refused, on
which field, and what is stored and logged."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.competence.regions import operations as region_ops
from app.competence.regions.models import MaturityArea, MaturityAssessment, RegionStance, Stance
from app.core import operations as ops
from app.core.audit import ChangeAction, history_for
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from tests import factories as f
from tests.competence.conftest import TODAY, refused


@pytest.fixture
def orgs(app) -> dict[str, Organisation]:
    hr = f.healthcare_region()
    authority = ops.create(Organisation(), None, name="E-hälsomyndigheten", kind=OrganisationKind.AUTHORITY)
    db.session.commit()
    return {"hr": hr, "region": f.region(hr), "authority": authority}


@pytest.mark.parametrize("who", ["hr", "authority", "missing", None])
def test_a_stance_or_maturity_level_is_only_for_a_region(orgs, who):
    org_id = orgs[who].id if who in orgs else (999999 if who else None)
    stance = {"organisation_id": org_id, "stance": Stance.POSITIVE, "recorded_on": date(2025, 11, 1)}
    assert refused(region_ops.add_stance, stance, None).field == "organisation_id"
    maturity = {"organisation_id": org_id, "area": MaturityArea.DATA_QUALITY, "level": 2,
                "assessed_on": date(2025, 3, 31)}
    assert refused(region_ops.add_maturity, maturity, None).field == "organisation_id"
    assert db.session.scalar(sa.select(sa.func.count(RegionStance.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(MaturityAssessment.id))) == 0


def test_an_archived_region_takes_no_new_stance(orgs):
    ops.archive(orgs["region"], None)
    db.session.commit()
    stance = {"organisation_id": orgs["region"].id, "stance": Stance.POSITIVE, "recorded_on": date(2025, 11, 1)}
    assert refused(region_ops.add_stance, stance, None).field == "organisation_id"


@pytest.mark.parametrize("level", [0, 5, -1, None])
def test_a_maturity_level_is_1_to_4(orgs, level):
    values = {"organisation_id": orgs["region"].id, "area": MaturityArea.ORGANISATION, "level": level,
              "assessed_on": date(2025, 3, 31)}
    assert refused(region_ops.add_maturity, values, None).field == "level"
    assert db.session.scalar(sa.select(sa.func.count(MaturityAssessment.id))) == 0


def test_stances_and_maturity_cannot_be_dated_in_the_future(orgs):
    tomorrow = TODAY + timedelta(days=1)
    stance = {"organisation_id": orgs["region"].id, "stance": Stance.NEUTRAL, "recorded_on": tomorrow}
    assert refused(region_ops.add_stance, stance, None).field == "recorded_on"
    maturity = {"organisation_id": orgs["region"].id, "area": MaturityArea.DATA_QUALITY, "level": 2,
                "assessed_on": tomorrow}
    assert refused(region_ops.add_maturity, maturity, None).field == "assessed_on"


def test_valid_stances_and_levels_are_stored_and_logged(orgs):
    region = orgs["region"]
    stance = region_ops.add_stance({"organisation_id": region.id, "stance": Stance.POSITIVE,
                                        "recorded_on": TODAY, "source": "Dialogmöte"}, None)
    levels = [region_ops.add_maturity({"organisation_id": region.id, "area": area, "level": level,
                                           "assessed_on": date(2025, 3, 31)}, None)
              for area, level in zip(MaturityArea, (1, 2, 3, 4), strict=True)]
    db.session.commit()
    assert history_for(stance)[0].changes["stance"]["new"] == "positive"
    assert history_for(stance)[0].changes["organisation_id"]["new_label"] == region.name
    assert sorted(m.level for m in db.session.scalars(sa.select(MaturityAssessment))) == [1, 2, 3, 4]
    assert all(history_for(m)[0].action == ChangeAction.CREATE for m in levels)
