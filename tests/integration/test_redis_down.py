"""Redis is a dependency, not a single point of failure: a real server whose Redis (cache and
broker) is unreachable keeps answering every read and write without a 5xx; /readyz names Redis."""

import datetime
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Company
from matching.models import AdvisorRequest, MatchRun, Proposal
from notifications.models import Notification
from tests.api.matrix import MATRIX
from tests.integration.test_broker_outage import _closed_port
from tests.talent_fixtures import make_specialist

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(tmp_path):
    """runserver on a free port, its cache and broker pointed at a closed Redis port."""
    port = _closed_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_REAL_CACHE": "1",
        "TEST_CELERY_EAGER": "0",
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        # Billing configured (its 503 while off is on purpose, tested in tests/billing); no read calls Stripe.
        "STRIPE_SECRET_KEY": "sk_test_redis_down",
        "STRIPE_API_BASE": f"http://127.0.0.1:{_closed_port()}",
    }
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 (loopback only)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


def call(base, method, path, user=None, body=None):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if user is not None:
        headers["Authorization"] = f"Bearer {RefreshToken.for_user(user).access_token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (loopback only)
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started


def test_with_redis_unreachable_every_endpoint_answers_without_a_5xx(
    server, tokyo, admin_carol, sme_alice, alice_company, specialist_bob, operator_olga
):
    Company.objects.filter(pk=alice_company.pk).update(status="verified")
    bob = make_specialist(specialist_bob, skills={"incident_response": 4})
    ready_status, ready_body, _ = call(server, "GET", "/readyz")
    assert ready_status == 503
    assert json.loads(ready_body)["down"] == ["redis"]

    # Writes that enqueue work: publish (a match run) and approve (a notification).
    start = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    status, body, _ = call(
        server,
        "POST",
        "/api/v1/requests/",
        sme_alice,
        {
            "company": str(alice_company.id),
            "kind": "spot",
            "title": "WAF導入の相談",
            "budget_jpy": 30_000,
            "start_date": start,
            "required_skills": [{"skill": "incident_response", "min_level": 3}],
        },
    )
    assert status == 201, body
    request_id = json.loads(body)["id"]
    status, body, publish_seconds = call(server, "POST", f"/api/v1/requests/{request_id}/publish/", sme_alice, {})
    assert status == 200, body
    assert publish_seconds < 2, f"publish waited {publish_seconds:.1f}s on Redis"
    assert AdvisorRequest.objects.get(pk=request_id).status == "open"
    run = MatchRun.objects.get()
    assert run.status == "queued"  # the sweeper sends it once Redis is back
    proposal = Proposal.objects.create(
        run=run, request_id=request_id, specialist=bob, score=700, breakdown={}, facts={}, rank=1
    )
    status, body, approve_seconds = call(server, "POST", f"/api/v1/proposals/{proposal.id}/approve/", admin_carol, {})
    assert status == 200, body
    assert approve_seconds < 2
    assert Notification.objects.filter(kind="proposal_approved", sent_at__isnull=True).count() == 1

    # Sign-up and tokens are throttled through the cache: they fail open.
    status, body, _ = call(
        server,
        "POST",
        "/api/v1/auth/register/",
        None,
        {
            "email": "redisdown@example.test",
            "password": "a-long-enough-pass-2026",
            "role": "sme",
            "name": "R",
        },
    )
    assert status == 201, body
    status, _, _ = call(
        server,
        "POST",
        "/api/v1/auth/token/",
        None,
        {"email": "redisdown@example.test", "password": "a-long-enough-pass-2026"},
    )
    assert status == 200

    ids = {
        "company": alice_company.id,
        "chamber": tokyo.id,
        "specialist": bob.id,
        "request": request_id,
        "run": run.id,
        "review": proposal.id,
    }
    answered = 0
    for method, path in sorted(MATRIX):
        if method != "GET":
            continue
        try:
            url = path.format(**ids)
        except KeyError:
            continue  # a placeholder this small world has no object for
        for user in (None, sme_alice, specialist_bob, admin_carol, operator_olga):
            status, body, _ = call(server, "GET", url, user)
            assert status < 500, (url, status, body[:300])
            answered += 1
    assert answered >= 60
