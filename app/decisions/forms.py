from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Email

from app.core.forms import (
    EnumSelectField,
    Form,
    RecordForm,
    ReferenceSelectField,
    SwedishDateField,
    max_length,
    optional,
    required,
)
from app.decisions.models import DecisionKind, DecisionState, ExecutionStatus, LinkEffect


class DecisionForm(RecordForm):
    title = StringField(_l("Rubrik"), validators=[required(), max_length(300)])
    group_id = ReferenceSelectField(_l("Beslutande grupp"), blank=_l("– välj –"), required=True)
    meeting_id = ReferenceSelectField(_l("Möte"), blank=_l("– inget möte –"))
    by_delegation = BooleanField(_l("Beslut på delegation (utan möte)"))
    state = EnumSelectField(_l("Läge"), DecisionState)
    kind = EnumSelectField(_l("Typ"), DecisionKind)
    decided_on = SwedishDateField(_l("Beslutsdatum"), validators=[optional()])
    registry_number = StringField(_l("Diarienummer"), validators=[optional(), max_length(60)],
                                  render_kw={"placeholder": "RS 2021-06735"})
    issuing_organisation_id = ReferenceSelectField(_l("Diarieförande organisation"), blank=_l("– ingen –"))
    text = TextAreaField(_l("Beslutstext"), validators=[required(), max_length(50000)])
    executor = StringField(_l("Ansvarig för genomförande"), validators=[optional(), max_length(300)])
    execute_by = SwedishDateField(_l("Genomförs senast"), validators=[optional()])
    execution_status = EnumSelectField(_l("Genomförande"), ExecutionStatus)
    execution_note = TextAreaField(_l("Kommentar om genomförandet"), validators=[optional(), max_length(20000)])
    source = StringField(_l("Källa"), validators=[optional(), max_length(200)])

    def record_values(self) -> dict:
        values = super().record_values()
        values["title"] = values["title"].strip()
        values["registry_number"] = (values["registry_number"] or "").strip() or None
        return values


class LinkForm(Form):
    assignment_id = ReferenceSelectField(_l("Uppdrag"), blank=_l("– välj –"), required=True)
    effect = EnumSelectField(_l("Beslutet"), LinkEffect, blank=_l("– välj –"), required_message=_l("Välj verkan."))


class DispatchForm(Form):
    recipient = StringField(_l("Mottagare"), validators=[required(), max_length(300)])
    email = StringField(_l("E-post"), validators=[optional(), max_length(200),
                                                  Email(message=_l("Ange en giltig e-postadress."))])
