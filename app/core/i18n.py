"""Flask-Babel with each request's translations looked up once.

Flask-Babel finds the catalog anew for every string it translates (the request's locale, its name as a
string, the catalog cache), some 150–250 times a page. The domain here keeps the request's catalog in
the request's Babel context under the key Flask-Babel itself resets – `force_locale` (a dispatch's
extract in Swedish) and `refresh` – so a changed locale still gets its own catalog.
"""

from functools import cached_property

import flask_babel
from flask_babel import Domain

# Flask-Babel's per-request context (its own `force_locale` and `refresh` keep it); there is no public
# way to reach it.
_babel_context = flask_babel._get_current_context


class RequestDomain(Domain):
    def get_translations(self):
        ctx = _babel_context()
        translations = getattr(ctx, "babel_translations", None) if ctx is not None else None
        if translations is None:
            translations = super().get_translations()
            if ctx is not None:
                ctx.babel_translations = translations
        return translations


class Babel(flask_babel.Babel):
    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


def translations():
    """The request's catalog, for the templates' gettext: one lookup of the request's context."""
    ctx = _babel_context()
    cached = getattr(ctx, "babel_translations", None) if ctx is not None else None
    return cached if cached is not None else flask_babel.get_translations()


def install_template_gettext(app) -> None:
    """The templates' _(), ngettext() and pgettext() on the request's catalog, replacing Flask-Babel's own
    (which look the catalog up through the domain each time); after Babel's init_app, whose new-style
    gettext (variables as keywords, escaped) they keep."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
