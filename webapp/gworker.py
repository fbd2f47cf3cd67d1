"""The gunicorn worker of ``huixun serve``: gunicorn's ``gthread`` worker that reads whole requests first.

Why: a sync worker serves one connection at a time, so anyone who opens ``workers`` sockets and never
finishes the headers stops the service (issue #10). gunicorn's ``gthread`` worker keeps *idle*
keep-alive connections in its event loop, but once the first byte arrived a pool thread reads the rest
with a blocking socket: ``threads`` trickling clients per worker still starve it.

:class:`BufferingThreadWorker` therefore reads every request — its head and its body — in the
worker's event loop (non-blocking, like a buffering reverse proxy) and hands it to a pool thread only once
it is complete, so a thread is never held by a slow client, and the threads only compute:

* a connection that has not sent a complete request within ``HUIXUN_HEADER_TIMEOUT`` seconds of its
  first byte (or of the previous answer, on a keep-alive connection) is closed;
* a request head larger than ``HUIXUN_MAX_URL_LENGTH`` plus ``HUIXUN_MAX_HEADER_BYTES`` is answered
  414 ``uri_too_long`` (no line end yet) or 431 ``headers_too_large`` by the worker itself, a body
  larger than ``HUIXUN_MAX_BODY_BYTES`` 413 ``payload_too_large``;
* pipelined requests on a keep-alive connection are read the same way before a thread takes them;
* gunicorn's own error answers (a malformed request line, an invalid header…) are written in the one
  JSON envelope (:func:`webapp.errors.error_body`) instead of gunicorn's HTML page.

Smaller limits (``HUIXUN_MAX_URL_LENGTH``, ``HUIXUN_MAX_HEADER_BYTES``, ``HUIXUN_MAX_BODY_BYTES``) are
enforced by the app, in the envelope; gunicorn's own ``limit_request_*`` are raised in gunicorn.conf.py
above what this worker lets through, so they never answer first.
"""

from __future__ import annotations

import errno
import json
import selectors
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

from search.settings import resolve

from .errors import STATUS_CODES, error_body

__all__ = ["BufferingThreadWorker", "Head", "body_state", "head_limit", "parse_head", "request_state",
           "write_json_error"]

#: Bytes read from a socket per readiness event.
RECV_BYTES = 65536
#: How long a refused connection's further bytes are discarded before it is closed.
LINGER_S = 2.0
#: Method, spaces, ``HTTP/1.1`` and line ends beside the URL and the header fields.
HEAD_SLACK = 64


def head_limit(max_url_length: int, max_header_bytes: int) -> int:
    """The largest request head (request line + header fields) the worker buffers."""
    return max_url_length + max_header_bytes + HEAD_SLACK


@dataclass(frozen=True)
class Head:
    """What a request head announces about its body."""

    end: int  # offset of the blank line that ends the head
    length: int  # Content-Length (0 when absent)
    chunked: bool
    malformed: bool  # a Content-Length that is not a number: gunicorn's parser answers 400


def parse_head(data: bytes | bytearray, end: int) -> Head:
    length, chunked = 0, False
    for line in bytes(data[:end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return Head(end, 0, False, True)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
    return Head(end, length, chunked, False)


def body_state(data: bytes | bytearray, head: Head, max_body_bytes: int) -> str:
    """``"complete"``, ``"too_large"`` or ``"incomplete"`` for a request whose head is ``head``."""
    if head.malformed:
        return "complete"
    body = len(data) - (head.end + 4)
    if head.chunked:
        if data.endswith(b"0\r\n\r\n"):  # the last chunk (no trailers: we never need them)
            return "complete"
        return "too_large" if body > max_body_bytes + HEAD_SLACK else "incomplete"
    if head.length > max_body_bytes:
        return "too_large"
    return "complete" if body >= head.length else "incomplete"


def request_state(data: bytes | bytearray, max_body_bytes: int) -> str:
    """``"complete"`` when ``data`` holds a whole request (its head, and its body: ``Content-Length``
    bytes, or chunks up to the last one), ``"too_large"`` when the announced or buffered body exceeds
    ``max_body_bytes``, else ``"incomplete"``. A malformed head counts as complete: gunicorn's parser
    answers it (400, in the envelope)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return "incomplete"
    return body_state(data, parse_head(data, end), max_body_bytes)


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error`` in the one JSON envelope (then the connection is closed)."""
    code = {414: "uri_too_long", 431: "headers_too_large", 413: "payload_too_large"}.get(
        status_int, STATUS_CODES.get(status_int, "error")
    )
    body = json.dumps(error_body(status_int, code, mesg or reason), ensure_ascii=False).encode("utf-8")
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


class BufferingThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, reading each request in the event loop before a thread serves it."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limits = resolve(names=["header_timeout", "max_url_length", "max_header_bytes", "max_body_bytes"])
        self.header_timeout: float = limits["header_timeout"]
        self.max_url_length: int = limits["max_url_length"]
        self.max_head = head_limit(limits["max_url_length"], limits["max_header_bytes"])
        self.max_body: int = limits["max_body_bytes"]
        self.reading: OrderedDict[Any, float] = OrderedDict()  # conn -> deadline, oldest first

    def init_process(self) -> None:
        util.write_error = write_json_error  # gunicorn's error answers, in the envelope (this process only)
        super().init_process()

    # -- connections arrive: read them in the event loop -----------------------------------------
    def accept(self, listener: socket.socket) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())  # non-blocking
        self._start_reading(conn)

    def on_client_socket_readable(self, conn: Any, client: socket.socket) -> None:
        """A kept-alive connection sends its next request: read it like a new one."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        conn.sock.setblocking(False)
        self._start_reading(conn)

    def _start_reading(self, conn: Any, already: bytes = b"") -> None:
        conn.pending_bytes = bytearray(already)
        conn.head, conn.scanned = None, 0
        self.reading[conn] = time.monotonic() + self.header_timeout
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def enqueue_req(self, conn: Any) -> None:
        """gunicorn calls this for a kept-alive connection whose client pipelined its next request
        (read ahead into the parser): read that request like any other before a thread takes it."""
        leftover = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        conn.sock.setblocking(False)
        self._start_reading(conn, leftover)
        self._check(conn)

    def _on_readable(self, conn: Any, _sock: socket.socket) -> None:
        try:
            data = conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data or getattr(conn, "draining", False):  # gone, or refused: discard, close at EOF
            if not data:
                self._stop_reading(conn)
                self._close(conn)
            return
        conn.pending_bytes += data
        self._check(conn)

    def _check(self, conn: Any) -> None:
        """Hand a complete request to a thread; refuse an oversized one; else keep reading."""
        buf = conn.pending_bytes
        if conn.head is None:  # look for the head's end in the new bytes only: a trickle stays linear
            end = buf.find(b"\r\n\r\n", max(0, conn.scanned - 3))
            conn.scanned = len(buf)
            if end >= 0:
                conn.head = parse_head(buf, end)
        state = body_state(buf, conn.head, self.max_body) if conn.head is not None else "incomplete"
        if state == "complete":
            self._stop_reading(conn)
            conn.data_ready = True
            super().enqueue_req(conn)
            return
        if state == "too_large":
            message = f"the request body is larger than {self.max_body} bytes"
            self._refuse(conn, 413, "Content Too Large", message)
        elif conn.head is None and len(buf) > self.max_head:
            if buf.find(b"\r\n", 0, self.max_url_length + HEAD_SLACK) >= 0:
                message = "the request headers are too large"
                self._refuse(conn, 431, "Request Header Fields Too Large", message)
            else:
                message = f"the request URL is longer than {self.max_url_length} bytes"
                self._refuse(conn, 414, "URI Too Long", message)

    def _refuse(self, conn: Any, status: int, reason: str, message: str) -> None:
        """Answer in the envelope, then close without losing the answer: half-close, and discard what
        the client still sends (in the event loop, for :data:`LINGER_S` at most) so that unread request
        bytes do not make the kernel reset the connection before the client read the answer."""
        self._stop_reading(conn)
        self.log.warning("refused a request from %s: %s", conn.client, message)
        try:
            conn.sock.setblocking(True)
            conn.sock.settimeout(1.0)  # the answer fits the socket buffer; a stuck peer gets it cut short
            write_json_error(conn.sock, status, reason, message)
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
        except OSError:
            self._close(conn)
            return
        conn.draining = True
        self.reading[conn] = time.monotonic() + LINGER_S
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def _stop_reading(self, conn: Any) -> None:
        self.reading.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _close(self, conn: Any) -> None:
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Also close connections that did not send a whole request within ``header_timeout``."""
        super().murder_pending()
        now = time.monotonic()
        while self.reading:
            conn, deadline = next(iter(self.reading.items()))
            if deadline > now:
                break
            self._stop_reading(conn)
            self._close(conn)

    # -- a pool thread serves a complete request -------------------------------------------------
    def handle(self, conn: Any) -> Any:
        pending = getattr(conn, "pending_bytes", None)
        if pending:
            conn.pending_bytes = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(bytes(pending))
        return super().handle(conn)
