"""Issue #12 on the real demo index: the passage a member remembers comes first (exact before
scattered, proximity, relaxed long queries), and one announcement is one result (near-duplicate
groups, collapsed results, group counts)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.searching import Searcher

from indexer.writer import index_paths
from search.analysis import grams_text
from search.dedup import group_texts
from search.models import SearchRequest
from search.normalize import normalize
from search.query import parse_query
from search.ranking import _min_span, exact_text
from search.service import run_search
from search.snapshot import Snapshot, snapshot_for
from search.store import IndexStore
from search.textindex import PREFIX, TextIndex, index_folder

from .conftest import FIXTURES, SAMPLE_POST, search

DOCS = {d["id"]: d for d in map(json.loads, FIXTURES.read_text(encoding="utf-8").splitlines())}
TUNA = "tuna-2019-03-23-events-tuna-now-and-future"  # "……系统架构、运维服务等尚需改进的部分"
S2T = opencc.OpenCC("s2t")


def holders(searcher: Searcher, piece: str) -> set[str]:
    """Ids of the live documents whose normalized title + body hold ``piece`` (normalized) as is."""
    snap = snapshot_for(searcher.reader())
    needle = normalize(piece)
    return {
        searcher.stored_fields(d)["id"]
        for d in range(snap.size)
        if snap.live[d] and needle in snap.text.texts[d]
    }


def _docnums(searcher: Searcher, ids: list[str]) -> list[int]:
    return [searcher.document_number(id=i) for i in ids]


def ranked(searcher: Searcher, q: str, **kwargs: object) -> list[str]:
    return [hit.id for hit in search(searcher, q, per_page=50, **kwargs).hits]


# --- exact before scattered -------------------------------------------------------------------


def test_the_exact_piece_ranks_above_its_scattered_words(searcher: Searcher) -> None:
    assert holders(searcher, "运维服务等") == {TUNA}
    response = search(searcher, "运维服务等")
    # 143 documents have 运维 and 服务 somewhere; the one that has the piece as written is first
    assert response.total == 143 and not response.relaxed
    assert response.hits[0].id == TUNA


def test_words_apart_keep_and_semantics_and_their_exact_sequence_first(searcher: Searcher) -> None:
    exact = holders(searcher, "服务等")
    assert exact == {"cast-71091", TUNA, "twpres-27362"}
    apart = ranked(searcher, "服务 等")
    # AND of the words: every result holds both
    snap = snapshot_for(searcher.reader())
    texts = [snap.text.texts[d] for d in _docnums(searcher, apart)]
    assert texts and all("服务" in text and "等" in text for text in texts)
    assert set(apart[:3]) == exact
    assert exact_text(parse_query("服务 等")) == "服务等"
    assert exact_text(parse_query("COVID 19 疫苗")) == "covid 19疫苗"  # a space stays between Latin words
    assert exact_text(parse_query("学会 OR 协会")) is None  # alternatives have no single sequence


def test_a_quoted_phrase_keeps_its_meaning(searcher: Searcher) -> None:
    # "服务 等" quoted: the phrase must occur as is (spaces between Han characters do not count)
    assert set(ranked(searcher, '"服务 等"')) == holders(searcher, "服务等")


def test_random_demo_pieces_put_all_their_documents_first(searcher: Searcher) -> None:
    """Pieces of 2–12 characters cut at random (seeded) positions, crossing word boundaries: every
    document holding the piece, when at most five do, is in the top 10."""
    rng = random.Random(12)
    ids = sorted(DOCS)
    checked = 0
    while checked < 40:
        doc = DOCS[rng.choice(ids)]
        text = doc["body"] or doc["title"]
        length = rng.randint(2, 12)
        start = rng.randrange(0, max(1, len(text) - length))
        piece = text[start : start + length]
        if any(c.isspace() or c in "\"“”「」『』-:" for c in piece) or not any(c.isalnum() for c in piece):
            continue
        wanted = holders(searcher, piece)
        if not 1 <= len(wanted) <= 5:
            continue
        checked += 1
        top = ranked(searcher, piece)[:10]
        assert wanted <= set(top), piece
        assert set(top[: len(wanted)]) == wanted, piece  # all of them above every scattered match


def test_a_traditional_piece_finds_the_simplified_document_first(searcher: Searcher) -> None:
    traditional = S2T.convert("运维服务等")
    assert traditional == "運維服務等"
    assert ranked(searcher, traditional)[0] == TUNA  # a Simplified document without a twin
    # and the same order as the Simplified query
    assert ranked(searcher, traditional)[:10] == ranked(searcher, "运维服务等")[:10]


def test_a_long_query_found_only_in_relaxed_mode_puts_its_document_first(searcher: Searcher) -> None:
    body = DOCS["cast-74672"]["body"]
    pasted = body[:40]  # "12月7日，2017世界智能制造大会在南京举行，中国科协党组书记、常务副主席……"
    response = search(searcher, pasted + " 量子引力波望远镜")  # one word no document has with the rest
    assert response.relaxed
    assert response.hits[0].id in {"cast-74672", "cast-74672-hant"}


def test_proximity_span_is_the_shortest_stretch_holding_every_piece() -> None:
    text = normalize(DOCS[TUNA]["body"])
    span = _min_span(text, ("运维", "服务"))
    assert span == len("运维服务")
    assert _min_span(text, ("运维", "没有这个词")) is None


# --- one announcement, one result -------------------------------------------------------------


def test_traditional_twins_collapse_with_the_other_script_offered(searcher: Searcher) -> None:
    collapsed = search(searcher, "科创中国", collapse=True)
    assert collapsed.total == 2
    by_id = {hit.id: hit for hit in collapsed.hits}
    assert set(by_id) == {"cast-120382", "000_99532756a9d00d77"}
    (twin,) = by_id["cast-120382"].duplicates
    assert twin.id == "cast-120382-hant" and twin.title == DOCS["cast-120382-hant"]["title"]
    assert twin.source == "中国科协" and twin.url == DOCS["cast-120382-hant"]["url"]  # the stored fields
    assert by_id["000_99532756a9d00d77"].duplicates == ()
    # the same hits for the query in the other script
    assert [h.id for h in search(searcher, "科創中國", collapse=True).hits] == [h.id for h in collapsed.hits]
    every = search(searcher, "科创中国", collapse=False)
    assert every.total == 3 and all(hit.duplicates == () for hit in every.hits)


def test_api_page_and_document_page_show_also_published_as(web_client) -> None:
    body = web_client.get("/api/v1/search", query_string={"q": "科创中国"}).get_json()
    assert body["total"] == 2 and body["query"]["collapse"] is True
    hit = next(h for h in body["hits"] if h["id"] == "cast-120382")
    twin = DOCS["cast-120382-hant"]
    assert hit["duplicates"] == [
        {"id": twin["id"], "source": "中国科协", "title": twin["title"], "url": twin["url"]}
    ]
    every = web_client.get("/api/v1/search", query_string={"q": "科创中国", "collapse": "false"}).get_json()
    assert every["total"] == 3 and all(h["duplicates"] == [] for h in every["hits"])
    bad = web_client.get("/api/v1/search", query_string={"q": "科创中国", "collapse": "maybe"})
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "collapse"
    page = web_client.get("/", query_string={"q": "科创中国"}).get_data(as_text=True)
    assert "共 2 条结果" in page and "另见" in page and 'href="/doc/cast-120382-hant?q=' in page
    doc = web_client.get("/doc/cast-120382-hant").get_data(as_text=True)
    assert "另见" in doc and 'href="/doc/cast-120382"' in doc


@pytest.mark.parametrize("q", ["", "学会", "科创中国"])
def test_collapsed_facet_counts_equal_what_selecting_the_value_shows(searcher: Searcher, q: str) -> None:
    response = search(searcher, q, collapse=True, facet_limit=1000)
    assert response.total < search(searcher, q, collapse=False).total  # twins are among the matches
    for name in ("source", "category", "year"):
        for bucket in response.facets[name]:
            selected = search(searcher, q, collapse=True, filters={name: [bucket.value]})
            assert selected.total == bucket.count, (q, name, bucket.value)


def test_near_duplicates_are_copies_not_templates() -> None:
    doc = DOCS["cast-74672"]
    original = normalize(grams_text(doc["title"], doc["body"]))
    twin = normalize(grams_text(DOCS["cast-74672-hant"]["title"], DOCS["cast-74672-hant"]["body"]))
    repost = normalize(grams_text("世界智能制造大会开幕", doc["body"] + "\n（来源：中国科协网站）"))
    # the same template with another day and another official: another announcement
    other_day = original.replace("12月7日", "11月9日").replace("2017", "2018")
    unrelated = normalize(grams_text(DOCS[TUNA]["title"], DOCS[TUNA]["body"]))
    groups = group_texts([original, twin, repost, other_day, unrelated]).tolist()
    assert groups == [0, 0, 0, 3, 4]
    dated = ["2017-12-08", "2017-12-08", "2017-12-09", None, None]
    assert group_texts([original, twin, repost], lambda i: dated[i]).tolist() == [0, 0, 0]
    far = ["2017-12-08", "2018-12-08"]  # the same text a year later: a yearly notice, not a copy
    assert group_texts([original, twin], lambda i: far[i]).tolist() == [0, 1]


def test_an_incrementally_added_repost_joins_the_existing_group(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([FIXTURES, SAMPLE_POST], index_dir, workers=1)
    doc = DOCS["cast-70889"]  # a 5,000-character report, and its Traditional twin cast-70889-hant
    repost = {
        **doc,
        "id": "repost-70889",
        "title": "转载：" + doc["title"][:10] + "（全文）",
        "source": "某学会网站 (example.org)",
        "url": "https://example.org/news/70889.html",
        "body": "本文转载自中国科协网站，版权归原作者所有。\n" + doc["body"] + "\n（责任编辑：王明）",
    }
    more = tmp_path / "repost.jsonl"
    more.write_text(json.dumps(repost, ensure_ascii=False) + "\n", encoding="utf-8")
    report = index_paths([more], index_dir, workers=1)  # incremental: one document added
    assert report.added == 1
    response = run_search(index_dir, SearchRequest.create("李必军"))  # once, deep in the report
    assert response.total == 1
    (hit,) = response.hits
    members = {hit.id, *(d.id for d in hit.duplicates)}
    assert members == {"cast-70889", "cast-70889-hant", "repost-70889"}
    every = run_search(index_dir, SearchRequest.create("李必军", collapse=False))
    assert {h.id for h in every.hits} == members


def test_a_text_index_written_before_groups_is_still_mapped(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([FIXTURES, SAMPLE_POST], index_dir, workers=1)
    store = IndexStore(index_dir)
    with store.open().searcher() as s:
        path = Path(index_folder(s.reader()) or "") / f"{PREFIX}{s.reader().generation()}"
        expected = np.load(path / "groups.npy")
        # as format 1 wrote it: no groups.npy
        (path / "groups.npy").unlink()
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        (path / "meta.json").write_text(json.dumps({**meta, "format": 1}), encoding="utf-8")
        loaded = TextIndex.load(s.reader())
        assert loaded is not None and loaded.mapped  # mapped, not rebuilt from the stored fields
        snap = Snapshot(s.reader())  # the same groups, computed in memory (with the documents' dates)
        assert snap.text.mapped and snap.groups.group.tolist() == expected.tolist()


def _groups_by_id(index_dir: Path) -> dict[str, set[str]]:
    """Each document id → the ids of its near-duplicate group (itself included), from the persisted
    groups of the live generation."""
    with IndexStore(index_dir).open().searcher() as s:
        reader = s.reader()
        path = Path(index_folder(reader) or "") / f"{PREFIX}{reader.generation()}"
        group = np.load(path / "groups.npy")
        live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
        ids = {d: str(reader.stored_fields(d)["id"]) for d in live}
    members: dict[int, set[str]] = {}
    for docnum, doc_id in ids.items():
        members.setdefault(int(group[docnum]), set()).add(doc_id)
    return {doc_id: members[int(group[docnum])] for docnum, doc_id in ids.items()}


def test_incremental_commits_group_as_a_rebuild_does_from_persisted_signatures(tmp_path: Path) -> None:
    # Issue #15: a commit of a few documents hashes only theirs; the kept documents' signatures, key
    # characters and dates come from the persisted index (format 3). Groups must equal a rebuild's,
    # dates included: the same report a year later is another announcement.
    doc = DOCS["cast-70889"]
    repost = {**doc, "id": "repost-70889", "source": "某学会网站", "url": "https://example.org/70889.html",
              "body": "本文转载自中国科协网站。\n" + doc["body"]}
    next_year = {**doc, "id": "yearly-70889", "date": "2021-" + str(doc["date"])[5:], "url": ""}
    more = tmp_path / "more.jsonl"
    more.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in (repost, next_year)), "utf-8")
    incremental, rebuilt = tmp_path / "incremental", tmp_path / "rebuilt"
    index_paths([FIXTURES, SAMPLE_POST], incremental, workers=1)
    with IndexStore(incremental).open().searcher() as s:
        path = Path(index_folder(s.reader()) or "") / f"{PREFIX}{s.reader().generation()}"
        assert {p.name for p in path.iterdir()} >= {"sketch.npy", "keychars.npy", "days.npy", "groups.npy"}
    index_paths([more], incremental, workers=1)
    index_paths([FIXTURES, SAMPLE_POST, more], rebuilt, workers=1, rebuild=True)
    groups = _groups_by_id(incremental)
    assert groups == _groups_by_id(rebuilt)
    assert groups["repost-70889"] == {"cast-70889", "cast-70889-hant", "repost-70889"}
    assert groups["yearly-70889"] == {"yearly-70889"}


def test_an_index_persisted_without_signatures_is_extended_with_the_same_groups(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_paths([FIXTURES, SAMPLE_POST], index_dir, workers=1)
    with IndexStore(index_dir).open().searcher() as s:
        path = Path(index_folder(s.reader()) or "") / f"{PREFIX}{s.reader().generation()}"
    for name in ("sketch.npy", "keychars.npy", "days.npy"):  # as format 2 wrote it
        (path / name).unlink()
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    (path / "meta.json").write_text(json.dumps({**meta, "format": 2}), encoding="utf-8")
    doc = DOCS["cast-70889"]
    more = tmp_path / "more.jsonl"
    repost = {**doc, "id": "repost-70889", "url": "", "body": "本文转载自中国科协网站。\n" + doc["body"]}
    more.write_text(json.dumps(repost, ensure_ascii=False) + "\n", encoding="utf-8")
    index_paths([more], index_dir, workers=1)
    assert _groups_by_id(index_dir)["repost-70889"] == {"cast-70889", "cast-70889-hant", "repost-70889"}


def test_collapse_keeps_the_best_member_then_the_smallest_id_and_members_are_found_by_group() -> None:
    from search.dedup import DupGroups

    # Documents 0, 2, 5 are one group, 3 and 4 another; 1 and 6 have no near-duplicate.
    group = np.array([0, 1, 0, 3, 3, 0, 6], dtype=np.int32)
    live = np.ones(7, dtype=bool)
    ids = ["c", "x", "a", "e", "d", "b", "y"]
    groups = DupGroups.of(group, live, lambda d: ids[d])
    assert groups.members(2) == [0, 5] and groups.members(4) == [3] and groups.members(1) == []
    assert groups.members(0, among=np.array([1, 1, 0, 1, 1, 1, 1], dtype=bool)) == [5]
    mask = np.ones(7, dtype=bool)
    scores = np.array([2.0, 1.0, 2.0, 1.0, 1.0, 1.5, 0.5])
    # group 0: 0 and 2 tie on 2.0, "a" (2) < "c" (0); group 3: 3 and 4 tie, "d" (4) < "e" (3)
    assert np.flatnonzero(groups.collapse(mask, scores)).tolist() == [1, 2, 4, 6]
    scores[5] = 3.0
    assert np.flatnonzero(groups.collapse(mask, scores)).tolist() == [1, 4, 5, 6]
    only = np.array([1, 0, 0, 1, 0, 0, 0], dtype=bool)  # one member of each group in the mask
    assert np.flatnonzero(groups.collapse(only, scores)).tolist() == [0, 3]


def _collapse_by_sorting(groups, mask: np.ndarray, scores: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The reference engine's collapse (before issue #15): a sort by group, score, id."""
    docs = np.flatnonzero(mask & groups.dup)
    if not docs.size:
        return mask
    g = groups.group[docs]
    ranked = np.lexsort((groups.tiebreak[docs], -scores[docs], g))
    first = ranked[np.r_[True, g[ranked][1:] != g[ranked][:-1]]]
    out = mask & ~groups.dup
    out[docs[first]] = True
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 11), min_size=1, max_size=40),
    st.data(),
)
def test_collapse_and_members_equal_the_reference_engine(roots: list[int], data) -> None:  # type: ignore[no-untyped-def]
    from search.dedup import DupGroups

    size = len(roots)
    # group[d] is the smallest docnum of d's group: documents with the same root share a group
    first: dict[int, int] = {}
    group = np.array([first.setdefault(r, d) for d, r in enumerate(roots)], dtype=np.int32)
    live = np.array(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool) & live
    # few distinct scores: ties are frequent and must fall to the smaller id
    scores = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 2.5]), min_size=size, max_size=size)))
    ids = data.draw(st.permutations([f"id{n:03d}" for n in range(size)]))
    groups = DupGroups.of(group, live, lambda d: ids[d])
    assert groups.collapse(mask, scores).tolist() == _collapse_by_sorting(groups, mask, scores).tolist()
    for docnum in range(size):
        expected = [int(d) for d in np.flatnonzero((groups.group == groups.group[docnum]) & groups.dup)
                    if d != docnum] if groups.dup[docnum] else []
        assert groups.members(docnum) == expected
