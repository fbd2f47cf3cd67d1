"""gunicorn configuration for ``webapp:create_app()``, shipped inside the package: ``huixun serve`` runs
``gunicorn --config python:webapp.gunicorn_conf``, so an installed wheel serves exactly like a checkout.

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

# -- huixun worker: the ingest API's one index writer runs beside the web workers -----------------------
# The master starts `huixun worker` (HUIXUN_SERVE_WORKER) and restarts it should it die; it stops it
# (SIGTERM: the worker finishes its batch) when the server stops. The web workers never write the index.
import ctypes  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from typing import Any  # noqa: E402

_serve_worker = resolve(names=["serve_worker"])["serve_worker"]
_stopping = threading.Event()
_child: list[subprocess.Popen[bytes]] = []
RESTART_DELAY_S = 2.0


def _die_with_parent() -> None:
    """In the child: SIGTERM when the gunicorn master dies, even by kill -9 (Linux prctl)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _supervise(server: Any) -> None:
    while not _stopping.is_set():
        proc = subprocess.Popen([sys.executable, "-m", "indexer.cli", "worker"], preexec_fn=_die_with_parent)
        _child[:] = [proc]
        server.log.info("started huixun worker (pid %s)", proc.pid)
        code = proc.wait()
        if not _stopping.is_set():
            server.log.error("huixun worker exited with %s; restarting it", code)
            _stopping.wait(RESTART_DELAY_S)


def on_starting(server: Any) -> None:
    if _serve_worker:
        threading.Thread(target=_supervise, args=(server,), name="huixun-worker", daemon=True).start()


def on_exit(server: Any) -> None:
    _stopping.set()
    for proc in _child:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=graceful_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
