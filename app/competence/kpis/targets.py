"""KPI targets and their status at a checkpoint (6, 12 or 24 months after the baseline).

A target is a number or a percentage with a comparison ("> 25", "> 70 %"), a range ("1–2") or a
milestone in words ("pilot running"). At a checkpoint a target is met, not met, not yet due, or
has no measurement. Kept free of the database so that the rule is easy to read and to test.
"""

import calendar
import operator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.core.models import LabeledEnum


class TargetKind(LabeledEnum):
    NUMBER = "number", _l("Antal")
    PERCENTAGE = "percentage", _l("Andel (%)")
    RANGE = "range", _l("Intervall")
    MILESTONE = "milestone", _l("Milstolpe")


class TargetStatus(LabeledEnum):
    MET = "met", _l("Uppnått")
    NOT_MET = "not_met", _l("Inte uppnått")
    NOT_YET_DUE = "not_yet_due", _l("Inte aktuellt än")
    NO_MEASUREMENT = "no_measurement", _l("Mätning saknas")


COMPARISONS = {">": operator.gt, ">=": operator.ge, "=": operator.eq, "<=": operator.le, "<": operator.lt}


class TargetError(ValueError):
    """A target that cannot be evaluated as stated (e.g. a range without bounds)."""


@dataclass(frozen=True)
class Target:
    months: int
    kind: TargetKind
    text: str
    comparison: str | None = None
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None

    def __post_init__(self):
        if self.kind in (TargetKind.NUMBER, TargetKind.PERCENTAGE):
            if self.comparison not in COMPARISONS or self.value is None:
                raise TargetError(f"{self.kind.value} target needs a comparison and a value")
            if self.kind == TargetKind.PERCENTAGE and not 0 <= self.value <= 100:
                raise TargetError("a percentage lies between 0 and 100")
        if self.kind == TargetKind.RANGE and (self.low is None or self.high is None or self.low > self.high):
            raise TargetError("a range needs low <= high")

    def is_met_by(self, measurement: "Measurement") -> bool:
        if self.kind == TargetKind.MILESTONE:
            return bool(measurement.milestone_reached)
        if measurement.value is None:
            return False
        if self.kind == TargetKind.RANGE:
            return self.low <= measurement.value <= self.high
        return COMPARISONS[self.comparison](measurement.value, self.value)


@dataclass(frozen=True)
class Measurement:
    measured_on: date
    value: Decimal | None = None
    milestone_reached: bool | None = None


@dataclass(frozen=True)
class Evaluation:
    status: TargetStatus
    checkpoint: date
    measurement: Measurement | None  # the one the status rests on (or the latest so far, if not due)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Dec + 6 months → 30 Jun); a
    month's last day stays the last day (30 June + 6 months → 31 December, as the report means)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, month, last_day)
    return date(year, month, min(day.day, last_day))


def checkpoint(baseline: date, months: int) -> date:
    return add_months(baseline, months)


def evaluate(target: Target, baseline: date, measurements: list[Measurement], today: date) -> Evaluation:
    """The target's status at its checkpoint, as of `today`.

    The rule, as shown to users: before the checkpoint the target is not yet due; at and after it,
    the latest measurement taken on or before the checkpoint decides; without one, it is missing.
    """
    due = checkpoint(baseline, target.months)
    up_to = [m for m in measurements if m.measured_on <= min(due, today)]
    latest = max(up_to, key=lambda m: m.measured_on) if up_to else None
    if today < due:
        return Evaluation(TargetStatus.NOT_YET_DUE, due, latest)
    if latest is None:
        return Evaluation(TargetStatus.NO_MEASUREMENT, due, None)
    return Evaluation(TargetStatus.MET if target.is_met_by(latest) else TargetStatus.NOT_MET, due, latest)


def target_from_seed(item: dict) -> Target:
    """A target as written in seed/data/competence.yaml."""

    def dec(key):
        return Decimal(str(item[key])) if item.get(key) is not None else None

    return Target(months=int(item["months"]), kind=TargetKind(item["kind"]), text=str(item.get("text", "")),
                  comparison=item.get("comparison"), value=dec("value"), low=dec("low"), high=dec("high"))

