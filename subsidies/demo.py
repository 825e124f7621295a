"""Three illustrative programs (DOMAIN.md), modelled on real ones but not authoritative."""

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Chamber, User
from matching.models import Engagement
from subsidies.deadlines import due_date
from subsidies.models import SubsidyCase, SubsidyProgram

DECLARATIONS = ["no_fraud_5y", "labour_insurance_paid", "no_labour_law_prosecution_1y"]
CLAIM_DOCUMENTS = ["application_form", "eligibility_statement", "employment_contract", "attendance", "wage_ledger"]

PROGRAMS: list[dict[str, Any]] = [
    {
        "code": "demo-trial-employment",
        "name_ja": "トライアル雇用助成金（デモ）",
        "name_en": "Trial employment subsidy (demo)",
        "authority": "厚生労働省（例示）",
        "fiscal_year": 2026,
        "description_ja": "ハローワーク等の紹介で試行雇用した場合、月4万円を最長3か月（例示）。",
        "description_en": "¥40,000 a month for up to three months of trial employment (illustrative).",
        "amount_kind": "per_month",
        "amount_jpy": 40_000,
        "has_plan": True,
        "periods": 1,
        "rules": {
            "employment_types": ["full_time", "part_time"],
            "min_weekly_hours": 30,
            "referrals": ["hello_work", "licensed_agency"],
            "declarations": DECLARATIONS,
        },
        "deadline_rules": [
            {
                "milestone": "plan",
                "label_ja": "実施計画書の提出",
                "label_en": "Plan filed",
                "after": "period_start",
                "weeks": 2,
                "reach": "plan_submitted",
            },
            {
                "milestone": "claim",
                "label_ja": "支給申請",
                "label_en": "Claim filed",
                "after": "period_end",
                "months": 2,
                "reach": "submitted",
            },
        ],
        "required_documents": {"plan_submitted": ["plan"], "submitted": [*CLAIM_DOCUMENTS, "payment_details"]},
    },
    {
        "code": "demo-career-up",
        "name_ja": "キャリアアップ助成金 正社員化コース（デモ）",
        "name_en": "Career-up subsidy, conversion to regular employment (demo)",
        "authority": "厚生労働省（例示）",
        "fiscal_year": 2026,
        "description_ja": "有期雇用を正社員化し賃金を3%以上増額した場合に支給（例示）。",
        "description_en": "For converting a fixed-term worker to regular employment with a 3% raise (illustrative).",
        "amount_kind": "per_period",
        "amount_jpy": 400_000,
        "has_plan": True,
        "periods": 2,
        "rules": {"employment_types": ["full_time"], "declarations": DECLARATIONS},
        "deadline_rules": [
            {
                "milestone": "claim",
                "label_ja": "支給申請",
                "label_en": "Claim filed",
                "after": "wages_paid_on",
                "months": 2,
                "reach": "submitted",
            },
        ],
        "required_documents": {"plan_submitted": ["plan", "work_rules"], "submitted": CLAIM_DOCUMENTS},
    },
    {
        "code": "demo-chamber-dx-grant",
        "name_ja": "DX・セキュリティ人材採用奨励金（商工会議所独自・デモ）",
        "name_en": "DX and security hiring grant (chamber's own, demo)",
        "authority": "東京商工会議所 (demo)",
        "fiscal_year": 2026,
        "description_ja": "人材紹介手数料の2分の1、上限150万円（例示）。",
        "description_en": "Half of the recruitment-agency fee, up to ¥1.5M (illustrative).",
        "amount_kind": "rate_with_cap",
        "rate_percent": 50,
        "cap_jpy": 1_500_000,
        "has_plan": False,
        "periods": 1,
        "rules": {
            "size_classes": ["small_scale", "sme"],
            "min_weekly_hours": 20,
            "declarations": DECLARATIONS,
            "hire_from": "2026-04-01",
            "hire_until": "2027-03-31",
        },
        "deadline_rules": [
            {
                "milestone": "claim",
                "label_ja": "支給申請",
                "label_en": "Claim filed",
                "after": "hire_date",
                "months": 3,
                "reach": "submitted",
            },
        ],
        "required_documents": {"submitted": ["application_form", "employment_contract"]},
        "chamber": "東京商工会議所 (demo)",
    },
    {
        # No prefecture or city reimburses forensics (DOMAIN.md): a chamber's own co-pay fund.
        "code": "demo-chamber-forensics",
        "kind": "incident_cost",
        "name_ja": "インシデント調査費用助成（商工会議所独自・デモ）",
        "name_en": "Incident forensics cost support (chamber's own, demo)",
        "authority": "東京商工会議所 (demo)",
        "fiscal_year": 2026,
        "description_ja": (
            "会員中小企業がこのサービスで依頼したインシデント対応のうち、"
            "調査・フォレンジック費用の2分の1、上限50万円（例示）。"
        ),
        "description_en": (
            "Half of the investigation and forensics costs of an incident engagement on this marketplace, "
            "up to ¥500,000, for member SMEs (illustrative)."
        ),
        "amount_kind": "rate_with_cap",
        "rate_percent": 50,
        "cap_jpy": 500_000,
        "floor_jpy": 50_000,
        "cost_categories": ["forensics"],
        "has_plan": False,
        "periods": 1,
        "rules": {"member_sme": True, "security_action": "one_star", "engagement_kinds": ["incident"]},
        "deadline_rules": [
            {
                "milestone": "claim",
                "label_ja": "申請",
                "label_en": "Application filed",
                "after": "last_invoice_paid_on",
                "months": 3,
                "reach": "submitted",
            },
        ],
        "required_documents": {"submitted": ["application_form", "invoice_copy", "incident_report"]},
        "chamber": "東京商工会議所 (demo)",
    },
]


def seed_programs(chamber: Chamber | None = None) -> int:
    """Idempotent. `chamber` stands in for the demo chamber of the chamber's own grant (tests)."""
    created = 0
    for spec in PROGRAMS:
        fields = dict(spec)
        chamber_name = fields.pop("chamber", None)
        if chamber_name:
            fields["chamber"] = chamber or Chamber.objects.filter(name=chamber_name).first()
            if fields["chamber"] is None:
                continue
        _program, was_created = SubsidyProgram.objects.get_or_create(
            code=fields.pop("code"), is_current=True, defaults=fields | {"is_illustrative": True}
        )
        created += was_created
    return created


def _claim_due_in_a_week(today: datetime.date) -> datetime.date:
    """A period end whose two-month claim deadline falls 5-12 days from today."""
    for back in range(40, 80):
        end = today - datetime.timedelta(days=back)
        if 5 <= (due_date(end, months=2).due_on - today).days <= 12:
            return end
    return today - datetime.timedelta(days=53)


def seed_cases(*, engagement: Engagement, owner: User, admin: User) -> dict[str, str]:
    """Cases at several stages on one hire: collecting documents with the claim due next week
    (one document accepted, one needing a fix), a plan-stage case in progress, a draft."""
    from subsidies import services

    if SubsidyCase.objects.filter(engagement=engagement).exists():
        return {}
    programs = {p.code: p for p in SubsidyProgram.objects.filter(is_current=True, code__startswith="demo-")}
    today = timezone.localdate()
    stages: dict[str, str] = {}
    trial = services.open_case(user=owner, engagement=engagement, program=programs["demo-trial-employment"])
    end = _claim_due_in_a_week(today)
    services.update_case(
        case=trial,
        user=owner,
        referral="hello_work",
        milestones={"period_start": str(end - datetime.timedelta(days=90)), "period_end": str(end)},
        declarations={"no_fraud_5y": True, "labour_insurance_paid": True},
    )
    services.upload_document(case=trial, user=owner, document_type="plan", file=_demo_pdf("plan.pdf"))
    for to in ("plan_submitted", "plan_certified", "in_progress", "period_ended", "collecting_documents"):
        services.transition_case(case=SubsidyCase.objects.get(pk=trial.pk), user=owner, to=to)
    contract = services.upload_document(
        case=trial, user=owner, document_type="employment_contract", file=_demo_pdf("contract.pdf")
    )
    wages = services.upload_document(case=trial, user=owner, document_type="wage_ledger", file=_demo_pdf("wages.pdf"))
    services.review_document(document=contract, admin=admin, status="accepted")
    services.review_document(
        document=wages, admin=admin, status="needs_fix", comment="最終月分が含まれていません（デモ）"
    )
    stages["collecting_documents (claim due next week)"] = str(trial.pk)
    career = services.open_case(user=owner, engagement=engagement, program=programs["demo-career-up"])
    services.upload_document(case=career, user=owner, document_type="plan", file=_demo_pdf("plan.pdf"))
    services.upload_document(case=career, user=owner, document_type="work_rules", file=_demo_pdf("rules.pdf"))
    for to in ("plan_submitted", "plan_certified", "in_progress"):
        services.transition_case(case=SubsidyCase.objects.get(pk=career.pk), user=owner, to=to)
    stages["in_progress"] = str(career.pk)
    if "demo-chamber-dx-grant" in programs:
        draft = services.open_case(user=owner, engagement=engagement, program=programs["demo-chamber-dx-grant"])
        stages["draft"] = str(draft.pk)
    return stages


def _demo_pdf(name: str) -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(50, 800, f"Illustrative document: {name}")
    page.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
