"""Fixtures shared by the competence centre's tests: a world of a work package with activities and KPIs
(the pages' tests), a work package alone (the rules' tests), and a signed-in member of the centre."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from app.auth.models import Role
from app.competence.kpis.models import Kpi, KpiDerivation, KpiMeasure, KpiTarget
from app.competence.kpis.targets import TargetKind
from app.competence.plan.models import Activity, ActivityStatus, WorkPackage, WorkPackageOwner
from app.competence.quarters import Quarter
from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db
from app.groups.models import GroupType
from app.meetings.models import Attendance, AttendanceStatus, Meeting
from tests import factories as f

BASELINE = date(2025, 6, 30)
TODAY = date.today()


class World:
    """A work package with activities, a numeric, a percentage, a milestone and a derived KPI."""

    def __init__(self):
        self.hr = f.healthcare_region()
        self.region = f.region(self.hr)
        self.centre = f.group("Kompetenscentrum", GroupType.COMPETENCE_CENTRE, seed_key="group:kompetenscentrum")
        self.package = ops.create(WorkPackage(), None, code="A", title="Data governance",
                                  owner=WorkPackageOwner.COMPETENCE_CENTRE)
        past = Quarter.of(TODAY - timedelta(days=200))
        self.late = self.activity("A.1", start=past.key, end=past.key, status=ActivityStatus.ONGOING)
        self.done = self.activity("A.2", start=past.key, end=past.key, status=ActivityStatus.DONE)
        self.unplanned = self.activity("A.3")
        self.count = self.kpi("KPI-1", KpiMeasure.NUMBER, [(6, TargetKind.NUMBER, ">", D(25), "> 25"),
                                                            (12, TargetKind.NUMBER, ">", D(50), "> 50")])
        self.share = self.kpi("KPI-2", KpiMeasure.PERCENTAGE, [(6, TargetKind.PERCENTAGE, ">", D(70), "> 70 %")])
        self.pilot = self.kpi("KPI-3", KpiMeasure.MILESTONE, [(6, TargetKind.MILESTONE, None, None, "Pilot igång")])
        self.meetings = self.kpi("KPI-4", KpiMeasure.NUMBER, [(6, TargetKind.NUMBER, ">", D(0), "> 0")],
                                 derivation=KpiDerivation.MEETINGS_REGIONS)
        self.staffing = self.kpi("KPI-5", KpiMeasure.NUMBER, [(6, TargetKind.NUMBER, ">=", D(3), "3 pers")],
                                 derivation=KpiDerivation.STAFFING)
        self.adopted = date(2025, 9, 1)
        db.session.commit()

    def activity(self, code, start=None, end=None, status=ActivityStatus.NOT_STARTED, **values):
        values = {"area": f"Område {code}", "text": "Text"} | values
        return ops.create(Activity(), None, code=code, work_package_id=self.package.id, start_quarter=start,
                          end_quarter=end, status=status, **values)

    def kpi(self, code, measure, targets, derivation=None):
        kpi = ops.create(Kpi(), None, code=code, work_package_id=self.package.id, indicator=f"Indikator {code}",
                         measure=measure, baseline_date=BASELINE, derivation=derivation)
        for months, kind, comparison, value, text in targets:
            ops.create(KpiTarget(), None, kpi_id=kpi.id, months=months, kind=kind, comparison=comparison,
                       value=value, text=text)
        return kpi

    def region_meeting(self, day, person=None):
        person = person or f.person(f"Deltagare {day}")
        meeting = ops.create(Meeting(), None, group_id=self.centre.id, title=f"Förankring {day}", starts_on=day)
        db.session.add(Attendance(meeting_id=meeting.id, person_id=person.id, representing_id=self.region.id,
                                  status=AttendanceStatus.PRESENT))
        db.session.commit()
        return meeting


@pytest.fixture
def world(app):
    return World()


@pytest.fixture
def centre_staff(login_as):
    return login_as(Role.COMPETENCE_CENTRE)


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
