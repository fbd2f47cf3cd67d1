"""``huixun search`` through click's CliRunner, and the search-quality bars on the demo index."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from click.testing import CliRunner

from indexer.cli import main
from search.store import IndexStore

REPO = Path(__file__).resolve().parent.parent


def test_json_output_is_the_api_envelope(demo_index: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "科创中国", "--json", "--index-dir", str(demo_index), "--per-page", "2"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] is True and data["per_page"] == 2 and len(data["hits"]) == 2
    assert "<mark>" in data["hits"][0]["title_html"]


def test_cli_and_api_print_the_same_body_for_the_same_request(demo_index: Path, web_client) -> None:
    # One contract, one builder (search.envelope): the shell and the web give the same JSON.
    args = ["search", "科創中國", "學會", "OR", "路演", "--json", "--index-dir", str(demo_index),
            "--year", "2020", "--org", "中国科协", "--sort", "date_desc", "--per-page", "3"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    api = web_client.get(
        "/api/v1/search",
        query_string={"q": "科創中國 學會 OR 路演", "year": "2020", "org": "中国科协", "sort": "date_desc",
                      "per_page": "3"},
    ).get_json()
    assert cli.pop("took_ms") >= 0 and api.pop("took_ms") >= 0
    assert cli == api
    assert cli["total"] > 0 and set(cli["query"]) >= {"relaxed", "notes", "terms"}
    assert "facet_values" not in cli and "relaxed" not in cli

    bad = CliRunner().invoke(
        main, ["search", "学会", "--json", "--per-page", "0", "--index-dir", str(demo_index)]
    )
    api_bad = web_client.get("/api/v1/search", query_string={"q": "学会", "per_page": "0"})
    assert bad.exit_code == 2 and api_bad.status_code == 400
    assert json.loads(bad.output) == api_bad.get_json()


def test_readable_output_and_filters(demo_index: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "科创中国", "--index-dir", str(demo_index), "--year", "2020", "--no-collapse"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("2 results")
    assert "[科创中国]" in result.output  # marks without colour when not on a terminal


def test_invalid_parameter_exits_2_with_the_parameter_named(demo_index: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "学会", "--per-page", "1000", "--index-dir", str(demo_index)]
    )
    assert result.exit_code == 2 and "per_page" in result.output


def test_search_quality_bars_on_the_demo_index(demo_index: Path) -> None:
    spec = importlib.util.spec_from_file_location("eval_search", REPO / "scripts" / "eval_search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    with IndexStore(demo_index).open().searcher() as searcher:
        report = module.evaluate(searcher, samples=120)
    assert report.substring_recall == 1.0, report.failures
    assert report.script_equivalence >= 0.98, report.failures
    assert report.known_item >= 0.98, report.failures
    assert report.zero_result_rate <= 0.05
    # fragments (issue #12): every document holding a random piece is in its top 10
    assert report.fragment_queries == 120 and report.fragment_top10 >= 0.98, report.failures
