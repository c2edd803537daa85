"""Start page, language switch and health check."""

from flask import Blueprint, abort, current_app, redirect, request, session, url_for

from app.core.routing import safe_next

bp = Blueprint("core", __name__)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    from app.core.forms import ConfirmForm

    # CSRF-checked like every other POST, so another site cannot switch a user's language.
    if ConfirmForm().validate_on_submit():
        session["lang"] = code
    return redirect(safe_next(request.form.get("next"), url_for("overview.index")))


@bp.route("/health")
def health():
    """For the load balancer and monitoring: answers 200 only when the database answers too."""
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError

    from app.extensions import db

    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
