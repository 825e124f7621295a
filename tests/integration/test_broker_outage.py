"""Redis down when an endpoint enqueues: the request still succeeds, nothing is half-written,
and the sweeper sends the run once the broker is back."""

import datetime
import socket
import time

import pytest

from marketplace.celery import app as celery_app
from matching.models import MatchRun
from matching.services import runs
from tests.matching_fixtures import make_request

pytestmark = pytest.mark.integration


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _use_broker(url: str) -> None:
    celery_app.conf.broker_url = url
    # The connection and producer pools are rebuilt for the new address.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_run_started_while_redis_is_down_is_queued_and_sent_when_it_is_back(
    celery_worker, client_for, admin_carol, sme_alice, alice_company
):
    make_request(alice_company, sme_alice)
    working = celery_app.conf.broker_url
    _use_broker(f"redis://127.0.0.1:{_closed_port()}/0")
    try:
        response = client_for(admin_carol).post("/api/v1/match-runs/", {}, format="json")
    finally:
        _use_broker(working)

    assert response.status_code == 202
    time.sleep(1)  # had the message gone out, the worker would have taken it by now
    run = MatchRun.objects.get()
    assert run.status == "queued"  # committed, and nothing else half-done

    sent = runs.requeue_stalled_runs(queued_for=datetime.timedelta(0))

    assert sent == [str(run.pk)]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and MatchRun.objects.get().status != "succeeded":
        time.sleep(0.2)
    assert MatchRun.objects.get().status == "succeeded"
