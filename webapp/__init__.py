"""The web stage: the Flask app over the index — search page, JSON API, embed widget, health check.

Build it with :func:`create_app` (gunicorn runs ``webapp:create_app()``); there is no module-level app.
The web app imports ``search`` (the query API, the index store), never ``indexer``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from search import settings as search_settings

from . import settings as _web_settings  # noqa: F401  (declares the HUIXUN_* settings of the web app)

__all__ = ["create_app"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app.

    ``test_config`` keys in lower case are huixun settings (``index_dir``, ``rate_limit`` …, overriding
    the ``HUIXUN_*`` environment; ``lexicon`` is the process's, as jieba's dictionary is: see
    :func:`search.lexicon.use_lexicon`); keys in upper case go to Flask's ``app.config`` as they are
    (``TESTING``, ``RATE_LIMIT_CLOCK`` — a zero-argument callable returning seconds, for tests).
    Raises :class:`search.settings.SettingsError` for an unknown setting or a value of the wrong type.
    """
    from . import api, errors, feeds, http, i18n, index, ingest_api, limits, pages, ratelimit

    overrides = dict(test_config or {})
    flask_config = {key: overrides.pop(key) for key in list(overrides) if key.isupper()}
    settings = search_settings.resolve(overrides)
    if "lexicon" in overrides:
        # jieba's dictionary is the process's: a lexicon given here becomes the process's lexicon.
        _use_lexicon(settings["lexicon"])

    if "cache_mb" in overrides:
        # The caches are the process's, like the lexicon: every generation this process reads.
        from search.cache import use_cache_mb

        use_cache_mb(settings["cache_mb"])
    if "facet_exact_limit" in overrides:
        from search.facets import use_exact_limit

        use_exact_limit(settings["facet_exact_limit"])

    app = Flask(__name__)
    app.config["HUIXUN"] = settings
    app.config.update(flask_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.trim_blocks = True  # template tags leave no blank lines: smaller pages
    app.jinja_env.lstrip_blocks = True
    if settings["trust_proxy"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    _warm_analyzer()
    limits.init_app(app)  # first: an oversized request is refused before any other work
    i18n.init_app(app)
    index.init_app(app, settings["index_dir"])
    http.init_app(app)
    limiter = ratelimit.RateLimiter(
        settings["rate_limit"], settings["rate_burst"], app.config.get("RATE_LIMIT_CLOCK", time.monotonic)
    )
    app.extensions["huixun_limiter"] = limiter

    @app.before_request
    def _rate_limit() -> None:
        if not request.path.startswith("/api/") or request.method == "OPTIONS":
            return
        decision = limiter.hit(request.remote_addr or "unknown")
        if not decision.allowed:
            raise errors.ApiError(
                429,
                f"too many requests; retry in {decision.retry_after} s",
                headers={"Retry-After": str(decision.retry_after)},
                extra={"retry_after": decision.retry_after},
            )

    errors.register_error_handlers(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    ingest_api.init_app(app)
    app.register_blueprint(feeds.bp)
    return app


def _use_lexicon(path: str) -> None:
    """Segment (and extract) with the lexicon file ``path`` from now on, reloading a loaded segmenter."""
    from search.analysis import active_lexicon_fingerprint, reload_lexicon
    from search.lexicon import lexicon_fingerprint, use_lexicon

    use_lexicon(path)
    if active_lexicon_fingerprint() not in (None, lexicon_fingerprint()):
        reload_lexicon()


def _warm_analyzer() -> None:
    """Load jieba's dictionary now: under ``preload_app`` the master does it once, shared by the workers."""
    from search.analysis import segmenter

    segmenter()
