"""HTML → text: title, date, source and body of a saved society web page (selectolax, Lexbor backend).

``parse_html(markup, url=None) -> HtmlPage``.

* **Per-site selectors** come from ``indexer/data/sites.json``: a site matches by domain (from ``url``, or
  the page's ``<link rel=canonical>`` / ``og:url`` / ``<base href>``) or by a marker selector that only its
  CMS produces; it names CSS selectors for ``title``, ``date``, ``source`` and ``body``, and ``drop``
  selectors removed first (info bars, share buttons inside the article).
* **Generic fallback** for unknown layouts: navigation, headers, footers, forms, scripts and elements whose
  class or id says ``nav``/``menu``/``footer``/``share``/``copyright``… are removed, then the densest text
  block wins (each paragraph's length counts for its parent and half for its grandparent, link text does
  not count, as in Readability).
* Title: site selector, else ``<meta name=ArticleTitle>`` / ``og:title``, else the first ``<h1>``, else
  ``<title>`` without its `` - site name`` suffix. Date: site selector, else ``PubDate`` /
  ``article:published_time`` metadata or ``<time datetime>``, else a ``发布时间：`` line. Source: site
  selector, else ``ContentSource`` metadata, else a short ``来源：X`` line outside the body.
* Text: block elements and ``<br>`` become line breaks (paragraphs), whitespace inside a paragraph is
  folded as a browser does, ``<ruby>`` keeps its base text (``<rt>``/``<rp>`` dropped).

A page whose body is empty once cleaned (fewer than :data:`MIN_BODY_CHARS` characters) raises
:class:`NoContent` (a ``ValueError``); the reader reports it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from search.normalize import HAN_CLASS

from .clean import clean_text

__all__ = ["HtmlPage", "NoContent", "SiteRule", "parse_html", "load_sites", "html_to_text"]

# A body shorter than this (after whitespace folding) is "no content": an index page, a login wall.
MIN_BODY_CHARS = 10

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul caption".split()
)
_SKIP_TAGS = frozenset("script style noscript template rt rp iframe object embed svg canvas select "
                       "button input textarea head title".split())
_CHROME_TAGS = ("nav", "header", "footer", "aside", "form")
_CHROME_ATTR_RE = re.compile(
    r"(?:^|[-_ ])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|header|head|top|sidebar|side|share|"
    r"bdshare|social|copyright|copy|login|search|pager|pagination|comment|comments|related|tools?|print|"
    r"weizhi|dqwz|banner|ad|ads|advert)(?:$|[-_ \d])",
    re.IGNORECASE,
)
_WS_RE = re.compile(r"[ \t\n\r\f]+")
HAN_RE = re.compile(f"[{HAN_CLASS}]")
_DATE_RE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_LINE_RE = re.compile(r"(?:发布|發佈|发表|發表|更新)?(?:时间|時間|日期)\s*[:：]")
_SOURCE_RE = re.compile(r"(?:来源|來源|稿源|出处|出處)\s*[:：]\s*(?P<src>[^\s|｜]{1,40})")
_SOURCE_PREFIX_RE = re.compile(r"^\s*(?:信息|文章|新闻|新聞)?(?:来源|來源|稿源|出处|出處|供稿)\s*[:：]\s*")
_TITLE_SPLIT_RE = re.compile(r"\s+[-–—|_｜]\s+|\s*[|｜_]\s*|--")


class NoContent(ValueError):
    """The page has no body text (an index page, an empty template)."""


@dataclass(frozen=True)
class HtmlPage:
    """What a page states: ``date`` is ``YYYY-MM-DD`` or ``None``; body paragraphs end with ``\\n``."""

    title: str | None
    date: str | None
    source: str | None
    body: str


@dataclass(frozen=True)
class SiteRule:
    """One entry of ``sites.json``: how to read one site's (or one CMS's) article pages."""

    name: str
    domains: tuple[str, ...]
    markers: tuple[str, ...]
    body: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    drop: tuple[str, ...] = ()

    def matches(self, tree: LexborHTMLParser, domain: str | None) -> bool:
        if domain and any(domain == d or domain.endswith("." + d) for d in self.domains):
            return True
        return any(tree.css_first(m) is not None for m in self.markers)


def _rule_from_json(entry: dict[str, Any]) -> SiteRule:
    return SiteRule(
        name=entry["name"],
        domains=tuple(entry.get("domains", ())),
        markers=tuple(entry.get("markers", ())),
        body=entry["body"],
        title=entry.get("title"),
        date=entry.get("date"),
        source=entry.get("source"),
        drop=tuple(entry.get("drop", ())),
    )


@functools.lru_cache(maxsize=4)
def load_sites(path: str | None = None) -> tuple[SiteRule, ...]:
    """Site rules from ``path`` (default: the packaged ``indexer/data/sites.json``), in file order.

    Raises ``ValueError`` naming the file when an entry lacks ``name`` or ``body``.
    """
    if path is None:
        text = resources.files("indexer").joinpath("data/sites.json").read_text(encoding="utf-8")
        where = "indexer/data/sites.json"
    else:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        where = path
    try:
        return tuple(_rule_from_json(e) for e in json.loads(text)["sites"])
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{where}: invalid site rules ({exc})") from exc


def html_to_text(node: LexborNode) -> str:
    """Text of ``node`` with block elements and ``<br>`` as line breaks, inline whitespace folded."""
    out: list[str] = []
    # Iterative walk (deeply nested table layouts would exceed the recursion limit): (node, leaving).
    stack: list[tuple[LexborNode, bool]] = [(node, False)]
    while stack:
        current, leaving = stack.pop()
        tag = current.tag
        if leaving:
            out.append("\n")
            continue
        if tag == "-text":
            out.append(_WS_RE.sub(" ", current.text_content or ""))
            continue
        if tag is None or tag.startswith("-") or tag in _SKIP_TAGS:
            continue
        if tag == "br":
            out.append("\n")
            continue
        block = tag in _BLOCK_TAGS
        if block:
            out.append("\n")
            stack.append((current, True))
        children = []
        child = current.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    lines = (line.strip(" ") for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _first_text(tree: LexborHTMLParser, selector: str | None) -> str | None:
    if not selector:
        return None
    node = tree.css_first(selector)
    if node is None:
        return None
    text = _WS_RE.sub(" ", node.text(separator=" ")).strip()
    return text or None


def _meta(tree: LexborHTMLParser, *names: str) -> str | None:
    wanted = {n.lower() for n in names}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = (attrs.get("name") or attrs.get("property") or "").lower()
        if key in wanted and attrs.get("content"):
            return (attrs.get("content") or "").strip() or None
    return None


def _page_domain(tree: LexborHTMLParser, url: str | None) -> str | None:
    candidates = [url]
    link = tree.css_first("link[rel=canonical]")
    if link is not None:
        candidates.append(link.attributes.get("href"))
    candidates.append(_meta(tree, "og:url"))
    base = tree.css_first("base[href]")
    if base is not None:
        candidates.append(base.attributes.get("href"))
    for candidate in candidates:
        if candidate:
            host = urlsplit(candidate).hostname
            if host:
                return host.lower()
    return None


def parse_date(text: str | None) -> str | None:
    """First ``YYYY-MM-DD`` / ``YYYY年M月D日`` / ``YYYY/M/D`` / ``YYYY.M.D`` date in ``text``, if valid."""
    if not text:
        return None
    for m in _DATE_RE.finditer(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            continue
    return None


def _clean_source(text: str | None) -> str | None:
    if not text:
        return None
    text = _SOURCE_PREFIX_RE.sub("", text).strip()
    m = re.match(r"[^\s|｜]+(?: [A-Za-z][^\s|｜]*)*", text)
    return m.group() if m else None


def _title_from_head(tree: LexborHTMLParser) -> str | None:
    raw = _first_text(tree, "title")
    if not raw:
        return None
    parts = [p.strip() for p in _TITLE_SPLIT_RE.split(raw) if p.strip()]
    return parts[0] if parts else None


def _is_chrome(node: LexborNode) -> bool:
    attrs = node.attributes
    marks = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".strip()
    return bool(marks) and bool(_CHROME_ATTR_RE.search(marks))


def _han_count(node: LexborNode) -> int:
    return len(HAN_RE.findall(node.text(separator="")))


def _drop_chrome(root: LexborNode) -> None:
    # A class name is a hint, not proof (``article ad-free``, ``main-top``): never drop a container that
    # holds most of the page's text.
    total = _han_count(root)
    for tag in _CHROME_TAGS:
        for node in root.css(tag):
            if _han_count(node) * 2 < total:
                node.decompose()
    for node in root.css("[class], [id]"):
        if node.tag in ("html", "body") or not _is_chrome(node) or _han_count(node) * 2 >= total:
            continue
        node.decompose()


def _densest_block(root: LexborNode) -> LexborNode | None:
    """The element whose paragraphs hold the most text (Readability's parent/grandparent scoring)."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}

    def credit(node: LexborNode | None, amount: float) -> None:
        if node is None or node.tag in (None, "html", "-document"):
            return
        scores[node.mem_id] = scores.get(node.mem_id, 0.0) + amount
        nodes[node.mem_id] = node

    for node in root.traverse(include_text=True):
        if node.tag != "-text":
            continue
        parent = node.parent
        if parent is None or parent.tag in _SKIP_TAGS or parent.tag == "a":
            continue
        length = len(_WS_RE.sub("", node.text_content or ""))
        if length < 2:
            continue
        # Inline wrappers (<span>, <strong>, <font>) count as part of their block.
        block = parent
        while block is not None and block.tag not in _BLOCK_TAGS and block.parent is not None:
            block = block.parent
        if block is None:
            continue
        if block.tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote"):
            credit(block.parent, length)
            credit(block.parent.parent if block.parent is not None else None, length / 2)
        else:
            credit(block, length)
            credit(block.parent, length / 2)
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    return nodes[best]


def _strip_lines(body: str, *values: str | None) -> str:
    """Drop a body's leading lines that repeat the title or are the info bar (date / source line)."""
    lines = body.split("\n")
    while lines and (lines[0] in values or _DATE_LINE_RE.search(lines[0]) and len(lines[0]) < 80):
        lines.pop(0)
    return "\n".join(lines)


def parse_html(markup: str, url: str | None = None, sites: tuple[SiteRule, ...] | None = None) -> HtmlPage:
    """Read one page (see the module docstring); ``url`` helps pick the site rule.

    Raises :class:`NoContent` when the body has fewer than :data:`MIN_BODY_CHARS` characters.
    """
    tree = LexborHTMLParser(markup)
    rules = load_sites() if sites is None else sites
    domain = _page_domain(tree, url)
    rule = next((r for r in rules if r.matches(tree, domain)), None)

    meta_title = _meta(tree, "ArticleTitle", "og:title")
    meta_date = parse_date(_meta(tree, "PubDate", "publishdate", "article:published_time", "date"))
    meta_source = _clean_source(_meta(tree, "ContentSource", "source"))
    time_node = tree.css_first("time[datetime]")
    time_date = parse_date(time_node.attributes.get("datetime")) if time_node is not None else None

    title = date = source = None
    body_node: LexborNode | None = None
    if rule is not None:
        # Read the rule's fields first: the info bar that holds them is usually among the dropped nodes.
        title = _first_text(tree, rule.title)
        date = parse_date(_first_text(tree, rule.date))
        source = _clean_source(_first_text(tree, rule.source))
        for selector in rule.drop:
            for node in tree.css(selector):
                node.decompose()
        body_node = tree.css_first(rule.body)

    # Outside the body, the page header lines (info bar) are where a generic date/source is written.
    info_text = html_to_text(tree.body) if tree.body is not None else ""
    title = title or meta_title or _first_text(tree, "h1") or _title_from_head(tree)
    date = date or meta_date or time_date
    source = source or meta_source
    if date is None or source is None:
        for line in info_text.split("\n"):
            if len(line) > 80:
                continue
            if date is None and _DATE_LINE_RE.search(line):
                date = parse_date(line)
            if source is None and (m := _SOURCE_RE.search(line)) and _DATE_LINE_RE.search(line):
                source = m.group("src")

    if body_node is None and tree.body is not None:
        _drop_chrome(tree.body)
        body_node = _densest_block(tree.body)
    body = html_to_text(body_node) if body_node is not None else ""
    body = _strip_lines(body, title)
    # Measured after cleaning, so a page of chrome only (a footer, a share bar) has no content either.
    if len(_WS_RE.sub("", clean_text(body).text)) < MIN_BODY_CHARS:
        raise NoContent("HTML page has no content")
    return HtmlPage(title=title, date=date, source=source, body=body)
