"""The facets, declared once: every other list of facets derives from :data:`FACET_SPECS`.

A facet has a name (the key of ``SearchRequest.filters`` and of a response's ``facets``), the index
field that holds its values (:mod:`search.schema`), the prefix that selects it in the query text
(``person:万钢``, :mod:`search.query`), the URL parameter and CLI option that select it (``?person=``,
``--person``), an English label (translated by the web app) and a help text (OpenAPI, CLI). Its
``rule`` says how a typed value selects stored values, the same from the URL and from the query text
(:func:`search.facets.value_indexes`):

* ``exact`` — the value as stored (``year``);
* ``label`` — the value as stored, else the same text after normalization (script, width, case), else
  the stored labels containing it (``source:科协`` finds ``中国科协``);
* ``name`` — the value as stored, else its normalized form or the canonical name of the lexicon entry
  it is an alias of (``org:中國科協`` = ``中国科协``).

A new facet is one line here plus its index field in :func:`search.schema.build_schema` (and the
indexer filling that field); the request validation, the query syntax, the facet counts, the page, the
URL state, the CLI options, the OpenAPI document and ``huixun stats`` follow.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FacetSpec", "FACET_SPECS", "FACETS", "facet_spec", "by_query_name", "by_param"]


@dataclass(frozen=True)
class FacetSpec:
    """One facet (see the module docstring)."""

    name: str
    field: str
    query_name: str
    param: str
    label: str
    help: str
    rule: str  # "exact" | "label" | "name"


#: The facets, in display order.
FACET_SPECS: tuple[FacetSpec, ...] = (
    FacetSpec("source", "source", "source", "source", "Source",
              "Publishing body (e.g. 中国科协 (cast.org.cn)).", "label"),
    FacetSpec("category", "category", "category", "category", "Category",
              "Category label.", "label"),
    FacetSpec("year", "year", "year", "year", "Year",
              "Four-digit year of the announcement date.", "exact"),
    FacetSpec("person", "people", "person", "person", "People",
              "A person named in the text (canonical Simplified name).", "name"),
    FacetSpec("org", "orgs", "org", "org", "Organizations",
              "An organization named in the text (aliases merged: 中國科協 = 中国科学技术协会 = 中国科协).",
              "name"),
    FacetSpec("place", "places", "place", "place", "Places",
              "A place named in the text.", "name"),
)

#: Facet names, in display order.
FACETS: tuple[str, ...] = tuple(spec.name for spec in FACET_SPECS)

_BY_NAME = {spec.name: spec for spec in FACET_SPECS}
_BY_QUERY_NAME = {spec.query_name: spec for spec in FACET_SPECS}
_BY_PARAM = {spec.param: spec for spec in FACET_SPECS}


def facet_spec(name: str) -> FacetSpec:
    """The facet called ``name``; ``KeyError`` for an unknown one."""
    return _BY_NAME[name]


def by_query_name(prefix: str) -> FacetSpec | None:
    """The facet selected by ``prefix:`` in the query text, or None."""
    return _BY_QUERY_NAME.get(prefix)


def by_param(param: str) -> FacetSpec | None:
    """The facet selected by the URL parameter (or CLI option) ``param``, or None."""
    return _BY_PARAM.get(param)
