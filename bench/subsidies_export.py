"""The chamber's subsidy-case CSV at scale: rows per second and the export's own peak memory.

Seeds N cases (default 100,000) for one chamber in the configured database, in this
process; then runs the export in a fresh child process (so seeding's memory is not
counted) through the real view (Django test client, JWT, streaming response), reading
the stream chunk by chunk as a client would, and reports the child's peak RSS.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcyss_bench .venv/bin/python bench/subsidies_export.py

Ends with one JSON line of its figures.
"""

import argparse
import datetime
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import start_django

start_django()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from accounts.models import Chamber, Company, CompanyMembership, User  # noqa: E402
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal  # noqa: E402
from subsidies.demo import seed_programs  # noqa: E402
from subsidies.models import SubsidyCase, SubsidyProgram  # noqa: E402
from talent.models import Specialist  # noqa: E402

CHAMBER = "ベンチ商工会議所"
ADMIN = "bench-subsidy-admin@example.test"


def seed(count: int) -> None:
    chamber, _ = Chamber.objects.get_or_create(name=CHAMBER, defaults={"prefecture": "13"})
    seed_programs(chamber=chamber)
    have = SubsidyCase.objects.filter(company__chamber=chamber).count()
    if have >= count:
        return
    User.objects.filter(email=ADMIN).first() or User.objects.create_user(
        ADMIN, "x", name="bench", role=User.Role.CHAMBER_ADMIN, chamber=chamber
    )
    owner = User.objects.filter(email="bench-subsidy-owner@example.test").first() or User.objects.create_user(
        "bench-subsidy-owner@example.test", "x", name="owner", role=User.Role.SME
    )
    hire_user = User.objects.filter(email="bench-subsidy-hire@example.test").first() or User.objects.create_user(
        "bench-subsidy-hire@example.test", "x", name="hire", role=User.Role.SPECIALIST
    )
    specialist = Specialist.objects.filter(user=hire_user).first() or Specialist.objects.create(
        user=hire_user, display_name="hire", status="active"
    )
    programs = list(SubsidyProgram.objects.filter(is_current=True).order_by("code"))
    today = datetime.date.today()  # noqa: DTZ011 - bench data
    run = MatchRun.objects.create(chamber=chamber, status="succeeded")
    batch = 2000
    made = have
    while made < count:
        size = min(batch, count - made)
        companies = Company.objects.bulk_create(
            Company(
                name=f"ベンチ株式会社{made + i}",
                entity_type="sole_proprietor",
                industry="services",
                employees=5,
                prefecture="13",
                chamber=chamber,
                status="verified",
            )
            for i in range(size)
        )
        CompanyMembership.objects.bulk_create(CompanyMembership(user=owner, company=c, role="owner") for c in companies)
        requests = AdvisorRequest.objects.bulk_create(
            AdvisorRequest(
                company=c,
                created_by=owner,
                kind="hire",
                title="採用",
                budget_jpy=5_600_000,
                start_date=today,
                employment_type="full_time",
                status="filled",
            )
            for c in companies
        )
        proposals = Proposal.objects.bulk_create(
            Proposal(run=run, request=r, specialist=specialist, score=1, rank=1, status="selected") for r in requests
        )
        engagements = Engagement.objects.bulk_create(
            Engagement(
                request=r,
                proposal=p,
                specialist=specialist,
                company=r.company,
                kind="hire",
                employment_type="full_time",
                hire_date=today,
                weekly_hours=40,
                annual_salary_jpy=5_600_000,
                started_on=today,
            )
            for r, p in zip(requests, proposals, strict=True)
        )
        SubsidyCase.objects.bulk_create(
            SubsidyCase(
                company=e.company,
                engagement=e,
                program=programs[(made + i) % len(programs)],
                status="collecting_documents",
                created_by=owner,
                milestones={"period_start": "2026-04-01", "period_end": "2026-06-30"},
            )
            for i, e in enumerate(engagements)
        )
        made += size
        print(f"  seeded {made:,} cases", file=sys.stderr)


def peak_rss_mb() -> float:
    """This process's own peak resident memory. Linux keeps VmHWM per process image, so a child
    started by exec does not carry its parent's peak; ru_maxrss does (measured here: the first
    run after seeding reported the seeding parent's 242 MB for an export that peaks at 137 MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export() -> dict[str, float]:
    """Runs in the child: stream the CSV, count rows, report time and peak memory."""
    admin = User.objects.get(email=ADMIN)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(admin)}")
    started = time.perf_counter()
    response = client.get("/api/v1/subsidy-cases/export/")
    if response.status_code != 200:
        raise SystemExit(f"export answered {response.status_code}")
    rows = size = 0
    first = b""
    for chunk in response.streaming_content:  # type: ignore[attr-defined]
        if not first:
            first = bytes(chunk[:3])
        rows += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    return {
        "rows": rows - 1,
        "seconds": round(seconds, 2),
        "rows_per_s": round((rows - 1) / seconds),
        "megabytes": round(size / 1e6, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "bom": first == b"\xef\xbb\xbf",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(export()))
        return
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed(args.cases)
    print(f"seed: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    # This very script, as a fresh process, so seeding's memory is not in the figure.
    out = subprocess.run([sys.executable, __file__, "--child"], capture_output=True, text=True, check=True)  # noqa: S603
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print("| rows | seconds | rows/s | CSV MB | export peak RSS MB | BOM |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {figures['rows']:,} | {figures['seconds']} | {figures['rows_per_s']:,} | {figures['megabytes']} "
        f"| {figures['peak_rss_mb']} | {figures['bom']} |"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
