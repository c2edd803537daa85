from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import enum_column
from app.core.models import AuditedMixin, LabeledEnum, NamedMixin, RecordPage, SeededMixin, is_current
from app.extensions import db


class GroupType(LabeledEnum):
    SKS = "SKS", _l("Styrgrupp för kunskapsstyrning (SKS)")
    NSG = "NSG", _l("Nationell samverkansgrupp (NSG)")
    NPO = "NPO", _l("Nationellt programområde (NPO)")
    NAG = "NAG", _l("Nationell arbetsgrupp (NAG)")
    RPO = "RPO", _l("Sjukvårdsregionalt programområde (RPO)")
    RSG = "RSG", _l("Sjukvårdsregional samverkansgrupp (RSG)")
    RAG = "RAG", _l("Sjukvårdsregional arbetsgrupp (RAG)")
    LPO = "LPO", _l("Lokalt programområde (LPO)")
    LSG = "LSG", _l("Lokal samverkansgrupp (LSG)")
    SOR = "SOR", _l("Samordningsråd (SOR)")
    RPT = "RPT", _l("Regionalt processteam (RPT)")
    REFERENCE_GROUP = "REFERENCE_GROUP", _l("Referensgrupp")
    STEERING_GROUP = "STEERING_GROUP", _l("Styrgrupp")
    MANAGEMENT_GROUP = "MANAGEMENT_GROUP", _l("Ledningsgrupp")
    BOARD = "BOARD", _l("Nämnd")
    DIRECTORS_GROUP = "DIRECTORS_GROUP", _l("Direktörsgrupp")
    NETWORK = "NETWORK", _l("Nätverk")
    SECRETARIAT = "SECRETARIAT", _l("Kansli")
    FOCUS_AREA = "FOCUS_AREA", _l("Fokusområde")
    WORKING_GROUP = "WORKING_GROUP", _l("Arbetsgrupp")
    COMPETENCE_CENTRE = "COMPETENCE_CENTRE", _l("Kompetenscentrum")
    OTHER = "OTHER", _l("Annan grupp")


class Level(LabeledEnum):
    NATIONAL = "national", _l("Nationell")
    HEALTHCARE_REGIONAL = "healthcare_regional", _l("Sjukvårdsregional")
    REGIONAL = "regional", _l("Regional")
    LOCAL = "local", _l("Lokal")


class RelationKind(LabeledEnum):
    STEERING_GROUP_OF = "steering_group_of", _l("är styrgrupp för")
    COMMITTEE_TO = "committee_to", _l("är utskott till")
    GIVES_INPUT_TO = "gives_input_to", _l("ger inspel till")
    NOMINATES_TO = "nominates_to", _l("nominerar ledamöter till")
    MIRRORS = "mirrors", _l("speglar")
    PART_OF = "part_of", _l("ingår i")


# How a relation reads from the other end, on the target group's page.
REVERSE_LABELS = {
    RelationKind.STEERING_GROUP_OF: _l("har styrgrupp"),
    RelationKind.COMMITTEE_TO: _l("har utskott"),
    RelationKind.GIVES_INPUT_TO: _l("får inspel från"),
    RelationKind.NOMINATES_TO: _l("får ledamöter nominerade av"),
    RelationKind.MIRRORS: _l("speglas av"),
    RelationKind.PART_OF: _l("omfattar"),
}
# Relations that form the organisation chart: parent = the steering/receiving end.
HIERARCHY_KINDS = (RelationKind.STEERING_GROUP_OF, RelationKind.COMMITTEE_TO, RelationKind.PART_OF)


class HostingStatus(LabeledEnum):
    ACTIVE = "active", _l("Aktivt")
    DORMANT = "dormant", _l("Vilande")


class Group(AuditedMixin, SeededMixin, NamedMixin, db.Model):
    __tablename__ = "groups"
    __record_page__ = RecordPage("groups.show")
    __permission_area__ = "structure"
    __group_actions__ = frozenset({"edit", "add_member"})
    __field_labels__ = {
        "name": _l("Namn"),
        "short_name": _l("Kortnamn"),
        "type": _l("Typ"),
        "level": _l("Nivå"),
        "healthcare_region_id": _l("Sjukvårdsregion"),
        "region_id": _l("Region"),
        "focus_area_id": _l("Fokusområde"),
        "mandate": _l("Mandat"),
        "formed_on": _l("Bildad"),
        "wound_up_on": _l("Avvecklad"),
        "proposed": _l("Förslag (ännu ej inrättad)"),
        "source": _l("Källa"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[GroupType] = mapped_column(enum_column(GroupType, "group_type"), index=True)
    level: Mapped[Level] = mapped_column(enum_column(Level, "group_level"), index=True)
    healthcare_region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    focus_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id"))
    mandate: Mapped[str] = mapped_column(sa.Text, default="")
    formed_on: Mapped[date | None]
    wound_up_on: Mapped[date | None]
    proposed: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(sa.String(200), default="")

    healthcare_region = relationship("Organisation", foreign_keys=[healthcare_region_id])
    region = relationship("Organisation", foreign_keys=[region_id])
    focus_area = relationship("Group", remote_side=[id], foreign_keys=[focus_area_id])
    memberships = relationship("Membership", back_populates="group")
    outgoing = relationship("GroupRelation", foreign_keys="GroupRelation.source_id",
                            back_populates="source")
    incoming = relationship("GroupRelation", foreign_keys="GroupRelation.target_id",
                            back_populates="target")

    @property
    def governing_group_id(self) -> int:
        return self.id

    def is_active_on(self, on: date) -> bool:
        return not self.proposed and is_current(self.formed_on, self.wound_up_on, on)

    @property
    def is_wound_up(self) -> bool:
        return self.wound_up_on is not None and self.wound_up_on <= date.today()

    def __str__(self) -> str:
        return self.name or ""


class GroupRelation(AuditedMixin, db.Model):
    """A typed link between two groups, read as "source <kind> target"."""

    __tablename__ = "group_relations"
    __record_page__ = RecordPage("groups.show_relation")
    __table_args__ = (sa.CheckConstraint("source_id <> target_id", name="not_self"),)
    __permission_area__ = "structure"
    __field_labels__ = {
        "source_id": _l("Grupp"),
        "kind": _l("Relation"),
        "target_id": _l("Till grupp"),
        "valid_from": _l("Från"),
        "valid_to": _l("Till"),
        "note": _l("Anteckning"),
        "source_doc": _l("Källa"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"), index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"), index=True)
    kind: Mapped[RelationKind] = mapped_column(enum_column(RelationKind, "relation_kind"))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source_doc: Mapped[str] = mapped_column(sa.String(200), default="")

    source = relationship("Group", foreign_keys=[source_id], back_populates="outgoing")
    target = relationship("Group", foreign_keys=[target_id], back_populates="incoming")

    @property
    def reverse_label(self):
        return REVERSE_LABELS[self.kind]

    def __str__(self) -> str:
        return f"{self.source} {self.kind.label} {self.target}"


class NpoHosting(AuditedMixin, db.Model):
    """A healthcare region's (or SKR's) hosting of an NPO for a period, active or dormant."""

    __tablename__ = "npo_hostings"
    __record_page__ = RecordPage("groups.show_hosting")
    __permission_area__ = "structure"
    __field_labels__ = {
        "npo_id": _l("NPO"),
        "host_id": _l("Värd"),
        "status": _l("Status"),
        "valid_from": _l("Från"),
        "valid_to": _l("Till"),
        "note": _l("Anteckning"),
        "source": _l("Källa"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    npo_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"), index=True)
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[HostingStatus] = mapped_column(enum_column(HostingStatus, "hosting_status"),
                                                  default=HostingStatus.ACTIVE)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(200), default="")

    npo = relationship("Group", foreign_keys=[npo_id])
    host = relationship("Organisation", foreign_keys=[host_id])

    def __str__(self) -> str:
        return f"{self.npo} – {self.host} ({self.status.label})"


def selectable_groups(*types: GroupType) -> list[Group]:
    """Active groups for a form's select, in Swedish order; optionally only some types."""
    stmt = sa.select(Group).where(Group.active())
    if types:
        stmt = stmt.where(Group.type.in_(types))
    return list(db.session.scalars(stmt.order_by(Group.name_sort)))
