"""User administration: the list, an account's page with its sessions, tokens, history and security
events, create and edit, deactivate, one-time password links, unlock, and the security log."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import operations, security_log, sessions
from app.auth.models import Role, SecurityEventKind, User
from app.auth.queries import tokens_of
from app.core.crud import edit_page, history, load, post_from_page, require, save
from app.core.forms import ConfirmForm
from app.core.pagination import paginate
from app.extensions import db
from app.people.models import Person
from app.picker.queries import offer
from app.users import queries
from app.users.forms import UserForm

bp = Blueprint("users", __name__, url_prefix="/users", template_folder="templates")


@bp.before_request
def admins_only():
    require("manage_users")


def _prepare(form: UserForm, user: User | None = None) -> UserForm:
    # People without an account, and the one this account is linked to.
    taken = sa.select(User.person_id).where(User.person_id.is_not(None), User.id != (user.id if user else -1))
    offer(form.person_id, stmt=sa.select(Person).where(
        Person.active(), Person.id.not_in(taken)).order_by(Person.name_sort, Person.id))
    form.record_id = user.id if user else None
    return form


@bp.route("/")
def index():
    filters = queries.UserFilters.from_args()
    page = paginate(queries.users(filters))
    return render_template("users/index.html", page=page, filters=filters, roles=Role.choices(),
                           last_sign_ins=queries.last_sign_ins(u.id for u in page.items))


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = _prepare(UserForm())
    if form.validate_on_submit():
        made = {}

        def write():
            made["user"], made["secret"] = operations.create_user(form.record_values(), current_user)

        if save(form, write, _("Kontot är skapat."))[0]:
            return _show_link(made["user"], made["secret"], for_new_account=True)
    return render_template("users/form.html", form=form, user=None, conflict=None)


def _show_link(user: User, secret: str, for_new_account: bool):
    """The one-time link, on this answer only (never stored, never in a cookie)."""
    return render_template("users/password_link.html", user=user, for_new_account=for_new_account,
                           link=url_for("auth.password_link", secret=secret, _external=True),
                           hours=current_app.config["PASSWORD_LINK_HOURS"])


@bp.route("/<int:record_id>")
def show(record_id: int):
    user = load(User, record_id)
    tokens = tokens_of(user.id)
    events = db.session.scalars(queries.events(queries.EventFilters(username=user.username)).limit(10)).all()
    return render_template("users/show.html", user=user, sessions=sessions.live_sessions(user.id), tokens=tokens,
                           events=events, locked_until=security_log.account_locked_until(user.username),
                           history=history(user), current_session=getattr(current_user, "current_session", None))


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    user = load(User, record_id)
    return edit_page(user, _prepare(UserForm(obj=user), user), operations.update_user, "users/form.html",
                     url_for(".show", record_id=user.id), user=user)


@bp.route("/<int:record_id>/archive", methods=["POST"])
def archive(record_id: int):
    """Deactivate or activate (the button's `do`); deactivation ends the account's sessions at once."""
    user = load(User, record_id)
    if request.form.get("do") == "restore":
        write, message = (lambda: operations.activate_user(user, current_user)), _("Kontot är aktiverat igen.")
    else:
        write, message = (lambda: operations.deactivate_user(user, current_user)), _(
            "Kontot är avstängt och dess inloggningar avslutade.")
    return post_from_page(ConfirmForm(), write, message, url_for(".show", record_id=user.id))


@bp.route("/<int:record_id>/password-link", methods=["POST"])
def password_link(record_id: int):
    """Reset: the old password stops working, sessions end, and a one-time link is shown once."""
    user = load(User, record_id)
    form = ConfirmForm()
    made = {}

    def write():
        made["secret"] = operations.issue_password_link(user, current_user, for_new_account=not user.has_password
                                                        and user.password_changed_at is None)

    if form.validate_on_submit() and save(form, write, None)[0]:
        return _show_link(user, made["secret"], for_new_account=False)
    flash(_("Formuläret har gått ut. Försök igen."), "error")
    return redirect(url_for(".show", record_id=user.id))


@bp.route("/<int:record_id>/sessions/end", methods=["POST"])
def end_sessions(record_id: int):
    user = load(User, record_id)
    return post_from_page(ConfirmForm(), lambda: operations.end_sessions(user, current_user),
                          _("Kontots inloggningar är avslutade."), url_for(".show", record_id=user.id))


@bp.route("/<int:record_id>/unlock", methods=["POST"])
def unlock(record_id: int):
    user = load(User, record_id)
    return post_from_page(ConfirmForm(), lambda: operations.unlock(user.username, current_user),
                          _("Spärren är hävd."), url_for(".show", record_id=user.id))


@bp.route("/security-log")
def security_events():
    filters = queries.EventFilters.from_args()
    page = paginate(queries.events(filters), per_page=50)
    return render_template("users/security_log.html", page=page, filters=filters, kinds=list(SecurityEventKind))

