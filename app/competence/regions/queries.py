"""Reading the regions: the register's regions, and their latest data-maturity level per area."""

from datetime import date

import sqlalchemy as sa

from app.competence.regions.models import MaturityAssessment
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind


def regions() -> list[Organisation]:
    return db.session.scalars(sa.select(Organisation).where(Organisation.kind == OrganisationKind.REGION,
                                                            Organisation.active())
                              .order_by(Organisation.name_sort)).all()


def maturity_matrix(regions, today: date) -> dict:
    """Per region, the latest assessment in each area (one query)."""
    rows = db.session.scalars(sa.select(MaturityAssessment).where(MaturityAssessment.active(),
                                                                  MaturityAssessment.assessed_on <= today)
                              .order_by(MaturityAssessment.assessed_on, MaturityAssessment.id)).all()
    matrix = {r.id: {"cells": {}, "mean": None} for r in regions}
    for row in rows:
        if row.organisation_id in matrix:
            matrix[row.organisation_id]["cells"][row.area] = row
    for entry in matrix.values():
        levels = [c.level for c in entry["cells"].values()]
        entry["mean"] = round(sum(levels) / len(levels), 1) if levels else None
    return matrix
