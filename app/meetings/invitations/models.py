"""Who was invited to a meeting, how they answered, and the meeting's calendar state (SEQUENCE, cancelled)."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import LabeledEnum, utcnow
from app.extensions import db


class InvitationAnswer(LabeledEnum):
    PENDING = "pending", _l("Inte svarat")
    ATTENDING = "attending", _l("Kommer")
    ABSENT = "absent", _l("Förhinder")


class AnsweredVia(LabeledEnum):
    LINK = "link", _l("via länken i e-posten")
    APP = "app", _l("i registret")
    SECRETARIAT = "secretariat", _l("av kansliet")


class MeetingNotice(db.Model):
    """The invitation's state for one meeting: sent, its iCalendar SEQUENCE (one higher for each update of
    date, time or place) and whether the meeting has been cancelled (ställt in)."""

    __tablename__ = "meeting_notices"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), primary_key=True)
    sequence: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    meeting = relationship("Meeting")

    def __str__(self) -> str:
        return f"{self.sequence}"


class MeetingInvitation(db.Model):
    """One person invited to one meeting (a child of the meeting: its changes are in the meeting's history)."""

    __tablename__ = "meeting_invitations"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id", name="uq_meeting_invitations_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    is_substitute: Mapped[bool] = mapped_column(default=False)  # invited in a substitute's role
    # Set when the substitute is called in because this member reported that they cannot come.
    substitute_for_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    called_in_at: Mapped[datetime | None]
    answer: Mapped[InvitationAnswer] = mapped_column(enum_column(InvitationAnswer, "invitation_answer"),
                                                     default=InvitationAnswer.PENDING)
    answered_at: Mapped[datetime | None]
    answered_via: Mapped[AnsweredVia | None] = mapped_column(enum_column(AnsweredVia, "invitation_answered_via"))
    sequence: Mapped[int] = mapped_column(default=0)  # the SEQUENCE of the last .ics sent to this person
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting = relationship("Meeting")
    person = relationship("Person", foreign_keys=[person_id])
    substitute_for = relationship("Person", foreign_keys=[substitute_for_id])

    def open_until(self) -> date:
        """The last day the answer link works: the meeting's last day."""
        return self.meeting.ends_on or self.meeting.starts_on

    def __str__(self) -> str:
        return f"{self.person}"
