"""A chamber's invoices for its accounts, and an SME's monthly withholding summary.

Invoices come as CSV (UTF-8 with a BOM, streamed) and as an Excel workbook (.xlsx) whose
identifiers — invoice numbers, 法人番号, registration numbers — are text cells, so Excel never
shows a 13-digit number as 8.9E+12 (DOMAIN.md). Both go through `marketplace.csv_export.safe_cell`,
so nothing a user typed runs as a formula.
"""

import datetime
import io
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from billing import tax
from billing.models import Invoice, Payment
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
    "登録番号",
    "税抜金額（円）",
    "消費税額（円）",
    "税率",
    "源泉徴収税額（円）",
    "差引請求額（円）",
    "支払方法",
    "取引条件上の支払期日",
    "発行遅延",
]
# Columns that hold identifiers: text in the workbook, whatever they look like.
TEXT_COLUMNS = frozenset({"請求番号", "法人番号", "登録番号"})
KIND_JA = {"retainer": "月額顧問料", "hours": "作業時間", "fixed": "固定報酬"}
STATUS_JA = {"open": "未払い", "paid": "支払済み", "void": "取消"}
METHOD_JA = {"bank_transfer": "銀行振込", "card": "クレジットカード"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(invoices: "QuerySet[Invoice]") -> Iterator[str]:
    """`invoices` annotated with `refunded` (see selectors.invoices_for_export), as CSV."""
    return csv_export.stream(HEADER, _rows(invoices))


def workbook(invoices: "QuerySet[Invoice]") -> bytes:
    """The same rows as an .xlsx workbook with the identifiers as text cells."""
    return _workbook("請求書", HEADER, _rows(invoices), TEXT_COLUMNS)


def _rows(invoices: "QuerySet[Invoice]") -> Iterator[list[object]]:
    return (_row(invoice) for invoice in invoices.iterator(chunk_size=2000))


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
        invoice.issuer_registration_number,
        invoice.taxable_jpy,
        invoice.tax_jpy,
        f"{invoice.tax_rate_bps / 100:g}%",
        invoice.withholding_jpy,
        invoice.amount_due_jpy,
        METHOD_JA.get(invoice.payment_method, invoice.payment_method),
        invoice.legal_due_on,
        "はい" if invoice.issued_late else "",
    ]


def _workbook(
    title: str, header: Sequence[str], body: Iterable[Sequence[object]], text_columns: frozenset[str]
) -> bytes:
    book = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = book.create_sheet(title)
    texts = [name in text_columns for name in header]
    sheet.append(list(header))
    for row in body:
        sheet.append([_cell(sheet, value, as_text=texts[i]) for i, value in enumerate(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet: WriteOnlyWorksheet, value: object, *, as_text: bool) -> Cell:
    value = csv_export.safe_cell(value)
    if as_text:
        cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
        cell.number_format = "@"  # Excel's "Text" format: kept as typed, never as 8.9E+12
        cell.data_type = "s"
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # a string is never a formula, whatever it starts with
        return cell
    return WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # dates and numbers, as the rows hold


WITHHOLDING_HEADER = [
    "支払日",
    "請求番号",
    "専門家（氏名）",
    "業務",
    "報酬（税抜・円）",
    "消費税（円）",
    "源泉徴収税額（円）",
    "支払額（円）",
    "納付期限",
]


def withholding_rows(payments: "QuerySet[Payment]", *, month: datetime.date) -> Iterator[str]:
    """The income tax an SME withheld from the specialists it paid in `month` (所得税法204条), to
    remit by the 10th of the next month: one line per payment and a total."""
    remit_by = tax.withholding_remit_by(month)
    total = {"taxable": 0, "tax": 0, "withheld": 0, "paid": 0}

    def body() -> Iterator[list[object]]:
        for payment in payments.iterator(chunk_size=2000):
            invoice = payment.invoice
            specialist = invoice.engagement.specialist
            paid_on = timezone.localtime(payment.succeeded_at).date() if payment.succeeded_at else ""
            total["taxable"] += invoice.taxable_jpy
            total["tax"] += invoice.tax_jpy
            total["withheld"] += invoice.withholding_jpy
            total["paid"] += payment.amount_jpy
            yield [
                paid_on,
                invoice.number,
                specialist.legal_name or specialist.display_name,
                invoice.engagement.request.title,
                invoice.taxable_jpy,
                invoice.tax_jpy,
                invoice.withholding_jpy,
                payment.amount_jpy,
                remit_by,
            ]
        yield ["合計", "", "", "", total["taxable"], total["tax"], total["withheld"], total["paid"], remit_by]

    return csv_export.stream(WITHHOLDING_HEADER, body())
