"""The chamber console's pages beside a trivial API request, measured in the same run.

Seeds (once, idempotent) N specialists in the shared bank (talent.demo.seed_specialists, as
bench/directory.py) and, for one bench chamber, R requests published over the current fiscal
year with what a year leaves behind: approvals, engagements (about a third of the requests),
their invoices and payments (some overdue, some refunded, some refunds in flight), hiring
subsidy cases, a proposal queue, pending companies. Rows are written with bulk_create in
batches. Then, with Django's test client (the whole middleware stack, session sign-in, no
network), times each console page and GET /api/v1/me/ (JWT) in turns, and prints p50 / p95 /
max, the queries each page ran, and p95 as a multiple of the trivial request's p95.

    .venv/bin/python bench/console.py --specialists 2000      # 200 requests; under a minute
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcyss_bench_console .venv/bin/python bench/console.py

Without DATABASE_URL it uses its own SQLite file (var/bench-console.sqlite3), not the dev
database. A page that does not answer 200 is reported as such, not timed. Ends with one JSON
line of its figures.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import analyse, percentile, start_django  # noqa: E402

if not os.environ.get("DATABASE_URL"):
    (ROOT / "var").mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench-console.sqlite3'}"
os.environ["REDIS_URL"] = ""
start_django()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from accounts.corporate_number import check_digit  # noqa: E402
from accounts.models import Chamber, Company, User  # noqa: E402
from billing.models import Invoice, Payment, Refund  # noqa: E402
from figures import fiscal  # noqa: E402
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal  # noqa: E402
from subsidies.models import SubsidyCase, SubsidyProgram  # noqa: E402
from talent.demo import seed_specialists  # noqa: E402
from talent.models import Specialist  # noqa: E402
from web.console.dashboard import figures_cache_key  # noqa: E402
from workflow.models import StatusChange  # noqa: E402

# The pages link the stylesheet by name: no collectstatic manifest needed to render them here.
settings.STORAGES = settings.STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}

CHAMBER = "コンソール計測商工会議所 (bench)"
TRIVIAL = "trivial: GET /api/v1/me/"
# The dashboard keeps its drawn figures five minutes (web/console/dashboard.py): this row empties
# the cache before each request (outside the timing), so it shows the figures computed and drawn.
COLD = "dashboard, figures computed"
PAGES = {
    "dashboard /console/": "/console/",
    COLD: "/console/",
    "dashboard, last year": "/console/?year={last_year}",
    "/console/companies/": "/console/companies/",
    "/console/certifications/": "/console/certifications/",
    "/console/proposals/": "/console/proposals/",
    "/console/engagements/": "/console/engagements/",
    "/console/subsidy-cases/": "/console/subsidy-cases/",
    "/console/invoices/": "/console/invoices/",
    "/console/specialists/": "/console/specialists/",
    "figures CSV": "/console/figures.csv",
}
KINDS = ["advisor"] * 4 + ["spot"] * 3 + ["incident"] * 2 + ["hire"]
BATCH = 2000
WARM_UP = 2  # rounds not timed (after one request per page to read its status)


def seed_chamber(count: int, rng: random.Random) -> Chamber:
    """The bench chamber with `count` requests and their year; adds only what is missing."""
    chamber, _ = Chamber.objects.get_or_create(name=CHAMBER, defaults={"prefecture": "13"})
    have = AdvisorRequest.objects.filter(company__chamber=chamber).count()
    if have >= count:
        with_deadlines(chamber)
        return chamber
    print(f"seeding {count - have} requests and their year ...", file=sys.stderr, flush=True)
    owner, _ = User.objects.get_or_create(
        email="bench-console-owner@demo.tcyss.example", defaults={"name": "bench", "role": User.Role.SME}
    )
    companies = list(Company.objects.filter(chamber=chamber))
    new_companies = []
    for index in range(len(companies), max(50, count // 10)):
        base = f"{700_000_000_000 + index:012d}"
        new_companies.append(
            Company(
                name=f"計測株式会社{index}",
                entity_type="corporation",
                corporate_number=f"{check_digit(base)}{base}",
                industry=rng.choice(["manufacturing", "wholesale", "retail", "services", "other"]),
                capital_jpy=rng.randrange(3_000_000, 300_000_000),
                employees=rng.randint(3, 300),
                prefecture="13",
                chamber=chamber,
                status="pending" if index % 100 == 7 else "verified",
            )
        )
    Company.objects.bulk_create(new_companies, batch_size=BATCH)
    companies = list(Company.objects.filter(chamber=chamber, status="verified"))
    specialists = list(Specialist.objects.filter(status="active").values_list("pk", flat=True)[:5000])
    run = MatchRun.objects.create(chamber=chamber, status="succeeded")
    proposal_type = ContentType.objects.get_for_model(Proposal)
    program = bench_program()
    now = timezone.now()
    year_start = fiscal.current().starts_at
    span = max((now - year_start).total_seconds(), 86400.0)
    rows: dict[str, list[Any]] = {
        name: []
        for name in ("requests", "proposals", "changes", "engagements", "invoices", "payments", "refunds", "cases")
    }
    invoice_number = Invoice.objects.filter(number__startswith="BC-").count()
    for index in range(have, count):
        kind = rng.choice(KINDS)
        published = year_start + datetime.timedelta(seconds=rng.uniform(0, span * 0.9))
        roll = rng.random()
        status = "filled" if roll < 0.35 else "open" if roll < 0.75 else rng.choice(["cancelled", "expired"])
        request = AdvisorRequest(
            id=uuid.uuid4(),
            company=rng.choice(companies),
            created_by=owner,
            kind=kind,
            title=f"計測依頼{index}",
            budget_jpy=5_600_000 if kind == "hire" else rng.randrange(10_000, 100_000, 1000),
            start_date=published.date(),
            status=status,
            employment_type="full_time" if kind == "hire" else "",
            published_at=published,
        )
        rows["requests"].append(request)
        chosen = rng.sample(specialists, 3)
        if status == "open" and index % 100 < 1:  # the review queue: about 1 % of requests, 3 each
            for rank, specialist in enumerate(chosen, 1):
                rows["proposals"].append(
                    Proposal(run=run, request=request, specialist_id=specialist, score=500, rank=rank)
                )
            continue
        if status not in ("filled", "open"):
            continue
        approved = published + datetime.timedelta(hours=rng.uniform(2, 120))
        proposal = Proposal(
            id=uuid.uuid4(),
            run=run,
            request=request,
            specialist_id=chosen[0],
            score=600,
            rank=1,
            status="selected" if status == "filled" else "approved",
            decided_at=approved,
        )
        rows["proposals"].append(proposal)
        rows["changes"].append(
            StatusChange(
                content_type=proposal_type,
                object_id=proposal.id,
                from_status="pending_review",
                to_status="approved",
                created_at=approved,
            )
        )
        if status != "filled":
            continue
        engaged_at = min(approved + datetime.timedelta(days=rng.uniform(1, 20)), now)
        ended = rng.random() < 0.3
        terms: dict[str, Any] = (
            {"employment_type": "full_time", "hire_date": engaged_at.date(), "weekly_hours": 40}
            if kind == "hire"
            else {
                "fee_basis": "monthly" if kind == "advisor" else "fixed",
                "fee_jpy": rng.randrange(30_000, 100_000, 1000),
                "service_start": engaged_at.date(),
                "payment_due_days": 30,
                "payment_method": "card",
            }
        )
        engagement = Engagement(
            id=uuid.uuid4(),
            request=request,
            proposal=proposal,
            specialist_id=chosen[0],
            company=request.company,
            kind=kind,
            status="completed" if ended else "active",
            started_on=engaged_at.date(),
            ended_on=engaged_at.date() if ended else None,
            created_at=engaged_at,
            **terms,
        )
        rows["engagements"].append(engagement)
        if kind == "hire":
            stage = rng.choice(["draft", "in_progress", "collecting_documents", "submitted", "granted", "paid"])
            rows["cases"].append(
                SubsidyCase(
                    company=request.company,
                    engagement=engagement,
                    program=program,
                    status=stage,
                    decided_amount_jpy=600_000 if stage in ("granted", "paid") else None,
                    created_by=owner,
                    created_at=engaged_at,
                )
            )
            continue
        invoice_number += 1
        amount = int(engagement.fee_jpy or 0)
        fee = amount // 10
        tax = amount * 10 // 110
        paid = rng.random() < 0.7
        issued = engaged_at.date()
        invoice = Invoice(
            id=uuid.uuid4(),
            number=f"BC-{invoice_number:07d}",
            engagement=engagement,
            kind="retainer" if kind == "advisor" else "fixed",
            period_start=issued,
            period_end=issued,
            amount_jpy=amount,
            fee_bps=1000,
            platform_fee_jpy=fee,
            specialist_share_jpy=amount - fee,
            issued_on=issued,
            due_on=issued + datetime.timedelta(days=30),
            legal_due_on=issued + datetime.timedelta(days=30),
            tax_rate_bps=1000,
            taxable_jpy=amount - tax,
            tax_jpy=tax,
            status="paid" if paid else "open",
            paid_at=engaged_at if paid else None,
        )
        rows["invoices"].append(invoice)
        if not paid:
            continue
        refunded = amount // 2 if rng.random() < 0.05 else 0
        payment = Payment(
            id=uuid.uuid4(),
            invoice=invoice,
            amount_jpy=amount,
            application_fee_jpy=fee,
            specialist_share_jpy=amount - fee,
            destination_account="acct_bench",
            status="partially_refunded" if refunded else "succeeded",
            succeeded_at=min(engaged_at + datetime.timedelta(days=5), now),
            refunded_jpy=refunded,
            fee_refunded_jpy=refunded // 10,
            transfer_reversed_jpy=refunded - refunded // 10,
        )
        rows["payments"].append(payment)
        if refunded:
            rows["refunds"].append(
                Refund(
                    payment=payment,
                    amount_jpy=refunded,
                    fee_refunded_jpy=refunded // 10,
                    transfer_reversed_jpy=refunded - refunded // 10,
                    reason="計測",
                    status="succeeded",
                    sent_at=now,
                )
            )
        elif rng.random() < 0.02:
            rows["refunds"].append(Refund(payment=payment, amount_jpy=1000, reason="計測", status="pending"))
    with transaction.atomic():
        AdvisorRequest.objects.bulk_create(rows["requests"], batch_size=BATCH)
        Proposal.objects.bulk_create(rows["proposals"], batch_size=BATCH)
        StatusChange.objects.bulk_create(rows["changes"], batch_size=BATCH)
        Engagement.objects.bulk_create(rows["engagements"], batch_size=BATCH)
        Invoice.objects.bulk_create(rows["invoices"], batch_size=BATCH)
        Payment.objects.bulk_create(rows["payments"], batch_size=BATCH)
        Refund.objects.bulk_create(rows["refunds"], batch_size=BATCH)
        SubsidyCase.objects.bulk_create(rows["cases"], batch_size=BATCH)
    # auto_now_add ignores the value given: the year's dates are set afterwards, a day at a time.
    for items, model in ((rows["engagements"], Engagement), (rows["cases"], SubsidyCase)):
        by_day: dict[datetime.date, list[Any]] = {}
        for item in items:
            by_day.setdefault(timezone.localtime(item.created_at).date(), []).append(item.pk)
        with transaction.atomic():
            for day, ids in by_day.items():
                at = datetime.datetime.combine(day, datetime.time(12), tzinfo=fiscal.TOKYO)
                for start in range(0, len(ids), 500):
                    model.objects.filter(pk__in=ids[start : start + 500]).update(created_at=at)
    with_deadlines(chamber)
    return chamber


def bench_program() -> SubsidyProgram:
    """A hiring program with a plan and a claim deadline, like the demo's."""
    program, _ = SubsidyProgram.objects.update_or_create(
        code="bench-console-hire",
        defaults={
            "kind": "hire",
            "name_ja": "計測用の雇用助成",
            "name_en": "Bench hiring grant",
            "authority": "労働局",
            "fiscal_year": fiscal.current().year,
            "amount_kind": "per_period",
            "amount_jpy": 600_000,
            "deadline_rules": [
                {"milestone": "plan", "after": "period_start", "weeks": 2, "reach": "plan_submitted"},
                {"milestone": "claim", "after": "period_end", "months": 2, "reach": "submitted"},
            ],
        },
    )
    return program


def with_deadlines(chamber: Chamber) -> None:
    """The cases' period dates, so the dashboard computes their deadlines: half of them with the
    claim due in about ten days (the queue of cases near a deadline), half in about three months."""
    bench_program()
    cases = SubsidyCase.objects.filter(company__chamber=chamber, milestones={})
    today = timezone.localdate()
    middle = uuid.UUID(int=2**127)
    for ids, end in (
        (Q(pk__lt=middle), today - datetime.timedelta(days=50)),
        (Q(pk__gte=middle), today + datetime.timedelta(days=30)),
    ):
        start = end - datetime.timedelta(days=180)
        cases.filter(ids).update(milestones={"period_start": str(start), "period_end": str(end)})


def time_pages(
    pages: dict[str, tuple[Client, str]], repeat: int, budget: float, forget: Callable[[], None]
) -> dict[str, dict[str, Any]]:
    """Each page `repeat` times, taken in turns (one of each per round), after WARM_UP rounds,
    so that drift on a shared machine weighs on the trivial request and the pages alike. A page
    that has used up `budget` seconds stops after 5 timed samples (its p95 is then its max); one
    whose second request took over a third of the budget is timed 3 times, without more warm-up."""
    status: dict[str, int] = {}
    first: dict[str, float] = {}
    for name, (client, path) in pages.items():
        status[name] = client.get(path).status_code  # cold: not timed
        started = time.perf_counter()
        client.get(path)
        first[name] = time.perf_counter() - started
    live = {name: page for name, page in pages.items() if status[name] == 200}
    samples: dict[str, list[float]] = {name: [] for name in live}
    spent: dict[str, float] = dict.fromkeys(live, 0.0)
    for round_ in range(WARM_UP + repeat):
        for name, (client, path) in live.items():
            if round_ >= WARM_UP + 5 and spent[name] > budget:  # a slow page: enough samples within its budget
                continue
            if first[name] > budget / 3 and (round_ < WARM_UP or len(samples[name]) >= 3):
                continue  # a very slow page (even warm): three samples
            if name == COLD:
                forget()
            started = time.perf_counter()
            client.get(path)
            took = time.perf_counter() - started
            spent[name] += took
            if round_ >= WARM_UP:
                samples[name].append(took * 1000)
    rows: dict[str, dict[str, Any]] = {}
    for name, (client, path) in pages.items():
        if name not in live:
            rows[name] = {"status": status[name]}
            continue
        if name == COLD:
            forget()
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        rows[name] = {
            "status": 200,
            "p50_ms": round(statistics.median(samples[name]), 2),
            "p95_ms": round(percentile(samples[name], 0.95), 2),
            "max_ms": round(max(samples[name]), 2),
            "queries": len(queries.captured_queries),
            "samples": len(samples[name]),
        }
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specialists", type=int, default=100_000)
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="the bench chamber's requests in the year (default: specialists / 10)",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page, taken in turns")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--budget", type=float, default=3.0, help="seconds of timing per page before it stops early")
    args = parser.parse_args()
    if args.requests is None:
        args.requests = max(args.specialists // 10, 100)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    have = Specialist.objects.filter(user__email__startswith="bench-").count()
    if have < args.specialists:
        print(f"seeding {args.specialists - have} specialists ...", file=sys.stderr, flush=True)
        seed_specialists(args.specialists, email_prefix="bench", seed=11, number_offset=0)
    chamber = seed_chamber(args.requests, random.Random(args.seed))
    analyse()
    seeding = time.perf_counter() - started

    admin, _ = User.objects.get_or_create(
        email="bench-console-admin@demo.tcyss.example",
        defaults={"name": "bench", "role": User.Role.CHAMBER_ADMIN, "chamber": chamber},
    )
    pages_client = Client()
    pages_client.force_login(admin)
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(admin)}")
    last_year = fiscal.current().year - 1
    pages = {TRIVIAL: (api_client, "/api/v1/me/")} | {
        name: (pages_client, path.format(last_year=last_year)) for name, path in PAGES.items()
    }

    def forget() -> None:
        """The current year's drawn figures, out of the cache."""
        cache.delete_many([figures_cache_key(chamber.pk, fiscal.current().year, lang) for lang in ("ja", "en")])

    rows = time_pages(pages, args.repeat, args.budget, forget)

    requests = AdvisorRequest.objects.filter(company__chamber=chamber).count()
    trivial = rows[TRIVIAL]["p95_ms"]
    print(
        f"\nConsole pages through the whole stack: {Specialist.objects.count()} specialists, {requests} requests "
        f"in the bench chamber, on {connection.vendor}; {args.repeat} timed requests per row "
        f"(setup took {seeding:.1f} s)\n"
    )
    print(
        f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'samples':>8} {'queries':>8} "
        f"{'p50/trivial':>12} {'p95/trivial':>12}"
    )
    for name, row in rows.items():
        if row["status"] != 200:
            print(f"{name:28} {'HTTP ' + str(row['status']):>8}  (not timed)")
            continue
        print(
            f"{name:28} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['max_ms']:8.2f} {row['samples']:8d} "
            f"{row['queries']:8d} {row['p50_ms'] / rows[TRIVIAL]['p50_ms']:12.1f} {row['p95_ms'] / trivial:12.1f}"
        )
    timed = {name: row for name, row in rows.items() if name != TRIVIAL and row["status"] == 200}
    figures = {
        "specialists": Specialist.objects.count(),
        "requests": requests,
        "database": connection.vendor,
        "trivial_p95_ms": trivial,
        "worst_over_trivial": round(max(row["p95_ms"] for row in timed.values()) / trivial, 2) if timed else None,
        "per_page_over_trivial": {name: round(row["p95_ms"] / trivial, 2) for name, row in timed.items()},
        "per_page_p50_over_trivial_p50": {
            name: round(row["p50_ms"] / rows[TRIVIAL]["p50_ms"], 2) for name, row in timed.items()
        },
        "per_page_queries": {name: row["queries"] for name, row in timed.items()},
        "not_200": {name: row["status"] for name, row in rows.items() if row["status"] != 200},
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
