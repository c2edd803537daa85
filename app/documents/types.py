"""Which files a document may be, decided from their content, never from their name: PDF, Office and
OpenDocument formats, images, plain text and CSV. Anything else – a program, an archive, a script
named .pdf – is refused. Binary formats are recognised by their signatures (filetype, pure Python:
no system library needed); text has none, so it is recognised by being text.
"""

from pathlib import PurePath

import filetype
from flask_babel import lazy_gettext as _l

# Detected extension -> the type the download is sent as.
ALLOWED = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "application/rtf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "tif": "image/tiff",
    "bmp": "image/bmp",
    "txt": "text/plain",
    "csv": "text/csv",
}
# What a browser's file picker offers first (the content decides all the same); "jpeg" for JPEG's other name.
ACCEPT = ",".join(f".{ext}" for ext in [*ALLOWED, "jpeg"])
PROGRAMS = {"exe", "elf", "wasm", "swf", "crx", "deb", "rpm", "cab"}


class RefusedType(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _is_text(head: bytes) -> bool:
    """UTF-8 (or Windows' cp1252, common for Swedish CSV) with no NUL and almost no control characters."""
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":  # the head may end inside a character
            text = head[:err.start].decode("utf-8", errors="replace")
        else:
            text = head.decode("cp1252", errors="replace")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    return controls <= len(text) / 100


SCRIPT_STARTS = (b"#!", b"<?php", b"<%", b"@echo off")


def _is_script(head: bytes) -> bool:
    """A shell, PHP or batch script, or markup carrying script (HTML, SVG): text that runs."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(SCRIPT_STARTS) or b"<script" in head.lower()


def detect(head: bytes, filename: str) -> tuple[str, str]:
    """(extension, content type) of a file whose first bytes are `head`, or RefusedType saying why."""
    if not head:
        raise RefusedType(_l("Filen är tom."))
    kind = filetype.guess(head)
    if kind is not None:
        if kind.extension in ALLOWED:
            return kind.extension, ALLOWED[kind.extension]
        if kind.extension in PROGRAMS:
            raise RefusedType(_l("Filen är ett program, inte ett dokument, vad den än heter. Den tas inte emot."))
        raise RefusedType(_l("Filer av typen %(kind)s tas inte emot. Ladda upp PDF, Office- eller "
                             "OpenDocument-filer, bilder, text eller CSV.", kind=kind.extension.upper()))
    if _is_text(head):
        if _is_script(head):
            raise RefusedType(_l("Filen är ett skript, inte ett dokument, vad den än heter. Den tas inte emot."))
        suffix = PurePath(filename or "").suffix.lower()
        if suffix == ".csv":
            return "csv", ALLOWED["csv"]
        return "txt", ALLOWED["txt"]
    raise RefusedType(_l("Filens typ känns inte igen. Ladda upp PDF, Office- eller OpenDocument-filer, bilder, "
                         "text eller CSV."))


def download_name(filename: str, extension: str) -> str:
    """The name a download is saved as: the uploaded name, with the extension of what it is (a program
    uploaded as .doc is not downloaded as .exe, nor a .doc as .exe)."""
    stem = PurePath(filename or "dokument").stem or "dokument"
    return f"{stem}.{extension}"
