"""Load → check → act helpers shared by the area views."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import Forbidden

from app.core import operations as ops
from app.core.audit import HISTORY_ORDER, describe, history_query
from app.core.operations import BusinessRuleError, StaleRecordError
from app.core.pagination import newest_first
from app.core.permissions import NotAllowed, can
from app.extensions import db


def load(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


class ArchivedRecord(Forbidden):
    """Refused because the record is archived (it must be restored before it changes)."""


def require(action: str, record=None) -> None:
    if not can(current_user, action, record):
        if getattr(record, "is_archived", False) is True and action != "archive" and can(current_user, "archive",
                                                                                           record):
            # Say why, to someone who could restore it: the page they came from may be an old one.
            raise ArchivedRecord()
        abort(403)


def save(form, write, success_message) -> tuple[bool, list | None]:
    """Run `write()` (which calls operations), commit, and flash; on failure keep the form.

    Returns (saved, conflict) where conflict lists the change-log lines someone else saved
    since the form was rendered. Nothing is committed unless everything succeeded.
    """
    try:
        write()
        ops.commit()
    except NotAllowed:
        # The view allowed the record it loaded, but the operation would change another one that
        # the user may not: nothing is saved.
        db.session.rollback()
        abort(403)
    except BusinessRuleError as err:
        db.session.rollback()
        field = getattr(form, err.field, None) if err.field else None
        if field is not None:
            field.errors = list(field.errors) + [err.message]
        else:
            form.form_errors.append(err.message)
        return False, None
    except DataError:
        # A value the database cannot hold that slipped past the form's limits: refuse, never a 500.
        db.session.rollback()
        form.form_errors.append(_("Ett värde är för stort eller har fel form för att kunna sparas. Kontrollera och "
                                  "spara igen."))
        return False, None
    except IntegrityError:
        # A uniqueness rule raced past the checks (two people saving at once).
        db.session.rollback()
        form.form_errors.append(_("Uppgifterna krockar med en post som sparades nyss. Kontrollera och spara igen."))
        return False, None
    except StaleRecordError as err:
        record_cls = type(err.record)
        changes = [(entry, describe(record_cls, entry)) for entry in err.changes]
        db.session.rollback()
        # A second save is now a deliberate choice, made after seeing what changed.
        form.version.data = str(err.record.version)
        form.form_errors.append(err.message)
        return False, changes
    if success_message:
        flash(success_message, "success")
    return True, None


def create_page(form, create, template: str, next_url, message, **context):
    """A create form: on a valid POST, `create(values, user)` makes the record, then redirect to
    `next_url(record)`; otherwise (re-)render `template` with the form and its messages."""
    if form.validate_on_submit():
        made = {}

        def write():
            made["record"] = create(form.record_values(), current_user)

        if save(form, write, message)[0]:
            return redirect(next_url(made["record"]))
    return render_template(template, form=form, conflict=None, **context)


def edit_page(record, form, update, template: str, next_url: str, **context):
    """An edit form on `record`: it carries the version it was opened on, so that
    `update(record, values, user, expected_version)` can refuse a stale save."""
    from app.core.forms import picker_search_field

    if request.method == "GET" and not picker_search_field(form):
        # (A picker's search keeps the version the form was first opened on, with everything else typed.)
        form.version.data = record.version
    conflict = None
    if form.validate_on_submit():
        # A post without its version (a tampered or truncated form) is treated as stale.
        expected = form.expected_version() or 0
        saved, conflict = save(form, lambda: update(record, form.record_values(), current_user, expected),
                               _("Ändringarna har sparats."))
        if saved:
            return redirect(next_url)
    return render_template(template, form=form, conflict=conflict, **context)


HISTORY_PER_PAGE = 20


def history(record):
    """The latest page of a record's history (older pages by `?history=<key>`), each entry with its
    readable lines: a record changed a million times costs the same page as one changed once."""
    page = newest_first(history_query(record), HISTORY_ORDER, "history", HISTORY_PER_PAGE)
    page.items = [(entry, describe(type(record), entry)) for entry in page.items]
    return page


def not_found_unless(condition) -> None:
    if not condition:
        abort(404)


def toggle_archive(record) -> None:
    """Archive or restore (the button's `do` value) after the CSRF check; caller checked rights."""
    from app.core.forms import ConfirmForm

    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Formuläret har gått ut. Försök igen."), "error")
        return
    if request.form.get("do") == "restore":
        save(form, lambda: ops.restore(record, current_user), _("%(name)s har återställts.", name=str(record)))
    else:
        save(form, lambda: ops.archive(record, current_user),
             _("%(name)s har arkiverats. Posten finns kvar och kan återställas.", name=str(record)))
    flash_form_errors(form)


def archive_page(model, record_id: int, endpoint: str, id_attr: str = "id"):
    """An archive/restore button's route: load → check → act, then back to the page showing the
    record (`endpoint` with the record's `id_attr`, e.g. a measurement's KPI)."""
    record = load(model, record_id)
    require("archive", record)
    toggle_archive(record)
    return redirect(url_for(endpoint, record_id=getattr(record, id_attr)))


def post_from_page(form, write, message, back: str):
    """A small form posted from a record's page: act when it is valid, then go back to the page,
    where the outcome shows as a message either way."""
    if form.validate_on_submit():
        save(form, write, message)
    flash_form_errors(form)
    return redirect(back)


def flash_form_errors(form) -> None:
    """For small forms posted from a record's page: show their errors there as messages."""
    for name, errors in form.errors.items():
        if not name:  # form-level errors: flashed below
            continue
        field = getattr(form, name, None)
        label = field.label.text if field is not None and name != "csrf_token" else ""
        for error in errors:
            flash(f"{label}: {error}" if label else str(error), "error")
    for error in form.form_errors:
        flash(str(error), "error")


def groups_for(model, groups):
    """Of `groups`, those the current user may register `model` records for (a chair: their own)."""
    from app.core.permissions import group_scope

    scope = group_scope(current_user, model)
    return groups if scope is None else [g for g in groups if g.id in scope]
