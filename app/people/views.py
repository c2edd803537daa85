"""People, memberships and conflict-of-interest (jäv) declarations."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.core.args import Args
from app.core.crud import archive_page, create_page, edit_page, history, load, require
from app.core.pagination import paginate
from app.core.permissions import can
from app.core.routing import int_arg
from app.extensions import db
from app.groups.models import Group, GroupType
from app.organisations.models import Organisation
from app.people import operations
from app.people.forms import DeclarationForm, MembershipForm, PersonForm
from app.people.models import ConflictDeclaration, MemberRole, Membership, Person
from app.people.operations import ASSESSMENT_FIELDS
from app.picker.queries import offer

bp = Blueprint("people", __name__, url_prefix="/people", template_folder="templates")


def _organisations():
    return db.session.scalars(sa.select(Organisation).where(Organisation.active())
                              .order_by(Organisation.name_sort)).all()


# --- People --------------------------------------------------------------------------------

@bp.route("/")
def index():
    a = Args()
    q, org_id, show_archived = a.text("q"), a.id("organisation"), a.flag("archived")
    stmt = sa.select(Person).options(selectinload(Person.organisation))
    if not show_archived:
        stmt = stmt.where(Person.active())
    if q:
        stmt = stmt.where(Person.search_text.contains(q.casefold(), autoescape=True))
    if org_id:
        stmt = stmt.where(Person.organisation_id == org_id)
    page = paginate(stmt.order_by(Person.name_sort, Person.id))
    return render_template("people/index.html", page=page, q=q, org_id=org_id,
                           organisations=_organisations(), show_archived=show_archived)


@bp.route("/<int:record_id>")
def show(record_id: int):
    person = db.session.scalar(sa.select(Person).where(Person.id == record_id).options(
        selectinload(Person.memberships).selectinload(Membership.group)))
    if person is None:
        abort(404)
    require("view", person)
    today = date.today()
    memberships = sorted((m for m in person.memberships if not m.is_archived),
                         key=lambda m: (not m.is_current_on(today), m.group.name_sort))
    return render_template("people/show.html", person=person, memberships=memberships,
                           history=history(person))


@bp.route("/new", methods=["GET", "POST"])
def create():
    require("create", Person)
    form = PersonForm()
    form.organisation_id.set_choices(_organisations())
    return create_page(form, operations.create_person, "people/person_form.html",
                       lambda p: url_for(".show", record_id=p.id), _("Personen har sparats."), person=None)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    person = load(Person, record_id)
    require("edit", person)
    form = PersonForm(obj=person)
    form.organisation_id.set_choices(_organisations())
    return edit_page(person, form, operations.update_person, "people/person_form.html",
                     url_for(".show", record_id=person.id), person=person)


@bp.route("/<int:record_id>/archive", methods=["POST"])
def archive(record_id: int):
    return archive_page(Person, record_id, ".show")


# --- Memberships ---------------------------------------------------------------------------

def _membership_form(form: MembershipForm, group: Group, membership: Membership | None = None) -> MembershipForm:
    # The person already a member stays a choice even if since archived.
    offer(form.person_id, stmt=sa.select(Person).where(sa.or_(
        Person.active(), Person.id == (membership.person_id if membership else -1))).order_by(Person.name_sort,
                                                                                             Person.id))
    offer(form.representing_id)
    # Whom a substitute stands in for: the group's other members (the operation checks the rest).
    form.substitute_for_id.set_choices(db.session.scalars(
        sa.select(Membership).join(Membership.person).options(selectinload(Membership.person))
        .where(Membership.group_id == group.id, Membership.active(),
               Membership.id != (membership.id if membership else -1), Membership.role != MemberRole.SUBSTITUTE)
        .order_by(Person.name_sort)).all())
    return form


@bp.route("/memberships/new/<int:group_id>", methods=["GET", "POST"])
def create_membership(group_id: int):
    group = load(Group, group_id)
    require("add_member", group)
    form = _membership_form(MembershipForm(), group)
    if request.method == "GET" and int_arg("person"):
        form.person_id.data = int_arg("person")
    return create_page(form, lambda values, user: operations.create_membership(group, values, user),
                       "people/membership_form.html", lambda m: url_for("groups.show", record_id=group.id),
                       _("Medlemskapet har sparats."), group=group, membership=None)


@bp.route("/memberships/<int:record_id>")
def show_membership(record_id: int):
    membership = db.session.scalar(sa.select(Membership).where(Membership.id == record_id).options(
        selectinload(Membership.declarations), selectinload(Membership.person),
        selectinload(Membership.group)))
    if membership is None:
        abort(404)
    require("view", membership)
    declaration_form = DeclarationForm(formdata=None)
    return render_template("people/membership.html", membership=membership,
                           declarations=[d for d in membership.declarations if not d.is_archived],
                           declaration_form=declaration_form, history=history(membership))


@bp.route("/memberships/<int:record_id>/edit", methods=["GET", "POST"])
def edit_membership(record_id: int):
    membership = load(Membership, record_id)
    require("edit", membership)
    form = _membership_form(MembershipForm(obj=membership), membership.group, membership)
    return edit_page(membership, form, operations.update_membership, "people/membership_form.html",
                     url_for(".show_membership", record_id=membership.id), group=membership.group,
                     membership=membership)


@bp.route("/memberships/<int:record_id>/archive", methods=["POST"])
def archive_membership(record_id: int):
    return archive_page(Membership, record_id, ".show_membership")


# --- Conflict-of-interest declarations -----------------------------------------------------

def _declaration_form(declaration=None, **kwargs) -> DeclarationForm:
    """For those who may not assess (a chair) the form has no assessment: the record's stays as it is.
    A post that tries to set one anyway keeps the fields, so that the operation refuses it aloud."""
    form = DeclarationForm(obj=declaration, **kwargs)
    tries_to_assess = request.method == "POST" and any(request.form.get(f) for f in ASSESSMENT_FIELDS)
    if not tries_to_assess and not can(current_user, "assess", declaration or ConflictDeclaration):
        for name in ASSESSMENT_FIELDS:
            delattr(form, name)
    return form


@bp.route("/memberships/<int:record_id>/declarations/new", methods=["GET", "POST"])
def create_declaration_view(record_id: int):
    membership = load(Membership, record_id)
    require("edit", membership)
    return create_page(_declaration_form(),
                       lambda values, user: operations.create_declaration(membership, values, user),
                       "people/declaration_form.html", lambda d: url_for(".show_membership", record_id=membership.id),
                       _("Jävsdeklarationen har sparats."), membership=membership, declaration=None)


@bp.route("/declarations/<int:record_id>")
def show_declaration(record_id: int):
    """Declarations are shown on their membership's page."""
    declaration = load(ConflictDeclaration, record_id)
    require("view", declaration)
    return redirect(url_for(".show_membership", record_id=declaration.membership_id))


@bp.route("/declarations/<int:record_id>/edit", methods=["GET", "POST"])
def edit_declaration(record_id: int):
    declaration = load(ConflictDeclaration, record_id)
    require("edit", declaration)
    return edit_page(declaration, _declaration_form(declaration), operations.update_declaration,
                     "people/declaration_form.html", url_for(".show_membership", record_id=declaration.membership_id),
                     membership=declaration.membership, declaration=declaration, history=history(declaration))


@bp.route("/declarations/<int:record_id>/archive", methods=["POST"])
def archive_declaration(record_id: int):
    return archive_page(ConflictDeclaration, record_id, ".show_membership", "membership_id")


@bp.route("/conflicts/missing")
def conflicts_missing():
    """Current memberships with no assessed declaration: what the host must still assess."""
    group_type = Args().choice("type", GroupType)
    assessed = sa.select(ConflictDeclaration.id).where(
        ConflictDeclaration.membership_id == Membership.id,
        ConflictDeclaration.outcome.is_not(None), ConflictDeclaration.active())
    stmt = (sa.select(Membership).join(Membership.group).join(Membership.person)
            .where(Membership.current_criterion(date.today()), Group.active(), Person.active(),
                   ~sa.exists(assessed))
            .options(selectinload(Membership.person), selectinload(Membership.group),
                     selectinload(Membership.declarations)))
    if group_type:
        stmt = stmt.where(Group.type == group_type)
    page = paginate(stmt.order_by(Group.name_sort, Person.name_sort, Membership.id))
    return render_template("people/conflicts_missing.html", page=page, types=GroupType,
                           group_type=group_type.value if group_type else "")
