"""An invoice (請求書) and a payment's receipt (領収書) as PDFs in Japanese (layout and font:
marketplace.pdf, as the terms statement)."""

from django.utils import timezone

from accounts import corporate_number
from billing.models import Invoice, Payment
from marketplace import pdf
from marketplace.pdf import date_ja, yen

KIND = {"retainer": "月額顧問料", "hours": "作業時間", "fixed": "固定報酬"}
STATUS = {"open": "未払い", "paid": "支払済み", "void": "取消"}


def _company(invoice: Invoice) -> str:
    company = invoice.engagement.company
    number = f"（法人番号 {corporate_number.display(company.corporate_number)}）" if company.corporate_number else ""
    return f"{company.name} 御中{number}"


def _payee(invoice: Invoice) -> str:
    specialist = invoice.engagement.specialist
    return specialist.legal_name or specialist.display_name


def render_invoice(invoice: Invoice) -> bytes:
    lines = [["内容", "期間・作業日", "数量", "単価", "金額"]] + [
        [
            KIND.get(line.kind, line.kind) + (f"\n{line.description}" if line.description else ""),
            f"{line.service_from:%Y-%m-%d}"
            + ("" if line.service_to == line.service_from else f" 〜 {line.service_to:%Y-%m-%d}"),
            f"{line.quantity.normalize():f}" + (" 時間" if line.kind == "hours" else ""),
            yen(line.unit_price_jpy),
            yen(line.amount_jpy),
        ]
        for line in invoice.lines.all()
    ]
    summary = [
        ("請求番号", invoice.number),
        ("発行日", date_ja(invoice.issued_on)),
        ("請求先", _company(invoice)),
        ("受託事業者（請求者）", _payee(invoice)),
        ("業務", invoice.engagement.request.title),
        ("対象期間", f"{date_ja(invoice.period_start)} 〜 {date_ja(invoice.period_end)}"),
        ("ご請求金額（税込）", yen(invoice.amount_jpy)),
        (
            "うちプラットフォーム手数料",
            f"{yen(invoice.platform_fee_jpy)}（受託事業者の受取額 {yen(invoice.specialist_share_jpy)}）",
        ),
        ("支払期日", date_ja(invoice.due_on)),
        ("お支払い方法", "Tcyss の請求画面からカード決済（Stripe）"),
        ("状況", STATUS.get(invoice.status, invoice.status)),
    ]
    return pdf.document(
        title="請求書",
        intro="下記のとおりご請求申し上げます。金額は消費税を含みます。",
        body=[pdf.grid(summary, [50, 124]), pdf.gap(), pdf.grid(lines, [58, 44, 20, 24, 28], header=True)],
        reference=f"請求書ID：{invoice.pk}",
    )


def render_receipt(payment: Payment) -> bytes:
    invoice = payment.invoice
    received = timezone.localtime(payment.succeeded_at).date() if payment.succeeded_at else None
    rows = [
        ("宛名", _company(invoice)),
        ("金額（税込）", yen(payment.amount_jpy)),
        ("但し書き", f"「{invoice.engagement.request.title}」の業務委託報酬として（請求番号 {invoice.number}）"),
        ("受領日", date_ja(received)),
        ("受領者", f"{_payee(invoice)}（決済：Tcyss / Stripe）"),
        ("お支払い方法", "クレジットカード（Stripe）"),
    ]
    if payment.refunded_jpy:
        rows.append(("返金済み", yen(payment.refunded_jpy)))
    return pdf.document(
        title="領収書",
        intro="上記の金額を正に領収いたしました。",
        body=[pdf.grid(rows, [50, 124])],
        reference=f"支払ID：{payment.pk}",
    )
