"""What every template gets: the permission check, languages, date formatting."""

from datetime import date
from functools import lru_cache

from flask import current_app, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.core.i18n import install_template_gettext
from app.core.logs import request_id
from app.core.models import utcnow
from app.core.permissions import can


@lru_cache(maxsize=4096)
def _formatted_date(value: date, fmt: str, _locale: str) -> str:
    """A date as the locale writes it. Lists show the same few hundred dates again and again, and Babel
    formats each anew; keyed by the locale, which is what the formatting depends on."""
    return format_date(value, fmt)


# The badges a list draws on every row – an assignment's status, a report's traffic light – are the same
# few pieces of HTML in each language: built once each, keyed by the locale as dates are, instead of a
# macro call and a translation per row (a fifth of a list's rendering).
LIGHT_SYMBOLS = {"on_track": "●", "at_risk": "▲", "off_track": "■"}


@lru_cache(maxsize=256)
def _light(value, _locale: str) -> Markup:
    if not value:
        return Markup('<span class="light light-none">{}</span>').format(gettext("Ingen rapport"))
    return Markup('<span class="light light-{}"><span aria-hidden="true">{}</span> {}</span>').format(
        value.value, LIGHT_SYMBOLS[value.value], value.label)


@lru_cache(maxsize=256)
def _status_badge(status, _locale: str) -> Markup:
    return Markup('<span class="badge badge-status badge-{}">{}</span>').format(status.value, status.label)


def register(app) -> None:
    install_template_gettext(app)
    # The main menu differs only by language, page and two rights: drawn once for each, then reused
    # (its links and words cost more than the rest of a short page's frame).
    menus = {}

    @app.template_global()
    def main_menu():
        from app.core.outbox import OutboxMessage

        may_see_outbox = can(current_user, "edit", OutboxMessage)
        may_manage_users = can(current_user, "manage_users")
        key = (str(get_locale()), request.endpoint, request.blueprint, request.script_root, may_see_outbox,
               may_manage_users)
        menu = menus.get(key)
        if menu is None:
            menu = menus[key] = Markup(app.jinja_env.get_template("_menu.html").render(
                may_see_outbox=may_see_outbox, may_manage_users=may_manage_users))
        return menu

    @app.context_processor
    def inject():
        def user_can(action, record=None):
            return can(current_user, action, record)

        def url_with(**changes):
            """The current URL with some query arguments changed (filters, page)."""
            args = request.args.to_dict()
            args.update({k: v for k, v in changes.items() if v is not None})
            for k, v in changes.items():
                if v is None:
                    args.pop(k, None)
            return url_for(request.endpoint, **(request.view_args or {}), **args)

        return {
            "can": user_can,
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale()).split("_")[0],
            "html_lang": str(get_locale()).replace("_", "-"),
            "today": date.today(),
            "now": utcnow(),
            "url_with": url_with,
            "csrf_token": generate_csrf,
            "request_id": request_id(),
        }

    @app.template_global()
    def light(value) -> Markup:
        """A traffic light with its symbol and word (None: no report yet)."""
        return _light(value, str(get_locale()))

    @app.template_global()
    def status_badge(status) -> Markup:
        return _status_badge(status, str(get_locale()))

    @app.template_filter("model")
    def _model(name: str):
        """A model class by name, for `can('create', 'Group'|model)` in templates."""
        from app.extensions import db

        return db.Model.registry._class_registry[name]

    @app.template_filter("filesize")
    def _filesize(size):
        if size is None:
            return "–"
        for unit, factor in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("kB", 1024)):
            if size >= factor:
                return f"{format_decimal(round(size / factor, 1))} {unit}"
        return f"{size} B"

    @app.template_filter("decimal")
    def _decimal(value):
        return format_decimal(value) if value is not None else "–"

    @app.template_filter("date")
    def _date(value, fmt="medium"):
        return _formatted_date(value, fmt, str(get_locale())) if value else "–"

    @app.template_filter("datetime")
    def _datetime(value, fmt="short"):
        return format_datetime(value, fmt) if value else "–"
