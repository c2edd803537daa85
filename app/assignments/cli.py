"""`flask reminders send`: remind recipients of status reports falling due. The worker also runs it
every morning (app.assignments.jobs); the command is for a run by hand."""

from datetime import date

import click
from flask.cli import AppGroup

from app.assignments.operations import queue_reminders
from app.core import operations as ops
from app.core import outbox

reminders_cli = AppGroup("reminders", help="Reminders of status reports falling due.")


@reminders_cli.command("send")
@click.option("--days", default=7, show_default=True, help="Remind of reports due within this many days.")
def send(days: int) -> None:
    """Queue e-mail reminders in the outbox when SMTP is configured; otherwise list who should be reminded."""
    listed = queue_reminders(days, date.today())
    ops.commit()
    for request, addresses in listed:
        shown = ", ".join(addresses) or "(no e-mail address registered)"
        click.echo(f"{request.due_on.isoformat()}  {request.assignment.title}  ->  {shown}")
    mail = outbox.mail_configured()
    click.echo(f"{len(listed)} report(s) due; " + ("reminders queued in the outbox." if mail else
                                                   "SMTP is not configured (MAIL_SERVER): nothing sent."))
