"""Calendars: "add to calendar" for a meeting, the user's feeds page with the reset button, and the feeds
themselves at secret URLs that calendar programs fetch without signing in."""

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.calendars import feeds, ics, operations
from app.core.crud import load, post_from_page, require
from app.core.forms import ConfirmForm
from app.core.permissions import can
from app.core.routing import int_arg
from app.extensions import db
from app.groups.models import Group
from app.meetings.invitations.operations import calendar_state
from app.meetings.models import Meeting

bp = Blueprint("calendars", __name__, url_prefix="/calendar", template_folder="templates")


def _ics(content: bytes, filename: str, private: bool = True) -> Response:
    response = Response(content, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if private else "private, max-age=300"
    return response


@bp.app_context_processor
def calendar_helpers():
    def feed_url(group_id: int | None = None) -> str:
        """The signed-in user's secret feed URL (personal, or one group's)."""
        token = feeds.token_for(current_user, group_id)
        if group_id is None:
            return url_for("calendars.personal_feed", token=token, _external=True)
        return url_for("calendars.group_feed", group_id=group_id, token=token, _external=True)

    return {"feed_url": feed_url}


@bp.route("/meetings/<int:record_id>.ics")
def meeting_ics(record_id: int):
    meeting = load(Meeting, record_id)
    require("view", meeting)
    return _ics(ics.meeting_calendar(meeting, "PUBLISH", calendar_state(meeting)), f"mote-{meeting.id}.ics")


@bp.route("/")
def index():
    """The user's feed URLs: personal, their groups', and the group they came from (`?group=`, from a meeting)."""
    user = current_user._get_current_object()
    groups = feeds.my_groups(user)
    asked = db.session.get(Group, int_arg("group") or -1)
    if asked is not None and can(user, "view", asked) and asked not in groups:
        groups.insert(0, asked)
    return render_template("calendars/index.html", groups=groups, confirm_form=ConfirmForm(formdata=None))


@bp.route("/reset", methods=["POST"])
def reset():
    user = current_user._get_current_object()
    return post_from_page(ConfirmForm(), lambda: operations.reset_feeds(user, user),
                          _("Nya kalenderlänkar är skapade. De gamla fungerar inte längre: lägg in den nya länken "
                            "i din kalender."), url_for(".index"))


@bp.route("/feed/<token>.ics")
def personal_feed(token: str):
    user = feeds.user_from_token(token)
    if user is None:
        abort(404)
    return _ics(ics.calendar(feeds.personal_events(user), name=f"Styrregister – {user}").to_ical(),
                "styrregister.ics", private=False)


@bp.route("/groups/<int:group_id>/<token>.ics")
def group_feed(group_id: int, token: str):
    user = feeds.user_from_token(token, group_id)
    group = load(Group, group_id) if user is not None else None
    if user is None or group is None:
        abort(404)
    return _ics(ics.calendar(feeds.group_events(user, group), name=f"Styrregister – {group}").to_ical(),
                f"grupp-{group.id}.ics", private=False)
