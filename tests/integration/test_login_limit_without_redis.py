"""The sign-in limit holds when Redis goes away: the cache falls over to the process's memory
instead of answering "never seen" to every throttle count."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(check, seconds=30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _post(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _up(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)  # noqa: S310 (loopback only)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own, on its own port, that the test may stop."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert _wait(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0)
    yield port, process
    process.kill()
    process.wait(timeout=10)


@pytest.fixture
def server(own_redis, tmp_path):
    """runserver with its cache in our own Redis and the real sign-in limit of 10 a minute."""
    redis_port, _ = own_redis
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_REAL_CACHE": "1",
        "TEST_THROTTLE_AUTH": "10/min",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
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
    assert _wait(lambda: _up(f"{base}/healthz")), (tmp_path / "server.log").read_text()
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_the_eleventh_wrong_password_in_a_minute_is_refused_with_redis_stopped(server, own_redis, sme_alice):
    _, redis_process = own_redis
    redis_process.kill()
    redis_process.wait(timeout=10)
    wrong = b'{"email": "alice@sme.test", "password": "not-her-password"}'

    statuses = [_post(f"{server}/api/v1/auth/token/", wrong) for _ in range(11)]

    assert statuses == [401] * 10 + [429]
