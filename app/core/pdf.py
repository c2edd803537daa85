"""PDFs: a Jinja template rendered to A4 with one shared print stylesheet (static/print.css), and the
response that sends one.

WeasyPrint needs pango (system libraries) and is imported only when a PDF is made, so the app starts
on a machine without it. Fonts come from the system (fontconfig); nothing is fetched over the network:
the base URL is the static folder on disk and any other URL is refused.
"""

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import BinaryIO

from flask import current_app, render_template, send_file
from flask_babel import gettext as _

PDF_MIMETYPE = "application/pdf"
SPOOL_LIMIT = 8 * 1024 * 1024  # a merged pack larger than this waits on disk, not in memory


def _static_folder() -> str:
    return os.path.abspath(current_app.static_folder)


def _allowed(url: str) -> bool:
    """Only files under the static folder (and inline data): a template never reaches the network or the
    rest of the file system."""
    if url.startswith("data:"):
        return True
    if url.startswith("file://"):
        path = os.path.abspath(url[len("file://"):].split("?")[0].split("#")[0])
        return path.startswith(_static_folder() + os.sep)
    return False


def _url_fetcher():
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint 66 and later: a fetcher object
    except ImportError:
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            if not _allowed(url):
                raise ValueError(f"not fetched for a PDF: {url}")
            return default_url_fetcher(url, *args, **kwargs)
        return fetch

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not _allowed(url):
                raise ValueError(f"not fetched for a PDF: {url}")
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols={"file", "data"})


def page_numbers_css() -> str:
    """The CSS `content` value for "Sida N av M", from one translatable string."""
    label = _("Sida %(page)s av %(pages)s", page="\u0001", pages="\u0002").replace('"', "")
    return '"' + label.replace("\u0001", '" counter(page) "').replace("\u0002", '" counter(pages) "') + '"'


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (pango) are missing on this server: answered as 503
    with a message saying so, never as a 500 (app.core.errors)."""


def render_pdf(template: str, **context) -> bytes:
    """The template rendered as a PDF. The template extends "pdf/base.html"; `running_title` (the body's
    name) and `running_number` (a registry number) go into every page's header."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as err:  # OSError: pango's shared libraries are not installed
        current_app.logger.error("PDFs cannot be made on this server: %s", err)
        raise PdfUnavailable(str(err)) from err

    html = render_template(template, printed_on=date.today(), **context)
    static, fetcher = _static_folder(), _url_fetcher()
    return HTML(string=html, base_url=static + os.sep, url_fetcher=fetcher).write_pdf(stylesheets=[
        CSS(filename=os.path.join(static, "print.css"), url_fetcher=fetcher),
        # The page numbers in the user's language.
        CSS(string=f"@page {{ @bottom-right {{ content: {page_numbers_css()}; }} }}")])


def safe_filename(*parts: str | date | None, extension: str = "pdf") -> str:
    """"Protokoll RPO Hjärta 2023-12-12" → "protokoll-rpo-hjarta-2023-12-12.pdf": ASCII letters, digits and
    hyphens, so that every browser and mail program keeps the name (å, ä, ö lose their marks)."""
    text = " ".join(p.isoformat() if isinstance(p, date) else str(p) for p in parts if p)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120].strip("-")
    return f"{slug or 'dokument'}.{extension}"


def pdf_response(content: bytes | BinaryIO, filename: str):
    """A PDF shown in the browser (inline), named `filename` when saved; like a download, private."""
    stream = content if hasattr(content, "read") else _bytes_io(content)
    response = send_file(stream, mimetype=PDF_MIMETYPE, as_attachment=False, download_name=filename,
                         max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _bytes_io(content: bytes):
    from io import BytesIO

    return BytesIO(content)


def readable_pdf(stream: BinaryIO):
    """A pypdf reader for the stream, or None when it is no PDF pypdf can read (broken, or encrypted with a
    password) – such a paper is left out of a pack, and the pack says so."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        len(reader.pages)  # parses the page tree: a broken one fails here, not halfway through a merge
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None


def merge(parts: Iterable[tuple[str, object]]) -> BinaryIO:
    """The parts (title, pypdf reader) one after the other, each with a top-level bookmark at its first page,
    written to a temporary file (in memory up to SPOOL_LIMIT, then on disk) that is returned at its start."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for title, reader in parts:
        first = len(writer.pages)
        writer.append(reader, import_outline=False)
        writer.add_outline_item(title=title, page_number=first)
    writer.page_mode = "/UseOutlines"
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT)
    writer.write(out)
    writer.close()
    out.seek(0)
    return out
