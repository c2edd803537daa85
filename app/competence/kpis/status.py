"""KPI follow-up: actual against target at each checkpoint, for many KPIs with a fixed number of queries.

Typed KPIs use their measurements – the database finds the one each checkpoint rests on
(queries.py) –; derived KPIs are counted from the register (derived.py) as of each checkpoint and
today. The status rule itself lives in targets.py.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.competence.kpis import derived
from app.competence.kpis.models import Kpi, KpiMeasure, KpiTarget
from app.competence.kpis.queries import Pick, picked_measurements
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
    series: list[Measurement] = field(default_factory=list)  # a value a month, oldest first (if asked for)
    current: Measurement | None = None  # the latest value as of today
    current_target: KpiTarget | None = None  # for a milestone KPI: the milestone `current` reports on

    def at(self, months: int) -> CheckpointResult:
        return next(c for c in self.checkpoints if c.months == months)


def load_kpis(*criteria, include_archived: bool = False, with_package: bool = True) -> list[Kpi]:
    """KPIs with what follow_up reads of them (not their measurements: it asks for what it needs), and unless
    `with_package` is False their work package (the dashboard does not show it)."""
    if not include_archived:
        criteria = (Kpi.active(), *criteria)
    options = [selectinload(Kpi.targets)] + ([selectinload(Kpi.work_package)] if with_package else [])
    return db.session.scalars(sa.select(Kpi).where(*criteria).order_by(Kpi.code).options(*options)).all()


def month_ends(start: date, end: date) -> list[date]:
    """The last day of each month from `start`'s month to `end` (and `end` itself)."""
    days, month = [], date(start.year, start.month, 1)
    while month <= end:
        last = add_months(month, 1) - timedelta(days=1)
        days.append(min(last, end))
        month = add_months(month, 1)
    return days


def _derived_values(kpis: list[Kpi], today: date, series: bool) -> dict[int, dict[date, Decimal]]:
    """The dates each derived KPI needs – its checkpoints and today, and with `series` a value a month –
    computed with one call per derivation."""
    wanted: dict[tuple, set[date]] = {}
    for kpi in kpis:
        if kpi.is_derived:
            days = wanted.setdefault((kpi.derivation, kpi.baseline_date), {today})
            days.update(min(checkpoint(kpi.baseline_date, m), today) for m in CHECKPOINT_MONTHS)
            if series:
                # At most five years of monthly values: the chart's span, whatever the baseline.
                days.update(month_ends(max(kpi.baseline_date, add_months(today, -60)), today))
    values = {key: derived.values_on(key[0], key[1], days) for key, days in wanted.items()}
    return {kpi.id: values[(kpi.derivation, kpi.baseline_date)] for kpi in kpis if kpi.is_derived}


def _checkpoint_pick(kpi: Kpi, target: KpiTarget, today: date) -> Pick:
    """The measurement a checkpoint's status rests on: the latest on or before the checkpoint (before it,
    today's); a milestone measurement reports on one milestone, numbers count for every target."""
    due = checkpoint(kpi.baseline_date, target.months)
    return Pick(kpi.id, min(due, today), target.id if kpi.measure == KpiMeasure.MILESTONE else None)


def _series_picks(kpi: Kpi, today: date) -> list[Pick]:
    """What a typed KPI's series shows, however many measurements it has: the latest of each month (at most
    five years back, as a derived KPI's), the ones its checkpoints rest on, and the latest of all."""
    months = month_ends(max(kpi.baseline_date, add_months(today, -60)), today)
    return ([Pick(kpi.id, day, last_of_day=True) for day in months] + [Pick(kpi.id)]
            + [_checkpoint_pick(kpi, t, today) for t in kpi.targets if not t.is_archived])


def _series(picks: list[Pick], picked: dict) -> list[Measurement]:
    """The picked measurements, each once, oldest first (of one day's, the first entered first)."""
    found = {hit.measurement_id: hit.measurement for p in picks if (hit := picked[p]) is not None}
    return [found[i] for i in sorted(found, key=lambda i: (found[i].measured_on, i))]


def _picks(kpis: list[Kpi], today: date) -> list[Pick]:
    picks = []
    for kpi in kpis:
        if not kpi.is_derived:
            picks.append(Pick(kpi.id))
            picks += [_checkpoint_pick(kpi, t, today) for t in kpi.targets if not t.is_archived]
    return picks


def follow_up(kpis: list[Kpi], today: date | None = None, series: bool = True) -> list[KpiFollowUp]:
    """Each KPI's status at its checkpoints and its current value; with `series` also its values over time
    (a KPI's page): a value a month, for a typed KPI the latest measurement of the month (_series_picks). The
    database finds the few measurements these rest on (kpis/queries.py), all in the same two queries."""
    today = today or date.today()
    derived_values = _derived_values(kpis, today, series)
    series_picks = {k.id: _series_picks(k, today) for k in kpis if series and not k.is_derived}
    picked = picked_measurements(_picks(kpis, today) + [p for picks in series_picks.values() for p in picks])
    results = []
    for kpi in kpis:
        targets = {t.months: t for t in kpi.targets if not t.is_archived}
        current_target = None
        if kpi.is_derived:
            values = [Measurement(d, value=v) for d, v in sorted(derived_values[kpi.id].items()) if d <= today]
            current = values[-1] if values else None
        else:
            latest = picked[Pick(kpi.id)]
            current = latest.measurement if latest else None
            if latest and kpi.measure == KpiMeasure.MILESTONE:
                # For a milestone KPI: the milestone the latest measurement reports on.
                current_target = next((t for t in kpi.targets if t.id == latest.target_id), None)
        checkpoints = []
        for months in CHECKPOINT_MONTHS:
            due = checkpoint(kpi.baseline_date, months)
            target = targets.get(months)
            if target is None:
                checkpoints.append(CheckpointResult(months, due, None, None))
                continue
            if kpi.is_derived:
                measurements = values
            else:
                hit = picked[_checkpoint_pick(kpi, target, today)]
                measurements = [hit.measurement] if hit else []
            evaluation = evaluate(target.rule(), kpi.baseline_date, measurements, today)
            met_today = None
            if evaluation.status == TargetStatus.NOT_YET_DUE and evaluation.measurement is not None:
                met_today = target.rule().is_met_by(evaluation.measurement)
            checkpoints.append(CheckpointResult(months, due, target, evaluation, met_today))
        over_time = (values if kpi.is_derived else _series(series_picks[kpi.id], picked)) if series else []
        results.append(KpiFollowUp(kpi, checkpoints, over_time, current, current_target))
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
