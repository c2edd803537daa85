from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField

from app.core.forms import EnumSelectField, Form, max_length, required
from app.documents.models import DocumentKind
from app.documents.types import ACCEPT

FILE_REQUIRED = _l("Välj en fil.")


class DocumentForm(Form):
    title = StringField(_l("Titel"), validators=[required(), max_length(300)])
    kind = EnumSelectField(_l("Slag"), DocumentKind, blank=_l("– välj –"), required_message=_l("Välj slag."))
    file = FileField(_l("Fil"), validators=[FileRequired(FILE_REQUIRED)], render_kw={"accept": ACCEPT})


class VersionForm(Form):
    file = FileField(_l("Ny version"), validators=[FileRequired(FILE_REQUIRED)], render_kw={"accept": ACCEPT})
