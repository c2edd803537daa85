from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import NumberRange, ValidationError

from app.assignments.models import AssignmentStatus, TrafficLight
from app.core.forms import (
    EnumSelectField,
    Form,
    PickerField,
    PickerMultiField,
    RecordForm,
    ReferenceMultiField,
    ReferenceSelectField,
    SwedishDateField,
    SwedishIntegerField,
    end_not_before_start,
    max_length,
    optional,
    required,
)


class AssignmentForm(RecordForm):
    title = StringField(_l("Titel"), validators=[required(), max_length(300)])
    principal_group_id = PickerField(_l("Uppdragsgivare"), "group", blank=_l("– välj –"), required=True)
    recipient_group_id = PickerField(_l("Mottagare"), "group", blank=_l("– välj –"), required=True)
    description = TextAreaField(_l("Beskrivning"), validators=[optional(), max_length(20000)])
    mandate = TextAreaField(_l("Mandat"), validators=[optional(), max_length(20000)])
    questions = TextAreaField(_l("Frågor att besvara"), validators=[optional(), max_length(20000)])
    deliverables = TextAreaField(_l("Leveranser"), validators=[optional(), max_length(20000)])
    start_on = SwedishDateField(_l("Start"), validators=[optional()])
    due_on = SwedishDateField(_l("Slutdatum"), validators=[optional(), end_not_before_start(
        "start_on", _l("Slutdatum kan inte ligga före startdatum."))])
    parent_id = PickerField(_l("Del av uppdrag"), "assignment", blank=_l("– inget –"))
    given_by_decision_id = PickerField(_l("Givet genom beslut"), "decision", blank=_l("– inget –"))
    closed_by_decision_id = PickerField(_l("Godkänt/avslutat genom beslut"), "decision", blank=_l("– inget –"))
    programme_area_ids = PickerMultiField(_l("Programområden"), "group")
    priority_item_ids = ReferenceMultiField(_l("Prioriteringar som uppdraget svarar mot"))
    source = StringField(_l("Källa"), validators=[optional(), max_length(200)])

    def record_values(self) -> dict:
        values = super().record_values()
        values["title"] = values["title"].strip()
        return values


class TransitionForm(RecordForm):
    to_status = EnumSelectField(_l("Ny status"), AssignmentStatus, blank=_l("– välj –"),
                                required_message=_l("Välj ny status."))
    note = TextAreaField(_l("Kommentar"), validators=[optional(), max_length(5000)])


class StatusReportForm(Form):
    reported_on = SwedishDateField(_l("Rapportdatum"), validators=[required()], default=date.today)
    traffic_light = RadioField(_l("Bedömning"), choices=[SelectChoice(v, label) for v, label in TrafficLight.choices()],
                               validators=[required()])
    progress = TextAreaField(_l("Vad har hänt sedan förra rapporten?"), validators=[required(), max_length(20000)])
    needs_from_principal = TextAreaField(_l("Vad behöver ni från uppdragsgivaren?"),
                                         validators=[optional(), max_length(20000)])
    corrects_id = ReferenceSelectField(_l("Rättar en tidigare rapport"), blank=_l("– nej, ny rapport –"))

    def record_values(self) -> dict:
        return {"reported_on": self.reported_on.data, "traffic_light": TrafficLight(self.traffic_light.data),
                "progress": self.progress.data.strip(), "needs_from_principal": self.needs_from_principal.data.strip(),
                "corrects_id": self.corrects_id.data}


class ReportRequestForm(Form):
    due_on = SwedishDateField(_l("Rapportera senast"), validators=[required()])

    def validate_due_on(self, field):
        if field.data and field.data < date.today():
            raise ValidationError(_l("Välj ett datum från och med i dag."))


class ReportingRoundForm(RecordForm):
    title = StringField(_l("Rubrik"), validators=[required(), max_length(300)])
    due_on = SwedishDateField(_l("Rapportera senast"), validators=[required()])
    note = TextAreaField(_l("Meddelande till mottagarna"), validators=[optional(), max_length(5000)])
    principal_group_id = PickerField(_l("Bara uppdrag från"), "group", blank=_l("– alla uppdragsgivare –"))

    def validate_due_on(self, field):
        if field.data and field.data < date.today():
            raise ValidationError(_l("Välj ett datum från och med i dag."))

    def record_values(self) -> dict:
        return {"title": self.title.data.strip(), "due_on": self.due_on.data, "note": self.note.data}


class PhaseForm(RecordForm):
    position = SwedishIntegerField(_l("Ordning"), validators=[optional(), NumberRange(
        min=1, max=99, message=_l("Ange ett tal mellan 1 och 99."))])
    title = StringField(_l("Titel"), validators=[required(), max_length(300)])
    description = TextAreaField(_l("Beskrivning"), validators=[optional(), max_length(20000)])
    due_on = SwedishDateField(_l("Klart senast"), validators=[optional()])
    is_checkpoint = BooleanField(_l("Kontrollpunkt – uppdragsgivaren beslutar om fortsättningen"))
    is_optional = BooleanField(_l("Option – genomförs bara efter särskilt beslut"))
    done_on = SwedishDateField(_l("Klart datum"), validators=[optional()])


class ReportersForm(Form):
    person_ids = PickerMultiField(_l("Får rapportera status"), "person")
