"""The regions' latest stance and maturity level on a day, found by the database (regions/queries.py)."""

from datetime import date

from app.competence.regions import queries
from app.competence.regions.models import MaturityArea, MaturityAssessment, RegionStance, Stance
from app.core import operations as ops
from app.extensions import db
from tests import factories as f

QUALITY, PLATFORM = MaturityArea.DATA_QUALITY, MaturityArea.TECHNICAL_PLATFORM


def _level(region, area, level, day, archived=False):
    m = ops.create(MaturityAssessment(), None, organisation_id=region.id, area=area, level=level, assessed_on=day)
    if archived:
        ops.archive(m, None)
    return m


def test_the_matrix_holds_each_regions_latest_level_per_area_on_the_day(app):
    hr = f.healthcare_region()
    north, south, unassessed = (f.region(hr, f"Region {n}") for n in ("Nord", "Syd", "Mitt"))
    _level(north, QUALITY, 1, date(2025, 1, 1))
    _level(north, QUALITY, 2, date(2025, 6, 1))
    _level(north, QUALITY, 4, date(2025, 9, 1), archived=True)  # archived: as if never assessed
    _level(north, QUALITY, 3, date(2026, 1, 1))  # after the day
    _level(north, PLATFORM, 1, date(2025, 3, 1))
    same_day = _level(north, PLATFORM, 2, date(2025, 3, 1))  # of one day's, the last registered
    _level(south, PLATFORM, 3, date(2025, 2, 1))
    ops.create(RegionStance(), None, organisation_id=south.id, stance=Stance.POSITIVE, recorded_on=date(2025, 2, 1))
    db.session.commit()

    regions = queries.regions()
    matrix = queries.maturity_matrix(regions, date(2025, 12, 31))
    assert {area: c.level for area, c in matrix[north.id]["cells"].items()} == {QUALITY: 2, PLATFORM: 2}
    assert matrix[north.id]["cells"][PLATFORM].id == same_day.id and matrix[north.id]["mean"] == 2.0
    assert {area: c.level for area, c in matrix[south.id]["cells"].items()} == {PLATFORM: 3}
    assert matrix[unassessed.id] == {"cells": {}, "mean": None}
    assert queries.maturity_matrix([], date(2025, 12, 31)) == {}
    assert queries.positive_counts([date(2025, 1, 31), date(2025, 2, 1)]) == (3, {date(2025, 1, 31): 0,
                                                                                   date(2025, 2, 1): 1})
