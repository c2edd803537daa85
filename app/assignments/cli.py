"""`flask reminders send`: remind recipients of status reports falling due. The worker also runs it
every morning (app.assignments.jobs); the command is for a run by hand. `flask maintenance recompute`:
rebuild the assignments' kept state."""

from datetime import date

import click
from flask.cli import AppGroup

from app.assignments.operations import queue_reminders, recompute_state
from app.assignments.queries import kept_state_differences
from app.core import operations as ops
from app.core import outbox, tallies

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


maintenance_cli = AppGroup("maintenance", help="Rebuild what the register keeps derived from other rows.")


@maintenance_cli.command("recompute")
@click.option("--check", is_flag=True, help="Only report kept state that differs from its sources; change nothing.")
def recompute(check: bool) -> None:
    """Rebuild each assignment's kept state (latest report, due date while open) from its rows, and the
    dashboards' kept counts (tallies) from theirs.

    The operations keep both as they write; this is for after a restore, a bulk import or a repair by
    hand. With --check it exits with status 1 when anything differs."""
    if check:
        wrong = kept_state_differences()
        for assignment_id, field, kept, derived in wrong[:50]:
            click.echo(f"assignment {assignment_id}: {field} is {kept!s}, should be {derived!s}")
        counts = {kind: tallies.differences(kind) for kind in tallies.SPECS}
        for kind, rows in counts.items():
            for scope_id, key, kept, actual in rows[:20]:
                click.echo(f"tally {kind} group {scope_id or 'all'} {key}: {kept}, should be {actual}")
        click.echo(f"{len({w[0] for w in wrong})} assignment(s) and {sum(map(len, counts.values()))} "
                   "tally count(s) differ from their sources.")
        raise SystemExit(1 if wrong or any(counts.values()) else 0)
    wrong_counts = sum(len(tallies.differences(kind)) for kind in tallies.SPECS)
    corrected = recompute_state()
    ops.commit()
    click.echo(f"{corrected} assignment(s) and {wrong_counts} tally count(s) corrected.")
