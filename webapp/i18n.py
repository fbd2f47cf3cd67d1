"""Interface language: Chinese by default, English with ``?lang=en`` or an English ``Accept-Language``.

Messages are written in English in the templates and code (``_("Search")``) and translated in
``webapp/translations/zh/LC_MESSAGES/messages.po``; the compiled ``.mo`` is committed beside it
(recompile with ``pybabel compile -d webapp/translations`` after editing the ``.po``).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "select_locale", "init_app", "explicit_lang"]

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def explicit_lang() -> str | None:
    """The language asked for in the URL (``?lang=``), kept in the links the page generates."""
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else None


def select_locale() -> str:
    lang = explicit_lang()
    if lang:
        return lang
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)
