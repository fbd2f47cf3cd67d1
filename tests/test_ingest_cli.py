"""``huixun extract`` through CliRunner: JSON Lines out, errors and a summary on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from tests.conftest import FIXTURES, SAMPLE_POST


def _run(*args: str):
    return CliRunner().invoke(main, ["extract", *args])


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 12 demo documents (building all 400 three times would slow the suite)."""
    path = tmp_path_factory.mktemp("feed") / "first12.jsonl"
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()[:12]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_extract_sample_post_and_fixtures(feed: Path) -> None:
    result = _run(str(SAMPLE_POST), str(feed), "--fields", "id,category,source,people")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 13
    first = json.loads(lines[0])
    assert first["id"] == "000_99532756a9d00d77"
    assert (first["category"], first["source"]) == ("Activities", "学会秘书处")
    assert "万钢" in first["people"]
    assert '"学会秘书处"' in lines[0]  # ensure_ascii=False: readable Chinese
    assert json.loads(lines[1])["id"] == "cast-452857"
    assert result.stderr == "13 announcement(s), 0 error(s)\n"


def test_extract_reports_failures_and_exits_1(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    good = json.loads(FIXTURES.read_text(encoding="utf-8").splitlines()[5])
    empty = '{"id": "empty", "body": "打印本页"}'
    feed.write_text(f"{{oops}}\n{json.dumps(good, ensure_ascii=False)}\n{empty}\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(bytes(range(0x80, 0x100)) * 4)
    result = _run(str(feed), str(bad))
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [good["id"]]
    assert result.stderr.splitlines() == [
        f"{feed}:1: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{feed}:3: no text after cleaning",
        f"{bad}: cannot decode: not UTF-8, GB18030/GBK or Big5",
        "1 announcement(s), 3 error(s)",
    ]


def test_extract_full_record_shape(feed: Path) -> None:
    result = _run(str(feed))
    record = json.loads(result.stdout.splitlines()[0])
    assert list(record) == ["id", "title", "body", "origin", "date", "dates", "source", "category", "url",
                            "people", "orgs", "places", "event_date", "entities"]
    assert (record["date"], record["source"], record["category"]) == ("2020-03-02", "北京市科协", "地方科协")
    assert record["origin"] == str(feed)


def test_extract_traces_every_facet_value_to_the_written_forms(feed: Path) -> None:
    """Each entity: its canonical name (the facet value), type, and the forms the text wrote, whose
    positions slice exactly that form out of the title or body (original script)."""
    for line in _run(str(feed)).stdout.splitlines():
        record = json.loads(line)
        by_type = {"person": record["people"], "org": record["orgs"], "place": record["places"]}
        names = {t: [e["name"] for e in record["entities"] if e["type"] == t] for t in by_type}
        assert names == by_type
        for entity in record["entities"]:
            for form in entity["forms"]:
                for pos in form["positions"]:
                    assert record[pos["field"]][pos["start"] : pos["end"]] == form["text"]


def test_extract_usage_errors(feed: Path) -> None:
    result = _run("--fields", "id,nope", str(feed))
    assert result.exit_code == 1
    assert "unknown field(s): nope" in result.stderr
    assert _run().exit_code == 2  # no PATH
    missing = _run("/no/such/dir")
    assert missing.exit_code == 1
    assert missing.stderr.splitlines()[0] == "/no/such/dir: no such file or directory"
