"""``huixun search QUERY``: the search API from the shell (readable text, or the JSON envelope).

Output is the same :class:`search.models.SearchResponse` the web app renders: ``--json`` prints the
body of ``GET /api/v1/search``, built by the same :func:`search.envelope.search_body`; otherwise one
block per hit with the ``<mark>`` highlights shown in bold colour on a terminal (plain ``[...]``
brackets when piped). An invalid parameter prints the :class:`~search.models.QueryError` message (with
``--json``, the error envelope) and exits with status 2; a missing index is a clean error (status 1).
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Callable

import click

from search import settings
from search.envelope import query_error_body, search_body
from search.facetspec import FACET_SPECS
from search.models import MAX_PER_PAGE, SORTS, QueryError, SearchRequest, SearchResponse
from search.service import run_search
from search.store import IndexStoreError

_MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def plain(fragment: str, colour: bool) -> str:
    """A highlighted HTML fragment as terminal text (ANSI bold yellow marks when ``colour``)."""
    if colour:
        marked = _MARK_RE.sub(lambda m: "\x1b[1;33m" + m.group(1) + "\x1b[0m", fragment)
    else:
        marked = _MARK_RE.sub(lambda m: "[" + m.group(1) + "]", fragment)
    return html.unescape(_TAG_RE.sub("", marked))


def render_text(response: SearchResponse, colour: bool) -> str:
    """The readable report of a response."""
    lines = []
    head = f"{response.total} results ({response.took_ms:.1f} ms)"
    if response.relaxed:
        head += " — no document has every word; showing those with most of them"
    lines.append(head)
    if response.suggestion:
        lines.append(f"did you mean: {response.suggestion}")
    for note in response.notes:
        lines.append(f"note: {note}")
    first = (response.page - 1) * response.per_page
    for rank, hit in enumerate(response.hits, first + 1):
        lines.append("")
        lines.append(f"{rank}. {plain(hit.title_html, colour)}")
        meta = " · ".join(part for part in (hit.date, hit.source, hit.category, hit.id) if part)
        lines.append(f"   {meta}")
        lines.append("   " + plain(hit.snippet_html, colour).replace("\n", " "))
        if hit.duplicates:
            lines.append("   also published as: " + ", ".join(d.id for d in hit.duplicates))
    if response.total > len(response.hits):
        lines.append("")
        lines.append(f"page {response.page} of {response.pages}")
    return "\n".join(lines)


def _facet_options(command: Callable[..., None]) -> Callable[..., None]:
    """One repeatable option per facet (``--source``, ``--person`` …), from :data:`FACET_SPECS`."""
    for spec in reversed(FACET_SPECS):
        command = click.option(
            f"--{spec.param}", spec.name, multiple=True,
            help=f"{spec.help} Repeatable: values combine with OR.",
        )(command)
    return command


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON envelope {\"ok\": true, ...}.")
@click.option("--index-dir", type=click.Path(file_okay=False), default=None,
              help="Index directory; default HUIXUN_INDEX_DIR (var/index).")
@_facet_options
@click.option("--date-from", default=None, help="Earliest date, YYYY-MM-DD.")
@click.option("--date-to", default=None, help="Latest date, YYYY-MM-DD.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="Result order.")
@click.option("--page", default="1", show_default=True, help="Page number, from 1.")
@click.option("--per-page", default="10", show_default=True, help=f"Results per page, 1–{MAX_PER_PAGE}.")
@click.option("--no-collapse", is_flag=True,
              help="List every member of a near-duplicate group (default: one result per group).")
def search(
    query: tuple[str, ...],
    as_json: bool,
    index_dir: str | None,
    date_from: str | None,
    date_to: str | None,
    sort: str,
    page: str,
    per_page: str,
    no_collapse: bool,
    **facets: tuple[str, ...],
) -> None:
    """Search the index for QUERY (see the README, "Search syntax")."""
    try:
        request = SearchRequest.create(
            " ".join(query),
            page=page,
            per_page=per_page,
            sort=sort,
            filters={name: list(values) for name, values in facets.items() if values},
            date_from=date_from,
            date_to=date_to,
            collapse=not no_collapse,
        )
    except QueryError as exc:
        if as_json:
            click.echo(json.dumps(query_error_body(exc), ensure_ascii=False))
            sys.exit(2)
        raise click.UsageError(str(exc)) from None
    directory = index_dir or settings.get("index_dir")
    try:
        response = run_search(directory, request)
    except IndexStoreError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(search_body(response), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(response, colour=sys.stdout.isatty()))
