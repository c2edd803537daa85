"""The measurements a typed KPI's follow-up rests on are found by the database (kpis/queries.py): they must
be the ones the rule in targets.py picks from all of a KPI's measurements – several on one day, archived
ones and milestones of other targets among them."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.competence.kpis.models import Kpi, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.status import CHECKPOINT_MONTHS, follow_up, load_kpis
from app.competence.kpis.targets import Measurement, TargetKind, checkpoint, evaluate
from app.core import operations as ops
from app.extensions import db
from tests.competence.conftest import BASELINE


def _kpi(wp, code: str, measure: KpiMeasure) -> Kpi:
    kpi = ops.create(Kpi(), None, code=code, work_package_id=wp.id, indicator=code, measure=measure,
                     baseline_date=BASELINE)
    for months in CHECKPOINT_MONTHS:
        values = ({"kind": TargetKind.MILESTONE} if measure == KpiMeasure.MILESTONE else
                  {"kind": TargetKind.NUMBER, "comparison": ">=", "value": Decimal(months)})
        ops.create(KpiTarget(), None, kpi_id=kpi.id, months=months, text=f"{months}", **values)
    return kpi


def _reference(kpi: Kpi, today: date) -> tuple:
    """The statuses and current value as follow_up computed them from every measurement, before the
    database picked them."""
    rows = sorted((m for m in kpi.measurements if not m.is_archived), key=lambda m: (m.measured_on, m.id))
    as_read = [(m, m.measured_on, m.value, m.milestone_reached) for m in rows]
    statuses = []
    for target in sorted(kpi.targets, key=lambda t: t.months):
        mine = [m for m in rows if kpi.measure != KpiMeasure.MILESTONE or m.target_id == target.id]
        evaluation = evaluate(target.rule(), kpi.baseline_date,
                              [Measurement(m.measured_on, m.value, m.milestone_reached) for m in mine], today)
        picked = evaluation.measurement
        statuses.append((evaluation.status, picked and (picked.measured_on, picked.value, picked.milestone_reached)))
    latest = as_read[-1] if as_read else None
    current = latest and latest[1:]
    current_target = latest[0].target_id if latest and kpi.measure == KpiMeasure.MILESTONE else None
    return statuses, current, current_target


def _followed(result) -> tuple:
    statuses = [(c.status, c.actual and (c.actual.measured_on, c.actual.value, c.actual.milestone_reached))
                for c in result.checkpoints]
    current = result.current and (result.current.measured_on, result.current.value, result.current.milestone_reached)
    return statuses, current, result.current_target.id if result.current_target else None


@pytest.mark.parametrize("seed", range(4))
def test_the_database_picks_what_the_rule_picks_from_all_measurements(wp, seed):
    rng = random.Random(seed)
    number, milestone = _kpi(wp, "KPI-Q1", KpiMeasure.NUMBER), _kpi(wp, "KPI-Q2", KpiMeasure.MILESTONE)
    days = [BASELINE + timedelta(days=rng.randrange(0, 800, 20)) for _ in range(12)]  # few days: many ties
    for i in range(60):
        kpi = number if i % 2 else milestone
        values = {"measured_on": rng.choice(days)}
        if kpi is number:
            values["value"] = Decimal(rng.randrange(30))
        else:
            values.update(target_id=rng.choice(kpi.targets).id, milestone_reached=rng.random() < 0.5)
        m = ops.create(KpiMeasurement(), None, kpi_id=kpi.id, **values)
        if rng.random() < 0.2:
            ops.archive(m, None)
    db.session.commit()
    db.session.expire_all()
    for today in [BASELINE, *(checkpoint(BASELINE, months) + timedelta(days=d) for months in CHECKPOINT_MONTHS
                              for d in (-1, 0, 1)), BASELINE + timedelta(days=900)]:
        kpis = load_kpis(Kpi.id.in_([number.id, milestone.id]))
        for kpi, result, full in zip(kpis, follow_up(kpis, today, series=False), follow_up(kpis, today), strict=True):
            assert _followed(result) == _followed(full) == _reference(kpi, today), (kpi.code, today)
            active = sorted((m for m in kpi.measurements if not m.is_archived), key=lambda m: (m.measured_on, m.id))
            assert result.series == [] and full.series == [
                Measurement(m.measured_on, m.value, m.milestone_reached) for m in active]
