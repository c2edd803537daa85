"""Forms of the KPIs: the KPI itself, its targets and its measurements."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from app.competence.kpis.models import VALUE_MAX, KpiDerivation, KpiMeasure
from app.competence.kpis.targets import COMPARISONS, TargetKind
from app.core.forms import (
    EnumSelectField,
    Form,
    RecordForm,
    ReferenceSelectField,
    SwedishDateField,
    SwedishDecimalField,
    max_length,
    optional,
    required,
)

VALUE_MIN = Decimal(0)


class MeasurementForm(Form):
    """Numeric KPIs use `value`; milestone KPIs `target_id` and `milestone_reached`. The view shows the
    fields the KPI needs; the rules in operations refuse the wrong kind whatever is posted."""

    measured_on = SwedishDateField(_l("Mätdatum"), validators=[required()], default=date.today)
    value = SwedishDecimalField(_l("Värde"), validators=[optional()], minimum=VALUE_MIN, maximum=VALUE_MAX, places=2)
    target_id = ReferenceSelectField(_l("Milstolpe"), blank=_l("– välj milstolpe –"))
    milestone_reached = SelectField(_l("Milstolpen nådd"), choices=[
        SelectChoice("", _l("– välj –")), SelectChoice("yes", _l("Ja")), SelectChoice("no", _l("Nej, inte än"))],
        validate_choice=False)  # only "yes"/"no" count; the rules in operations ask for one when needed
    comment = TextAreaField(_l("Kommentar"), validators=[optional(), max_length(20000)])
    source = StringField(_l("Källa"), validators=[optional(), max_length(300)])

    def record_values(self) -> dict:
        reached = {"yes": True, "no": False}.get(self.milestone_reached.data)
        return {"measured_on": self.measured_on.data, "value": self.value.data, "target_id": self.target_id.data,
                "milestone_reached": reached, "comment": self.comment.data.strip(),
                "source": self.source.data.strip()}


class KpiForm(RecordForm):
    indicator = StringField(_l("Indikator"), validators=[required(), max_length(300)])
    baseline_date = SwedishDateField(_l("Baslinje"), validators=[required()])
    note = TextAreaField(_l("Anmärkning"), validators=[optional(), max_length(20000)])
    source = StringField(_l("Källa"), validators=[optional(), max_length(200)])


class NewKpiForm(KpiForm):
    code = StringField(_l("Id"), validators=[required(), max_length(20)])
    work_package_id = ReferenceSelectField(_l("Arbetspaket"), blank=_l("– välj –"), required=True)
    measure = EnumSelectField(_l("Mäts som"), KpiMeasure, required_message=_l("Välj hur indikatorn mäts."))
    derivation = EnumSelectField(_l("Räknas fram ur registret"), KpiDerivation,
                                 blank=_l("– nej, mätningar matas in –"))

    def record_values(self) -> dict:
        values = super().record_values()
        values["code"] = values["code"].strip()
        return values


class KpiTargetForm(RecordForm):
    kind = EnumSelectField(_l("Typ av mål"), TargetKind, required_message=_l("Välj typ av mål."))
    comparison = SelectField(_l("Jämförelse"), choices=[SelectChoice("", _l("– ingen –"))] + [
        SelectChoice(c, c) for c in COMPARISONS], validate_choice=True)
    value = SwedishDecimalField(_l("Värde"), validators=[optional()], minimum=VALUE_MIN, maximum=VALUE_MAX, places=2)
    low = SwedishDecimalField(_l("Från"), validators=[optional()], minimum=VALUE_MIN, maximum=VALUE_MAX, places=2)
    high = SwedishDecimalField(_l("Till"), validators=[optional()], minimum=VALUE_MIN, maximum=VALUE_MAX, places=2)
    text = StringField(_l("Målet i ord"), validators=[required(), max_length(300)])

    def record_values(self) -> dict:
        values = super().record_values()
        values["comparison"] = values["comparison"] or None
        values["text"] = values["text"].strip()
        return values
