from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import AuditedMixin, RecordPage
from app.extensions import db

assignment_priorities = sa.Table(
    "assignment_priorities",
    db.metadata,
    sa.Column("assignment_id", sa.ForeignKey("assignments.id"), primary_key=True),
    sa.Column("priority_item_id", sa.ForeignKey("priority_items.id"), primary_key=True),
)


class PriorityList(AuditedMixin, db.Model):
    __tablename__ = "priority_lists"
    __record_page__ = RecordPage("priorities.show")
    __table_args__ = (sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
                                         name="period_in_order"),)
    __permission_area__ = "governance"
    __group_actions__ = frozenset({"create", "edit"})
    __field_labels__ = {
        "group_id": _l("Grupp"),
        "title": _l("Rubrik"),
        "valid_from": _l("Från"),
        "valid_to": _l("Till"),
        "decision_id": _l("Fastställd genom beslut"),
        "items": _l("Prioritering"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("groups.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))

    group = relationship("Group")
    decision = relationship("Decision")
    items = relationship("PriorityItem", back_populates="priority_list", order_by="PriorityItem.position")

    @property
    def governing_group_id(self) -> int:
        return self.group_id

    def __str__(self) -> str:
        return self.title or ""


class PriorityItem(AuditedMixin, db.Model):
    __tablename__ = "priority_items"
    __record_page__ = RecordPage("priorities.show", "priority_list_id")
    __log_parents__ = {"priority_list": "items"}
    __permission_area__ = "governance"
    __group_actions__ = frozenset({"edit", "archive"})
    __field_labels__ = {
        "position": _lp("position", "Plats"),
        "title": _l("Prioritering"),
        "rationale": _l("Motivering"),
        "input_from_group_id": _l("Inspel från grupp"),
        "input_from": _l("Inspel från (annan)"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_list_id: Mapped[int] = mapped_column(sa.ForeignKey("priority_lists.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    rationale: Mapped[str] = mapped_column(sa.Text, default="")
    input_from_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id"))
    input_from: Mapped[str] = mapped_column(sa.String(300), default="")

    priority_list = relationship("PriorityList", back_populates="items")
    assignments = relationship("Assignment", secondary=assignment_priorities, viewonly=True,
                               order_by="Assignment.title")
    input_from_group = relationship("Group")

    @property
    def governing_group_id(self) -> int:
        return self.priority_list.group_id

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"
