"""Each eligibility rule: pass, fail and unknown, with its reason in Japanese and English."""

import datetime

import pytest

from accounts.models import Company
from matching.models import Engagement
from subsidies import eligibility
from subsidies.models import DocumentType, SubsidyCase, SubsidyProgram

PAID = "labour_insurance_paid"
DECLARATIONS = [PAID]


def case_with(rules, *, company=None, engagement=None, **fields):
    """Unsaved objects: eligibility reads only what is on them."""
    program = SubsidyProgram(rules=rules)
    company = company or Company(industry="services", employees=30, capital_jpy=10_000_000, entity_type="corporation")
    engagement = engagement or Engagement(
        kind="hire", employment_type="full_time", weekly_hours=30, hire_date=datetime.date(2026, 6, 1)
    )
    return SubsidyCase(program=program, company=company, engagement=engagement, **fields)


def only(case):
    (result,) = eligibility.check(case)
    return result


@pytest.mark.parametrize(
    ("rules", "fields", "result", "ja", "en"),
    [
        ({"size_classes": ["sme"]}, {}, "pass", "企業規模 中小企業者", "Size class SME"),
        (
            {"size_classes": ["small_scale"]},
            {},
            "fail",
            "対象：小規模企業者",
            "the program takes Small-scale enterprise",
        ),
        ({"employment_types": ["full_time"]}, {}, "pass", "雇用形態 フルタイム", "Employment type Full-time"),
        ({"employment_types": ["part_time"]}, {}, "fail", "対象：パートタイム", "the program takes Part-time"),
        ({"min_weekly_hours": 30}, {}, "pass", "週30時間", "30 hours a week"),
        ({"min_weekly_hours": 35}, {}, "fail", "35時間以上", "at least 35"),
        (
            {"referrals": ["hello_work"]},
            {"referral": "hello_work"},
            "pass",
            "採用経路 公共職業安定所",
            "Referred through Public employment office",
        ),
        (
            {"referrals": ["hello_work"]},
            {"referral": "marketplace"},
            "fail",
            "対象：公共職業安定所",
            "takes Public employment office (Hello Work)",
        ),
        ({"referrals": ["hello_work"]}, {}, "unknown", "採用の経路が記録されていません", "is not recorded"),
        ({"declarations": DECLARATIONS}, {"declarations": {"labour_insurance_paid": True}}, "pass", "：はい", ": yes"),
        (
            {"declarations": DECLARATIONS},
            {"declarations": {"labour_insurance_paid": False}},
            "fail",
            "：いいえ",
            ": no",
        ),
        ({"declarations": DECLARATIONS}, {}, "unknown", "未回答：労働保険料", "Not answered: No unpaid"),
        (
            {"hire_from": "2026-04-01", "hire_until": "2027-03-31"},
            {},
            "pass",
            "入社日 2026-06-01",
            "Hired on 2026-06-01",
        ),
        ({"hire_from": "2026-07-01"}, {}, "fail", "2026-07-01から", "from 2026-07-01"),
    ],
)
def test_rule_table(rules, fields, result, ja, en):
    outcome = only(case_with(rules, **fields))

    assert outcome.result == result
    assert ja in outcome.reason_ja
    assert en in outcome.reason_en


@pytest.mark.parametrize(
    ("rules", "engagement_fields"),
    [
        ({"employment_types": ["full_time"]}, {"employment_type": ""}),
        ({"min_weekly_hours": 20}, {"weekly_hours": None}),
        ({"hire_from": "2026-04-01"}, {"hire_date": None}),
    ],
)
def test_what_the_engagement_does_not_record_is_unknown(rules, engagement_fields):
    engagement = Engagement(
        kind="hire",
        **(
            {"employment_type": "full_time", "weekly_hours": 30, "hire_date": datetime.date(2026, 6, 1)}
            | engagement_fields
        ),
    )

    outcome = only(case_with(rules, engagement=engagement))

    assert outcome.result == "unknown"
    assert outcome.reason_en.endswith("is not recorded.") or outcome.reason_en.endswith("are not recorded.")
    assert "記録されていません" in outcome.reason_ja


def test_the_size_class_reason_gives_its_basis():
    retail = Company(industry="retail", employees=51, capital_jpy=100_000_000, entity_type="corporation")

    outcome = only(case_with({"size_classes": ["small_scale", "sme"]}, company=retail))

    assert outcome.result == "fail"
    assert "Size class Large" in outcome.reason_en


def test_no_document_type_for_my_number_exists():
    labels = " ".join(f"{value} {label}" for value, label in DocumentType.choices).lower()

    assert "my number" not in labels
    assert "mynumber" not in labels
    assert "個人番号" not in labels
    assert "マイナンバー" not in labels
