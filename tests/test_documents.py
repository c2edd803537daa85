"""Documents on records: real files of every allowed kind, a disguised program refused beside the
field, versions, who may upload and download, archiving with the record, limits, and the headers a
download is sent with."""

import hashlib
import http.client
import http.cookiejar
import io
import os
import re
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.auth.models import Role
from app.core import operations as ops
from app.documents.models import Document, DocumentVersion
from app.extensions import db
from seed.pdf import text_pdf
from tests import gov_factories as g
from tests.conftest import CSRF_RE, PASSWORD, make_user

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5b0000000049454e44ae426082")
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb0043000101010101010101010101010101010101010101"
                     "0101010101010101010101010101010101010101010101010101010101010101010101010101010101ffc0000b08"
                     "0001000101011100ffc4001400010000000000000000000000000000000affc40014100100000000000000000000"
                     "000000000000ffda0008010100003f00d2cf20ffd9")
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00" \
      b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def _zip(entries: list[tuple[str, str]], first_stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, (name, text) in enumerate(entries):
            z.writestr(zipfile.ZipInfo(name) if first_stored and n == 0 else name, text)
    return out.getvalue()


def _xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "Indikator"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# (file name, bytes, the type it is sent as)
ALLOWED_FILES = [
    ("kallelse.pdf", text_pdf("Kallelse", ["Möte 10.00"]), "application/pdf"),
    ("underlag.docx", _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("siffror.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("protokoll.odt", _zip([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<o/>")],
                           first_stored=True), "application/vnd.oasis.opendocument.text"),
    ("karta.png", PNG, "image/png"),
    ("foto.jpg", JPEG, "image/jpeg"),
    ("figur.gif", GIF, "image/gif"),
    ("anteckning.txt", "Åtgärder att följa upp\n".encode(), "text/plain"),
    ("lista.csv", "Region;Antal\nÖrebro;3\n".encode("cp1252"), "text/csv"),
]


@pytest.fixture
def w(app):
    return g.world()


def post_file(browser, url: str, form_url: str, fields: dict, name: str, content: bytes):
    """A multipart POST; the body is built in memory (the test client's own spooling leaves a file open)."""
    boundary, body = encode_multipart({"csrf_token": browser.csrf(form_url), **fields,
                                       "file": FileStorage(io.BytesIO(content), name)})
    return browser.client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(browser, url: str, name: str, content: bytes, title: str = "Underlag", kind: str = "underlag"):
    return post_file(browser, url, url, {"title": title, "kind": kind}, name, content)


def downloaded(browser, version: DocumentVersion) -> bytes:
    with browser.get(f"/documents/versions/{version.id}/download") as response:
        assert response.status_code == 200
        return response.data


def versions() -> list[DocumentVersion]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(DocumentVersion).order_by(DocumentVersion.id)))


@pytest.mark.parametrize("name, content, content_type", ALLOWED_FILES, ids=[f[0] for f in ALLOWED_FILES])
def test_every_allowed_kind_is_taken_and_sent_back_as_it_is(w, login_as, name, content, content_type):
    m = g.meeting(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    response = upload(keeper, f"/documents/new/meeting/{m.id}", name, content, title="Kallelse", kind="kallelse")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{m.id}#documents")
    [version] = versions()
    assert version.content_type == content_type and version.size == len(content) and version.filename == name
    page = keeper.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert f"/documents/versions/{version.id}/download" in page and "Kallelse" in page
    with keeper.get(f"/documents/versions/{version.id}/download") as download:
        assert download.status_code == 200 and download.data == content
        assert download.mimetype == content_type
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download.headers["Cache-Control"]


@pytest.mark.parametrize("name, content, message", [
    ("protokoll.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "ett program"),
    ("protokoll.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "ett program"),
    ("arkiv.docx", _zip([("hemlig.exe", "MZ")]), "ZIP tas inte emot"),
    ("bild.png", bytes(range(1, 256)) * 4, "känns inte igen"),
    ("tom.pdf", b"", "Filen är tom"),
    ("rapport.txt", b"#!/bin/sh\nrm -rf /\n", "ett skript"),
    ("bild.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "ett skript"),
    ("sida.html", b"<html><body><SCRIPT>document.cookie</SCRIPT></body></html>", "ett skript"),
])
def test_a_file_that_is_not_a_document_is_refused_beside_the_field(w, login_as, files_dir, name, content, message):
    m = g.meeting(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    stored_before = sorted(p for p in files_dir.rglob("*") if p.is_file())
    response = upload(keeper, f"/documents/new/meeting/{m.id}", name, content, title="Mitt protokoll")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="file-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    assert 'value="Mitt protokoll"' in page  # what was typed stays
    assert versions() == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
    assert sorted(p for p in files_dir.rglob("*") if p.is_file()) == stored_before  # nothing left behind


def test_new_versions_keep_the_old_ones(w, login_as):
    d = g.decision(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    upload(keeper, f"/documents/new/decision/{d.id}", "beslut.pdf", text_pdf("Beslut", ["Version 1"]),
           title="Beslutsunderlag", kind="bilaga")
    document = db.session.scalar(sa.select(Document))
    url = f"/documents/{document.id}"
    response = post_file(keeper, f"{url}/versions", url, {}, "beslut-rev.pdf", text_pdf("Beslut", ["Version 2"]))
    assert response.status_code == 302
    first, second = versions()
    assert (first.number, second.number) == (1, 2) and first.sha256 != second.sha256
    page = keeper.get(url).get_data(as_text=True)
    assert "beslut.pdf" in page and "beslut-rev.pdf" in page and "(senaste)" in page
    assert downloaded(keeper, first) != downloaded(keeper, second)
    # Its record's history says when it came, and the document's when each version did.
    history = g.text(keeper.get(f"/decisions/{d.id}").get_data(as_text=True))
    assert "Dokument – Beslutsunderlag" in history
    assert "Version – 2: beslut-rev.pdf" in g.text(page)


def test_the_same_file_is_stored_once(w, login_as, files_dir):
    a = g.assignment(w.principal, w.recipient)
    keeper = login_as(Role.SECRETARIAT)
    content = text_pdf("Rapport", ["Samma fil två gånger"])
    upload(keeper, f"/documents/new/assignment/{a.id}", "a.pdf", content, title="Första", kind="leverans")
    upload(keeper, f"/documents/new/assignment/{a.id}", "b.pdf", content, title="Andra", kind="leverans")
    first, second = versions()
    assert first.sha256 == second.sha256
    assert len([p for p in files_dir.rglob(first.sha256)]) == 1


def test_an_upload_returns_to_where_its_record_is_shown(w, login_as):
    """Its record's own page at the documents, or the agenda item on its meeting's page."""
    m, a = g.meeting(w.principal), g.assignment(w.principal, w.recipient)
    item, report = g.agenda_item(m), g.report(a)
    keeper = login_as(Role.SECRETARIAT)
    pdf = text_pdf("Underlag", ["Till posten"])
    for url, page in [(f"/documents/new/agenda_item/{item.id}", f"/meetings/{m.id}#item-{item.id}"),
                      (f"/documents/new/status_report/{report.id}", f"/assignments/reports/{report.id}#documents"),
                      (f"/documents/new/group/{w.principal.id}", f"/groups/{w.principal.id}#documents")]:
        response = upload(keeper, url, "underlag.pdf", pdf)
        assert response.status_code == 302 and response.headers["Location"].endswith(page), url


def test_who_may_upload_follows_the_record(w, login_as):
    a = g.assignment(w.principal, w.recipient)
    report = g.report(a)
    m_other = g.meeting(w.unrelated)
    pdf = text_pdf("Leverans", ["Klar"])
    principal_chair = login_as(Role.READER, person=w.principal_chair)
    recipient_chair = login_as(Role.READER, person=w.recipient_chair)
    reader = login_as(Role.READER, username="lasare")
    # The principal's papers and the recipient's deliverables both belong on the assignment.
    assert upload(principal_chair, f"/documents/new/assignment/{a.id}", "uppdrag.pdf", pdf).status_code == 302
    assert upload(recipient_chair, f"/documents/new/assignment/{a.id}", "leverans.pdf", pdf,
                  kind="leverans").status_code == 302
    # A report's appendix is the recipient's; another group's meeting is nobody's but its own.
    assert upload(recipient_chair, f"/documents/new/status_report/{report.id}", "bilaga.pdf", pdf).status_code == 302
    assert upload(principal_chair, f"/documents/new/status_report/{report.id}", "bilaga.pdf", pdf).status_code == 403
    assert principal_chair.get(f"/documents/new/meeting/{m_other.id}").status_code == 403
    for url in (f"/documents/new/assignment/{a.id}", f"/documents/new/meeting/{m_other.id}"):
        assert reader.get(url).status_code == 403
    assert len(versions()) == 3
    # A member the chair delegated reporting to may attach to the report too, and nothing more.
    member = login_as(Role.READER, person=w.member)
    assert upload(member, f"/documents/new/status_report/{report.id}", "bilaga.pdf", pdf).status_code == 403
    recipient_chair.post(f"/assignments/{a.id}/reporters", {"person_ids": [str(w.member.id)]},
                         form_url=f"/assignments/{a.id}")
    assert upload(member, f"/documents/new/status_report/{report.id}", "bilaga2.pdf", pdf).status_code == 302
    assert member.get(f"/documents/new/meeting/{g.meeting(w.recipient).id}").status_code == 403
    assert len(versions()) == 4


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_downloads_and_nobody_else(w, login_as, client, role):
    m = g.meeting(w.principal)
    upload(login_as(Role.SECRETARIAT, username="kansli"), f"/documents/new/meeting/{m.id}", "k.pdf",
           text_pdf("Kallelse", []))
    [version] = versions()
    url = f"/documents/versions/{version.id}/download"
    with login_as(role).get(url) as response:
        assert response.status_code == 200
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client.get(f"/documents/{version.document_id}").status_code == 302


def test_archived_documents_leave_the_list_and_stay_readable(w, login_as):
    g_ = w.principal
    keeper = login_as(Role.SECRETARIAT)
    upload(keeper, f"/documents/new/group/{g_.id}", "mandat.pdf", text_pdf("Mandat", []), title="Gruppens mandat",
           kind="annat")
    document = db.session.scalar(sa.select(Document))
    keeper.post(f"/documents/{document.id}/archive", {"do": "archive"}, form_url=f"/documents/{document.id}")
    page = keeper.get(f"/groups/{g_.id}").get_data(as_text=True)
    assert "Gruppens mandat" not in page.split('id="documents"')[1].split("</section>")[0]
    assert keeper.get(f"/documents/{document.id}").status_code == 200
    with keeper.get(f"/documents/versions/{versions()[0].id}/download") as response:
        assert response.status_code == 200


def test_documents_go_with_their_record(w, login_as):
    """Archiving a meeting archives its documents with it: still readable, no new versions or papers."""
    m = g.meeting(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    upload(keeper, f"/documents/new/meeting/{m.id}", "k.pdf", text_pdf("Kallelse", []))
    document = db.session.scalar(sa.select(Document))
    ops.archive(m, None)
    db.session.commit()
    assert upload(keeper, f"/documents/new/meeting/{m.id}", "ny.pdf", text_pdf("Ny", [])).status_code == 403
    url = f"/documents/{document.id}"
    refused = post_file(keeper, f"{url}/versions", f"/meetings/{m.id}", {}, "v2.pdf", text_pdf("v2", []))
    assert refused.status_code == 403
    assert db.session.get(Document, document.id).is_archived
    with keeper.get(f"/documents/versions/{versions()[0].id}/download") as response:
        assert response.status_code == 200


def test_size_limits_are_settings(w, login_as, monkeypatch, app):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    m = g.meeting(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    big = b"Region;Antal\n" + b"Orebro;3\n" * 150_000  # 1.3 MB of CSV
    response = upload(keeper, f"/documents/new/meeting/{m.id}", "stor.csv", big)
    assert response.status_code == 422 and "Filen är för stor: högst 1 MB." in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    response = upload(keeper, f"/documents/new/meeting/{m.id}", "stor.csv", big + big)
    assert response.status_code == 413 and "högst 1 MB" in response.get_data(as_text=True)
    assert versions() == []


def test_a_download_is_named_for_what_it_is(w, login_as):
    """A PDF uploaded as protokoll.exe is downloaded as protokoll.pdf (and a program is never taken)."""
    m = g.meeting(w.principal)
    keeper = login_as(Role.SECRETARIAT)
    upload(keeper, f"/documents/new/meeting/{m.id}", "protokoll.exe", text_pdf("Protokoll", []))
    with keeper.get(f"/documents/versions/{versions()[0].id}/download") as response:
        assert 'filename=protokoll.pdf' in response.headers["Content-Disposition"]


def test_the_upload_form_works_without_javascript(w, login_as):
    m = g.meeting(w.principal)
    page = login_as(Role.SECRETARIAT).get(f"/documents/new/meeting/{m.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page and "<script" not in page.split(
        "</head>")[1]
    # A phone's file picker offers documents, not every file on the device.
    assert re.search(r'<input[^>]*accept="\.pdf,[^"]*\.docx[^"]*"[^>]*type="file"|type="file"[^>]*accept="\.pdf,', page)


# --- A 50 MB file through the app served by gunicorn ----------------------------------------------------

def peak_memory_kb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in kB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))


def _signed_in_opener(base: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login", timeout=10).read().decode()
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                   "csrf_token": CSRF_RE.search(page).group(1)}).encode()
    opener.open(base + "/login", data=body, timeout=10)
    return jar, opener


def _cookie_header(jar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in jar)


@pytest.mark.parametrize("gunicorn", [(1, 0)], indirect=True)
def test_a_50_mb_file_is_streamed_in_and_out_without_growing_the_worker(w, gunicorn, tmp_path):
    """Upload and download of a file of the largest allowed size, over real HTTP to one gunicorn worker:
    the bytes come back the same, and the worker's peak memory grows by far less than the file."""
    m = g.meeting(w.principal)
    make_user("kansli-stor", Role.SECRETARIAT)
    base = gunicorn.base
    jar, opener = _signed_in_opener(base, "kansli-stor")
    form_page = opener.open(f"{base}/documents/new/meeting/{m.id}", timeout=10).read().decode()
    token = CSRF_RE.search(form_page).group(1)
    [worker] = gunicorn.worker_pids()
    before = peak_memory_kb(worker)  # after a sign-in and a page: imports and templates are loaded

    # The body is written to disk and sent from there, so the test itself holds no 50 MB either.
    size = 50 * 1024 * 1024
    boundary = "----stor-fil"
    head = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                   for name, value in (("csrf_token", token), ("title", "Stort underlag"), ("kind", "underlag")))
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="stort.pdf"\r\n'
             "Content-Type: application/pdf\r\n\r\n")
    digest = hashlib.sha256()
    body_path = tmp_path / "body"
    with body_path.open("wb") as body:
        body.write(head.encode())
        block = b"%PDF-1.4\n" + os.urandom(1024 * 1024 - 9)
        for n in range(size // len(block)):
            chunk = block if n == 0 else block[::-1] if n % 2 else block
            body.write(chunk)
            digest.update(chunk)
        body.write(f"\r\n--{boundary}--\r\n".encode())
    connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=120)
    with body_path.open("rb") as body:
        connection.request("POST", f"/documents/new/meeting/{m.id}", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(body_path.stat().st_size), "Cookie": _cookie_header(jar)})
        response = connection.getresponse()
        response.read()
    assert response.status == 302, response.status
    [version] = versions()
    assert version.size == size and version.sha256 == digest.hexdigest()
    assert (gunicorn.files_dir / version.sha256[:2] / version.sha256[2:4] / version.sha256).stat().st_size == size

    connection.request("GET", f"/documents/versions/{version.id}/download", headers={"Cookie": _cookie_header(jar)})
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    received = hashlib.sha256()
    while chunk := response.read(256 * 1024):
        received.update(chunk)
    connection.close()
    assert received.hexdigest() == digest.hexdigest()

    grown_mb = (peak_memory_kb(worker) - before) / 1024
    assert grown_mb < 15, f"the worker's peak memory grew by {grown_mb:.0f} MB for a 50 MB file"
