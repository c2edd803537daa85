"""The KPI target rule: every kind of target at every kind of checkpoint status (issue 4)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from app.competence.kpis.targets import (
    Measurement,
    Target,
    TargetError,
    TargetKind,
    TargetStatus,
    add_months,
    checkpoint,
    evaluate,
    target_from_seed,
)

BASELINE = date(2025, 6, 30)
D = Decimal


def number(comparison=">", value=25, months=6):
    return Target(months=months, kind=TargetKind.NUMBER, text=f"{comparison} {value}", comparison=comparison,
                  value=D(value))


def test_checkpoints_fall_6_12_and_24_months_after_the_baseline():
    # The report's "June 2025" + 6 months is December: a month's last day stays the last day.
    assert [checkpoint(BASELINE, m) for m in (6, 12, 24)] == [date(2025, 12, 31), date(2026, 6, 30),
                                                               date(2027, 6, 30)]
    assert add_months(date(2025, 6, 15), 6) == date(2025, 12, 15)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


@pytest.mark.parametrize("target,measurement,status", [
    (number(">", 25), Measurement(date(2025, 12, 1), value=D(26)), TargetStatus.MET),
    (number(">", 25), Measurement(date(2025, 12, 1), value=D(25)), TargetStatus.NOT_MET),
    (number(">=", 5), Measurement(date(2025, 12, 1), value=D(5)), TargetStatus.MET),
    (number("=", 3), Measurement(date(2025, 12, 1), value=D(4)), TargetStatus.NOT_MET),
    (Target(6, TargetKind.PERCENTAGE, "> 70 %", ">", D(70)), Measurement(date(2025, 11, 1), value=D("70.5")),
     TargetStatus.MET),
    (Target(6, TargetKind.PERCENTAGE, "> 70 %", ">", D(70)), Measurement(date(2025, 11, 1), value=D(70)),
     TargetStatus.NOT_MET),
    (Target(6, TargetKind.RANGE, "1–2", low=D(1), high=D(2)), Measurement(date(2025, 10, 1), value=D(2)),
     TargetStatus.MET),
    (Target(6, TargetKind.RANGE, "1–2", low=D(1), high=D(2)), Measurement(date(2025, 10, 1), value=D(3)),
     TargetStatus.NOT_MET),
    (Target(6, TargetKind.MILESTONE, "Pilot igång"), Measurement(date(2025, 10, 1), milestone_reached=True),
     TargetStatus.MET),
    (Target(6, TargetKind.MILESTONE, "Pilot igång"), Measurement(date(2025, 10, 1), milestone_reached=False),
     TargetStatus.NOT_MET),
])
def test_each_kind_is_met_or_not_once_due(target, measurement, status):
    result = evaluate(target, BASELINE, [measurement], today=date(2026, 1, 15))
    assert result.status == status and result.measurement == measurement


@pytest.mark.parametrize("target", [number(">", 25), Target(6, TargetKind.RANGE, "1–2", low=D(1), high=D(2)),
                                    Target(6, TargetKind.MILESTONE, "Pilot igång"),
                                    Target(6, TargetKind.PERCENTAGE, "> 70 %", ">", D(70))])
def test_before_the_checkpoint_a_target_is_not_yet_due_and_after_it_a_missing_measurement_shows(target):
    early = Measurement(date(2025, 9, 1), value=D(99), milestone_reached=True)
    not_due = evaluate(target, BASELINE, [early], today=date(2025, 12, 30))
    assert not_due.status == TargetStatus.NOT_YET_DUE and not_due.measurement == early
    assert evaluate(target, BASELINE, [], today=date(2025, 12, 31)).status == TargetStatus.NO_MEASUREMENT


def test_the_latest_measurement_up_to_the_checkpoint_decides():
    target = number(">", 25)
    measurements = [Measurement(date(2025, 8, 1), value=D(30)), Measurement(date(2025, 12, 20), value=D(20)),
                    Measurement(date(2026, 1, 10), value=D(40))]  # after the checkpoint: counts for the next
    result = evaluate(target, BASELINE, measurements, today=date(2026, 2, 1))
    assert result.status == TargetStatus.NOT_MET and result.measurement.value == D(20)
    twelve = evaluate(number(">", 50, months=12), BASELINE, measurements, today=date(2026, 2, 1))
    assert twelve.status == TargetStatus.NOT_YET_DUE and twelve.measurement.value == D(40)


def test_a_value_missing_from_a_numeric_measurement_is_not_met():
    assert evaluate(number(), BASELINE, [Measurement(date(2025, 12, 1), milestone_reached=True)],
                    today=date(2026, 1, 1)).status == TargetStatus.NOT_MET


@pytest.mark.parametrize("kwargs", [
    {"kind": TargetKind.NUMBER, "comparison": None, "value": D(1)},
    {"kind": TargetKind.NUMBER, "comparison": "~", "value": D(1)},
    {"kind": TargetKind.PERCENTAGE, "comparison": ">", "value": D(120)},
    {"kind": TargetKind.RANGE, "low": D(3), "high": D(1)},
    {"kind": TargetKind.RANGE, "low": D(1)},
])
def test_malformed_targets_are_refused(kwargs):
    with pytest.raises(TargetError):
        Target(months=6, text="x", **kwargs)


def test_the_seed_file_holds_the_reports_plan_and_every_target_is_well_formed():
    data = yaml.safe_load((Path(__file__).parents[3] / "seed" / "data" / "competence.yaml").read_text("utf-8"))
    codes = [a["code"] for a in data["activities"]]
    expected = [f"{wp}.{n}" for wp, count in (("A", 5), ("B", 7), ("C", 5), ("D", 6)) for n in range(1, count + 1)]
    assert codes == expected
    assert len(data["kpis"]) == 11 and len(data["problem_areas"]) == 8 and len(data["use_cases"]) == 4
    assert [wp["code"] for wp in data["work_packages"]] == ["A", "B", "C", "D"]
    targets = [target_from_seed(t) for k in data["kpis"] for t in k["targets"]]
    assert {t.months for t in targets} == {6, 12, 24}
    assert {t.kind for t in targets} == set(TargetKind)
    meetings = next(k for k in data["kpis"] if k["derivable"] == "meetings_regions")
    assert [(t["months"], t["comparison"], t["value"]) for t in meetings["targets"]] == [
        (6, ">", 25), (12, ">", 50), (24, ">", 100)]


KINDS = [
    (TargetKind.NUMBER, dict(comparison=">", value=D(25)), dict(value=D(26)), dict(value=D(25))),
    (TargetKind.PERCENTAGE, dict(comparison=">", value=D(70)), dict(value=D(71)), dict(value=D(70))),
    (TargetKind.RANGE, dict(low=D(1), high=D(2)), dict(value=D(1)), dict(value=D(3))),
    (TargetKind.MILESTONE, {}, dict(milestone_reached=True), dict(milestone_reached=False)),
]


@pytest.mark.parametrize("months", [6, 12, 24])
@pytest.mark.parametrize("kind,rule,meeting,missing", KINDS)
def test_every_kind_at_every_checkpoint_in_all_four_statuses(months, kind, rule, meeting, missing):
    target = Target(months, kind, "mål", **rule)
    due = checkpoint(BASELINE, months)
    before = Measurement(add_months(due, -1), **meeting)
    assert evaluate(target, BASELINE, [before], today=add_months(due, -1)).status == TargetStatus.NOT_YET_DUE
    assert evaluate(target, BASELINE, [], today=due).status == TargetStatus.NO_MEASUREMENT
    assert evaluate(target, BASELINE, [before], today=due).status == TargetStatus.MET
    assert evaluate(target, BASELINE, [Measurement(due, **missing)], today=due).status == TargetStatus.NOT_MET
    # A measurement after the checkpoint belongs to the next one.
    late = Measurement(add_months(due, 1), **meeting)
    assert evaluate(target, BASELINE, [late], today=add_months(due, 2)).status == TargetStatus.NO_MEASUREMENT
