"""The base every feature stands on: packaging, the quick start, normalization, settings, the lexicon."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from search.lexicon import LexiconError, load_lexicon
from search.normalize import normalize, to_simplified
from search.settings import SETTINGS, SettingsError, resolve

from .conftest import FIXTURES, REPO, SAMPLE_POST


def test_readme_quick_start_is_exactly_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make serve", "make test"]
    # The quick start is the very first thing after the title.
    assert readme.index("```sh") < readme.index("\n## ")


def test_pyproject_pins_the_chosen_stack_and_the_console_script():
    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    deps = meta["project"]["dependencies"]
    assert "whoosh-reloaded==2.7.5" in deps
    assert not any(d.split("=")[0].strip() == "whoosh" for d in deps)
    assert "jieba==0.42.1" in deps and "opencc==1.4.2" in deps
    assert meta["project"]["scripts"]["huixun"] == "indexer.cli:main"
    assert meta["project"]["requires-python"] == ">=3.11"
    assert "error" in meta["tool"]["pytest"]["ini_options"]["filterwarnings"]


def test_ci_runs_make_test():
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_demo_corpus_is_small_has_both_scripts_and_a_notice():
    docs = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]
    assert 1 + len(docs) <= 501
    assert sum(d["id"].endswith("-hant") for d in docs) == 30
    notice = (REPO / "data" / "demo" / "NOTICE").read_text(encoding="utf-8")
    for prefix in {d["id"].split("-")[0] for d in docs}:
        assert prefix in notice
    assert SAMPLE_POST.exists()


# -- normalization -------------------------------------------------------------------------------------


def test_normalize_preserves_length_on_every_demo_document(sample_post_text):
    bodies = [json.loads(line)["body"] for line in FIXTURES.read_text("utf-8").splitlines()]
    texts = [sample_post_text, *bodies]
    for text in texts:
        assert len(normalize(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中國科學技術協會", "中国科学技术协会"),
        ("國際論壇", "国际论坛"),  # charabia#331: whole words, not single characters
        ("乾隆皇帝", "乾隆皇帝"),  # hanziconv#7: phrase-level, 乾 is not 干 here
        ("賴清德總統今（24）日", "赖清德总统今(24)日"),
        ("ＣＯＶＩＤ－１９　疫苗", "covid-19 疫苗"),
        ("İSTANBUL", "İstanbul"),  # "İ".lower() is two characters: kept as is, length preserved
    ],
)
def test_normalize_converts_script_width_and_case(text, expected):
    assert normalize(text) == expected
    assert len(normalize(text)) == len(text)


def test_normalize_narrows_exactly_the_full_width_ascii_block_and_the_ideographic_space():
    wide = "".join(chr(c) for c in range(0xFF01, 0xFF5F))
    ascii_ = "".join(chr(c) for c in range(0x21, 0x7F))
    # U+FF00 and U+FF5F border the block and stay; 、。 are not in it.
    assert normalize("\uff00" + wide + "\u3000、\uff5f。") == "\uff00" + ascii_.lower() + " 、\uff5f。"


def test_to_simplified_keeps_case_and_width():
    assert to_simplified("學會ＡＢ") == "学会ＡＢ"


# -- settings ----------------------------------------------------------------------------------------


def test_settings_come_from_defaults_then_environment_then_overrides():
    assert resolve(environ={})["index_dir"] == "var/index"
    assert resolve(environ={"HUIXUN_INDEX_DIR": "/srv/ix"})["index_dir"] == "/srv/ix"
    assert resolve({"INDEX_DIR": "/tmp/x"}, environ={"HUIXUN_INDEX_DIR": "/srv/ix"})["index_dir"] == "/tmp/x"


def test_unknown_setting_fails_with_its_name():
    with pytest.raises(SettingsError, match="unknown setting 'no_such'"):
        resolve({"no_such": 1}, environ={})


def test_every_setting_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = {m.group(1) for m in re.finditer(r"^\| `(HUIXUN_[A-Z_]+)` \|", readme, re.M)}
    assert {s.env_var for s in SETTINGS.values()} <= table


# -- lexicon -------------------------------------------------------------------------------------------


def test_lexicon_merges_aliases_across_scripts():
    lex = load_lexicon()
    assert lex.canonical_name("中國科協") == "中国科协"
    assert lex.canonical_name("中国科学技术协会") == "中国科协"
    assert lex.type_of("中國自動化學會") == "org"


def test_malformed_lexicon_line_is_reported_with_file_and_line(tmp_path):
    bad = tmp_path / "lex.tsv"
    bad.write_text("org\t中国科协\nplanet\t火星\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lex\.tsv:2:"):
        load_lexicon(bad)
