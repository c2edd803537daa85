"""Healthcare regions, regions and other organisations: list, page, create, edit, archive."""

import sqlalchemy as sa
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.core.args import Args
from app.core.crud import archive_page, create_page, edit_page, history, load, require
from app.core.pagination import paginate
from app.extensions import db
from app.groups.models import Group
from app.organisations.forms import OrganisationForm
from app.organisations.models import Organisation, OrganisationKind
from app.organisations.operations import create_organisation, update_organisation
from app.people.models import Person

bp = Blueprint("organisations", __name__, url_prefix="/organisations", template_folder="templates")


def healthcare_regions():
    return db.session.scalars(sa.select(Organisation).where(
        Organisation.kind == OrganisationKind.HEALTHCARE_REGION, Organisation.active())
        .order_by(Organisation.name_sort)).all()


def _prepare(form: OrganisationForm) -> OrganisationForm:
    form.healthcare_region_id.set_choices(healthcare_regions())
    return form


@bp.route("/")
def index():
    a = Args()
    q, kind, show_archived = a.text("q"), a.choice("kind", OrganisationKind), a.flag("archived")
    stmt = sa.select(Organisation).options(selectinload(Organisation.healthcare_region))
    if not show_archived:
        stmt = stmt.where(Organisation.active())
    if q:
        stmt = stmt.where(Organisation.search_text.contains(q.casefold(), autoescape=True))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    page = paginate(stmt.order_by(Organisation.name_sort, Organisation.id))
    return render_template("organisations/index.html", page=page, q=q, kind=kind.value if kind else "",
                           kinds=OrganisationKind, show_archived=show_archived)


@bp.route("/<int:record_id>")
def show(record_id: int):
    org = load(Organisation, record_id)
    require("view", org)
    groups = db.session.scalars(sa.select(Group).where(
        sa.or_(Group.healthcare_region_id == org.id, Group.region_id == org.id), Group.active())
        .order_by(Group.name_sort)).all()
    people = db.session.scalars(sa.select(Person).where(Person.organisation_id == org.id, Person.active())
                                .order_by(Person.name_sort)).all()
    return render_template("organisations/show.html", org=org, groups=groups, people=people,
                           history=history(org))


@bp.route("/new", methods=["GET", "POST"])
def create():
    require("create", Organisation)
    return create_page(_prepare(OrganisationForm()), create_organisation, "organisations/form.html",
                       lambda org: url_for(".show", record_id=org.id), _("Organisationen har sparats."), org=None)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    org = load(Organisation, record_id)
    require("edit", org)
    return edit_page(org, _prepare(OrganisationForm(obj=org)), update_organisation, "organisations/form.html",
                     url_for(".show", record_id=org.id), org=org)


@bp.route("/<int:record_id>/archive", methods=["POST"])
def archive(record_id: int):
    return archive_page(Organisation, record_id, ".show")
