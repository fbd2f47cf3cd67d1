"""``huixun worker`` as a real process: order, batching, kill -9 (nothing lost, nothing applied twice), the
lock it shares with ``huixun index``. Tasks are sent through the real ingest routes (Flask test client)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq

from search.apikeys import create_key
from search.store import IndexStore
from search.taskqueue import get_task, list_tasks
from webapp import create_app

from .conftest import REPO

HUIXUN = str(Path(sys.executable).parent / "huixun")
DEADLINE_S = 120.0
DEMO_DOCUMENTS = 401


@pytest.fixture
def index_dir(demo_index: Path, tmp_path: Path) -> Path:
    """A private copy of the demo index (the worker writes into it)."""
    target = tmp_path / "index"
    shutil.copytree(demo_index, target, symlinks=True)
    return target


@pytest.fixture
def api(index_dir: Path):  # type: ignore[no-untyped-def]
    """A test client of the web app over ``index_dir`` and a writer key for it."""
    db = str(index_dir / "ingest.sqlite3")
    _, key = create_key(db, "cms", ("documents.write", "tasks.read"))
    app = create_app({"index_dir": str(index_dir), "rate_limit": 1e6, "rate_burst": 10**6})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    client.db = db  # type: ignore[attr-defined]
    return client


def post(client, documents: object) -> int:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/documents", json=documents)
    assert response.status_code == 202, response.get_json()
    return int(response.get_json()["task_id"])


def worker_env(**extra: str) -> dict[str, str]:
    return dict(os.environ, HUIXUN_WORKER_POLL="0.05", **extra)


def start_worker(index_dir: Path, *args: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen([HUIXUN, "worker", "--index-dir", str(index_dir), *args], cwd=REPO,
                                env=worker_env(**env), stdout=out, stderr=out)


def wait_for(predicate, what: str, proc: subprocess.Popen[bytes] | None = None):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None and not predicate():
            raise AssertionError(f"the worker exited with {proc.returncode} before {what}")
        time.sleep(0.02)  # polling interval, not a timing assumption
    raise AssertionError(f"not within {DEADLINE_S} s: {what}")


def doc_ids(index_dir: Path) -> list[str]:
    """Every live document id (with repeats, if a document had been written twice)."""
    ix = IndexStore(index_dir).open()
    try:
        with ix.searcher() as searcher:
            return [fields["id"] for fields in searcher.all_stored_fields()]
    finally:
        ix.close()


def copies(index_dir: Path, doc_id: str) -> int:
    ix = IndexStore(index_dir).open()
    try:
        with ix.searcher() as searcher:
            return len(list(searcher.search(wq.Term("id", doc_id), limit=None)))
    finally:
        ix.close()


def announcement(n: int) -> dict[str, str]:
    return {"id": f"w-{n}", "title": f"中国化学会第{n}次理事会通知",
            "body": f"中国化学会第{n}次理事会将于2026年召开，编号{n}。",
            "date": "2026-11-01", "source": "中国化学会"}


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "worker.log"
    yield path
    if path.exists():
        print(path.read_text(encoding="utf-8", errors="replace")[-4000:])  # shown when a test fails


def test_worker_applies_tasks_in_order_in_batches(index_dir: Path, api: Any, logs: Path) -> None:
    first = post(api, [announcement(1), announcement(2)])
    # touches w-1 again:
    update = post(api, {**announcement(1), "body": "中国化学会第1次理事会改期至2027年。"})
    same = post(api, announcement(2))  # unchanged
    delete = api.delete("/api/v1/documents/w-2").get_json()["task_id"]
    missing = api.delete("/api/v1/documents/no-such-id").get_json()["task_id"]
    bad = post(api, [{"id": "w-bad", "title": "只有标题"}, {"body": "无编号的中国化学会通知。"}])
    proc = start_worker(index_dir, "--once", log=logs)
    assert proc.wait(timeout=DEADLINE_S) == 0
    tasks = {t: get_task(api.db, t) for t in (first, update, same, delete, missing, bad)}
    counts = {t: task.result.counts for t, task in tasks.items() if task and task.result}
    assert counts[first] == {"added": 2, "updated": 0, "unchanged": 0, "deleted": 0, "failed": 0}
    assert counts[update] == {"added": 0, "updated": 1, "unchanged": 0, "deleted": 0, "failed": 0}
    assert counts[same] == {"added": 0, "updated": 0, "unchanged": 1, "deleted": 0, "failed": 0}
    assert counts[delete] == {"added": 0, "updated": 0, "unchanged": 0, "deleted": 1, "failed": 0}
    assert counts[missing] == {"added": 0, "updated": 0, "unchanged": 0, "deleted": 0, "failed": 1}
    assert counts[bad] == {"added": 1, "updated": 0, "unchanged": 0, "deleted": 0, "failed": 1}
    assert tasks[missing].status == "failed" and tasks[bad].status == "succeeded"
    assert tasks[missing].result.failures == [
        {"document": "no-such-id", "reason": "no document with this id"}
    ]
    assert tasks[bad].result.failures == [
        {"document": f"task-{bad}.json:1", "reason": "record has no text (no non-empty 'body' or 'html')"}
    ]
    task = api.get(f"/api/v1/tasks/{first}").get_json()["task"]
    assert task["status"] == "succeeded" and task["key"] == "cms"
    assert task["enqueued_at"] <= task["started_at"] <= task["finished_at"]
    ids = doc_ids(index_dir)
    assert len(ids) == DEMO_DOCUMENTS + 2 and "w-1" in ids and "w-2" not in ids
    assert f"task-{bad}-2" in ids  # a document without an id gets one from its task
    # Batching: tasks that touch different ids share a commit; w-1 and w-2 again start new ones.
    started = {t: tasks[t].started_at for t in tasks}
    assert started[update] == started[same] != started[first]
    assert started[delete] != started[same]  # w-2 again
    assert started[missing] == started[delete] == started[bad]


def test_kill_9_loses_nothing_and_applies_nothing_twice(index_dir: Path, api: Any, logs: Path) -> None:
    tasks = [post(api, announcement(n)) for n in range(40)]
    # One task per commit, so the worker is killed between commits or inside one.
    proc = start_worker(index_dir, log=logs, HUIXUN_WORKER_BATCH="1")
    wait_for(lambda: get_task(api.db, tasks[3]).status == "succeeded", "the 4th task succeeded", proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    done = [t for t in tasks if get_task(api.db, t).status == "succeeded"]
    assert len(done) < len(tasks), "the worker finished everything before it was killed"
    proc = start_worker(index_dir, "--once", log=logs)
    assert proc.wait(timeout=DEADLINE_S) == 0
    results = [get_task(api.db, t) for t in tasks]
    assert [task.status for task in results] == ["succeeded"] * len(tasks)
    assert all(task.result.counts["added"] == 1 and task.result.counts["unchanged"] == 0 for task in results)
    ids = doc_ids(index_dir)
    assert len(ids) == DEMO_DOCUMENTS + len(tasks) == len(set(ids))
    assert all(copies(index_dir, f"w-{n}") == 1 for n in range(40))


def test_a_worker_killed_after_its_commit_reports_the_tasks_once(
    index_dir: Path, api: Any, logs: Path
) -> None:
    """The worst moment: the index commit is done, the tasks are not marked done yet. A worker (in this
    process) claims and applies a batch and is stopped right there; a real worker process then resumes."""
    from indexer.worker import IngestWorker

    tasks = [post(api, announcement(n)) for n in range(3)] + [
        api.delete("/api/v1/documents/cast-120382").get_json()["task_id"]
    ]
    crashed = IngestWorker(str(index_dir), api.db)
    batch = crashed._next_batch()
    crashed._apply(batch)  # committed to the index; finish() never runs
    crashed.close()
    assert [get_task(api.db, t).status for t in tasks] == ["processing"] * 4
    assert copies(index_dir, "w-0") == 1 and copies(index_dir, "cast-120382") == 0
    proc = start_worker(index_dir, "--once", log=logs)
    assert proc.wait(timeout=DEADLINE_S) == 0
    results = [get_task(api.db, t) for t in tasks]
    assert [r.status for r in results] == ["succeeded"] * 4
    assert [r.result.counts["added"] for r in results[:3]] == [1, 1, 1]  # the first application's outcome
    assert results[3].result.counts == {"added": 0, "updated": 0, "unchanged": 0, "deleted": 1, "failed": 0}
    ids = doc_ids(index_dir)
    assert len(ids) == DEMO_DOCUMENTS + 3 - 1 == len(set(ids))


def test_the_worker_waits_for_the_lock_huixun_index_holds(index_dir: Path, api: Any, logs: Path) -> None:
    task = post(api, announcement(7))
    with IndexStore(index_dir).writer_lock():  # what a running `huixun index` holds
        proc = start_worker(index_dir, "--once", log=logs)
        waiting = "waiting for the index lock"
        wait_for(lambda: waiting in logs.read_text(encoding="utf-8"), "a lock wait", proc)
        assert get_task(api.db, task).status == "processing"
        assert proc.poll() is None
    assert proc.wait(timeout=DEADLINE_S) == 0
    assert get_task(api.db, task).status == "succeeded"
    assert copies(index_dir, "w-7") == 1


def test_huixun_index_refuses_to_run_while_the_worker_writes(index_dir: Path, tmp_path: Path) -> None:
    """The other direction of the shared lock, with the lock held as the worker holds it (index_paths)."""
    post_file = tmp_path / "p.jsonl"
    post_file.write_text(json.dumps(announcement(9), ensure_ascii=False) + "\n", encoding="utf-8")
    with IndexStore(index_dir).writer_lock():
        out = subprocess.run([HUIXUN, "index", str(post_file), "--index-dir", str(index_dir)], cwd=REPO,
                             capture_output=True, text=True, timeout=DEADLINE_S)
    assert out.returncode == 1 and "another indexer is running" in out.stderr


def test_uploaded_files_are_read_as_huixun_index_reads_them(index_dir: Path, api: Any, logs: Path) -> None:
    import io

    from .conftest import SAMPLE_POST

    line = json.dumps(announcement(5), ensure_ascii=False).encode() + b"\n"
    upload = {"file": [(io.BytesIO(SAMPLE_POST.read_bytes()), "my-post.txt"), (io.BytesIO(line), "b.jsonl")]}
    response = api.post("/api/v1/documents", data=upload, content_type="multipart/form-data")
    task = response.get_json()["task_id"]
    proc = start_worker(index_dir, "--once", log=logs)
    assert proc.wait(timeout=DEADLINE_S) == 0
    result = get_task(api.db, task)
    assert result.status == "succeeded"
    assert result.result.counts == {"added": 2, "updated": 0, "unchanged": 0, "deleted": 0, "failed": 0}
    assert copies(index_dir, "my-post") == 1 and copies(index_dir, "w-5") == 1  # a post's id: its file name
    assert not (index_dir / "ingest-spool" / str(task)).exists()
    assert [t.id for t in list_tasks(api.db, "succeeded")] == [task]


def test_the_web_app_sees_deletions_and_updates_of_each_commit(
    index_dir: Path, api: Any, tmp_path: Path
) -> None:
    """Regression: Whoosh's searcher.refresh() kept the reader of a segment whose deletions changed, so a
    deleted (or replaced) document stayed findable in the web app until a new segment list came along."""
    from indexer.writer import index_paths

    def total(q: str) -> int:
        return int(api.get("/api/v1/search", query_string={"q": q}).get_json()["total"])

    post_file = tmp_path / "p.jsonl"
    post_file.write_text(json.dumps(announcement(1), ensure_ascii=False) + "\n", encoding="utf-8")
    index_paths([post_file], index_dir, workers=1)
    assert total('"第1次理事会"') == 1
    changed = {**announcement(1), "body": "中国化学会常务理事会改期。", "title": "中国化学会常务理事会改期"}
    post_file.write_text(json.dumps(changed, ensure_ascii=False) + "\n", encoding="utf-8")
    assert index_paths([post_file], index_dir, workers=1).updated == 1
    assert total('"第1次理事会"') == 0 and total('"常务理事会改期"') == 1
    assert index_paths([], index_dir, workers=1, delete_ids=["w-1", "cast-120382"]).deleted == 2
    assert total('"常务理事会改期"') == 0
    assert api.get("/api/v1/documents/cast-120382").status_code == 404


def test_the_substring_index_of_small_commits_equals_a_full_build(index_dir: Path, tmp_path: Path) -> None:
    """Each small commit (what the worker makes) extends the previous persisted substring index instead
    of rebuilding it; the result must equal the index built from the stored fields, deletions included."""
    import numpy as np

    from indexer.writer import index_paths
    from search.textindex import PREFIX, TextIndex

    def check() -> None:
        ix = IndexStore(index_dir).open()
        with ix.searcher() as searcher:
            reader = searcher.reader()
            loaded, built = TextIndex.load(reader), TextIndex.from_reader(reader)
            assert loaded is not None
            assert [p.name for p in IndexStore(index_dir).live_dir().glob(PREFIX + "*")] == [
                f"{PREFIX}{reader.generation()}"
            ]
            assert list(loaded.texts) == list(built.texts)
            for name in ("keys", "starts", "docs"):
                assert np.array_equal(getattr(loaded, name), getattr(built, name)), name
            assert np.array_equal(loaded.docs_with("理事会"), built.docs_with("理事会"))
        ix.close()

    post_file = tmp_path / "p.jsonl"
    for n in range(4):  # additions, each its own commit and segment
        post_file.write_text(json.dumps(announcement(n), ensure_ascii=False) + "\n", encoding="utf-8")
        index_paths([post_file], index_dir, workers=1)
        check()
    changed = {**announcement(1), "body": "中国化学会常务理事会改期。"}  # deletes in an appended segment
    post_file.write_text(json.dumps(changed, ensure_ascii=False) + "\n", encoding="utf-8")
    index_paths([post_file], index_dir, workers=1)
    check()
    index_paths([], index_dir, workers=1, delete_ids=["cast-120382", "w-2"])  # deletes in the big segment
    check()


def test_a_commit_is_served_once_its_substring_index_is_written(index_dir: Path, api: Any) -> None:
    """Between a commit and its substring index (written right after it), requests keep the previous
    commit: a searcher opened in between would build the substring index from every stored text (tens
    of seconds on a large index, in every web worker)."""
    from indexer.textindex_build import write_for_index
    from search.textindex import PREFIX

    def total() -> int:
        return int(api.get("/api/v1/search", query_string={"q": '"第3次理事会"'}).get_json()["total"])

    assert total() == 0
    ix = IndexStore(index_dir).open()
    writer = ix.writer()
    text = "中国化学会第3次理事会通知"
    writer.add_document(id="w-3", title=text, body=text, hash="x")
    writer.commit()  # a commit as the indexer makes it, its substring index not written yet
    generation = ix.latest_generation()
    assert not (IndexStore(index_dir).live_dir() / f"{PREFIX}{generation}").exists()
    assert total() == 0  # the previous commit is still served
    write_for_index(ix)
    assert total() == 1
    ix.close()


def test_small_commits_that_whoosh_merges_are_served_without_duplicates(index_dir: Path, api: Any) -> None:
    """Regression: Whoosh's searcher.refresh() added the segments a commit had merged away back into the
    refreshed reader, so after a merge of small segments every document in them was found twice (and the
    generation's persisted substring index no longer matched: each web worker rebuilt it in memory)."""
    from indexer.writer import index_paths
    from search.snapshot import snapshot_for

    post_file = index_dir.parent / "p.jsonl"
    segments_seen = set()
    for n in range(8):  # enough one-document commits for Whoosh's MERGE_SMALL to merge them
        post_file.write_text(json.dumps(announcement(n), ensure_ascii=False) + "\n", encoding="utf-8")
        index_paths([post_file], index_dir, workers=1, small=True)
        query = {"q": '"理事会将于2026年召开"', "per_page": 50}
        body = api.get("/api/v1/search", query_string=query).get_json()
        assert sorted(hit["id"] for hit in body["hits"]) == sorted(f"w-{i}" for i in range(n + 1)), n
        segments_seen.add(len(IndexStore(index_dir).open()._segments()))
    assert min(segments_seen) < max(segments_seen)  # a merge did happen
    ix = IndexStore(index_dir).open()
    with ix.searcher() as searcher:
        assert snapshot_for(searcher.reader()).text.mapped  # the persisted substring index matches
    ix.close()
