"""Text written once and read in each reader's language.

- District data kept in Chinese with an optional English version (a zone level's name, an incident level's …):
  interface words are translated by gettext; these are rows the district edits, so their English is a second
  column, not a catalogue entry (`in_reader_language`).
- Lines composed when something happens and read later by people who may each use another language (a
  notification, a hall alert's subject): lazy text (`words`) rendered in every language the site speaks when
  written (`in_each_language`), the reader's picked when read (`pick`)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise, lazy


def in_reader_language(chinese: str, english: str) -> str:
    """The English for a reader in any language but Chinese (the site speaks Simplified Chinese and English), the
    Chinese otherwise or when no English was given."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return english if english and not language.startswith("zh") else chinese


in_reader_language_later = cast(Any, lazy(in_reader_language, str))  # the same, decided when rendered (`words`)


def _render(message: Promise | str, params: dict[str, Any]) -> str:
    return str(message) % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}


_render_lazy = lazy(_render, str)


def words(message: Promise | str, **params: Any) -> Promise:
    """`message % params`, rendered when read, in the language active then. `message` is lazy (gettext_lazy,
    pgettext_lazy, ngettext_lazy with its number) — or a plain pattern joining data ("%(a)s · %(b)s"); parameters
    that are lazy too (an enum's label, `in_reader_language_later`, another `words`) are rendered in the same
    language, others (names, counts, times) as they are."""
    return cast(Promise, _render_lazy(message, params))


def in_each_language(text: Promise | str, limit: int | None = None) -> dict[str, str]:
    """{language code: `text` rendered in it} for each language the site speaks."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = str(text)[:limit]
    return out


def pick(texts: dict[str, Any], fallback: Any) -> Any:
    """The reader's entry of `texts` (by the active language, then its primary subtag), else `fallback`."""
    if not texts:
        return fallback
    language = translation.get_language() or settings.LANGUAGE_CODE
    found = texts.get(language) or texts.get(language.split("-")[0])
    return fallback if found is None else found
