"""Schemathesis against the API: generated requests, valid and invalid, for every operation fuzzed, as district HQ and
as a community worker. No reply may be a 5xx, none may break the schema the document gives it, have a status or a
content type the document does not list.

In-process, through the WSGI application the servers run (the scanners' fast path included), over the small demo
district, inside the test's transaction: whatever a generated request writes is rolled back. It is CI's own step on
PostgreSQL (.ci/run sets FANGKONG_FUZZ=1; skipped otherwise, so the suite does not run it twice): a fixed number of
examples per operation (FANGKONG_FUZZ_EXAMPLES), derandomized, so a run takes a minute or two and fails the same
way twice. FANGKONG_FUZZ_RANDOM=1 draws new examples each run, to hunt.

Not fuzzed (EXCLUDED): signing in and out and revoking tokens (they would end or lock out the session the fuzz runs
in); uploads and bulk batches (a file or a batch of up to 10,000 rows per example would take the run's whole
budget; each has its own tests); issuing personal codes for a whole jurisdiction (slow, and the same service as the
page's); restoring the portal's published texts; data-protection settings (another module's own checks).
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fangkong.core.tests.test_no_500 import _token
from fangkong.site.demo import seed_demo

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        os.environ.get("FANGKONG_FUZZ") != "1" or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the API fuzz is CI's own step, on PostgreSQL (FANGKONG_FUZZ=1)",
    ),
]

EXAMPLES = int(os.environ.get("FANGKONG_FUZZ_EXAMPLES", "25"))  # per operation, each run as HQ and as a worker

EXCLUDED = re.compile(
    r"/auth/|/tokens:revoke"  # sign-in, sign-out, revocation: the fuzzing session itself
    r"|/import$|:import$|:upload$|:bulk$|/photos$|/sign$"  # files and batches: their own tests
    r"|/testing/codes:issue$|/portal/integrity:restore$|/dataprotection/"
)
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture
def api_schema(db):
    from fangkong.site.wsgi import application

    # As Django's test client does: a request's end must not close the connection holding the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        seed_demo(people=100)
        loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        yield loaded.exclude(path_regex=EXCLUDED.pattern)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_api_under_fuzz(api_schema):
    # Each operation is its own Hypothesis test, run here one after the other (schemathesis' pytest plugin does not
    # run on this pytest), its failure recorded and the next one run: the report lists them all.
    users = get_user_model().objects.filter(username__in=["hq_admin", "grid_worker_a"]).order_by("username")
    tokens = [{"Authorization": _token(u)["HTTP_AUTHORIZATION"]} for u in users]
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=os.environ.get("FANGKONG_FUZZ_RANDOM") != "1",
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def fuzz(case):
            for headers in tokens:
                _check(case, headers)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports its findings as a group
            failures.append(f"{operation.label}: {_describe(exc)}")
    assert operations > 100, operations
    assert not failures, f"{len(failures)} of {operations} operations failed:\n" + "\n\n".join(failures)


def _check(case, headers: dict) -> None:
    # A savepoint per call: a request that fails a statement outside the service's own transaction would otherwise
    # leave the test's transaction aborted for the calls after it (in production there is none around a request).
    savepoint = transaction.savepoint()
    try:
        response = case.call(headers=headers)
    finally:
        if connection.needs_rollback or _aborted():
            transaction.savepoint_rollback(savepoint)
            connection.needs_rollback = False
        else:
            transaction.savepoint_commit(savepoint)
    case.validate_response(response, checks=CHECKS, headers=headers)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    for sub in getattr(exc, "exceptions", ()):
        text += "\n  " + str(sub)[:600]
    return text[:2000]


def _aborted() -> bool:
    from psycopg.pq import TransactionStatus

    return connection.connection.info.transaction_status == TransactionStatus.INERROR
