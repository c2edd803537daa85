"""gunicorn's settings for `make serve` (production). Any of them can be given on the command line
too, which wins: `gunicorn -c gunicorn.conf.py --workers 2 'app:create_app()'`."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Requests are short and mostly wait for the database: two workers a core, at most 8 by default.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
timeout = 60           # a worker silent this long is restarted (an XLSX report takes a few seconds)
graceful_timeout = 30  # on restart, requests in progress get this long to finish
keepalive = 5
max_requests = 2000    # workers are renewed now and then, so that no slow leak grows unchecked
max_requests_jitter = 200
accesslog = "-"        # standard output; the app's own log goes to standard error
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}o)s'
# Only the app decides what a proxy may tell it (TRUSTED_PROXIES, Werkzeug's ProxyFix): gunicorn
# would otherwise trust X-Forwarded-Proto from 127.0.0.1 by itself.
forwarded_allow_ips = ""
secure_scheme_headers = {}
