"""Account roles. In core because the permission check needs them; the accounts area uses them too."""

from flask_babel import lazy_gettext as _l

from app.core.models import LabeledEnum


class Role(LabeledEnum):
    ADMIN = "admin", _l("Administratör")
    SECRETARIAT = "secretariat", _l("Kansli")
    COMPETENCE_CENTRE = "competence_centre", _l("Kompetenscentrum")
    READER = "reader", _l("Läsare")
