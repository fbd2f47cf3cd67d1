"""Every ``HUIXUN_*`` setting is read through the one settings table, and ``create_app(test_config)``
overrides each of them over the environment (issue #14: ``lexicon`` used to be accepted and ignored)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import indexer.cli  # noqa: F401  (its commands may declare settings)
from search.analysis import active_lexicon_fingerprint, reload_lexicon, segment
from search.lexicon import DEFAULT_LEXICON_PATH, lexicon_fingerprint, lexicon_path, use_lexicon
from search.settings import SETTINGS, Setting, SettingsError
from webapp import create_app

from .conftest import REPO

#: A society of the demo corpus that the packaged lexicon does not know (as in test_lexicon_reload).
SOCIETY = "中国自然科学博物馆学会"
QUIET = {"rate_limit": 1e6, "rate_burst": 1_000_000}


def _other_value(setting: Setting) -> Any:
    """A valid value different from the default, of the setting's type (for settings added later too;
    a setting whose parser refuses the generic guess keeps its default, still given as an override)."""
    guess = _guess_other(setting)
    try:
        setting.coerce(guess)
    except SettingsError:
        return setting.default
    return guess


def _guess_other(setting: Setting) -> Any:
    default = setting.default
    if isinstance(default, bool):
        return not default
    if isinstance(default, int):
        return default + 1
    if isinstance(default, float):
        return default * 2
    if isinstance(default, list):
        return ["https://example.org"]
    return "127.0.0.1:1" if setting.name == "bind" else f"{default}-other"


def _env_value(setting: Setting) -> str:
    """A valid environment value, different from both the default and :func:`_other_value` (or, when
    the parser refuses the generic guess, the default written out)."""
    guess = _guess_env(setting)
    try:
        setting.coerce(guess)
    except SettingsError:
        default = setting.default
        return ",".join(default) if isinstance(default, list) else str(default).lower()
    return guess


def _guess_env(setting: Setting) -> str:
    default = setting.default
    if isinstance(default, bool):
        return "true" if not default else "false"
    if isinstance(default, int | float):
        return str(default + 3)
    if isinstance(default, list):
        return "https://env.example.org"
    return f"{default}-env"


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_create_app_overrides_every_setting_over_the_environment(
    name: str, demo_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setting = SETTINGS[name]
    if name == "lexicon":
        value: Any = str(_lexicon_with_society(tmp_path))
        monkeypatch.setenv(setting.env_var, str(tmp_path / "not-this-one.tsv"))
    elif name == "index_dir":
        value = str(demo_index)
        monkeypatch.setenv(setting.env_var, str(tmp_path / "no-index-here"))
    else:
        value = _other_value(setting)
        monkeypatch.setenv(setting.env_var, _env_value(setting))
    config: dict[str, Any] = {"index_dir": str(demo_index), **QUIET, name: value}
    try:
        app = create_app(config)
        assert app.config["HUIXUN"][name] == setting.coerce(value)
        probe = PROBES.get(name)
        if probe is not None:
            probe(app, value)
    finally:
        if name == "lexicon":
            _packaged_lexicon_again(monkeypatch)


def test_every_setting_comes_from_the_environment_without_an_override(
    demo_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for setting in SETTINGS.values():
        if setting.name not in ("index_dir", "lexicon", "rate_limit", "rate_burst"):
            monkeypatch.setenv(setting.env_var, _env_value(setting))
    app = create_app({"index_dir": str(demo_index), **QUIET})
    for setting in SETTINGS.values():
        if setting.name not in ("index_dir", "lexicon", "rate_limit", "rate_burst"):
            assert app.config["HUIXUN"][setting.name] == setting.coerce(_env_value(setting)), setting.name


def test_lexicon_is_read_through_the_settings_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "staff.tsv"
    monkeypatch.setenv("HUIXUN_LEXICON", str(path))
    assert lexicon_path() == path
    monkeypatch.setenv("HUIXUN_LEXICON", "")
    assert lexicon_path() == DEFAULT_LEXICON_PATH


def test_the_packaged_gunicorn_configuration_reads_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUIXUN_WORKERS", "3")
    monkeypatch.setenv("HUIXUN_BIND", "127.0.0.1:1234")
    monkeypatch.setenv("HUIXUN_TIMEOUT", "12")
    monkeypatch.setenv("HUIXUN_ACCESS_LOG", "/tmp/huixun-access.log")
    sys.modules.pop("webapp.gunicorn_conf", None)
    conf = importlib.import_module("webapp.gunicorn_conf")
    try:
        assert (conf.workers, conf.bind, conf.timeout, conf.accesslog) == (
            3, ["127.0.0.1:1234"], 12, "/tmp/huixun-access.log"
        )
        assert conf.wsgi_app == "webapp:create_app()" and conf.preload_app is True
    finally:
        sys.modules.pop("webapp.gunicorn_conf", None)
    assert not (REPO / "gunicorn.conf.py").exists()  # one configuration, inside the package


# -- behaviour probes: the override is not only stored, it is what the app does ----------------------
def _lexicon_with_society(tmp_path: Path) -> Path:
    path = tmp_path / "lexicon.tsv"
    packaged = DEFAULT_LEXICON_PATH.read_text(encoding="utf-8")
    path.write_text(packaged + f"org\t{SOCIETY}\t\n", encoding="utf-8")
    return path


def _packaged_lexicon_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUIXUN_LEXICON", raising=False)
    use_lexicon(None)
    reload_lexicon()
    assert active_lexicon_fingerprint() == lexicon_fingerprint(DEFAULT_LEXICON_PATH)


def _probe_lexicon(app: Flask, value: Any) -> None:
    assert active_lexicon_fingerprint() == lexicon_fingerprint(Path(value))
    assert SOCIETY in [word.text for word in segment(f"{SOCIETY}举办年会").words]
    # and the query side reads the same file (its cached Lexicon was cleared by the reload)
    body = app.test_client().get("/api/v1/search", query_string={"q": SOCIETY}).get_json()
    assert body["ok"] is True and body["total"] >= 1


def _probe_index_dir(app: Flask, value: Any) -> None:
    assert app.test_client().get("/healthz").get_json()["documents"] == 401


def _probe_cors(app: Flask, value: Any) -> None:
    response = app.test_client().get("/api/v1/search?q=学会", headers={"Origin": value[0]})
    assert response.headers["Access-Control-Allow-Origin"] == value[0]
    other = app.test_client().get("/api/v1/search?q=学会", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def _probe_max_query_length(app: Flask, value: Any) -> None:
    client = app.test_client()
    assert client.get("/api/v1/search", query_string={"q": "学" * value}).status_code == 200
    too_long = client.get("/api/v1/search", query_string={"q": "学" * (value + 1)})
    assert too_long.status_code == 400 and too_long.get_json()["error"]["param"] == "q"


def _probe_frame_ancestors(app: Flask, value: Any) -> None:
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert f"frame-ancestors {value}" in csp


def _probe_cache_max_age(app: Flask, value: Any) -> None:
    response = app.test_client().get("/api/v1/search?q=学会")
    assert response.headers["Cache-Control"] == f"public, max-age={value}"


def _probe_trust_proxy(app: Flask, value: Any) -> None:
    seen: list[str | None] = []

    @app.get("/_probe_remote_addr")
    def remote_addr() -> str:
        from flask import request

        seen.append(request.remote_addr)
        return ""

    app.test_client().get("/_probe_remote_addr", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen == (["203.0.113.9"] if value else ["127.0.0.1"])


def _probe_cache_mb(app: Flask, value: Any) -> None:
    from search.cache import cache_budget, use_cache_mb

    try:
        assert cache_budget() == value * 1024 * 1024  # the process's caches, as the lexicon
        body = app.test_client().get("/api/v1/search", query_string={"q": "学会"}).get_json()
        assert body["ok"] is True
    finally:
        use_cache_mb(None)


PROBES: dict[str, Callable[[Flask, Any], None]] = {
    "cache_mb": _probe_cache_mb,
    "lexicon": _probe_lexicon,
    "index_dir": _probe_index_dir,
    "cors_origins": _probe_cors,
    "max_query_length": _probe_max_query_length,
    "frame_ancestors": _probe_frame_ancestors,
    "cache_max_age": _probe_cache_max_age,
    "trust_proxy": _probe_trust_proxy,
}


@pytest.fixture(autouse=True)
def _no_leftover_lexicon() -> Iterator[None]:
    yield
    use_lexicon(None)


def test_a_process_setting_reads_the_environment_once_and_an_override_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from search.settings import ProcessSetting

    setting = ProcessSetting("cache_mb")
    monkeypatch.setenv("HUIXUN_CACHE_MB", "7")
    assert setting.get() == 7
    monkeypatch.setenv("HUIXUN_CACHE_MB", "9")  # read once: hot paths do not parse the environment
    assert setting.get() == 7
    setting.use(3)
    assert setting.get() == 3
    setting.use(None)
    assert setting.get() == 7
