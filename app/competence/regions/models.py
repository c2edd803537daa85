"""The regions' stance to a common health-data hub and their data maturity (002 §2.3.2)."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.competence.common import AREA
from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, RecordPage
from app.extensions import db


class Stance(LabeledEnum):
    POSITIVE = "positive", _l("Positiv")
    NEUTRAL = "neutral", _l("Avvaktande")
    NEGATIVE = "negative", _l("Negativ")


class MaturityArea(LabeledEnum):
    DATA_QUALITY = "data_quality", _l("Datakvalitet")
    DATA_GOVERNANCE = "data_governance", _l("Data governance")
    TECHNICAL_PLATFORM = "technical_platform", _l("Teknisk plattform")
    ORGANISATION = "organisation", _l("Organisation")


MATURITY_LEVELS = (1, 2, 3, 4)
# A region whose mean level is at most this counts as less mature (D.2: engage them most).
LESS_MATURE_AT_MOST = Decimal("2")


class RegionStance(AuditedMixin, db.Model):
    """A region's stance to a common health-data hub on a date (the latest one counts)."""

    __tablename__ = "region_stances"
    __record_page__ = RecordPage("competence.stances", id_attr=None)
    __table_args__ = (
        # A region's latest stance on a day: one step back from the day (regions/queries.py).
        sa.Index("ix_region_stances_latest", "organisation_id", "recorded_on", "id", "archived_at", "stance"),
        # Every registration, newest first, a page at a time.
        sa.Index("ix_region_stances_list_order", "recorded_on", "id", "archived_at"),
    )
    __permission_area__ = AREA
    __field_labels__ = {"is_demo": _l("Demodata"), "organisation_id": _l("Region"), "stance": _l("Inställning"),
                        "recorded_on": _l("Datum"), "source": _l("Källa"), "note": _l("Kommentar")}

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    stance: Mapped[Stance] = mapped_column(enum_column(Stance, "stance"))
    recorded_on: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    organisation = relationship("Organisation")

    def __str__(self) -> str:
        return f"{self.organisation} {self.recorded_on.isoformat()}"


class MaturityAssessment(AuditedMixin, db.Model):
    """A region's data-maturity level (1–4) in one area on a date (002 §2.3.2)."""

    __tablename__ = "maturity_assessments"
    __record_page__ = RecordPage("competence.maturity", id_attr=None)
    __table_args__ = (
        sa.CheckConstraint("level BETWEEN 1 AND 4", name="level_1_to_4"),
        # A region's latest level in an area on a day: one step back from the day (regions/queries.py).
        sa.Index("ix_maturity_assessments_latest", "organisation_id", "area", "assessed_on", "id", "archived_at"),
    )
    __permission_area__ = AREA
    __field_labels__ = {"is_demo": _l("Demodata"), "organisation_id": _l("Region"), "area": _l("Område"),
                        "level": _l("Nivå"),
                        "assessed_on": _l("Datum"), "source": _l("Källa")}

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    area: Mapped[MaturityArea] = mapped_column(enum_column(MaturityArea, "maturity_area"))
    level: Mapped[int]
    assessed_on: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    organisation = relationship("Organisation")

    def __str__(self) -> str:
        return f"{self.organisation} {self.area.label} {self.level}"
