"""Application factory for the governance register (styrregister)."""

import os

import sqlalchemy as sa
from flask import Flask, abort, g, has_request_context, redirect, request, session, url_for
from flask_login import current_user

from app.config import Config, database_url
from app.extensions import babel, db, login_manager, migrate

# Endpoints reachable without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "static", "core.set_language", "core.health", "api.openapi"}


def select_locale():
    # CLI commands (seed, users) run without a request: they get the default, Swedish.
    # English uses British date and number formats; the "en" catalog serves en_GB.
    if has_request_context() and session.get("lang") == "en":
        return "en_GB"
    return "sv"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        # The environment wins over instance/config.py (containers set secrets this way).
        for name in ("SECRET_KEY", "MAIL_SERVER", "MAIL_PORT", "MAIL_FROM", "MAIL_USERNAME", "MAIL_PASSWORD"):
            if os.environ.get(name):
                app.config[name] = os.environ[name]
        if os.environ.get("MAIL_USE_TLS"):
            app.config["MAIL_USE_TLS"] = os.environ["MAIL_USE_TLS"].lower() in ("1", "true", "yes")
    else:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing or os.environ.get("FLASK_DEBUG")):
            raise RuntimeError("SECRET_KEY is not set: put it in instance/config.py (see README).")
        app.config["SECRET_KEY"] = "dev-only-not-secret"

    from app.core.routing import BoundedIntConverter

    # Ids beyond what the database can hold are "not found", not a database error.
    app.url_map.converters["int"] = BoundedIntConverter
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    _import_models()
    _register_blueprints(app)
    _register_hooks(app)
    _register_cli(app)
    return app


def _import_models() -> None:
    # Every model must be imported so that metadata (and Alembic) sees the whole schema.
    from app.assignments import models as _assignments  # noqa: F401
    from app.auth import models as _auth  # noqa: F401
    from app.competence import models as _competence  # noqa: F401
    from app.core import audit as _audit  # noqa: F401
    from app.decisions import models as _decisions  # noqa: F401
    from app.groups import models as _groups  # noqa: F401
    from app.meetings import models as _meetings  # noqa: F401
    from app.organisations import models as _orgs  # noqa: F401
    from app.people import models as _people  # noqa: F401
    from app.priorities import models as _priorities  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.api.views import bp as api_bp
    from app.assignments.views import bp as assignments_bp
    from app.auth.views import bp as auth_bp
    from app.competence.views import bp as competence_bp
    from app.core.views import bp as core_bp
    from app.decisions.views import bp as decisions_bp
    from app.followup.views import bp as followup_bp
    from app.groups.views import bp as groups_bp
    from app.meetings.views import bp as meetings_bp
    from app.organisations.views import bp as orgs_bp
    from app.overview.views import bp as overview_bp
    from app.people.views import bp as people_bp
    from app.priorities.views import bp as priorities_bp
    from app.search.views import bp as search_bp

    for bp in (core_bp, overview_bp, auth_bp, orgs_bp, groups_bp, people_bp, assignments_bp, decisions_bp,
               meetings_bp, followup_bp, api_bp, search_bp, priorities_bp, competence_bp):
        app.register_blueprint(bp)


def _register_hooks(app: Flask) -> None:
    from app.core import errors, templating

    errors.register(app)
    templating.register(app)

    @login_manager.user_loader
    def load_user(user_id: str):
        from app.auth.models import User

        return db.session.get(User, int(user_id))

    @login_manager.request_loader
    def load_user_from_token(req):
        """`Authorization: Bearer <token>`: a personal API token (`flask users token`)."""
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not req.path.startswith("/api/"):
            return None
        from app.auth.models import ApiToken
        from app.core.models import utcnow

        token = db.session.scalar(sa.select(ApiToken).where(
            ApiToken.token_hash == ApiToken.hash(header[7:].strip()), ApiToken.revoked_at.is_(None)))
        if token is None:
            return None
        token.last_used_at = utcnow()
        db.session.commit()
        return token.user

    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @app.before_request
    def require_login():
        g.lang = select_locale()
        if _has_nul(request.args) or _has_nul(request.form):
            # No text field takes NUL, and PostgreSQL refuses it: say so instead of failing.
            abort(400)
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            if request.path.startswith("/api/"):
                return {"error": "authentication required"}, 401, {"WWW-Authenticate": "Bearer"}
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values.values()) if values else False


def _register_cli(app: Flask) -> None:
    from app.assignments.cli import reminders_cli
    from app.auth.cli import users_cli
    from seed.loader import seed_command

    app.cli.add_command(users_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(seed_command)
