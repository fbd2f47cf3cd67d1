"""The fast segment writer produces what Whoosh's own writer produces, and its segments merge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import And, Term

from indexer.segments import SegmentBuilder
from search import analysis
from search.analysis import document_terms
from search.schema import TermPositionsValue, build_schema, encode_postings

from .conftest import FIXTURES


def _docs(n: int) -> list[dict[str, Any]]:
    with open(FIXTURES, encoding="utf-8") as fh:
        raw = [json.loads(line) for line, _ in zip(fh, range(n), strict=False)]
    return [
        {
            "id": d["id"],
            "title": d["title"],
            "body": d["body"],
            "date": d.get("date"),
            "year": (d.get("date") or "")[:4] or None,
            "source": d.get("source"),
            "people": "张三,李四" if i % 3 == 0 else None,  # a KEYWORD field (fixed-size values)
            "dates": ["2020-01-01"],
        }
        for i, d in enumerate(raw)
    ]


def _prepared(
    schema: Any, doc: dict[str, Any], encoded: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """The fields and stored texts as the indexer's workers hand them over: text fields as their
    terms' positions (``encoded``: as pre-computed postings, the builder's generic path)."""
    terms = document_terms(doc["title"], doc["body"])
    if encoded:
        title: Any = encode_postings(schema["title"], terms.title)
        body: Any = encode_postings(schema["body"], terms.body)
    else:
        title, body = TermPositionsValue(terms.title), TermPositionsValue(terms.body)
    return dict(doc, title=title, body=body), {"title": doc["title"], "body": doc["body"]}


def _postings(reader: Any) -> list[tuple[Any, ...]]:
    # A field without values reads back as None from a block and b"" from an inlined term.
    return [(f, t, d, round(w, 4), v or None) for f, t, d, w, v in reader.iter_postings()]


@pytest.mark.parametrize("encoded", [False, True], ids=["term positions", "encoded postings"])
def test_segment_builder_matches_whoosh_add_document(tmp_path: Path, encoded: bool) -> None:
    schema = build_schema()
    docs = _docs(60)
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "ours").mkdir()
    reference = index.create_in(str(tmp_path / "whoosh"), schema)
    with reference.writer() as w:
        for doc in docs:
            w.add_document(**doc)
    ours = index.create_in(str(tmp_path / "ours"), schema)
    builder = SegmentBuilder(FileStorage(str(tmp_path / "ours")), schema)
    for doc in docs:
        builder.add(*_prepared(schema, doc, encoded))
    segment = builder.finish()
    ours.writer().commit(mergetype=lambda writer, segments: [segment])

    with reference.reader() as a, ours.reader() as b:
        assert b.doc_count() == a.doc_count() == 60
        assert _postings(b) == _postings(a)
        for docnum in range(60):
            assert b.stored_fields(docnum) == a.stored_fields(docnum)
            for field in ("title", "body"):
                assert b.doc_field_length(docnum, field) == a.doc_field_length(docnum, field)
        for term in (b"\xe7\xa7\x91\xe5\x8d\x8f", "科技".encode()):  # 科协, 科技
            ia, ib = a.term_info("body", term), b.term_info("body", term)
            assert (ib.doc_frequency(), ib.max_weight(), ib.min_length(), ib.max_length()) == (
                ia.doc_frequency(),
                ia.max_weight(),
                ia.min_length(),
                ia.max_length(),
            )
    q = And([Term("body", w.text) for w in analysis.segment("科技工作者").words])
    with reference.searcher() as a, ours.searcher() as b:
        found = [(hit["id"], round(hit.score, 4)) for hit in a.search(q, limit=None)]
        assert found and [(hit["id"], round(hit.score, 4)) for hit in b.search(q, limit=None)] == found


def test_segments_written_by_workers_merge(tmp_path: Path) -> None:
    # Whoosh merges small segments on later commits, reading ours through its generic path
    # (inlined terms included); an optimize merges them all.
    schema = build_schema()
    ix = index.create_in(str(tmp_path), schema)
    docs = _docs(30)
    for part in range(6):
        builder = SegmentBuilder(FileStorage(str(tmp_path)), schema)
        for doc in docs[part * 5 : (part + 1) * 5]:
            builder.add(*_prepared(schema, doc))
        segment = builder.finish()
        ix.writer().commit(mergetype=lambda writer, segments, seg=segment: [*segments, seg])
    assert len(ix._segments()) == 6
    with ix.searcher() as s:
        before = {d["id"]: d["title"] for d in s.documents()}
    ix.optimize()
    ix = index.open_dir(str(tmp_path))
    assert len(ix._segments()) == 1
    with ix.searcher() as s:
        assert {d["id"]: d["title"] for d in s.documents()} == before
        for doc_id, title in before.items():
            words = [w.text for w in analysis.segment(title).words]
            q = And([Term("title", w) for w in words])
            assert doc_id in {hit["id"] for hit in s.search(q, limit=None)}
