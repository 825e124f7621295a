"""PostgreSQL unreachable: the API says so with a 503 and when to retry, never a 500; /readyz
names the database. A real gunicorn whose DATABASE_URL points at a closed port."""

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(url: str, *, method: str = "GET", body: bytes | None = None, language: str = "ja"):
    headers = {"Accept-Language": language, "Content-Type": "application/json", "Accept": "application/json"}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_free_port()}/nowhere",
        "CONN_MAX_AGE": "0",
    }
    env.pop("TEST_DB_NAME", None)
    log_path = tmp_path_factory.mktemp("db-down") / "server.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
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


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/chambers/", None),
        ("GET", "/api/v1/skills/", None),
        ("POST", "/api/v1/auth/token/", b'{"email": "a@b.test", "password": "x"}'),
        (
            "POST",
            "/api/v1/auth/register/",
            b'{"email": "a@b.test", "password": "long-enough-2026", "role": "sme", "name": "A"}',
        ),
    ],
)
def test_the_api_answers_503_with_retry_after_in_the_callers_language(server, method, path, body):
    status, headers, content = _call(server + path, method=method, body=body, language="ja")
    english = _call(server + path, method=method, body=body, language="en")

    assert status == 503, content
    assert int(headers["Retry-After"]) > 0
    assert headers["Content-Type"].startswith("application/json")
    assert "データベース" in json.loads(content)["detail"]
    assert english[0] == 503
    assert "database" in json.loads(english[2])["detail"]


def test_readyz_names_the_database(server):
    status, headers, content = _call(server + "/readyz")

    assert status == 503
    assert "database" in json.loads(content)["down"]
    assert int(headers["Retry-After"]) > 0


def test_liveness_still_answers(server):
    assert _call(server + "/healthz")[0] == 200
