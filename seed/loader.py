"""`flask seed [--demo]`: load the facts of the source documents; running it twice changes nothing.

Records are matched on the key they have in seed/data/ (kept in their `seed_key` column), links
between them on the records they join. A record that exists already is left as it is, so edits
made in the app – renames included – survive a re-seed.

Every record is written through its area's operations (app/<area>/operations.py) as the system
(user None), so the seed keeps the rules the app keeps and logs its changes the same way.
"""

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
import yaml
from flask.cli import with_appcontext

from app.assignments import operations as assignment_ops
from app.assignments.models import Assignment, AssignmentStatus
from app.core import operations as ops
from app.decisions import operations as decision_ops
from app.decisions.models import Decision, DecisionKind, DecisionLink, DecisionState, ExecutionStatus, LinkEffect
from app.extensions import db
from app.groups import operations as group_ops
from app.groups.models import Group, GroupRelation, GroupType, HostingStatus, Level, NpoHosting, RelationKind
from app.meetings import operations as meeting_ops
from app.meetings.models import AgendaItem, Meeting
from app.organisations import operations as organisation_ops
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
        key = f"organisation:{name}"
        org = db.session.scalar(sa.select(Organisation).where(Organisation.seed_key == key))
        if org is None:
            org = organisation_ops.create_organisation(dict(values, name=name, seed_key=key), None)
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
                # update_group checks the whole record, as the group form sends it.
                group_ops.update_group(group, {
                    "name": group.name, "type": group.type, "level": group.level,
                    "healthcare_region_id": group.healthcare_region_id, "region_id": group.region_id,
                    "focus_area_id": self.groups[key].id}, None)

        for item in data.get("relations", []):
            self.relation(item)
        for item in data.get("hosting", []):
            self.hosting(item)

    def group(self, item: dict) -> Group:
        hr = self.by_short[item["healthcare_region"]] if item.get("healthcare_region") else None
        region = self.by_short[item["region"]] if item.get("region") else None
        type_, level = GroupType(item["type"]), Level(item["level"])
        existing = db.session.scalar(sa.select(Group).where(Group.seed_key == f"group:{item['key']}"))
        if existing is not None:
            return existing
        self._count("groups")
        return group_ops.create_group(dict(
            seed_key=f"group:{item['key']}", name=item["name"], short_name=item.get("short_name"),
            type=type_, level=level,
            healthcare_region_id=hr.id if hr else None, region_id=region.id if region else None,
            mandate=(item.get("mandate") or "").strip(), formed_on=_date(item.get("formed_on")),
            wound_up_on=_date(item.get("wound_up_on")), proposed=bool(item.get("proposed")),
            source=_source(item)), None)

    def relation(self, item: dict) -> None:
        source, target = self.groups[item["from"]], self.groups[item["to"]]
        kind = RelationKind(item["kind"])
        exists = db.session.scalar(sa.select(GroupRelation.id).where(
            GroupRelation.source_id == source.id, GroupRelation.target_id == target.id,
            GroupRelation.kind == kind))
        if exists:
            return
        self._count("relations")
        group_ops.create_relation(source, dict(
            target_id=target.id, kind=kind, note=(item.get("note") or "").strip(), source_doc=_source(item),
            valid_from=_date(item.get("valid_from")), valid_to=_date(item.get("valid_to"))), None)

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
        group_ops.create_hosting(dict(
            npo_id=npo.id, host_id=host.id, status=status, valid_from=valid_from,
            valid_to=_date(item.get("valid_to")), note=(item.get("note") or "").strip(), source=_source(item)),
            None)


    # --- Governance: meetings, decisions, assignments (DOMAIN §5–6) ----------------------------

    def governance(self) -> None:
        data = _load_yaml("governance.yaml")
        self.meetings: dict[str, Meeting] = {}
        for item in data.get("meetings", []):
            self.meetings[item["key"]] = self.meeting(item)
        self.decisions: dict[str, Decision] = {}
        for item in data.get("decisions", []):
            self.decisions[item["key"]] = self.decision(item)
        self.assignments: dict[str, Assignment] = {}
        for item in data.get("assignments", []):
            self.assignments[item["key"]] = self.assignment(item)
        for item in data.get("decision_links", []):
            decision, assignment = self.decisions[item["decision"]], self.assignments[item["assignment"]]
            effect = LinkEffect(item["effect"])
            # A link archived in the app stays archived. ensure_link rather than link_assignment: the
            # latter also points the assignment back at an accepting or closing decision, which the
            # source documents do not state (the one accepting decision here is only proposed).
            if not db.session.scalar(sa.select(DecisionLink.id).where(
                    DecisionLink.decision_id == decision.id, DecisionLink.assignment_id == assignment.id,
                    DecisionLink.effect == effect)):
                decision_ops.ensure_link(decision.id, assignment.id, effect, None)
                self._count("decision links")
        # Agenda items refer to assignments and decisions, so they come last.
        for item in data.get("meetings", []):
            meeting = self.meetings[item["key"]]
            for position, agenda in enumerate(item.get("agenda", []), start=1):
                if db.session.scalar(sa.select(AgendaItem.id).where(
                        AgendaItem.meeting_id == meeting.id, AgendaItem.title == agenda["title"])):
                    continue
                meeting_ops.add_agenda_item(meeting, dict(
                    position=position, title=agenda["title"], description=(agenda.get("description") or "").strip(),
                    assignment_id=self._id(self.assignments, agenda.get("assignment")),
                    decision_id=self._id(self.decisions, agenda.get("decision"))), None)
                self._count("agenda items")

    def competence(self) -> None:
        from seed.competence import load_competence

        load_competence(self, _load_yaml("competence.yaml"))

    @staticmethod
    def _id(records: dict, key: str | None) -> int | None:
        return records[key].id if key else None

    def meeting(self, item: dict) -> Meeting:
        group = self.groups[item["group"]]
        starts_on = _date(item["starts_on"])
        key = f"meeting:{item['key']}"
        existing = db.session.scalar(sa.select(Meeting).where(Meeting.seed_key == key))
        if existing is not None:
            return existing
        self._count("meetings")
        return meeting_ops.create_meeting(dict(
            seed_key=key, group_id=group.id, title=item.get("title") or "", starts_on=starts_on,
            ends_on=_date(item.get("ends_on")), start_time=item.get("start_time") or "",
            place=item.get("place") or "", is_digital=bool(item.get("is_digital")), source=_source(item)), None)

    def decision(self, item: dict) -> Decision:
        group = self.groups[item["group"]]
        key = f"decision:{item['key']}"
        existing = db.session.scalar(sa.select(Decision).where(Decision.seed_key == key))
        if existing is not None:
            return existing
        self._count("decisions")
        issuer = self.by_short[item["issuing_organisation"]] if item.get("issuing_organisation") else None
        values = dict(
            seed_key=key, group_id=group.id, title=item["title"], text=(item.get("text") or "").strip(),
            meeting_id=self._id(self.meetings, item.get("meeting")), decided_on=_date(item.get("decided_on")),
            registry_number=item.get("registry_number"), issuing_organisation_id=issuer.id if issuer else None,
            kind=DecisionKind(item.get("kind", "decision")), state=DecisionState(item.get("state", "taken")),
            by_delegation=bool(item.get("by_delegation")), executor=item.get("executor") or "",
            execute_by=_date(item.get("execute_by")),
            execution_status=ExecutionStatus(item.get("execution_status", "not_started")), source=_source(item))
        return decision_ops.create_decision(values, None)

    def assignment(self, item: dict) -> Assignment:
        principal, recipient = self.groups[item["principal"]], self.groups[item["recipient"]]
        key = f"assignment:{item['key']}"
        existing = db.session.scalar(sa.select(Assignment).where(Assignment.seed_key == key))
        if existing is not None:
            return existing
        self._count("assignments")
        given_by = self._id(self.decisions, item.get("given_by"))
        assignment = assignment_ops.create_assignment(dict(
            seed_key=key, title=item["title"], description=(item.get("description") or "").strip(),
            principal_group_id=principal.id, recipient_group_id=recipient.id,
            mandate=(item.get("mandate") or "").strip(), questions="\n".join(item.get("questions") or []),
            deliverables="\n".join(item.get("deliverables") or []), start_on=_date(item.get("start_on")),
            due_on=_date(item.get("due_on")), status=AssignmentStatus(item.get("status", "draft")),
            parent_id=self._id(self.assignments, item.get("parent")), given_by_decision_id=given_by,
            closed_by_decision_id=self._id(self.decisions, item.get("closed_by")), source=_source(item),
            programme_area_ids=[self.groups[k].id for k in item.get("programme_areas") or []]),
            None, note="Inläst från källdokument")
        if given_by:
            self._count("decision links")  # create_assignment links the giving decision ("gives")
        for position, phase in enumerate(item.get("phases") or [], start=1):
            assignment_ops.add_phase(assignment, dict(
                position=position, title=phase["title"], description=(phase.get("description") or "").strip(),
                due_on=_date(phase.get("due_on")), is_checkpoint=bool(phase.get("is_checkpoint")),
                is_optional=bool(phase.get("is_optional"))), None)
        return assignment


def _source(item: dict) -> str:
    source = str(item.get("source") or "")
    return f"Källdokument {source}" if source.isdigit() else source


def run_seed(demo: bool = False) -> dict[str, int]:
    seeder = Seeder()
    seeder.structure()
    seeder.governance()
    seeder.competence()
    if demo:
        from seed.demo import load_demo

        load_demo(seeder)
    ops.commit()
    return seeder.created


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also add fictional demo people, memberships and accounts.")
@click.option("--scale", type=click.IntRange(min=1), default=None, metavar="N",
              help="Instead: add a generated national-scale register of N assignments (see seed/scale.py).")
@with_appcontext
def seed_command(demo: bool, scale: int | None) -> None:
    """Load the structure from seed/data/ (idempotent), or with --scale add a generated register."""
    if scale:
        import time

        from seed.scale import generate

        began = time.monotonic()
        counts = generate(scale)
        click.echo("Generated: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
                   + f" in {time.monotonic() - began:.0f} s")
        return
    created = run_seed(demo=demo)
    if created:
        click.echo("Created: " + ", ".join(f"{n} {k}" for k, n in sorted(created.items())))
    else:
        click.echo("Nothing to add: the database already holds the seed data.")
