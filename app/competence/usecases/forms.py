"""Forms of the use cases and their priority list."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from app.competence.usecases.models import LegalStatus
from app.core.forms import (
    EnumSelectField,
    PickerField,
    RecordForm,
    ReferenceMultiField,
    SwedishDateField,
    max_length,
    optional,
    required,
)


class UseCaseForm(RecordForm):
    code = StringField(_l("Id"), validators=[required(), max_length(20)])
    title = TextAreaField(_l("Användningsfall"), validators=[required(), max_length(2000)])
    description = TextAreaField(_l("Beskrivning"), validators=[optional(), max_length(20000)])
    steps_text = TextAreaField(_l("Steg, ett per rad"), validators=[optional(), max_length(20000)])
    problem_area_ids = ReferenceMultiField(_l("Problemområden"))
    legal_status = EnumSelectField(_l("Juridisk utredning"), LegalStatus, required_message=_l("Välj status."))
    legal_note = TextAreaField(_l("Om den juridiska utredningen"), validators=[optional(), max_length(20000)])


class PriorityVersionForm(RecordForm):
    """A new version of the prioritised use-case list; each use case gets a place or none."""

    adopted_on = SwedishDateField(_l("Fastställd"), validators=[required()], default=date.today)
    note = TextAreaField(_l("Kommentar"), validators=[optional(), max_length(20000)])
    decision_id = PickerField(_l("Beslut"), "decision", blank=_l("– inget beslut –"))
