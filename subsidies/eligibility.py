"""Eligibility as an explainable check: every rule of the program -> pass, fail or unknown,
with its reason in Japanese and English."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import size_class
from accounts.models import Company
from matching.models import AdvisorRequest
from subsidies import costs
from subsidies.models import SubsidyCase, SubsidyProgram
from talent.models import RequestKind

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"

# Common grounds for refusal (MHLW), asked as yes/no declarations.
DECLARATIONS = {
    "no_fraud_5y": ("過去5年間に不正受給をしていない", "No fraudulent claim in the past five years"),
    "labour_insurance_paid": ("労働保険料の滞納がない", "No unpaid labour insurance premiums"),
    "no_labour_law_prosecution_1y": (
        "過去1年間に労働関係法令違反で送検されていない",
        "No prosecution under labour law in the past year",
    ),
}


@dataclass(frozen=True)
class RuleResult:
    rule: str
    result: str
    reason_ja: str
    reason_en: str

    def reason(self, language: str) -> str:
        return self.reason_en if language.startswith("en") else self.reason_ja


def _both(text: str, **values: object) -> tuple[str, str]:
    """The same message, translated into both languages."""
    out = []
    for language in ("ja", "en"):
        with translation.override(language):
            # Labels (lazy translations) read in the language being written.
            out.append(_(text) % {name: str(value) for name, value in values.items()})
    return out[0], out[1]


def labels(names: dict[str, Any], codes: list[str]) -> Promise:
    """The codes' names, comma-separated, in the language the message is written in."""
    return format_lazy(", ".join(["{}"] * len(codes)), *(names.get(code, code) for code in codes))


def check(case: SubsidyCase) -> list[RuleResult]:
    rules = case.program.rules or {}
    engagement = case.engagement
    company = case.company
    results: list[RuleResult] = []

    def add(rule: str, result: str, text: str, **values: object) -> None:
        results.append(RuleResult(rule, result, *_both(text, **values)))

    if "size_classes" in rules:
        size = company.size
        allowed = rules["size_classes"]
        ok = size.size_class in allowed
        add(
            "size_class",
            PASS if ok else FAIL,
            gettext_noop("Size class %(size)s (%(basis)s); the program takes %(allowed)s."),
            size=size_class.LABELS.get(size.size_class, size.size_class),
            basis=lazy(lambda: size.basis, str)(),  # the basis says itself in the active language
            allowed=labels(size_class.LABELS, allowed),
        )
    if "employment_types" in rules:
        allowed = rules["employment_types"]
        if not engagement.employment_type:
            add("employment_type", UNKNOWN, gettext_noop("The employment type is not recorded."))
        else:
            add(
                "employment_type",
                PASS if engagement.employment_type in allowed else FAIL,
                gettext_noop("Employment type %(type)s; the program takes %(allowed)s."),
                type=dict(AdvisorRequest.EmploymentType.choices).get(
                    engagement.employment_type, engagement.employment_type
                ),
                allowed=labels(dict(AdvisorRequest.EmploymentType.choices), allowed),
            )
    if "min_weekly_hours" in rules:
        minimum = int(rules["min_weekly_hours"])
        if engagement.weekly_hours is None:
            add("weekly_hours", UNKNOWN, gettext_noop("The weekly hours are not recorded."))
        else:
            add(
                "weekly_hours",
                PASS if engagement.weekly_hours >= minimum else FAIL,
                gettext_noop("%(hours)s hours a week; the program needs at least %(minimum)s."),
                hours=engagement.weekly_hours,
                minimum=minimum,
            )
    if "referrals" in rules:
        allowed = rules["referrals"]
        if not case.referral:
            add("referral", UNKNOWN, gettext_noop("How the hire was referred is not recorded."))
        else:
            add(
                "referral",
                PASS if case.referral in allowed else FAIL,
                gettext_noop("Referred through %(referral)s; the program takes %(allowed)s."),
                referral=dict(SubsidyCase.Referral.choices).get(case.referral, case.referral),
                allowed=labels(dict(SubsidyCase.Referral.choices), allowed),
            )
    for key in rules.get("declarations", []):
        answer = (case.declarations or {}).get(key)
        label_ja, label_en = DECLARATIONS.get(key, (key, key))
        if answer is None:
            results.append(
                RuleResult(f"declaration:{key}", UNKNOWN, f"未回答：{label_ja}", f"Not answered: {label_en}")
            )
        else:
            result = PASS if answer is True else FAIL
            mark_ja, mark_en = ("はい", "yes") if answer is True else ("いいえ", "no")
            results.append(RuleResult(f"declaration:{key}", result, f"{label_ja}：{mark_ja}", f"{label_en}: {mark_en}"))
    if "hire_from" in rules or "hire_until" in rules:
        hired = engagement.hire_date
        start = datetime.date.fromisoformat(rules.get("hire_from", "1900-01-01"))
        end = datetime.date.fromisoformat(rules.get("hire_until", "2999-12-31"))
        if hired is None:
            add("hire_window", UNKNOWN, gettext_noop("The hire date is not recorded."))
        else:
            add(
                "hire_window",
                PASS if start <= hired <= end else FAIL,
                gettext_noop("Hired on %(hired)s; the program covers hires from %(start)s to %(end)s."),
                hired=hired,
                start=start,
                end=end,
            )
    results += _support_rules(case, rules)
    return results


SECURITY_ACTION_LEVELS = ["none", "one_star", "two_stars"]


def _support_rules(case: SubsidyCase, rules: dict[str, object]) -> list[RuleResult]:
    """The rules of programs beyond hires: membership, SECURITY ACTION, the engagement's kind,
    the application window, and (incident costs) an amount to cover."""
    program, company, engagement = case.program, case.company, case.engagement
    results: list[RuleResult] = []

    def add(rule: str, result: str, text: str, **values: object) -> None:
        results.append(RuleResult(rule, result, *_both(text, **values)))

    if rules.get("member_sme"):
        size = company.size_class
        member = company.status == "verified" and program.chamber_id in (None, company.chamber_id)
        if member and size in ("small_scale", "sme"):
            add(
                "member_sme",
                PASS,
                gettext_noop("A verified member of the chamber, size class %(size)s."),
                size=size_class.LABELS.get(size, size),
            )
        else:
            add(
                "member_sme",
                FAIL,
                gettext_noop("Not a verified member SME of the chamber (status %(status)s, size class %(size)s)."),
                status=Company.Status(company.status).label,
                size=size_class.LABELS.get(size, size),
            )
    needed = rules.get("security_action")
    if isinstance(needed, str) and needed in SECURITY_ACTION_LEVELS:
        level = company.security_action
        add(
            "security_action",
            PASS if SECURITY_ACTION_LEVELS.index(level) >= SECURITY_ACTION_LEVELS.index(needed) else FAIL,
            gettext_noop("Declared level: %(level)s; the program asks for %(needed)s or above."),
            level=Company.SecurityAction(level).label,
            needed=Company.SecurityAction(needed).label,
        )
    if "engagement_kinds" in rules:
        allowed = program.engagement_kinds
        add(
            "engagement_kind",
            PASS if engagement.kind in allowed else FAIL,
            gettext_noop("An engagement of kind %(kind)s; the program covers %(allowed)s."),
            kind=RequestKind(engagement.kind).label,
            allowed=labels(dict(RequestKind.choices), allowed),
        )
    if program.opens_on or program.closes_on:
        applied = timezone.localtime(case.created_at).date() if case.created_at else timezone.localdate()
        start = program.opens_on or datetime.date(1900, 1, 1)
        end = program.closes_on or datetime.date(2999, 12, 31)
        add(
            "application_window",
            PASS if start <= applied <= end else FAIL,
            gettext_noop("Applied on %(applied)s; the program takes applications from %(start)s to %(end)s."),
            applied=applied,
            start=start,
            end=end,
        )
    if program.kind == SubsidyProgram.Kind.INCIDENT_COST:
        share = costs.cost_share(case)
        add(
            "eligible_cost",
            PASS if share.amount_jpy > 0 else FAIL,
            gettext_noop("Eligible cost %(cost)s yen; the program covers %(amount)s yen of it."),
            cost=f"{share.eligible_cost_jpy:,}",
            amount=f"{share.amount_jpy:,}",
        )
    return results


def blocking(results: list[RuleResult]) -> list[RuleResult]:
    """What stops a submission: failed rules, and rules nobody answered yet."""
    return [result for result in results if result.result != PASS]
