"""Reading typed KPIs' measurements: the few a follow-up rests on, found by the database.

A KPI may have years of measurements; a checkpoint's status needs one of them – the latest on or before
the day – and the KPI's current value one more. Each is a step back from the day in the index
ix_kpi_measurements_latest, all of them in one query and their rows in a second, whatever the number
of KPIs' measurements.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.competence.kpis.models import KpiMeasurement
from app.competence.kpis.targets import Measurement
from app.extensions import db


@dataclass(frozen=True)
class Pick:
    """Which measurement of a KPI is wanted: the latest on or before `on` (None: the latest of all), of
    one milestone target only if `target_id` is given."""

    kpi_id: int
    on: date | None = None
    target_id: int | None = None


@dataclass(frozen=True)
class Picked:
    measurement: Measurement
    target_id: int | None


def _of(pick: Pick, *criteria):
    m = KpiMeasurement
    criteria = (m.kpi_id == pick.kpi_id, m.active(), *criteria)
    if pick.target_id is not None:
        criteria += (m.target_id == pick.target_id,)
    return sa.select(m.id).where(*criteria).limit(1)


def _pick_id(pick: Pick):
    m = KpiMeasurement
    if pick.on is None:
        # The current value: the last of all, the last entered on the latest day.
        return _of(pick).order_by(m.measured_on.desc(), m.id.desc()).scalar_subquery()
    # At a checkpoint, of several on the latest day the first entered decides (targets.evaluate takes the
    # first of the day's measurements in the order they were entered).
    latest_day = _of(pick, m.measured_on <= pick.on).with_only_columns(m.measured_on) \
        .order_by(m.measured_on.desc()).scalar_subquery()
    return _of(pick, m.measured_on == latest_day).order_by(m.id).scalar_subquery()


def picked_measurements(picks: list[Pick]) -> dict[Pick, Picked | None]:
    """Each pick's measurement (None when there is none): two queries for any number of picks."""
    picks = list(dict.fromkeys(picks))
    if not picks:
        return {}
    ids = db.session.execute(sa.select(*(_pick_id(p) for p in picks))).one()
    rows = {r.id: r for r in db.session.execute(
        sa.select(KpiMeasurement.id, KpiMeasurement.measured_on, KpiMeasurement.value,
                  KpiMeasurement.milestone_reached, KpiMeasurement.target_id)
        .where(KpiMeasurement.id.in_([i for i in ids if i is not None])))}
    result = {}
    for pick, record_id in zip(picks, ids, strict=True):
        row = rows.get(record_id)
        result[pick] = Picked(Measurement(row.measured_on, value=row.value, milestone_reached=row.milestone_reached),
                              row.target_id) if row else None
    return result
