"""Entity mentions of one text: the rule modules combined over one shared jieba pass."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from search.analysis import Word, segment
from search.lexicon import Lexicon
from search.normalize import to_simplified

from .flags import _Index, _lexicon, _tag
from .orgs import _find_orgs, _inside_named_thing, _listed_companies, _quoted_orgs
from .people import _find_people, _latin_people, _place_led_names
from .places import _SEAT_TAILS, _ZONE_TAILS, _contained_places, _find_places
from .tables import _HAN_RUN_RE, KINDS


@dataclass(frozen=True)
class Mention:
    """One entity mention: ``kind`` (person/org/place), the ``surface`` form as written (Simplified),
    its ``canonical`` name (lexicon alias merging) and its character span in the input. ``implied``
    marks a place written only inside a longer name (中共嘉兴市委 → 嘉兴): a facet value, but not a
    mention by the gold guidelines (§2)."""

    kind: str
    surface: str
    canonical: str
    start: int
    end: int
    implied: bool = False


@dataclass(frozen=True)
class Entities:
    """Canonical Simplified names, distinct, in order of first appearance."""

    people: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)



def _lexicon_prefixes(name: str, lex: Lexicon, kind: str) -> list[str]:
    """Lexicon names of ``kind`` that begin ``name`` and are shorter than it."""
    return [name[:k] for k in range(2, len(name)) if lex.types.get(name[:k]) == kind]


_MEMORIAL_WORDS = ("纪念馆", "革命纪念馆", "博物馆", "陈列馆", "旧址", "革命旧址", "故居")
# Foreign countries written in front of an institution's name as its location (美国科罗拉多州立大学).
_FOREIGN_COUNTRIES = (
    "美国", "日本", "韩国", "俄罗斯", "英国", "法国", "德国", "意大利", "西班牙", "葡萄牙", "荷兰", "比利时",
    "瑞士", "瑞典", "挪威", "芬兰", "丹麦", "波兰", "奥地利", "希腊", "以色列", "印度", "泰国", "越南",
    "新加坡", "马来西亚", "澳大利亚", "新西兰", "加拿大", "巴西", "爱尔兰",
)
_LOCATED_HEADS = ("大学", "学院", "研究院", "研究所", "医院", "实验室")


def _split_countries(norm: str, words: tuple[Word, ...], orgs: list[tuple[int, int]]
                     ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Split a foreign country off the front of a university, institute or hospital name whose own
    name is a proper name (美国科罗拉多州立大学 → 科罗拉多州立大学 + 美国; not 美国医学科学院): the
    institution is named without it and the country is a place of the document."""
    out, places = [], []
    by_start: dict[int, Word] | None = None
    for start, end in orgs:
        name = norm[start:end]
        if not name.startswith(_FOREIGN_COUNTRIES):  # the common case, one C call
            out.append((start, end))
            continue
        country = next((c for c in _FOREIGN_COUNTRIES if name.startswith(c)), None)
        head = next((h for h in _LOCATED_HEADS if name.endswith(h)), None)
        if country is None or head is None or len(name) - len(country) - len(head) < 2:
            out.append((start, end))
            continue
        if by_start is None:
            by_start = {w.start: w for w in words}
        first = by_start.get(start + len(country))
        rest = name[len(country) :]
        if rest.startswith(("国", "皇家", "中央")) or rest[0].isdigit():
            out.append((start, end))
            continue
        if first is None or _tag(first) in ("nr", "nrt", "nrfg", "ns", "nz", "x", "eng"):
            places.append((start, start + len(country)))
            start += len(country)
        out.append((start, end))
    return out, places


def _settle_overlaps(norm: str, words: tuple[Word, ...], people: list[tuple[int, int]],
                     orgs: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """A name that runs into the beginning of an organization's: a name ending inside a jieba word is a
    piece of that word and goes (法索 + 国防部长: no 索国防); else the organization begins after the name
    and a conjunction (严德发 + 及经济部长: 经济部, not 德发及经济部), or goes when too little is left."""
    if not people or not orgs:
        return people, orgs
    kept_people = []
    for p in people:
        hit = [o for o in orgs if p[0] < o[0] < p[1] < o[1]]
        if not hit:
            kept_people.append(p)
            continue
        if _word_ending(words, p[1]) < 0:
            continue
        kept_people.append(p)
        for o in hit:
            orgs.remove(o)
            start = p[1]
            while start < o[1] and norm[start] in "及和与、":
                start += 1
            if o[1] - start >= 3 and _word_ending(words, start) >= 0:
                orgs.append((start, o[1]))
    return kept_people, sorted(orgs)


def _caucus(norm: str, words: tuple[Word, ...], span: tuple[int, int]) -> tuple[int, int]:
    """A party's name that jieba cut from the 团 of its caucus (国民党 + 团 → 国民党团) takes it back."""
    start, end = span
    if norm[end - 1] != "党" or not norm.startswith("团", end):
        return span
    k = _word_ending(words, end)
    if 0 <= k < len(words) - 1 and words[k + 1].text == "团":
        return start, end + 1
    return span


def _word_ending(words: tuple[Word, ...], end: int) -> int:
    """The index of the word of ``words`` (in text order) that ends at ``end``, else -1."""
    k = bisect.bisect_left(words, end, key=lambda w: w.end)
    return k if k < len(words) and words[k].end == end else -1


def _drop_nested(spans: list[tuple[int, int]], outer: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` less those inside another span of ``outer`` (not counting the span itself)."""
    if not spans or not outer:
        return list(spans)
    ordered = sorted(set(outer))
    starts = [o[0] for o in ordered]
    reach = []  # reach[k]: the furthest end among ordered[: k + 1]
    furthest = -1
    for o in ordered:
        furthest = max(furthest, o[1])
        reach.append(furthest)
    kept = []
    for s in spans:
        # Nested: an outer span starting before s and reaching its end, or starting with s and
        # reaching past it (s itself starts with s and reaches exactly its end).
        before = bisect.bisect_left(starts, s[0])
        upto = bisect.bisect_right(starts, s[0])
        if (before and reach[before - 1] >= s[1]) or (upto and reach[upto - 1] > s[1]):
            continue
        kept.append(s)
    return kept


def _overlaps(spans: list[tuple[int, int]], others: list[tuple[int, int]]) -> list[bool]:
    """For each span of ``spans``: whether it overlaps a span of ``others``."""
    if not others:
        return [False] * len(spans)
    ordered = sorted(others)
    starts = [o[0] for o in ordered]
    reach = []
    furthest = -1
    for o in ordered:
        furthest = max(furthest, o[1])
        reach.append(furthest)
    out = []
    for start, end in spans:
        k = bisect.bisect_left(starts, end)  # the others that start before this span ends
        out.append(bool(k) and reach[k - 1] > start)
    return out



def find_mentions(text: str) -> list[Mention]:
    """Every entity mention in ``text``, in text order; see the module docstring for the rules."""
    if not text:
        return []
    seg = segment(text)
    norm, words = seg.normalized, seg.words
    lex = _lexicon()
    index = _Index(words)
    orgs = [(words[i].start, words[i].end) for i in index.orgs]
    orgs += _find_orgs(text, norm, words, index.heads)
    orgs += _quoted_orgs(norm)
    orgs += _listed_companies(norm, words)
    orgs = _drop_nested(sorted(set(orgs)), orgs)
    # An organization inside the name of a building or site (抗日军政大学纪念馆) is not named (§2).
    orgs = [o for o in orgs if not norm.startswith(_MEMORIAL_WORDS, o[1])]
    # Nor one that begins the name of a product, platform or programme (人民日报客户端, guidelines §2).
    orgs = [o for o in orgs if not _inside_named_thing(words, _word_ending(words, o[1]))]
    orgs = [_caucus(norm, words, o) for o in orgs]
    orgs, located = _split_countries(norm, words, orgs)
    people = _find_people(norm, words, lex, {o[1] for o in orgs}, index)
    people = [p for p in people if not any(o[0] <= p[0] and p[1] <= o[1] for o in orgs)]
    people, orgs = _settle_overlaps(norm, words, people, orgs)
    people = _drop_nested(people + _place_led_names(words, index), people)
    latin = _latin_people(text, norm, people)
    people = sorted(set(people) | set(latin))
    places = _find_places(words, lex, norm, index.places, index.split) + located
    # A place inside an organization name is not a place of the document (guidelines §2); it is kept
    # as an *implied* place for the facets when the organization is a local government or party
    # committee (中共嘉兴市委 → 嘉兴), or the place is the parent of a zone (重庆高新区 → 重庆).
    seats = [o for o in orgs if norm.endswith(_SEAT_TAILS, o[0], o[1])]
    zones = [q for q in places if norm.endswith(_ZONE_TAILS, q[0], q[1])]
    implied = [
        p for p in places
        if any(o[0] <= p[0] and p[1] <= o[1] for o in seats)
        or any(q[0] == p[0] and p[1] < q[1] for q in zones)
    ]
    implied += [
        (q[0], q[1] - len(tail)) for q in places for tail in _ZONE_TAILS
        if norm.endswith(tail, q[0], q[1]) and lex.types.get(norm[q[0] : q[1] - len(tail)]) == "place"
    ]
    # Likewise the parent of a sub-unit (清华大学公共管理学院 → 清华大学) is an implied organization.
    implied_orgs = [
        (o[0], o[0] + len(parent)) for o in orgs for parent in _lexicon_prefixes(norm[o[0] : o[1]], lex,
         "org")
    ]
    taken = orgs + people
    places = [p for p, overlaps in zip(places, _overlaps(places, taken), strict=True) if not overlaps]
    places = _drop_nested(places, places)
    places = _contained_places(norm, words, places, taken)
    mentions = []
    groups = (("person", people, False), ("org", orgs, False), ("place", places, False),
              ("place", implied, True), ("org", implied_orgs, True))
    simplified: str | None = None  # to_simplified(text), for the few spans not all Han
    for kind, spans, is_implied in groups:
        for start, end in spans:
            if _HAN_RUN_RE.fullmatch(norm, start, end):
                # Normalization changes no Han character after t2s: the span is its Simplified form.
                surface = norm[start:end]
            else:
                if simplified is None:
                    simplified = to_simplified(text)
                surface = _surface(simplified, norm, start, end)
            if len(surface) < 2:
                continue
            canon = lex.canonical.get(norm[start:end], surface)
            glossed = latin.get((start, end)) if kind == "person" else None
            if glossed is not None and glossed != (start, end):  # the Latin form of the name before it
                canon = lex.canonical.get(norm[glossed[0] : glossed[1]], norm[glossed[0] : glossed[1]])
            mentions.append(Mention(kind, surface, canon, start, end, implied=is_implied))
    mentions.sort(key=lambda m: m.start)
    return mentions






def _surface(simplified: str, norm: str, start: int, end: int) -> str:
    # Simplified text keeps the case of Latin letters and full-width parentheses as written; other
    # full-width forms are folded like the normalizer.
    out = simplified[start:end]
    if out.lower() == norm[start:end]:
        return out
    pairs = zip(out, norm[start:end], strict=True)
    return "".join(c if c.lower() == n or c in "（）" else n for c, n in pairs)


def extract_entities(text: str) -> Entities:
    """People, organizations and places of ``text``: canonical Simplified names, distinct, in order of
    first appearance. Never raises on odd input; an empty text gives empty lists."""
    return entities_of(find_mentions(text))


def entities_of(mentions: list[Mention]) -> Entities:
    """The :class:`Entities` of ``mentions`` (from :func:`find_mentions`)."""
    lists: dict[str, dict[str, None]] = {k: {} for k in KINDS}
    for m in mentions:
        lists[m.kind][m.canonical] = None
    return Entities(people=list(lists["person"]), orgs=list(lists["org"]), places=list(lists["place"]))
