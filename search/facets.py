"""Facet counts over the current results: ``source``, ``category``, ``year`` (+ months of a selected
year), ``person``, ``org``, ``place``.

Selections combine with OR inside a facet and AND across facets. The count of a value is the number of
results that selecting it would give: each facet is counted over the results filtered by every *other*
facet's selection (its own selection left out), so values of a facet with a selection still show what
choosing them instead would give. Counting is one ``numpy.bincount`` per facet over the per-generation
columns of :class:`search.snapshot.FacetColumn`, over the matched documents' values only (a facet's
cost follows the number of results, not the number of values).

Bounded work for huge match sets: when more documents than ``HUIXUN_FACET_EXACT_LIMIT`` are counted,
the counts come from an even sample of them (every k-th matching document), scaled up, and the
response says so (``facets_estimated``); below the limit they are exact.

Buckets are sorted by count (then value), cut to ``facet_limit`` unless the facet is named in
``facet_more``; ``year`` and ``month`` are sorted by value, newest first, and never cut. A selected
value is always listed (with count 0 when nothing has it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from .dedup import DupGroups
from .facetspec import FACETS, FacetSpec, facet_spec
from .lexicon import Lexicon
from .models import FacetBucket, SearchRequest, parse_date_bound
from .normalize import normalize
from .query import FieldFilter
from .settings import ProcessSetting
from .snapshot import DocSet, FacetColumn, Snapshot

__all__ = [
    "value_indexes",
    "selection_masks",
    "filter_mask",
    "apply_selections",
    "compute_facets",
    "exact_limit",
    "use_exact_limit",
]

_EXACT_LIMIT = ProcessSetting("facet_exact_limit")


def use_exact_limit(documents: int | None) -> None:
    """Count facets exactly up to ``documents`` matches in this process (``None``: the
    ``facet_exact_limit`` setting)."""
    _EXACT_LIMIT.use(documents)


def exact_limit() -> int:
    """Matches up to which facet counts are exact (above: estimated from a sample)."""
    return int(_EXACT_LIMIT.get())


def value_indexes(column: FacetColumn, spec: FacetSpec, values: Iterable[str], lexicon: Lexicon) -> set[int]:
    """The indexes (into ``column.values``) of the stored values that the typed ``values`` select, by
    the facet's rule (:mod:`search.facetspec`), the same for a URL parameter and for ``facet:value``
    in the query text: a value as stored selects itself; otherwise ``label`` facets take the stored
    values equal to it after normalization, else those containing it, and ``name`` facets those equal
    to its normalized form or to its lexicon entry's canonical name."""
    chosen: set[int] = set()
    for raw in values:
        value = raw.strip()
        exact = column.index.get(value)
        if exact is not None:
            chosen.add(exact)
            continue
        if spec.rule == "exact" or not value:
            continue
        norm = normalize(value).strip()
        wanted = {norm, lexicon.canonical_name(value)} if spec.rule == "name" else {norm}
        found = {i for i, stored in enumerate(column.normalized) if stored in wanted}
        if not found and spec.rule == "label":
            found = {i for i, stored in enumerate(column.normalized) if norm in stored}
        chosen |= found
    return chosen


def selection_masks(
    snap: Snapshot, filters: Mapping[str, Iterable[str]], lexicon: Lexicon
) -> dict[str, np.ndarray]:
    """One mask per facet with a selection: the documents having any selected value (values of one
    facet combine with OR; see :func:`value_indexes` for what a value selects)."""
    masks = {}
    for name, values in filters.items():
        if values:
            column = snap.facets[name]
            chosen = value_indexes(column, facet_spec(name), values, lexicon)
            masks[name] = column.value_mask(chosen, snap.size)
    return masks


def filter_mask(snap: Snapshot, filters: Iterable[FieldFilter], lexicon: Lexicon) -> np.ndarray:
    """The live documents passing the query text's ``facet:value`` filters: the same rule as the
    request's selections (OR within a facet, AND across)."""
    by_facet: dict[str, list[str]] = {}
    for flt in filters:
        by_facet.setdefault(flt.facet, []).append(flt.value)
    mask = snap.live.copy()
    for selected in selection_masks(snap, by_facet, lexicon).values():
        mask &= selected
    return mask


def apply_selections(
    base: np.ndarray, masks: Mapping[str, np.ndarray], skip: str | None = None
) -> np.ndarray:
    """``base`` AND every selection mask except ``skip``'s."""
    out = base.copy()
    for name, mask in masks.items():
        if name != skip:
            out &= mask
    return out


def compute_facets(
    snap: Snapshot,
    base: np.ndarray,
    masks: Mapping[str, np.ndarray],
    request: SearchRequest,
    groups: DupGroups | None = None,
    exact: int | None = None,
) -> tuple[dict[str, tuple[FacetBucket, ...]], dict[str, int], bool]:
    """Buckets of every facet (and ``month`` when exactly one year is selected), the number of
    distinct values each facet has among its results, and whether the counts are estimates.
    ``base`` are the query's matches before the request's selections, ``masks`` those selections
    (:func:`selection_masks`).

    With ``groups`` (collapsed results), a count is the number of near-duplicate groups with a member
    having the value: what selecting it shows as the collapsed total.

    When a facet counts more than ``exact`` documents (default :func:`exact_limit`), its counts are
    those of an even sample of about ``exact`` of them, scaled to the whole (rounded; a value found in
    the sample counts at least 1), and the third result is true: the work stays bounded whatever the
    number of matches. The distinct-value numbers are then those of the sample (at most the truth)."""
    exact = exact_limit() if exact is None else exact
    facets: dict[str, tuple[FacetBucket, ...]] = {}
    totals: dict[str, int] = {}
    estimated = False
    # Facets without a selection of their own count over the same documents: list them once.
    among_all, scale_all = _thinned(apply_selections(base, masks), exact)
    estimated |= scale_all != 1.0
    single_all, dup_all = _split_groups(among_all, groups)
    docs_all = DocSet.of(single_all)
    group = groups.group if groups is not None else np.zeros(0, dtype=np.int32)
    for name in FACETS:
        column = snap.facets[name]
        if name in masks:
            among, scale = _thinned(apply_selections(base, masks, skip=name), exact)
            estimated |= scale != 1.0
            single, dup = _split_groups(among, groups)
            counts = column.counts(single)
        else:
            counts, dup, scale = column.counts(single_all, docs_all), dup_all, scale_all
        if dup is not None:
            counts = counts + column.group_counts(*dup, group, snap.uniform[name])
        counts = _scaled(counts, scale)
        selected = set(request.filters.get(name, ()))
        ordered = name == "year"
        limit = None if ordered or name in request.facet_more else request.facet_limit
        facets[name], totals[name] = _buckets(column, counts, selected, limit, ordered)
    years = request.filters.get("year", ())
    if len(years) == 1:
        month_col = snap.months
        counts = month_col.counts(single_all, docs_all)
        if dup_all is not None:
            counts = counts + month_col.group_counts(*dup_all, group, snap.uniform["month"])
        counts = _scaled(counts, scale_all)
        prefix = years[0] + "-"
        keep = np.array([v.startswith(prefix) for v in month_col.values], dtype=bool)
        counts = np.where(keep, counts, 0) if keep.size else counts
        chosen = _selected_month(request)
        facets["month"], totals["month"] = _buckets(month_col, counts, chosen, None, True)
    return facets, totals, estimated


def _thinned(among: np.ndarray, limit: int) -> tuple[np.ndarray, float]:
    """``among`` itself (and 1.0) when it holds at most ``limit`` documents, else an even sample of
    them (every k-th matching docnum, k the smallest step that keeps at most ``limit``) and the factor
    that scales the sample's counts to the whole."""
    count = int(np.count_nonzero(among))
    if count <= limit:
        return among, 1.0
    step = -(-count // limit)
    kept = np.flatnonzero(among)[::step]
    sample = np.zeros(among.size, dtype=bool)
    sample[kept] = True
    return sample, count / kept.size


def _scaled(counts: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return counts
    # A value seen in the sample has at least one document: never shown as 0.
    return np.where(counts > 0, np.maximum(np.rint(counts * scale), 1), 0).astype(np.int64)


def _split_groups(
    among: np.ndarray, groups: DupGroups | None
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """``among``'s documents without near-duplicates (counted one by one), and the docnums of those
    with (counted once per group) with one of them per group; None when there are none."""
    if groups is None:
        return among, None
    dup = among & groups.dup
    if not dup.any():
        return among, None
    docs = np.flatnonzero(dup)
    firsts = docs[np.unique(groups.group[docs], return_index=True)[1]]
    return among & ~groups.dup, (docs, firsts)


def _selected_month(request: SearchRequest) -> set[str]:
    if not request.date_from or not request.date_to:
        return set()
    month = request.date_from[:7]
    if request.date_from == parse_date_bound(month, end=False) and request.date_to == parse_date_bound(
        month, end=True
    ):
        return {month}
    return set()


def _buckets(
    column: FacetColumn,
    counts: np.ndarray,
    selected: set[str],
    limit: int | None,
    by_value: bool,
) -> tuple[tuple[FacetBucket, ...], int]:
    values, index = column.values, column.index
    present = (counts != 0).nonzero()[0]  # (several times faster than np.flatnonzero on int64)
    distinct = int(present.size)
    if by_value:
        # ``values`` are sorted and distinct: by value, newest first, is the reverse index order.
        shown = present[::-1]
    else:
        # Count, then value (``values`` are sorted, so the index breaks count ties alphabetically)
        # as one int64 key, largest first; only the ``limit`` best are sorted.
        key = counts[present].astype(np.int64) * len(values) + (len(values) - 1 - present)
        if limit is not None and distinct > limit:
            top = np.argpartition(-key, limit - 1)[:limit]
        else:
            top = np.arange(distinct)
        shown = present[top[np.argsort(-key[top])]]
    if limit is not None:
        shown = shown[:limit]
    counted = counts[shown].tolist()
    buckets = [
        FacetBucket(values[i], n, values[i] in selected) for i, n in zip(shown.tolist(), counted, strict=True)
    ]
    listed = {b.value for b in buckets}
    for value in sorted(selected - listed):
        i = index.get(value)
        buckets.append(FacetBucket(value, int(counts[i]) if i is not None else 0, True))
    return tuple(buckets), distinct
