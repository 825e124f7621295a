"""The statement of terms (取引条件明示書) of an engagement, as a PDF in Japanese.

Freelance Act Art. 3 (DOMAIN.md): on commissioning, the client states in writing or
electronically both parties, the date, the work, when and where it is received, the
fee, the payment due date and how it is paid. Layout and font: marketplace.pdf.
"""

from accounts import corporate_number
from accounts.prefectures import prefecture_name
from marketplace import pdf
from marketplace.pdf import date_ja as _date
from marketplace.pdf import yen as _yen
from matching.models import Engagement

FEE_BASIS = {"monthly": "月額", "hourly": "時間単価 × 実績時間", "fixed": "固定額"}
PAYMENT_METHOD = {
    "bank_transfer": "銀行振込（Stripe が発行する貴社専用の振込口座へ。振込手数料は委託事業者の負担）",
    "card": "クレジットカード（Stripe）",
}
TAX = {"inclusive": "消費税込み", "exclusive": "消費税抜き（別途消費税 10%）"}
EMPLOYMENT = {"full_time": "フルタイム（正社員等）", "part_time": "パートタイム"}


def _rows(engagement: Engagement) -> list[tuple[str, str]]:
    request = engagement.request
    company = engagement.company
    specialist = engagement.specialist
    number = f"（法人番号 {corporate_number.display(company.corporate_number)}）" if company.corporate_number else ""
    parties = [
        ("委託事業者（発注者）", f"{company.name}{number}"),
        ("受託事業者", specialist.legal_name or specialist.display_name),
        ("明示日・業務委託をした日", _date(engagement.stated_on)),
    ]
    if engagement.is_hire:
        return [
            *parties,
            ("契約の種類", "雇用（労働関係法令が適用されます。本明示書は参考です）"),
            ("雇用形態", EMPLOYMENT.get(engagement.employment_type, engagement.employment_type)),
            ("入社日", _date(engagement.hire_date)),
            ("週の所定労働時間", f"{engagement.weekly_hours} 時間"),
            ("年収", _yen(engagement.annual_salary_jpy)),
            ("紹介手数料", "なし（本サービスは職業紹介の手数料を受け取りません）"),
        ]
    days = engagement.payment_due_days
    if engagement.fee_basis == Engagement.FeeBasis.MONTHLY and engagement.closing == Engagement.Closing.ANNIVERSARY:
        hours = f"（月 {engagement.hours_per_month} 時間まで）" if engagement.hours_per_month else ""
        fee = f"月額 {_yen(engagement.fee_jpy)}{hours}（最終期間は日割り）"
        due = (
            f"役務の提供開始日から1か月ごとの期間で締め、各期間の末日から {days} 日以内"
            f"（末日の {days} 日後を支払期日とします）"
        )
    elif engagement.fee_basis == Engagement.FeeBasis.MONTHLY:
        hours = f"（月 {engagement.hours_per_month} 時間まで）" if engagement.hours_per_month else ""
        fee = f"月額 {_yen(engagement.fee_jpy)}{hours}（初月と最終月は暦日数による日割り）"
        due = (
            f"各月の役務提供分を月末で締め、月末日（最終月は役務提供の最終日）から {days} 日以内"
            f"（その {days} 日後を支払期日とします）"
        )
    elif engagement.fee_basis == Engagement.FeeBasis.HOURLY:
        fee = f"時間単価 {_yen(engagement.fee_jpy)} × 実績時間（見込み 月 {engagement.hours_per_month} 時間）"
        due = f"役務の提供を受けた日（月単位の場合は各月末日）から {engagement.payment_due_days} 日以内"
    else:
        fee = f"固定額 {_yen(engagement.fee_jpy)}"
        due = f"役務の提供を受けた日から {engagement.payment_due_days} 日以内"
    place = (
        f"オンサイト（{prefecture_name(company.prefecture)}）" + ("・リモート併用" if request.remote_ok else "")
        if request.onsite_required
        else "リモート（必要に応じて協議）"
    )
    period = f"{_date(engagement.service_start)} 〜 " + (
        _date(engagement.service_end) if engagement.service_end else "期間の定めなし（継続）"
    )
    return [
        *parties,
        ("給付の内容（業務内容）", engagement.scope or request.title),
        ("役務の提供を受ける期間", period),
        ("役務の提供を受ける場所", place),
        ("検査完了日", "検査なし"),
        ("報酬の額・算定方法", f"{FEE_BASIS.get(engagement.fee_basis, '')}：{fee}"),
        ("消費税の扱い", TAX.get(engagement.tax_treatment, engagement.tax_treatment)),
        (
            "源泉徴収",
            "あり（所得税及び復興特別所得税：1回の支払額のうち税抜100万円まで10.21%、超える部分20.42%。"
            "委託事業者が納付）"
            if engagement.withholding
            else "なし",
        ),
        ("支払期日", due),
        ("支払方法", PAYMENT_METHOD.get(engagement.payment_method, engagement.payment_method)),
    ]


def render(engagement: Engagement) -> bytes:
    """The PDF bytes."""
    heading = "労働条件の概要" if engagement.is_hire else "取引条件明示書"
    basis = (
        "本書は採用に伴う条件の概要です。"
        if engagement.is_hire
        else "特定受託事業者に係る取引の適正化等に関する法律 第3条に基づき、以下のとおり取引条件を明示します。"
    )
    return pdf.document(
        title=heading,
        intro=basis,
        body=[pdf.grid(_rows(engagement), [50, 124])],
        reference=f"エンゲージメントID：{engagement.pk}",
    )
