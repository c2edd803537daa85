"""Reading typed KPIs' measurements: the few a follow-up and a KPI's series rest on, found by the
database; and its measurements a page at a time.

A KPI may have years of measurements; a checkpoint's status needs one of them – the latest on or before
the day –, the KPI's current value one more and its series (a chart) one a month. Each is a step back
from the day in the index ix_kpi_measurements_latest, all of them in one query and their rows in a
second, whatever the number of KPIs' measurements.
"""

import functools
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.competence.kpis.models import Kpi, KpiMeasurement
from app.competence.kpis.targets import Measurement
from app.core.pagination import Slice, newest_first
from app.extensions import db

MEASUREMENTS_PER_PAGE = 20


@dataclass(frozen=True)
class Pick:
    """Which measurement of a KPI is wanted: the latest on or before `on` (None: the latest of all), of
    one milestone target only if `target_id` is given."""

    kpi_id: int
    on: date | None = None
    target_id: int | None = None
    # Of several on the day found: at a checkpoint the first entered decides (targets.evaluate), a series
    # shows the day's last value, as the current value is.
    last_of_day: bool = False


@dataclass(frozen=True)
class Picked:
    measurement: Measurement
    target_id: int | None
    measurement_id: int


def _pick_id(n: int, dated: bool, milestone: bool, last_of_day: bool):
    """The id of pick number `n`'s measurement, its values bound as k<n>, d<n>, t<n>."""
    m = KpiMeasurement
    criteria = [m.kpi_id == sa.bindparam(f"k{n}"), m.active()]
    if milestone:
        criteria.append(m.target_id == sa.bindparam(f"t{n}"))
    if not dated or last_of_day:
        # The current value: the last of all, the last entered on the latest day.
        order = (m.measured_on.desc(), m.id.desc())
    else:
        # At a checkpoint, of several on the latest day the first entered decides (targets.evaluate takes the
        # first of the day's measurements in the order they were entered). The database sorts only that day's.
        order = (m.measured_on.desc(), m.id)
    if dated:
        criteria.append(m.measured_on <= sa.bindparam(f"d{n}"))
    return sa.select(m.id).where(*criteria).order_by(*order).limit(1).scalar_subquery()


@functools.lru_cache(maxsize=256)
def _picks_statement(shape: tuple[tuple[bool, bool, bool], ...]):
    # Built once per shape of picks, values bound at each execution: building it took longer than running it.
    return sa.select(*(_pick_id(n, *kind) for n, kind in enumerate(shape)))


def picked_measurements(picks: list[Pick]) -> dict[Pick, Picked | None]:
    """Each pick's measurement (None when there is none): two queries for any number of picks."""
    picks = list(dict.fromkeys(picks))
    if not picks:
        return {}
    shape = tuple((p.on is not None, p.target_id is not None, p.last_of_day) for p in picks)
    values = {}
    for n, p in enumerate(picks):
        values[f"k{n}"] = p.kpi_id
        if p.on is not None:
            values[f"d{n}"] = p.on
        if p.target_id is not None:
            values[f"t{n}"] = p.target_id
    ids = db.session.execute(_picks_statement(shape), values).one()
    rows = {r.id: r for r in db.session.execute(
        sa.select(KpiMeasurement.id, KpiMeasurement.measured_on, KpiMeasurement.value,
                  KpiMeasurement.milestone_reached, KpiMeasurement.target_id)
        .where(KpiMeasurement.id.in_([i for i in ids if i is not None])))}
    result = {}
    for pick, record_id in zip(picks, ids, strict=True):
        row = rows.get(record_id)
        result[pick] = Picked(Measurement(row.measured_on, value=row.value, milestone_reached=row.milestone_reached),
                              row.target_id, row.id) if row else None
    return result


def _measurement_loading() -> tuple:
    # What a listed measurement shows besides its own columns (built per call: loader options made at import
    # would configure the mappers before every area's models are imported).
    return selectinload(KpiMeasurement.entered_by), selectinload(KpiMeasurement.target)


def measurements_page(kpi: Kpi) -> Slice:
    """The KPI's measurements, archived ones too, newest first, a page at a time (`?measurements=<key>`)."""
    return newest_first(sa.select(KpiMeasurement).where(KpiMeasurement.kpi_id == kpi.id),
                        (KpiMeasurement.measured_on, KpiMeasurement.id), "measurements", MEASUREMENTS_PER_PAGE,
                        options=_measurement_loading())


def measurements_newest_first(kpi_id: int):
    """The KPI's active measurements, newest first (newest date, then the later entered), with who entered
    them and the milestone they report on: a statement for the caller to page (ix_kpi_measurements_latest)."""
    m = KpiMeasurement
    return (sa.select(m).where(m.kpi_id == kpi_id, m.active()).order_by(m.measured_on.desc(), m.id.desc())
            .options(*_measurement_loading()))
