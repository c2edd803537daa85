"""Groups: list, page, create, edit, archive; relations; NPO hosting; organisation charts."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.core.args import Args, BadArgument
from app.core.crud import archive_page, create_page, edit_page, history, load, require, toggle_archive
from app.core.models import current_on
from app.core.pagination import paginate
from app.core.routing import int_arg
from app.extensions import db
from app.groups import operations, orgchart
from app.groups.forms import GroupForm, HostingForm, RelationForm
from app.groups.models import Group, GroupRelation, GroupType, HostingStatus, Level, NpoHosting
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import Membership
from app.picker.queries import offer

bp = Blueprint("groups", __name__, url_prefix="/groups", template_folder="templates")

STATUS_FILTERS = {
    "active": lambda today: sa.and_(Group.proposed.is_(False),
                                    sa.or_(Group.formed_on.is_(None), Group.formed_on <= today),
                                    sa.or_(Group.wound_up_on.is_(None), Group.wound_up_on > today)),
    "wound_up": lambda today: sa.and_(Group.wound_up_on.is_not(None), Group.wound_up_on <= today),
    "proposed": lambda today: Group.proposed.is_(True),
}


def _organisations(kind: OrganisationKind):
    return db.session.scalars(sa.select(Organisation).where(
        Organisation.kind == kind, Organisation.active()).order_by(Organisation.name_sort)).all()


def _prepare(form: GroupForm, group: Group | None = None) -> GroupForm:
    form.healthcare_region_id.set_choices(_organisations(OrganisationKind.HEALTHCARE_REGION))
    form.region_id.set_choices(_organisations(OrganisationKind.REGION))
    focus_areas = db.session.scalars(sa.select(Group).where(
        Group.type == GroupType.FOCUS_AREA, Group.active(), Group.id != (group.id if group else -1))
        .order_by(Group.name_sort)).all()
    form.focus_area_id.set_choices(focus_areas)
    return form


def _parse_date(raw: str | None) -> tuple[date, str | None]:
    """A date from a query argument; today with an error message when it cannot be read."""
    if not raw:
        return date.today(), None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return date.today(), _("Ange ett giltigt datum som ÅÅÅÅ-MM-DD. Dagens datum visas.")


@bp.route("/")
def index():
    args = request.args
    a = Args()
    q = a.text("q")
    status = a.raw("status") or "active"
    if status not in STATUS_FILTERS and status != "all":
        raise BadArgument("status", "must be one of " + ", ".join([*STATUS_FILTERS, "all"]))
    show_archived = a.flag("archived")
    stmt = sa.select(Group).options(selectinload(Group.healthcare_region), selectinload(Group.region))
    if not show_archived:
        stmt = stmt.where(Group.active())
    if q:
        stmt = stmt.where(Group.search_text.contains(q.casefold(), autoescape=True))
    if a.choice("type", GroupType):
        stmt = stmt.where(Group.type == a.choice("type", GroupType))
    if a.choice("level", Level):
        stmt = stmt.where(Group.level == a.choice("level", Level))
    hr_id = a.id("healthcare_region")
    if hr_id:
        in_region = sa.select(Organisation.id).where(Organisation.healthcare_region_id == hr_id)
        stmt = stmt.where(sa.or_(Group.healthcare_region_id == hr_id, Group.region_id.in_(in_region)))
    if status in STATUS_FILTERS:
        stmt = stmt.where(STATUS_FILTERS[status](date.today()))
    page = paginate(stmt.order_by(Group.name_sort, Group.id))
    return render_template(
        "groups/index.html", page=page, q=q, status=status, show_archived=show_archived,
        types=GroupType, levels=Level, healthcare_regions=_organisations(OrganisationKind.HEALTHCARE_REGION),
        selected={"type": args.get("type", ""), "level": args.get("level", ""), "hr": hr_id})


@bp.route("/<int:record_id>")
def show(record_id: int):
    group = db.session.scalar(sa.select(Group).where(Group.id == record_id).options(
        selectinload(Group.memberships).selectinload(Membership.person),
        selectinload(Group.memberships).selectinload(Membership.representing),
        selectinload(Group.outgoing).selectinload(GroupRelation.target),
        selectinload(Group.incoming).selectinload(GroupRelation.source),
    ))
    if group is None:
        abort(404)
    require("view", group)
    today = date.today()
    memberships = sorted((m for m in group.memberships if not m.is_archived),
                         key=lambda m: (m.role.value != "chair", m.person.name_sort))
    current = [m for m in memberships if m.is_current_on(today)]
    former = [m for m in memberships if not m.is_current_on(today)]
    hostings = []
    if group.type == GroupType.NPO:
        hostings = db.session.scalars(sa.select(NpoHosting).where(
            NpoHosting.npo_id == group.id, NpoHosting.active())
            .options(selectinload(NpoHosting.host)).order_by(NpoHosting.valid_from)).all()
    members_of_focus = []
    if group.type == GroupType.FOCUS_AREA:
        members_of_focus = db.session.scalars(sa.select(Group).where(
            Group.focus_area_id == group.id, Group.active()).order_by(Group.name_sort)).all()
    relation_form = _relation_form(RelationForm(), group)  # (filled only by a picker's search)
    return render_template(
        "groups/show.html", group=group, current=current, former=former, hostings=hostings,
        outgoing=[r for r in group.outgoing if not r.is_archived],
        incoming=[r for r in group.incoming if not r.is_archived],
        members_of_focus=members_of_focus, relation_form=relation_form, history=history(group))


@bp.route("/new", methods=["GET", "POST"])
def create():
    require("create", Group)
    return create_page(_prepare(GroupForm()), operations.create_group, "groups/form.html",
                       lambda g: url_for(".show", record_id=g.id), _("Gruppen har sparats."), group=None)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    group = load(Group, record_id)
    require("edit", group)
    return edit_page(group, _prepare(GroupForm(obj=group), group), operations.update_group, "groups/form.html",
                     url_for(".show", record_id=group.id), group=group)


@bp.route("/<int:record_id>/archive", methods=["POST"])
def archive(record_id: int):
    return archive_page(Group, record_id, ".show")


# --- Relations -----------------------------------------------------------------------------

def _relation_form(form: RelationForm, group: Group) -> RelationForm:
    offer(form.target_id, exclude=group.id)
    return form


@bp.route("/<int:record_id>/relations/new", methods=["GET", "POST"])
def create_relation_view(record_id: int):
    group = load(Group, record_id)
    require("create", GroupRelation)
    require("edit", group)  # a relation is part of its group: an archived group takes none until restored
    return create_page(_relation_form(RelationForm(), group),
                       lambda values, user: operations.create_relation(group, values, user),
                       "groups/relation_form.html", lambda r: url_for(".show", record_id=group.id) + "#relations",
                       _("Relationen har sparats."), group=group, relation=None)


@bp.route("/relations/<int:record_id>")
def show_relation(record_id: int):
    """A relation is shown on its group's page."""
    relation = load(GroupRelation, record_id)
    require("view", relation)
    return redirect(url_for(".show", record_id=relation.source_id) + "#relations")


@bp.route("/hosting/<int:record_id>")
def show_hosting(record_id: int):
    """Hosting is shown on the NPO's page."""
    record = load(NpoHosting, record_id)
    require("view", record)
    return redirect(url_for(".show", record_id=record.npo_id))


@bp.route("/relations/<int:record_id>/edit", methods=["GET", "POST"])
def edit_relation(record_id: int):
    relation = load(GroupRelation, record_id)
    require("edit", relation)
    return edit_page(relation, _relation_form(RelationForm(obj=relation), relation.source),
                     operations.update_relation, "groups/relation_form.html",
                     url_for(".show", record_id=relation.source_id) + "#relations",
                     group=relation.source, relation=relation, history=history(relation))


@bp.route("/relations/<int:record_id>/archive", methods=["POST"])
def archive_relation(record_id: int):
    relation = load(GroupRelation, record_id)
    require("archive", relation)
    toggle_archive(relation)
    return redirect(url_for(".show", record_id=relation.source_id) + "#relations")


# --- NPO hosting ---------------------------------------------------------------------------

def _hosting_form(form: HostingForm) -> HostingForm:
    offer(form.npo_id, types=(GroupType.NPO,))
    form.host_id.set_choices(db.session.scalars(sa.select(Organisation).where(
        Organisation.active(), Organisation.kind != OrganisationKind.REGION)
        .order_by(Organisation.kind != OrganisationKind.HEALTHCARE_REGION, Organisation.name_sort)).all())
    return form


@bp.route("/hosting")
def hosting():
    on, date_error = _parse_date(request.args.get("on"))
    npos = db.session.scalars(sa.select(Group).where(Group.type == GroupType.NPO, Group.active())
                              .order_by(Group.name_sort)).all()
    hostings = db.session.scalars(sa.select(NpoHosting).where(
        NpoHosting.active(), current_on(NpoHosting.valid_from, NpoHosting.valid_to, on))
        .options(selectinload(NpoHosting.host))).all()
    columns = _organisations(OrganisationKind.HEALTHCARE_REGION)
    column_ids = {c.id for c in columns}
    other_hosts = sorted({h.host for h in hostings if h.host_id not in column_ids}, key=lambda o: o.name_sort)
    cells: dict[tuple[int, int], list[NpoHosting]] = {}
    for h in hostings:
        cells.setdefault((h.npo_id, h.host_id), []).append(h)
    unhosted = [n for n in npos if not any(k[0] == n.id for k in cells)]
    all_hostings = db.session.scalars(sa.select(NpoHosting).where(NpoHosting.active()).options(
        selectinload(NpoHosting.npo), selectinload(NpoHosting.host))).all()
    all_hostings.sort(key=lambda h: (h.npo.name_sort, h.valid_from or date.min))
    return render_template(
        "groups/hosting.html", npos=npos, columns=columns + other_hosts, cells=cells, on=on,
        on_raw=request.args.get("on", ""), date_error=date_error, unhosted=unhosted,
        all_hostings=all_hostings, statuses=HostingStatus)


@bp.route("/hosting/new", methods=["GET", "POST"])
def create_hosting_view():
    require("create", NpoHosting)
    form = _hosting_form(HostingForm())
    if request.method == "GET" and int_arg("npo"):
        form.npo_id.data = int_arg("npo")
    return create_page(form, operations.create_hosting, "groups/hosting_form.html",
                       lambda h: url_for(".hosting"), _("Värdskapet har sparats."), hosting=None)


@bp.route("/hosting/<int:record_id>/edit", methods=["GET", "POST"])
def edit_hosting(record_id: int):
    record = load(NpoHosting, record_id)
    require("edit", record)
    return edit_page(record, _hosting_form(HostingForm(obj=record)), operations.update_hosting,
                     "groups/hosting_form.html", url_for(".hosting"), hosting=record, history=history(record))


@bp.route("/hosting/<int:record_id>/archive", methods=["POST"])
def archive_hosting(record_id: int):
    record = load(NpoHosting, record_id)
    require("archive", record)
    toggle_archive(record)
    return redirect(url_for(".hosting"))


# --- Organisation chart --------------------------------------------------------------------

@bp.route("/chart")
def org_chart():
    hr_id = int_arg("healthcare_region")
    healthcare_region = db.session.get(Organisation, hr_id) if hr_id else None
    if hr_id and (healthcare_region is None or not healthcare_region.is_healthcare_region):
        abort(404)
    chart = orgchart.build(healthcare_region, date.today())
    return render_template("groups/org_chart.html", chart=chart, healthcare_region=healthcare_region,
                           healthcare_regions=_organisations(OrganisationKind.HEALTHCARE_REGION))
