"""Writes for priority lists: items keep their order, and every move is in the change log."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.core.permissions import authorize, can, check_group_choice
from app.decisions.models import Decision
from app.extensions import db
from app.groups.models import Group
from app.priorities.models import PriorityItem, PriorityList


def _check(values: dict, user, priority_list: PriorityList | None = None) -> None:
    if db.session.get(Group, values.get("group_id") or -1) is None:
        raise BusinessRuleError(_l("Välj en grupp."), "group_id")
    decision_id = values.get("decision_id")
    if not decision_id:
        return
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise BusinessRuleError(_l("Välj ett beslut."), "decision_id")
    # A chair may name only their own groups' decisions as adopting the list; one already named (by the
    # secretariat) may stay.
    unchanged = priority_list is not None and priority_list.decision_id == decision_id
    if user is not None and not unchanged and not can(user, "edit", decision):
        raise BusinessRuleError(_l("Välj ett beslut som din grupp har fattat."), "decision_id")


def create_list(values: dict, user) -> PriorityList:
    check_group_choice(user, PriorityList, values.get("group_id"), "group_id")
    _check(values, user)
    return ops.create(PriorityList(), user, **values)


def update_list(priority_list: PriorityList, values: dict, user, expected_version=None) -> dict:
    ops.check_version(priority_list, expected_version)
    check_group_choice(user, PriorityList, values.get("group_id"), "group_id")
    _check(values, user, priority_list)
    return ops.update(priority_list, user, values)


def live_items(priority_list: PriorityList) -> list[PriorityItem]:
    return [i for i in priority_list.items if not i.is_archived]


def add_item(priority_list: PriorityList, values: dict, user) -> PriorityItem:
    # Counted in the database: the list's loaded collection may not hold items added in this transaction.
    position = db.session.scalar(sa.select(sa.func.count()).select_from(PriorityItem).where(
        PriorityItem.priority_list_id == priority_list.id, PriorityItem.active())) + 1
    return ops.create(PriorityItem(priority_list_id=priority_list.id), user, position=position, **values)


def update_item(item: PriorityItem, values: dict, user, expected_version=None) -> dict:
    return ops.update(item, user, values, expected_version)


def move_item(item: PriorityItem, direction: int, user) -> None:
    """Swap an item with its neighbour (-1 up, +1 down); both moves are logged."""
    if item.is_archived:
        raise BusinessRuleError(_l("Prioriteringen är borttagen ur listan."))
    items = live_items(item.priority_list)
    index = items.index(item)
    other_index = index + direction
    if not 0 <= other_index < len(items):
        raise BusinessRuleError(_l("Prioriteringen står redan först eller sist."))
    _renumber(items)
    other = items[other_index]
    authorize(user, "edit", other)  # the neighbour moves too
    mine, theirs = item.position, other.position
    ops.update(item, user, {"position": theirs})
    ops.update(other, user, {"position": mine})


def archive_item(item: PriorityItem, user) -> None:
    ops.archive(item, user)
    _renumber(live_items(item.priority_list), user)


def _renumber(items: list[PriorityItem], user=None) -> None:
    """Close gaps left by archived items, so positions read 1, 2, 3 …"""
    for n, item in enumerate(sorted(items, key=lambda i: i.position), start=1):
        if item.position != n:
            authorize(user, "edit", item)
            ops.update(item, user, {"position": n})
