"""A real server refuses a 300 MB upload within the first megabytes, and nothing is spooled."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.integration.test_broker_outage import _closed_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


def test_a_300_megabyte_body_is_refused_before_it_is_read(tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    port = _closed_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TMPDIR": str(spool),  # where Django would spool an upload
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        declared = 300 * 1024 * 1024
        head = (
            f"POST /api/v1/certifications/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: {declared}\r\n\r\n"
        ).encode()
        sent = 0
        answer = b""
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(head + b'--xyz\r\nContent-Disposition: form-data; name="evidence"; filename="a.pdf"\r\n\r\n')
            client.settimeout(0.05)
            chunk = b"0" * (256 * 1024)
            while sent < 8 * 1024 * 1024 and not answer:  # the first 8 MB at most
                try:
                    client.sendall(chunk)
                    sent += len(chunk)
                except OSError:
                    break  # the server closed the connection: it is done with us
                with contextlib.suppress(TimeoutError, BlockingIOError):
                    answer = client.recv(4096)
            client.settimeout(5)
            if not answer:
                answer = client.recv(4096)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert answer.startswith(b"HTTP/1.1 413") or answer.startswith(b"HTTP/1.0 413"), answer[:200]
    assert sent <= 8 * 1024 * 1024
    assert elapsed < 5
    assert sum(f.stat().st_size for f in spool.rglob("*") if f.is_file()) < 1024 * 1024
