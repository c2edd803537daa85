"""/picker/<kind>?q= – the type-ahead's answers: active groups, people, organisations, assignments,
decisions or meetings whose searchable text contains what was typed, with what tells namesakes apart: a
group's type and region, a person's organisation and title, an organisation's kind, an assignment's
recipient and status, a decision's group and date, a meeting's group. A field narrows them as its choices
are narrowed (app.picker.queries): `type` (groups, repeated), `group` (an assignment's principal or
recipient, a decision's or meeting's group), `exclude` (one record). Anyone signed in may read them, as
they may read the records themselves. A query too long or a narrowing that cannot be read is a 400
(app.core.args), an unknown kind a 404."""

from flask import Blueprint, abort, jsonify, request

from app.core.args import Args, BadArgument
from app.core.crud import require
from app.groups.models import GroupType
from app.picker.queries import KINDS, matches

bp = Blueprint("picker", __name__, url_prefix="/picker")

LIMIT = 20


def _types() -> tuple:
    values = request.args.getlist("type")
    if any(v not in GroupType._value2member_map_ for v in values):
        raise BadArgument("type", "must be a type of group: " + ", ".join(t.value for t in GroupType))
    return tuple(GroupType(v) for v in values)


@bp.route("/<kind>")
def search(kind: str):
    if kind not in KINDS:
        abort(404)
    require("view")
    args = Args()
    query = args.text("q")
    narrowing = {"types": _types() if kind == "group" else (), "group": args.id("group"),
                 "exclude": args.id("exclude")}
    if kind not in ("assignment", "decision", "meeting"):
        narrowing["group"] = None
    detail = KINDS[kind].detail
    return jsonify(kind=kind, q=query, results=[
        {"id": record.id, "label": str(record), "detail": detail(record)}
        for record in matches(kind, query, LIMIT, **narrowing)])
