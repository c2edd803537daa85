import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, NamedMixin, RecordPage, SeededMixin
from app.extensions import db


class OrganisationKind(LabeledEnum):
    HEALTHCARE_REGION = "healthcare_region", _l("Sjukvårdsregion")
    REGION = "region", _l("Region")
    AUTHORITY = "authority", _l("Myndighet")
    ASSOCIATION = "association", _l("Förbund eller förening")
    COMPANY = "company", _l("Bolag")
    UNIVERSITY = "university", _l("Lärosäte")
    MUNICIPALITY = "municipality", _l("Kommun")
    OTHER = "other", _l("Annan organisation")


class Organisation(AuditedMixin, SeededMixin, NamedMixin, db.Model):
    """A healthcare region, a region (belonging to a healthcare region) or another organisation."""

    __tablename__ = "organisations"
    __record_page__ = RecordPage("organisations.show")
    __table_args__ = (sa.UniqueConstraint("name", name="uq_organisations_name"),)
    __permission_area__ = "structure"
    __field_labels__ = {
        "name": _l("Namn"),
        "short_name": _l("Kortnamn"),
        "kind": _l("Typ"),
        "healthcare_region_id": _l("Sjukvårdsregion"),
        "population_millions": _l("Invånare (miljoner)"),
        "note": _l("Anteckning"),
        "registry_format": _l("Format för diarienummer"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "organisation_kind"))
    healthcare_region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    population_millions: Mapped[float | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The organisation's registry-number series, e.g. "RS {year}-{number:05d}" (app.organisations.registry);
    # empty: no series, numbers are typed by hand.
    registry_format: Mapped[str] = mapped_column(sa.String(60), default="")

    healthcare_region = relationship("Organisation", remote_side=[id], back_populates="regions")
    regions = relationship("Organisation", back_populates="healthcare_region",
                           order_by="Organisation.name_sort")

    @property
    def is_healthcare_region(self) -> bool:
        return self.kind == OrganisationKind.HEALTHCARE_REGION


class RegistryCounter(db.Model):
    """The last number taken in an organisation's registry series in one year. Not a record anyone edits:
    a counter, moved by one UPDATE … RETURNING per number reserved (app.decisions.operations), so that two
    saves at the same moment never get the same number."""

    __tablename__ = "registry_counters"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", name="uq_registry_counters_organisation_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)
