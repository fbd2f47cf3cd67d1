"""Shared test fixtures: paths of the real demo corpus shipped in data/demo/ (tests never read ../shared)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh.searching import Searcher

from search.analysis import active_lexicon_fingerprint, reload_lexicon
from search.lexicon import DEFAULT_LEXICON_PATH, lexicon_fingerprint
from search.models import SearchRequest, SearchResponse
from search.service import run_search
from search.store import IndexStore

REPO = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO / "data" / "demo"
SAMPLE_POST = DEMO_DIR / "posts" / "000_99532756a9d00d77.txt"
FIXTURES = DEMO_DIR / "fixtures_zh.jsonl"


@pytest.fixture(scope="session")
def sample_post_text() -> str:
    return SAMPLE_POST.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real index of the demo corpus (fixtures_zh.jsonl + the sample post), built once per session.

    Returns the index directory (open it with ``search.store.IndexStore(path).open()``). Treat it as
    read-only: tests that modify an index build their own.
    """
    from indexer.writer import index_paths  # imported here so collection never depends on the indexer

    index_dir = tmp_path_factory.mktemp("demo_index")
    report = index_paths([FIXTURES, SAMPLE_POST], index_dir, workers=2)
    assert report.ok, report.errors
    return index_dir


@pytest.fixture(scope="module")
def searcher(demo_index: Path) -> Iterator[Searcher]:
    """A searcher over the demo index, shared by the tests of one module."""
    with IndexStore(demo_index).open().searcher() as s:
        yield s


def search(searcher: Searcher, q: str, **kwargs: object) -> SearchResponse:
    """``run_search`` with a request built from keyword arguments (``QueryError`` on bad ones).

    Every matching document, as before near-duplicate collapsing (``collapse=False``), unless the
    test asks for collapsed results: the recall and ranking tests count twins apart."""
    kwargs.setdefault("collapse", False)
    return run_search(searcher, SearchRequest.create(q, **kwargs))  # type: ignore[arg-type]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the item (``item.rep_call``) so fixtures can act on failures
    (the browser tests save a screenshot to tests/artifacts/)."""
    report = yield
    setattr(item, "rep_" + report.when, report)
    return report


@pytest.fixture(scope="session")
def web_app(demo_index: Path):  # type: ignore[no-untyped-def]
    """The web app over the demo index, with a rate limit high enough never to interfere."""
    from webapp import create_app

    return create_app({"index_dir": str(demo_index), "rate_limit": 1e6, "rate_burst": 1_000_000})


@pytest.fixture
def web_client(web_app):  # type: ignore[no-untyped-def]
    return web_app.test_client()


@pytest.fixture
def staff_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the packaged lexicon named by ``HUIXUN_LEXICON`` (for a test to edit as staff do);
    the packaged one is back afterwards."""
    path = tmp_path / "lexicon.tsv"
    path.write_bytes(DEFAULT_LEXICON_PATH.read_bytes())
    monkeypatch.setenv("HUIXUN_LEXICON", str(path))
    yield path
    monkeypatch.delenv("HUIXUN_LEXICON")
    reload_lexicon()
    assert active_lexicon_fingerprint() == lexicon_fingerprint(DEFAULT_LEXICON_PATH)
