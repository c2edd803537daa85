"""Priority lists: a group's ordered priorities for a period, with rationale and input."""

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.core.crud import (
    create_page,
    edit_page,
    flash_form_errors,
    history,
    load,
    post_from_page,
    require,
    save,
)
from app.core.forms import ConfirmForm
from app.core.pagination import paginate
from app.core.routing import int_arg
from app.extensions import db
from app.picker.queries import offer, offer_groups_for
from app.priorities import operations
from app.priorities.forms import PriorityItemForm, PriorityListForm
from app.priorities.models import PriorityItem, PriorityList

bp = Blueprint("priorities", __name__, url_prefix="/priorities", template_folder="templates")


def _list_form(form: PriorityListForm) -> PriorityListForm:
    offer_groups_for(form.group_id, PriorityList)
    offer(form.decision_id)
    return form


def _item_form(form: PriorityItemForm) -> PriorityItemForm:
    offer(form.input_from_group_id)
    return form


@bp.route("/")
def index():
    stmt = sa.select(PriorityList).where(PriorityList.active()).options(selectinload(PriorityList.group))
    if int_arg("group"):
        stmt = stmt.where(PriorityList.group_id == int_arg("group"))
    page = paginate(stmt.order_by(PriorityList.valid_from.desc().nulls_last(), PriorityList.id.desc()))
    return render_template("priorities/index.html", page=page)


@bp.route("/<int:record_id>")
def show(record_id: int):
    priority_list = db.session.scalar(sa.select(PriorityList).where(PriorityList.id == record_id).options(
        selectinload(PriorityList.items).selectinload(PriorityItem.input_from_group),
        selectinload(PriorityList.items).selectinload(PriorityItem.assignments)))
    if priority_list is None:
        abort(404)
    require("view", priority_list)
    return render_template("priorities/show.html", pl=priority_list, items=operations.live_items(priority_list),
                           item_form=_item_form(PriorityItemForm()), history=history(priority_list))


@bp.route("/new", methods=["GET", "POST"])
def create():
    require("create", PriorityList)
    form = _list_form(PriorityListForm())
    if request.method == "GET" and int_arg("group"):
        form.group_id.data = int_arg("group")
    return create_page(form, operations.create_list, "priorities/form.html",
                       lambda pl: url_for(".show", record_id=pl.id), _("Prioriteringslistan har sparats."),
                       priority_list=None)


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    priority_list = load(PriorityList, record_id)
    require("edit", priority_list)
    return edit_page(priority_list, _list_form(PriorityListForm(obj=priority_list)), operations.update_list,
                     "priorities/form.html", url_for(".show", record_id=priority_list.id), priority_list=priority_list)


@bp.route("/<int:record_id>/items", methods=["POST"])
def add_item(record_id: int):
    priority_list = load(PriorityList, record_id)
    require("edit", priority_list)
    form = _item_form(PriorityItemForm())
    return post_from_page(form, lambda: operations.add_item(priority_list, form.record_values(), current_user),
                          _("Prioriteringen har lagts till."), url_for(".show", record_id=priority_list.id))


@bp.route("/items/<int:record_id>/edit", methods=["GET", "POST"])
def edit_item(record_id: int):
    item = load(PriorityItem, record_id)
    require("edit", item)
    return edit_page(item, _item_form(PriorityItemForm(obj=item)), operations.update_item, "priorities/item_form.html",
                     url_for(".show", record_id=item.priority_list_id), item=item, history=history(item))


@bp.route("/items/<int:record_id>/move", methods=["POST"])
def move_item(record_id: int):
    item = load(PriorityItem, record_id)
    require("edit", item)
    form = ConfirmForm()
    if form.validate_on_submit():
        direction = -1 if request.form.get("direction") == "up" else 1
        save(form, lambda: operations.move_item(item, direction, current_user), _("Ordningen har ändrats."))
    flash_form_errors(form)
    return redirect(url_for(".show", record_id=item.priority_list_id))


@bp.route("/items/<int:record_id>/archive", methods=["POST"])
def archive_item(record_id: int):
    item = load(PriorityItem, record_id)
    require("archive", item)
    form = ConfirmForm()
    if form.validate_on_submit():
        save(form, lambda: operations.archive_item(item, current_user), _("Prioriteringen har tagits bort ur listan."))
    return redirect(url_for(".show", record_id=item.priority_list_id))
