"""Upload, list and download documents. Uploading is a plain multipart form (it works without
JavaScript); a download checks the same right as reading its record and is sent as an attachment."""

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.crud import archive_page, history, load, require, save
from app.core.storage import file_store
from app.documents import operations
from app.documents.forms import DocumentForm, VersionForm
from app.documents.models import OWNERS, Document, DocumentVersion
from app.documents.queries import documents_of, owner_key
from app.documents.types import ALLOWED, download_name

bp = Blueprint("documents", __name__, url_prefix="/documents", template_folder="templates")

def record_page(record) -> str:
    """The page showing the record (its own __record_page__), at its documents; a record shown as part
    of another's page (an agenda item) is found by its own anchor there."""
    page = type(record).__record_page__
    return page.url(record) + ("" if page.anchor else "#documents")


@bp.app_context_processor
def document_helpers():
    def documents_for(*records, archived=False):
        found = documents_of(records, archived)
        if len(records) == 1:
            return found.get((owner_key(records[0]), records[0].id), [])
        return found

    def may_add_document(record) -> bool:
        from app.core.permissions import can

        key = owner_key(record)
        return key is not None and can(current_user, "create", operations.draft(key, record))

    return {"documents_for": documents_for, "may_add_document": may_add_document, "owner_key": owner_key}


def _owner(key: str, owner_id: int):
    if key not in OWNERS:
        abort(404)
    from app.core.audit import model_for_table

    return load(model_for_table(OWNERS[key][2]), owner_id)


@bp.route("/new/<key>/<int:owner_id>", methods=["GET", "POST"])
def create(key: str, owner_id: int):
    owner = _owner(key, owner_id)
    require("create", operations.draft(key, owner))
    form = DocumentForm()
    if form.validate_on_submit():
        made = {}

        def write():
            made["document"] = operations.add_document(key, owner, form.data, form.file.data, current_user)

        if save(form, write, _("Dokumentet %(title)s har laddats upp.", title=form.title.data.strip()))[0]:
            return redirect(record_page(owner))
    status = 422 if request.method == "POST" else 200
    return render_template("documents/new.html", form=form, owner=owner, back=record_page(owner),
                           max_mb=operations.max_upload_bytes() // (1024 * 1024)), status


@bp.route("/<int:record_id>", methods=["GET"])
def show(record_id: int):
    document = load(Document, record_id)
    require("view", document)
    return _page(document, VersionForm(formdata=None))


def _page(document: Document, form: VersionForm, status: int = 200):
    return render_template("documents/show.html", document=document, form=form, back=record_page(document.owner),
                           history=history(document),
                           max_mb=operations.max_upload_bytes() // (1024 * 1024)), status


@bp.route("/<int:record_id>/versions", methods=["POST"])
def add_version(record_id: int):
    document = load(Document, record_id)
    require("edit", document)
    form = VersionForm()
    if form.validate_on_submit() and save(form, lambda: operations.add_version(document, form.file.data, current_user),
                                          _("En ny version har laddats upp."))[0]:
        return redirect(url_for(".show", record_id=document.id))
    return _page(document, form, 422)


@bp.route("/versions/<int:record_id>/download")
def download(record_id: int):
    version = load(DocumentVersion, record_id)
    require("view", version.document)
    extension = {content_type: ext for ext, content_type in ALLOWED.items()}.get(version.content_type, "bin")
    response = send_file(file_store().open(version.sha256), mimetype=version.content_type, as_attachment=True,
                         download_name=download_name(version.filename, extension), etag=version.sha256,
                         conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:record_id>/archive", methods=["POST"])
def archive(record_id: int):
    return archive_page(Document, record_id, ".show")

