"""The background worker: Huey, with its queue in SQLite under instance/ by default (`HUEY_URL` set to
redis://… when several app servers share one). It delivers the outbox after each commit, sweeps it
every minute for retries, refreshes the database's statistics every night, and runs the areas'
scheduled jobs (e.g. daily report reminders).

Run it with `huey_consumer app.worker.huey` (make run and make serve start it). A job that fails to be
queued is no loss: the outbox row stays and the next sweep sends it.
"""

import logging
import os
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

from app.core.outbox import OutboxMessage

logger = logging.getLogger(__name__)

# Jobs areas schedule: (crontab keyword arguments, name, function run in an app context).
SCHEDULED: list[tuple[dict, str, Callable]] = []


def scheduled(name: str, **when):
    """Register an area's job, e.g. `@scheduled("report reminders", hour="7", minute="0")`."""
    def register(fn):
        SCHEDULED.append((when, name, fn))
        return fn
    return register


def make_huey(app: Flask):
    url = app.config.get("HUEY_URL") or ""
    if app.testing and not url:
        return MemoryHuey("styrregister")  # a test's own app: nothing written under instance/
    if url.startswith("redis"):
        return RedisHuey("styrregister", url=url)
    path = url.removeprefix("sqlite:///") if url else os.path.join(app.instance_path, "huey.db")
    return SqliteHuey("styrregister", filename=path)


def _refresh_statistics() -> None:
    from app.core.db import refresh_statistics
    from app.extensions import db

    refresh_statistics(db.engine)


def init_app(app: Flask) -> None:
    huey = make_huey(app)
    app.extensions["huey"] = huey

    def in_app(fn):
        def run(*args):
            with app.app_context():
                return fn(*args)
        run.__name__ = fn.__name__
        return run

    from app.core import outbox

    deliver_task = huey.task(retries=0, name="deliver")(in_app(outbox.deliver))
    huey.periodic_task(crontab(minute="*"), name="sweep outbox")(in_app(outbox.deliver_due))
    huey.periodic_task(crontab(hour="3", minute="30"), name="database statistics")(in_app(_refresh_statistics))
    for when, name, fn in SCHEDULED:
        huey.periodic_task(crontab(**when), name=name)(in_app(fn))
    app.extensions["deliver_task"] = deliver_task
    _send_after_commit()


def _send_after_commit() -> None:
    """Queue delivery of the outbox rows a transaction wrote, once it has committed (never before:
    the worker must find them). Registered once; the app's own task is looked up when it fires."""
    from flask import current_app, has_app_context

    from app.extensions import db

    if getattr(_send_after_commit, "done", False):
        return
    _send_after_commit.done = True

    @sa.event.listens_for(db.session, "after_flush")
    def collect(session, _context):
        new = [o for o in session.new if isinstance(o, OutboxMessage)]
        if new:
            session.info.setdefault("outbox", []).extend(new)

    @sa.event.listens_for(db.session, "after_commit")
    def enqueue(session):
        messages = session.info.pop("outbox", [])
        task = current_app.extensions.get("deliver_task") if has_app_context() else None
        for message in messages if task is not None else []:
            try:
                task(message.id)
            except Exception:  # the queue is down: the sweep sends it later
                logger.warning("could not queue outbox message %s", message.id, exc_info=True)

    @sa.event.listens_for(db.session, "after_rollback")
    def forget(session):
        session.info.pop("outbox", None)
