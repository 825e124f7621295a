"""CSV of a chamber's subsidy cases: UTF-8 with a BOM (Excel opens it in Japanese), rows
streamed as they are read, so 100,000 cases never sit in memory at once."""

from collections.abc import Iterable, Iterator

from marketplace import csv_export
from subsidies import schedule
from subsidies.models import SubsidyCase

HEADER = [
    "ケースID",
    "企業名",
    "法人番号",
    "助成金",
    "版",
    "期",
    "状況",
    "社労士",
    "期限",
    "期限の根拠",
    "支給決定額（円）",
]
STATUS_JA = {
    "draft": "下書き",
    "plan_submitted": "計画書提出済",
    "plan_certified": "計画認定済",
    "in_progress": "実施中",
    "period_ended": "期間終了",
    "collecting_documents": "書類準備中",
    "submitted": "申請済",
    "under_review": "審査中",
    "correction_requested": "補正依頼",
    "paid": "支給",
    "not_paid": "不支給",
    "expired": "期限切れ",
    "withdrawn": "取下げ",
}


def rows(cases: Iterable[SubsidyCase]) -> Iterator[str]:
    return csv_export.stream(HEADER, (_row(case) for case in cases))


def _row(case: SubsidyCase) -> list[object]:
    deadlines = [item for item in schedule.deadlines_of(case) if item.deadline is not None]
    return [
        case.pk,
        case.company.name,
        case.company.corporate_number,
        case.program.name_ja,
        case.program.version,
        case.period,
        STATUS_JA.get(case.status, case.status),
        "あり" if case.labour_attorney_id else "",
        " / ".join(f"{item.label_ja} {item.deadline.due_on:%Y-%m-%d}" for item in deadlines if item.deadline),
        " / ".join(item.deadline.basis_ja for item in deadlines if item.deadline),
        "" if case.decided_amount_jpy is None else case.decided_amount_jpy,
    ]
