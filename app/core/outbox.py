"""The outbox: every e-mail the register sends is first a row here, written in the same transaction as
the change that causes it, so that no message is lost with a mail server that is down or a worker
that restarts. The worker (app.core.worker) delivers it after commit, and retries with back-off.

A message moves queued → sending → sent; a failed attempt makes it `retrying` with the reason and a
time for the next attempt, and after OUTBOX_MAX_ATTEMPTS it is `failed` until someone resends it.
Sending is claimed with one UPDATE, so two workers never send the same message.

What a message is for (`purpose`, `purpose_id`) lets its area learn of the outcome – a decision's
dispatch is marked sent when its message is – through handlers the area registers here; core
imports no area.
"""

import smtplib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import operations as ops
from app.core.db import enum_column
from app.core.models import LabeledEnum, utcnow
from app.extensions import db


class OutboxStatus(LabeledEnum):
    QUEUED = "queued", _l("Väntar")
    SENDING = "sending", _l("Skickas")
    RETRYING = "retrying", _l("Misslyckades – nytt försök")
    SENT = "sent", _l("Skickat")
    FAILED = "failed", _l("Misslyckades")


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)
    __permission_area__ = "governance"  # the secretariat sees and resends the outbox

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recipient: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime | None]
    resent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Whom to tell of the outcome (a registered handler), and the record it is about, for the list.
    purpose: Mapped[str] = mapped_column(sa.String(60), default="")
    purpose_id: Mapped[int | None]
    about_type: Mapped[str] = mapped_column(sa.String(60), default="")
    about_id: Mapped[int | None]

    created_by = relationship("User", foreign_keys=[created_by_id])
    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        back_populates="message", order_by="OutboxAttachment.id", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class OutboxAttachment(db.Model):
    """A file sent with a message (an invitation's .ics, a decision extract's PDF). Kept with the message,
    made when it is queued, so that a retry sends exactly what the change produced."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


class Attachment(NamedTuple):
    filename: str
    content_type: str  # "text/calendar; method=REQUEST", "application/pdf"
    content: bytes


# purpose -> (on sent, on given up): each gets the message; the area does its own writes.
_HANDLERS: dict[str, tuple[Callable | None, Callable | None]] = {}


def on_outcome(purpose: str, sent: Callable | None = None, failed: Callable | None = None) -> None:
    _HANDLERS[purpose] = (sent, failed)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def queue(recipient: str, subject: str, body: str, user=None, purpose: str = "", purpose_id: int | None = None,
          about=None, attachments: Iterable[Attachment] = ()) -> OutboxMessage:
    """Write a message to the outbox in the caller's transaction; it is sent after commit."""
    message = OutboxMessage(
        recipient=recipient.strip(), subject=" ".join(subject.split())[:300], body=body, purpose=purpose,
        purpose_id=purpose_id, created_by_id=getattr(user, "id", None), created_at=utcnow(), next_attempt_at=utcnow(),
        about_type=getattr(about, "__tablename__", ""), about_id=getattr(about, "id", None),
        attachments=[OutboxAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
                     for a in attachments])
    db.session.add(message)
    db.session.flush()
    return message


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed attempt, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def _smtp_send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config.get("MAIL_FROM", "styrregister@localhost")
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        subtype, *params = [part.strip() for part in subtype.split(";")]
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename,
                             params=dict(p.split("=", 1) for p in params if "=" in p))
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(email)


def deliver(message_id: int, now: datetime | None = None) -> OutboxStatus | None:
    """Send one message if it is due and nobody else is sending it. Returns its new status, or None
    when it was not this call's to send. Commits: this runs in the worker, outside any request."""
    now = now or utcnow()
    claimed = db.session.execute(
        sa.update(OutboxMessage).where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.RETRYING)),
            OutboxMessage.next_attempt_at <= now)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=now)).rowcount
    ops.commit()
    if not claimed:
        return None
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    try:
        if not mail_configured():
            raise OSError("MAIL_SERVER is not set")
        _smtp_send(message)
    except (OSError, smtplib.SMTPException) as err:
        gives_up = message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
        message.status = OutboxStatus.FAILED if gives_up else OutboxStatus.RETRYING
        message.last_error = f"{type(err).__name__}: {err}"[:2000]
        message.next_attempt_at = now + backoff(message.attempts)
        handler = _HANDLERS.get(message.purpose, (None, None))[1] if gives_up else None
    else:
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT, utcnow(), ""
        handler = _HANDLERS.get(message.purpose, (None, None))[0]
    if handler is not None:
        handler(message)
    ops.commit()
    return message.status


def due_ids(now: datetime | None = None, limit: int = 100) -> list[int]:
    """Messages due for an attempt; a claim left by a worker that died while sending counts again
    after ten minutes (a message may then go twice, never not at all)."""
    now = now or utcnow()
    stale = now - timedelta(minutes=10)
    db.session.execute(sa.update(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.next_attempt_at < stale)
        .values(status=OutboxStatus.RETRYING, last_error="The worker stopped while sending."))
    ops.commit()
    return list(db.session.scalars(sa.select(OutboxMessage.id).where(
        OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.RETRYING)), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def deliver_due(now: datetime | None = None) -> dict[OutboxStatus, int]:
    """Every message due now (the worker's sweep, each minute): how many ended in each status."""
    counts: dict[OutboxStatus, int] = {}
    for message_id in due_ids(now):
        status = deliver(message_id, now)
        if status is not None:
            counts[status] = counts.get(status, 0) + 1
    return counts


def resend(message: OutboxMessage, user) -> None:
    """The secretariat sends a failed message again, or one waiting for a retry now (in the request's
    transaction: the worker gets it after commit)."""
    if message.status not in (OutboxStatus.FAILED, OutboxStatus.RETRYING):
        return
    message.status, message.next_attempt_at, message.attempts = OutboxStatus.QUEUED, utcnow(), 0
    message.resent_by_id = getattr(user, "id", None)
    db.session.flush()
    db.session.info.setdefault("outbox", []).append(message)  # queued for the worker after commit


def counts_by_status() -> list[tuple[OutboxStatus, int]]:
    return list(db.session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)))
