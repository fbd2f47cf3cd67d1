"""Crash safety of indexing and ``huixun check`` (the fast variant of the ``make reliability`` campaign
"kill -9 while indexing"): kill -9 at random moments of an incremental run and a ``--rebuild``, a stale
writer lock, a full disk, and an index whose parts disagree."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.integrity import check_index
from indexer.writer import index_paths
from search.schema import TermPositionsValue
from search.store import IndexStore
from search.textindex import PREFIX

from .conftest import FIXTURES
from .faults import HUIXUN, copy_index, index_state, kill_trial, random_delays, run_index

LINES = FIXTURES.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A base index of 40 demo documents and the feed of the next run: 100 documents, 2 of them changed."""
    root = tmp_path_factory.mktemp("crash")
    feed_dir = root / "feed"
    feed_dir.mkdir()
    (feed_dir / "feed.jsonl").write_text("\n".join(LINES[:40]) + "\n", encoding="utf-8")
    base = root / "base"
    index_paths([feed_dir], base, workers=1)
    docs = [json.loads(line) for line in LINES[:100]]
    for doc in docs[:2]:
        doc["title"] = (doc.get("title") or "") + "（更新）"
    (feed_dir / "feed.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8"
    )
    expected = {}
    for rebuild in (False, True):
        ref = root / f"ref-{rebuild}"
        copy_index(base, ref)
        seconds, _ = run_index([feed_dir], ref, rebuild)
        expected[str(rebuild)] = (index_state(ref), seconds)
    return {"root": root, "base": base, "feed": feed_dir, "before": index_state(base), "expected": expected}


@pytest.mark.parametrize("rebuild", [False, True], ids=["incremental", "rebuild"])
def test_kill_9_at_random_moments_keeps_the_index_and_a_rerun_converges(runs, rebuild: bool) -> None:
    after, seconds = runs["expected"][str(rebuild)]
    assert len(after) == 100 and after != runs["before"]
    seed = random.randrange(1 << 30)
    print(f"kill trial seed {seed}")  # noqa: T201  (to replay a failure)
    rng = random.Random(seed)
    for delay in random_delays(rng, 2, seconds):
        trial = kill_trial(runs["base"], runs["root"] / "work", [runs["feed"]], rebuild,
                           runs["before"], after, delay)
        assert trial.problems == [], (seed, trial)
        assert trial.state_after_kill in ("before", "after") and trial.converged


@pytest.mark.parametrize("rebuild", [False, True], ids=["incremental", "rebuild"])
def test_kill_9_just_after_the_commit_and_just_after_the_publication(runs, rebuild: bool) -> None:
    """The short windows a kill at a random time rarely hits: the commit is on disk but not yet published
    (incremental: its substring index not yet written; rebuild: ``live`` not yet switched), and the run
    has published and is exiting. Either way the live index holds the state before or after, whole."""
    after, _seconds = runs["expected"][str(rebuild)]
    committed = kill_trial(runs["base"], runs["root"] / "work", [runs["feed"]], rebuild, runs["before"],
                           after, 0.0, after_event="committed")
    assert committed.problems == [] and committed.converged, committed
    assert committed.phase == "committed"
    # The commit is what searchers see in an incremental run; a rebuild shows only once published.
    assert committed.state_after_kill == ("before" if rebuild else "after")
    published = kill_trial(runs["base"], runs["root"] / "work", [runs["feed"]], rebuild, runs["before"],
                           after, 0.0, after_event="published")
    assert published.problems == [] and published.converged, published
    assert published.phase in ("published", "finished")  # the run may end within the poll's millisecond
    assert published.state_after_kill == "after"


def test_a_lock_left_by_a_killed_indexer_is_taken_over_with_a_message(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(LINES[:3]) + "\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    # What a killed holder leaves: the lock file (its lock released by the kernel) and its info.
    dead = subprocess.Popen(["true"])
    dead.wait()
    info = {"pid": dead.pid, "host": "vm", "command": "huixun index feed", "since": "2026-12-06T01:00:00Z"}
    (index_dir / "writer.lock").write_text("")
    (index_dir / "writer.lock.info").write_text(json.dumps(info), encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(feed), "--index-dir", str(index_dir), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert (
        f"taking over the writer lock of {index_dir} left by a process that is gone: pid {dead.pid} on vm "
        "since 2026-12-06T01:00:00Z (huixun index feed)"
    ) in result.output
    assert not (index_dir / "writer.lock.info").exists()  # released cleanly this time
    result = CliRunner().invoke(main, ["index", str(feed), "--index-dir", str(index_dir), "--workers", "1"])
    assert "taking over" not in result.output


def test_check_finds_a_consistent_index_and_names_disagreeing_documents(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(LINES[:12]) + "\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    index_paths([feed], index_dir, workers=1)
    result = CliRunner().invoke(main, ["check", "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "is consistent: 12 documents; word index, substring index and stored fields agree" in result.output

    # The substring index's text of one document no longer equals its stored fields.
    live = IndexStore(index_dir).live_dir()
    blob = next(live.glob(PREFIX + "*")) / "texts.utf8"
    data = blob.read_bytes()
    first = next(char for char in data.decode("utf-8") if "\u4e00" <= char <= "\u9fff")  # in document 0
    blob.write_bytes(data.replace(first.encode(), ("鑫" if first != "鑫" else "森").encode(), 1))
    report = check_index(index_dir)
    assert not report.ok
    assert report.problems[0] == f"{json.loads(LINES[0])['id']}: the substring index's text differs from " \
        "the stored fields"

    # A document whose postings were not made from its stored text (and a commit without a substring index).
    ix = IndexStore(index_dir).open()
    writer = ix.writer()
    writer.add_document(id="forged", hash="0" * 64, title=TermPositionsValue({"学会": [0]}),
                        _stored_title="协会", body=TermPositionsValue({"会议": [0]}), _stored_body="会议")
    writer.commit()
    ix.close()
    report = check_index(index_dir)
    assert report.problems == [
        "forged: the title word index holds 1 terms for the document, its stored title gives 1 "
        "(different terms)"
    ]
    assert any("no persisted substring index" in note for note in report.notes)
    result = CliRunner().invoke(main, ["check", "--index-dir", str(index_dir)])
    assert result.exit_code == 1 and "problem: forged: the title word index" in result.output


def test_a_full_disk_gives_a_clear_error_and_keeps_the_live_index(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
        small.write_text("\n".join(LINES[:12]) + "\n", encoding="utf-8")
        large.write_text("\n".join(LINES[:250]) + "\n", encoding="utf-8")
        index_dir = mount / "index"
        index_paths([small], index_dir, workers=1)
        before = index_state(index_dir)
        for extra in ([], ["--rebuild"]):
            # The real command in its own process (Whoosh leaves files open when a write fails).
            done = subprocess.run([HUIXUN, "index", str(large), "--index-dir", str(index_dir), *extra],
                                  capture_output=True, text=True)
            assert done.returncode == 1
            message = f"Error: no space left on the device of {index_dir}: indexing stopped, the live index"
            assert message + " is intact" in done.stderr
            assert "Traceback" not in done.stderr
            assert index_state(index_dir) == before and check_index(index_dir).ok
        assert [p.name for p in index_dir.glob("gen-*")] == [IndexStore(index_dir).live_dir().name]
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)
        os.sync()
