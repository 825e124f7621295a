"""Serving models against slow and idle clients, back to back on 127.0.0.1 (docs/adr/0010).

For each candidate server (same app, DEBUG off, PostgreSQL from DATABASE_URL, Redis from
REDIS_URL): open 50 idle connections (a request's first header lines, never finished), 50
slow-header connections (one header byte a second) and 3 TLS ClientHellos to the plain
port, then time a normal `GET /api/v1/chambers/` on a new connection (the bar: under 1 s).
Then close them and measure throughput: `--clients` keep-alive clients loop on the same list
for `--seconds`; the PostgreSQL connections to the database are counted halfway (psql's own
included) and again 6 s after the clients left.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcyss_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/serving.py [--only sync,gevent-documented]

Candidates whose worker package is not installed are reported as such: eventlet, uvicorn and
uvicorn-worker are not dependencies of the project (`pip install --target DIR ...` then
`PYTHONPATH=DIR` measures them without touching the venv; keep gunicorn out of DIR).
Ratios are against the first candidate of the same run: the machine is shared, so compare
within one run only.
"""

import argparse
import contextlib
import json
import os
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import BENCH_ENVIRONMENT, percentile  # noqa: E402

PATH = "/api/v1/chambers/"
GUNICORN = [sys.executable, "-m", "gunicorn", "--workers", "3", "--timeout", "30", "--log-level", "warning"]
DOCUMENTED = ["--config", "python:gunicorn_conf"]  # every documented start (the Dockerfile's CMD)
WSGI, ASGI = "marketplace.wsgi:application", "marketplace.asgi:application"
# Django under ASGI runs each request's sync code in a thread of its own: persistent
# connections would leak one per request, so Django's advice there is CONN_MAX_AGE=0.
NO_PERSISTENT = {"CONN_MAX_AGE": "0"}
# name -> (command; the bind goes after its third word, extra environment, module the worker needs)
CANDIDATES: dict[str, tuple[list[str], dict[str, str], str]] = {
    "sync": ([*GUNICORN, "--worker-class", "sync", WSGI], {}, "gunicorn"),
    "gthread-8": ([*GUNICORN, "--worker-class", "gthread", "--threads", "8", WSGI], {}, "gunicorn"),
    "gevent": ([*GUNICORN, "--worker-class", "gevent", WSGI], {}, "gevent"),
    "gevent-documented": ([*GUNICORN, *DOCUMENTED, WSGI], {}, "gevent"),
    "gevent-doc-ka0": ([*GUNICORN, *DOCUMENTED, "--keep-alive", "0", WSGI], {}, "gevent"),
    "gevent-cma0": ([*GUNICORN, "--worker-class", "gevent", WSGI], NO_PERSISTENT, "gevent"),
    "eventlet": ([*GUNICORN, "--worker-class", "eventlet", WSGI], {}, "eventlet"),
    "uvicorn-worker": (
        [*GUNICORN, "--worker-class", "uvicorn_worker.UvicornWorker", ASGI],
        NO_PERSISTENT,
        "uvicorn_worker",
    ),
    "uvicorn": (
        [sys.executable, "-m", "uvicorn", "--workers", "3", "--log-level", "warning", ASGI],
        NO_PERSISTENT,
        "uvicorn",
    ),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def client_hello() -> bytes:
    """The bytes a TLS client sends first, as a client following an https:// redirect would."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    context = ssl.create_default_context()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def get(port: int, timeout: float) -> tuple[float, int]:
    """One request on a new connection: (seconds, status or 0)."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            head = sock.recv(64)
        status = int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    except OSError:
        status = 0
    return time.monotonic() - started, status


class Attack:
    """50 idle, 50 slow-header and 3 TLS connections, held until `close()`."""

    def __init__(self, port: int, idle: int = 50, slow: int = 50, tls: int = 3) -> None:
        self.port = port
        self.sockets: list[socket.socket] = []
        self.slow: list[socket.socket] = []
        self.stop = threading.Event()
        head = b"GET / HTTP/1.1\r\nHost: x\r\n"
        hello = client_hello()
        for kind, count, first in (("idle", idle, head), ("slow", slow, b"G"), ("tls", tls, hello)):
            for _ in range(count):
                sock = self._open()
                if sock is None:
                    continue
                with contextlib.suppress(OSError):
                    sock.sendall(first)
                (self.slow if kind == "slow" else self.sockets).append(sock)
        self.trickle = threading.Thread(target=self._trickle, daemon=True)
        self.trickle.start()

    def _open(self) -> socket.socket | None:
        try:
            return socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            return None

    def _trickle(self) -> None:
        text = b"ET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000
        for byte in text:
            if self.stop.wait(1.0):
                return
            for sock in self.slow:
                with contextlib.suppress(OSError):
                    sock.sendall(bytes([byte]))

    def close(self) -> None:
        self.stop.set()
        self.trickle.join(timeout=5)
        for sock in self.sockets + self.slow:
            sock.close()


def throughput(port: int, clients: int, seconds: float, database: str) -> dict[str, float]:
    import requests

    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    sessions: list[requests.Session] = []

    def loop() -> None:
        session = requests.Session()
        sessions.append(session)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                ok = session.get(f"http://127.0.0.1:{port}{PATH}", timeout=10).status_code == 200
            except requests.RequestException:
                ok = False
            mine.append(time.perf_counter() - started)
            bad += not ok
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 2)
    held = pg_connections(database)
    for thread in threads:
        thread.join()
    for session in sessions:
        session.close()
    time.sleep(6)  # past every candidate's keep-alive: the clients have gone
    left = pg_connections(database)
    return {
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "failures": failures[0],
        "pg_connections": held,
        "pg_connections_after": left,
    }


def pg_connections(database: str) -> int:
    """Connections the server holds to its database (psql, so no driver is loaded here)."""
    name = database.rsplit("/", 1)[-1].split("?")[0]
    query = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'"  # noqa: S608 - our own name
    out = subprocess.run(["psql", database, "-tAc", query], capture_output=True, text=True, check=False)  # noqa: S603,S607
    return int(out.stdout.strip() or -1)


def measure(name: str, clients: int, seconds: float) -> dict[str, object]:
    command, extra, module = CANDIDATES[name]
    probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, check=False)  # noqa: S603
    if probe.returncode:
        return {"candidate": name, "skipped": f"{module} not installed"}
    port = free_port()
    bind = ["--bind", f"127.0.0.1:{port}"] if command[2] == "gunicorn" else ["--host", "127.0.0.1", "--port", str(port)]
    env = {
        **os.environ,
        **BENCH_ENVIRONMENT,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "THROTTLE_ANON": "100000000/min",
        **extra,
    }
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"tcyss-serving-{name}.log"  # noqa: S108 - bench logs
    server = subprocess.Popen(  # noqa: S603
        [*command[:3], *bind, *command[3:]], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while get(port, 2)[1] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                return {"candidate": name, "skipped": f"did not start, see {log}"}
            time.sleep(0.3)
        baseline = statistics.median(get(port, 5)[0] for _ in range(5))
        attack = Attack(port)
        try:
            time.sleep(2)  # the slow ones have sent a few bytes, every connection has been accepted
            probes = []
            for _ in range(3):
                elapsed, status = get(port, 40)
                probes.append((elapsed, status))
                if elapsed > 1:
                    break  # starved: once is enough (it waits for gunicorn's timeout)
                time.sleep(0.5)
        finally:
            attack.close()
        time.sleep(1)
        figures = throughput(port, clients, seconds, env["DATABASE_URL"])
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    worst = max(probes)
    return {
        "candidate": name,
        "baseline_ms": round(baseline * 1000, 1),
        "under_attack_ms": round(worst[0] * 1000, 1),
        "under_attack_status": worst[1],
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(CANDIDATES), help="comma-separated candidates, in this order")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a migrated PostgreSQL database")
    results = [measure(name, args.clients, args.seconds) for name in args.only.split(",")]
    first = next((r for r in results if "rps" in r), None)
    print(
        f"\nGET {PATH} under 50 idle + 50 slow-header + 3 TLS connections; then {args.clients} clients, "
        f"{args.seconds:.0f} s\n"
    )
    print(
        f"{'candidate':18} {'alone ms':>9} {'attacked ms':>12} {'req/s':>7} {'ratio':>6} {'p95 ms':>7} "
        f"{'pg conns':>9} {'after':>6}"
    )
    for result in results:
        if "skipped" in result:
            print(f"{result['candidate']:18} skipped: {result['skipped']}")
            continue
        ratio = float(result["rps"]) / float(first["rps"]) if first else 0.0  # type: ignore[arg-type]
        print(
            f"{result['candidate']:18} {result['baseline_ms']:9} {result['under_attack_ms']:12} {result['rps']:7} "
            f"{ratio:6.2f} {result['p95_ms']:7} {result['pg_connections']:9} "
            f"{result['pg_connections_after']:6}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
