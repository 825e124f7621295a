"""Load on a production-like stack, started here on 127.0.0.1 and stopped at the end.

gunicorn (gevent workers, as every documented start) serves the app with DEBUG off; a Celery worker runs the tasks
(match runs started by publish, Stripe events, notifications) through Redis; PostgreSQL
holds the data. `--concurrency` clients, each a user of its own with a keep-alive session,
send a realistic mix for `--seconds`: directory queries with filters, `me/`, request and
proposal lists, request create + publish (a real single-request match run), approvals of
the proposals those runs write, subsidy case reads, and signed Stripe webhook deliveries.

Then, once the worker has finished the match runs, at the same concurrency, the directory
alone and a bare DRF `ModelSerializer` list of the same page size (served by the same
gunicorn, bench/load_urls.py) for `--ratio-seconds` each, in alternating halves:
`directory_rps / bare_list_rps` is the directory's cost over plain DRF. Last, a
schemathesis run over HTTP against the live server checks that every response conforms to
the published schema (status codes, bodies, content types).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcyss_load .venv/bin/python bench/load.py

Prints requests/s, p50/p95/p99 per endpoint, errors, 5xx and throttled responses, and ends
with one JSON line of its figures.
"""

import argparse
import collections
import datetime
import json
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import analyse, percentile, start_django  # noqa: E402

start_django(
    "bench.load_settings",
    REDIS_URL="redis://127.0.0.1:6379/3",
    STRIPE_SECRET_KEY="sk_test_load_only",  # noqa: S106 - a placeholder: no Stripe call leaves the machine
    STRIPE_WEBHOOK_SECRET="whsec_load_only_not_a_secret",  # noqa: S106 - signs the bench's own webhooks
    # Stripe calls go nowhere: the mix never pays (billing has its own stand-in tests).
    STRIPE_API_BASE="http://127.0.0.1:9",
    # Production's 600/min a user is kept in spirit: each client is a user of its own, but
    # one that sends as fast as the machine answers, so the bench allows more.
    THROTTLE_USER="3000/min",
)

import requests  # noqa: E402
import stripe  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.corporate_number import check_digit  # noqa: E402
from accounts.models import Chamber, Company, CompanyMembership, User  # noqa: E402
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal  # noqa: E402
from subsidies.demo import seed_programs  # noqa: E402
from subsidies.models import SubsidyCase, SubsidyProgram  # noqa: E402
from talent.demo import seed_specialists  # noqa: E402
from talent.models import Specialist  # noqa: E402

CHAMBER = "負荷試験商工会議所 (load)"
DIRECTORY, BARE_LIST = "/api/v1/specialists/", "/bench/bare-specialists/"
DIRECTORY_QUERIES: list[dict[str, str]] = [
    {},
    {"skills": "incident_response,digital_forensics", "min_level": "3"},
    {"onsite_in": "13", "request_kind": "incident", "has_capacity": "true"},
    {"certification": "riss", "ordering": "hourly_rate_jpy"},
    {"q": "フォレンジック"},
    {"q": "cloud", "remote_ok": "true", "rate_max": "30000"},
    {"prefecture": "27", "ordering": "-years_experience"},
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(clients: int, specialists: int) -> dict[str, Any]:
    """Users, companies, specialists, a subsidy case per company; returns who is who."""
    call_command("migrate", verbosity=0)
    if Specialist.objects.filter(user__email__startswith="load-").count() < specialists:
        seed_specialists(specialists, email_prefix="load", seed=13, number_offset=500_000)
    chamber, _ = Chamber.objects.get_or_create(name=CHAMBER, defaults={"prefecture": "13"})
    seed_programs(chamber=chamber)
    admin = User.objects.filter(email="load-admin@example.test").first() or User.objects.create_user(
        "load-admin@example.test", None, name="load admin", role=User.Role.CHAMBER_ADMIN, chamber=chamber
    )
    hire_user = User.objects.filter(email="load-hire@example.test").first() or User.objects.create_user(
        "load-hire@example.test", None, name="hire", role=User.Role.SPECIALIST
    )
    hired = Specialist.objects.filter(user=hire_user).first() or Specialist.objects.create(
        user=hire_user, display_name="hire", status="active"
    )
    programs = list(SubsidyProgram.objects.filter(is_current=True).order_by("code"))
    today = timezone.localdate()

    smes = []
    for index in range(clients):
        email = f"load-sme-{index}@example.test"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, None, name=f"SME {index}", role=User.Role.SME
        )
        company = Company.objects.filter(memberships__user=user).first()
        if company is None:
            base = f"{700_000_000_000 + index:012d}"
            company = Company.objects.create(
                name=f"負荷試験株式会社{index}",
                entity_type="corporation",
                corporate_number=f"{check_digit(base)}{base}",
                industry="services",
                capital_jpy=10_000_000,
                employees=20,
                prefecture="13",
                chamber=chamber,
                status="verified",
            )
            CompanyMembership.objects.create(user=user, company=company, role="owner")
            request = AdvisorRequest.objects.create(
                company=company,
                created_by=user,
                kind="hire",
                title="採用",
                budget_jpy=5_600_000,
                start_date=today,
                employment_type="full_time",
                status="filled",
            )
            run = MatchRun.objects.create(chamber=chamber, status="succeeded")
            proposal = Proposal.objects.create(
                run=run, request=request, specialist=hired, score=1, rank=1, status="selected"
            )
            engagement = Engagement.objects.create(
                request=request,
                proposal=proposal,
                specialist=hired,
                company=company,
                kind="hire",
                employment_type="full_time",
                hire_date=today,
                weekly_hours=40,
                annual_salary_jpy=5_600_000,
                started_on=today,
            )
            SubsidyCase.objects.create(
                company=company,
                engagement=engagement,
                program=programs[index % len(programs)],
                status="collecting_documents",
                created_by=user,
                milestones={"period_start": "2026-04-01", "period_end": "2026-06-30"},
            )
        smes.append((user, company))
    # Earlier load runs' requests would pile up in the lists: start each run from the same data.
    AdvisorRequest.objects.filter(company__chamber=chamber, title__startswith="負荷").delete()
    # Without statistics the planner sorted the whole listed set for the directory's first
    # page instead of reading its index.
    analyse()
    # The load's people have confirmed their addresses (an unconfirmed SME may not publish, and an
    # unconfirmed specialist is never listed or proposed).
    User.objects.filter(email__startswith="load-", email_confirmed_at__isnull=True).update(
        email_confirmed_at=timezone.now()
    )
    return {
        "smes": [(str(RefreshToken.for_user(u).access_token), str(c.pk)) for u, c in smes],
        "admin": str(RefreshToken.for_user(admin).access_token),
    }


def start_stack(port: int, workers: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    logs = Path(os.environ.get("LOAD_LOG_DIR", "/tmp")) / "tcyss-load"  # noqa: S108 - bench logs
    logs.mkdir(parents=True, exist_ok=True)
    web = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:gunicorn_conf",
            "marketplace.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "gunicorn.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "celery.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return [web, worker]
        except requests.RequestException:
            time.sleep(0.3)
    web.terminate()
    worker.terminate()
    raise SystemExit(f"gunicorn did not answer; see {logs}/gunicorn.log")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.status: collections.Counter[tuple[str, int]] = collections.Counter()
        self.unexpected = 0  # a status the operation should not answer (429 counted apart), or no answer
        self.failures: list[str] = []

    def record(self, name: str, started: float, response: requests.Response | None, expected: tuple[int, ...]) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        code = response.status_code if response is not None else 0
        with self.lock:
            self.latency[name].append(elapsed)
            self.status[(name, code)] += 1
            if code not in expected and code != 429:
                self.unexpected += 1
                if len(self.failures) < 20:
                    body = response.text[:200] if response is not None else "no response"
                    self.failures.append(f"{name}: {code} {body}")


QUEUED: set[str] = set()  # proposals already handed to an approving session
QUEUED_LOCK = threading.Lock()


def mixed_client(
    base: str, index: int, people: dict[str, Any], stop: threading.Event, rec: Recorder, approvals: "queue.Queue[str]"
) -> None:
    """One user's session: SME clients do the SME mix; every fourth client is the admin."""
    session = requests.Session()
    token, company = people["smes"][index]
    admin = index % 4 == 3
    session.headers["Authorization"] = f"Bearer {people['admin'] if admin else token}"
    rng = random.Random(index)
    secret = settings.STRIPE_WEBHOOK_SECRET
    deliveries = 0

    def call(name: str, method: str, path: str, expected: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            response = session.request(method, base + path, timeout=30, **kwargs)
        except requests.RequestException:
            rec.record(name, started, None, expected)
            return None
        rec.record(name, started, response, expected)
        return response.json() if response.status_code in expected and response.content else None

    while not stop.is_set():
        roll = rng.random()
        if admin:
            if roll < 0.4:
                found = call("GET proposals (admin)", "GET", "/api/v1/proposals/", params={"status": "pending_review"})
                for item in (found or {}).get("results", [])[:5]:
                    with QUEUED_LOCK:
                        if item["id"] in QUEUED:
                            continue
                        QUEUED.add(item["id"])
                    approvals.put(item["id"])
            elif roll < 0.7:
                try:
                    proposal = approvals.get_nowait()
                except queue.Empty:
                    continue
                # Another admin session may have approved it first: 409 is a correct answer there.
                call("POST proposal approve", "POST", f"/api/v1/proposals/{proposal}/approve/", (200, 409), json={})
            else:
                call("GET directory", "GET", "/api/v1/specialists/", params=rng.choice(DIRECTORY_QUERIES))
            continue
        if roll < 0.35:
            call("GET directory", "GET", "/api/v1/specialists/", params=rng.choice(DIRECTORY_QUERIES))
        elif roll < 0.45:
            call("GET me", "GET", "/api/v1/me/")
        elif roll < 0.55:
            call("GET requests", "GET", "/api/v1/requests/")
        elif roll < 0.65:
            call("GET proposals", "GET", "/api/v1/proposals/")
        elif roll < 0.75:
            cases = call("GET subsidy cases", "GET", "/api/v1/subsidy-cases/")
            for case in (cases or {}).get("results", [])[:1]:
                call("GET subsidy case", "GET", f"/api/v1/subsidy-cases/{case['id']}/")
        elif roll < 0.87:
            body = {
                "company": company,
                "kind": rng.choice(["spot", "advisor", "incident"]),
                "title": "負荷試験の依頼",
                "description": "load",
                "required_skills": [{"skill": "incident_response", "min_level": 2}],
                "required_certification": "none",
                "budget_jpy": 100_000,
                "hours_per_month": 4,
                "start_date": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
            }
            created = call("POST request", "POST", "/api/v1/requests/", (201,), json=body)
            if created:
                call("POST request publish", "POST", f"/api/v1/requests/{created['id']}/publish/", json={})
        else:
            deliveries += 1
            event = {
                "id": f"evt_load_{index}_{deliveries}_{time.time_ns()}",
                "object": "event",
                "type": "payment_intent.succeeded",
                "created": int(time.time()),
                "data": {
                    "object": {
                        "id": f"pi_load_{index}_{deliveries}",
                        "object": "payment_intent",
                        "status": "succeeded",
                        "metadata": {},
                    }
                },
            }
            raw = json.dumps(event)
            header = stripe.WebhookSignature.generate_signature_header(raw, secret)
            call(
                "POST stripe webhook",
                "POST",
                "/api/v1/billing/stripe/webhook/",
                data=raw,
                headers={"Content-Type": "application/json", "Stripe-Signature": header},
            )


def only(base: str, path: str, params: dict[str, str], token: str, stop: threading.Event, rec: Recorder) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    while not stop.is_set():
        started = time.perf_counter()
        try:
            response = session.get(base + path, params=params, timeout=30)
        except requests.RequestException:
            response = None
        rec.record(path, started, response, (200,))


def wait_for_match_runs(limit: float = 120) -> float:
    """Until the match runs that the mix's publishes started are done: the list comparison
    that follows should not share the machine with them."""
    started = time.monotonic()
    while MatchRun.objects.filter(status__in=MatchRun.LIVE).exists() and time.monotonic() - started < limit:
        time.sleep(0.5)
    return time.monotonic() - started


def run_threads(targets: list[Any], seconds: float) -> float:
    stop = threading.Event()
    threads = [threading.Thread(target=target, args=(stop,), daemon=True) for target in targets]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return time.perf_counter() - started


def _probe(operation: Any, base: str, headers: list[dict[str, str]], checks: list[Any], examples: int) -> Any:
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings

    @hypothesis_settings(
        max_examples=examples, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
    )
    @given(case=operation.as_strategy())
    def probe(case: Any) -> None:
        for header in headers:
            case.call_and_validate(base_url=base, headers=header, checks=checks, timeout=30)

    return probe


def conformance(base: str, people: dict[str, Any], examples: int) -> dict[str, Any]:
    """schemathesis over HTTP against the live server: status codes, bodies, content types."""
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_url(base + "/api/schema/?format=json")
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
    headers = [{"Authorization": f"Bearer {people['smes'][0][0]}"}, {"Authorization": f"Bearer {people['admin']}"}]
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # a schema the server made itself
        if operation.path.endswith("/stripe/webhook/") or operation.path.startswith("/bench/"):
            continue  # signed by Stripe only (its refusals are tested in tests/billing); the yardstick
        operations += 1
        try:
            _probe(operation, base, headers, checks, examples)()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises a group of failures
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).splitlines()[0][:300]}")
    return {"operations": operations, "mismatches": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the Dockerfile has 3)")
    parser.add_argument("--specialists", type=int, default=5_000)
    parser.add_argument("--ratio-seconds", type=float, default=15)
    parser.add_argument("--conformance-examples", type=int, default=5, help="0 skips the schemathesis run")
    args = parser.parse_args()

    people = seed(args.concurrency, args.specialists)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stack = start_stack(port, args.workers)
    try:
        mixed, approvals = Recorder(), queue.Queue[str]()
        elapsed = run_threads(
            [lambda stop, i=i: mixed_client(base, i, people, stop, mixed, approvals) for i in range(args.concurrency)],
            args.seconds,
        )
        drained_s = wait_for_match_runs()
        ratio, seconds = Recorder(), dict.fromkeys((DIRECTORY, BARE_LIST), 0.0)
        tokens = [token for token, _company in people["smes"]]
        # A-B-B-A halves, so that drift on a shared machine weighs on both lists alike.
        for path in (DIRECTORY, BARE_LIST, BARE_LIST, DIRECTORY):
            seconds[path] += run_threads(
                [lambda stop, t=t, p=path: only(base, p, {}, t, stop, ratio) for t in tokens], args.ratio_seconds / 2
            )
        probed = conformance(base, people, args.conformance_examples) if args.conformance_examples else None
    finally:
        for process in stack:
            process.terminate()
        for process in stack:
            process.wait(timeout=30)

    total = sum(mixed.status.values())
    server_errors = sum(n for (_name, code), n in mixed.status.items() if code >= 500)
    throttled = sum(n for (_name, code), n in mixed.status.items() if code == 429)
    errors = mixed.unexpected
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    tasks = "1 Celery worker, Redis" if settings.REDIS_URL else "eager tasks, no Redis"
    print(
        f"\nLoad: {args.concurrency} clients for {elapsed:.0f} s against gunicorn ({args.workers} gevent workers), "
        f"{tasks}, {database} on 127.0.0.1\n"
    )
    print(f"{'endpoint':28} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for name, samples in sorted(mixed.latency.items()):
        codes = {code: n for (who, code), n in mixed.status.items() if who == name}
        print(
            f"{name:28} {len(samples):9d} {statistics.median(samples):8.1f} {percentile(samples, 0.95):8.1f} "
            f"{percentile(samples, 0.99):8.1f}  {codes}"
        )
    every = [ms for samples in mixed.latency.values() for ms in samples]
    directory_rps = ratio.status[(DIRECTORY, 200)] / seconds[DIRECTORY]
    bare_rps = ratio.status[(BARE_LIST, 200)] / seconds[BARE_LIST]
    print(f"\n{total} requests, {total / elapsed:.1f}/s; errors {errors}, 5xx {server_errors}, throttled {throttled}")
    print(
        f"directory alone {directory_rps:.1f}/s vs a bare ModelSerializer list {bare_rps:.1f}/s "
        f"= {directory_rps / bare_rps:.2f} (after {drained_s:.0f} s waiting for the match runs)"
    )
    for failure in mixed.failures:
        print("  unexpected:", failure)
    if probed is not None:
        print(f"schemathesis over HTTP: {probed['operations']} operations, {len(probed['mismatches'])} mismatches")
        for mismatch in probed["mismatches"]:
            print("  ", mismatch)
    print(
        json.dumps(
            {
                "seconds": round(elapsed, 1),
                "concurrency": args.concurrency,
                "requests": total,
                "errors": errors,
                "server_errors": server_errors,
                "throttled": throttled,
                "rps": round(total / elapsed, 1),
                "p95_ms": round(percentile(every, 0.95), 1),
                "directory_rps": round(directory_rps, 1),
                "bare_list_rps": round(bare_rps, 1),
                "directory_over_bare": round(directory_rps / bare_rps, 2),
                "conformance_mismatches": None if probed is None else len(probed["mismatches"]),
            }
        )
    )


if __name__ == "__main__":
    main()
