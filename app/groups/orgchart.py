"""Organisation charts drawn from group relations: who steers whom, who is a committee to whom."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.models import current_on
from app.extensions import db
from app.groups.models import HIERARCHY_KINDS, Group, GroupRelation, Level, RelationKind
from app.organisations.models import Organisation

# How a child reads relative to the parent it is drawn under.
CHILD_LABELS = {
    RelationKind.STEERING_GROUP_OF: _l("styrs av gruppen ovan"),
    RelationKind.COMMITTEE_TO: _l("utskott till gruppen ovan"),
    RelationKind.PART_OF: _l("ingår i gruppen ovan"),
}


@dataclass
class Node:
    group: Group
    relation_label: object = None  # how this node relates to its parent
    children: list["Node"] = field(default_factory=list)


@dataclass
class Chart:
    roots: list[Node]
    unrelated: list[Group]


def _scope(healthcare_region: Organisation | None):
    if healthcare_region is None:
        return Group.level == Level.NATIONAL
    regions = sa.select(Organisation.id).where(Organisation.healthcare_region_id == healthcare_region.id)
    return sa.or_(Group.healthcare_region_id == healthcare_region.id, Group.region_id.in_(regions))


def build(healthcare_region: Organisation | None, on: date) -> Chart:
    groups = db.session.scalars(sa.select(Group).where(
        _scope(healthcare_region), Group.active(),
        sa.or_(Group.wound_up_on.is_(None), Group.wound_up_on >= on)).order_by(Group.name_sort)).all()
    by_id = {g.id: g for g in groups}
    relations = db.session.scalars(sa.select(GroupRelation).where(
        GroupRelation.active(), GroupRelation.kind.in_(HIERARCHY_KINDS),
        current_on(GroupRelation.valid_from, GroupRelation.valid_to, on),
        GroupRelation.source_id.in_(by_id), GroupRelation.target_id.in_(by_id))).all()

    # parent id -> [(child id, label)]
    edges: dict[int, list[tuple[int, object]]] = {}
    for rel in relations:
        if rel.kind == RelationKind.STEERING_GROUP_OF:
            parent, child = rel.source_id, rel.target_id
        else:  # committee_to, part_of: the source sits under the target
            parent, child = rel.target_id, rel.source_id
        edges.setdefault(parent, []).append((child, CHILD_LABELS[rel.kind]))
    for g in groups:
        if g.focus_area_id in by_id:
            edges.setdefault(g.focus_area_id, []).append((g.id, CHILD_LABELS[RelationKind.PART_OF]))

    has_parent = {child for kids in edges.values() for child, _ in kids}

    def grow(group_id: int, label, path: frozenset) -> Node:
        node = Node(by_id[group_id], label)
        for child_id, child_label in sorted(edges.get(group_id, []), key=lambda e: by_id[e[0]].name_sort):
            if child_id not in path:  # relations may form a cycle; draw each branch once
                node.children.append(grow(child_id, child_label, path | {child_id}))
        return node

    roots = [grow(g.id, None, frozenset({g.id})) for g in groups if g.id in edges and g.id not in has_parent]
    # Groups that steer each other in a circle have no root: draw each such circle from one member.
    drawn = set()

    def mark(node: Node) -> None:
        drawn.add(node.group.id)
        for child in node.children:
            mark(child)

    for root in roots:
        mark(root)
    for g in groups:
        if (g.id in edges or g.id in has_parent) and g.id not in drawn:
            root = grow(g.id, None, frozenset({g.id}))
            mark(root)
            roots.append(root)
    unrelated = [g for g in groups if g.id not in edges and g.id not in has_parent]
    return Chart(roots=roots, unrelated=unrelated)
