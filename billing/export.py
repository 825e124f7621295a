"""CSV of a chamber's invoices for its accounts (UTF-8 with a BOM, streamed)."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from billing.models import Invoice
from marketplace import csv_export

HEADER = [
    "請求番号",
    "企業名",
    "法人番号",
    "専門家",
    "種別",
    "対象期間（開始）",
    "対象期間（終了）",
    "発行日",
    "支払期日",
    "金額（円・税込）",
    "プラットフォーム手数料（円）",
    "専門家受取額（円）",
    "状況",
    "期日超過",
    "入金日時",
    "返金額（円）",
]
KIND_JA = {"retainer": "月額顧問料", "hours": "作業時間", "fixed": "固定報酬"}
STATUS_JA = {"open": "未払い", "paid": "支払済み", "void": "取消"}


def rows(invoices: "QuerySet[Invoice]") -> Iterator[str]:
    """`invoices` annotated with `refunded` (see selectors.invoices_for_export)."""
    return csv_export.stream(HEADER, (_row(invoice) for invoice in invoices.iterator(chunk_size=2000)))


def _row(invoice: Invoice) -> list[object]:
    engagement = invoice.engagement
    paid_at = timezone.localtime(invoice.paid_at).strftime("%Y-%m-%d %H:%M") if invoice.paid_at else ""
    return [
        invoice.number,
        engagement.company.name,
        engagement.company.corporate_number,
        engagement.specialist.display_name,
        KIND_JA.get(invoice.kind, invoice.kind),
        invoice.period_start,
        invoice.period_end,
        invoice.issued_on,
        invoice.due_on,
        invoice.amount_jpy,
        invoice.platform_fee_jpy,
        invoice.specialist_share_jpy,
        STATUS_JA.get(invoice.status, invoice.status),
        "はい" if invoice.is_overdue else "",
        paid_at,
        getattr(invoice, "refunded", 0) or 0,
    ]
