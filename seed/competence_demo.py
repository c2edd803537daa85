"""`flask seed --demo`, competence centre part: a fictional plan, progress, measurements, anchoring
meetings, region stances and maturity levels, so that every dashboard shows met, missed and
upcoming targets as of today.

Report 002 gives neither the quarter plan (Figure 6) nor the regions' maturity levels (Figure 4)
as text, so the seed proper leaves them empty; what is here is invented and says so.
"""

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.assignments import operations as assignment_ops
from app.assignments.models import AssignmentStatus, TrafficLight
from app.competence.kpis import operations as kpi_ops
from app.competence.kpis.models import Kpi
from app.competence.plan import operations as plan_ops
from app.competence.plan.models import Activity, ActivityStatus
from app.competence.regions import operations as region_ops
from app.competence.regions.models import MaturityArea, Stance
from app.competence.usecases import operations as use_case_ops
from app.competence.usecases.models import UseCase
from app.extensions import db
from app.meetings import operations as meeting_ops
from app.meetings.models import AttendanceStatus, Meeting
from app.organisations.models import Organisation, OrganisationKind

DEMO_PLAN_NOTE = "Demo: påhittad kvartalsplan (rapportens kvartalsplan, figur 6, finns bara som bild)."

# code: start, end (None with open-ended), status
PLAN = {
    "A.1": ("2025-Q3", "2025-Q3", ActivityStatus.DONE),
    "A.2": ("2025-Q3", "2025-Q4", ActivityStatus.DONE),
    "A.3": ("2025-Q4", "2026-Q1", ActivityStatus.DONE),
    "A.4": ("2026-Q1", "2026-Q2", ActivityStatus.ONGOING),
    "A.5": ("2026-Q2", "2026-Q3", ActivityStatus.ONGOING),
    "B.1": ("2025-Q3", "2025-Q4", ActivityStatus.DONE),
    "B.2": ("2025-Q4", "2026-Q1", ActivityStatus.DONE),
    "B.3": ("2025-Q4", "2026-Q2", ActivityStatus.DONE),
    "B.4": ("2026-Q1", "2026-Q3", ActivityStatus.ONGOING),
    "B.5": ("2025-Q3", None, ActivityStatus.ONGOING),
    "B.6": ("2025-Q3", "2026-Q2", ActivityStatus.DONE),
    "B.7": ("2026-Q1", "2026-Q4", ActivityStatus.ONGOING),
    "C.1": ("2025-Q4", "2026-Q1", ActivityStatus.DONE),
    "C.2": ("2026-Q1", "2026-Q2", ActivityStatus.PAUSED),
    "C.3": ("2026-Q2", "2026-Q3", ActivityStatus.NOT_STARTED),
    "C.4": ("2026-Q3", "2027-Q1", ActivityStatus.NOT_STARTED),
    "C.5": ("2026-Q2", "2026-Q4", ActivityStatus.NOT_STARTED),
    "D.1": ("2025-Q3", "2025-Q3", ActivityStatus.DONE),
    "D.2": ("2025-Q3", None, ActivityStatus.ONGOING),
    "D.3": ("2025-Q3", "2026-Q4", ActivityStatus.ONGOING),
    "D.4": ("2025-Q4", "2026-Q4", ActivityStatus.ONGOING),
    "D.5": ("2025-Q4", "2026-Q2", ActivityStatus.DONE),
    "D.6": ("2025-Q3", None, ActivityStatus.ONGOING),
}

# code, days before today, light, text
UPDATES = [
    ("A.4", 120, TrafficLight.ON_TRACK, "Nulägesanalys klar i pilotregionerna."),
    ("A.4", 20, TrafficLight.OFF_TRACK, "Gapanalysen försenad: en pilotregion har pausat sitt deltagande."),
    ("C.2", 60, TrafficLight.AT_RISK, "Marknadsdialogen pausad i väntan på beslut om paketering."),
    ("D.2", 30, TrafficLight.ON_TRACK, "Förankringsmöten enligt plan; fokus på regioner med lägre datamognad."),
    ("B.4", 45, TrafficLight.AT_RISK, "Datamodellen kräver fler förankringsmöten än planerat."),
]

# KPI code: (date, value) for numbers; (date, target months, reached) for milestones
MEASUREMENTS = {
    "KPI-A1": [(date(2025, 10, 15), Decimal(2), None, None)],
    "KPI-A2": [(date(2025, 11, 20), None, 6, True), (date(2026, 6, 15), None, 12, False)],
    "KPI-A3": [(date(2025, 12, 10), None, 6, True)],
    "KPI-B1": [(date(2025, 12, 20), None, 6, False)],
    "KPI-B2": [(date(2025, 12, 15), None, 6, True), (date(2026, 6, 20), None, 12, True)],
    "KPI-C1": [(date(2025, 11, 1), None, 6, True), (date(2026, 6, 25), None, 12, False)],
}

# Positive stances registered by these dates (of 21 regions): 16 → 76 % at 6 months (met, > 70),
# still 16 at 12 months (missed, > 80), 18 later (short of the 24-month > 90).
STANCE_WAVES = [(date(2025, 11, 1), 16), (date(2026, 9, 15), 18)]

# Meetings with region representatives: 28 by the 6-month checkpoint (> 25 met), 44 by 12 months
# (> 50 missed); with authorities: 4 by 6 months (> 5 missed), 12 by 12 months (> 10 met).
REGION_MEETINGS = [(date(2025, 7, 10), date(2025, 12, 20), 28), (date(2026, 1, 12), date(2026, 6, 25), 16),
                   (date(2026, 8, 20), date(2026, 11, 10), 8)]
AUTHORITY_MEETINGS = [(date(2025, 8, 1), date(2025, 12, 15), 4), (date(2026, 1, 20), date(2026, 6, 20), 8),
                      (date(2026, 9, 1), date(2026, 11, 5), 3)]


def _spread(first: date, last: date, count: int) -> list[date]:
    step = (last - first).days / max(count - 1, 1)
    return [first + timedelta(days=round(i * step)) for i in range(count)]


def load_competence_demo(seeder, people: dict) -> None:
    if db.session.scalar(sa.select(Meeting.id).where(Meeting.seed_key == "demo:kc:region:1")):
        return
    today = date.today()
    groups = seeder.groups
    centre = groups["kompetenscentrum"]
    activities = {a.code: a for a in db.session.scalars(sa.select(Activity))}
    for code, (start, end, status) in PLAN.items():
        activity = activities.get(code)
        # An activity archived in the app is left alone (update_activity refuses it).
        if activity is not None and not activity.start_quarter and not activity.is_archived:
            plan_ops.update_activity(activity, {
                "start_quarter": start, "end_quarter": end, "open_ended": end is None, "status": status,
                "plan_note": DEMO_PLAN_NOTE}, None)
    legal = assignment_ops.create_assignment(dict(
        seed_key="demo:kc-juridik", title="(demo) Juridisk utredning av användningsfallen",
        description="Fiktivt demouppdrag: aktivitet D.3 genomförs som ett uppdrag.",
        principal_group_id=groups["nsg-data-och-analys"].id, recipient_group_id=centre.id,
        start_on=date(2025, 9, 1), due_on=date(2026, 12, 15), status=AssignmentStatus.IN_PROGRESS), None)
    if "D.3" in activities and not activities["D.3"].is_archived:
        plan_ops.update_activity(activities["D.3"], {"assignment_id": legal.id}, None)
    for code, days_ago, light, text in UPDATES:
        if code in activities and not activities[code].is_archived:
            seeder._count("demo progress updates")
            plan_ops.add_activity_update(activities[code], dict(
                reported_on=today - timedelta(days=days_ago), traffic_light=light, progress=f"(demo) {text}",
                is_demo=True), None)

    kpis = {k.code: k for k in db.session.scalars(sa.select(Kpi))}
    for code, rows in MEASUREMENTS.items():
        kpi = kpis.get(code)
        if kpi is None:
            continue
        targets = {t.months: t for t in kpi.targets}
        for measured_on, value, months, reached in rows:
            if measured_on > today:
                continue
            seeder._count("demo KPI measurements")
            kpi_ops.add_measurement(kpi, dict(
                measured_on=measured_on, value=value, target_id=targets[months].id if months else None,
                milestone_reached=reached, comment="(demo) Påhittad mätning.", source="Demo", is_demo=True), None)

    regions = db.session.scalars(sa.select(Organisation).where(Organisation.kind == OrganisationKind.REGION)
                                 .order_by(Organisation.name_sort)).all()
    authorities = db.session.scalars(sa.select(Organisation).where(Organisation.kind == OrganisationKind.AUTHORITY)
                                     .order_by(Organisation.name_sort)).all()
    attendee = people["alva"]
    guest = people["jonas"]
    number = 0
    for kind, waves, orgs in (("region", REGION_MEETINGS, regions), ("authority", AUTHORITY_MEETINGS, authorities)):
        for first, last, count in waves:
            for day in _spread(first, last, count):
                if day > today:
                    continue
                number += 1
                seeder._count("demo anchoring meetings")
                org = orgs[number % len(orgs)]
                meeting = meeting_ops.create_meeting(dict(
                    seed_key=f"demo:kc:{kind}:{number}", group_id=centre.id,
                    title=f"(demo) Förankringsmöte med {org.display_name}", starts_on=day,
                    is_digital=number % 3 == 0), None)
                meeting_ops.set_attendance(meeting, dict(person_id=attendee.id, status=AttendanceStatus.PRESENT),
                                           None)
                meeting_ops.set_attendance(meeting, dict(person_id=guest.id, representing_id=org.id,
                                                         status=AttendanceStatus.PRESENT), None)

    # The first version lists the four use cases of Table 9; two demo cases join in version 2.
    use_cases = db.session.scalars(sa.select(UseCase).order_by(UseCase.code)).all()
    extra = [use_case_ops.create_use_case(dict(code=code, title=title, steps_text="", source="Demo"), None)
             for code, title in (("E-demo", "(demo) Skapa en överblick av läkemedelsförskrivning"),
                                 ("F-demo", "(demo) Följ upp väntetider till diagnostik"))]
    versions = [(date(2025, 10, 15), use_cases, "(demo) Första prioriteringen, enligt rapportens tabell 9."),
                (date(2026, 4, 20), use_cases + extra, "(demo) Två nya användningsfall efter regiondialoger.")]
    for adopted_on, ranked, note in versions:  # numbered 1, 2 … by adopt_priority_list
        use_case_ops.adopt_priority_list([use_case.id for use_case in ranked],
                                           {"adopted_on": adopted_on, "note": note}, None)

    first_wave, later_wave = STANCE_WAVES
    for index, region in enumerate(regions):
        stance = Stance.POSITIVE if index < first_wave[1] else (Stance.NEGATIVE if index % 2 else Stance.NEUTRAL)
        seeder._count("demo region stances")
        region_ops.add_stance(dict(organisation_id=region.id, stance=stance, recorded_on=first_wave[0],
                                       source="(demo) Påhittad dialoganteckning", is_demo=True), None)
    if later_wave[0] <= today:
        for region in regions[first_wave[1]:later_wave[1]]:
            seeder._count("demo region stances")
            region_ops.add_stance(dict(organisation_id=region.id, stance=Stance.POSITIVE,
                                           recorded_on=later_wave[0], source="(demo) Påhittad dialoganteckning",
                                           is_demo=True), None)

    areas = list(MaturityArea)
    for index, region in enumerate(regions):
        for area_index, area in enumerate(areas):
            seeder._count("demo maturity levels")
            level = 1 + (index * 5 + area_index * 3 + (index * area_index) % 3 + index // 4) % 4
            region_ops.add_maturity(dict(
                organisation_id=region.id, area=area, level=level, assessed_on=date(2025, 3, 31),
                source="(demo) Påhittad nivå – rapportens figur 4 finns bara som bild", is_demo=True), None)
    db.session.flush()
