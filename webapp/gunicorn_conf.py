"""gunicorn configuration for ``webapp:create_app()``, shipped inside the package: ``huixun serve`` runs
``gunicorn --config python:webapp.gunicorn_conf``, so an installed wheel serves exactly like a checkout.

``preload_app``: the app — and with it jieba's dictionary — is built once in the master and shared
copy-on-write by the workers (about 23 MB instead of 83 MB per worker, and a faster start). The index
itself is opened lazily by each worker after the fork (``webapp.index.IndexHolder``), never in the
master. Workers, bind address, timeout and access log come from the ``HUIXUN_*`` settings (see the
README's configuration table).
"""

from search.settings import resolve
from webapp.settings import WEB_SETTINGS

_settings = resolve(names=[setting.name for setting in WEB_SETTINGS])

wsgi_app = "webapp:create_app()"
preload_app = True
bind = [_settings["bind"]]
workers = _settings["workers"]
worker_class = "sync"
timeout = _settings["timeout"]
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
