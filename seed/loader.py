"""`flask seed [--demo]`: load the facts of the source documents; running it twice changes nothing.

Records are matched on their natural keys (an organisation's name; a group's name, type, level
and region; …). A record that exists already is left as it is, so edits made in the app survive
a re-seed.
"""

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
import yaml
from flask.cli import with_appcontext

from app.core import operations as ops
from app.extensions import db
from app.groups.models import Group, GroupRelation, GroupType, HostingStatus, Level, NpoHosting, RelationKind
from app.organisations.models import Organisation, OrganisationKind

DATA = Path(__file__).parent / "data"


def _load_yaml(name: str) -> dict:
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class Seeder:
    def __init__(self) -> None:
        self.created: dict[str, int] = {}

    def _count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    def organisation(self, name: str, **values) -> Organisation:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
        if org is None:
            org = ops.create(Organisation(), None, name=name, **values)
            self._count("organisations")
        return org

    def structure(self) -> None:
        data = _load_yaml("structure.yaml")
        self.by_short: dict[str, Organisation] = {}
        for hr in data["healthcare_regions"]:
            parent = self.organisation(hr["name"], short_name=hr.get("short_name"),
                                       kind=OrganisationKind.HEALTHCARE_REGION,
                                       population_millions=hr.get("population_millions"))
            self.by_short[hr.get("short_name") or hr["name"]] = parent
            for region in hr.get("regions", []):
                org = self.organisation(region["name"], short_name=region.get("short_name"),
                                        kind=OrganisationKind.REGION, healthcare_region_id=parent.id)
                self.by_short[region.get("short_name") or region["name"]] = org
        for item in data.get("organisations", []):
            org = self.organisation(item["name"], short_name=item.get("short_name"),
                                    kind=OrganisationKind(item.get("kind", "other")))
            self.by_short[item.get("short_name") or item["name"]] = org

        self.groups: dict[str, Group] = {}
        pending_focus: list[tuple[Group, str]] = []
        for item in data["groups"]:
            group = self.group(item)
            self.groups[item["key"]] = group
            if item.get("focus_area"):
                pending_focus.append((group, item["focus_area"]))
        for group, key in pending_focus:
            if group.focus_area_id is None:
                group.focus_area_id = self.groups[key].id
        db.session.flush()

        for item in data.get("relations", []):
            self.relation(item)
        for item in data.get("hosting", []):
            self.hosting(item)

    def group(self, item: dict) -> Group:
        hr = self.by_short[item["healthcare_region"]] if item.get("healthcare_region") else None
        region = self.by_short[item["region"]] if item.get("region") else None
        type_, level = GroupType(item["type"]), Level(item["level"])
        existing = db.session.scalar(sa.select(Group).where(
            Group.name == item["name"], Group.type == type_, Group.level == level,
            Group.healthcare_region_id.is_(None) if hr is None else Group.healthcare_region_id == hr.id,
            Group.region_id.is_(None) if region is None else Group.region_id == region.id))
        if existing is not None:
            return existing
        self._count("groups")
        return ops.create(
            Group(), None, name=item["name"], short_name=item.get("short_name"), type=type_, level=level,
            healthcare_region_id=hr.id if hr else None, region_id=region.id if region else None,
            mandate=(item.get("mandate") or "").strip(), formed_on=_date(item.get("formed_on")),
            wound_up_on=_date(item.get("wound_up_on")), proposed=bool(item.get("proposed")),
            source=_source(item))

    def relation(self, item: dict) -> None:
        source, target = self.groups[item["from"]], self.groups[item["to"]]
        kind = RelationKind(item["kind"])
        exists = db.session.scalar(sa.select(GroupRelation.id).where(
            GroupRelation.source_id == source.id, GroupRelation.target_id == target.id,
            GroupRelation.kind == kind))
        if exists:
            return
        self._count("relations")
        ops.create(GroupRelation(), None, source_id=source.id, target_id=target.id, kind=kind,
                   note=(item.get("note") or "").strip(), source_doc=_source(item),
                   valid_from=_date(item.get("valid_from")), valid_to=_date(item.get("valid_to")))

    def hosting(self, item: dict) -> None:
        npo, host = self.groups[item["npo"]], self.by_short[item["host"]]
        status = HostingStatus(item.get("status", "active"))
        valid_from = _date(item.get("valid_from"))
        exists = db.session.scalar(sa.select(NpoHosting.id).where(
            NpoHosting.npo_id == npo.id, NpoHosting.host_id == host.id, NpoHosting.status == status,
            NpoHosting.valid_from.is_(None) if valid_from is None else NpoHosting.valid_from == valid_from))
        if exists:
            return
        self._count("hostings")
        ops.create(NpoHosting(), None, npo_id=npo.id, host_id=host.id, status=status,
                   valid_from=valid_from, valid_to=_date(item.get("valid_to")),
                   note=(item.get("note") or "").strip(), source=_source(item))


def _source(item: dict) -> str:
    source = str(item.get("source") or "")
    return f"Källdokument {source}" if source.isdigit() else source


def run_seed(demo: bool = False) -> dict[str, int]:
    seeder = Seeder()
    seeder.structure()
    if demo:
        from seed.demo import load_demo

        load_demo(seeder)
    db.session.commit()
    return seeder.created


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also add fictional demo people, memberships and accounts.")
@with_appcontext
def seed_command(demo: bool) -> None:
    """Load the structure from seed/data/ (idempotent)."""
    created = run_seed(demo=demo)
    if created:
        click.echo("Created: " + ", ".join(f"{n} {k}" for k, n in sorted(created.items())))
    else:
        click.echo("Nothing to add: the database already holds the seed data.")
