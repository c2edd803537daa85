from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Email, ValidationError

from app.core.forms import (
    EnumSelectField,
    Form,
    PickerField,
    RecordForm,
    SwedishDateField,
    max_length,
    optional,
    required,
)
from app.decisions.models import DecisionKind, DecisionState, ExecutionStatus, LinkEffect
from app.decisions.operations import NUMBER_MANUAL, NUMBER_NEXT, NUMBER_NONE

NUMBER_MODES = [SelectChoice(NUMBER_NEXT, _l("Nästa nummer i organisationens serie (reserveras när beslutet sparas)")),
                SelectChoice(NUMBER_MANUAL, _l("Numret jag skriver (t.ex. för ett äldre beslut)")),
                SelectChoice(NUMBER_NONE, _l("Inget diarienummer"))]


class DecisionForm(RecordForm):
    title = StringField(_l("Rubrik"), validators=[required(), max_length(300)])
    group_id = PickerField(_l("Beslutande grupp"), "group", blank=_l("– välj –"), required=True)
    meeting_id = PickerField(_l("Möte"), "meeting", blank=_l("– inget möte –"))
    by_delegation = BooleanField(_l("Beslut på delegation (utan möte)"))
    state = EnumSelectField(_l("Läge"), DecisionState)
    kind = EnumSelectField(_l("Typ"), DecisionKind)
    decided_on = SwedishDateField(_l("Beslutsdatum"), validators=[optional()])
    issuing_organisation_id = PickerField(_l("Diarieförande organisation"), "organisation", blank=_l("– ingen –"))
    number_mode = RadioField(_l("Diarienummer"), choices=NUMBER_MODES, validate_choice=False)
    registry_number = StringField(_l("Diarienummer"), validators=[optional(), max_length(60)],
                                  render_kw={"placeholder": "RS 2021-06735"})
    # The number suggested when the form was shown: if another save took it meanwhile, the user is told.
    suggested_number = HiddenField()
    text = TextAreaField(_l("Beslutstext"), validators=[required(), max_length(50000)])
    executor_group_id = PickerField(_l("Ansvarig grupp"), "group", blank=_l("– ingen –"))
    executor_person_id = PickerField(_l("Ansvarig person"), "person", blank=_l("– ingen –"))
    executor_organisation_id = PickerField(_l("Ansvarig organisation"), "organisation", blank=_l("– ingen –"))
    executor = StringField(_l("Annan ansvarig (utanför registret)"), validators=[optional(), max_length(300)])
    execute_by = SwedishDateField(_l("Genomförs senast"), validators=[optional()])
    execution_status = EnumSelectField(_l("Genomförande"), ExecutionStatus)
    execution_note = TextAreaField(_l("Kommentar om genomförandet"), validators=[optional(), max_length(20000)])
    source = StringField(_l("Källa"), validators=[optional(), max_length(200)])

    def record_values(self) -> dict:
        values = super().record_values()
        values["title"] = values["title"].strip()
        values["registry_number"] = (values["registry_number"] or "").strip() or None
        values.pop("suggested_number", None)
        if values.get("number_mode") not in (NUMBER_NEXT, NUMBER_MANUAL, NUMBER_NONE):
            values.pop("number_mode", None)  # not chosen: a number typed is used as typed (operations)
        return values


class LinkForm(Form):
    assignment_id = PickerField(_l("Uppdrag"), "assignment", blank=_l("– välj –"), required=True)
    effect = EnumSelectField(_l("Beslutet"), LinkEffect, blank=_l("– välj –"), required_message=_l("Välj verkan."))


class DispatchForm(Form):
    recipient_person_id = PickerField(_l("Person"), "person", blank=_l("– ingen –"))
    recipient_group_id = PickerField(_l("Grupp"), "group", blank=_l("– ingen –"))
    recipient_organisation_id = PickerField(_l("Organisation"), "organisation", blank=_l("– ingen –"))
    # Not optional(): that would stop before validate_recipient.
    recipient = StringField(_l("Annan mottagare (utanför registret)"), validators=[max_length(300)])
    email = StringField(_l("E-post"), validators=[optional(), max_length(200),
                                                  Email(message=_l("Ange en giltig e-postadress."))])

    def validate_recipient(self, field):
        # Told beside the field with the e-mail's message, if any, in one go; the operation checks the rest.
        chosen = ("recipient_person_id", "recipient_group_id", "recipient_organisation_id")
        if not field.data.strip() and not any(getattr(self, name).data for name in chosen):
            raise ValidationError(_l("Välj en mottagare eller skriv ett namn."))
