"""``huixun check``: do the word index, the substring index and the stored fields agree, document by document?

For every live document of the live generation:

* **stored fields**: an ``id`` (unique among live documents), a content ``hash``, a non-empty body;
* **word index**: the set of terms the ``title`` and ``body`` postings hold for the document equals the
  set :func:`search.analysis.document_terms` gives for its stored title and body (compared as a per-document
  checksum of term hashes and a count, accumulated over every posting list of the field: one pass);
* **substring index**: the persisted index of the commit (:mod:`search.textindex`) holds exactly the
  document's normalized stored text, and its bigram lists equal the ones built from the stored fields.
  An index without a persisted substring index for its latest commit (an indexer killed between its
  commit and writing it) is consistent — searchers build it from the stored fields — and is reported as
  a note; the next ``huixun index`` run writes it.

Also notes files left by killed runs (worker segments never committed). Reads only; safe while the
web app serves and while an indexer runs (it checks the commit it opened).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.reading import IndexReader

from search.analysis import document_terms, grams_text
from search.normalize import normalize
from search.snapshot import _term_part
from search.store import IndexStore
from search.textindex import TextIndex

from .textindex_build import SEGMENT_TEXTS

__all__ = ["CheckReport", "check_index", "WORD_FIELDS"]

WORD_FIELDS = ("title", "body")
#: Per word field: the expected checksum of term hashes and number of distinct terms, per docnum.
Expected = dict[str, tuple[np.ndarray, np.ndarray]]
#: Problems listed before the rest are only counted.
MAX_LISTED = 50


@dataclass
class CheckReport:
    """What :func:`check_index` found; ``ok`` when there is no problem (notes are informational)."""

    index_dir: str
    generation: str
    documents: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(message)


def _term_hash(term: str) -> np.uint64:
    return np.uint64(int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little"))


def check_index(index_dir: str | Path) -> CheckReport:
    """Check the live index of ``index_dir`` (see the module docstring).

    Raises :class:`search.store.IndexStoreError` when there is no index to open.
    """
    store = IndexStore(index_dir)
    ix = store.open()
    live_dir = store.live_dir()
    report = CheckReport(str(store.root), live_dir.name)
    try:
        with ix.reader() as reader:
            size = reader.doc_count_all()
            live = np.array([not reader.is_deleted(n) for n in range(size)], dtype=bool)
            report.documents = int(live.sum())
            ids: list[str] = [""] * size
            expected: Expected = {
                name: (np.zeros(size, dtype=np.uint64), np.zeros(size, dtype=np.int64))
                for name in WORD_FIELDS
            }
            texts = [""] * size
            seen: dict[str, int] = {}
            for docnum in np.flatnonzero(live):
                stored = reader.stored_fields(int(docnum))
                doc_id = str(stored.get("id") or "")
                ids[docnum] = doc_id
                title, body = str(stored.get("title") or ""), str(stored.get("body") or "")
                if not doc_id:
                    report.problem(f"docnum {docnum}: no stored id")
                elif doc_id in seen:
                    report.problem(f"{doc_id}: stored twice (docnums {seen[doc_id]} and {docnum})")
                seen.setdefault(doc_id, int(docnum))
                if not stored.get("hash"):
                    report.problem(f"{doc_id}: no stored content hash")
                if not body:
                    report.problem(f"{doc_id}: empty stored body")
                terms = document_terms(title, body)
                for name, positions in (("title", terms.title), ("body", terms.body)):
                    checksum, count = expected[name]
                    checksum[docnum] = np.sum([_term_hash(t) for t in positions], dtype=np.uint64)
                    count[docnum] = len(positions)
                texts[docnum] = normalize(grams_text(title, body))
            _check_words(reader, live, ids, expected, report)
            _check_substrings(reader, live, ids, texts, report)
    finally:
        ix.close()
    leftovers = [p.name for p in live_dir.glob("*" + SEGMENT_TEXTS)]
    if leftovers:
        report.notes.append(
            f"{len(leftovers)} segment text file(s) of an unfinished run (removed by the next run)"
        )
    return report


def _check_words(
    reader: IndexReader, live: np.ndarray, ids: list[str], expected: Expected, report: CheckReport
) -> None:
    size = live.size
    for name in WORD_FIELDS:
        checksum = np.zeros(size, dtype=np.uint64)
        count = np.zeros(size, dtype=np.int64)
        for term in reader.lexicon(name):
            text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            docs = _posting_docs(reader, name, term if isinstance(term, bytes) else text.encode("utf-8"))
            np.add.at(checksum, docs, _term_hash(text))
            np.add.at(count, docs, 1)
        want_sum, want_count = expected[name]
        wrong = np.flatnonzero(live & ((checksum != want_sum) | (count != want_count)))
        for docnum in wrong:
            report.problem(
                f"{ids[docnum]}: the {name} word index holds {count[docnum]} terms for the document, its "
                f"stored {name} gives {want_count[docnum]}" + ("" if count[docnum] != want_count[docnum] else
                                                                " (different terms)")
            )


def _posting_docs(reader: IndexReader, field: str, tbytes: bytes) -> np.ndarray:
    """Every docnum in the posting list of ``field:tbytes``, deleted ones included (the query side's
    block decoder, without its caches)."""
    parts = []
    for leaf, offset in reader.leaf_readers():
        part = _term_part(leaf, offset, field, tbytes)
        if part is not None:
            parts.append(part.decode(None)[0].astype(np.int64) + offset)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _check_substrings(
    reader: IndexReader, live: np.ndarray, ids: list[str], texts: list[str], report: CheckReport
) -> None:
    loaded = TextIndex.load(reader)
    if loaded is None:
        report.notes.append(
            "no persisted substring index for this commit: searchers build it from the stored fields "
            "(the next huixun index run writes it)"
        )
        return
    if len(loaded.texts) != live.size:
        report.problem(f"the substring index holds {len(loaded.texts)} documents, the word index {live.size}")
        return
    blob, offsets = loaded.texts.blob, loaded.texts.offsets
    for docnum in np.flatnonzero(live):
        # Compared as bytes: a damaged file need not even be valid UTF-8.
        if bytes(blob[int(offsets[docnum]) : int(offsets[docnum + 1])]) != texts[docnum].encode("utf-8"):
            report.problem(f"{ids[docnum]}: the substring index's text differs from the stored fields")
    built = TextIndex(texts)
    for name in ("keys", "starts", "docs"):
        if not np.array_equal(getattr(loaded, name), getattr(built, name)):
            report.problem(f"the substring index's bigram lists ({name}) differ from the stored fields'")
            break
