"""What every template gets: the permission check, languages, date formatting."""

from datetime import date
from enum import Enum
from functools import lru_cache

from cachetools import LRUCache
from flask import current_app, has_request_context, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import Row

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


# What a fragment may be keyed by: values, compared by what they hold. A record would be compared by
# identity and could change under its key. The types seen to be such values are remembered: a list's
# rows ask the same few thousands of times a page.
_KEY_TYPES = (str, int, float, date, Enum, type, type(None))
_value_types: set[type] = set()


def _key_part(value):
    kind = type(value)
    if kind in _value_types:
        return value
    if isinstance(value, tuple | Row):  # named tuples and rows compare and hash by their values
        for item in value:
            _key_part(item)
        return value
    if isinstance(value, list):
        return tuple(_key_part(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _key_part(v)) for k, v in value.items())
    if not isinstance(value, _KEY_TYPES):
        raise TypeError(f"a fragment is keyed by the values it shows, not by {kind.__name__}")
    _value_types.add(kind)
    return value


def register(app) -> None:
    install_template_gettext(app)
    # Pieces of HTML that are a function of the values they show – a list's row, a filter form, the main
    # menu – are drawn once for each set of values and language and then reused: no invalidation is
    # needed, since changed values are a new key. Each worker keeps the most recently used, a bounded
    # number, so its memory does not grow with the data.
    fragments = app.extensions["fragments"] = LRUCache(maxsize=max(int(app.config["FRAGMENT_CACHE_SIZE"]), 1))

    def cached(key: tuple, template: str, values: dict) -> Markup:
        html = fragments.get(key)
        if html is None:
            html = fragments[key] = Markup(app.jinja_env.get_template(template).render(values))
        return html

    @app.template_global()
    def fragment(template: str, **values) -> Markup:
        """`template` rendered with `values` alone (no request context: what it shows must be in `values`,
        which are plain values – tuples, named tuples, dicts of them, enums, dates, text, numbers)."""
        key = (template, str(get_locale()), request.script_root,
               *((name, _key_part(value)) for name, value in values.items()))
        return cached(key, template, values)

    @app.template_global()
    def fragment_each(template: str, name: str, items, **values) -> Markup:
        """`template` once for each of `items` (as `name`, with `values`), as `fragment` draws it: a list's
        rows in one call."""
        shared = (template, name, str(get_locale()), request.script_root,
                  *((k, _key_part(v)) for k, v in values.items()))
        return Markup("").join([cached((*shared, _key_part(item)), template, {**values, name: item})
                                for item in items])

    # The templates' url_for: a page builds the same few dozen addresses as the one before it (the frame's,
    # a list's), each anew through the URL map; kept by endpoint, arguments, blueprint (for ".name") and
    # the app's root. Addresses with options (_external, _anchor …) are built each time.
    build = app.url_for

    @lru_cache(maxsize=4096)
    def kept_url(endpoint: str, blueprint, script_root: str, values: tuple) -> str:
        return build(endpoint, **dict(values))

    def template_url_for(endpoint: str, **values) -> str:
        if not has_request_context() or any(name.startswith("_") for name in values):
            return build(endpoint, **values)
        try:
            return kept_url(endpoint, request.blueprint if endpoint.startswith(".") else None, request.script_root,
                            tuple(values.items()))
        except TypeError:  # an argument that cannot be a key (a list)
            return build(endpoint, **values)

    app.jinja_env.globals["url_for"] = template_url_for

    @app.template_global()
    def main_menu():
        # The same for every request with the same language, page and two rights.
        from app.core.outbox import OutboxMessage

        return fragment("_menu.html", current_endpoint=request.endpoint, current_blueprint=request.blueprint,
                        may_see_outbox=can(current_user, "edit", OutboxMessage),
                        may_manage_users=can(current_user, "manage_users"))

    @app.context_processor
    def inject():
        def user_can(action, record=None):
            return can(current_user, action, record)

        def query_args(*without) -> dict:
            """The request's query arguments (the first value of each), less those named."""
            return {k: v for k, v in request.args.to_dict().items() if k not in without}

        def url_with(**changes):
            """The current URL with some query arguments changed (filters, page)."""
            args = query_args(*(k for k, v in changes.items() if v is None))
            args.update({k: v for k, v in changes.items() if v is not None})
            return url_for(request.endpoint, **(request.view_args or {}), **args)

        return {
            "can": user_can,
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale()).split("_")[0],
            "html_lang": str(get_locale()).replace("_", "-"),
            "today": date.today(),
            "now": utcnow(),
            "url_with": url_with,
            "query_args": query_args,
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
