"""Form building blocks with Swedish messages, and the base form for audited records."""

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import has_request_context, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from markupsafe import Markup, escape
from werkzeug.routing import BuildError
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import Select, html_params

from app.core.routing import MAX_ID
from app.core.sorting import search_text

REQUIRED = _l("Fältet måste fyllas i.")


class _Required(DataRequired):
    """DataRequired that keeps a parse error ("Ange ett giltigt datum …") instead of replacing it
    with "must be filled in" when what was typed could not be read."""

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()
        super().__call__(form, field)


def required():
    return _Required(message=REQUIRED)


def max_length(n: int):
    return Length(max=n, message=_l("Högst %(n)s tecken.", n=n))


def optional():
    return Optional()


def optional_int(value):
    """Coerce a select's value to int, with the empty choice meaning None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class SwedishDateField(DateField):
    """A date field whose parse error says, in Swedish, what format is expected."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("placeholder", _l("ÅÅÅÅ-MM-DD"))
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = date.fromisoformat(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Ange ett giltigt datum som ÅÅÅÅ-MM-DD.")) from None


class SwedishDecimalField(StringField):
    """A decimal number accepting a comma as the decimal sign, as Swedes write it."""

    def __init__(self, label=None, validators=None, minimum=None, maximum=None, places=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.places = minimum, maximum, places

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw_text = raw
        if not raw:
            self.data = None
            return
        try:
            self.data = Decimal(raw.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
            if not self.data.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Ange ett tal, t.ex. 2,5.")) from None

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.places is not None and self.data.as_tuple().exponent < -self.places:
            raise ValidationError(_l("Ange högst %(n)s decimaler.", n=self.places))
        too_low = self.minimum is not None and self.data < self.minimum
        too_high = self.maximum is not None and self.data > self.maximum
        if too_low or too_high:
            raise ValidationError(
                _l("Ange ett tal mellan %(lo)s och %(hi)s.", lo=self.minimum, hi=self.maximum))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_decimal(self.data)


class SwedishIntegerField(IntegerField):
    """A whole number whose parse error is in Swedish."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Ange ett heltal.")) from None


class EnumSelectField(SelectField):
    """A select over a LabeledEnum; data is the enum member."""

    def __init__(self, label, enum_cls, blank: str | None = None, required_message=None, **kwargs):
        self.enum_cls = enum_cls
        self.required_message = required_message

        def coerce(value):
            if value in (None, "", "None"):
                return None
            return value if isinstance(value, enum_cls) else enum_cls(value)

        choices = ([SelectChoice("", blank)] if blank is not None else []) + [
            SelectChoice(value, text) for value, text in enum_cls.choices()]
        super().__init__(label, choices=choices, coerce=coerce, **kwargs)
        if required_message:
            self.flags.required = True  # marks the label with *

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Välj ett av alternativen.")) from None

    def pre_validate(self, form):
        if self.process_errors:
            return
        if self.data is None and self.required_message:
            raise ValidationError(self.required_message)
        if self.data is None and any(c.value == "" for c in self.choices):
            return
        if self.data is None or self.data not in list(self.enum_cls):
            raise ValidationError(_l("Välj ett av alternativen."))


class ReferenceSelectField(SelectField):
    """A select of records by id; choices are (id, label) set by the view."""

    def __init__(self, label, blank: str | None = None, required: bool = False, **kwargs):
        self.blank = blank
        self.required = required
        super().__init__(label, coerce=optional_int, choices=[], validate_choice=False, **kwargs)
        if required:
            self.flags.required = True

    def set_choices(self, records) -> None:
        self.choices = ([SelectChoice("", self.blank)] if self.blank is not None else []) + [
            SelectChoice(r.id, str(r)) for r in records]

    def pre_validate(self, form):
        if self.process_errors:
            return
        valid = {c.value for c in self.choices}
        if self.data is None:
            if self.required or "" not in valid:
                raise ValidationError(REQUIRED)
        elif self.data not in valid:
            raise ValidationError(_l("Välj ett av alternativen."))

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Välj ett av alternativen.")) from None


# --- The picker: one way to choose among many groups, people, organisations, assignments, decisions ----
#
# A PickerField is a ReferenceSelectField (same data, same checks) drawn as a <select> followed by a small
# search: typing a few letters and pressing "Sök" sends the whole form by GET to the page it is on
# (nothing is saved; the form's fields go in the query string, so a very long text can exceed what a server
# takes in a URL); the page comes back with everything typed kept and that field's choices narrowed to
# those matching. With JavaScript, app/static/picker.js turns the select into
# an accessible type-ahead combobox asking /picker/<kind>?q= (app.picker).
# The search's query string is `picker=<field name>&<field name>-q=<text>` plus the form's fields.
#
# Its choices come one of two ways. A short list (`set_choices(records)`) is drawn whole, and the type-ahead
# offers only the select's own choices. A long one is a query (`set_query(stmt)`, through
# app.picker.queries.offer): the select then holds only what is chosen (and a plain search's matches), the
# type-ahead offers what /picker/<kind> answers, and a posted id is checked against the query – so a form
# costs the same with three thousand people or a hundred thousand assignments as with ten.

PICKER_ARG = "picker"
PICKER_QUERY_LIMIT = 200
# A plain search shows at most this many matches of a query's choices: type more to narrow them.
PICKER_MATCHES = 50


def picker_search_field(form) -> str | None:
    """The name of `form`'s picker field whose no-JavaScript search this GET request is, if it is one."""
    if not has_request_context() or request.method != "GET":
        return None
    name = request.args.get(PICKER_ARG, "")
    field = form._fields.get(name) if name else None
    return name if isinstance(field, PickerField | PickerMultiField) else None


def picker_query(field) -> str:
    """What was typed into `field`'s search, for a GET that searched it ("" otherwise)."""
    if not has_request_context() or request.method != "GET" or request.args.get(PICKER_ARG) != field.name:
        return ""
    return (request.args.get(f"{field.name}-q") or "").strip()[:PICKER_QUERY_LIMIT]


class PickerWidget(Select):
    def __call__(self, field, **kwargs):
        select = super().__call__(field, **kwargs)
        query = picker_query(field)
        search_id = f"{field.id}-q"
        try:
            url = url_for("picker.search", kind=field.kind, **(field.url_args or {}))
        except BuildError:  # an app without the picker area (app.picker): the plain select and search
            url = ""
        action = f"{request.path}#{field.id}" if has_request_context() else ""
        button = html_params(type="submit", name=PICKER_ARG, value=field.name, formmethod="get",
                             formnovalidate=True, formaction=action)
        status = ""
        if field.narrowed is not None:
            shown, total = field.narrowed
            if not shown:
                text = _("Inget av alternativen matchar ”%(q)s”.", q=query)
            elif total is None:  # a query's choices: the first matches, not counted further
                text = (_("Fler än %(n)s alternativ matchar ”%(q)s”. Skriv mer för att begränsa.", n=shown, q=query)
                        if field.more else _("%(n)s alternativ matchar ”%(q)s”.", n=shown, q=query))
            else:
                text = _("%(shown)s av %(total)s alternativ matchar ”%(q)s”.", shown=shown, total=total, q=query)
            status = f'<p class="hint picker-status" role="status">{escape(text)}</p>'
        elif field.query is not None:
            # Without JavaScript a long choice starts empty: the search brings its alternatives. (Words are
            # translated outside the f-strings: the catalog's extraction does not look inside them.)
            hint = _("Sök för att få fram alternativen.")
            status = f'<p class="hint">{escape(hint)}</p>'
        # The script's words, in the page's language ("%(n)s" is filled in by the script).
        words = {"data_picker_remove": _("Ta bort")} if self.multiple else {}
        if field.query is not None:
            # The select holds only what is chosen: the script offers the app's answers, which add options.
            words["data_picker_remote"] = "1"
        box = html_params(data_picker=field.kind, data_picker_url=url, data_picker_count=_("%(n)s träffar"),
                          data_picker_none=_("Inga träffar"), data_picker_placeholder=_("Skriv för att söka"), **words)
        search = html_params(type="search", id=search_id, name=f"{field.name}-q", value=query,
                             maxlength=PICKER_QUERY_LIMIT)
        search_label, search_button = _("Sök i listan"), _("Sök")
        return Markup(
            f'<div class="picker" {box}>{select}'
            # Several pickers on one page: each search says, to a screen reader, which field it narrows.
            f'<div class="picker-search"><label for="{search_id}">{escape(search_label)}'
            f'<span class="visually-hidden"> {escape(field.label.text)}</span></label> '
            f'<input {search}> '
            f'<button {button}>{escape(search_button)}<span class="visually-hidden"> {escape(field.label.text)}</span>'
            f'</button>{status}</div></div>')


def _is_id(value) -> bool:
    # Beyond what an id column holds is no record (and not a database error).
    return isinstance(value, int) and 0 < value <= MAX_ID


class _QueryChoices:
    """A picker's choices from a query (`set_query`): what is chosen and, after a plain search, its first
    matches – read when the choices are first needed (to check or to draw) and again only if what is chosen
    changed meanwhile (a view may set the data after the choices)."""

    query = None  # the records that may be chosen: a select of one model, ordered as they are offered
    url_args = None  # narrowing the type-ahead's /picker/<kind> as the query narrows the choices
    _static = None
    _cached = None

    def set_query(self, stmt, url_args: dict | None = None, options=()) -> None:
        self.query, self.url_args, self._options, self._cached = stmt, url_args, options, None

    def _chosen_ids(self) -> list[int]:
        raise NotImplementedError

    def _blank(self) -> list:
        return []

    @property
    def choices(self):
        if self.query is None:
            return self._static
        chosen = tuple(self._chosen_ids())
        if self._cached is None or self._cached[0] != chosen:
            self._cached = (chosen, self._blank() + [SelectChoice(r.id, str(r)) for r in self._records(chosen)])
        return self._cached[1]

    @choices.setter
    def choices(self, value):
        self._static = value

    def _records(self, chosen) -> list:
        from app.extensions import db

        model = self.query.column_descriptions[0]["entity"]
        records = list(db.session.scalars(self.query.where(model.id.in_(chosen)).options(*self._options))) \
            if chosen else []
        query = search_text(picker_query(self))
        if query:
            # The no-JavaScript search: its first matches, after whatever is chosen now.
            found = list(db.session.scalars(self.query.where(model.search_text.contains(query, autoescape=True))
                                            .options(*self._options).limit(PICKER_MATCHES + 1)))
            self.more = len(found) > PICKER_MATCHES
            found = found[:PICKER_MATCHES]
            self.narrowed = (len(found), None)
            records += [r for r in found if r.id not in chosen]
        return records


class PickerField(_QueryChoices, ReferenceSelectField):
    """A long choice (`kind`: "group", "person", "organisation", "assignment", "decision", "meeting"):
    declare it like a ReferenceSelectField and give it its records with `set_choices`, or – when they can be
    many – the query of them with app.picker.queries.offer."""

    widget = PickerWidget()

    def __init__(self, label, kind: str, blank: str | None = None, required: bool = False, **kwargs):
        super().__init__(label, blank=blank, required=required, **kwargs)
        self.kind = kind
        self.narrowed = None  # (shown, total or None) after a search narrowed the choices
        self.more = False  # more matched than a plain search shows

    def _chosen_ids(self) -> list[int]:
        return [self.data] if _is_id(self.data) else []

    def _blank(self) -> list:
        return [SelectChoice("", self.blank)] if self.blank is not None else []

    def set_choices(self, records) -> None:
        self.query = None
        records = list(records)
        query = search_text(picker_query(self))
        if query:
            # The no-JavaScript search: only matches, and whatever is chosen now, stay on offer.
            matches = {r.id for r in records if query in search_text(str(r))}
            self.narrowed = (len(matches), len(records))
            records = [r for r in records if r.id in matches or r.id == self.data]
        super().set_choices(records)


class ReferenceMultiField(SelectMultipleField):
    """Several records by id; choices set by the view."""

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=int, choices=[], **kwargs)

    def set_choices(self, records) -> None:
        self.choices = [SelectChoice(r.id, str(r)) for r in records]

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise ValueError(_l("Välj bland alternativen.")) from None

    def pre_validate(self, form):
        valid = {c.value for c in self.choices}
        if any(v not in valid for v in (self.data or [])):
            raise ValidationError(_l("Välj bland alternativen."))


class PickerMultiField(_QueryChoices, ReferenceMultiField):
    """Several records by id (`kind` as for PickerField); choices set by the view with `set_choices` or a
    query (app.picker.queries.offer). Drawn like a PickerField: a multiple select with the plain search, and
    with JavaScript a type-ahead that adds to a list of chosen ones, each with a button to take it away."""

    widget = PickerWidget(multiple=True)

    def __init__(self, label, kind: str, **kwargs):
        super().__init__(label, **kwargs)
        self.kind = kind
        self.narrowed = None
        self.more = False

    def _chosen_ids(self) -> list[int]:
        return [v for v in (self.data or []) if _is_id(v)]

    def set_choices(self, records) -> None:
        self.query = None
        records = list(records)
        query = search_text(picker_query(self))
        chosen = set(self.data or [])
        if query:
            matches = {r.id for r in records if query in search_text(str(r))}
            self.narrowed = (len(matches), len(records))
            records = [r for r in records if r.id in matches or r.id in chosen]
        super().set_choices(records)


def end_not_before_start(start_field: str, message):
    """Validator for an end date: refused when it lies before the start date."""

    def check(form, field):
        start = getattr(form, start_field).data
        if field.data and start and field.data < start:
            raise ValidationError(message)

    return check


def _none_to_empty(value):
    return "" if value is None else value


class Form(FlaskForm):
    """Base of every form: a text field missing from the post reads as empty, not None. A picker's
    no-JavaScript search (a GET naming one of the form's picker fields) fills the form from the query
    string, so that what was typed is kept. Its CSRF token is drawn without an id: a page with several
    forms would otherwise repeat id="csrf_token"."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and picker_search_field(form):
                return request.args
            return super().wrap_formdata(form, formdata)

        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in (StringField, TextAreaField):
                own = unbound_field.kwargs.get("filters", ())
                options["filters"] = (_none_to_empty, *own)
            elif unbound_field.field_class is CSRFTokenField:
                options["render_kw"] = {"id": False}  # False: the widget leaves the attribute out
            return unbound_field.bind(form=form, **options)


class RecordForm(Form):
    """Base for forms that edit an audited record: carries the version it was rendered with."""

    version = HiddenField()

    def expected_version(self) -> int | None:
        """The version the form was opened on, as posted. Not the record's own version, which
        WTForms would fill in from `obj` when the post lacks the field."""
        raw = self.version.raw_data[0] if self.version.raw_data else ""
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            return None
        return int(raw)

    def record_values(self) -> dict:
        """Field data to write to the record: every field but bookkeeping ones."""
        return {name: field.data for name, field in self._fields.items()
                if name not in ("version", "csrf_token", "submit")}


class ConfirmForm(Form):
    """An empty form for POST buttons (archive, restore, sign out): CSRF only."""


class GroupFilterForm(Form):
    """A list's group filter (sent by GET: no CSRF token), a picker: a thousand groups are not drawn as
    options on every list page."""

    class Meta:
        csrf = False

    group = PickerField(_l("Grupp"), "group", blank=_l("Alla"))
