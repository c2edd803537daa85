"""The outbox: mail is written in the same transaction as the change that causes it, sent after
commit by the worker, retried with back-off when the mail server is down and delivered exactly once
when it is up again; the secretariat sees it all and can resend. Against a real SMTP server, and
once with the real worker process."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.auth.models import Role
from app.core import outbox
from app.core.models import utcnow
from app.core.outbox import OutboxMessage, OutboxStatus
from app.decisions import operations as decision_ops
from app.decisions.models import DecisionDispatch, DispatchStatus
from app.extensions import db
from tests import gov_factories as g
from tests.conftest import RunningSMTPServer


def dispatch_world():
    w = g.world()
    d = g.decision(w.principal, "Beslut om hjärtsviktsrutin")
    g.dispatch(d, "Region Uppsala", "registrator@regionuppsala.se")
    return d


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_message_is_written_with_the_change_and_lost_with_it(app, mail):
    d = dispatch_world()
    decision_ops.send_dispatches(d, "Beslutet bifogas.", None)
    db.session.rollback()  # the change did not happen: nor does its mail
    assert messages() == []
    decision_ops.send_dispatches(db.session.get(type(d), d.id), "Beslutet bifogas.", None)
    db.session.commit()
    [message] = messages()
    assert message.status == OutboxStatus.QUEUED and mail.messages == []  # nothing sent inside the request


def test_a_mail_server_that_is_down_then_up_gets_the_message_exactly_once(app, mail, login_as):
    d = dispatch_world()
    keeper = login_as(Role.SECRETARIAT)
    keeper.post(f"/decisions/{d.id}/dispatch/send", {}, form_url=f"/decisions/{d.id}")
    port = mail.port
    mail.stop()

    assert outbox.deliver_due() == {OutboxStatus.RETRYING: 1}
    [message] = messages()
    assert message.attempts == 1 and "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow()  # not again at once: back-off
    page = keeper.get("/outbox/?status=retrying").get_data(as_text=True)
    assert "registrator@regionuppsala.se" in page and "Misslyckades – nytt försök" in page
    assert "ConnectionRefusedError" in page
    assert outbox.deliver_due() == {}  # not due yet

    again = RunningSMTPServer(port)
    try:
        later = utcnow() + timedelta(minutes=2)
        assert outbox.deliver_due(later) == {OutboxStatus.SENT: 1}
        assert outbox.deliver_due(later + timedelta(hours=2)) == {}
        assert outbox.deliver(message.id, later + timedelta(hours=2)) is None  # a second worker gets nothing
    finally:
        again.stop()
    assert [to for _frm, to, _m in again.messages] == [["registrator@regionuppsala.se"]]
    assert db.session.scalars(sa.select(DecisionDispatch)).one().status == DispatchStatus.SENT


def test_after_the_last_attempt_it_is_failed_until_resent(app, mail, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 1)
    d = dispatch_world()
    decision_ops.send_dispatches(d, "Beslutet bifogas.", None)
    db.session.commit()
    port = mail.port
    mail.stop()
    assert outbox.deliver_due() == {OutboxStatus.FAILED: 1}
    assert outbox.deliver_due(utcnow() + timedelta(days=1)) == {}  # given up: no more attempts by itself
    [message] = messages()
    keeper = login_as(Role.SECRETARIAT)
    page = keeper.get("/outbox/?status=failed").get_data(as_text=True)
    assert "Skicka igen" in page and "ConnectionRefusedError" in page

    again = RunningSMTPServer(port)
    try:
        keeper.post(f"/outbox/{message.id}/resend", form_url="/outbox/")
        assert messages()[0].status == OutboxStatus.QUEUED and messages()[0].resent_by_id == keeper.user.id
        assert outbox.deliver_due() == {OutboxStatus.SENT: 1}
    finally:
        again.stop()
    assert len(again.messages) == 1


def test_only_the_secretariat_sees_the_outbox(app, login_as):
    outbox.queue("registrator@example.se", "Beslut", "Personlig text")
    db.session.commit()
    for role in (Role.READER, Role.COMPETENCE_CENTRE):
        assert login_as(role).get("/outbox/").status_code == 403
    page = login_as(Role.SECRETARIAT).get("/outbox/").get_data(as_text=True)
    assert "registrator@example.se" in page and "Väntar" in page


@pytest.fixture
def worker(app, database_url, huey_url, tmp_path, mail):
    """The real worker process (huey_consumer) on the suite's database and queue."""
    env = dict(os.environ, DATABASE_URL=database_url, HUEY_URL=huey_url, SECRET_KEY="w" + os.urandom(32).hex(),
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail.port), SECURITY_LOG_FILE=str(tmp_path / "security.log"))
    env.pop("FLASK_DEBUG", None)
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        process = subprocess.Popen([str(Path(sys.executable).parent / "huey_consumer"), "app.worker.huey",
                                    "--workers", "1", "--delay", "0.1"], cwd=Path(__file__).parents[1], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    yield process, log
    process.terminate()
    process.wait(timeout=20)


def test_the_worker_sends_what_a_request_committed(app, mail, worker, login_as):
    d = dispatch_world()
    keeper = login_as(Role.SECRETARIAT)
    keeper.post(f"/decisions/{d.id}/dispatch/send", {}, form_url=f"/decisions/{d.id}")
    deadline = time.monotonic() + 30
    while not mail.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    process, log = worker
    assert mail.messages, log.read_text()[-3000:]
    assert mail.messages[0][2]["Subject"] == "Beslut om hjärtsviktsrutin"
    deadline = time.monotonic() + 10
    while messages()[0].status != OutboxStatus.SENT and time.monotonic() < deadline:
        time.sleep(0.2)
    assert messages()[0].status == OutboxStatus.SENT
    assert db.session.scalars(sa.select(DecisionDispatch)).one().status == DispatchStatus.SENT
    assert process.poll() is None


def test_attachments_are_kept_with_the_message_and_sent_with_it(app, mail):
    outbox.queue("ledamot@example.se", "Kallelse", "Välkommen.", attachments=[
        outbox.Attachment("mote.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
        outbox.Attachment("kallelse.pdf", "application/pdf", b"%PDF-1.7 test")])
    db.session.commit()
    assert outbox.deliver_due() == {OutboxStatus.SENT: 1}
    [(_sender, _to, received)] = mail.messages
    parts = {part.get_filename(): part for part in received.iter_attachments()}
    assert parts["mote.ics"].get_content_type() == "text/calendar"
    assert parts["mote.ics"].get_param("method") == "REQUEST"
    assert parts["mote.ics"].get_content().startswith("BEGIN:VCALENDAR")
    assert parts["kallelse.pdf"].get_content() == b"%PDF-1.7 test"
