"""Subscription feeds: what a user's personal feed and a group's feed hold, and their signed URLs.

A feed URL carries a token signed with the app's SECRET_KEY over (user id, generation[, group id]);
calendar programs fetch it without a session. Resetting moves the user's generation on, so every older
URL is refused; a deactivated account's feeds stop. A feed shows only what its user may view.
Each feed is a fixed number of queries, however many events it holds.
"""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from app.assignments.models import FINISHED_STATUSES, Assignment, ReportRequest, assignment_reporters
from app.calendars import ics
from app.calendars.models import CalendarFeedKey
from app.core.permissions import can, governed_group_ids
from app.extensions import db
from app.groups.models import Group
from app.meetings.invitations.models import MeetingNotice
from app.meetings.models import Meeting
from app.people.models import Membership

SALT = "calendar-feed"
HISTORY_DAYS = 180  # how far back a feed reaches


def generation(user_id: int) -> int:
    key = db.session.get(CalendarFeedKey, user_id)
    return key.generation if key is not None else 0


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(user, group_id: int | None = None) -> str:
    payload = [user.id, generation(user.id)] + ([group_id] if group_id is not None else [])
    return _serializer().dumps(payload)


def user_from_token(token: str, group_id: int | None = None):
    """The account a feed token was made for, or None: forged, from before a reset, for another group, or the
    account is deactivated."""
    from app.auth.models import User

    if not 0 < len(token) < 300:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, list) or len(payload) != (3 if group_id is not None else 2):
        return None
    if not all(isinstance(v, int) for v in payload):
        return None
    if group_id is not None and payload[2] != group_id:
        return None
    user = db.session.get(User, payload[0])
    if user is None or not user.is_active or payload[1] != generation(user.id):
        return None
    return user


# --- What a feed holds --------------------------------------------------------------------------------

def _meetings(where) -> list[Meeting]:
    since = date.today() - timedelta(days=HISTORY_DAYS)
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.active(), Meeting.upcoming(since),
                                 where)
        .options(selectinload(Meeting.group), selectinload(Meeting.agenda))
        .order_by(Meeting.starts_on, Meeting.id)))


def _states(meetings) -> dict[int, ics.MeetingState]:
    ids = [m.id for m in meetings]
    notices = db.session.scalars(sa.select(MeetingNotice).where(MeetingNotice.meeting_id.in_(ids))) if ids else []
    return {n.meeting_id: ics.MeetingState(n.sequence, n.cancelled_at is not None) for n in notices}


def _meeting_events(user, meetings):
    states = _states(meetings)
    return [ics.meeting_event(m, states.get(m.id), m.agenda)
            for m in meetings if can(user, "view", m)]


def _assignment_events(user, assignments):
    return [ics.due_event("assignment-due", a.id, a.due_on, f"Uppdrag ska vara klart: {a.title}",
                          f"Uppdragsgivare: {a.principal_group}. Mottagare: {a.recipient_group}.",
                          ics.external_url("assignments.show", record_id=a.id))
            for a in assignments if can(user, "view", a)]


def _request_events(user, requests):
    return [ics.due_event("report-request", r.id, r.due_on, f"Statusrapport senast: {r.assignment.title}",
                          f"Utskick: {r.round.title}." if r.round else "Begärd statusrapport.",
                          ics.external_url("assignments.show", record_id=r.assignment_id))
            for r in requests if can(user, "view", r.assignment)]


def _open_assignments(where):
    return list(db.session.scalars(
        sa.select(Assignment).where(Assignment.active(), Assignment.due_on.is_not(None),
                                    Assignment.status.not_in(FINISHED_STATUSES), where)
        .options(selectinload(Assignment.principal_group), selectinload(Assignment.recipient_group))
        .order_by(Assignment.due_on, Assignment.id)))


def personal_events(user) -> list:
    """Meetings of the groups where the user's person is a current member; due dates of the open assignments
    the user reports on or whose principal or recipient group they chair or are secretary of; report requests
    not yet answered for assignments they report on."""
    today = date.today()
    person_id = user.person_id
    governed = governed_group_ids(user)
    member_of = (sa.select(Membership.group_id).where(Membership.person_id == person_id,
                                                      Membership.current_criterion(today))
                 if person_id else sa.select(sa.literal(-1)).where(sa.false()))
    meetings = _meetings(Meeting.group_id.in_(member_of))
    reports_on = (sa.select(assignment_reporters.c.assignment_id).where(assignment_reporters.c.person_id == person_id)
                  if person_id else sa.select(sa.literal(-1)).where(sa.false()))
    assignments = _open_assignments(sa.or_(Assignment.id.in_(reports_on),
                                           Assignment.principal_group_id.in_(governed),
                                           Assignment.recipient_group_id.in_(governed)))
    requests = list(db.session.scalars(
        sa.select(ReportRequest).join(ReportRequest.assignment)
        .where(ReportRequest.answered_by_id.is_(None), Assignment.active(),
               ReportRequest.due_on >= today - timedelta(days=HISTORY_DAYS),
               sa.or_(Assignment.id.in_(reports_on), Assignment.recipient_group_id.in_(governed)))
        .options(selectinload(ReportRequest.assignment), selectinload(ReportRequest.round))
        .order_by(ReportRequest.due_on, ReportRequest.id)))
    return _meeting_events(user, meetings) + _assignment_events(user, assignments) + _request_events(user, requests)


def group_events(user, group: Group) -> list:
    """The group's meetings and the due dates of the open assignments it gave or received."""
    meetings = _meetings(Meeting.group_id == group.id)
    assignments = _open_assignments(sa.or_(Assignment.principal_group_id == group.id,
                                           Assignment.recipient_group_id == group.id))
    return _meeting_events(user, meetings) + _assignment_events(user, assignments)


def my_groups(user) -> list[Group]:
    """Groups whose feed the calendar page offers: where the user's person is a current member."""
    if not user.person_id:
        return []
    return list(db.session.scalars(
        sa.select(Group).join(Membership, Membership.group_id == Group.id)
        .where(Membership.person_id == user.person_id, Membership.current_criterion(date.today()), Group.active())
        .distinct().order_by(Group.name_sort)))
