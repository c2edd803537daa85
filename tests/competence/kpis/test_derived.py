"""KPIs the register counts by itself (app/competence/derived.py) and their follow-up status: each rule
against meetings, memberships, priority lists and region stances written in the test."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.competence.kpis import derived
from app.competence.kpis.derived import COMPETENCE_CENTRE_KEY, values_on
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiTarget
from app.competence.kpis.status import follow_up, load_kpis, next_checkpoint_months, status_counts
from app.competence.kpis.targets import TargetKind, TargetStatus, checkpoint
from app.competence.plan.models import WorkPackage, WorkPackageOwner
from app.competence.regions import operations as region_ops
from app.competence.regions.models import RegionStance, Stance
from app.competence.usecases import operations as use_case_ops
from app.competence.usecases.models import UseCase
from app.core import operations as ops
from app.extensions import db
from app.groups.models import GroupType, Level
from app.meetings import operations as meeting_ops
from app.meetings.models import AttendanceStatus, Meeting
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import MemberRole
from tests import factories as f
from tests import gov_factories as g

BASELINE = date(2025, 6, 30)
SIX, TWELVE, TWENTY_FOUR = (checkpoint(BASELINE, m) for m in (6, 12, 24))
REGIONS = KpiDerivation.MEETINGS_REGIONS
AUTHORITIES = KpiDerivation.MEETINGS_AUTHORITIES
PRESENT, ABSENT, SUBSTITUTE = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.SUBSTITUTE
D = Decimal


def organisation(name: str, kind: OrganisationKind, **values) -> Organisation:
    org = ops.create(Organisation(), None, name=name, kind=kind, **values)
    db.session.commit()
    return org


def centre_group():
    return f.group("Regiongemensamt kompetenscentrum för vårddata", GroupType.COMPETENCE_CENTRE, Level.NATIONAL,
                   seed_key=COMPETENCE_CENTRE_KEY)


def meeting(group, day: date, *attendees) -> Meeting:
    """A meeting of `group` on `day`; attendees are (person, representing organisation or None, status)."""
    m = g.meeting(group, starts_on=day)
    for person, representing, status, *substitute_for in attendees:
        meeting_ops.set_attendance(m, {"person_id": person.id,
                                       "representing_id": representing.id if representing else None,
                                       "status": status,
                                       "substitute_for_id": substitute_for[0].id if substitute_for else None}, None)
    db.session.commit()
    return m


def counts(derivation, *days, baseline=BASELINE) -> list[Decimal]:
    values = values_on(derivation, baseline, days)
    return [values[d] for d in days]


# --- Meetings with regions and authorities ---------------------------------------------------------

class MeetingWorld:
    def __init__(self):
        self.centre = centre_group()
        self.other_group = f.group("NSG Data och analys")
        self.hr = f.healthcare_region("Sjukvårdsregion Norr", "Norr")
        self.region = f.region(self.hr, "Region Norrbotten")
        self.authority = organisation("Socialstyrelsen", OrganisationKind.AUTHORITY)
        self.company = organisation("Ett konsultbolag AB", OrganisationKind.COMPANY)
        self.association = organisation("Sveriges Kommuner och Regioner", OrganisationKind.ASSOCIATION)
        self.regional = f.person("Rut Regionsson", organisation_id=self.region.id)
        self.official = f.person("Mats Myndighetsson", organisation_id=self.authority.id)
        self.consultant = f.person("Kim Konsult", organisation_id=self.company.id)
        self.orgless = f.person("Olle Organisationslös")


@pytest.fixture
def w(app) -> MeetingWorld:
    return MeetingWorld()


def test_someone_present_for_a_region_or_a_healthcare_region_makes_a_region_meeting(w):
    meeting(w.centre, date(2025, 8, 1), (w.consultant, w.region, PRESENT))
    meeting(w.centre, date(2025, 9, 1), (w.consultant, w.hr, PRESENT))
    meeting(w.centre, date(2025, 10, 1), (w.consultant, w.authority, PRESENT))
    meeting(w.centre, date(2025, 11, 1), (w.consultant, w.association, PRESENT))
    assert counts(REGIONS, date(2025, 12, 31)) == [2]
    assert counts(AUTHORITIES, date(2025, 12, 31)) == [1]


def test_without_representation_the_persons_own_organisation_counts(w):
    meeting(w.centre, date(2025, 8, 1), (w.regional, None, PRESENT))     # own organisation: a region
    meeting(w.centre, date(2025, 9, 1), (w.official, None, PRESENT))     # own organisation: an authority
    meeting(w.centre, date(2025, 10, 1), (w.consultant, None, PRESENT))  # a company: neither
    meeting(w.centre, date(2025, 11, 1), (w.orgless, None, PRESENT))     # no organisation at all: neither
    assert counts(REGIONS, date(2025, 12, 31)) == [1]
    assert counts(AUTHORITIES, date(2025, 12, 31)) == [1]


def test_representation_decides_over_the_persons_own_organisation(w):
    # A region's employee who attends for an authority makes an authority meeting, not a region meeting.
    meeting(w.centre, date(2025, 8, 1), (w.regional, w.authority, PRESENT))
    assert counts(REGIONS, date(2025, 12, 31)) == [0]
    assert counts(AUTHORITIES, date(2025, 12, 31)) == [1]


def test_absent_attendees_do_not_count_and_serving_substitutes_do(w):
    meeting(w.centre, date(2025, 8, 1), (w.regional, None, ABSENT), (w.consultant, None, PRESENT))
    meeting(w.centre, date(2025, 9, 1), (w.official, w.authority, ABSENT))
    meeting(w.centre, date(2025, 10, 1), (w.regional, w.authority, SUBSTITUTE, w.official))
    assert counts(REGIONS, date(2025, 12, 31)) == [0]
    assert counts(AUTHORITIES, date(2025, 12, 31)) == [1]


def test_a_meeting_with_both_a_region_and_an_authority_counts_once_for_each(w):
    meeting(w.centre, date(2025, 8, 1), (w.regional, None, PRESENT), (w.official, None, PRESENT),
            (w.consultant, w.hr, PRESENT))
    assert counts(REGIONS, date(2025, 12, 31)) == [1]  # two present for regions: still one meeting
    assert counts(AUTHORITIES, date(2025, 12, 31)) == [1]


def test_centre_staff_are_excluded_only_on_the_days_they_are_members(w):
    """The membership is checked against each meeting's own day, not any meeting's."""
    f.membership(w.centre, w.regional, MemberRole.MEMBER, start=date(2025, 9, 1), end=date(2025, 9, 30))
    meeting(w.centre, date(2025, 8, 15), (w.regional, None, PRESENT))  # not yet staff: counts for the region
    meeting(w.centre, date(2025, 9, 15), (w.regional, None, PRESENT))  # the centre's own staff that day
    assert counts(REGIONS, date(2025, 8, 31), date(2025, 12, 31)) == [1, 1]
    derived_kpi()  # the maturity page counts per region from the earliest KPI baseline, by the same rule
    assert derived.meetings_per_organisation([w.region.id], date(2025, 12, 31)) == {w.region.id: 1}


def test_archived_meetings_other_groups_and_meetings_before_the_baseline_are_not_counted(w):
    meeting(w.centre, date(2025, 6, 29), (w.regional, None, PRESENT), (w.official, None, PRESENT))
    on_baseline = meeting(w.centre, BASELINE, (w.regional, None, PRESENT), (w.official, None, PRESENT))
    archived = meeting(w.centre, date(2025, 8, 1), (w.regional, None, PRESENT), (w.official, None, PRESENT))
    g.archive(archived)
    meeting(w.other_group, date(2025, 9, 1), (w.regional, None, PRESENT), (w.official, None, PRESENT))
    meeting(w.centre, date(2025, 10, 1))  # nobody registered
    assert counts(REGIONS, date(2025, 12, 31)) == [1]
    assert counts(AUTHORITIES, date(2025, 12, 31)) == [1]
    behind = db.session.scalars(derived.meetings_behind(REGIONS, BASELINE, date(2025, 12, 31))).all()
    assert [m.id for m in behind] == [on_baseline.id]


def test_counts_as_of_several_dates(w):
    for day in (date(2025, 7, 1), date(2025, 9, 15), date(2025, 12, 30), date(2026, 3, 1)):
        meeting(w.centre, day, (w.regional, None, PRESENT))
    meeting(w.centre, date(2025, 10, 1), (w.official, None, PRESENT))
    meeting(w.centre, date(2026, 2, 1), (w.official, None, PRESENT))
    days = [date(2025, 6, 30), date(2025, 7, 1), date(2025, 9, 14), date(2025, 12, 30), date(2025, 12, 31),
            date(2027, 1, 1)]
    assert counts(REGIONS, *days) == [0, 1, 1, 3, 3, 4]
    assert counts(AUTHORITIES, *days) == [0, 0, 0, 1, 1, 2]
    # A later baseline leaves out what came before it.
    assert counts(REGIONS, date(2027, 1, 1), baseline=date(2025, 9, 15)) == [3]
    behind = db.session.scalars(derived.meetings_behind(REGIONS, BASELINE, date(2025, 12, 30))).all()
    assert [m.starts_on for m in behind] == [date(2025, 12, 30), date(2025, 9, 15), date(2025, 7, 1)]


def test_without_the_competence_centre_group_meetings_and_staffing_are_zero(app):
    other = f.group("NSG Data och analys")
    region = f.region(f.healthcare_region())
    person = f.person(organisation_id=region.id)
    meeting(other, date(2025, 8, 1), (person, None, PRESENT))
    f.membership(other, person, start=date(2025, 1, 1))
    assert derived.competence_centre_group() is None
    for derivation in (REGIONS, AUTHORITIES, KpiDerivation.STAFFING):
        assert counts(derivation, date(2025, 12, 31)) == [0]
    assert values_on(REGIONS, BASELINE, []) == {}


# --- Staffing ----------------------------------------------------------------------------------------

def test_staffing_counts_people_with_a_membership_current_on_the_day(app):
    centre = centre_group()
    other = f.group("NSG Data och analys")
    anna, bo, cia, dan, eva, fia = (f.person(name) for name in (
        "Anna Analys", "Bo Bemanning", "Cia Senare", "Dan Arkiverad", "Eva Annangrupp", "Fia Tillsvidare"))
    f.membership(centre, anna, MemberRole.MEMBER, start=date(2025, 1, 1))
    f.membership(centre, anna, MemberRole.CHAIR, start=date(2025, 3, 1))  # two roles: one person
    f.membership(centre, bo, start=date(2025, 1, 1), end=date(2025, 6, 30))
    f.membership(centre, cia, start=date(2025, 9, 1))
    g.archive(f.membership(centre, dan, start=date(2025, 1, 1)))
    f.membership(other, eva, start=date(2025, 1, 1))
    f.membership(centre, fia, start=None)

    days = [date(2024, 12, 31), date(2025, 6, 30), date(2025, 7, 1), date(2025, 9, 1)]
    assert counts(KpiDerivation.STAFFING, *days) == [1, 3, 2, 3]
    behind = db.session.scalars(derived.memberships_behind(date(2025, 7, 1))).all()
    assert {m.person.name for m in behind} == {"Anna Analys", "Fia Tillsvidare"}
    assert len(behind) == 3  # Anna's two memberships are both listed behind the number 2


# --- Use cases prioritised -----------------------------------------------------------------------------

def use_cases(n: int) -> list[UseCase]:
    cases = [ops.create(UseCase(), None, code=f"UC{i}", title=f"Användningsfall {i}") for i in range(1, n + 1)]
    db.session.commit()
    return cases


def adopt(cases, day: date, note=""):
    version = use_case_ops.adopt_priority_list([c.id for c in cases], {"adopted_on": day, "note": note}, None)
    db.session.commit()
    return version


def test_use_cases_prioritised_are_those_of_the_latest_version_adopted_by_the_day(app):
    uc = use_cases(5)
    adopt(uc[:2], date(2025, 10, 1))
    adopt(uc[:3], date(2026, 2, 1))
    g.archive(adopt(uc, date(2026, 3, 1)))  # an archived version is ignored
    days = [date(2025, 9, 30), date(2025, 10, 1), date(2026, 1, 31), date(2026, 2, 1), date(2026, 6, 1)]
    assert counts(KpiDerivation.USE_CASES_PRIORITISED, *days) == [0, 2, 2, 3, 3]
    assert derived.priority_version_behind(date(2026, 6, 1)).number == 2
    assert derived.priority_version_behind(date(2025, 9, 30)) is None


def test_the_latest_version_counts_even_when_it_is_shorter_and_adopted_the_same_day(app):
    uc = use_cases(3)
    adopt(uc, date(2025, 10, 1))
    second = adopt(uc[:1], date(2025, 10, 1))
    assert counts(KpiDerivation.USE_CASES_PRIORITISED, date(2025, 10, 1)) == [1]
    assert derived.priority_version_behind(date(2025, 10, 1)).id == second.id


# --- Share of regions positive -------------------------------------------------------------------------

def stance(region, stance_: Stance, day: date) -> RegionStance:
    s = region_ops.add_stance({"organisation_id": region.id, "stance": stance_, "recorded_on": day}, None)
    db.session.commit()
    return s


def test_share_of_regions_positive_uses_each_regions_latest_stance_of_active_regions(app):
    hr = f.healthcare_region()
    r1, r2, r3, r4, r5 = (f.region(hr, f"Region {n}") for n in ("Ett", "Två", "Tre", "Fyra", "Fem"))
    stance(r1, Stance.POSITIVE, date(2025, 8, 1))
    stance(r1, Stance.NEGATIVE, date(2026, 1, 10))  # changed its mind
    stance(r2, Stance.NEUTRAL, date(2025, 8, 1))
    stance(r2, Stance.POSITIVE, date(2026, 1, 10))
    g.archive(stance(r3, Stance.POSITIVE, date(2025, 9, 1)))  # archived: as if never registered
    stance(r4, Stance.POSITIVE, date(2026, 1, 10))
    stance(r5, Stance.POSITIVE, date(2025, 8, 1))
    g.archive(r5)  # an archived region counts neither above nor below the line
    # A stance on a healthcare region (not writable through the app) never counts either.
    ops.create(RegionStance(), None, organisation_id=hr.id, stance=Stance.POSITIVE, recorded_on=date(2025, 8, 1))
    db.session.commit()

    days = [date(2025, 7, 31), date(2025, 8, 1), date(2025, 9, 1), date(2026, 1, 9), date(2026, 1, 10)]
    assert counts(KpiDerivation.REGIONS_POSITIVE, *days) == [D("0.0"), D("25.0"), D("25.0"), D("25.0"), D("50.0")]
    behind = {region.name: s.stance if s else None for region, s in derived.stances_behind(date(2026, 1, 9))}
    assert behind == {"Region Ett": Stance.POSITIVE, "Region Två": Stance.NEUTRAL, "Region Tre": None,
                      "Region Fyra": None}


@pytest.mark.parametrize("regions,positive,share", [
    (16, 1, D("6.3")),  # 6.25 rounds half up, not to the even 6.2
    (16, 5, D("31.3")),
    (3, 2, D("66.7")),
    (3, 1, D("33.3")),
    (4, 4, D("100.0")),
])
def test_share_of_regions_positive_is_rounded_half_up_to_one_decimal(app, regions, positive, share):
    hr = f.healthcare_region()
    orgs = [f.region(hr, f"Region {i:02}") for i in range(regions)]
    for region in orgs[:positive]:
        stance(region, Stance.POSITIVE, date(2025, 8, 1))
    for region in orgs[positive:positive + 1]:
        stance(region, Stance.NEGATIVE, date(2025, 8, 1))
    assert counts(KpiDerivation.REGIONS_POSITIVE, date(2025, 12, 31)) == [share]


def test_share_of_regions_positive_without_regions_is_zero(app):
    assert counts(KpiDerivation.REGIONS_POSITIVE, date(2025, 12, 31)) == [D(0)]


# --- Follow-up of a derived KPI ------------------------------------------------------------------------

def derived_kpi(derivation=REGIONS, targets=((6, ">", 2), (12, ">", 5), (24, ">", 10)),
                measure=KpiMeasure.NUMBER, code="KPI-T1") -> Kpi:
    wp = db.session.scalar(sa.select(WorkPackage).where(WorkPackage.code == "D")) or ops.create(
        WorkPackage(), None, code="D", title="Kompetenscentrumets uppdrag", owner=WorkPackageOwner.COMPETENCE_CENTRE)
    kpi = ops.create(Kpi(), None, code=code, work_package_id=wp.id, indicator="Möten", measure=measure,
                     baseline_date=BASELINE, derivation=derivation)
    kind = TargetKind.PERCENTAGE if measure == KpiMeasure.PERCENTAGE else TargetKind.NUMBER
    for months, comparison, value in targets:
        ops.create(KpiTarget(), None, kpi_id=kpi.id, months=months, kind=kind, comparison=comparison,
                   value=D(value), text=f"{comparison}{value}")
    db.session.commit()
    return kpi


def one(kpi: Kpi, today: date):
    db.session.expire_all()
    [result] = follow_up(load_kpis(Kpi.id == kpi.id), today=today)
    return result


@pytest.fixture
def meetings_kpi(w):
    """Region meetings: 3 by the 6-month checkpoint (one on that very day), 5 by the 12-month one, 11 by
    2026-09-01 and one more after it."""
    for day in (date(2025, 8, 1), date(2025, 10, 1), SIX, SIX + timedelta(days=1), date(2026, 3, 1),
                date(2026, 7, 1), date(2026, 7, 15), date(2026, 8, 1), date(2026, 8, 10), date(2026, 8, 20),
                date(2026, 9, 1), date(2026, 10, 1)):
        meeting(w.centre, day, (w.regional, None, PRESENT))
    return derived_kpi()


def test_follow_up_of_a_derived_kpi_at_passed_and_future_checkpoints(meetings_kpi):
    result = one(meetings_kpi, today=date(2026, 9, 1))
    six, twelve, twenty_four = result.at(6), result.at(12), result.at(24)

    assert (six.due, six.status, six.actual.value) == (SIX, TargetStatus.MET, D(3))
    assert six.actual.measured_on == SIX and six.met_today is None
    assert (twelve.due, twelve.status, twelve.actual.value) == (TWELVE, TargetStatus.NOT_MET, D(5))
    assert (twenty_four.due, twenty_four.status) == (TWENTY_FOUR, TargetStatus.NOT_YET_DUE)
    assert twenty_four.actual == result.current
    assert (result.current.measured_on, result.current.value) == (date(2026, 9, 1), D(11))
    assert twenty_four.met_today is True  # 11 > 10 already, though not yet due

    # The series runs month by month from the baseline to today and never ahead of it.
    assert result.series[0].measured_on == BASELINE and result.series[-1].measured_on == date(2026, 9, 1)
    assert all(a.measured_on < b.measured_on for a, b in zip(result.series, result.series[1:], strict=False))
    assert all(a.value <= b.value for a, b in zip(result.series, result.series[1:], strict=False))
    assert status_counts([result], 12)[TargetStatus.NOT_MET] == 1
    assert next_checkpoint_months(BASELINE, date(2026, 9, 1)) == 24


def test_follow_up_before_a_checkpoint_says_whether_todays_value_would_meet_it(meetings_kpi):
    result = one(meetings_kpi, today=date(2026, 5, 1))
    assert result.at(6).status == TargetStatus.MET
    twelve = result.at(12)
    assert twelve.status == TargetStatus.NOT_YET_DUE
    assert twelve.actual.value == D(5) and twelve.met_today is False  # 5 is not > 5
    assert result.at(24).met_today is False

    early = one(meetings_kpi, today=SIX - timedelta(days=1))
    assert early.at(6).status == TargetStatus.NOT_YET_DUE
    assert early.at(6).actual.value == D(2) and early.at(6).met_today is False
    assert next_checkpoint_months(BASELINE, SIX) == 6
    assert next_checkpoint_months(BASELINE, SIX + timedelta(days=1)) == 12


def test_follow_up_of_a_derived_percentage_and_a_checkpoint_without_target(app):
    hr = f.healthcare_region()
    regions = [f.region(hr, f"Region {i}") for i in range(4)]
    for region in regions[:3]:
        stance(region, Stance.POSITIVE, date(2025, 11, 1))
    stance(regions[0], Stance.NEGATIVE, date(2026, 3, 1))
    kpi = derived_kpi(KpiDerivation.REGIONS_POSITIVE, targets=((6, ">", 70), (24, ">", 90)),
                      measure=KpiMeasure.PERCENTAGE, code="KPI-T2")
    result = one(kpi, today=date(2026, 8, 1))
    assert (result.at(6).status, result.at(6).actual.value) == (TargetStatus.MET, D("75.0"))
    assert result.at(12).target is None and result.at(12).status is None
    assert result.at(24).status == TargetStatus.NOT_YET_DUE and result.at(24).met_today is False
    assert result.current.value == D("50.0")
