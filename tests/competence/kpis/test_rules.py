"""The KPIs' business rules (app/competence/kpis/operations.py): which measurements are refused, on which
field, and what is stored and logged when one is accepted."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.auth.models import Role
from app.competence.kpis import operations as kpi_ops
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.status import follow_up, load_kpis
from app.competence.kpis.targets import TargetKind, TargetStatus
from app.core import operations as ops
from app.core.audit import ChangeAction, history_for
from app.extensions import db
from tests import gov_factories as g
from tests.competence.conftest import BASELINE, TODAY, refused
from tests.conftest import make_user

D = Decimal


def kpi(wp, code, measure, targets=(), derivation=None) -> Kpi:
    record = ops.create(Kpi(), None, code=code, work_package_id=wp.id, indicator=code, measure=measure,
                        baseline_date=BASELINE, derivation=derivation)
    for months, kind, values in targets:
        ops.create(KpiTarget(), None, kpi_id=record.id, months=months, kind=kind, **values)
    db.session.commit()
    return record


@pytest.fixture
def kpis(wp):
    return {
        "number": kpi(wp, "KPI-N", KpiMeasure.NUMBER,
                      [(6, TargetKind.RANGE, {"low": D(1), "high": D(2), "text": "1-2"})]),
        "percentage": kpi(wp, "KPI-P", KpiMeasure.PERCENTAGE,
                          [(6, TargetKind.PERCENTAGE, {"comparison": ">", "value": D(70), "text": ">70%"})]),
        "milestone": kpi(wp, "KPI-M", KpiMeasure.MILESTONE,
                         [(6, TargetKind.MILESTONE, {"text": "Pilot igång"}),
                          (12, TargetKind.MILESTONE, {"text": "Pilot avslutad"})]),
        "other_milestone": kpi(wp, "KPI-O", KpiMeasure.MILESTONE, [(6, TargetKind.MILESTONE, {"text": "Påbörjad"})]),
        "derived": kpi(wp, "KPI-D", KpiMeasure.NUMBER,
                       [(6, TargetKind.NUMBER, {"comparison": ">", "value": D(25), "text": ">25"})],
                       derivation=KpiDerivation.MEETINGS_REGIONS),
    }


def target(record: Kpi, months: int) -> KpiTarget:
    return next(t for t in record.targets if t.months == months)


def measurements() -> int:
    return db.session.scalar(sa.select(sa.func.count(KpiMeasurement.id)))


@pytest.mark.parametrize("which,values,field", [
    ("number", {"measured_on": BASELINE - timedelta(days=1), "value": D(1)}, "measured_on"),
    ("number", {"measured_on": TODAY + timedelta(days=1), "value": D(1)}, "measured_on"),
    ("percentage", {"measured_on": BASELINE, "value": D("100.01")}, "value"),
    ("number", {"measured_on": BASELINE, "value": D(-1)}, "value"),
    ("percentage", {"measured_on": BASELINE, "value": D("-0.5")}, "value"),
    ("number", {"measured_on": BASELINE}, "value"),  # no value at all
    ("number", {"measured_on": BASELINE, "value": D(1), "milestone_reached": True}, "value"),
    ("number", {"measured_on": BASELINE, "value": D(1), "milestone_reached": False}, "value"),
    ("milestone", {"measured_on": BASELINE, "value": D(1), "milestone_reached": True, "target": 6}, "value"),
    ("milestone", {"measured_on": BASELINE, "milestone_reached": True}, "target_id"),
    ("milestone", {"measured_on": BASELINE, "milestone_reached": True, "target_id": 999999}, "target_id"),
    ("milestone", {"measured_on": BASELINE, "target": 6}, "milestone_reached"),
])
def test_a_measurement_breaking_a_rule_is_refused_on_its_field(kpis, which, values, field):
    values = dict(values)
    if "target" in values:
        values["target_id"] = target(kpis[which], values.pop("target")).id
    error = refused(kpi_ops.add_measurement, kpis[which], values, None)
    assert error.field == field
    assert measurements() == 0


def test_a_milestone_measurement_on_a_numeric_kpi_is_refused_on_value(kpis):
    # A numeric KPI's measurement naming a milestone target: refused, and the message asks for a value.
    values = {"measured_on": BASELINE, "value": D(1), "target_id": target(kpis["number"], 6).id}
    assert refused(kpi_ops.add_measurement, kpis["number"], values, None).field == "value"
    assert measurements() == 0


def test_a_milestone_target_of_another_kpi_is_refused(kpis):
    values = {"measured_on": BASELINE, "milestone_reached": True,
              "target_id": target(kpis["other_milestone"], 6).id}
    assert refused(kpi_ops.add_measurement, kpis["milestone"], values, None).field == "target_id"
    # Nor may a numeric KPI's target stand in for a milestone.
    values["target_id"] = target(kpis["number"], 6).id
    assert refused(kpi_ops.add_measurement, kpis["milestone"], values, None).field == "target_id"
    assert measurements() == 0


def test_a_derived_kpi_takes_no_typed_measurement(kpis):
    error = refused(kpi_ops.add_measurement, kpis["derived"], {"measured_on": BASELINE, "value": D(30)}, None)
    assert error.field is None  # a rule of the KPI, not of one field
    assert "räknas fram" in str(error.message)
    assert measurements() == 0


def test_boundaries_are_accepted(kpis):
    for which, values in (("number", {"measured_on": BASELINE, "value": D(0)}),
                          ("percentage", {"measured_on": TODAY, "value": D(100)}),
                          ("milestone", {"measured_on": BASELINE, "milestone_reached": False,
                                         "target_id": target(kpis["milestone"], 12).id})):
        kpi_ops.add_measurement(kpis[which], values, None)
    db.session.commit()
    assert measurements() == 3


def test_a_valid_measurement_is_stored_and_logged(kpis):
    user = make_user("kompetens", Role.COMPETENCE_CENTRE)
    m = kpi_ops.add_measurement(kpis["percentage"], {"measured_on": date(2025, 11, 1), "value": D("72.5"),
                                                            "comment": "Enkät", "source": "Protokoll"}, user)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(KpiMeasurement, m.id)
    assert (stored.kpi_id, stored.measured_on, stored.value) == (kpis["percentage"].id, date(2025, 11, 1), D("72.5"))
    assert stored.entered_by.username == "kompetens"
    [entry] = history_for(stored)
    assert entry.action == ChangeAction.CREATE and entry.user_id == user.id
    assert D(entry.changes["value"]["new"]) == D("72.5")
    assert entry.changes["measured_on"]["new"] == "2025-11-01"
    assert entry.changes["comment"]["new"] == "Enkät"

    milestone = kpi_ops.add_measurement(kpis["milestone"], {
        "measured_on": date(2025, 12, 1), "milestone_reached": True, "target_id": target(kpis["milestone"], 6).id},
        user)
    db.session.commit()
    [entry] = history_for(milestone)
    assert entry.changes["milestone_reached"]["new"] is True
    assert entry.changes["target_id"]["new_label"] == "KPI-M: Pilot igång"


def test_a_milestone_counts_only_for_its_own_target(kpis):
    milestone = kpis["milestone"]
    kpi_ops.add_measurement(milestone, {"measured_on": date(2025, 11, 1), "milestone_reached": True,
                                               "target_id": target(milestone, 6).id}, None)
    db.session.commit()
    [result] = follow_up(load_kpis(Kpi.id == milestone.id), today=date(2026, 7, 15))
    assert result.at(6).status == TargetStatus.MET
    assert result.at(12).status == TargetStatus.NO_MEASUREMENT  # the 6-month milestone does not meet it
    assert result.at(12).actual is None

    kpi_ops.add_measurement(milestone, {"measured_on": date(2026, 6, 1), "milestone_reached": False,
                                               "target_id": target(milestone, 12).id}, None)
    db.session.commit()
    db.session.expire_all()
    [result] = follow_up(load_kpis(Kpi.id == milestone.id), today=date(2026, 7, 15))
    assert result.at(6).status == TargetStatus.MET  # a later "not reached" for 12 months leaves 6 alone
    assert result.at(12).status == TargetStatus.NOT_MET
    assert result.at(12).actual.measured_on == date(2026, 6, 1)


def test_an_archived_measurement_does_not_count(kpis):
    number = kpis["number"]
    good = kpi_ops.add_measurement(number, {"measured_on": date(2025, 10, 1), "value": D(2)}, None)
    kpi_ops.add_measurement(number, {"measured_on": date(2025, 9, 1), "value": D(5)}, None)
    db.session.commit()
    g.archive(good)
    db.session.expire_all()
    [result] = follow_up(load_kpis(Kpi.id == number.id), today=date(2026, 1, 15))
    assert result.at(6).status == TargetStatus.NOT_MET and result.at(6).actual.value == D(5)
