"""Every declared HUIXUN_* setting is in the README's configuration table (like datasette's test_docs)."""

from __future__ import annotations

import re

import indexer.cli  # noqa: F401  (its commands may declare settings)
import webapp  # noqa: F401  (declares the web app's settings)
from search.settings import SETTINGS

from .conftest import REPO

ROW = re.compile(r"^\|\s*`(HUIXUN_[A-Z0-9_]+)`\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$")


def configuration_table() -> dict[str, tuple[str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def test_every_setting_is_in_the_readme_table_with_its_default() -> None:
    table = configuration_table()
    assert len(SETTINGS) >= 14  # the web app's twelve plus index_dir and lexicon
    for setting in SETTINGS.values():
        assert setting.env_var in table, f"{setting.env_var} missing from README ## Configuration"
        default, help_text = table[setting.env_var]
        assert help_text, f"{setting.env_var} has no description in the README"
        if setting.default in ("", [], None):
            continue
        shown = ",".join(setting.default) if isinstance(setting.default, list) else str(setting.default)
        assert shown.lower() in default.lower(), (
            f"{setting.env_var}: README default {default!r}, declared {setting.default!r}"
        )


def test_the_table_lists_no_setting_that_does_not_exist() -> None:
    declared = {setting.env_var for setting in SETTINGS.values()}
    assert set(configuration_table()) <= declared
