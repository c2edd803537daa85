"""Reading the regions: the register's regions, their latest stance on a day and their latest
data-maturity level per area.

A region may have years of stances and assessments; what counts is the latest on a day, which the
database finds per region (and area) one step back from the day in an index
(ix_region_stances_latest, ix_maturity_assessments_latest): the work grows with the regions and the
days asked for, not with the rows.
"""

from datetime import date

import sqlalchemy as sa

from app.competence.regions.models import MaturityArea, MaturityAssessment, RegionStance, Stance
from app.core.db import PerDay
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind

# The rows a subquery looks the latest up among, apart from the enclosing query's: table aliases made once
# (an ORM alias costs milliseconds to build, on every request).
_stances = RegionStance.__table__.alias("latest_stance")
_assessments = MaturityAssessment.__table__.alias("latest_assessment")


def _is_region():
    return sa.and_(Organisation.kind == OrganisationKind.REGION, Organisation.active())


def regions() -> list[Organisation]:
    return db.session.scalars(sa.select(Organisation).where(_is_region()).order_by(Organisation.name_sort)).all()


def _latest_stance(column: str, day: date):
    """The `column` of the enclosing query's organisation's latest active stance on `day` (registered on
    or before it; of one day's, the last registered)."""
    s = _stances.c
    return (sa.select(s[column])
            .where(s.organisation_id == Organisation.id, s.archived_at.is_(None), s.recorded_on <= day)
            .order_by(s.recorded_on.desc(), s.id.desc()).limit(1)
            .correlate(Organisation).scalar_subquery())


def latest_stances(day: date) -> list[tuple[Organisation, RegionStance | None]]:
    """Every region with its latest stance on `day` (None: no stance registered), one query."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Organisation, RegionStance).where(_is_region())
        .outerjoin(RegionStance, RegionStance.id == _latest_stance("id", day))
        .order_by(Organisation.name_sort))]


_POSITIVE = PerDay(lambda days: sa.select(sa.func.count(), *(
    sa.func.count(sa.case((_latest_stance("stance", day) == Stance.POSITIVE, 1))) for day in days))
    .select_from(Organisation).where(_is_region()))


def positive_counts(days: list[date]) -> tuple[int, dict[date, int]]:
    """The number of regions, and of them those whose latest stance on each of `days` is positive (one
    query)."""
    regions_, *positive = _POSITIVE.one(db.session, days)
    return regions_, dict(zip(days, positive, strict=True))


def maturity_matrix(regions, today: date) -> dict:
    """Per region, the latest assessment in each area on `today` and the mean of their levels (one
    query)."""
    matrix = {r.id: {"cells": {}, "mean": None} for r in regions}
    if matrix:
        m = _assessments.c

        def latest(area: MaturityArea):
            return (sa.select(m.id).where(m.organisation_id == Organisation.id, m.area == area,
                                          m.archived_at.is_(None), m.assessed_on <= today)
                    .order_by(m.assessed_on.desc(), m.id.desc()).limit(1).correlate(Organisation).scalar_subquery())

        cells = sa.union_all(*(sa.select(latest(area)).where(Organisation.id.in_(matrix)) for area in MaturityArea))
        for row in db.session.scalars(sa.select(MaturityAssessment).where(MaturityAssessment.id.in_(cells))):
            matrix[row.organisation_id]["cells"][row.area] = row
    for entry in matrix.values():
        # The mean of at most four levels, rounded as it always was (Python's round, not the database's).
        levels = [c.level for c in entry["cells"].values()]
        entry["mean"] = round(sum(levels) / len(levels), 1) if levels else None
    return matrix
