"""Indexing runs on copies of the demo data: incremental skip/update/add/prune, broken input, atomic
rebuild under an open searcher, a failed and a killed rebuild, the writer lock, the CLI."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from indexer import writer
from indexer.cli import main
from indexer.textindex_build import SEGMENT_TEXTS
from indexer.writer import index_paths
from search.models import MAX_PER_PAGE, SearchRequest
from search.schema import SCHEMA_VERSION
from search.service import SearchSource, run_search
from search.store import LIVE, IndexLocked, IndexStore, SchemaVersionMismatch
from search.textindex import PREFIX, TextIndex

from .conftest import FIXTURES, REPO, SAMPLE_POST

SAMPLE_ID = "000_99532756a9d00d77"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A small real corpus: the first 12 demo lines and the sample post, in a folder of its own."""
    root = tmp_path / "data"
    (root / "posts").mkdir(parents=True)
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()[:12]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(SAMPLE_POST, root / "posts" / SAMPLE_POST.name)
    return root


def feed_docs(corpus: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in (corpus / "feed.jsonl").read_text(encoding="utf-8").splitlines()]


def write_feed(corpus: Path, docs: list[dict[str, str]]) -> None:
    text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    (corpus / "feed.jsonl").write_text(text, encoding="utf-8")


def found(source: SearchSource, text: str) -> set[str]:
    """The strict results of the quoted phrase ``text`` through the real query path."""
    response = run_search(source, SearchRequest.create(f'"{text}"', per_page=MAX_PER_PAGE))
    assert response.total <= MAX_PER_PAGE
    return set() if response.relaxed else {hit.id for hit in response.hits}


def persisted_matches_live(index_dir: Path) -> bool:
    """The live generation has exactly one persisted substring index, it matches its docnums and
    equals the index built from the stored fields, and no worker's segment texts are left over."""
    live = IndexStore(index_dir).live_dir()
    with IndexStore(index_dir).open().searcher() as s:
        reader = s.reader()
        names = [p.name for p in live.glob(PREFIX + "*")]
        loaded, built = TextIndex.load(reader), TextIndex.from_reader(reader)
        return (
            names == [f"{PREFIX}{reader.generation()}"]
            and not list(live.glob("*" + SEGMENT_TEXTS))
            and loaded is not None
            and list(loaded.texts) == list(built.texts)
            and all(np.array_equal(getattr(loaded, a), getattr(built, a)) for a in ("keys", "starts", "docs"))
        )


def all_ids(index_dir: Path) -> set[str]:
    with IndexStore(index_dir).open().searcher() as s:
        return {doc["id"] for doc in s.documents()}


def test_incremental_runs_skip_update_add_and_prune(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = index_paths([corpus], index_dir, workers=2)
    assert (first.added, first.updated, first.unchanged, first.failed) == (13, 0, 0, 0)
    assert first.rebuilt and first.documents == 13

    again = index_paths([corpus], index_dir, workers=1)
    assert (again.added, again.updated, again.unchanged, again.deleted) == (0, 0, 13, 0)
    assert persisted_matches_live(index_dir)

    docs = feed_docs(corpus)
    changed_id = docs[3]["id"]
    docs[3]["body"] += "本次会议由中国自动化学会承办。"
    new = dict(docs[0], id="demo-new-1", title="新增的公告",
               body="北京物联网智能技术应用协会召开年度会员大会。")
    write_feed(corpus, [*docs, new])
    update = index_paths([corpus], index_dir, workers=1)
    assert (update.added, update.updated, update.unchanged) == (1, 1, 12)
    assert update.documents == 14
    assert persisted_matches_live(index_dir)  # the kept segments' texts came from the previous index
    assert changed_id in found(index_dir, "中国自动化学会承办")
    assert "demo-new-1" in found(index_dir, "物联网智能技术应用协会召开年度会员大会")
    assert persisted_matches_live(index_dir)

    # Without --prune nothing disappears; with it, a removed line and a removed file do.
    removed_id = docs[5]["id"]
    write_feed(corpus, [d for d in [*docs, new] if d["id"] != removed_id])
    (corpus / "posts" / SAMPLE_POST.name).unlink()
    assert index_paths([corpus], index_dir, workers=1).deleted == 0
    assert {removed_id, SAMPLE_ID} <= all_ids(index_dir)
    pruned = index_paths([corpus], index_dir, workers=1, prune=True)
    assert pruned.deleted == 2 and pruned.documents == 12
    assert removed_id not in all_ids(index_dir) and SAMPLE_ID not in all_ids(index_dir)
    assert persisted_matches_live(index_dir)
    assert SAMPLE_ID not in found(index_dir, "中國自動化學會")  # deleted: gone from substring matches
    assert IndexStore(index_dir).meta().documents == 12


def test_a_broken_document_is_reported_and_skipped(corpus: Path, tmp_path: Path) -> None:
    lines = (corpus / "feed.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(2, '{"id": "broken", "body": ')
    lines.insert(4, '{"id": "empty", "title": "空", "body": "   "}')
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = index_paths([corpus], tmp_path / "index", workers=2)
    assert report.added == 13 and not report.ok
    where = sorted((Path(e.origin).name, e.line) for e in report.errors)
    assert where == [("feed.jsonl", 3), ("feed.jsonl", 5)]
    assert any("no text" in e.reason for e in report.errors)


def test_duplicate_ids_keep_the_first_document(corpus: Path, tmp_path: Path) -> None:
    docs = feed_docs(corpus)
    write_feed(corpus, [*docs, dict(docs[0], body="重复的编号，另一篇正文。")])
    report = index_paths([corpus], tmp_path / "index", workers=2)
    assert report.added == 13 and report.documents == 13
    assert [e.reason for e in report.errors] == [f"duplicate id {docs[0]['id']!r} (first in "
                                                  f"{corpus / 'feed.jsonl'})"]
    assert docs[0]["id"] not in found(tmp_path / "index", "重复的编号")


def test_atomic_rebuild_while_a_searcher_is_open(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir, workers=1)
    store = IndexStore(index_dir)
    old_live = store.live_dir()
    with store.open().searcher() as old:
        docs = feed_docs(corpus)
        write_feed(corpus, [*docs, dict(docs[0], id="demo-rebuilt", body="重建之后才有的公告正文。")])
        report = index_paths([corpus], index_dir, rebuild=True, workers=1)
        assert report.rebuilt and report.documents == 14
        # The old searcher still reads its generation, complete.
        assert old.doc_count() == 13
        assert SAMPLE_ID in found(old, "中國自動化學會")
        assert not found(old, "重建之后才有")
    assert store.live_dir() != old_live and old_live.exists()  # kept for searchers like `old`
    assert found(index_dir, "重建之后才有") == {"demo-rebuilt"}
    assert (index_dir / LIVE).is_symlink()


def test_a_failed_rebuild_leaves_the_live_index(corpus: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir, workers=1)
    live = IndexStore(index_dir).live_dir()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(writer.IndexStore, "switch_live", crash)  # fails after the commit, before the switch
    with pytest.raises(OSError, match="disk full"):
        index_paths([corpus], index_dir, rebuild=True, workers=1)
    assert IndexStore(index_dir).live_dir() == live
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [live.name]
    assert SAMPLE_ID in found(index_dir, "中國自動化學會")


_KILL_DURING_REBUILD = """
import os, signal, sys
from indexer import segments, writer
def die(self):
    os.kill(os.getpid(), signal.SIGKILL)  # a crash in the middle of writing the new generation
segments.SegmentBuilder.finish = die
writer.index_paths([sys.argv[1]], sys.argv[2], rebuild=True, workers=1)
"""


def test_a_killed_rebuild_leaves_the_live_index(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir, workers=1)
    live = IndexStore(index_dir).live_dir()
    done = subprocess.run([sys.executable, "-c", _KILL_DURING_REBUILD, str(corpus), str(index_dir)],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    assert len(list(index_dir.glob("gen-*"))) == 2  # the partial generation is still there ...
    assert IndexStore(index_dir).live_dir() == live  # ... but live never moved
    assert SAMPLE_ID in found(index_dir, "中國自動化學會")
    report = index_paths([corpus], index_dir, workers=1)  # the next run cleans up
    assert report.unchanged == 13
    assert [p.name for p in index_dir.glob("gen-*")] == [live.name]


def _hold_lock(index_dir: str, ready: multiprocessing.synchronize.Event,
               release: multiprocessing.synchronize.Event) -> None:
    with IndexStore(index_dir).writer_lock():
        ready.set()
        release.wait(60)


def test_a_second_indexer_gets_a_message_naming_the_lock_holder(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(index_dir), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        with pytest.raises(IndexLocked, match=f"pid {holder.pid} on "):
            index_paths([corpus], index_dir, workers=1)
        result = CliRunner().invoke(main, ["index", str(corpus), "--index-dir", str(index_dir)])
        assert result.exit_code == 1
        assert f"another indexer is running on {index_dir}: pid {holder.pid}" in result.output
        assert "Traceback" not in result.output
    finally:
        release.set()
        holder.join(60)
    assert index_paths([corpus], index_dir, workers=1).added == 13  # free again once released


def test_opening_an_index_of_another_schema_version_says_to_rebuild(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([corpus / "posts"], index_dir, workers=1)
    meta_path = IndexStore(index_dir).live_dir() / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["schema_version"] = 0
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(SchemaVersionMismatch, match=r"schema version 0.*--rebuild"):
        IndexStore(index_dir).open()
    with pytest.raises(SchemaVersionMismatch):
        index_paths([corpus], index_dir, workers=1)  # an incremental run refuses too
    assert index_paths([corpus], index_dir, rebuild=True, workers=1).documents == 13


def test_cli_index_and_stats(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "from-env"
    monkeypatch.setenv("HUIXUN_INDEX_DIR", str(index_dir))
    runner = CliRunner()
    result = runner.invoke(main, ["index", str(corpus), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "added 13, updated 0, unchanged 0, deleted 0, failed 0; 13 documents" in result.output
    assert "13/13 documents" in result.output  # the progress log (not a terminal)

    with open(corpus / "feed.jsonl", "a", encoding="utf-8") as fh:
        fh.write("not json\n")
    result = runner.invoke(main, ["index", str(corpus), "--workers", "1"])
    assert result.exit_code == 1
    assert "unchanged 13, deleted 0, failed 1" in result.output
    assert f"failed: {corpus / 'feed.jsonl'}:13: " in result.output

    result = runner.invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    assert "documents:      13" in result.output
    assert f"schema version: {SCHEMA_VERSION} (this huixun: {SCHEMA_VERSION})" in result.output
    assert "中国科协" in result.output  # a source of the first demo lines
    assert os.fspath(index_dir) in result.output
