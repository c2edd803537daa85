"""The measurements a typed KPI's follow-up rests on are found by the database (kpis/queries.py): they must
be the ones the rule in targets.py picks from all of a KPI's measurements – several on one day, archived
ones and milestones of other targets among them."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.competence.kpis.charts import kpi_chart
from app.competence.kpis.models import Kpi, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.status import CHECKPOINT_MONTHS, follow_up, load_kpis, month_ends
from app.competence.kpis.targets import Measurement, TargetKind, add_months, checkpoint, evaluate
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


def _series_reference(kpi: Kpi, today: date) -> list[Measurement]:
    """The series as chosen from all of a KPI's measurements: the latest of each month (the last entered of its
    day) up to today, at most five years back, the one each checkpoint rests on, and the latest of all."""
    active = sorted((m for m in kpi.measurements if not m.is_archived), key=lambda m: (m.measured_on, m.id))
    chosen = {active[-1].id} if active else set()
    for day in month_ends(max(kpi.baseline_date, add_months(today, -60)), today):
        upto = [m for m in active if m.measured_on <= day]
        if upto:
            chosen.add(upto[-1].id)
    for target in kpi.targets:
        due = min(checkpoint(kpi.baseline_date, target.months), today)
        mine = [m for m in active if m.measured_on <= due
                and (kpi.measure != KpiMeasure.MILESTONE or m.target_id == target.id)]
        if mine:
            chosen.add(next(m.id for m in mine if m.measured_on == mine[-1].measured_on))
    return [Measurement(m.measured_on, m.value, m.milestone_reached) for m in active if m.id in chosen]


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
            assert result.series == [] and full.series == _series_reference(kpi, today), (kpi.code, today)


def test_the_chart_of_years_of_measurements_plots_a_point_a_month_and_always_the_latest(wp):
    """10,000 measurements over eight years: the chart draws the latest of each month of the last five
    years, the values the checkpoints rest on and the latest, and its targets as before."""
    today = date.today()
    baseline = add_months(today, -96)
    kpi = ops.create(Kpi(), None, code="KPI-M", work_package_id=wp.id, indicator="Många", measure=KpiMeasure.NUMBER,
                     baseline_date=baseline)
    for months in CHECKPOINT_MONTHS:
        ops.create(KpiTarget(), None, kpi_id=kpi.id, months=months, kind=TargetKind.NUMBER, comparison=">=",
                   value=Decimal(months), text=f"{months}")
    span = (today - baseline).days
    rows = [{"kpi_id": kpi.id, "measured_on": baseline + timedelta(days=i * span // 9_999), "value": Decimal(i % 97),
             "milestone_reached": None, "comment": "", "source": "", "version": 1, "is_demo": False}
            for i in range(10_000)]
    db.session.execute(sa.insert(KpiMeasurement), rows)
    db.session.commit()
    latest = db.session.scalars(sa.select(KpiMeasurement).where(KpiMeasurement.kpi_id == kpi.id)
                                .order_by(KpiMeasurement.measured_on.desc(), KpiMeasurement.id.desc())).first()
    assert latest.measured_on == today

    result = follow_up(load_kpis(Kpi.id == kpi.id), today)[0]
    chart = kpi_chart(result, today)
    assert 60 <= len(chart.points) <= 61 + 1 + len(CHECKPOINT_MONTHS)
    assert chart.points[-1][2:] == (latest.measured_on, latest.value)
    assert result.series == _series_reference(db.session.get(Kpi, kpi.id), today)
    assert [t["months"] for t in chart.targets] == list(CHECKPOINT_MONTHS)
