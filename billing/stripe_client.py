"""The one module that talks to Stripe: webhook signatures and every outgoing call.

Outgoing calls go through the official library's `StripeClient` (`client()`), with the
pinned API version, timeouts, bounded retries and idempotency keys derived from our row
ids; nothing else in the project imports `stripe`.
"""

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import stripe
from django.conf import settings
from django.utils.translation import gettext as _
from stripe.params import (
    CustomerCreateParams,
    CustomerFundingInstructionsCreateParams,
    EventListParams,
    PaymentIntentCreateParams,
    RefundCreateParams,
)
from stripe.params._payment_intent_create_params import PaymentIntentCreateParamsPaymentMethodOptions
from stripe.params.checkout import SessionCreateParams

from marketplace.errors import Conflict, PaymentDeclined, ServiceUnavailable, ValidationFailed

T = TypeVar("T")

# Stripe's default: a signature older than five minutes is refused (replays).
SIGNATURE_TOLERANCE_SECONDS = 300


def ensure_webhooks_configured() -> None:
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ServiceUnavailable(_("Billing is not configured (STRIPE_WEBHOOK_SECRET is not set)."))


def verified_event(payload: bytes, signature: str | None) -> Any:
    """The parsed body, if the signature over the raw body is Stripe's and recent; else a 400.
    Its fields are the caller's to check (`billing.services.webhooks`)."""
    ensure_webhooks_configured()
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(_("The Stripe signature does not verify."), field="signature") from exc
    try:
        return json.loads(payload)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValidationFailed(_("Not a Stripe event."), field="event") from exc


# The fields of the object inside an event are read through these: one of an unexpected
# shape reads as absent, so the event is ignored instead of failing its task on every retry.
# (The webhook checks the event's own fields before storing it.)
ID_LENGTH = 255  # our columns holding Stripe ids


def object_field(obj: dict[str, Any], key: str) -> dict[str, Any]:
    """A nested object, or {} when it is absent or not an object."""
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def text_field(obj: dict[str, Any], key: str) -> str:
    """A string, or "" when it is absent or not a string."""
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def id_field(obj: dict[str, Any], key: str) -> str:
    """A Stripe id our columns can hold, or ""."""
    value = text_field(obj, key)
    return value if len(value) <= ID_LENGTH else ""


def whole_field(obj: dict[str, Any], key: str) -> int | None:
    """An integer (an amount in yen), or None when it is absent or not an integer."""
    value = obj.get(key)
    return value if type(value) is int else None


TIMEOUT_SECONDS = 10
NETWORK_RETRIES = 2


def ensure_configured() -> None:
    if not settings.STRIPE_SECRET_KEY:
        raise ServiceUnavailable(_("Billing is not configured (STRIPE_SECRET_KEY is not set)."))


def client() -> stripe.StripeClient:
    """The official client: pinned API version, explicit timeout, bounded retries (each with the
    same idempotency key), and `STRIPE_API_BASE` for the local stand-in."""
    ensure_configured()
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        stripe_version=settings.STRIPE_API_VERSION,
        base_addresses={"api": base} if base else None,
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


def idempotency_key(operation: str, *ids: object) -> str:
    """Deterministic per business operation: the same operation on the same rows, the same key,
    so a retried task or a double click cannot act twice at Stripe."""
    return ":".join([operation, *(str(pk) for pk in ids)])


def _calling(call: Callable[[], T]) -> T:
    """One Stripe call, its failures as our errors: a decline is the payer's (402), Stripe out
    of reach or failing a 503 (the retry sends the same idempotency key, so it cannot act
    twice), a refused request a 409 with Stripe's reason."""
    try:
        return call()
    except stripe.CardError as exc:
        raise PaymentDeclined(exc.user_message or str(exc), payment_intent=_intent_of(exc)) from exc
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        raise ServiceUnavailable(_("Stripe did not answer. Try again: a retry cannot charge twice.")) from exc
    except stripe.AuthenticationError as exc:
        raise ServiceUnavailable(_("Billing is misconfigured (Stripe refused our key).")) from exc
    except stripe.InvalidRequestError as exc:
        raise Conflict(_("Stripe refused the request: %(reason)s") % {"reason": exc.user_message or exc}) from exc


def _intent_of(exc: stripe.StripeError) -> str:
    """The PaymentIntent a decline belongs to, when Stripe names it."""
    body = exc.json_body if isinstance(exc.json_body, dict) else {}
    intent = (body.get("error") or {}).get("payment_intent") or {}
    return str(intent.get("id", "")) if isinstance(intent, dict) else ""


def create_express_account(*, specialist_id: object, email: str) -> str:
    account = _calling(
        lambda: client().v1.accounts.create(
            params={
                "type": "express",
                "country": "JP",
                "email": email,
                "capabilities": {"transfers": {"requested": True}},
                "metadata": {"specialist": str(specialist_id)},
            },
            options={"idempotency_key": idempotency_key("connect-account", specialist_id)},
        )
    )
    return str(account["id"])


def create_onboarding_link(*, account_id: str, refresh_url: str, return_url: str, bucket: int) -> str:
    """A fresh single-use link (one idempotency key per account and minute)."""
    link = _calling(
        lambda: client().v1.account_links.create(
            params={
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            },
            options={"idempotency_key": idempotency_key("account-link", account_id, bucket)},
        )
    )
    return str(link["url"])


@dataclass(frozen=True)
class Intent:
    """What we keep of a PaymentIntent: its id, state and the secret the payer's browser needs."""

    id: str
    status: str
    client_secret: str
    failure: str

    @classmethod
    def of(cls, intent: stripe.PaymentIntent) -> "Intent":
        error = getattr(intent, "last_payment_error", None)  # absent on some shapes (the stand-in's)
        failure = str(getattr(error, "message", "") or "") if error else ""
        return cls(
            id=str(intent["id"]),
            status=str(intent["status"]),
            client_secret=str(intent["client_secret"]),
            failure=failure,
        )


def create_payment_intent(
    *,
    payment_id: object,
    amount: int,
    fee: int,
    destination: str,
    metadata: dict[str, str],
    payment_method: str = "",
    return_url: str = "",
) -> Intent:
    """A destination charge in yen (zero-decimal: `amount` is whole yen): the platform keeps
    `fee` as the application fee and Stripe transfers the rest to `destination`. With a
    payment method from the payer's browser it is confirmed at once (3-D Secure may still be
    asked for: status requires_action); without, the browser confirms with the client secret."""
    params: PaymentIntentCreateParams = {
        "amount": amount,
        "currency": "jpy",
        "application_fee_amount": fee,
        "transfer_data": {"destination": destination},
        "metadata": metadata,
    }
    if payment_method:
        params |= {"payment_method": payment_method, "confirm": True, "return_url": return_url}
    key = idempotency_key("payment-intent", payment_id)
    return Intent.of(
        _calling(lambda: client().v1.payment_intents.create(params=params, options={"idempotency_key": key}))
    )


def retrieve_payment_intent(intent_id: str) -> Intent:
    return Intent.of(_calling(lambda: client().v1.payment_intents.retrieve(intent_id)))


@dataclass(frozen=True)
class CheckoutSession:
    """What we keep of a Checkout Session: where the payer enters the card (Stripe's own page,
    which also runs 3-D Secure), and the PaymentIntent once the payer confirmed there."""

    id: str
    url: str
    status: str  # open, complete, expired
    payment_intent: str  # "" until the payer confirms at Stripe
    metadata: dict[str, str]

    @classmethod
    def of(cls, session: Any) -> "CheckoutSession":
        data = session.to_dict() if hasattr(session, "to_dict") else dict(session)  # 15.x+: not a dict
        intent = data.get("payment_intent")
        intent_id = intent if isinstance(intent, str) else str(intent.get("id", "")) if isinstance(intent, dict) else ""
        metadata = data.get("metadata") or {}
        return cls(
            id=str(data["id"]),
            url=str(data.get("url") or ""),
            status=str(data.get("status") or ""),
            payment_intent=intent_id,
            metadata={str(key): str(value) for key, value in metadata.items()},
        )


def create_checkout_session(
    *,
    payment_id: object,
    amount: int,
    fee: int,
    destination: str,
    name: str,
    metadata: dict[str, str],
    success_url: str,
    cancel_url: str,
) -> CheckoutSession:
    """Paying by card on Stripe's hosted page (no script of Stripe's on ours): the same
    destination charge as `create_payment_intent`, in whole yen, card only; Stripe sends the
    payer back to `success_url` (with the session's id) or `cancel_url`."""
    params: SessionCreateParams = {
        "mode": "payment",
        "line_items": [
            {"quantity": 1, "price_data": {"currency": "jpy", "unit_amount": amount, "product_data": {"name": name}}}
        ],
        "allowed_payment_method_types": ["card"],
        "payment_intent_data": {
            "application_fee_amount": fee,
            "transfer_data": {"destination": destination},
            "metadata": metadata,
        },
        "metadata": metadata,
        "client_reference_id": str(payment_id),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    key = idempotency_key("checkout-session", payment_id)
    return CheckoutSession.of(
        _calling(lambda: client().v1.checkout.sessions.create(params=params, options={"idempotency_key": key}))
    )


def retrieve_checkout_session(session_id: str) -> CheckoutSession:
    return CheckoutSession.of(_calling(lambda: client().v1.checkout.sessions.retrieve(session_id)))


def cancel_payment_intent(*, intent_id: str, payment_id: object) -> None:
    """Cancel an attempt the payer abandoned, so it can never be paid beside its successor."""
    key = idempotency_key("cancel-payment-intent", payment_id)
    _calling(lambda: client().v1.payment_intents.cancel(intent_id, options={"idempotency_key": key}))


@dataclass(frozen=True)
class StripeRefund:
    id: str
    status: str
    amount: int


def create_refund(*, refund_id: object, intent_id: str, amount: int) -> StripeRefund:
    """Refund part or all of a destination charge: the specialist's transfer is reversed and the
    platform fee refunded, both in proportion to the amount."""
    params: RefundCreateParams = {
        "payment_intent": intent_id,
        "amount": amount,
        "reverse_transfer": True,
        "refund_application_fee": True,
        "metadata": {"refund": str(refund_id)},
    }
    key = idempotency_key("refund", refund_id)
    refund = _calling(lambda: client().v1.refunds.create(params=params, options={"idempotency_key": key}))
    return StripeRefund(id=str(refund["id"]), status=str(refund["status"]), amount=int(refund["amount"]))


def events_since(since: datetime.datetime) -> Iterator[dict[str, Any]]:
    """Every event Stripe kept since `since`, oldest first (for reconciling missed webhooks)."""
    params: EventListParams = {"created": {"gte": int(since.timestamp())}, "limit": 100}
    page = _calling(lambda: client().v1.events.list(params=params))
    events = [event.to_dict() for event in page.auto_paging_iter()]
    yield from sorted(events, key=lambda event: (event.get("created") or 0, event.get("id") or ""))


# Japanese bank transfers (customer_balance / jp_bank_transfer): each SME is a Stripe customer with
# a virtual bank account (振込先) of its own; a transfer into it funds the customer's cash balance,
# and Stripe applies the balance to the customer's open bank-transfer PaymentIntent (automatic
# reconciliation), emitting payment_intent.partially_funded until it is paid in full, then
# payment_intent.succeeded. What Stripe cannot apply (an over-payment) stays in the balance.
BANK_TRANSFER_OPTIONS: "PaymentIntentCreateParamsPaymentMethodOptions" = {
    "customer_balance": {"funding_type": "bank_transfer", "bank_transfer": {"type": "jp_bank_transfer"}}
}


def create_customer(*, company_id: object, name: str, email: str) -> str:
    params: CustomerCreateParams = {"name": name, "metadata": {"company": str(company_id)}}
    if email:
        params["email"] = email
    key = idempotency_key("customer", company_id)
    customer = _calling(lambda: client().v1.customers.create(params=params, options={"idempotency_key": key}))
    return str(customer["id"])


@dataclass(frozen=True)
class VirtualAccount:
    """The zengin (全銀) address Stripe gives a customer to transfer to."""

    bank_name: str
    bank_code: str
    branch_name: str
    branch_code: str
    account_type: str
    account_number: str
    account_holder_name: str


def _zengin(instructions: dict[str, Any]) -> VirtualAccount | None:
    for address in instructions.get("financial_addresses") or []:
        zengin = object_field(address, "zengin") if isinstance(address, dict) else {}
        if zengin:
            return VirtualAccount(**{name: text_field(zengin, name) for name in VirtualAccount.__dataclass_fields__})
    return None


def funding_instructions(*, customer_id: str) -> VirtualAccount | None:
    """The customer's virtual account (the same one on every call for a customer)."""
    params: CustomerFundingInstructionsCreateParams = {
        "bank_transfer": {"type": "jp_bank_transfer", "requested_address_types": ["zengin"]},
        "currency": "jpy",
        "funding_type": "bank_transfer",
    }
    answer = _calling(lambda: client().v1.customers.funding_instructions.create(customer_id, params=params))
    return _zengin(object_field(answer.to_dict(), "bank_transfer"))


@dataclass(frozen=True)
class BankTransferIntent:
    """A bank-transfer PaymentIntent: its state, what is still to be transferred, and the reference
    the payer may quote (Stripe matches by the reference first)."""

    id: str
    status: str
    amount_remaining: int
    reference: str


def bank_transfer_state(intent: dict[str, Any]) -> BankTransferIntent:
    instructions = object_field(object_field(intent, "next_action"), "display_bank_transfer_instructions")
    remaining = whole_field(instructions, "amount_remaining")
    status = text_field(intent, "status")
    if remaining is None:
        remaining = 0 if status == "succeeded" else whole_field(intent, "amount") or 0
    return BankTransferIntent(
        id=id_field(intent, "id"),
        status=status,
        amount_remaining=remaining,
        reference=text_field(instructions, "reference"),
    )


def create_bank_transfer_intent(
    *, payment_id: object, amount: int, fee: int, destination: str, customer_id: str, metadata: dict[str, str]
) -> BankTransferIntent:
    """A destination charge paid from the customer's cash balance, funded by bank transfer to its
    virtual account; confirmed at once, so it waits (requires_action) for the transfer."""
    params: PaymentIntentCreateParams = {
        "amount": amount,
        "currency": "jpy",
        "customer": customer_id,
        "payment_method_data": {"type": "customer_balance"},
        "payment_method_options": BANK_TRANSFER_OPTIONS,
        "confirm": True,
        "application_fee_amount": fee,
        "transfer_data": {"destination": destination},
        "metadata": metadata,
    }
    key = idempotency_key("payment-intent", payment_id)
    intent = _calling(lambda: client().v1.payment_intents.create(params=params, options={"idempotency_key": key}))
    return bank_transfer_state(intent.to_dict())


def retrieve_bank_transfer_intent(intent_id: str) -> BankTransferIntent:
    return bank_transfer_state(_calling(lambda: client().v1.payment_intents.retrieve(intent_id)).to_dict())
