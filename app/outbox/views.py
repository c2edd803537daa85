"""The outbox list and resending."""

import sqlalchemy as sa
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core import outbox
from app.core.args import Args
from app.core.crud import load, post_from_page, require
from app.core.forms import ConfirmForm
from app.core.outbox import OutboxMessage, OutboxStatus
from app.core.pagination import paginate

bp = Blueprint("outbox", __name__, url_prefix="/outbox", template_folder="templates")


@bp.before_request
def keepers_only():
    # Messages hold names and addresses: the secretariat's and admins' to see, like the dispatch lists.
    require("edit", OutboxMessage)


def messages(args: Args):
    stmt = sa.select(OutboxMessage)
    status = args.choice("status", OutboxStatus)
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    if args.text("about", 60):
        stmt = stmt.where(OutboxMessage.about_type == args.text("about", 60))
    if args.id("about_id"):
        stmt = stmt.where(OutboxMessage.about_id == args.id("about_id"))
    return stmt.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


@bp.route("/")
def index():
    args = Args()
    status = args.choice("status", OutboxStatus)
    counts = dict(outbox.counts_by_status())
    return render_template("outbox/index.html", page=paginate(messages(args)), status=status.value if status else "",
                           statuses=list(OutboxStatus), counts=counts, mail_configured=outbox.mail_configured())


@bp.route("/<int:record_id>/resend", methods=["POST"])
def resend(record_id: int):
    message = load(OutboxMessage, record_id)
    return post_from_page(ConfirmForm(), lambda: outbox.resend(message, current_user),
                          _("Meddelandet skickas igen."), url_for(".index", status="failed"))
