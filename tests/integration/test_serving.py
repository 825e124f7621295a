"""The documented serving start (the Dockerfile's command) against slow and idle clients, and
the local Stripe stand-in's webhooks reaching it in the production-like configuration
(DEBUG off, HTTPS redirect on). docs/adr/0010-serving-model.md says why the model is what it is.
"""

import contextlib
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import yaml
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.tokens import RefreshToken

from billing.models import ConnectedAccount, StripeEvent
from tests.billing.conftest import AUTH, stripe_standin  # noqa: F401 - the fixture, used by name
from tests.integration.test_broker_outage import _closed_port
from tests.talent_fixtures import make_specialist

ROOT = Path(__file__).resolve().parents[2]
LIVE = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the server shares the database
PROXIED = {"X-Forwarded-Proto": "https"}  # what the TLS proxy in front of production adds


def dockerfile_command() -> list[str]:
    """The Dockerfile's CMD: what every documented start runs (checked below)."""
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return list(json.loads(line.removeprefix("CMD ")))


def test_every_documented_start_serves_the_same_way():
    """The Dockerfile, the compose file, the README's production start and the load bench
    serve with the same gunicorn configuration, so the test below covers all of them."""
    command = dockerfile_command()
    config = command[command.index("--config") + 1]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["command"]
    readme = (ROOT / "README.md").read_text()
    production = readme.split("## Production without Docker", 1)[1].split("\n## ", 1)[0]
    gunicorn_lines = [line for line in production.splitlines() if line.startswith("gunicorn ")]

    assert command[:1] == ["gunicorn"]
    assert compose[compose.index("--config") + 1] == config
    assert len(gunicorn_lines) == 1
    assert f"--config {config} " in gunicorn_lines[0]
    assert not re.search(r"--(workers|worker-class|threads|timeout|keep-alive)\b", " ".join(command + compose))
    assert re.search(rf'"--config",\s*"{re.escape(config)}"', (ROOT / "bench" / "load.py").read_text())


def _database_url() -> str:
    """The test database, as the server process's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(str(db["USER"]), safe="") + (f":{quote(str(db['PASSWORD']), safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    def __init__(self, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = process
        self.log = log


@pytest.fixture
def serve(tmp_path) -> Iterator[Callable[..., Server]]:
    """Start the Dockerfile's command on a free 127.0.0.1 port with the production settings
    (DEBUG off, so SECURE_SSL_REDIRECT is on), on the test database; Celery runs eagerly."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**extra_env: str) -> Server:
        port = _closed_port()
        command = dockerfile_command()
        command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG")}
        env.update(
            DJANGO_SETTINGS_MODULE="marketplace.settings",
            DEBUG="0",
            SECRET_KEY=settings.SECRET_KEY,  # the JWTs this test signs verify there
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=_database_url(),
            PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
            LOG_LEVEL="WARNING",
            **extra_env,
        )
        log = tmp_path / f"gunicorn-{port}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", *command], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        started.append(process)
        server = Server(port, process, log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if requests.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                    return server
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError(f"the server did not start:\n{log.read_text()[-3000:]}")

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _client_hello() -> bytes:
    """A TLS ClientHello: what a client following a redirect to https:// sends to the plain port."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


@contextlib.contextmanager
def _slow_and_idle_clients(port: int, idle: int = 50, slow: int = 50, tls: int = 3) -> Iterator[None]:
    """`idle` connections that send the start of a request and stop, `slow` ones that send a
    header byte a second, `tls` ones that send a ClientHello; all closed on exit (at most 60 s)."""
    held: list[socket.socket] = []
    trickling: list[socket.socket] = []
    stop = threading.Event()
    hello = _client_hello()
    for count, first, into in (
        (idle, b"GET / HTTP/1.1\r\nHost: x\r\n", held),
        (slow, b"G", trickling),
        (tls, hello, held),
    ):
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
            with contextlib.suppress(OSError):
                sock.sendall(first)
            into.append(sock)

    def trickle() -> None:
        for byte in b"ET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 60:
            if stop.wait(1.0):
                return
            for sock in trickling:
                with contextlib.suppress(OSError):
                    sock.sendall(bytes([byte]))

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        yield
    finally:
        stop.set()
        sender.join(timeout=5)
        for sock in held + trickling:
            sock.close()


@pytest.mark.integration
@LIVE
def test_slow_and_idle_clients_do_not_hold_the_server(serve):
    server = serve()
    timings: list[tuple[float, int | str]] = []
    with _slow_and_idle_clients(server.port):
        for pause in (0.5, 1.0, 1.5):  # while they are all open, and as the slow ones go on
            time.sleep(pause)
            started = time.monotonic()
            status: int | str
            try:
                status = requests.get(f"{server.url}/api/v1/chambers/", headers=PROXIED, timeout=5).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            timings.append((round(time.monotonic() - started, 2), status))

    assert all(status == 200 and seconds < 1 for seconds, status in timings), timings


@pytest.mark.integration
@pytest.mark.stripe_simulation
@LIVE
def test_the_stand_in_webhook_reaches_the_production_like_start(serve, stripe_standin, specialist_bob):  # noqa: F811
    """As README's stand-in recipe, but served as in production: the stand-in delivers over
    plain HTTP on 127.0.0.1 (as the Stripe CLI does), with the HTTPS redirect on."""
    secret = "whsec_serving_test"  # the stand-in's and the server's shared test secret
    server = serve(STRIPE_SECRET_KEY="sk_test_standin", STRIPE_API_BASE=stripe_standin, STRIPE_WEBHOOK_SECRET=secret)
    hook = requests.post(
        f"{stripe_standin}/_config/webhooks/serving",
        data={"url": f"{server.url}/api/v1/billing/stripe/webhook/", "secret": secret},
        auth=AUTH,
        timeout=5,
    )
    assert hook.status_code == 200
    make_specialist(specialist_bob)
    bearer = {"Authorization": f"Bearer {RefreshToken.for_user(specialist_bob).access_token}", **PROXIED}

    onboard = requests.post(f"{server.url}/api/v1/billing/connect/onboard/", headers=bearer, timeout=10)
    assert onboard.status_code == 200, onboard.text
    account_id = onboard.json()["account"]
    completed = requests.post(f"{stripe_standin}/_sim/accounts/{account_id}/complete", auth=AUTH, timeout=5)
    assert completed.status_code == 200, completed.text
    deadline = time.monotonic() + 30  # a delivery takes about a second; a busy machine, longer
    while time.monotonic() < deadline and not StripeEvent.objects.filter(processed_at__isnull=False).exists():
        time.sleep(0.2)

    event = StripeEvent.objects.filter(type="account.updated").first()
    assert event is not None, server.log.read_text()[-3000:]
    assert event.processed_at is not None
    assert ConnectedAccount.objects.get(account_id=account_id).payouts_enabled is True
    status = requests.post(f"{server.url}/api/v1/billing/connect/onboard/", headers=bearer, timeout=10)
    assert status.json()["payouts_enabled"] is True
