"""Logs a region's operations team can use: each request gets an id (sent back in `X-Request-Id`,
shown on the error page, in every log line about it), and `LOG_FORMAT = "json"` writes one JSON
object a line for a log collector; "text" (the default) stays readable in a terminal."""

import json
import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-Id"
# An id a proxy in front gives is kept when it looks like one (no spaces, no control characters).
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def request_id() -> str:
    return getattr(g, "request_id", "") if has_request_context() else ""


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage(),
                 "request_id": getattr(record, "request_id", "")}
        if has_request_context():
            entry.update(method=request.method, path=request.path)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever standard error is when the line is written (a server may redirect it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def register(app: Flask) -> None:
    handler = _StderrHandler()
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(_RequestIdFilter())
    if not app.testing:
        from flask.logging import default_handler

        app.logger.removeHandler(default_handler)
        # The app's own loggers (errors, security events) go through this handler; the test runner
        # captures them itself.
        for name in (app.logger.name, "styrregister"):
            logger = logging.getLogger(name)
            logger.handlers = [h for h in logger.handlers if not getattr(h, "_styrregister", False)]
            handler._styrregister = True
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)

    @app.before_request
    def assign_request_id():
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def send_request_id(response):
        if has_request_context() and getattr(g, "request_id", None):
            response.headers[REQUEST_ID_HEADER] = g.request_id
        return response
