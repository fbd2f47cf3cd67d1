"""The ingest API (staff only): send documents and deletions, read their tasks.

* ``POST /api/v1/documents`` — JSON (one object or an array of objects), JSON Lines, or a multipart
  upload of the files ``huixun index`` reads; scope ``documents.write``;
* ``DELETE /api/v1/documents/<id>`` — scope ``documents.write``;
* ``GET /api/v1/tasks/<id>``, ``GET /api/v1/tasks?status=&limit=`` — scope ``tasks.read``.

A write answers ``202`` with its task once the task is on disk (:mod:`search.taskqueue`); ``huixun
worker`` applies it, never the web request. Requests carry ``Authorization: Bearer <key>``
(:mod:`search.apikeys`): no key or a wrong or revoked one → 401, a key without the route's scope → 403.
Until a key has been created (``huixun keys create``) none of these routes exists: each answers
exactly as an unknown route does (404; a method only they allow → 404, not 405).

Bodies: at most ``HUIXUN_INGEST_MAX_BYTES`` bytes and ``HUIXUN_INGEST_MAX_DOCUMENTS`` documents (413
beyond); a body that cannot be read as the format it declares → 400, and nothing is queued. What is
wrong inside a well-formed document (no text, a field of the wrong type) is reported in the task, per
document, as ``huixun index`` reports it.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import MethodNotAllowed, NotFound

from search import apikeys, taskqueue
from search.envelope import accepted_body, task_json
from search.settings import INGEST_DB_NAME

from .errors import ApiError

__all__ = ["bp", "init_app", "UPLOAD_SUFFIXES", "JSON_LINES_TYPES"]

bp = Blueprint("ingest", __name__)

#: File names a multipart upload may carry: the formats ``huixun index`` reads in a directory
#: (``indexer.readers.KNOWN_SUFFIXES``, each optionally gzipped; a test keeps the two lists equal).
UPLOAD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".txt", ".html", ".htm")
JSON_LINES_TYPES = (
    "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"
)
MAX_TASKS_LIMIT = 100
DEFAULT_TASKS_LIMIT = 20
#: A gzipped upload may inflate to this many times the request size limit before it is refused (413).
GZIP_RATIO = 20


def _db() -> str:
    path: str = current_app.config["HUIXUN_INGEST_DB_PATH"]
    return path


def _require(scope: str) -> apikeys.ApiKey:
    """The request's key, which has ``scope``; else 401 or 403 (the one error envelope)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="huixun"'}
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "an API key is required: Authorization: Bearer <key>", code="unauthorized",
                       headers=challenge)
    key = apikeys.verify(_db(), token.strip())
    if key is None:
        raise ApiError(401, "the API key is wrong or revoked", code="unauthorized",
                       headers={"WWW-Authenticate": 'Bearer realm="huixun", error="invalid_token"'})
    if scope not in key.scopes:
        raise ApiError(403, f"this API key lacks the scope {scope}", code="insufficient_scope",
                       headers={"WWW-Authenticate": f'Bearer realm="huixun", error="insufficient_scope", '
                                                   f'scope="{scope}"'})
    g.api_key = key
    return key


def _hide_without_keys() -> None:
    """Before any ingest route (or its 405): with no key ever created, answer as an unknown route."""
    exc = request.routing_exception
    endpoint = request.endpoint or ""
    if not endpoint.startswith("ingest.") and not isinstance(exc, MethodNotAllowed):
        return
    if apikeys.any_key(_db()):
        return
    if endpoint.startswith("ingest."):
        raise NotFound()
    assert isinstance(exc, MethodNotAllowed)
    # Methods some other (public) route of this path allows; only those may be announced.
    adapter = current_app.url_map.bind_to_environ(request.environ)
    public = set()
    for method in exc.valid_methods or ():
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except Exception:  # noqa: BLE001  (no rule for this method: not announced)
            continue
        if not rule.endpoint.startswith("ingest."):
            public.add(method)
    if not public - {"OPTIONS"}:
        raise NotFound()
    raise MethodNotAllowed(valid_methods=sorted(public))


def _accepted(task: taskqueue.Task) -> Response:
    response = jsonify(accepted_body(task))
    response.status_code = 202
    response.headers["Location"] = url_for("ingest.get_task", task_id=task.id)
    response.headers["Cache-Control"] = "no-store"
    return response


def _too_large(what: str) -> ApiError:
    return ApiError(413, what, code="payload_too_large")


def _body() -> bytes:
    """The request body, refused with 413 beyond the size limit (also when sent without a length)."""
    limit = current_app.config["HUIXUN"]["ingest_max_bytes"]
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(f"the request body is {request.content_length} bytes; at most {limit} are accepted")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(f"the request body is larger than {limit} bytes, the most accepted")
    return data


def _check_count(count: int) -> None:
    limit = current_app.config["HUIXUN"]["ingest_max_documents"]
    if count > limit:
        raise _too_large(f"the request holds {count} documents; at most {limit} are accepted per request")


def _check_record(record: Any, where: str) -> None:
    if not isinstance(record, dict):
        raise ApiError(400, f"{where}: a document must be a JSON object, not {type(record).__name__}",
                       code="invalid_body")


def _json_documents(data: bytes) -> list[tuple[str, bytes]]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, f"the body is not valid JSON (UTF-8): {exc}", code="invalid_body") from None
    records = document if isinstance(document, list) else [document]
    if not records:
        raise ApiError(400, "the body holds no document (an empty array)", code="invalid_body")
    _check_count(len(records))
    for position, record in enumerate(records, start=1):
        _check_record(record, f"document {position}")
    return [(taskqueue.TASK_NAME + ".json", data)]


def _json_lines(data: bytes, where: str) -> int:
    """Check JSON Lines text; returns its number of documents (400 naming the first bad line)."""
    count = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError(400, f"{where} line {number}: not valid JSON (UTF-8): {exc}",
                           code="invalid_body") from None
        _check_record(record, f"{where} line {number}")
        count += 1
    return count


def _jsonl_documents(data: bytes) -> list[tuple[str, bytes]]:
    count = _json_lines(data, "body")
    if not count:
        raise ApiError(400, "the body holds no document", code="invalid_body")
    _check_count(count)
    return [(taskqueue.TASK_NAME + ".jsonl", data)]


def _upload_name(raw: str | None) -> str:
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or name.startswith(".") or "\0" in name:
        raise ApiError(400, f"an uploaded file needs a plain file name, not {raw!r}", code="invalid_body",
                       param="file")
    if not name.lower().removesuffix(".gz").endswith(UPLOAD_SUFFIXES):
        formats = ", ".join(UPLOAD_SUFFIXES)
        raise ApiError(400, f"{name}: not a format huixun reads ({formats}, optionally .gz)",
                       code="invalid_body", param="file")
    return name


def _gunzip(name: str, data: bytes) -> bytes:
    limit = current_app.config["HUIXUN"]["ingest_max_bytes"] * GZIP_RATIO
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = inflater.decompress(data, limit + 1)
        if len(out) > limit or inflater.unconsumed_tail:
            raise _too_large(f"{name} inflates to more than {limit} bytes")
        if not inflater.eof:
            raise zlib.error("truncated")
        return out
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ApiError(400, f"{name}: not a valid gzip file ({exc})", code="invalid_body",
                       param="file") from None


def _multipart_documents() -> list[tuple[str, bytes]]:
    limit = current_app.config["HUIXUN"]["ingest_max_bytes"]
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(f"the request body is {request.content_length} bytes; at most {limit} are accepted")
    request.max_content_length = limit  # also for a body sent without a length (then 413 while parsing)
    files: list[tuple[str, bytes]] = []
    count = 0
    for _field, storage in request.files.items(multi=True):  # every file, also several under one name
        name = _upload_name(storage.filename)
        data = storage.read()
        if not data.strip():
            raise ApiError(400, f"{name}: empty file", code="invalid_body", param="file")
        text = _gunzip(name, data) if name.lower().endswith(".gz") else data
        plain = name.lower().removesuffix(".gz")
        if plain.endswith((".jsonl", ".ndjson")):
            count += _json_lines(text, name)
        elif plain.endswith(".json"):
            try:
                document = json.loads(text.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                count += _json_lines(text, name)  # JSON Lines under a .json name, as huixun index reads it
            else:
                count += len(document) if isinstance(document, list) else 1
        else:
            count += 1
        files.append((name, data))
    if not files:
        raise ApiError(400, "the upload holds no file (send each file as a form field of type file)",
                       code="invalid_body", param="file")
    _check_count(count)
    return files


@bp.post("/api/v1/documents")
def add_documents() -> Response:
    key = _require("documents.write")
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        files = _multipart_documents()
    elif mimetype == "application/json":
        files = _json_documents(_body())
    elif mimetype in JSON_LINES_TYPES:
        files = _jsonl_documents(_body())
    else:
        raise ApiError(415, f"unsupported Content-Type {mimetype or '(none)'!r}: send application/json, "
                            "application/x-ndjson or multipart/form-data", code="unsupported_media_type")
    return _accepted(taskqueue.enqueue_add(_db(), key.name, files))


@bp.delete("/api/v1/documents/<doc_id>")
def delete_document(doc_id: str) -> Response:
    key = _require("documents.write")
    return _accepted(taskqueue.enqueue_delete(_db(), key.name, [doc_id]))


@bp.get("/api/v1/tasks/<int:task_id>")
def get_task(task_id: int) -> Response:
    _require("tasks.read")
    task = taskqueue.get_task(_db(), task_id)
    if task is None:
        raise ApiError(404, f"no task with id {task_id}", param="id")
    response = jsonify({"ok": True, "task": task_json(task)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/tasks")
def list_tasks() -> Response:
    _require("tasks.read")
    status = request.args.get("status") or None
    if status is not None and status not in taskqueue.STATUSES:
        raise ApiError(400, f"status must be one of {', '.join(taskqueue.STATUSES)}",
                       code="invalid_parameter", param="status")
    raw_limit = request.args.get("limit", str(DEFAULT_TASKS_LIMIT))
    try:
        limit = int(raw_limit)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_TASKS_LIMIT:
        raise ApiError(400, f"limit must be an integer from 1 to {MAX_TASKS_LIMIT}", code="invalid_parameter",
                       param="limit")
    tasks = taskqueue.list_tasks(_db(), status, limit)
    response = jsonify({"ok": True, "tasks": [task_json(task) for task in tasks]})
    response.headers["Cache-Control"] = "no-store"
    return response


#: Paths of the ingest routes (a browser tool calling them from another origin needs their methods in the
#: CORS preflight answer).
INGEST_PATHS = ("/api/v1/documents", "/api/v1/tasks")


def _cors_for_writes(response: Response) -> Response:
    """A preflight of an ingest route also allows its write methods (once a key exists)."""
    if (request.method == "OPTIONS" and "Access-Control-Allow-Methods" in response.headers
            and request.path.startswith(INGEST_PATHS) and apikeys.any_key(_db())):
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS, POST, DELETE"
    return response


def init_app(app: Flask) -> None:
    settings = app.config["HUIXUN"]
    app.config["HUIXUN_INGEST_DB_PATH"] = settings["ingest_db"] or os.path.join(
        settings["index_dir"], INGEST_DB_NAME
    )
    app.before_request(_hide_without_keys)
    app.after_request(_cors_for_writes)
    app.register_blueprint(bp)
