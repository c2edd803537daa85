"""Application factory for the governance register (styrregister)."""

import os

from flask import Flask, abort, flash, g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.config import Config, database_url, environment_overrides
from app.core import logs, security
from app.core.args import BadArgument
from app.extensions import babel, db, limiter, login_manager, migrate

# Endpoints reachable without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "auth.password_link", "static", "core.set_language", "core.health",
                    "api.openapi",
                    # Secret, signed URLs: calendar programs and invitees without an account use them.
                    "calendars.personal_feed", "calendars.group_feed", "invitations.answer_by_link"}


def select_locale():
    # CLI commands (seed, users) run without a request: they get the default, Swedish.
    # English uses British date and number formats; the "en" catalog serves en_GB.
    if has_request_context() and session.get("lang") == "en":
        return "en_GB"
    return "sv"


def create_app(test_config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_object(Config)
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        # The environment wins over instance/config.py (containers set secrets this way).
        app.config.update(environment_overrides())
    else:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server may have closed a pooled connection (a restart, an idle timeout): test it before use. A
        # SQLite file has no connection to lose, and the ping would cost every request a statement.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    # A request may carry one file of MAX_UPLOAD_MB and its form; the store refuses a larger file itself.
    app.config.setdefault("MAX_CONTENT_LENGTH", (int(app.config["MAX_UPLOAD_MB"]) + 1) * 1024 * 1024)
    security.check_secret_key(app)
    from app.auth import security_log
    from app.auth.sessions import check_session_settings

    check_session_settings(app.config)
    security_log.configure(app)

    from app.core.routing import BoundedIntConverter

    # Ids beyond what the database can hold are "not found", not a database error.
    app.url_map.converters["int"] = BoundedIntConverter
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from app.core.db import configure_sqlite

        with app.app_context():
            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    limiter.init_app(app)
    security.register(app)
    logs.register(app)
    babel.init_app(app, locale_selector=select_locale)

    _import_models()
    _register_blueprints(app)
    _register_hooks(app)
    _register_cli(app)
    _register_worker(app)
    return app


def _import_models() -> None:
    # Every model must be imported so that metadata (and Alembic) sees the whole schema.
    from app.assignments import models as _assignments  # noqa: F401
    from app.auth import models as _auth  # noqa: F401
    from app.calendars import models as _calendars  # noqa: F401
    from app.competence.kpis import models as _kpis  # noqa: F401
    from app.competence.plan import models as _plan  # noqa: F401
    from app.competence.regions import models as _regions  # noqa: F401
    from app.competence.usecases import models as _usecases  # noqa: F401
    from app.core import audit as _audit  # noqa: F401
    from app.core import outbox as _outbox  # noqa: F401
    from app.decisions import models as _decisions  # noqa: F401
    from app.documents import models as _documents  # noqa: F401
    from app.groups import models as _groups  # noqa: F401
    from app.meetings import models as _meetings  # noqa: F401
    from app.meetings.invitations import models as _invitations  # noqa: F401
    from app.organisations import models as _orgs  # noqa: F401
    from app.people import models as _people  # noqa: F401
    from app.priorities import models as _priorities  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.api.views import bp as api_bp
    from app.assignments.views import bp as assignments_bp
    from app.auth.views import bp as auth_bp
    from app.calendars.views import bp as calendars_bp
    from app.competence.blueprint import bp as competence_bp
    from app.core.views import bp as core_bp
    from app.decisions.views import bp as decisions_bp
    from app.documents.views import bp as documents_bp
    from app.followup.views import bp as followup_bp
    from app.groups.views import bp as groups_bp
    from app.meetings.invitations.views import bp as invitations_bp
    from app.meetings.views import bp as meetings_bp
    from app.organisations.views import bp as orgs_bp
    from app.outbox.views import bp as outbox_bp
    from app.overview.views import bp as overview_bp
    from app.people.views import bp as people_bp
    from app.picker.views import bp as picker_bp
    from app.priorities.views import bp as priorities_bp
    from app.search.views import bp as search_bp
    from app.users.views import bp as users_bp

    _register_competence_views()
    for bp in (core_bp, overview_bp, auth_bp, orgs_bp, groups_bp, people_bp, assignments_bp, decisions_bp,
               meetings_bp, followup_bp, api_bp, search_bp, priorities_bp, competence_bp, users_bp, outbox_bp,
                documents_bp, picker_bp, invitations_bp, calendars_bp):
        app.register_blueprint(bp)


def _register_competence_views() -> None:
    # The competence centre's sub-packages add their routes to its one blueprint when imported.
    from app.competence import views as _dashboard  # noqa: F401
    from app.competence.kpis import views as _kpis  # noqa: F401
    from app.competence.plan import views as _plan  # noqa: F401
    from app.competence.regions import views as _regions  # noqa: F401
    from app.competence.report import views as _report  # noqa: F401
    from app.competence.usecases import views as _usecases  # noqa: F401


def _register_hooks(app: Flask) -> None:
    from app.core import errors, templating

    errors.register(app)
    templating.register(app)

    from app.auth import sessions

    login_manager.user_loader(sessions.load_user_from_session)
    login_manager.request_loader(sessions.load_user_from_token)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @app.before_request
    def require_login():
        g.lang = select_locale()
        # No text field takes NUL, and PostgreSQL refuses it: say so instead of failing.
        for name, value in request.args.items(multi=True):
            if "\x00" in name or "\x00" in value:
                raise BadArgument(name, "must not contain NUL characters")
        if _has_nul(request.form):
            abort(400)
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            if request.path.startswith("/api/"):
                return ({"error": "authentication required",
                         "description": "Sign in, or send a valid token as Authorization: Bearer <token>."},
                        401, {"WWW-Authenticate": "Bearer"})
            if session.pop("_user_id", None):
                # The cookie named a session that has ended (signed out elsewhere, timed out, ended by an admin).
                flash(_("Du har loggats ut. Logga in igen för att fortsätta."), "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None

    @app.teardown_request
    def close_uploads(_error=None):
        # An upload larger than a few hundred kB is spooled to a temporary file: close it now, not when
        # the garbage collector finds it (a refused file is never read to its end).
        request.close()


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values.values()) if values else False


def _register_worker(app: Flask) -> None:
    # The areas' scheduled jobs register themselves when imported; then the worker takes them all.
    from app.assignments import jobs as _assignment_jobs  # noqa: F401
    from app.core import worker

    worker.init_app(app)


def _register_cli(app: Flask) -> None:
    from app.assignments.cli import maintenance_cli, reminders_cli
    from app.auth.cli import users_cli
    from app.core.backup import backup_cli
    from seed.loader import seed_command

    app.cli.add_command(backup_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(maintenance_cli)
    app.cli.add_command(seed_command)
