"""The alert feed pushed as server-sent events: what the viewer may see, from the last id they saw."""

from __future__ import annotations

import json

from fangkong.core import alertstream

from .conftest import high_risk_arrival


def first_events(response, n: int) -> list[dict]:
    """The first `n` alert events of a stream (then it is closed, as a browser leaving the page would)."""
    out: list[dict] = []
    # The test client's generator around the view's (response.streaming_content maps it and cannot be closed).
    chunks = response._iterator
    idle = 0
    try:
        while len(out) < n:
            chunk = next(chunks)
            text = chunk.decode() if isinstance(chunk, bytes) else chunk
            if text.startswith("id: "):
                out.append(json.loads(text.split("data: ", 1)[1]))
            elif text.startswith(": keep-alive"):
                idle += 1
                assert idle < 10, f"no event came; had {out}"
    finally:
        chunks.close()  # as the server does when the browser goes: the response closes without the test's connection
    return out


def test_a_stream_sends_what_the_viewer_may_see_from_where_they_were(district, screening, monkeypatch):
    monkeypatch.setattr(alertstream, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(alertstream, "HEARTBEAT_SECONDS", 0.1)  # a stream that never sends fails in a second
    to_a = high_risk_arrival(screening, district.a)
    high_risk_arrival(screening, district.b)  # not street 1's
    to_a2 = high_risk_arrival(screening, district.a)
    c = district.client(district.street1)
    r = c.get("/hall/stream", {"after": to_a.pk - 1})
    assert r.status_code == 200 and r["Content-Type"] == "text/event-stream"
    assert r["Cache-Control"] == "no-cache" and r["X-Accel-Buffering"] == "no"
    events = first_events(r, 2)
    assert [e["id"] for e in events] == [to_a.pk, to_a2.pk]
    assert events[0]["severity"] == "bad" and "上海市浦东新区" in events[0]["title"]
    assert events[0]["dispatch"].startswith(f"/hall/alerts/{to_a.pk}/dispatch")
    # The browser's reconnect resumes after the last id it saw.
    r = c.get("/hall/stream", HTTP_LAST_EVENT_ID=str(to_a.pk))
    assert [e["id"] for e in first_events(r, 1)] == [to_a2.pk]


def test_a_stream_is_scoped_like_the_hall(district):
    assert district.client(district.street1).get("/hall/stream", {"jurisdiction": district.s2.pk}).status_code == 404
    assert district.client(district.unit_staff).get("/hall/stream").status_code == 404


def test_past_the_limit_a_stream_is_refused_and_the_page_asks_instead(district, settings):
    settings.ALERT_MAX_STREAMS = 0
    r = district.client(district.hq).get("/hall/stream")
    assert r.status_code == 503 and r["Retry-After"] == "30"


def test_a_stream_ends_when_the_database_goes(district, django_db_blocker, monkeypatch):
    """The database gone under an open stream (a restart; at the end of a browser test, the test's database torn
    down): the stream ends — the browser reconnects by itself — instead of failing with an error logged."""
    monkeypatch.setattr(alertstream, "POLL_SECONDS", 0.01)
    r = district.client(district.hq).get("/hall/stream")
    chunks = r._iterator
    assert next(chunks).startswith(b"retry:")
    with django_db_blocker.block():
        rest = list(chunks)  # ends; with the error raised, list() would raise it
    assert rest == []
