"""Every kind of notification: who gets it, how by default, whether a person may change that.

`notify()` refuses a kind that is not here, and every kind has its mail templates
(notifications/templates/notifications/<kind>.<ja|en>.txt; tests/notifications checks both
ways). The settings page (/settings/) lists the kinds of the person's audience with these labels.

Legally or security-required kinds are always sent at once and cannot be turned off:
the statement of terms (Freelance Act Art. 3: engagement_started carries it), a termination
notice given by the client (Art. 16), and the account mails (confirmation, reset, invitation).
"""

from dataclasses import dataclass
from typing import Literal

Delivery = Literal["immediate", "digest", "off"]
IMMEDIATE: Delivery = "immediate"
DIGEST: Delivery = "digest"
OFF: Delivery = "off"
DELIVERIES: tuple[Delivery, ...] = (IMMEDIATE, DIGEST, OFF)

# Audiences, by User.Role value.
SME, SPECIALIST, ADMIN = "sme", "specialist", "chamber_admin"
EVERYONE = (SME, SPECIALIST, ADMIN)


@dataclass(frozen=True)
class Kind:
    name: str
    audience: tuple[str, ...]
    delivery: Delivery
    label_ja: str
    label_en: str
    legally_required: bool = False
    link: str = ""  # the marketplace.links function(s) the mail points at, for readers

    def label(self, language: str) -> str:
        return self.label_en if language.startswith("en") else self.label_ja

    @property
    def default(self) -> Delivery:
        return IMMEDIATE if self.legally_required else self.delivery


def _k(
    name: str,
    audience: tuple[str, ...],
    delivery: Delivery,
    label_ja: str,
    label_en: str,
    link: str,
    *,
    legally_required: bool = False,
) -> Kind:
    return Kind(name, audience, delivery, label_ja, label_en, legally_required, link)


# One kind per entry, its labels and link side by side: a table to read down, so the
# formatter leaves its layout alone.
# fmt: off
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        # --- account (security) ---
        _k("email_confirmation", EVERYONE, IMMEDIATE, "メールアドレスの確認",
           "Email address confirmation", "confirm_email", legally_required=True),
        _k("password_reset", EVERYONE, IMMEDIATE, "パスワードの再設定",
           "Password reset", "password_reset", legally_required=True),
        _k("invitation", EVERYONE, IMMEDIATE, "招待",
           "Invitation", "invitation", legally_required=True),
        # --- chamber admins: queues to work through ---
        _k("company_to_verify", (ADMIN,), DIGEST, "確認待ちの企業",
           "A company waiting for verification", "console_company"),
        _k("credential_to_review", (ADMIN,), DIGEST, "確認待ちの資格",
           "A credential to review", "console_certification"),
        _k("proposals_to_review", (ADMIN,), DIGEST, "承認待ちの提案（マッチング実行ごと）",
           "Proposals waiting for review (per match run)", "console_run"),
        _k("subsidy_document_uploaded", (ADMIN,), DIGEST, "助成金書類のアップロード",
           "A subsidy document uploaded", "console_subsidy_case"),
        _k("incident_request_published", (ADMIN,), IMMEDIATE, "インシデント対応の依頼の公開",
           "An incident request published", "console_request"),
        _k("invoice_issued_late", (ADMIN,), IMMEDIATE, "支払期日後に発行された請求書",
           "An invoice issued after its due date", "console_engagement"),
        _k("bank_transfer_unapplied", (ADMIN, SME), IMMEDIATE, "請求書に充当されていない入金",
           "Money received but not applied", "console_invoices / sme_home"),
        # --- SMEs ---
        _k("company_verified", (SME,), IMMEDIATE, "企業の確認完了",
           "Company verified", "sme_company"),
        _k("company_rejected", (SME,), IMMEDIATE, "企業の確認の否認",
           "Company not verified", "sme_company"),
        _k("proposals_approved", (SME,), IMMEDIATE, "提案の承認（案件の進捗）",
           "Proposals approved (pipeline moves)", "sme_request"),
        _k("proposal_accepted", (SME,), IMMEDIATE, "専門家の受諾",
           "A specialist accepted", "sme_request"),
        _k("notice_by_specialist", (SME,), IMMEDIATE, "専門家からの契約終了の通知",
           "Notice of termination by the specialist", "sme_engagement"),
        _k("subsidy_document_needs_fix", (SME,), IMMEDIATE, "助成金書類の修正依頼",
           "A subsidy document needs a fix", "sme_subsidy"),
        _k("case_comment", (SME,), IMMEDIATE, "助成金ケースへのコメント",
           "A comment on a subsidy case", "sme_subsidy"),
        _k("subsidy_deadline", (SME,), IMMEDIATE, "助成金の期限",
           "Subsidy deadlines", "sme_subsidy"),
        _k("hours_logged", (SME,), IMMEDIATE, "作業時間の記録",
           "Hours logged", "sme_engagement"),
        _k("invoice_issued", (SME,), IMMEDIATE, "請求書の発行",
           "Invoice issued", "sme_invoice"),
        _k("payment_failed", (SME,), IMMEDIATE, "支払いの失敗",
           "Payment failed", "sme_invoice"),
        _k("bank_transfer_partial", (SME,), IMMEDIATE, "振込の一部受領",
           "Part of a bank transfer received", "sme_invoice"),
        # --- both parties of an engagement ---
        _k("engagement_started", (SME, SPECIALIST), IMMEDIATE, "契約の開始（取引条件の明示）",
           "Engagement started (statement of terms)", "sme_engagement / specialist_engagement", legally_required=True),
        _k("engagement_ended", (SME, SPECIALIST), IMMEDIATE, "契約の終了",
           "Engagement ended", "sme_engagement / specialist_engagement"),
        _k("payment_received", (SME, SPECIALIST), IMMEDIATE, "支払いの受付",
           "Payment received", "sme_invoice / specialist_engagement"),
        _k("refund_issued", (SME, SPECIALIST), IMMEDIATE, "返金",
           "Refund issued", "sme_invoice / specialist_engagement"),
        # --- specialists ---
        _k("notice_by_client", (SPECIALIST,), IMMEDIATE, "発注者からの契約終了の予告（フリーランス法第16条）",
           "Notice of termination by the client (Freelance Act Art. 16)", "specialist_engagement",
           legally_required=True),
        _k("payouts_needed", (SPECIALIST,), IMMEDIATE, "報酬の受取設定のお願い",
           "Payout setup needed", "specialist_payouts"),
        _k("proposal_approved", (SPECIALIST,), IMMEDIATE, "新しい案件のご提案",
           "A proposal waiting for you", "specialist_proposal"),
        _k("proposal_expiring", (SPECIALIST,), IMMEDIATE, "提案の回答期限",
           "Proposal answer due", "specialist_proposal"),
        _k("hours_disputed", (SPECIALIST,), IMMEDIATE, "作業時間の差戻し",
           "Hours disputed", "specialist_engagement"),
        _k("review_received", (SPECIALIST,), IMMEDIATE, "評価の受領",
           "Review received", "specialist_engagement"),
        _k("credential_verified", (SPECIALIST,), IMMEDIATE, "資格の確認",
           "Credential verified", "specialist_credentials"),
        _k("credential_rejected", (SPECIALIST,), IMMEDIATE, "資格の否認",
           "Credential not accepted", "specialist_credentials"),
        _k("credential_renewal_due", (SPECIALIST,), IMMEDIATE, "登録の更新時期",
           "Registration due for renewal", "specialist_credentials"),
        _k("credential_lapsed", (SPECIALIST,), IMMEDIATE, "登録の失効",
           "Registration lapsed", "specialist_credentials"),
    )
}
# fmt: on


def kind(name: str) -> Kind:
    """The kind named `name`; an unknown name is a programming error (KeyError)."""
    return KINDS[name]


def kinds_for(role: str) -> list[Kind]:
    """The kinds a person of `role` may receive, in the table's order."""
    return [kind for kind in KINDS.values() if role in kind.audience]
