"""Facet counts over the current results: ``source``, ``category``, ``year`` (+ months of a selected
year), ``person``, ``org``, ``place``.

Selections combine with OR inside a facet and AND across facets. The count of a value is the number of
results that selecting it would give: each facet is counted over the results filtered by every *other*
facet's selection (its own selection left out), so values of a facet with a selection still show what
choosing them instead would give. Counting is one ``numpy.bincount`` per facet over the per-generation
columns of :class:`search.snapshot.FacetColumn`.

Buckets are sorted by count (then value), cut to ``facet_limit`` unless the facet is named in
``facet_more``; ``year`` and ``month`` are sorted by value, newest first, and never cut. A selected
value is always listed (with count 0 when nothing has it).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .models import FACETS, FacetBucket, SearchRequest, parse_date_bound
from .normalize import normalize
from .snapshot import FacetColumn, Snapshot

__all__ = ["selection_masks", "apply_selections", "compute_facets"]


def _value_indexes(column: FacetColumn, wanted: tuple[str, ...]) -> set[int]:
    positions = column.index
    normalized = {value: i for i, value in enumerate(column.normalized)}
    chosen = set()
    for value in wanted:
        index = positions.get(value)
        if index is None:
            index = normalized.get(normalize(value.strip()))
        if index is not None:
            chosen.add(index)
    return chosen


def selection_masks(snap: Snapshot, filters: Mapping[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
    """One mask per facet with a selection: the documents having any selected value."""
    masks = {}
    for name, values in filters.items():
        if values:
            column = snap.facets[name]
            masks[name] = column.value_mask(_value_indexes(column, values), snap.size)
    return masks


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
) -> tuple[dict[str, tuple[FacetBucket, ...]], dict[str, int]]:
    """Buckets of every facet (and ``month`` when exactly one year is selected), and the number of
    distinct values each facet has among its results. ``base`` are the query's matches before the
    request's selections, ``masks`` those selections (:func:`selection_masks`)."""
    facets: dict[str, tuple[FacetBucket, ...]] = {}
    totals: dict[str, int] = {}
    for name in FACETS:
        column = snap.facets[name]
        counts = column.counts(apply_selections(base, masks, skip=name))
        selected = set(request.filters.get(name, ()))
        ordered = name == "year"
        limit = None if ordered or name in request.facet_more else request.facet_limit
        facets[name], totals[name] = _buckets(column, counts, selected, limit, ordered)
    years = request.filters.get("year", ())
    if len(years) == 1:
        month_col = snap.months
        counts = month_col.counts(apply_selections(base, masks))
        prefix = years[0] + "-"
        keep = np.array([v.startswith(prefix) for v in month_col.values], dtype=bool)
        counts = np.where(keep, counts, 0) if keep.size else counts
        chosen = _selected_month(request)
        facets["month"], totals["month"] = _buckets(month_col, counts, chosen, None, True)
    return facets, totals


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
    present = np.flatnonzero(counts)
    if by_value:
        order = sorted(present.tolist(), key=lambda i: values[i], reverse=True)
    else:
        # Values are sorted (the index's term order), so the index breaks count ties alphabetically.
        order = present[np.lexsort((present, -counts[present]))].tolist()
    distinct = len(order)
    shown = order if limit is None else order[:limit]
    buckets = [FacetBucket(values[i], int(counts[i]), values[i] in selected) for i in shown]
    listed = {b.value for b in buckets}
    for value in sorted(selected - listed):
        i = index.get(value)
        buckets.append(FacetBucket(value, int(counts[i]) if i is not None else 0, True))
    return tuple(buckets), distinct
