"""The ingest API's routes, keys and limits (Flask test client; the worker is tested in test_ingest_worker).

Each test has its own ingest database (``ingest_db``) beside the shared, read-only demo index: creating a
key or a task never touches another test's state.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.readers import KNOWN_SUFFIXES
from search.apikeys import create_key, revoke_key
from webapp import create_app
from webapp.ingest_api import UPLOAD_SUFFIXES

from .conftest import SAMPLE_POST

ENVELOPE_KEYS = {"ok", "status", "error"}
UNKNOWN_ROUTE = {"ok": False, "status": 404,
                 "error": {"code": "not_found", "message": "no such page or document", "param": None}}
POST = {"id": "api-1", "title": "中国化学会第33届学术年会通知",
        "body": "中国化学会第33届学术年会将于2026年6月在天津召开。",
        "date": "2026-01-05", "source": "中国化学会"}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "ingest.sqlite3")


@pytest.fixture
def client(demo_index: Path, db: str):  # type: ignore[no-untyped-def]
    app = create_app({"index_dir": str(demo_index), "ingest_db": db, "rate_limit": 1e6, "rate_burst": 10**6,
                      "ingest_max_bytes": 64 * 1024, "ingest_max_documents": 5})
    return app.test_client()


@pytest.fixture
def keys(db: str) -> dict[str, str]:
    """A key per role: writer (both scopes), reader (tasks.read), revoked (had both)."""
    _, writer = create_key(db, "cms", ("documents.write", "tasks.read"))
    _, reader = create_key(db, "monitor", ("tasks.read",))
    _, revoked = create_key(db, "old", ("documents.write", "tasks.read"))
    revoke_key(db, "old")
    return {"writer": writer, "reader": reader, "revoked": revoked}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


ROUTES = [
    ("post", "/api/v1/documents", "documents.write"),
    ("delete", "/api/v1/documents/api-1", "documents.write"),
    ("get", "/api/v1/tasks", "tasks.read"),
    ("get", "/api/v1/tasks/1", "tasks.read"),
]


@pytest.mark.parametrize("method,path,_scope", ROUTES)
def test_without_any_key_every_ingest_route_is_an_unknown_route(client, method, path, _scope) -> None:
    response = getattr(client, method)(path, json=POST if method == "post" else None)
    assert response.status_code == 404
    assert response.get_json() == UNKNOWN_ROUTE
    assert response.get_json() == client.get("/api/v1/no-such-route").get_json()


def test_without_any_key_no_method_list_reveals_the_routes(client) -> None:
    assert client.put("/api/v1/tasks").status_code == 404
    assert client.put("/api/v1/documents").status_code == 404
    response = client.put("/api/v1/documents/api-1")  # GET of that path is public: 405 as before the API
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method,path,scope", ROUTES)
def test_keys_and_scopes_on_every_route(client, keys, method, path, scope) -> None:
    def call(headers: dict[str, str]):  # type: ignore[no-untyped-def]
        return getattr(client, method)(path, headers=headers, json=POST if method == "post" else None)

    for headers in ({}, bearer("hx_00000000_" + "A" * 43), bearer(keys["revoked"]), bearer("not-a-key"),
                    {"Authorization": "Basic " + keys["writer"]}):
        response = call(headers)
        assert response.status_code == 401, headers
        body = response.get_json()
        assert set(body) == ENVELOPE_KEYS and body["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if scope == "documents.write":
        response = call(bearer(keys["reader"]))
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "insufficient_scope"
        assert call(bearer(keys["writer"])).status_code == 202
    else:
        assert call(bearer(keys["reader"])).status_code in (200, 404)  # task 1 does not exist yet
        assert call(bearer(keys["writer"])).status_code in (200, 404)


def test_post_answers_202_with_a_task_that_is_on_disk(client, keys, db) -> None:
    response = client.post("/api/v1/documents", json=POST, headers=bearer(keys["writer"]))
    assert response.status_code == 202
    body = response.get_json()
    assert set(body) == {"ok", "task_id", "status", "enqueued_at"} and body["status"] == "enqueued"
    assert response.headers["Location"] == f"/api/v1/tasks/{body['task_id']}"
    # Durable: a fresh connection (another process would see the same) finds the task and its payload.
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT status, key_name FROM tasks WHERE id = ?", (body["task_id"],)).fetchone()
        name, data = conn.execute("SELECT name, data FROM task_files WHERE task_id = ?",
                                  (body["task_id"],)).fetchone()
    assert row == ("enqueued", "cms")
    assert name == f"task-{body['task_id']}.json" and json.loads(data) == POST
    task = client.get(f"/api/v1/tasks/{body['task_id']}", headers=bearer(keys["reader"])).get_json()["task"]
    assert task == {"task_id": body["task_id"], "type": "documents.add", "status": "enqueued", "key": "cms",
                    "enqueued_at": body["enqueued_at"], "started_at": None, "finished_at": None,
                    "document_ids": None, "counts": None, "failures": []}


def test_delete_answers_202_with_a_deletion_task(client, keys) -> None:
    response = client.delete("/api/v1/documents/cast-120382", headers=bearer(keys["writer"]))
    assert response.status_code == 202
    task = client.get(response.headers["Location"], headers=bearer(keys["reader"])).get_json()["task"]
    assert task["type"] == "documents.delete" and task["document_ids"] == ["cast-120382"]


def test_json_lines_array_and_multipart_bodies_are_accepted(client, keys) -> None:
    auth = bearer(keys["writer"])
    lines = "\n".join(json.dumps({**POST, "id": f"l{i}"}, ensure_ascii=False) for i in range(3)) + "\n"
    assert client.post("/api/v1/documents", data=lines.encode(), content_type="application/x-ndjson",
                       headers=auth).status_code == 202
    both = [POST, {**POST, "id": "api-2"}]
    assert client.post("/api/v1/documents", json=both, headers=auth).status_code == 202
    upload = {
        "file": [
            (io.BytesIO(SAMPLE_POST.read_bytes()), SAMPLE_POST.name),
            (io.BytesIO(gzip.compress(lines.encode())), "batch.jsonl.gz"),
            (io.BytesIO("<html><title>t</title><body><p>中国科协通知</p></body></html>".encode()), "p.html"),
        ]
    }
    response = client.post("/api/v1/documents", data=upload, headers=auth, content_type="multipart/form-data")
    assert response.status_code == 202, response.get_json()


@pytest.mark.parametrize(
    "data,content_type,message",
    [
        (b"{not json", "application/json", "the body is not valid JSON"),
        (b"[]", "application/json", "no document"),
        (b"[1, 2]", "application/json", "document 1: a document must be a JSON object, not int"),
        (b'"text"', "application/json", "document 1: a document must be a JSON object, not str"),
        ('{"body": "好"}\n{"body": 好}\n'.encode(), "application/x-ndjson", "body line 2: not valid JSON"),
        (b"\xff\xfe", "application/x-ndjson", "body line 1: not valid JSON (UTF-8)"),
        (b"\n\n", "application/x-ndjson", "no document"),
    ],
)
def test_malformed_bodies_are_400_and_queue_nothing(client, keys, db, data, content_type, message) -> None:
    response = client.post("/api/v1/documents", data=data, content_type=content_type,
                           headers=bearer(keys["writer"]))
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]["code"] == "invalid_body" and message in body["error"]["message"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM tasks").fetchone() == (0,)


def test_malformed_uploads_are_400(client, keys) -> None:
    auth = bearer(keys["writer"])
    for name, data, message in [
        ("notes.docx", b"PK..", "not a format huixun reads"),
        ("batch.jsonl.gz", b"not gzip at all", "not a valid gzip file"),
        ("batch.jsonl", b'{"body": "x"}\n{oops\n', "batch.jsonl line 2: not valid JSON"),
        ("empty.txt", b"  \n", "empty file"),
        (".hidden.txt", b"text", "plain file name"),
    ]:
        response = client.post("/api/v1/documents", data={"file": (io.BytesIO(data), name)}, headers=auth,
                               content_type="multipart/form-data")
        assert response.status_code == 400, name
        assert message in response.get_json()["error"]["message"], name
    response = client.post("/api/v1/documents", data={"note": "no file"}, headers=auth,
                           content_type="multipart/form-data")
    assert response.status_code == 400 and response.get_json()["error"]["param"] == "file"


def test_unsupported_content_type_is_415(client, keys) -> None:
    response = client.post("/api/v1/documents", data="body=x", content_type="text/plain",
                           headers=bearer(keys["writer"]))
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_oversized_bodies_are_413(client, keys, db) -> None:
    auth = bearer(keys["writer"])
    big = {**POST, "body": "学会" * 40_000}  # 240 kB of UTF-8 > the 64 kB limit of this app
    response = client.post("/api/v1/documents", json=big, headers=auth)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert "65536" in response.get_json()["error"]["message"]
    too_many = [{**POST, "id": f"n{i}"} for i in range(6)]  # limit: 5 documents
    response = client.post("/api/v1/documents", json=too_many, headers=auth)
    assert response.status_code == 413 and "6 documents" in response.get_json()["error"]["message"]
    upload = {"file": (io.BytesIO(b"x" * 70_000), "big.txt")}
    response = client.post("/api/v1/documents", data=upload, headers=auth, content_type="multipart/form-data")
    assert response.status_code == 413
    bomb = gzip.compress(b"\n" * (64 * 1024 * 21))  # inflates beyond 20 x the limit
    response = client.post("/api/v1/documents", data={"file": (io.BytesIO(bomb), "b.jsonl.gz")}, headers=auth,
                           content_type="multipart/form-data")
    assert response.status_code == 413
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM tasks").fetchone() == (0,)


def test_task_list_filters_and_validates(client, keys) -> None:
    auth = bearer(keys["writer"])
    ids = [client.post("/api/v1/documents", json={**POST, "id": f"t{i}"}, headers=auth).get_json()["task_id"]
           for i in range(3)]
    listed = client.get("/api/v1/tasks?status=enqueued&limit=2", headers=auth).get_json()["tasks"]
    assert [task["task_id"] for task in listed] == ids[::-1][:2]
    assert client.get("/api/v1/tasks?status=succeeded", headers=auth).get_json()["tasks"] == []
    for query, param in (("status=done", "status"), ("limit=0", "limit"), ("limit=x", "limit"),
                         ("limit=101", "limit")):
        response = client.get(f"/api/v1/tasks?{query}", headers=auth)
        assert response.status_code == 400 and response.get_json()["error"]["param"] == param
    response = client.get("/api/v1/tasks/999999", headers=auth)
    assert response.status_code == 404 and response.get_json()["error"]["message"] == "no task with id 999999"


def test_upload_formats_are_the_ones_huixun_index_reads() -> None:
    assert UPLOAD_SUFFIXES == KNOWN_SUFFIXES


def test_keys_cli_prints_a_key_once_stores_only_its_hash_and_revokes(tmp_path: Path) -> None:
    index_dir = str(tmp_path / "ix")
    runner = CliRunner()
    created = runner.invoke(main, ["keys", "create", "--name", "cms", "--scopes", "documents.write",
                                   "--index-dir", index_dir])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("hx_") and len(key) == len("hx_12345678_") + 43
    listed = runner.invoke(main, ["keys", "list", "--index-dir", index_dir])
    assert listed.exit_code == 0 and "cms" in listed.output and "documents.write" in listed.output
    secret = key.split("_", 2)[2]
    assert secret not in listed.output
    raw = (tmp_path / "ix" / "ingest.sqlite3").read_bytes() + b"".join(
        p.read_bytes() for p in (tmp_path / "ix").glob("ingest.sqlite3-*"))
    assert secret.encode() not in raw and key.encode() not in raw
    with sqlite3.connect(tmp_path / "ix" / "ingest.sqlite3") as conn:
        assert conn.execute("SELECT kdf FROM api_keys").fetchone() == ("scrypt:n=16384,r=8,p=1",)
    duplicate = runner.invoke(main, ["keys", "create", "--name", "cms", "--index-dir", index_dir])
    assert duplicate.exit_code == 1 and "exists already" in duplicate.output
    bad = runner.invoke(main, ["keys", "create", "--name", "x", "--scopes", "admin",
                               "--index-dir", index_dir])
    assert bad.exit_code == 1 and "unknown scope 'admin'" in bad.output
    revoked = runner.invoke(main, ["keys", "revoke", "cms", "--index-dir", index_dir])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert "revoked" in runner.invoke(main, ["keys", "list", "--index-dir", index_dir]).output
    unknown = runner.invoke(main, ["keys", "revoke", "nobody", "--index-dir", index_dir])
    assert unknown.exit_code == 1 and "no key named 'nobody'" in unknown.output


def test_a_browser_tool_may_call_the_write_routes_once_a_key_exists(client, db) -> None:
    preflight = {"Origin": "https://cms.example.org", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"}
    before = client.options("/api/v1/documents", headers=preflight)
    assert before.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"  # as for any /api/ path
    create_key(db, "cms", ("documents.write",))
    after = client.options("/api/v1/documents", headers=preflight)
    assert after.status_code == 204
    assert after.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, POST, DELETE"
    assert after.headers["Access-Control-Allow-Headers"] == "authorization, content-type"
    search = client.options("/api/v1/search", headers=preflight)
    assert search.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_ingest_responses_validate_against_the_openapi_document(client, keys) -> None:
    from .test_api_openapi import validator_for

    spec = client.get("/api/v1/openapi.json").get_json()
    auth = bearer(keys["writer"])
    accepted = client.post("/api/v1/documents", json=POST, headers=auth)
    validator_for(spec, "TaskAccepted").validate(accepted.get_json())
    deleted = client.delete("/api/v1/documents/api-1", headers=auth)
    validator_for(spec, "TaskAccepted").validate(deleted.get_json())
    task = client.get(accepted.headers["Location"], headers=auth).get_json()
    validator_for(spec, "TaskResponse").validate(task)
    validator_for(spec, "TaskList").validate(client.get("/api/v1/tasks", headers=auth).get_json())
    for response in (client.post("/api/v1/documents", json=POST),
                     client.post("/api/v1/documents", json=POST, headers=bearer(keys["reader"])),
                     client.post("/api/v1/documents", data=b"x", content_type="application/json",
                                 headers=auth),
                     client.post("/api/v1/documents", data=b"x", content_type="text/csv", headers=auth),
                     client.post("/api/v1/documents", json=[POST] * 6, headers=auth)):
        validator_for(spec, "Error").validate(response.get_json())
    operations = {(path, method): op for path, item in spec["paths"].items() for method, op in item.items()}
    assert operations[("/api/v1/documents", "post")]["security"] == [{"apiKey": ["documents.write"]}]
    assert operations[("/api/v1/documents/{id}", "delete")]["security"] == [{"apiKey": ["documents.write"]}]
    assert operations[("/api/v1/tasks", "get")]["security"] == [{"apiKey": ["tasks.read"]}]
    assert operations[("/api/v1/tasks/{id}", "get")]["security"] == [{"apiKey": ["tasks.read"]}]
    scheme = spec["components"]["securitySchemes"]["apiKey"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
