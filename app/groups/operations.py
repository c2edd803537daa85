"""Writes for groups, relations and NPO hosting, with their business rules."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import operations as ops
from app.core.operations import BusinessRuleError
from app.extensions import db
from app.groups.models import Group, GroupRelation, GroupType, HostingStatus, Level, NpoHosting
from app.organisations.models import Organisation, OrganisationKind


def find_duplicate(values: dict, exclude_id: int | None = None) -> Group | None:
    """A group with the same name and type at the same level and healthcare region/region."""
    stmt = sa.select(Group).where(
        Group.type == values["type"],
        Group.level == values["level"],
        Group.id != (exclude_id or -1),
        Group.archived_at.is_(None),
    )
    for col, key in ((Group.healthcare_region_id, "healthcare_region_id"), (Group.region_id, "region_id")):
        value = values.get(key)
        stmt = stmt.where(col.is_(None) if value is None else col == value)
    name = values["name"].casefold()
    return next((g for g in db.session.scalars(stmt) if g.name.casefold() == name), None)


def _check_group(values: dict, group_id: int | None = None) -> None:
    level = values["level"]
    hr_id, region_id = values.get("healthcare_region_id"), values.get("region_id")
    if level == Level.HEALTHCARE_REGIONAL and not hr_id:
        raise BusinessRuleError(_l("En sjukvårdsregional grupp måste ha en sjukvårdsregion."),
                                "healthcare_region_id")
    if level == Level.NATIONAL and (hr_id or region_id):
        raise BusinessRuleError(_l("En nationell grupp hör inte till någon sjukvårdsregion eller region."),
                                "healthcare_region_id" if hr_id else "region_id")
    if level in (Level.REGIONAL, Level.LOCAL) and not region_id:
        raise BusinessRuleError(_l("En regional eller lokal grupp måste ha en region."), "region_id")
    if hr_id:
        hr = db.session.get(Organisation, hr_id)
        if hr is None or hr.kind != OrganisationKind.HEALTHCARE_REGION:
            raise BusinessRuleError(_l("Välj en sjukvårdsregion."), "healthcare_region_id")
    if region_id:
        region = db.session.get(Organisation, region_id)
        if region is None or region.kind != OrganisationKind.REGION:
            raise BusinessRuleError(_l("Välj en region."), "region_id")
        if hr_id and region.healthcare_region_id != hr_id:
            raise BusinessRuleError(_l("Regionen hör inte till den valda sjukvårdsregionen."), "region_id")
    focus_id = values.get("focus_area_id")
    if focus_id:
        focus = db.session.get(Group, focus_id)
        if focus is None or focus.type != GroupType.FOCUS_AREA or focus_id == group_id:
            raise BusinessRuleError(_l("Välj ett fokusområde."), "focus_area_id")
    if find_duplicate(values, group_id) is not None:
        raise BusinessRuleError(
            _l("Det finns redan en grupp med samma namn och typ på samma nivå och i samma "
               "sjukvårdsregion."), "name")


def create_group(values: dict, user) -> Group:
    _check_group(values)
    return ops.create(Group(), user, **values)


def update_group(group: Group, values: dict, user, expected_version=None) -> dict:
    ops.check_version(group, expected_version)
    _check_group(values, group.id)
    return ops.update(group, user, values)


def _check_relation(source_id: int, values: dict, relation_id: int | None = None) -> None:
    target_id = values.get("target_id")
    if target_id == source_id:
        raise BusinessRuleError(_l("En grupp kan inte ha en relation till sig själv."), "target_id")
    if db.session.get(Group, target_id) is None:
        raise BusinessRuleError(_l("Välj en grupp."), "target_id")
    clash = db.session.scalar(sa.select(GroupRelation.id).where(
        GroupRelation.source_id == source_id, GroupRelation.target_id == target_id,
        GroupRelation.kind == values["kind"], GroupRelation.archived_at.is_(None),
        GroupRelation.id != (relation_id or -1)))
    if clash:
        raise BusinessRuleError(_l("Den relationen finns redan."), "target_id")


def create_relation(source: Group, values: dict, user) -> GroupRelation:
    _check_relation(source.id, values)
    return ops.create(GroupRelation(source_id=source.id), user, **values)


def update_relation(relation: GroupRelation, values: dict, user, expected_version=None) -> dict:
    ops.check_version(relation, expected_version)
    _check_relation(relation.source_id, values, relation.id)
    return ops.update(relation, user, values)


def _check_hosting(values: dict) -> None:
    npo = db.session.get(Group, values.get("npo_id")) if values.get("npo_id") else None
    if npo is None or npo.type != GroupType.NPO:
        raise BusinessRuleError(_l("Välj ett nationellt programområde."), "npo_id")
    host = db.session.get(Organisation, values.get("host_id")) if values.get("host_id") else None
    if host is None:
        raise BusinessRuleError(_l("Välj en värd."), "host_id")


def _check_single_active_host(values: dict, own_id: int | None = None) -> None:
    """An NPO has one active host at a time; dormant hostings may overlap (the sources disagree in
    time, and a dormant hosting can sit beside an active one)."""
    if values.get("status") != HostingStatus.ACTIVE:
        return
    start, end = values.get("valid_from"), values.get("valid_to")
    overlapping = sa.select(NpoHosting).where(
        NpoHosting.npo_id == values["npo_id"], NpoHosting.status == HostingStatus.ACTIVE, NpoHosting.active(),
        NpoHosting.id != (own_id or -1))
    if start is not None:  # an open start or end overlaps everything on that side
        overlapping = overlapping.where(sa.or_(NpoHosting.valid_to.is_(None), NpoHosting.valid_to >= start))
    if end is not None:
        overlapping = overlapping.where(sa.or_(NpoHosting.valid_from.is_(None), NpoHosting.valid_from <= end))
    other = db.session.scalars(overlapping.limit(1)).first()
    if other is not None:
        raise BusinessRuleError(_l("Programområdet har redan en aktiv värd under perioden: %(other)s. Avsluta den "
                                   "först eller ange en period som inte överlappar.", other=str(other)), "valid_from")


def create_hosting(values: dict, user) -> NpoHosting:
    _check_hosting(values)
    _check_single_active_host(values)
    return ops.create(NpoHosting(), user, **values)


def update_hosting(hosting: NpoHosting, values: dict, user, expected_version=None) -> dict:
    ops.check_version(hosting, expected_version)
    _check_hosting(values)
    _check_single_active_host({"npo_id": hosting.npo_id, "status": hosting.status, "valid_from": hosting.valid_from,
                               "valid_to": hosting.valid_to} | values, hosting.id)
    return ops.update(hosting, user, values)
