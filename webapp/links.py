"""URLs of the search page: the current search state, and the state after one change.

The page is driven entirely by its query string (it works without JavaScript), so every control —
a facet toggle, an entity chip, a sort option, a timeline bar, a page number — is a link to the
current state with one change. Changing what is searched resets the page to 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

from search.facetspec import FACET_SPECS

__all__ = ["FILTER_PARAMS", "SearchState"]

#: Repeatable filter parameters, in the order the page shows them (:mod:`search.facetspec`).
FILTER_PARAMS: tuple[str, ...] = tuple(spec.param for spec in FACET_SPECS)
_STATE_PARAMS = ("q", *FILTER_PARAMS, "date_from", "date_to", "sort", "per_page", "more", "page", "lang")


class SearchState:
    """The search page's parameters as an ordered list of ``(name, value)`` pairs (empty values dropped)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        self.pairs = [(name, value) for name, value in pairs if name in _STATE_PARAMS and value != ""]

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> SearchState:
        return cls(args.items(multi=True))

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.pairs if key == name), None)

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def has(self, name: str, value: str) -> bool:
        return (name, value) in self.pairs

    def filters(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self.pairs if name in FILTER_PARAMS]

    # -- derived states ------------------------------------------------------------------------
    def _without_page(self) -> list[tuple[str, str]]:
        return [pair for pair in self.pairs if pair[0] != "page"]

    def toggled(self, name: str, value: str) -> SearchState:
        """Add the filter ``name=value``, or remove it when present."""
        pairs = self._without_page()
        if (name, value) in pairs:
            return SearchState(pair for pair in pairs if pair != (name, value))
        return SearchState([*pairs, (name, value)])

    def replaced(self, **changes: str | None) -> SearchState:
        """Set each named parameter to one value (``None`` removes it); resets the page unless given."""
        pairs = self._without_page() if "page" not in changes else list(self.pairs)
        pairs = [pair for pair in pairs if pair[0] not in changes]
        pairs += [(name, value) for name, value in changes.items() if value is not None]
        return SearchState(pairs)

    def without_filters(self) -> SearchState:
        drop = set(FILTER_PARAMS) | {"date_from", "date_to", "page"}
        return SearchState(pair for pair in self.pairs if pair[0] not in drop)

    def url(self, endpoint: str = "pages.search") -> str:
        query = urlencode(self.pairs)
        return url_for(endpoint) + ("?" + query if query else "")
