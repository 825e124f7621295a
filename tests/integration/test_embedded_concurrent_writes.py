"""The embedded default (SQLite, `make run`'s server) holds a dozen people writing at once:
no "database is locked" 500 (seen in a probe: 103 of 499 request creations under load)."""

import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THREADS, EACH = 12, 2  # a dozen people at once; each sign-up hashes a password with Argon2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, body: dict[str, str]) -> int:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback only)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory):
    """`make run`'s server: runserver (threaded) on a SQLite file, DEBUG on, no DATABASE_URL or REDIS_URL."""
    folder = tmp_path_factory.mktemp("embedded")
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "TEST_DB_NAME"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "THROTTLE_AUTH": "10000/min",
        "THROTTLE_ANON": "10000/min",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = _free_port()
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
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


def test_a_dozen_threads_signing_up_at_once_all_succeed(embedded_server):
    def sign_up(thread: int) -> list[int]:
        return [
            _post(
                f"{embedded_server}/api/v1/auth/register/",
                {
                    "email": f"writer{thread}-{n}@example.test",
                    "password": "a-long-enough-pass-2026",
                    "role": "sme" if n % 2 else "specialist",
                    "name": f"W{thread}-{n}",
                },
            )
            for n in range(EACH)
        ]

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        statuses = [status for batch in pool.map(sign_up, range(THREADS)) for status in batch]

    assert statuses == [201] * (THREADS * EACH)
