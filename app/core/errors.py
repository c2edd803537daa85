"""Error pages. A failed request rolls the session back so nothing is half-saved."""

from flask import render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.core.logs import request_id
from app.core.pdf import PdfUnavailable
from app.extensions import db


def register(app) -> None:
    def wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(403)
    def forbidden(error):
        archived = type(error).__name__ == "ArchivedRecord"
        if wants_json():
            return {"error": "forbidden", "description": "Your account may not do this."}, 403
        return render_template("errors/403.html", archived=archived), 403

    @app.errorhandler(404)
    def not_found(error):
        if wants_json():
            return {"error": "not found", "description": "No such record or address."}, 404
        return render_template("errors/404.html"), 404

    @app.errorhandler(HTTPException)
    def other_http_error(error):
        # 400, 405 and the like: our own page, in the user's language, not Werkzeug's.
        if wants_json():
            body = {"error": error.name, "description": error.description}
            if getattr(error, "parameter", None):
                body["parameter"] = error.parameter  # the query argument that could not be understood
            return body, error.code
        return render_template("errors/generic.html", code=error.code,
                               parameter=getattr(error, "parameter", None)), error.code

    @app.errorhandler(StaleDataError)
    def stale(error):
        # Two saves raced past the form check; the database refused the second one.
        db.session.rollback()
        return render_template("errors/409.html"), 409

    @app.errorhandler(PdfUnavailable)
    def pdf_unavailable(error):
        db.session.rollback()
        return render_template("errors/pdf_unavailable.html"), 503

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        if wants_json():
            return {"error": "Internal Server Error",
                    "description": "The server could not answer. Nothing was changed; try again later.",
                    "request_id": request_id()}, 500
        return render_template("errors/500.html"), 500
