"""KPIs the register counts by itself, with the rule as users read it.

Each rule computes its value for several dates at once in one query, the database counting per date
(a region's latest stance on a date is one step back in an index), so that a dashboard costs the same
however many meetings, memberships or stances there are.
"""

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.competence.kpis.models import Kpi, KpiDerivation
from app.competence.regions import queries as region_queries
from app.competence.regions.models import RegionStance
from app.competence.usecases.models import UseCasePriorityEntry, UseCasePriorityVersion
from app.core.db import PerDay
from app.core.models import current_on
from app.extensions import db
from app.groups.models import Group
from app.meetings.models import Attendance, AttendanceStatus, Meeting
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import Membership, Person

COMPETENCE_CENTRE_KEY = "group:kompetenscentrum"

RULES = {
    KpiDerivation.MEETINGS_REGIONS: _l(
        "Antal möten som gruppen Kompetenscentrum har haft från baslinjen till och med dagen, där minst en "
        "närvarande deltagare (eller tjänstgörande ersättare) företräder en region eller sjukvårdsregion. "
        "Företräder deltagaren ingen organisation på mötet räknas hens egen organisation, utom för Kompetenscentrums "
        "egna medlemmar. Arkiverade möten räknas inte."),
    KpiDerivation.MEETINGS_AUTHORITIES: _l(
        "Antal möten som gruppen Kompetenscentrum har haft från baslinjen till och med dagen, där minst en "
        "närvarande deltagare (eller tjänstgörande ersättare) företräder en myndighet. Företräder deltagaren "
        "ingen organisation på mötet räknas hens egen organisation, utom för Kompetenscentrums egna medlemmar. "
        "Arkiverade möten räknas inte."),
    KpiDerivation.USE_CASES_PRIORITISED: _l(
        "Antal användningsfall i den senaste versionen av den prioriterade listan som fastställts senast "
        "dagen."),
    KpiDerivation.STAFFING: _l(
        "Antal personer med ett medlemskap i gruppen Kompetenscentrum som gäller dagen (oavsett roll)."),
    KpiDerivation.REGIONS_POSITIVE: _l(
        "Andel av registrets regioner vars senaste registrerade inställning, senast dagen, är positiv till en "
        "ny regiongemensam vårddatahubb. Regioner utan registrerad inställning räknas som inte positiva."),
}


def competence_centre_group() -> Group | None:
    return db.session.scalar(sa.select(Group).where(Group.seed_key == COMPETENCE_CENTRE_KEY))


def attendee_organisation(group_id: int):
    """The organisation an attendee is counted for: the one they represent at the meeting, else
    their own – unless they are a member of the centre itself on the day (its own staff)."""
    # Correlated to the attendance and meeting of the enclosing query, however deep this CASE sits: left
    # to auto-correlation, a query that only joins meetings further out would count *any* meeting's day.
    centre_member = sa.exists(sa.select(Membership.id).where(
        Membership.person_id == Attendance.person_id, Membership.group_id == group_id, Membership.active(),
        sa.or_(Membership.start_on.is_(None), Membership.start_on <= Meeting.starts_on),
        sa.or_(Membership.end_on.is_(None), Membership.end_on >= Meeting.starts_on)).correlate_except(Membership))
    return sa.case((Attendance.representing_id.is_not(None), Attendance.representing_id),
                   (centre_member, None), else_=Person.organisation_id)


# Who took part: present, or a substitute attending in someone's place.
TOOK_PART = (AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE)


def _centre_meeting(group_id: int, baseline: date):
    return sa.and_(Meeting.group_id == group_id, Meeting.active(), Meeting.starts_on >= baseline)


def _meetings_with(kinds: tuple[OrganisationKind, ...], group_id: int, baseline: date):
    """Criterion: the meeting is the centre's, since the baseline, with someone present for `kinds`."""
    org_id = attendee_organisation(group_id)
    attendee = (sa.select(Attendance.id)
                .join(Person, Person.id == Attendance.person_id)
                .join(Organisation, Organisation.id == org_id)
                .where(Attendance.meeting_id == Meeting.id, Attendance.status.in_(TOOK_PART),
                       Organisation.kind.in_(kinds)))
    return sa.and_(_centre_meeting(group_id, baseline), sa.exists(attendee))


def _organisation_meetings(group_id: int, org_ids: list[int], day: date):
    """The centre's meetings since the earliest KPI baseline up to `day` with someone taking part for
    one of `org_ids` (the region-meetings rule, per organisation): (organisation id, meeting) rows."""
    baseline = db.session.scalar(sa.select(sa.func.min(Kpi.baseline_date))) or day
    org_id = attendee_organisation(group_id)
    return (sa.select(org_id.label("organisation_id"), Meeting.id.label("meeting_id"))
            .select_from(Meeting).join(Attendance, Attendance.meeting_id == Meeting.id)
            .join(Person, Person.id == Attendance.person_id)
            .where(_centre_meeting(group_id, baseline), Meeting.starts_on <= day, Attendance.status.in_(TOOK_PART),
                   org_id.in_(org_ids)))


def meetings_per_organisation(org_ids: list[int], day: date) -> dict[int, int]:
    """How many of the centre's meetings each of `org_ids` took part in (_organisation_meetings; one query)."""
    group = competence_centre_group()
    if group is None:
        return {}
    rows = _organisation_meetings(group.id, org_ids, day).subquery()
    return dict(db.session.execute(sa.select(rows.c.organisation_id, sa.func.count(sa.distinct(rows.c.meeting_id)))
                                   .group_by(rows.c.organisation_id)).all())


def meetings_of_organisation(org_id: int, day: date):
    """Select of the meetings meetings_per_organisation counts for `org_id`, newest first."""
    group = competence_centre_group()
    if group is None:
        return sa.select(Meeting).where(sa.false())
    ids = _organisation_meetings(group.id, [org_id], day).with_only_columns(Meeting.id)
    return sa.select(Meeting).where(Meeting.id.in_(ids)).order_by(Meeting.starts_on.desc(), Meeting.id.desc())


MEETING_KINDS = {
    KpiDerivation.MEETINGS_REGIONS: (OrganisationKind.REGION, OrganisationKind.HEALTHCARE_REGION),
    KpiDerivation.MEETINGS_AUTHORITIES: (OrganisationKind.AUTHORITY,),
}


def _centre():
    # The centre's id inside the statement that needs it: no query of its own (a dashboard asks per rule).
    return sa.select(Group.id).where(Group.seed_key == COMPETENCE_CENTRE_KEY).scalar_subquery()


def _meeting_counts_statement(kinds: tuple[OrganisationKind, ...]) -> PerDay:
    return PerDay(lambda days: sa.select(*(
        sa.func.coalesce(sa.func.sum(sa.case((Meeting.starts_on <= day, 1), else_=0)), 0) for day in days))
        .where(_meetings_with(kinds, _centre(), sa.bindparam("baseline"))))


_MEETING_COUNTS = {derivation: _meeting_counts_statement(kinds) for derivation, kinds in MEETING_KINDS.items()}

# Without a centre (a register seeded without it) every count is 0: nothing matches its group.
_STAFFING = PerDay(lambda days: sa.select(*(
    sa.func.count(sa.distinct(sa.case((current_on(Membership.start_on, Membership.end_on, day),
                                        Membership.person_id)))) for day in days))
    .where(Membership.group_id == _centre(), Membership.active()))


def _meeting_counts(derivation, baseline: date, days: list[date]) -> dict[date, Decimal]:
    row = _MEETING_COUNTS[derivation].one(db.session, days, baseline=baseline)
    return {d: Decimal(int(n)) for d, n in zip(days, row, strict=True)}


def _staffing(days: list[date]) -> dict[date, Decimal]:
    row = _STAFFING.one(db.session, days)
    return {d: Decimal(int(n)) for d, n in zip(days, row, strict=True)}


def _latest_version():
    """The latest adopted active priority-list version (by day, then number), for the caller to narrow."""
    return sa.select(UseCasePriorityVersion).where(UseCasePriorityVersion.active()).order_by(
        UseCasePriorityVersion.adopted_on.desc(), UseCasePriorityVersion.number.desc()).limit(1)


def _entries_on(day):
    version = _latest_version().where(UseCasePriorityVersion.adopted_on <= day) \
        .with_only_columns(UseCasePriorityVersion.id).scalar_subquery()
    return sa.select(sa.func.count(UseCasePriorityEntry.id)).where(
        UseCasePriorityEntry.version_id == version).scalar_subquery()


_USE_CASES_PRIORITISED = PerDay(lambda days: sa.select(*(_entries_on(day) for day in days)))


def _use_cases_prioritised(days: list[date]) -> dict[date, Decimal]:
    row = _USE_CASES_PRIORITISED.one(db.session, days)
    return {day: Decimal(n or 0) for day, n in zip(days, row, strict=True)}


def _regions_positive(days: list[date]) -> dict[date, Decimal]:
    regions, positive = region_queries.positive_counts(days)
    result = {}
    for day in days:
        share = Decimal(100 * positive[day]) / regions if regions else Decimal(0)
        result[day] = share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return result


def values_on(derivation: KpiDerivation, baseline: date, days: Iterable[date]) -> dict[date, Decimal]:
    """The derived KPI's value as of each of `days` (one or two queries, whatever the data)."""
    days = sorted(set(days))
    if not days:
        return {}
    if derivation in MEETING_KINDS:
        return _meeting_counts(derivation, baseline, days)
    if derivation == KpiDerivation.STAFFING:
        return _staffing(days)
    if derivation == KpiDerivation.USE_CASES_PRIORITISED:
        return _use_cases_prioritised(days)
    return _regions_positive(days)


# --- The records behind a number (the "show me" link of a derived KPI)

def meetings_behind(derivation: KpiDerivation, baseline: date, day: date):
    """Select of the meetings counted for `day`, newest first (paginated by the caller)."""
    group = competence_centre_group()
    if group is None:
        return sa.select(Meeting).where(sa.false())
    return (sa.select(Meeting).where(_meetings_with(MEETING_KINDS[derivation], group.id, baseline),
                                     Meeting.starts_on <= day)
            .order_by(Meeting.starts_on.desc(), Meeting.id.desc()))


def memberships_behind(day: date):
    group = competence_centre_group()
    if group is None:
        return sa.select(Membership).where(sa.false())
    return (sa.select(Membership).join(Person, Person.id == Membership.person_id)
            .options(selectinload(Membership.person))
            .where(Membership.group_id == group.id, Membership.active(),
                   current_on(Membership.start_on, Membership.end_on, day))
            .order_by(Person.name_sort, Membership.id))


def priority_version_behind(day: date) -> UseCasePriorityVersion | None:
    return db.session.scalar(_latest_version().where(UseCasePriorityVersion.adopted_on <= day))


def stances_behind(day: date) -> list[tuple[Organisation, RegionStance | None]]:
    """Every region with its latest stance on `day` (None: no stance registered)."""
    return region_queries.latest_stances(day)
