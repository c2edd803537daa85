"""Geometry for the server-drawn chart of a KPI over time (an SVG).

Kept out of templates so that they only place what is computed here. No JavaScript is needed.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.competence.kpis.models import KpiMeasure

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 36, 16, 40


@dataclass
class KpiChart:
    width: int
    height: int
    points: list[tuple[float, float, date, Decimal]]
    targets: list[dict]  # x, y (or y_low/y_high for a range), label
    ticks: list[tuple[float, str]]  # y-axis
    checkpoints: list[tuple[float, str]]  # x-axis marks
    today_x: float | None
    baseline_x: float
    bottom: float
    top: float
    left: float
    right: float

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _d, _v in self.points)


def kpi_chart(result, today: date) -> KpiChart | None:
    """A numeric KPI's values over time against its targets; None for milestone KPIs or no data."""
    kpi = result.kpi
    if kpi.measure == KpiMeasure.MILESTONE:
        return None
    values = [(m.measured_on, m.value) for m in result.series if m.value is not None]
    target_values = []
    for c in result.checkpoints:
        if c.target is not None:
            target_values += [v for v in (c.target.value, c.target.low, c.target.high) if v is not None]
    highest = max([v for _d, v in values] + target_values + [Decimal(1)])
    step = Decimal(25) if kpi.measure == KpiMeasure.PERCENTAGE else _nice_step(highest * Decimal("1.05") / 4)
    top_value = Decimal(100) if kpi.measure == KpiMeasure.PERCENTAGE else step * 4
    start = kpi.baseline_date
    end = max([c.due for c in result.checkpoints] + [today])
    span = max((end - start).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w * (day - start).days / span

    def y(value: Decimal) -> float:
        return TOP + plot_h * (1 - float(value) / float(top_value))

    points = [(x(d), y(v), d, v) for d, v in values if start <= d <= end]
    targets = []
    for c in result.checkpoints:
        t = c.target
        if t is None:
            continue
        mark = {"x": x(c.due), "label": t.text, "months": c.months}
        if t.low is not None and t.high is not None:
            mark.update(y_low=y(t.low), y_high=y(t.high))
        elif t.value is not None:
            mark.update(y=y(t.value))
        targets.append(mark)
    ticks = [(y(top_value * Decimal(i) / 4), _short(top_value * Decimal(i) / 4)) for i in range(5)]
    checkpoints = [(x(c.due), f"{c.months}") for c in result.checkpoints]
    today_x = x(today) if start <= today <= end else None
    return KpiChart(WIDTH, HEIGHT, points, targets, ticks, checkpoints, today_x, x(start),
                    bottom=TOP + plot_h, top=TOP, left=LEFT, right=WIDTH - RIGHT)


def _nice_step(raw: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10^n at least `raw`, so that the axis reads in round numbers."""
    magnitude = Decimal(10) ** (raw.adjusted() if raw > 0 else 0)
    for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _short(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")
