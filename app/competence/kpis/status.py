"""KPI follow-up: actual against target at each checkpoint, for many KPIs with a fixed number of queries.

Typed KPIs use their measurements; derived KPIs are counted from the register (derived.py) as of
each checkpoint and today. The status rule itself lives in targets.py.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.competence.kpis import derived
from app.competence.kpis.models import Kpi, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.targets import Evaluation, Measurement, TargetStatus, add_months, checkpoint, evaluate
from app.extensions import db

CHECKPOINT_MONTHS = (6, 12, 24)


@dataclass
class CheckpointResult:
    months: int
    due: date
    target: KpiTarget | None
    evaluation: Evaluation | None  # None when the KPI has no target at this checkpoint
    met_today: bool | None = None  # for a checkpoint not yet due: would today's value meet it?

    @property
    def status(self) -> TargetStatus | None:
        return self.evaluation.status if self.evaluation else None

    @property
    def actual(self) -> Measurement | None:
        return self.evaluation.measurement if self.evaluation else None


@dataclass
class KpiFollowUp:
    kpi: Kpi
    checkpoints: list[CheckpointResult]
    series: list[Measurement] = field(default_factory=list)  # values over time, oldest first
    current: Measurement | None = None  # the latest value as of today
    current_target: KpiTarget | None = None  # for a milestone KPI: the milestone `current` reports on

    def at(self, months: int) -> CheckpointResult:
        return next(c for c in self.checkpoints if c.months == months)


def load_kpis(*criteria, include_archived: bool = False) -> list[Kpi]:
    if not include_archived:
        criteria = (Kpi.active(), *criteria)
    return db.session.scalars(
        sa.select(Kpi).where(*criteria).order_by(Kpi.code).options(
            selectinload(Kpi.work_package),
            selectinload(Kpi.targets),
            selectinload(Kpi.measurements).selectinload(KpiMeasurement.entered_by),
            selectinload(Kpi.measurements).selectinload(KpiMeasurement.target))).all()


def month_ends(start: date, end: date) -> list[date]:
    """The last day of each month from `start`'s month to `end` (and `end` itself)."""
    days, month = [], date(start.year, start.month, 1)
    while month <= end:
        last = add_months(month, 1) - timedelta(days=1)
        days.append(min(last, end))
        month = add_months(month, 1)
    return days


def _typed_measurements(kpi: Kpi, target: KpiTarget | None = None) -> list[Measurement]:
    """The KPI's measurements, oldest first; given a milestone target, only those reporting on it."""
    rows = sorted((m for m in kpi.measurements if not m.is_archived and (target is None or m.target_id == target.id)),
                  key=lambda m: (m.measured_on, m.id))
    return [Measurement(m.measured_on, value=m.value, milestone_reached=m.milestone_reached) for m in rows]


def _derived_values(kpis: list[Kpi], today: date) -> dict[int, dict[date, Decimal]]:
    """All dates each derived KPI needs, computed with one call per derivation."""
    wanted: dict[tuple, set[date]] = {}
    for kpi in kpis:
        if kpi.is_derived:
            days = wanted.setdefault((kpi.derivation, kpi.baseline_date), set())
            days.update(min(checkpoint(kpi.baseline_date, m), today) for m in CHECKPOINT_MONTHS)
            # At most five years of monthly values: the chart's span, whatever the baseline.
            days.update(month_ends(max(kpi.baseline_date, add_months(today, -60)), today))
    values = {key: derived.values_on(key[0], key[1], days) for key, days in wanted.items()}
    return {kpi.id: values[(kpi.derivation, kpi.baseline_date)] for kpi in kpis if kpi.is_derived}


def follow_up(kpis: list[Kpi], today: date | None = None) -> list[KpiFollowUp]:
    today = today or date.today()
    derived_values = _derived_values(kpis, today)
    results = []
    for kpi in kpis:
        targets = {t.months: t for t in kpi.targets if not t.is_archived}
        if kpi.is_derived:
            values = derived_values[kpi.id]
            series = [Measurement(d, value=v) for d, v in sorted(values.items()) if d <= today]
        else:
            series = _typed_measurements(kpi)
        checkpoints = []
        for months in CHECKPOINT_MONTHS:
            due = checkpoint(kpi.baseline_date, months)
            target = targets.get(months)
            if target is None:
                checkpoints.append(CheckpointResult(months, due, None, None))
                continue
            # A milestone measurement reports on one milestone; numbers count for every target.
            milestone = kpi.measure == KpiMeasure.MILESTONE
            measurements = _typed_measurements(kpi, target) if milestone else series
            evaluation = evaluate(target.rule(), kpi.baseline_date, measurements, today)
            met_today = None
            if evaluation.status == TargetStatus.NOT_YET_DUE and evaluation.measurement is not None:
                met_today = target.rule().is_met_by(evaluation.measurement)
            checkpoints.append(CheckpointResult(months, due, target, evaluation, met_today))
        current = series[-1] if series else None
        current_target = None
        if kpi.measure == KpiMeasure.MILESTONE and current is not None:
            latest = max((m for m in kpi.measurements if not m.is_archived), key=lambda m: (m.measured_on, m.id))
            current_target = latest.target
        results.append(KpiFollowUp(kpi, checkpoints, series, current, current_target))
    return results


def next_checkpoint_months(baseline: date, today: date) -> int | None:
    """The first checkpoint on or after today (None once all have passed)."""
    return next((m for m in CHECKPOINT_MONTHS if checkpoint(baseline, m) >= today), None)


def status_counts(results: list[KpiFollowUp], months: int) -> dict[TargetStatus, int]:
    counts = {status: 0 for status in TargetStatus}
    for result in results:
        status = result.at(months).status
        if status is not None:
            counts[status] += 1
    return counts
