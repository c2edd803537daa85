"""`flask reminders send`: remind recipients of status reports falling due (cron it daily)."""

import smtplib
from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.orm import selectinload

from app.assignments.models import Assignment, ReportRequest
from app.assignments.operations import REPORTABLE, mark_reminded
from app.core import operations as ops
from app.core.models import utcnow
from app.core.permissions import GOVERNING_MEMBER_ROLES
from app.decisions.operations import mail_configured, send_email
from app.extensions import db
from app.people.models import MemberRole, Membership, Person

reminders_cli = AppGroup("reminders", help="Reminders of status reports falling due.")


def due_requests(days: int, today: date) -> list[ReportRequest]:
    """Unanswered requests due within `days` (or overdue) and not reminded in the last week."""
    week_ago = utcnow() - timedelta(days=7)
    return list(db.session.scalars(sa.select(ReportRequest).join(ReportRequest.assignment).where(
        Assignment.active(), Assignment.status.in_(REPORTABLE),
        ReportRequest.answered_by_id.is_(None), ReportRequest.due_on <= today + timedelta(days=days),
        sa.or_(ReportRequest.reminded_at.is_(None), ReportRequest.reminded_at < week_ago))
        .options(selectinload(ReportRequest.assignment).selectinload(Assignment.recipient_group))))


def reporters_of(assignment: Assignment, today: date) -> list[Person]:
    """The recipient group's chair and secretary, and anyone the chair delegated reporting to."""
    chairs = db.session.scalars(sa.select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.group_id == assignment.recipient_group_id, Membership.current_criterion(today),
        Membership.role.in_([MemberRole(r) for r in GOVERNING_MEMBER_ROLES]), Person.active())).all()
    return list({p.id: p for p in [*chairs, *assignment.reporters]}.values())


@reminders_cli.command("send")
@click.option("--days", default=7, show_default=True, help="Remind of reports due within this many days.")
def send(days: int) -> None:
    """E-mail reminders when SMTP is configured; otherwise list who should be reminded."""
    today = date.today()
    requests = due_requests(days, today)
    mail = mail_configured()
    for request in requests:
        assignment = request.assignment
        people = [p for p in reporters_of(assignment, today) if p.email]
        addresses = ", ".join(p.email for p in people) or "(no e-mail address registered)"
        click.echo(f"{request.due_on.isoformat()}  {assignment.title}  ->  {addresses}")
        if mail and people:
            body = (f"Påminnelse: en statusrapport för uppdraget ”{assignment.title}” ska lämnas senast "
                    f"{request.due_on.isoformat()}.\n")
            try:
                for person in people:
                    send_email(person.email, f"Påminnelse om statusrapport: {assignment.title}", body)
            except (OSError, smtplib.SMTPException) as err:
                click.echo(f"  failed: {err}", err=True)
                continue
            mark_reminded(request, None)
            ops.commit()  # kept even if a later message fails
    ops.commit()
    click.echo(f"{len(requests)} report(s) due; " + ("reminders e-mailed." if mail else
                                                     "SMTP is not configured (MAIL_SERVER): nothing sent."))
