"""Paying an invoice by bank transfer through Stripe's Japanese bank transfers (customer_balance /
jp_bank_transfer): each SME has one virtual account (振込先) for all its invoices; an invoice
whose terms name bank transfer gets a PaymentIntent paid from the SME's cash balance; transfers
into the account fund that balance and Stripe applies them, partly or wholly, to the open
PaymentIntent. Webhooks tell us: `payment_intent.partially_funded` (what is still owed),
`payment_intent.succeeded` (paid; the receipt follows), `customer_cash_balance_transaction.created`
(every movement, kept once by id), `cash_balance.funds_available` (money Stripe could not apply:
an over-payment, or a transfer with no open invoice; the chamber is told).

Stripe is called outside any transaction, with idempotency keys derived from our rows (the
customer from the company's id, the PaymentIntent from the payment's), as in `payments`.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Company, User
from billing import stripe_client
from billing.models import BankTransferAccount, CashBalanceEntry, Invoice, Payment
from billing.services import payments
from marketplace import links
from marketplace.errors import Conflict, ServiceUnavailable
from notifications.services import by_role, notify


@dataclass(frozen=True)
class BankTransferStart:
    """What the payer needs: the attempt, the account to transfer to, what is still owed and the
    reference to quote (Stripe matches by it first)."""

    payment: Payment
    account: BankTransferAccount
    amount_remaining: int
    reference: str


def virtual_account(*, company: Company) -> BankTransferAccount:
    """The SME's Stripe customer and virtual account, created once (a race or a retry reuses the
    customer through its idempotency key and the unique company)."""
    account = BankTransferAccount.objects.filter(company=company).first()
    if account is not None and account.has_account:
        return account
    if account is None:
        owner = access.members_of(company.pk).order_by("created_at", "pk").first()
        customer_id = stripe_client.create_customer(
            company_id=company.pk, name=company.name, email=owner.email if owner else ""
        )
        try:
            with transaction.atomic():
                account = BankTransferAccount.objects.create(company=company, customer_id=customer_id)
        except IntegrityError:
            account = BankTransferAccount.objects.get(company=company)
    address = stripe_client.funding_instructions(customer_id=account.customer_id)
    if address is None:
        raise ServiceUnavailable(_("Stripe gave no bank account to transfer to; try again later."))
    BankTransferAccount.objects.filter(pk=account.pk).update(**address.__dict__)
    account.refresh_from_db()
    return account


def pay_by_bank_transfer(*, invoice: Invoice, user: User) -> BankTransferStart:
    """Start (or resume) paying by bank transfer: the SME's virtual account and a PaymentIntent
    for what it owes (the amount less any withholding), whose platform fee goes to the chamber and
    whose rest goes to the specialist. Repeating the call answers the same attempt."""
    stripe_client.ensure_configured()
    access.ensure_member(user, invoice.engagement.company_id, _("Invoice not found."))
    return _open(invoice, user)


def prepare_bank_transfer(*, invoice: Invoice) -> BankTransferStart | None:
    """On issue, for an invoice whose terms name bank transfer: the virtual account shown on the
    invoice and the PaymentIntent a transfer is applied to, before the SME asks. Nothing when the
    invoice is no longer open or the specialist cannot be paid out yet (they are told; the SME's
    own request opens it later)."""
    if invoice.payment_method != Payment.Method.BANK_TRANSFER or invoice.status != Invoice.Status.OPEN:
        return None
    try:
        return _open(invoice, None)
    except Conflict:
        virtual_account(company=invoice.engagement.company)
        return None


def _open(invoice: Invoice, user: User | None) -> BankTransferStart:
    payments.ensure_offered(invoice, Payment.Method.BANK_TRANSFER)
    destination = payments.payout_account(invoice)
    account = virtual_account(company=invoice.engagement.company)
    payment = payments.attempt(invoice, user, destination, method=Payment.Method.BANK_TRANSFER)
    if payment.payment_intent_id:
        state = stripe_client.retrieve_bank_transfer_intent(payment.payment_intent_id)
    else:
        state = stripe_client.create_bank_transfer_intent(
            payment_id=payment.pk,
            amount=payment.amount_jpy,
            fee=payment.application_fee_jpy,
            destination=payment.destination_account,
            customer_id=account.customer_id,
            metadata={"payment": str(payment.pk), "invoice": str(invoice.pk), "invoice_number": invoice.number},
        )
        payments.link_intent(payment, state.id)
    with transaction.atomic():
        if state.status == "succeeded":
            payments.payment_succeeded(payment)
        else:
            record_funding(payment, received=payment.amount_jpy - state.amount_remaining)
    payment.refresh_from_db()
    return BankTransferStart(
        payment=payment, account=account, amount_remaining=state.amount_remaining, reference=state.reference
    )


def record_funding(payment: Payment, *, received: int) -> bool:
    """What Stripe applied to the PaymentIntent so far, only ever growing (a partial event arriving
    after a later one, or after success, changes nothing)."""
    received = max(0, min(received, payment.amount_jpy))
    return bool(
        Payment.objects.filter(pk=payment.pk, funded_jpy__lt=received, status=Payment.Status.PENDING).update(
            funded_jpy=received
        )
    )


def apply_partial_funding(intent: dict[str, Any]) -> str:
    """payment_intent.partially_funded: part of the amount arrived; the SME is told what remains
    (once per amount received)."""
    payment = payments.payment_of(intent)
    if payment is None:
        return "ignored: not one of our payments"
    state = stripe_client.bank_transfer_state(intent)
    if stripe_client.whole_field(intent, "amount") != payment.amount_jpy:
        return "ignored: the amount differs from ours"
    received = payment.amount_jpy - state.amount_remaining
    if not record_funding(payment, received=received):
        return "ignored: already there"
    invoice = payment.invoice
    notify(
        kind="bank_transfer_partial",
        recipients=access.members_of(invoice.engagement.company_id),
        event_key=f"bank_transfer_partial:{payment.pk}:{received}",
        context={"invoice": invoice, "received": received, "remaining": state.amount_remaining},
        link=links.sme_invoice(invoice.pk),
    )
    return "applied"


def record_cash_balance_transaction(transaction_: dict[str, Any], *, created: datetime.datetime) -> str:
    """customer_cash_balance_transaction.created: kept once by Stripe's id, for the chamber to
    follow every yen that arrived and where it went."""
    transaction_id = stripe_client.id_field(transaction_, "id")
    net = stripe_client.whole_field(transaction_, "net_amount")
    if not transaction_id or net is None:
        return "ignored: not a cash balance transaction"
    applied = stripe_client.object_field(transaction_, "applied_to_payment")
    _entry, made = CashBalanceEntry.objects.get_or_create(
        transaction_id=transaction_id,
        defaults={
            "customer_id": stripe_client.id_field(transaction_, "customer"),
            "kind": stripe_client.text_field(transaction_, "type")[:40],
            "net_amount_jpy": net,
            "payment_intent_id": stripe_client.id_field(applied, "payment_intent"),
            "created": created,
        },
    )
    return "applied" if made else "ignored: already there"


def apply_funds_available(cash_balance: dict[str, Any], *, event_id: str) -> str:
    """cash_balance.funds_available: money in the SME's balance that no open invoice took (an
    over-payment, or a transfer before any invoice). It waits for the SME's next bank-transfer
    invoice, which Stripe pays from it first; the chamber's admins and the SME are told, so a
    refund can be arranged instead."""
    customer_id = stripe_client.id_field(cash_balance, "customer")
    available = stripe_client.whole_field(stripe_client.object_field(cash_balance, "available"), "jpy")
    account = BankTransferAccount.objects.select_related("company").filter(customer_id=customer_id).first()
    if account is None or not available:
        return "ignored: not one of our customers"
    company = account.company
    notify(
        kind="bank_transfer_unapplied",
        recipients=[*access.admins_of(company.chamber_id), *access.members_of(company.pk)],
        event_key=f"bank_transfer_unapplied:{event_id}",
        context={"company": company.name, "available": available},
        link=by_role(chamber_admin=links.console_invoices(), sme=links.sme_home()),
    )
    return "applied"
