"""The assignments area's scheduled job: report reminders every morning, in the worker."""

from datetime import date

from app.assignments.operations import queue_reminders
from app.core import operations as ops
from app.core.worker import scheduled


@scheduled("report reminders", hour="7", minute="0")
def remind_of_reports() -> None:
    queue_reminders(7, date.today())
    ops.commit()
