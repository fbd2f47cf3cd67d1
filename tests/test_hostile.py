"""Hostile documents (the fast variant of the ``make reliability`` campaign): each input is indexed inert or
rejected with a reason, the batch goes on, the API never serves a non-http(s) url, and in real Chromium no
script from content runs on the search page, a document page, the timeline, the facet chips or a partner
page using /embed.js."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from indexer.writer import IndexReport, index_paths
from webapp import create_app

from .hostile import PAYLOADS, hostile_records, write_hostile_corpus
from .test_browser import CHROMIUM, LAUNCH_ARGS, ThreadedServer


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IndexReport, dict[str, str]]:
    root = tmp_path_factory.mktemp("hostile")
    expected = write_hostile_corpus(root / "in", scale=0.02)
    report = index_paths([root / "in"], root / "index", workers=2)
    return root / "index", report, expected


def test_each_hostile_input_is_indexed_inert_or_rejected_with_a_reason(hostile) -> None:
    index_dir, report, expected = hostile
    rejected = {Path(error.origin).name: error.reason for error in report.errors if error.line is None}
    assert set(rejected) == {name for name, outcome in expected.items() if outcome == "rejected"}
    assert [(e.line, e.reason) for e in report.errors if e.line is not None] == [
        (2, "id '../../etc/passwd' cannot be used in a URL (it has a '/' or a control character)"),
        (3, "id 'nul\\x00id' cannot be used in a URL (it has a '/' or a control character)"),
    ]
    assert rejected["invalid_utf8.txt"] == "cannot decode: not UTF-8, GB18030/GBK or Big5"
    assert rejected["truncated.jsonl.gz"].startswith("cannot read: Compressed file ended")
    assert report.added == len(hostile_records()) + 5  # the batch went on to the plain file at the end
    assert [w.reason.split(":")[0] for w in report.warnings] == ["url dropped"] * len(PAYLOADS)

    client = create_app({"index_dir": str(index_dir), "rate_limit": 1e6, "rate_burst": 10**6}).test_client()
    for record in hostile_records():
        body = client.get("/api/v1/documents/" + quote(record["id"], safe="")).get_json()
        assert body["ok"] is True and body["document"]["url"] is None
        assert body["document"]["title"]  # stored as text (rendering escapes it)
    found = client.get("/api/v1/search", query_string={"q": "学会", "per_page": 50}).get_json()
    served = json.dumps(found, ensure_ascii=False).lower()
    assert "javascript:" not in json.dumps([hit["url"] for hit in found["hits"]]).lower()
    assert "<script" not in "".join(hit["title_html"] + hit["snippet_html"] for hit in found["hits"])
    assert found["total"] >= len(PAYLOADS) and "\x00" not in served


@pytest.fixture(scope="module")
def hostile_site(hostile) -> Iterator[str]:
    app = create_app({"index_dir": str(hostile[0]), "rate_limit": 1000.0, "rate_burst": 1000})
    with ThreadedServer(app) as server:
        yield server.url


@pytest.mark.browser
def test_no_script_from_content_runs_in_a_real_browser(hostile_site: str) -> None:
    from playwright.sync_api import sync_playwright

    partner = Flask("partner")

    @partner.get("/")
    def partner_page() -> str:
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>partner</title></head><body>"
            "<div id='widget' data-huixun data-huixun-q='学会' data-huixun-per-page='10'></div>"
            f"<script src='{hostile_site}/embed.js' defer></script></body></html>"
        )

    dialogs: list[str] = []
    with ThreadedServer(partner) as partner_server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            pages = [
                hostile_site + "/?q=" + quote("学会"),  # hits, facet chips, the timeline
                hostile_site + "/?q=" + quote("学会") + "&source=" + quote("学会" + PAYLOADS[0]),
                *(hostile_site + "/doc/" + quote(r["id"], safe="") + "?q=" + quote("学会")
                  for r in hostile_records()),
            ]
            for url in pages:
                page.goto(url)
                page.wait_for_load_state("load")
                assert page.evaluate("() => window.__pwned === undefined"), url
            page.goto(hostile_site + "/?q=" + quote("学会"))
            chips = page.locator("a[aria-pressed]")
            assert chips.count() > 0
            chips.first.click()  # a facet chip whose value is a payload
            page.wait_for_load_state("load")
            assert page.evaluate("() => window.__pwned === undefined")
            page.goto(partner_server.url + "/")
            widget = page.locator("#widget li")
            widget.first.wait_for()
            assert widget.count() >= len(PAYLOADS)
            assert page.evaluate("() => window.__pwned === undefined")
        finally:
            browser.close()
    assert dialogs == []
