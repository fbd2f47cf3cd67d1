"""Hypothesis strategies for hostile requests, and the bar every answer must meet.

Shared by the fast test (tests/test_fuzz.py, against the app in-process) and the ``make reliability``
fuzzing campaign (against gunicorn, beside schemathesis). :func:`requests` draws a path with a raw query
string over every route and parameter: the query language (quotes, ``-``, ``OR``, field filters, date
ranges with impossible dates) mixed with random Unicode — lone surrogates percent-encoded, NUL, bidi
controls, combining marks, emoji, 10,000-character strings — repeated and wrongly typed parameters, huge
and negative pages. :class:`Bar` checks one answer: no 5xx but the documented 503 ``search_timeout``, the
API's answers in the one envelope and valid against the OpenAPI document.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import jsonschema
from hypothesis import strategies as st
from referencing import Registry
from referencing.jsonschema import DRAFT202012

FACETS = ["source", "category", "year", "person", "org", "place"]
PARAMS = ["q", "page", "per_page", "sort", "date_from", "date_to", *FACETS]

SPECIALS = [
    '"', '""', '"学会', "-", "--", "-学会", "OR", "OR OR", "学会 OR", "OR 协会", "(", ")", "*", "?", ":",
    "source:", "source:中国科协", "year:2021", "year:abc", "date:2021-02-30..2021-13-01", "date:..",
    "date:0000-00-00..9999-99-99", "person:\"\"", "\x00", "\u202e", "\u2066", "\u200f", "\u0301\u0301",
    "e\u0301", "😀", "👩‍🔬", "\ufeff", "\uffff", "%", "%00", "+", "&", "=", "#", "\\", "<script>", "'",
    "学会", "科创中国", "協會", "ＡＢＣ", "１２３",
]
WEIRD_NUMBERS = ["0", "-1", "-99999", "1e3", "abc", "", " ", "1.5", "99999999999999999999999", "0x10",
                 "١٢", "NaN", "null", "[]", "2"]
DATES = ["2021-02-30", "2021-13-01", "0000-00-00", "9999-12-31", "2021", "2021-02", "20210101",
         "2021/01/01", "yesterday", "", "2021-1-1", "１２３４-０１-０１", "2021-02-29"]

#: A lone surrogate, percent-encoded as its (invalid) UTF-8 bytes: cannot be written as a str in a URL.
LONE_SURROGATES = ["%ED%A0%80", "%ED%BF%BF", "%ED%A0%BD%F0%9F%98%80"]


def _encode(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


unicode_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=()), max_size=40
).map(_encode)
query_text = st.one_of(
    st.lists(st.sampled_from(SPECIALS), min_size=1, max_size=12).map(" ".join).map(_encode),
    st.lists(st.sampled_from(SPECIALS), min_size=1, max_size=12).map("".join).map(_encode),
    unicode_text,
    st.sampled_from(LONE_SURROGATES),
    st.tuples(st.sampled_from(SPECIALS).map(_encode), st.sampled_from(LONE_SURROGATES)).map("".join),
    st.sampled_from(["学" * 10_000, "a" * 10_000, "学会 " * 2_000, "OR " * 3_000]).map(_encode),
    st.lists(st.sampled_from(["学会", "协会", "大学", "会议", "科技"]), min_size=2, max_size=60)
    .map(" OR ".join).map(_encode),
)


@st.composite
def _param(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(PARAMS + ["unknown", "", "q[]", "Q"]))
    if name in ("page", "per_page"):
        value = draw(st.one_of(st.sampled_from(WEIRD_NUMBERS), st.integers(-(10**30), 10**30).map(str)))
        return f"{name}={_encode(value)}"
    if name in ("date_from", "date_to"):
        return f"{name}={_encode(draw(st.sampled_from(DATES)))}"
    if name == "sort":
        return f"sort={_encode(draw(st.sampled_from(['relevance', 'date_desc', 'date_asc', 'x', '', '学'])))}"
    return f"{name}={draw(query_text)}"


def _ids() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["cast-452857", "000_99532756a9d00d77", "nope", "..", "%2e%2e", "%00", "a%2Fb"]),
        unicode_text.filter(bool),
        st.sampled_from(LONE_SURROGATES),
    )


@st.composite
def requests(draw: st.DrawFn) -> str:
    """A path with a raw (already percent-encoded) query string."""
    routes = ["/api/v1/documents/", "/", "/doc/", "/healthz", "/embed.js", "/api/v1/openapi.json",
              "/api/v2/x"]
    route = draw(st.sampled_from(["/api/v1/search"] * 6 + routes))
    path = route + draw(_ids()) if route.endswith("/") and route != "/" else route
    params = draw(st.lists(_param(), max_size=8))
    if draw(st.booleans()):  # the same parameter repeated
        params += params[:2]
    return path + ("?" + "&".join(params) if params else "")


class Bar:
    """Checks answers against the bar of the campaign; ``problem`` returns why one fails, or None."""

    def __init__(self, openapi: dict[str, Any]):
        registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(openapi))
        self.validators = {
            name: jsonschema.Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{name}"},
                                                  registry=registry)
            for name in ("SearchResponse", "DocumentResponse", "Health", "Error")
        }

    def problem(self, path: str, status: int, content_type: str, body: bytes) -> str | None:
        api = path.startswith("/api/") or path.split("?")[0] == "/healthz"
        if status >= 500:
            code = _code(body)
            if not (status == 503 and code == "search_timeout"):
                return f"{status} {code or body[:80]!r}"
        if not api or status == 304 or path.startswith("/api/v1/openapi.json"):
            return None
        if not content_type.startswith("application/json"):
            return f"{status} answered as {content_type}, not in the JSON envelope"
        try:
            data = json.loads(body)
        except ValueError:
            return f"{status} body is not JSON"
        route = path.split("?")[0]
        name = (
            "Error" if status >= 400
            else "SearchResponse" if route == "/api/v1/search"
            else "Health" if route == "/healthz"
            else "DocumentResponse"
        )
        errors = sorted(self.validators[name].iter_errors(data), key=lambda e: e.path)
        if errors:
            return f"{status} {name} invalid: {errors[0].message[:120]}"
        return None


def _code(body: bytes) -> str | None:
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None
