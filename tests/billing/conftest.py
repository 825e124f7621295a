"""The local Stripe stand-in (localstripe + our labelled Connect simulation) on 127.0.0.1."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def stripe_standin(settings, tmp_path) -> Iterator[str]:
    try:
        import localstripe  # noqa: F401
    except ImportError:
        need_service("localstripe", False)
    port = _free_port()
    log = (tmp_path / "stripe-standin.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.stripe_standin", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        need_service("the Stripe stand-in", False)
    settings.STRIPE_SECRET_KEY = "sk_test_standin"
    settings.STRIPE_API_BASE = base
    yield base
    process.terminate()
    process.wait(timeout=10)


AUTH = ("sk_test_standin", "")


def wait_for(predicate, timeout: float = 15.0) -> bool:
    """Poll until `predicate()` is true (webhooks arrive about a second after the event)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return bool(predicate())


@pytest.fixture
def stripe_webhooks(stripe_standin, live_server, settings) -> str:
    """The stand-in delivers its (signed) events into the live test server's webhook."""
    import requests

    response = requests.post(
        f"{stripe_standin}/_config/webhooks/tests",
        data={"url": f"{live_server.url}/api/v1/billing/stripe/webhook/", "secret": settings.STRIPE_WEBHOOK_SECRET},
        auth=AUTH,
        timeout=5,
    )
    assert response.status_code == 200
    return stripe_standin
