"""The competence centre's business rules (app/competence/operations.py, models.py, quarters.py):
what is refused, on which field, and what is stored and logged when it is accepted."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.assignments.models import AssignmentStatus
from app.auth.models import Role
from app.competence.kpis import operations as kpi_ops
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiMeasurement, KpiTarget
from app.competence.kpis.status import follow_up, load_kpis
from app.competence.kpis.targets import TargetKind, TargetStatus
from app.competence.plan import operations as plan_ops
from app.competence.plan.models import Activity, ActivityStatus, WorkPackage, WorkPackageOwner
from app.competence.quarters import Quarter, quarter_choices, quarter_range
from app.competence.regions import operations as region_ops
from app.competence.regions.models import MaturityArea, MaturityAssessment, RegionStance, Stance
from app.competence.usecases import operations as use_case_ops
from app.competence.usecases.models import UseCase, UseCasePriorityEntry, UseCasePriorityVersion
from app.core import operations as ops
from app.core.audit import ChangeAction, history_for
from app.core.operations import BusinessRuleError
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from tests import factories as f
from tests import gov_factories as g
from tests.conftest import make_user

BASELINE = date(2025, 6, 30)
TODAY = date.today()
D = Decimal


def refused(call, *args) -> BusinessRuleError:
    with pytest.raises(BusinessRuleError) as info:
        call(*args)
    db.session.rollback()
    return info.value


@pytest.fixture
def wp(app) -> WorkPackage:
    package = ops.create(WorkPackage(), None, code="A", title="Data governance",
                         owner=WorkPackageOwner.COMPETENCE_CENTRE)
    db.session.commit()
    return package


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


# --- KPI measurements ----------------------------------------------------------------------------------

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


# --- Activities ------------------------------------------------------------------------------------------

def activity_values(wp, **values) -> dict:
    return {"code": "A.1", "work_package_id": wp.id, "area": "Planering av pilot", **values}


def activities() -> int:
    return db.session.scalar(sa.select(sa.func.count(Activity.id)))


@pytest.mark.parametrize("values,field", [
    ({"start_quarter": "2026-Q1", "end_quarter": "2025-Q4"}, "end_quarter"),
    ({"start_quarter": "2025 K3", "end_quarter": "K2 2025"}, "end_quarter"),
    ({"start_quarter": "2025-Q3", "end_quarter": "2026-Q1", "open_ended": True}, "end_quarter"),
    ({"end_quarter": "2026-Q1", "open_ended": True}, "end_quarter"),
    ({"start_quarter": "2025-Q5"}, "start_quarter"),
    ({"start_quarter": "2025-Q3", "end_quarter": "hösten"}, "end_quarter"),
    ({"responsible_group_id": 999999}, "responsible_group_id"),
    ({"responsible_person_id": 999999}, "responsible_person_id"),
    ({"assignment_id": 999999}, "assignment_id"),
])
def test_an_activity_breaking_a_rule_is_refused_on_its_field(wp, values, field):
    assert refused(plan_ops.create_activity, activity_values(wp, **values), None).field == field
    assert activities() == 0


def test_quarter_text_is_stored_in_its_canonical_form(wp):
    activity = plan_ops.create_activity(activity_values(wp, start_quarter="2025 K3", end_quarter="K1 2026"),
                                              None)
    db.session.commit()
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    assert (activity.start_quarter, activity.end_quarter) == ("2025-Q3", "2026-Q1")
    assert (activity.start, activity.end) == (Quarter(2025, 3), Quarter(2026, 1))

    plan_ops.update_activity(activity, {"start_quarter": "2026q2", "end_quarter": "2026 – Q2",
                                              "open_ended": False}, None)
    db.session.commit()
    assert (activity.start_quarter, activity.end_quarter) == ("2026-Q2", "2026-Q2")  # one quarter is fine
    plan_ops.update_activity(activity, {"start_quarter": "2025-Q3", "end_quarter": "",
                                              "open_ended": True}, None)
    db.session.commit()
    assert (activity.end_quarter, activity.open_ended) == (None, True)


def test_a_partial_update_is_checked_against_the_plan_already_stored(wp):
    activity = plan_ops.create_activity(activity_values(wp, start_quarter="2026-Q1", end_quarter="2026-Q2"),
                                              None)
    db.session.commit()
    assert refused(plan_ops.update_activity, activity, {"end_quarter": "2025-Q4"}, None).field == "end_quarter"
    assert refused(plan_ops.update_activity, activity, {"open_ended": True}, None).field == "end_quarter"
    plan_ops.update_activity(activity, {"end_quarter": "K3 2026"}, None)
    db.session.commit()
    assert (activity.start_quarter, activity.end_quarter, activity.open_ended) == ("2026-Q1", "2026-Q3", False)


def test_an_activity_code_is_unique(wp):
    plan_ops.create_activity(activity_values(wp), None)
    db.session.commit()
    assert refused(plan_ops.create_activity, activity_values(wp, area="Annan"), None).field == "code"
    other = plan_ops.create_activity(activity_values(wp, code="A.2"), None)
    db.session.commit()
    assert refused(plan_ops.update_activity, other, {"code": "A.1"}, None).field == "code"


@pytest.mark.parametrize("assignment_status,expected", [
    (AssignmentStatus.DRAFT, ActivityStatus.NOT_STARTED),
    (AssignmentStatus.COMMISSIONED, ActivityStatus.NOT_STARTED),
    (AssignmentStatus.IN_PROGRESS, ActivityStatus.ONGOING),
    (AssignmentStatus.PAUSED, ActivityStatus.PAUSED),
    (AssignmentStatus.DELIVERED, ActivityStatus.DONE),
    (AssignmentStatus.ACCEPTED, ActivityStatus.DONE),
    (AssignmentStatus.CLOSED, ActivityStatus.DONE),
    (AssignmentStatus.CANCELLED, ActivityStatus.CANCELLED),
])
def test_an_activity_carried_out_as_an_assignment_takes_its_status(wp, assignment_status, expected):
    principal, recipient = f.group("NSG Data och analys"), f.group("Kompetenscentrum")
    assignment = f.assignment(principal, recipient, status=assignment_status)
    own = ActivityStatus.PAUSED if expected != ActivityStatus.PAUSED else ActivityStatus.DONE
    activity = plan_ops.create_activity(activity_values(wp, status=own, start_quarter="2024-Q1",
                                                              end_quarter="2024-Q2", assignment_id=assignment.id),
                                              None)
    db.session.commit()
    assert activity.effective_status == expected
    # The assignment's status also decides whether the activity is late.
    assert activity.is_late(date(2025, 1, 1)) == (expected not in (ActivityStatus.DONE, ActivityStatus.CANCELLED))


def test_every_assignment_status_is_mapped():
    from app.competence.plan.models import STATUS_FROM_ASSIGNMENT

    assert set(STATUS_FROM_ASSIGNMENT) == set(AssignmentStatus)


def test_without_an_assignment_the_activity_keeps_its_own_status(wp):
    activity = plan_ops.create_activity(activity_values(wp, status=ActivityStatus.PAUSED), None)
    db.session.commit()
    assert activity.effective_status == ActivityStatus.PAUSED


@pytest.mark.parametrize("status,end,open_ended,today,late", [
    (ActivityStatus.ONGOING, "2025-Q4", False, date(2026, 1, 1), True),
    (ActivityStatus.NOT_STARTED, "2025-Q4", False, date(2026, 1, 1), True),
    (ActivityStatus.PAUSED, "2025-Q4", False, date(2026, 1, 1), True),
    (ActivityStatus.ONGOING, "2025-Q4", False, date(2025, 12, 31), False),  # the quarter's last day: not over
    (ActivityStatus.DONE, "2025-Q4", False, date(2026, 1, 1), False),
    (ActivityStatus.CANCELLED, "2025-Q4", False, date(2026, 1, 1), False),
    (ActivityStatus.ONGOING, None, True, date(2030, 1, 1), False),
    (ActivityStatus.ONGOING, None, False, date(2030, 1, 1), False),  # no end planned
])
def test_an_activity_is_late_when_its_end_quarter_is_over_and_it_is_not_finished(wp, status, end, open_ended,
                                                                                 today, late):
    activity = plan_ops.create_activity(activity_values(wp, status=status, start_quarter="2025-Q3",
                                                              end_quarter=end, open_ended=open_ended), None)
    db.session.commit()
    assert activity.is_late(today) is late


def test_an_open_ended_activity_is_never_late_even_with_an_end_quarter_left_in_it():
    # The operations refuse this combination; the model rule does not rely on that.
    activity = Activity(code="X.1", status=ActivityStatus.ONGOING, start_quarter="2024-Q1", end_quarter="2024-Q2",
                        open_ended=True)
    assert activity.is_late(date(2026, 1, 1)) is False
    activity.open_ended = False
    assert activity.is_late(date(2026, 1, 1)) is True


# --- Quarters ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,quarter", [
    ("2025-Q3", Quarter(2025, 3)),
    ("2025 K3", Quarter(2025, 3)),
    ("K3 2025", Quarter(2025, 3)),
    ("q1 2026", Quarter(2026, 1)),
    ("2026Q4", Quarter(2026, 4)),
    ("2026–K2", Quarter(2026, 2)),
    (" 2026 - q2 ", Quarter(2026, 2)),
    ("2025-Q5", None),
    ("2025-Q0", None),
    ("25-Q1", None),
    ("hösten 2025", None),
    ("", None),
    (None, None),
])
def test_quarter_parse(text, quarter):
    assert Quarter.parse(text) == quarter


def test_quarter_days_order_and_labels(app):
    q3 = Quarter(2025, 3)
    assert (q3.key, str(q3), q3.label) == ("2025-Q3", "2025-Q3", "K3 2025")
    assert (q3.first_day, q3.last_day) == (date(2025, 7, 1), date(2025, 9, 30))
    assert Quarter(2025, 1).last_day == date(2025, 3, 31)
    assert Quarter(2024, 1).first_day == date(2024, 1, 1)
    assert Quarter(2025, 2).last_day == date(2025, 6, 30)
    assert Quarter(2025, 4).last_day == date(2025, 12, 31)
    assert Quarter(2025, 4).next() == Quarter(2026, 1) and q3.next() == Quarter(2025, 4)
    assert [Quarter.of(d) for d in (date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 1), date(2025, 12, 31))] == [
        Quarter(2025, 1), Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 4)]
    assert Quarter(2025, 4) < Quarter(2026, 1) < Quarter(2026, 2)
    # The stored text sorts in the same order as the quarters.
    quarters = [Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 3)]
    assert sorted(q.key for q in quarters) == [q.key for q in sorted(quarters)]
    assert [q.key for q in quarter_range(Quarter(2025, 3), Quarter(2026, 2))] == [
        "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert quarter_range(Quarter(2026, 1), Quarter(2025, 4)) == []
    choices = quarter_choices(2025, 2026)
    assert len(choices) == 8 and choices[0] == ("2025-Q1", "K1 2025") and choices[-1] == ("2026-Q4", "K4 2026")


# --- The prioritised list of use cases -----------------------------------------------------------------------

@pytest.fixture
def cases(app) -> list[UseCase]:
    records = [ops.create(UseCase(), None, code=c, title=f"Användningsfall {c}") for c in "ABCD"]
    db.session.commit()
    return records


def adopt(ranking, day, user=None):
    version = use_case_ops.adopt_priority_list(ranking, {"adopted_on": day}, user)
    db.session.commit()
    return version


def versions() -> int:
    return db.session.scalar(sa.select(sa.func.count(UseCasePriorityVersion.id)))


def test_each_adopted_list_is_a_new_numbered_version_in_the_order_given(cases):
    a, b, c, d = cases
    first = adopt([c.id, a.id], date(2025, 10, 1))
    second = adopt([d.id, c.id, b.id, a.id], date(2026, 2, 1))
    third = adopt([b.id], date(2026, 2, 1))  # the same day as the previous one is fine
    assert [first.number, second.number, third.number] == [1, 2, 3]
    db.session.expire_all()
    second = db.session.get(UseCasePriorityVersion, second.id)
    assert [(e.position, e.use_case.code) for e in second.entries] == [(1, "D"), (2, "C"), (3, "B"), (4, "A")]
    assert [e.use_case.code for e in db.session.get(UseCasePriorityVersion, first.id).entries] == ["C", "A"]
    ranked, created = history_for(second)  # newest first: the ranking added right after the version
    assert created.changes["number"]["new"] == 2
    assert ranked.changes["entries"] == {"old": None, "new": [d.id, c.id, b.id, a.id],
                                         "new_label": "1. D, 2. C, 3. B, 4. A"}


@pytest.mark.parametrize("ranking", ["empty", "duplicate", "unknown", "archived"])
def test_a_list_that_cannot_be_a_ranking_is_refused(cases, ranking):
    a, b, *_ = cases
    g.archive(b)
    ids = {"empty": [], "duplicate": [a.id, a.id], "unknown": [a.id, 999999], "archived": [a.id, b.id]}[ranking]
    assert refused(use_case_ops.adopt_priority_list, ids, {"adopted_on": date(2025, 10, 1)}, None).field == "ranking"
    assert versions() == 0
    assert db.session.scalar(sa.select(sa.func.count(UseCasePriorityEntry.id))) == 0


def test_a_version_cannot_be_adopted_before_the_previous_one(cases):
    a, b, *_ = cases
    adopt([a.id], date(2026, 2, 1))
    error = refused(use_case_ops.adopt_priority_list, [b.id], {"adopted_on": date(2026, 1, 31)}, None)
    assert error.field == "adopted_on"
    assert versions() == 1


def test_a_version_after_an_archived_one_gets_the_next_free_number(cases):
    a, b, *_ = cases
    adopt([a.id], date(2025, 10, 1))
    g.archive(adopt([b.id], date(2026, 2, 1)))
    assert adopt([a.id, b.id], date(2026, 3, 1)).number == 3


# --- Regions: stance and data maturity ---------------------------------------------------------------------

@pytest.fixture
def orgs(app) -> dict[str, Organisation]:
    hr = f.healthcare_region()
    authority = ops.create(Organisation(), None, name="E-hälsomyndigheten", kind=OrganisationKind.AUTHORITY)
    db.session.commit()
    return {"hr": hr, "region": f.region(hr), "authority": authority}


@pytest.mark.parametrize("who", ["hr", "authority", "missing", None])
def test_a_stance_or_maturity_level_is_only_for_a_region(orgs, who):
    org_id = orgs[who].id if who in orgs else (999999 if who else None)
    stance = {"organisation_id": org_id, "stance": Stance.POSITIVE, "recorded_on": date(2025, 11, 1)}
    assert refused(region_ops.add_stance, stance, None).field == "organisation_id"
    maturity = {"organisation_id": org_id, "area": MaturityArea.DATA_QUALITY, "level": 2,
                "assessed_on": date(2025, 3, 31)}
    assert refused(region_ops.add_maturity, maturity, None).field == "organisation_id"
    assert db.session.scalar(sa.select(sa.func.count(RegionStance.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(MaturityAssessment.id))) == 0


def test_an_archived_region_takes_no_new_stance(orgs):
    ops.archive(orgs["region"], None)
    db.session.commit()
    stance = {"organisation_id": orgs["region"].id, "stance": Stance.POSITIVE, "recorded_on": date(2025, 11, 1)}
    assert refused(region_ops.add_stance, stance, None).field == "organisation_id"


@pytest.mark.parametrize("level", [0, 5, -1, None])
def test_a_maturity_level_is_1_to_4(orgs, level):
    values = {"organisation_id": orgs["region"].id, "area": MaturityArea.ORGANISATION, "level": level,
              "assessed_on": date(2025, 3, 31)}
    assert refused(region_ops.add_maturity, values, None).field == "level"
    assert db.session.scalar(sa.select(sa.func.count(MaturityAssessment.id))) == 0


def test_stances_and_maturity_cannot_be_dated_in_the_future(orgs):
    tomorrow = TODAY + timedelta(days=1)
    stance = {"organisation_id": orgs["region"].id, "stance": Stance.NEUTRAL, "recorded_on": tomorrow}
    assert refused(region_ops.add_stance, stance, None).field == "recorded_on"
    maturity = {"organisation_id": orgs["region"].id, "area": MaturityArea.DATA_QUALITY, "level": 2,
                "assessed_on": tomorrow}
    assert refused(region_ops.add_maturity, maturity, None).field == "assessed_on"


def test_valid_stances_and_levels_are_stored_and_logged(orgs):
    region = orgs["region"]
    stance = region_ops.add_stance({"organisation_id": region.id, "stance": Stance.POSITIVE,
                                        "recorded_on": TODAY, "source": "Dialogmöte"}, None)
    levels = [region_ops.add_maturity({"organisation_id": region.id, "area": area, "level": level,
                                           "assessed_on": date(2025, 3, 31)}, None)
              for area, level in zip(MaturityArea, (1, 2, 3, 4), strict=True)]
    db.session.commit()
    assert history_for(stance)[0].changes["stance"]["new"] == "positive"
    assert history_for(stance)[0].changes["organisation_id"]["new_label"] == region.name
    assert sorted(m.level for m in db.session.scalars(sa.select(MaturityAssessment))) == [1, 2, 3, 4]
    assert all(history_for(m)[0].action == ChangeAction.CREATE for m in levels)
