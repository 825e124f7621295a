"""Money documents as PDFs in Japanese (layout and the embedded font: marketplace.pdf, as the terms
statement), each saying whether its amounts include consumption tax (ADR 0011):

- the specialist's invoice to the SME: a qualified invoice (適格請求書) when the specialist is
  registered — every item of 消費税法57条の4①: issuer and registration number, the date (the
  period), what was supplied, the amount per tax rate with the rate, the tax per rate (rounded
  once), the recipient — or, for a tax-exempt specialist, a plain invoice with the older items
  (issuer, date, content, the tax-inclusive amount per rate, recipient) that shows no
  registration number and never the words a qualified invoice uses (法57条の5);
- a payment's receipt (領収書);
- the chamber's monthly fee invoice to a specialist, and the payout statement (支払通知書).
"""

import datetime

from django.utils import timezone

from accounts import corporate_number
from billing import tax
from billing.models import BankTransferAccount, FeeStatement, Invoice, Payment
from marketplace import pdf
from marketplace.pdf import date_ja, yen

KIND = {"retainer": "月額顧問料", "hours": "作業時間", "fixed": "固定報酬"}
STATUS = {"open": "未払い", "paid": "支払済み", "void": "取消"}
METHOD = {"card": "クレジットカード（Stripe）", "bank_transfer": "銀行振込（Stripe の振込専用口座）"}
ACCOUNT_TYPE = {"futsu": "普通", "toza": "当座"}
TREATMENT = {"inclusive": "税込", "exclusive": "税抜"}
# A tax-exempt specialist's document says it is not a qualified invoice without using the words
# (法57条の5: nothing that could be taken for one).
NOT_QUALIFIED = (
    "本書の発行者は消費税の登録事業者ではなく、本書は登録番号を記載した請求書ではありません。"
    "仕入税額控除の扱いは税理士にご確認ください。"
)


def _percent(bps: int) -> str:
    return f"{bps / 100:g}%"


def _company(invoice: Invoice) -> str:
    company = invoice.engagement.company
    number = f"（法人番号 {corporate_number.display(company.corporate_number)}）" if company.corporate_number else ""
    return f"{company.name} 御中{number}"


def _payee(invoice: Invoice) -> str:
    specialist = invoice.engagement.specialist
    return specialist.legal_name or specialist.display_name


def _line_rows(invoice: Invoice) -> list[list[str]]:
    treatment = TREATMENT.get(invoice.tax_treatment, "税込")
    return [["内容", "期間・作業日", "数量", "単価", f"金額（{treatment}）", "税率"]] + [
        [
            KIND.get(line.kind, line.kind) + (f"\n{line.description}" if line.description else ""),
            f"{line.service_from:%Y-%m-%d}"
            + ("" if line.service_to == line.service_from else f" 〜 {line.service_to:%Y-%m-%d}"),
            f"{line.quantity.normalize():f}" + (" 時間" if line.kind == "hours" else ""),
            yen(line.unit_price_jpy),
            yen(line.amount_jpy),
            _percent(invoice.tax_rate_bps),
        ]
        for line in invoice.lines.all()
    ]


def _due_rows(invoice: Invoice) -> list[tuple[str, str]]:
    if not invoice.issued_late:
        return [("支払期日", date_ja(invoice.due_on))]
    return [
        ("支払期日", f"{date_ja(invoice.due_on)}（発行日）"),
        ("取引条件上の支払期日", f"{date_ja(invoice.legal_due_on)}（本請求書はこの日より後に発行されました）"),
    ]


def _payment_rows(invoice: Invoice) -> list[tuple[str, str]]:
    if invoice.payment_method != Payment.Method.BANK_TRANSFER:
        return [("お支払い方法", "Tcyss の請求画面からカード決済（Stripe）")]
    account = BankTransferAccount.objects.filter(company_id=invoice.engagement.company_id).first()
    if account is None or not account.has_account:
        return [("お支払い方法", "銀行振込（振込先は Tcyss の請求画面でご確認ください）")]
    return [
        ("お支払い方法", "銀行振込（振込手数料は貴社のご負担でお願いします）"),
        (
            "振込先（貴社専用口座）",
            f"{account.bank_name}（{account.bank_code}） {account.branch_name}（{account.branch_code}）\n"
            f"{ACCOUNT_TYPE.get(account.account_type, account.account_type)} {account.account_number}　"
            f"口座名義 {account.account_holder_name}",
        ),
    ]


def _withholding_rows(invoice: Invoice) -> list[tuple[str, str]]:
    if not invoice.withholding_jpy:
        return []
    return [
        ("源泉徴収税額（所得税及び復興特別所得税）", f"{yen(invoice.withholding_jpy)}（税抜金額に対して）"),
        ("差引お支払金額", f"{yen(invoice.amount_due_jpy)}（源泉徴収税額は貴社から税務署へ納付してください）"),
    ]


def render_invoice(invoice: Invoice) -> bytes:
    """The specialist's invoice to the SME: qualified when the specialist is registered."""
    rate = _percent(invoice.tax_rate_bps)
    issuer = _payee(invoice)
    if invoice.is_qualified:
        title = "請求書（適格請求書）"
        parties = [
            ("請求者（発行者）", issuer),
            ("登録番号", invoice.issuer_registration_number),
        ]
        amounts = [
            (f"{rate}対象 合計（税抜）", yen(invoice.taxable_jpy)),
            (f"消費税（{rate}）", yen(invoice.tax_jpy)),
            (f"ご請求金額（税込・{rate}対象）", yen(invoice.amount_jpy)),
            ("消費税の端数処理", f"請求書ごと・税率ごとに1回（{tax.ROUNDING_JA.get(invoice.tax_rounding, '')}）"),
        ]
        notes = []
    else:
        title = "請求書"
        parties = [("請求者（発行者）", issuer)]
        amounts = [(f"ご請求金額（税込・{rate}対象）", yen(invoice.amount_jpy))]
        notes = [pdf.gap(), pdf.note(NOT_QUALIFIED)]
    summary = [
        ("請求番号", invoice.number),
        ("発行日", date_ja(invoice.issued_on)),
        ("請求先", _company(invoice)),
        *parties,
        ("業務", invoice.engagement.request.title),
        ("取引年月日（対象期間）", f"{date_ja(invoice.period_start)} 〜 {date_ja(invoice.period_end)}"),
        *amounts,
        *_withholding_rows(invoice),
        (
            "うち Tcyss 利用手数料",
            f"{yen(invoice.platform_fee_jpy)}（受託事業者が負担。商工会議所から受託事業者へ別途請求）",
        ),
        *_due_rows(invoice),
        *_payment_rows(invoice),
        ("状況", STATUS.get(invoice.status, invoice.status)),
    ]
    treatment = "消費税込み" if invoice.tax_treatment == "inclusive" else "消費税抜き（消費税は別記）"
    return pdf.document(
        title=title,
        intro=f"下記のとおりご請求申し上げます。明細の金額は{treatment}です。"
        "本書は受託事業者の名義で発行し、Tcyss が交付します。",
        body=[
            pdf.grid(summary, [56, 118]),
            pdf.gap(),
            pdf.grid(_line_rows(invoice), [50, 40, 18, 22, 28, 16], header=True),
            *notes,
        ],
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
        ("お支払い方法", METHOD.get(payment.method, payment.method)),
    ]
    if invoice.is_qualified:
        rows.insert(5, ("登録番号", invoice.issuer_registration_number))
    if invoice.withholding_jpy:
        rows.append(("源泉徴収税額（貴社が納付）", yen(invoice.withholding_jpy)))
    if payment.refunded_jpy:
        rows.append(("返金済み", yen(payment.refunded_jpy)))
    return pdf.document(
        title="領収書",
        intro="上記の金額を正に領収いたしました。",
        body=[pdf.grid(rows, [50, 124])],
        reference=f"支払ID：{payment.pk}",
    )


def _month_ja(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def _specialist_name(statement: FeeStatement) -> str:
    specialist = statement.specialist
    return specialist.legal_name or specialist.display_name


def _statement_payments(statement: FeeStatement) -> list[Payment]:
    return list(statement.payments.select_related("invoice").order_by("succeeded_at", "id"))


def render_fee_invoice(statement: FeeStatement) -> bytes:
    """The chamber's invoice to the specialist for its platform fees of the month (already
    deducted from the payouts): qualified when the chamber recorded its registration number."""
    rate = _percent(statement.tax_rate_bps)
    chamber = statement.chamber
    issuer = [("請求者（発行者）", chamber.name)]
    if statement.is_qualified:
        issuer.append(("登録番号", statement.issuer_registration_number))
    lines = [["請求番号（企業への請求）", "入金日", f"手数料（税込・{rate}対象）"]] + [
        [
            payment.invoice.number,
            date_ja(timezone.localtime(payment.succeeded_at).date() if payment.succeeded_at else None),
            yen(payment.application_fee_jpy),
        ]
        for payment in _statement_payments(statement)
    ]
    rows = [
        ("請求番号", statement.number),
        ("発行日", date_ja(statement.issued_on)),
        ("請求先", f"{_specialist_name(statement)} 様"),
        *issuer,
        ("取引内容", "Tcyss プラットフォーム利用手数料"),
        ("取引年月日（対象月）", _month_ja(statement.month)),
        (f"{rate}対象 合計（税込）", yen(statement.fee_jpy)),
        (f"うち消費税（{rate}）", yen(statement.fee_tax_jpy)),
        (f"{rate}対象 合計（税抜）", yen(statement.fee_before_tax_jpy)),
        ("消費税の端数処理", f"請求書ごと・税率ごとに1回（{tax.ROUNDING_JA.get(statement.tax_rounding, '')}）"),
        ("お支払い", "各入金時に差し引き済みです（追加のお支払いはありません）。"),
    ]
    return pdf.document(
        title="請求書（適格請求書）" if statement.is_qualified else "手数料請求書",
        intro="下記のとおり、当月の手数料をご請求申し上げます。金額は消費税込みです。",
        body=[pdf.grid(rows, [56, 118]), pdf.gap(), pdf.grid(lines, [70, 50, 54], header=True)],
        reference=f"手数料明細ID：{statement.pk}",
    )


def render_payout_statement(statement: FeeStatement) -> bytes:
    """支払通知書: per payment and in total, what the SMEs were invoiced (gross), the fee, the income
    tax the SMEs withheld, and what was paid out; gross = fee (before tax) + tax + withholding + net."""
    rate = _percent(statement.tax_rate_bps)
    lines = [["請求番号", "入金日", "請求額（税込）", "手数料（税込）", "源泉徴収税額", "支払額"]] + [
        [
            payment.invoice.number,
            date_ja(timezone.localtime(payment.succeeded_at).date() if payment.succeeded_at else None),
            yen(payment.invoice.amount_jpy),
            yen(payment.application_fee_jpy),
            yen(payment.invoice.withholding_jpy),
            yen(payment.specialist_share_jpy),
        ]
        for payment in _statement_payments(statement)
    ]
    rows = [
        ("番号", statement.number),
        ("発行日", date_ja(statement.issued_on)),
        ("支払先", f"{_specialist_name(statement)} 様"),
        ("支払者", f"{statement.chamber.name}（Tcyss・Stripe 経由）"),
        ("対象月", _month_ja(statement.month)),
        ("請求額合計（税込）", yen(statement.gross_jpy)),
        ("手数料（税抜）", yen(statement.fee_before_tax_jpy)),
        (f"手数料の消費税（{rate}）", yen(statement.fee_tax_jpy)),
        ("源泉徴収税額（企業が納付）", yen(statement.withholding_jpy)),
        ("お支払額", yen(statement.net_jpy)),
    ]
    return pdf.document(
        title="支払通知書",
        intro="下記のとおりお支払いしましたのでお知らせします。"
        "請求額合計 = 手数料（税抜）+ 消費税 + 源泉徴収税額 + お支払額。",
        body=[pdf.grid(rows, [56, 118]), pdf.gap(), pdf.grid(lines, [34, 30, 28, 28, 28, 26], header=True)],
        reference=f"手数料明細ID：{statement.pk}",
    )
