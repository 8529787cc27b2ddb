"""The world of objects is built once per test module, inside a transaction rolled back at the module's end; each
check runs in its own nested transaction (pytest-django's `db`), so a POST that does change something is undone
before the next check."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings

from .world import World, build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    from django.conf import settings
    from django.core.cache import cache

    from fangkong.core import memo

    media = tmp_path_factory.mktemp("authz-media")
    overrides = override_settings(
        # As fangkong/conftest.py's autouse fixtures do per test (they are function-scoped, this is not).
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=media,
        FANGKONG={**settings.FANGKONG, "INLINE_JOBS_IN_THREAD": False},
        LANGUAGE_CODE="en",
    )
    with django_db_blocker.unblock(), overrides:
        memo.clear_all()
        cache.clear()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build()
            w.extra["media"] = media
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            memo.clear_all()
            cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, request):
    # fangkong/conftest.py gives each test a media folder of its own; here the files were stored once, with the
    # world (attachments, signatures), and the pages that serve them must find them.
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").extra["media"]
