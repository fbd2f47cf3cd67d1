"""R10: a domain dictionary staff can edit without a restart.

The lexicon file (``HUIXUN_LEXICON``) is edited, the index rebuilt, and a running process picks the new
words up: :func:`search.analysis.reload_lexicon` directly, or the web app when it opens a generation
whose ``meta.json`` records another lexicon fingerprint than the one it holds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from search.analysis import active_lexicon_fingerprint, reload_lexicon, segment
from search.lexicon import DEFAULT_LEXICON_PATH, lexicon_fingerprint
from search.store import IndexStore

from .conftest import FIXTURES

#: A society of the demo corpus (document cast-103555) that the packaged lexicon does not know.
SOCIETY = "中国自然科学博物馆学会"
DOC_ID = "cast-103555"


def _demo_doc() -> dict[str, str]:
    for line in FIXTURES.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        if doc["id"] == DOC_ID:
            return doc
    raise AssertionError(f"{DOC_ID} is missing from the demo corpus")


def _words(text: str) -> list[str]:
    return [w.text for w in segment(text).words]


def _add_society(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"org\t{SOCIETY}\t\n")


def test_fingerprint_is_the_sha256_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.tsv"
    path.write_text(f"org\t{SOCIETY}\t\n", encoding="utf-8")
    assert lexicon_fingerprint(path) == hashlib.sha256(f"org\t{SOCIETY}\t\n".encode()).hexdigest()
    assert lexicon_fingerprint(path) != lexicon_fingerprint(DEFAULT_LEXICON_PATH)


def test_added_society_is_one_word_after_reload_and_gone_after_removal(staff_lexicon: Path) -> None:
    body = _demo_doc()["body"]
    before = _words(body)
    assert SOCIETY in body and SOCIETY not in before
    assert "中国 自然科学 博物馆 学会" in " ".join(before)

    _add_society(staff_lexicon)
    assert _words(body) == before  # nothing changes until the lexicon is reloaded
    assert reload_lexicon() == lexicon_fingerprint(staff_lexicon) == active_lexicon_fingerprint()
    after = _words(body)
    assert after.count(SOCIETY) == body.count(SOCIETY) >= 1
    assert "博物馆" not in after[after.index(SOCIETY) - 1 : after.index(SOCIETY) + 2]

    staff_lexicon.write_bytes(DEFAULT_LEXICON_PATH.read_bytes())  # the staff member takes it out again
    reload_lexicon()
    assert _words(body) == before  # exactly the packaged lexicon's segmentation again
    assert active_lexicon_fingerprint() == lexicon_fingerprint(DEFAULT_LEXICON_PATH)


def test_malformed_lexicon_changes_nothing(staff_lexicon: Path) -> None:
    from search.lexicon import LexiconError

    body = _demo_doc()["body"]
    before, active = _words(body), active_lexicon_fingerprint()
    staff_lexicon.write_text(f"org\t{SOCIETY}\nsociety\t坏行\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=":2:"):
        reload_lexicon()
    assert _words(body) == before and active_lexicon_fingerprint() == active


def _build(index_dir: Path, tmp_path: Path) -> None:
    from indexer.writer import index_paths

    corpus = tmp_path / "museum.jsonl"
    corpus.write_text(json.dumps(_demo_doc(), ensure_ascii=False) + "\n", encoding="utf-8")
    report = index_paths([corpus], index_dir, rebuild=True, workers=1)
    assert report.ok, report.errors


def test_rebuilt_index_records_the_lexicon_fingerprint(staff_lexicon: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _build(index_dir, tmp_path)
    assert IndexStore(index_dir).meta().lexicon == lexicon_fingerprint(DEFAULT_LEXICON_PATH)

    _add_society(staff_lexicon)
    reload_lexicon()
    _build(index_dir, tmp_path)
    assert IndexStore(index_dir).meta().lexicon == lexicon_fingerprint(staff_lexicon)


def test_meta_without_lexicon_still_reads(tmp_path: Path) -> None:
    from search.store import IndexMeta

    (tmp_path / "meta.json").write_text(
        '{"schema_version": 2, "created_at": "2026-01-01T00:00:00Z", "documents": 3}', encoding="utf-8"
    )
    meta = IndexMeta.read(tmp_path)
    assert meta.lexicon is None and meta.documents == 3


def test_web_worker_reloads_the_lexicon_of_a_new_generation(
    staff_lexicon: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp import create_app

    packaged = lexicon_fingerprint(DEFAULT_LEXICON_PATH)
    _add_society(staff_lexicon)
    edited = lexicon_fingerprint(staff_lexicon)
    reload_lexicon()  # `huixun index --rebuild` after the edit: the indexer segments with the new lexicon
    index_dir = tmp_path / "index"
    _build(index_dir, tmp_path)
    assert IndexStore(index_dir).meta().lexicon == edited

    # A web worker started before the edit holds the packaged lexicon.
    monkeypatch.delenv("HUIXUN_LEXICON")
    reload_lexicon()
    assert active_lexicon_fingerprint() == packaged and SOCIETY not in _words(SOCIETY)
    monkeypatch.setenv("HUIXUN_LEXICON", str(staff_lexicon))

    app = create_app({"index_dir": str(index_dir), "rate_limit": 1e6, "rate_burst": 1_000_000})
    client = app.test_client()
    response = client.get("/api/v1/search", query_string={"q": SOCIETY})
    assert response.status_code == 200
    assert active_lexicon_fingerprint() == edited
    assert _words(SOCIETY) == [SOCIETY]
    assert [hit["id"] for hit in response.get_json()["hits"]] == [DOC_ID]


def test_extraction_reads_the_reloaded_lexicon(staff_lexicon: Path) -> None:
    """Entity extraction caches lexicon types, aliases and word flags: a reload empties those caches."""
    from indexer.entities import entity_forms, find_mentions

    text = "自博学会秘书长在会上发言。"
    assert entity_forms("自博学会") == {"自博学会"}
    assert [m.canonical for m in find_mentions(text) if m.kind == "org"] == []
    with open(staff_lexicon, "a", encoding="utf-8") as fh:
        fh.write(f"org\t{SOCIETY}\t自博学会\n")
    reload_lexicon()
    assert entity_forms("自博学会") == {SOCIETY, "自博学会"}
    orgs = [(m.surface, m.canonical) for m in find_mentions(text) if m.kind == "org"]
    assert orgs == [("自博学会", SOCIETY)]
