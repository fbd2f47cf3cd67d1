"""gunicorn configuration for ``webapp:create_app()`` (``huixun serve`` runs ``gunicorn -c`` this file).

``preload_app``: the app — and with it jieba's dictionary — is built once in the master and shared
copy-on-write by the workers (about 23 MB instead of 83 MB per worker, and a faster start). The index
itself is opened lazily by each worker after the fork (``webapp.index.IndexHolder``), never in the
master. Workers, threads, bind address, timeout and access log come from the ``HUIXUN_*`` settings (see
the README's configuration table).

``worker_class``: :class:`webapp.gworker.BufferingThreadWorker`, gunicorn's ``gthread`` worker reading each
whole request in its event loop before a thread serves it, so slow or idle clients never hold a worker
(see that module and the README's Operations section).
"""

from search.settings import resolve
from webapp.gworker import head_limit
from webapp.settings import WEB_SETTINGS

_settings = resolve(names=[setting.name for setting in WEB_SETTINGS])

wsgi_app = "webapp:create_app()"
preload_app = True
bind = [_settings["bind"]]
workers = _settings["workers"]
worker_class = "webapp.gworker.BufferingThreadWorker"
threads = _settings["threads"]
timeout = _settings["timeout"]
# The worker refuses heads over head_limit() in the envelope, and the app the smaller documented limits
# (HUIXUN_MAX_URL_LENGTH, HUIXUN_MAX_HEADER_BYTES): gunicorn's own limits sit above them, so gunicorn's
# 414/431 (in its own format) never answers first. limit_request_line = 0 means "no limit" to gunicorn.
_head = head_limit(_settings["max_url_length"], _settings["max_header_bytes"])
limit_request_line = 0
limit_request_fields = 32768  # gunicorn's maximum; the head size bounds the count
limit_request_field_size = _head
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (with jitter, so they do not restart together) to bound memory growth.
max_requests = 10_000
max_requests_jitter = 1_000
accesslog = _settings["access_log"]
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "huixun"
# gunicorn ≥ 25 opens a control socket at one fixed per-user path, so two servers on a host (a test run
# beside a benchmark, two sites) would take over each other's socket. Signals (HUP, TTIN, TTOU) suffice.
control_socket_disable = True
