"""The use cases' pages: use cases and problem areas, and the versions of their priority list."""

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.competence.blueprint import bp
from app.competence.usecases import operations, queries
from app.competence.usecases.forms import PriorityVersionForm, UseCaseForm
from app.competence.usecases.models import UseCase, UseCasePriorityVersion
from app.core.crud import archive_page, create_page, edit_page, history, load, require, save
from app.picker.queries import offer


def _use_case_form(form: UseCaseForm) -> UseCaseForm:
    form.problem_area_ids.set_choices(queries.problem_areas())
    return form


@bp.route("/use-cases")
def use_cases():
    require("view", UseCase)
    cases = queries.use_cases(with_problem_areas=True)
    areas = queries.problem_areas()
    versions = queries.priority_versions()
    current = next((v for v in versions if v.adopted_on <= date.today()), None)
    return render_template("competence/use_cases.html", cases=cases, areas=areas, versions=versions,
                           current=current)


@bp.route("/use-cases/<int:record_id>")
def use_case(record_id: int):
    item = load(UseCase, record_id)
    require("view", item)
    return render_template("competence/use_case.html", use_case=item, history=history(item))


@bp.route("/use-cases/new", methods=["GET", "POST"])
def create_use_case():
    require("create", UseCase)
    return create_page(_use_case_form(UseCaseForm()), operations.create_use_case, "competence/use_case_form.html",
                       lambda u: url_for(".use_case", record_id=u.id), _("Användningsfallet har sparats."),
                       use_case=None)


@bp.route("/use-cases/<int:record_id>/edit", methods=["GET", "POST"])
def edit_use_case(record_id: int):
    item = load(UseCase, record_id)
    require("edit", item)
    form = _use_case_form(UseCaseForm(obj=item))
    if request.method == "GET":
        form.problem_area_ids.data = [p.id for p in item.problem_areas]
    return edit_page(item, form, operations.update_use_case, "competence/use_case_form.html",
                     url_for(".use_case", record_id=item.id), use_case=item)


@bp.route("/use-cases/<int:record_id>/archive", methods=["POST"])
def archive_use_case(record_id: int):
    return archive_page(UseCase, record_id, ".use_case")


@bp.route("/use-cases/priorities/new", methods=["GET", "POST"])
def new_priority_version():
    require("create", UseCasePriorityVersion)
    cases = queries.use_cases()
    form = PriorityVersionForm()
    offer(form.decision_id)
    latest = queries.latest_priority_version()
    places = {}  # use-case id -> the place typed (kept as typed on error)
    place_errors = {}
    if request.method == "POST":
        for case in cases:
            places[case.id] = request.form.get(f"place-{case.id}", "").strip()
    elif latest is not None:
        places = {e.use_case_id: str(e.position) for e in latest.entries}
    if form.validate_on_submit():
        ranking = _ranking(places, place_errors)
        if not place_errors:
            if save(form, lambda: operations.adopt_priority_list(ranking, form.record_values(), current_user),
                    _("En ny version av prioriteringslistan har fastställts."))[0]:
                return redirect(url_for(".use_cases"))
        else:
            form.form_errors.append(_("Rätta platserna i listan."))
    return render_template("competence/priority_form.html", form=form, cases=cases, places=places,
                           place_errors=place_errors, latest=latest, conflict=None)


def _ranking(places: dict, errors: dict) -> list[int]:
    """Use-case ids ordered by the places typed; blank means not prioritised."""
    chosen = {}
    for case_id, text in places.items():
        if not text:
            continue
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 999:
            errors[case_id] = _("Ange en plats som ett heltal från 1, eller lämna tomt.")
            continue
        chosen[case_id] = int(text)
    seen = {}
    for case_id, place in chosen.items():
        if place in seen:
            errors[case_id] = _("Platsen %(place)s är redan given till ett annat användningsfall.", place=place)
        seen.setdefault(place, case_id)
    if not chosen and not errors:
        errors[0] = _("Ge minst ett användningsfall en plats i listan.")
    return [case_id for case_id, _place in sorted(chosen.items(), key=lambda kv: kv[1])]


@bp.route("/use-cases/priorities/<int:record_id>/archive", methods=["POST"])
def archive_priority_version(record_id: int):
    """A version adopted by mistake is archived (it then counts for nothing) and can be restored."""
    return archive_page(UseCasePriorityVersion, record_id, ".priority_version")


@bp.route("/use-cases/priorities/<int:record_id>")
def priority_version(record_id: int):
    version = queries.priority_version(record_id)
    if version is None:
        abort(404)
    require("view", version)
    previous = queries.previous_version(version)
    before = {e.use_case_id: e.position for e in previous.entries} if previous else {}
    return render_template("competence/priority_version.html", version=version, previous=previous, before=before,
                           history=history(version))
