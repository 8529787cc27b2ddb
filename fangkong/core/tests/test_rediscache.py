"""The Redis cache keeps one client per pool (core.rediscache): the same client for every command, still a working
cache (reads, writes, counters), and a thread of its own gets its own cache object as in Django."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

SHARED = {"default": {"BACKEND": "fangkong.core.rediscache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/9"}}


@pytest.fixture
def shared_cache():
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    with override_settings(CACHES=SHARED):
        cache = caches["default"]
        cache.clear()
        try:
            yield cache
        finally:
            cache.clear()


def test_one_client_serves_every_command_and_the_cache_still_works(shared_cache):
    client = shared_cache._cache.get_client("a", write=True)
    assert shared_cache._cache.get_client("b") is client  # one server: reads and writes share its pool
    shared_cache.set("a", {"n": 1}, 60)
    assert shared_cache.get("a") == {"n": 1}
    shared_cache.set("c", 1, 60)
    assert shared_cache.incr("c", 2) == 3
    assert shared_cache.get_many(["a", "c", "missing"]) == {"a": {"n": 1}, "c": 3}
    assert shared_cache._cache.get_client("a") is client


def test_each_thread_has_its_own_cache_and_client(shared_cache):
    mine = shared_cache._cache.get_client()
    theirs = []

    def other():
        cache = caches["default"]
        cache.set("t", "x", 60)
        theirs.append(cache._cache.get_client())

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert theirs and theirs[0] is not mine and shared_cache.get("t") == "x"
