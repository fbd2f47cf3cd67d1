"""The interface is fully translated: every message in webapp/ is in the compiled Chinese catalog."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo

from search.facetspec import FACET_SPECS

from .conftest import REPO

WEBAPP = REPO / "webapp"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def extracted_messages() -> set[str]:
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEBAPP), METHODS, keywords=KEYWORDS, comment_tags=()
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def test_every_message_has_a_chinese_translation() -> None:
    with open(WEBAPP / "translations" / "zh" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    translated = {
        (m.id[0] if isinstance(m.id, tuple | list) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple | list) else m.string)
    }
    messages = extracted_messages()
    assert len(messages) > 50
    # The facets' labels come from the one table of facets (search.facetspec), not from a literal here.
    assert {spec.label for spec in FACET_SPECS} - translated == set()
    assert messages - translated == set()
    assert catalog.plural_forms == "nplurals=1; plural=0;"


def test_numbers_use_the_chinese_plural_form(web_client) -> None:
    every = {"q": "科创中国", "collapse": "false"}  # 3 documents (twins apart)
    html = web_client.get("/", query_string=every).get_data(as_text=True)
    assert "共 3 条结果" in html
    english = web_client.get("/", query_string={**every, "lang": "en"}).get_data(as_text=True)
    assert "3 results" in english
