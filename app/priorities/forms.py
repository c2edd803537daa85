from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from app.core.forms import (
    PickerField,
    RecordForm,
    SwedishDateField,
    end_not_before_start,
    max_length,
    optional,
    required,
)


class PriorityListForm(RecordForm):
    group_id = PickerField(_l("Grupp"), "group", blank=_l("– välj –"), required=True)
    title = StringField(_l("Rubrik"), validators=[required(), max_length(300)])
    valid_from = SwedishDateField(_l("Från"), validators=[optional()])
    valid_to = SwedishDateField(_l("Till"), validators=[optional(), end_not_before_start(
        "valid_from", _l("Slutdatum kan inte ligga före startdatum."))])
    decision_id = PickerField(_l("Fastställd genom beslut"), "decision", blank=_l("– inget beslut ännu –"))


class PriorityItemForm(RecordForm):
    title = StringField(_l("Prioritering"), validators=[required(), max_length(300)])
    rationale = TextAreaField(_l("Motivering"), validators=[optional(), max_length(20000)])
    input_from_group_id = PickerField(_l("Inspel från grupp"), "group", blank=_l("– ingen –"))
    input_from = StringField(_l("Inspel från (annan)"), validators=[optional(), max_length(300)])
