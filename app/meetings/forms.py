import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import NumberRange, ValidationError

from app.core.forms import (
    EnumSelectField,
    Form,
    PickerField,
    RecordForm,
    ReferenceSelectField,
    SwedishDateField,
    SwedishIntegerField,
    end_not_before_start,
    max_length,
    optional,
    required,
)
from app.decisions.models import DecisionKind
from app.meetings.models import ApproverRole, AttendanceStatus


class MeetingForm(RecordForm):
    group_id = PickerField(_l("Grupp"), "group", blank=_l("– välj –"), required=True)
    title = StringField(_l("Rubrik"), validators=[optional(), max_length(300)])
    starts_on = SwedishDateField(_l("Datum"), validators=[required()])
    start_time = StringField(_l("Starttid"), validators=[optional(), max_length(5)], render_kw={"placeholder": "09:30"})
    ends_on = SwedishDateField(_l("Slutdatum (flerdagarsmöte)"), validators=[optional(), end_not_before_start(
        "starts_on", _l("Mötet kan inte sluta innan det börjar."))])
    place = StringField(_l("Plats"), validators=[optional(), max_length(300)])
    is_digital = BooleanField(_l("Digitalt möte"))
    source = StringField(_l("Källa"), validators=[optional(), max_length(200)])

    def validate_start_time(self, field):
        if field.data and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", field.data.strip()):
            raise ValidationError(_l("Ange tid som TT:MM, t.ex. 09:30."))


class AgendaItemForm(RecordForm):
    position = SwedishIntegerField(_l("Punkt"), validators=[optional(), NumberRange(
        min=1, max=999, message=_l("Ange ett tal mellan 1 och 999."))])
    title = StringField(_l("Ärende"), validators=[required(), max_length(300)])
    description = TextAreaField(_l("Beskrivning"), validators=[optional(), max_length(20000)])
    assignment_id = PickerField(_l("Gäller uppdrag"), "assignment", blank=_l("– inget –"))
    status_report_id = ReferenceSelectField(_l("Gäller statusrapport"), blank=_l("– ingen –"))
    decision_id = PickerField(_l("Förslag till beslut"), "decision", blank=_l("– inget –"))


# The meeting page holds several small forms with fields of the same name: each its own element ids.
class AttendanceForm(Form):
    person_id = PickerField(_l("Person"), "person", blank=_l("– välj –"), required=True, id="attendance-person")
    representing_id = PickerField(_l("Representerar"), "organisation", blank=_l("– ingen –"),
                                  id="attendance-representing")
    status = EnumSelectField(_l("Närvaro"), AttendanceStatus, id="attendance-status")
    substitute_for_id = PickerField(_l("Ersätter"), "person", blank=_l("– ingen –"), id="attendance-substitute-for")


class ConflictForm(Form):
    agenda_item_id = ReferenceSelectField(_l("Ärende"), blank=_l("– välj –"), required=True, id="conflict-item")
    person_id = PickerField(_l("Person"), "person", blank=_l("– välj –"), required=True, id="conflict-person")
    note = StringField(_l("Anteckning"), validators=[optional(), max_length(500)], id="conflict-note")


class MinutesForm(RecordForm):
    minutes = TextAreaField(_l("Protokoll"), validators=[optional(), max_length(100000)])


class ItemMinutesForm(RecordForm):
    """One § of the minutes, and the decision taken at it."""

    minutes = TextAreaField(_l("Protokollstext"), validators=[optional(), max_length(50000)])
    decision_kind = EnumSelectField(_l("Typ av beslut"), DecisionKind)
    decision_title = StringField(_l("Beslutets rubrik"), validators=[optional(), max_length(300)])
    decision_text = TextAreaField(_l("Beslut (exakt lydelse)"), validators=[optional(), max_length(50000)])
    registry_number = StringField(_l("Diarienummer"), validators=[optional(), max_length(60)])
    issuing_organisation_id = PickerField(_l("Diarieförande organisation"), "organisation", blank=_l("– ingen –"))
    executor = StringField(_l("Ansvarig för genomförande"), validators=[optional(), max_length(300)])
    execute_by = SwedishDateField(_l("Genomförs senast"), validators=[optional()])


class ApproverForm(Form):
    person_id = PickerField(_l("Person"), "person", blank=_l("– välj –"), required=True, id="approver-person")
    role = EnumSelectField(_l("Justerar som"), ApproverRole, id="approver-role")


class ApproveMinutesForm(RecordForm):
    """The adjuster's own click: no date to type, it is today."""


class RecordApprovalForm(Form):
    approved_on = SwedishDateField(_l("Justerat datum"), validators=[required()])


class CorrectMinutesForm(RecordForm):
    minutes = TextAreaField(_l("Rättat protokoll"), validators=[required(), max_length(100000)])
    reason = TextAreaField(_l("Vad rättas och varför"), validators=[required(), max_length(5000)])
    approved_by = StringField(_l("Rättelsen justerad av"), validators=[required(), max_length(300)])
    approved_on = SwedishDateField(_l("Justerat datum"), validators=[required()])
