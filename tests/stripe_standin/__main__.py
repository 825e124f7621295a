"""The local Stripe stand-in: localstripe on 127.0.0.1, plus a CLEARLY LABELLED SIMULATION of
the parts of Stripe it lacks (see ../shared/STRIPE.md).

    python -m tests.stripe_standin --port 8420

Real localstripe (GPL, a test dependency only): customers, payment methods, PaymentIntents,
refunds, events, signed webhook deliveries (register with POST /_config/webhooks/{id}).

SIMULATED here (not Stripe's rules; tests that rely on it carry the `stripe_simulation`
marker):
- Connect Express accounts (POST/GET /v1/accounts), account links (POST /v1/account_links),
  finishing onboarding (POST /_sim/accounts/{id}/complete, which emits a signed
  `account.updated`);
- destination charges: POST /v1/payment_intents takes `application_fee_amount` and
  `transfer_data[destination]` (the account must exist and be able to receive payouts) and
  any other parameter Stripe's typed params name; localstripe does the payment, the
  simulation records the Connect part, readable at GET /_sim/connect/{payment_intent};
- refunds take `reverse_transfer` and `refund_application_fee` (recorded there too), and a
  refund above what is left of the charge is refused, as Stripe does (localstripe accepts it);
- a failed 3-D Secure authentication emits `payment_intent.payment_failed`, as Stripe does;
- Idempotency-Key replay on every create above (localstripe ignores the header);
- refusal of parameters the installed SDK's typed params do not name (a misspelling is a
  400, as at Stripe);
- faults: POST /_sim/faults {"drop_response": "/v1/payment_intents", "times": 1} makes the
  next such request do its work and then close the connection without an answer;
- Japanese bank transfers (customer_balance / jp_bank_transfer), which localstripe lacks
  entirely: a customer's virtual account (POST /v1/customers/{id}/funding_instructions, the same
  zengin address on every call), PaymentIntents paid from the cash balance (created with
  `payment_method_data[type]=customer_balance`, confirmed: `requires_action` with
  `next_action.display_bank_transfer_instructions`; retrieve and cancel), and Stripe's own test
  helper POST /v1/test_helpers/customers/{id}/fund_cash_balance (amount, reference): the transfer
  funds the cash balance and is applied to the customer's open PaymentIntent (the one whose
  reference matches, else the oldest), emitting `customer_cash_balance_transaction.created`
  (funded, applied_to_payment), `payment_intent.partially_funded` or `payment_intent.succeeded`,
  and `cash_balance.funds_available` for what is left over (an over-payment);
- Checkout (Stripe's hosted payment page), which localstripe lacks: POST /v1/checkout/sessions
  (mode=payment, one line item in yen, payment_intent_data with the destination charge), GET
  /v1/checkout/sessions/{id}, POST /v1/checkout/sessions/{id}/expire, the hosted page GET/POST
  /_sim/checkout/{id} (a card number; no key needed) and its 3-D Secure page
  /_sim/checkout/{id}/3ds (complete or fail); paying creates the PaymentIntent in localstripe
  (confirmed on create; a retry confirms the same one), success redirects to success_url with
  the session id and emits `checkout.session.completed`;
- webhook faults for the simulated events: POST /_sim/webhooks/hold keeps them back, POST
  /_sim/webhooks/release?reverse=1&twice=1 delivers what was held, newest first and each twice
  (Stripe delivers at least once and in no set order).
localstripe's dump-to-disk is switched off: every run starts empty.
"""

import argparse
import asyncio
import hashlib
import hmac
import html
import json
import secrets
import time
from typing import Any

import aiohttp
from aiohttp import web
from localstripe import resources, server, webhooks
from localstripe.errors import UserError
from localstripe.resources import Event, PaymentIntent, Refund, schedule_webhook
from stripe.params._account_create_params import AccountCreateParams
from stripe.params._account_link_create_params import AccountLinkCreateParams
from stripe.params._customer_funding_instructions_create_params import CustomerFundingInstructionsCreateParams
from stripe.params._payment_intent_create_params import PaymentIntentCreateParams
from stripe.params._refund_create_params import RefundCreateParams
from stripe.params.checkout import SessionCreateParams

resources.store.dump_to_disk = lambda *args, **kwargs: None  # one empty store per run, no shared file

ACCOUNTS: dict[str, dict[str, Any]] = {}
REPLAYS: dict[str, tuple[int, dict[str, Any]]] = {}
DELIVERIES: set["asyncio.Future[None]"] = set()
# Request-level options the SDK sends as headers, never as form fields.
_OPTIONS = {
    "api_key",
    "idempotency_key",
    "stripe_account",
    "stripe_context",
    "stripe_version",
    "headers",
    "max_network_retries",
    "content_type",
}
ACCOUNT_FIELDS = set(AccountCreateParams.__annotations__) - _OPTIONS
LINK_FIELDS = set(AccountLinkCreateParams.__annotations__) - _OPTIONS
INTENT_FIELDS = set(PaymentIntentCreateParams.__annotations__) - _OPTIONS
REFUND_FIELDS = set(RefundCreateParams.__annotations__) - _OPTIONS
FUNDING_FIELDS = set(CustomerFundingInstructionsCreateParams.__annotations__) - _OPTIONS
# What localstripe itself understands; other (valid) parameters are the simulation's.
LOCAL_INTENT = {
    "amount",
    "currency",
    "customer",
    "payment_method",
    "metadata",
    "payment_method_types",
    "capture_method",
    "payment_method_options",
    "confirm",
    "off_session",
    "expand",
}
LOCAL_REFUND = {"charge", "payment_intent", "amount", "metadata", "expand"}
CONNECT: dict[str, dict[str, Any]] = {}  # PaymentIntent id -> the Connect part of the charge
DROPS: dict[str, int] = {}  # path -> how many answers to drop


def _error(status: int, message: str, param: str = "") -> web.Response:
    body = {"error": {"type": "invalid_request_error", "message": f"[simulated] {message}", "param": param}}
    return web.json_response(body, status=status)


async def _form(request: web.Request) -> dict[str, Any]:
    return server.unflatten_data(await request.post())


def _replayed(request: web.Request) -> tuple[str, web.Response | None]:
    key = request.headers.get("Idempotency-Key", "")
    if key and key in REPLAYS:
        status, body = REPLAYS[key]
        return key, web.json_response(body, status=status, headers={"Idempotent-Replayed": "true"})
    return key, None


def _unknown(data: dict[str, Any], allowed: set[str]) -> str | None:
    return next((name for name in data if name not in allowed), None)


def checked_create(allowed: set[str]) -> Any:
    """A create as Stripe takes it: an Idempotency-Key seen before replays its answer; a
    parameter the SDK's typed params do not name is a 400. The handler gets the key and the
    parsed form."""

    def wrap(handler: Any) -> Any:
        async def create(request: web.Request) -> web.Response:
            key, replay = _replayed(request)
            if replay is not None:
                return replay
            data = await _form(request)
            unknown = _unknown(data, allowed)
            if unknown:
                return _error(400, f"Received unknown parameter: {unknown}", unknown)
            return await handler(request, key, data)

        return create

    return wrap


@checked_create(ACCOUNT_FIELDS)
async def create_account(request: web.Request, key: str, data: dict[str, Any]) -> web.Response:
    account = {
        "id": f"acct_{secrets.token_hex(8)}",
        "object": "account",
        "type": data.get("type", "express"),
        "country": data.get("country", "JP"),
        "email": data.get("email"),
        "charges_enabled": False,
        "payouts_enabled": False,
        "details_submitted": False,
        "metadata": data.get("metadata", {}),
        "created": int(time.time()),
        "simulated": True,
    }
    ACCOUNTS[account["id"]] = account
    _remember(key, 200, account)
    return web.json_response(account)


async def get_account(request: web.Request) -> web.Response:
    account = ACCOUNTS.get(request.match_info["id"])
    return web.json_response(account) if account else _error(404, "No such account", "id")


@checked_create(LINK_FIELDS)
async def create_account_link(request: web.Request, key: str, data: dict[str, Any]) -> web.Response:
    if data.get("account") not in ACCOUNTS:
        return _error(400, "No such account", "account")
    link = {
        "object": "account_link",
        "created": int(time.time()),
        "expires_at": int(time.time()) + 300,
        "url": f"http://{request.host}/_sim/onboarding/{data['account']}",
        "simulated": True,
    }
    _remember(key, 200, link)
    return web.json_response(link)


async def complete_onboarding(request: web.Request) -> web.Response:
    """The specialist finished Stripe's forms: the account can charge and be paid out."""
    account = ACCOUNTS.get(request.match_info["id"])
    if account is None:
        return _error(404, "No such account", "id")
    account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
    event = {
        "id": f"evt_{secrets.token_hex(8)}",
        "object": "event",
        "type": "account.updated",
        "created": int(time.time()),
        "data": {"object": dict(account)},
        "simulated": True,
    }
    DELIVERIES.add(task := asyncio.ensure_future(_deliver(event)))
    task.add_done_callback(DELIVERIES.discard)
    return web.json_response(account)


async def _deliver(event: dict[str, Any]) -> None:
    """Signed exactly as localstripe (and Stripe) sign: t=<created>,v1=HMAC(secret, "t.payload")."""
    payload = json.dumps(event).encode()
    for hook in list(webhooks._webhooks.values()):
        signature = hmac.new(hook.secret.encode(), b"%d.%s" % (event["created"], payload), hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "Stripe-Signature": f"t={event['created']},v1={signature}"}
        async with aiohttp.ClientSession() as session:
            try:
                async with session.post(hook.url, data=payload, headers=headers) as response:
                    await response.read()
            except aiohttp.ClientError:
                pass  # one delivery, no retries: as localstripe


def _emit(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    """A signed delivery of a simulated event to every registered webhook (or held back)."""
    event = {
        "id": f"evt_{secrets.token_hex(8)}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "data": {"object": dict(obj)},
        "simulated": True,
    }
    if HOLD["on"]:
        HELD.append(event)
    else:
        DELIVERIES.add(task := asyncio.ensure_future(_deliver(event)))
        task.add_done_callback(DELIVERIES.discard)
    return event


def _remember(key: str, status: int, body: dict[str, Any]) -> None:
    if key:
        REPLAYS[key] = (status, body)


def _answer(request: web.Request, body: dict[str, Any], status: int = 200) -> web.Response:
    """The answer, unless a fault says to drop it: the work is done, the connection just closes."""
    if DROPS.get(request.path, 0) > 0:
        DROPS[request.path] -= 1
        if request.transport is not None:
            request.transport.close()
    return web.json_response(body, status=status)


# --- SIMULATED Japanese bank transfers (customer_balance / jp_bank_transfer) -------------------

CASH_INTENTS: dict[str, dict[str, Any]] = {}  # PaymentIntent id -> the simulated intent
CASH_BALANCES: dict[str, int] = {}  # customer id -> yen in the cash balance, not yet applied
HOLD = {"on": False}
HELD: list[dict[str, Any]] = []


def _virtual_account(customer_id: str) -> dict[str, str]:
    """One fixed zengin address per customer (Stripe's are per customer too)."""
    digits = str(int(hashlib.sha256(customer_id.encode()).hexdigest(), 16))[-7:]
    return {
        "bank_name": "シミュレーション銀行",
        "bank_code": "0999",
        "branch_name": "テスト支店",
        "branch_code": "123",
        "account_type": "futsu",
        "account_number": digits,
        "account_holder_name": "ﾃｽﾄ(ｶ",
    }


def _customer_exists(customer_id: str) -> bool:
    return f"customer:{customer_id}" in resources.store


async def funding_instructions(request: web.Request) -> web.Response:
    customer_id = request.path.split("/")[3]  # taken in the middleware, before any route matched
    if not _customer_exists(customer_id):
        return _error(404, f"No such customer: '{customer_id}'", "customer")
    data = await _form(request)
    unknown = _unknown(data, FUNDING_FIELDS)
    if unknown:
        return _error(400, f"Received unknown parameter: {unknown}", unknown)
    if (data.get("bank_transfer") or {}).get("type") != "jp_bank_transfer" or data.get("currency") != "jpy":
        return _error(400, "Only jp_bank_transfer in jpy is simulated.", "bank_transfer[type]")
    address = {"type": "zengin", "supported_networks": ["zengin"], "zengin": _virtual_account(customer_id)}
    body = {
        "object": "funding_instructions",
        "currency": "jpy",
        "funding_type": "bank_transfer",
        "livemode": False,
        "bank_transfer": {"country": "JP", "type": "jp_bank_transfer", "financial_addresses": [address]},
        "simulated": True,
    }
    return web.json_response(body)


def _cash_intent(data: dict[str, Any], connect: dict[str, Any]) -> dict[str, Any]:
    intent_id = f"pi_{secrets.token_hex(12)}"
    customer_id = str(data.get("customer") or "")
    amount = int(data["amount"])
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": 0,
        "currency": data.get("currency"),
        "customer": customer_id,
        "status": "requires_action",
        "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
        "created": int(time.time()),
        "metadata": data.get("metadata") or {},
        "payment_method_types": ["customer_balance"],
        "application_fee_amount": connect.get("application_fee_amount"),
        "transfer_data": connect.get("transfer_data"),
        "next_action": {
            "type": "display_bank_transfer_instructions",
            "display_bank_transfer_instructions": {
                "type": "jp_bank_transfer",
                "currency": "jpy",
                "amount_remaining": amount,
                "reference": secrets.token_hex(4).upper(),
                "financial_addresses": [{"type": "zengin", "zengin": _virtual_account(customer_id)}],
            },
        },
        "simulated": True,
    }


async def create_cash_intent(request: web.Request, key: str, data: dict[str, Any]) -> web.Response:
    """A PaymentIntent paid from the customer's cash balance: confirmed, it waits for a transfer."""
    customer_id = str(data.get("customer") or "")
    if not _customer_exists(customer_id):
        return _error(400, "A customer_balance PaymentIntent needs an existing customer.", "customer")
    options = (data.get("payment_method_options") or {}).get("customer_balance") or {}
    if (
        options.get("funding_type") != "bank_transfer"
        or (options.get("bank_transfer") or {}).get("type") != "jp_bank_transfer"
    ):
        return _error(400, "Only jp_bank_transfer funding is simulated.", "payment_method_options")
    if data.get("currency") != "jpy" or str(data.get("confirm")).lower() != "true":
        return _error(400, "Simulated bank transfers are confirmed JPY intents.", "confirm")
    connect: dict[str, Any] = {name: data[name] for name in ("application_fee_amount", "transfer_data") if name in data}
    destination = (connect.get("transfer_data") or {}).get("destination")
    if destination is not None and not (ACCOUNTS.get(destination) or {}).get("payouts_enabled"):
        return _error(400, "The destination account cannot receive transfers yet.", "transfer_data[destination]")
    if "application_fee_amount" in connect:
        connect["application_fee_amount"] = int(connect["application_fee_amount"])
    intent = _cash_intent(data, connect)
    CASH_INTENTS[intent["id"]] = intent
    CONNECT[intent["id"]] = {
        "destination": destination,
        "application_fee_amount": connect.get("application_fee_amount", 0),
        "refunds": [],
        "other": {},
    }
    _remember(key, 200, intent)
    return _answer(request, intent)


def _apply_balance(customer_id: str, reference: str) -> None:
    """Stripe's automatic reconciliation, simulated: the balance goes to the open intent whose
    reference matches, else the oldest open one; what no intent takes stays (funds_available)."""
    open_intents = sorted(
        (i for i in CASH_INTENTS.values() if i["customer"] == customer_id and i["status"] == "requires_action"),
        key=lambda i: i["created"],
    )
    matched = [
        i for i in open_intents if i["next_action"]["display_bank_transfer_instructions"]["reference"] == reference
    ]
    for intent in matched or open_intents[:1]:
        instructions = intent["next_action"]["display_bank_transfer_instructions"]
        applied = min(CASH_BALANCES[customer_id], instructions["amount_remaining"])
        if applied <= 0:
            break
        CASH_BALANCES[customer_id] -= applied
        instructions["amount_remaining"] -= applied
        intent["amount_received"] += applied
        _emit(
            "customer_cash_balance_transaction.created",
            {
                "id": f"ccsbtxn_{secrets.token_hex(8)}",
                "object": "customer_cash_balance_transaction",
                "type": "applied_to_payment",
                "customer": customer_id,
                "currency": "jpy",
                "net_amount": -applied,
                "ending_balance": CASH_BALANCES[customer_id],
                "created": int(time.time()),
                "applied_to_payment": {"payment_intent": intent["id"]},
            },
        )
        if instructions["amount_remaining"] == 0:
            intent["status"] = "succeeded"
            intent["next_action"] = None
            _emit("payment_intent.succeeded", intent)
        else:
            _emit("payment_intent.partially_funded", intent)
    if CASH_BALANCES[customer_id] > 0:
        _emit(
            "cash_balance.funds_available",
            {
                "object": "cash_balance",
                "customer": customer_id,
                "available": {"jpy": CASH_BALANCES[customer_id]},
                "settings": {"reconciliation_mode": "automatic"},
            },
        )


async def fund_cash_balance(request: web.Request) -> web.Response:
    """Stripe's test helper: a bank transfer of `amount` yen arrives at the customer's account."""
    customer_id = request.match_info["id"]
    if not _customer_exists(customer_id):
        return _error(404, f"No such customer: '{customer_id}'", "customer")
    data = await _form(request)
    amount = int(data.get("amount") or 0)
    if amount <= 0 or data.get("currency") != "jpy":
        return _error(400, "A positive amount in jpy.", "amount")
    CASH_BALANCES[customer_id] = CASH_BALANCES.get(customer_id, 0) + amount
    funded = {
        "id": f"ccsbtxn_{secrets.token_hex(8)}",
        "object": "customer_cash_balance_transaction",
        "type": "funded",
        "customer": customer_id,
        "currency": "jpy",
        "net_amount": amount,
        "ending_balance": CASH_BALANCES[customer_id],
        "created": int(time.time()),
        "funded": {"bank_transfer": {"type": "jp_bank_transfer", "reference": data.get("reference")}},
        "simulated": True,
    }
    _emit("customer_cash_balance_transaction.created", funded)
    _apply_balance(customer_id, str(data.get("reference") or ""))
    return web.json_response(funded)


async def cash_intent_action(request: web.Request, intent: dict[str, Any], action: str) -> web.Response:
    if action == "cancel":
        if intent["status"] == "succeeded":
            return _error(400, "You cannot cancel this PaymentIntent because it has a status of succeeded.")
        if intent["status"] != "canceled":
            intent["status"] = "canceled"
            _emit("payment_intent.canceled", intent)
    return web.json_response(intent)


async def hold_webhooks(request: web.Request) -> web.Response:
    HOLD["on"] = True
    return web.json_response({"held": len(HELD)})


async def release_webhooks(request: web.Request) -> web.Response:
    """Deliver what was held: in reverse order and twice each when asked (one after the other)."""
    data = {name: request.query.get(name) == "1" for name in ("reverse", "twice")}
    events = list(reversed(HELD)) if data["reverse"] else list(HELD)
    HELD.clear()
    HOLD["on"] = False
    for event in events:
        for _time in range(2 if data.get("twice") else 1):
            await _deliver(event)
    return web.json_response({"delivered": [event["type"] for event in events]})


async def cash_balance_of(request: web.Request) -> web.Response:
    customer_id = request.match_info["id"]
    intents = [i for i in CASH_INTENTS.values() if i["customer"] == customer_id]
    return web.json_response({"available": CASH_BALANCES.get(customer_id, 0), "intents": intents, "simulated": True})


@checked_create(INTENT_FIELDS)
async def create_payment_intent(request: web.Request, key: str, data: dict[str, Any]) -> web.Response:
    if (data.get("payment_method_data") or {}).get("type") == "customer_balance":
        return await create_cash_intent(request, key, data)
    connect = {name: data.pop(name) for name in list(data) if name not in LOCAL_INTENT}
    destination = (connect.get("transfer_data") or {}).get("destination")
    fee = int(connect.get("application_fee_amount") or 0)
    if destination is not None:
        account = ACCOUNTS.get(destination)
        if account is None:
            return _error(400, f"No such destination: '{destination}'", "transfer_data[destination]")
        if not account["payouts_enabled"]:
            return _error(400, "The destination account cannot receive transfers yet.", "transfer_data[destination]")
    if fee and destination is None:
        return _error(400, "application_fee_amount needs a connected account.", "application_fee_amount")
    if fee > int(data.get("amount") or 0):
        return _error(400, "The application fee exceeds the amount.", "application_fee_amount")
    before = {key for key in resources.store if key.startswith("payment_intent:")}
    try:
        intent = PaymentIntent._api_create(**data)
    except UserError as exc:
        created = [key for key in resources.store if key.startswith("payment_intent:") and key not in before]
        if created:  # a decline on confirm: Stripe names the PaymentIntent in the error
            intent_id = created[0].split(":", 1)[1]
            CONNECT[intent_id] = {
                "destination": destination,
                "application_fee_amount": fee,
                "refunds": [],
                "other": connect,
            }
            exc.body["error"]["payment_intent"] = {"id": intent_id, "object": "payment_intent"}
            exc.body["error"]["type"] = "card_error"
        if exc.code == 402:
            _remember(key, exc.code, exc.body)
        return _answer(request, exc.body, exc.code)
    CONNECT[intent.id] = {"destination": destination, "application_fee_amount": fee, "refunds": [], "other": connect}
    body = intent._export()
    body.update({"application_fee_amount": fee or None, "transfer_data": connect.get("transfer_data")})
    _remember(key, 200, body)
    return _answer(request, body)


@checked_create(REFUND_FIELDS)
async def create_refund(request: web.Request, key: str, data: dict[str, Any]) -> web.Response:
    connect = {name: data.pop(name) for name in list(data) if name not in LOCAL_REFUND}
    intent_id = data.get("payment_intent")
    if intent_id:
        try:
            charge = PaymentIntent._api_retrieve(intent_id).latest_charge
        except UserError as exc:
            return exc.to_response()
        if charge is not None and data.get("amount") is not None:
            left = charge.amount - charge.amount_refunded
            if int(data["amount"]) > left:
                return _error(
                    400,
                    f"Refund amount ({data['amount']}) is greater than unrefunded amount on charge ({left})",
                    "amount",
                )
    try:
        refund = Refund._api_create(**data)
    except UserError as exc:
        return exc.to_response()
    CONNECT.setdefault(intent_id or "", {"refunds": []})["refunds"].append(
        {"id": refund.id, "amount": refund.amount, **connect}
    )
    body = refund._export()
    _remember(key, 200, body)
    return _answer(request, body)


async def authenticate(request: web.Request) -> web.Response:
    """3-D Secure: on failure Stripe emits payment_intent.payment_failed (localstripe does not)."""
    data = await server.get_post_data(request) or {}
    try:
        intent = PaymentIntent._api_authenticate(id=request.match_info["id"], **data)
    except UserError as exc:
        return exc.to_response()
    if intent._authentication_failed:
        schedule_webhook(Event("payment_intent.payment_failed", intent))
    return web.json_response(intent._export())


async def connect_of(request: web.Request) -> web.Response:
    intent_id = request.match_info["id"]
    if intent_id not in CONNECT:
        return _error(404, "No such payment_intent", "id")
    intent = PaymentIntent._api_retrieve(intent_id)
    return web.json_response(
        {**CONNECT[intent_id], "status": intent.status, "amount": intent.amount, "simulated": True}
    )


async def faults(request: web.Request) -> web.Response:
    """POST sets a fault; GET says how many answers are still to be dropped."""
    if request.method == "POST":
        data = await request.json()
        DROPS[str(data["drop_response"])] = int(data.get("times", 1))
    return web.json_response({"drops": DROPS})


async def count_of(request: web.Request) -> web.Response:
    """How many objects of a kind the stand-in holds (e.g. to prove a retry created one)."""
    prefix = request.match_info["kind"] + ":"
    return web.json_response({"count": sum(1 for key in resources.store if key.startswith(prefix))})


# --- SIMULATED Checkout (Stripe's hosted payment page), which localstripe lacks -----------------
# A Checkout Session for a one-off card payment (mode=payment, one line item in yen,
# payment_intent_data with the destination charge), its hosted page at /_sim/checkout/{id} (a
# plain form: no key needed, as Stripe's page needs none) and a 3-D Secure page. Paying there
# creates the PaymentIntent in localstripe, confirmed on create with the card entered; a retry
# after a decline or a failed authentication confirms the same intent with the new card, as at
# Stripe (one intent per session; localstripe's API cannot, so the simulation does it). A decline
# or a failed authentication keeps the payer on the page with the reason, as Stripe's page does;
# success sends them to success_url.

SESSIONS: dict[str, dict[str, Any]] = {}  # session id -> the session as Stripe shows it
SESSION_INTENT_DATA: dict[str, dict[str, Any]] = {}  # session id -> its payment_intent_data
SESSION_FIELDS = set(SessionCreateParams.__annotations__) - _OPTIONS


@checked_create(SESSION_FIELDS)
async def create_checkout_session(request: web.Request, key: str, data: dict[str, Any]) -> web.Response:
    if data.get("mode") != "payment":
        return _error(400, "Only mode=payment is simulated.", "mode")
    items = data.get("line_items") or []
    if len(items) != 1 or not isinstance(items[0], dict) or "price_data" not in items[0]:
        return _error(400, "One line item with price_data is simulated.", "line_items")
    price = items[0]["price_data"]
    if price.get("currency") != "jpy":
        return _error(400, "Only jpy is simulated.", "line_items[0][price_data][currency]")
    amount = int(price["unit_amount"]) * int(items[0].get("quantity") or 1)
    intent_data = data.get("payment_intent_data") or {}
    destination = (intent_data.get("transfer_data") or {}).get("destination")
    fee = int(intent_data.get("application_fee_amount") or 0)
    if destination is not None:
        account = ACCOUNTS.get(destination)
        if account is None:
            param = "payment_intent_data[transfer_data][destination]"
            return _error(400, f"No such destination: '{destination}'", param)
        if not account["payouts_enabled"]:
            return _error(400, "The destination account cannot receive transfers yet.", "payment_intent_data")
    if fee > amount:
        return _error(400, "The application fee exceeds the amount.", "payment_intent_data[application_fee_amount]")
    session_id = f"cs_test_{secrets.token_hex(12)}"
    session = {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "amount_total": amount,
        "currency": "jpy",
        "payment_intent": None,
        "client_reference_id": data.get("client_reference_id"),
        "metadata": data.get("metadata") or {},
        "success_url": data.get("success_url"),
        "cancel_url": data.get("cancel_url"),
        "url": f"http://{request.host}/_sim/checkout/{session_id}",
        "created": int(time.time()),
        "simulated": True,
        "_name": str(price.get("product_data", {}).get("name", "")),
    }
    SESSIONS[session_id] = session
    SESSION_INTENT_DATA[session_id] = intent_data
    body = _session_body(session)
    _remember(key, 200, body)
    return _answer(request, body)


def _session_body(session: dict[str, Any]) -> dict[str, Any]:
    intent_id = session["payment_intent"]
    if intent_id and session["status"] == "open":
        intent = PaymentIntent._api_retrieve(intent_id)
        if intent.status == "succeeded":
            session.update(status="complete", payment_status="paid")
    return {key: value for key, value in session.items() if not key.startswith("_")}


async def expire_checkout_session(request: web.Request) -> web.Response:
    """POST /v1/checkout/sessions/{id}/expire: an open session can no longer be paid."""
    session = SESSIONS.get(request.match_info["id"])
    if session is None:
        return _error(404, "No such checkout.session", "id")
    if session["status"] != "open":
        return _error(400, "Only an open session can be expired.", "id")
    session["status"] = "expired"
    return web.json_response(_session_body(session))


async def get_checkout_session(request: web.Request) -> web.Response:
    session = SESSIONS.get(request.match_info["id"])
    return web.json_response(_session_body(session)) if session else _error(404, "No such checkout.session", "id")


def _page(title: str, body: str) -> web.Response:
    text = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(title)}</title></head><body style="font-family:sans-serif;margin:1rem;max-width:30rem">'
        '<p style="background:#fde68a;padding:.5rem"><strong>SIMULATED Stripe page</strong> '
        "(tests/stripe_standin): not Stripe's, for tests only.</p>"
        f"{body}</body></html>"
    )
    return web.Response(text=text, content_type="text/html")


def _return_to(session: dict[str, Any]) -> web.Response:
    raise web.HTTPSeeOther(str(session["success_url"]).replace("{CHECKOUT_SESSION_ID}", session["id"]))


def _checkout_form(session: dict[str, Any], error: str = "") -> web.Response:
    problem = f'<p role="alert" style="color:#b00">{html.escape(error)}</p>' if error else ""
    return _page(
        "Pay",
        f"<h1>Pay ¥{session['amount_total']:,}</h1><p>{html.escape(session['_name'])}</p>{problem}"
        f'<form method="post"><p><label for="card">Card number</label><br>'
        '<input id="card" name="card" inputmode="numeric" autocomplete="off" required></p>'
        "<p>4242 4242 4242 4242 succeeds; 4000 0025 0000 3155 asks for 3-D Secure; "
        "4000 0000 0000 0341 is declined.</p>"
        '<button type="submit">Pay</button></form>'
        f'<p><a href="{html.escape(str(session["cancel_url"]))}">Back</a></p>',
    )


async def hosted_checkout(request: web.Request, session_id: str) -> web.Response:
    session = SESSIONS.get(session_id)
    if session is None or session["status"] != "open":
        return _page("Not found", "<h1>This payment page has expired or does not exist.</h1>")
    if request.method == "GET":
        return _checkout_form(session)
    card = "".join(str((await request.post()).get("card", "")).split())
    intent_data = SESSION_INTENT_DATA[session["id"]]
    try:
        method = resources.PaymentMethod._api_create(
            type="card", card={"number": card, "exp_month": "12", "exp_year": "2030", "cvc": "123"}
        )
    except UserError:
        return _checkout_form(session, "Your card number is incomplete or invalid.")
    if session["payment_intent"]:  # a retry after a decline or a failed authentication: the same intent
        intent = PaymentIntent._api_retrieve(session["payment_intent"])
        if intent.status != "requires_payment_method":
            return _checkout_form(session, "This payment is already under way.")
        # localstripe cannot confirm an existing intent with a new card through its API: the
        # simulation sets the card and confirms it as the API would.
        intent.payment_method, intent.latest_charge, intent._authentication_failed = method.id, None, False
        try:
            intent._confirm(on_failure_now=intent._report_failure)
        except UserError as exc:
            return _checkout_form(session, str(exc.body.get("error", {}).get("message", "Your card was declined.")))
        if intent.status == "requires_action":
            raise web.HTTPSeeOther(f"/_sim/checkout/{session['id']}/3ds")
        _completed(session)
        return _return_to(session)
    before = {key for key in resources.store if key.startswith("payment_intent:")}
    try:
        intent = PaymentIntent._api_create(
            amount=session["amount_total"],
            currency="jpy",
            payment_method=method.id,
            metadata=dict(intent_data.get("metadata") or {}),
            confirm=True,
        )
    except UserError as exc:
        created = [key for key in resources.store if key.startswith("payment_intent:") and key not in before]
        if created:
            session["payment_intent"] = created[0].split(":", 1)[1]
            _record_connect(session["payment_intent"], intent_data)
        return _checkout_form(session, str(exc.body.get("error", {}).get("message", "Your card was declined.")))
    session["payment_intent"] = intent.id
    _record_connect(intent.id, intent_data)
    if intent.status == "requires_action":
        raise web.HTTPSeeOther(f"/_sim/checkout/{session['id']}/3ds")
    _completed(session)
    return _return_to(session)


def _record_connect(intent_id: str, intent_data: dict[str, Any]) -> None:
    CONNECT[intent_id] = {
        "destination": (intent_data.get("transfer_data") or {}).get("destination"),
        "application_fee_amount": int(intent_data.get("application_fee_amount") or 0),
        "refunds": [],
        "other": {},
    }


def _completed(session: dict[str, Any]) -> None:
    session.update(status="complete", payment_status="paid")
    _emit("checkout.session.completed", _session_body(session))


async def hosted_three_d_secure(request: web.Request, session_id: str) -> web.Response:
    session = SESSIONS.get(session_id)
    if session is None or not session["payment_intent"]:
        return _page("Not found", "<h1>Nothing to authenticate.</h1>")
    intent = PaymentIntent._api_retrieve(session["payment_intent"])
    if request.method == "GET":
        return _page(
            "3-D Secure",
            "<h1>3-D Secure</h1><p>Your bank asks you to confirm this payment.</p>"
            '<form method="post"><button name="outcome" value="complete" type="submit">Complete authentication'
            '</button> <button name="outcome" value="fail" type="submit">Fail authentication</button></form>',
        )
    success = (await request.post()).get("outcome") == "complete"
    try:
        intent = PaymentIntent._api_authenticate(id=intent.id, client_secret=intent.client_secret, success=success)
    except UserError as exc:
        return _checkout_form(session, str(exc.body.get("error", {}).get("message", "Authentication failed.")))
    if intent._authentication_failed:
        schedule_webhook(Event("payment_intent.payment_failed", intent))
        return _checkout_form(session, "We are unable to authenticate your payment method. Choose another one.")
    _completed(session)
    return _return_to(session)


@web.middleware
async def hosted_pages(request: web.Request, handler: Any) -> web.StreamResponse:
    """Stripe's hosted pages need no API key: served before localstripe's auth."""
    parts = request.path.split("/")
    if len(parts) >= 4 and parts[1] == "_sim" and parts[2] == "checkout":
        if len(parts) == 4:
            return await hosted_checkout(request, parts[3])
        if len(parts) == 5 and parts[4] == "3ds":
            return await hosted_three_d_secure(request, parts[3])
    return await handler(request)


SIMULATED_ROUTES = {
    ("POST", "/v1/payment_intents"): create_payment_intent,
    ("POST", "/v1/refunds"): create_refund,
}


@web.middleware
async def simulation(request: web.Request, handler: Any) -> web.StreamResponse:
    """Takes the creates localstripe cannot do as Stripe would (routes are fixed at import, so a
    middleware, inside localstripe's auth and error handling, stands in front of them)."""
    route = SIMULATED_ROUTES.get((request.method, request.path))
    if route is not None:
        return await route(request)
    parts = request.path.split("/")
    if len(parts) >= 4 and parts[2] == "payment_intents" and parts[3] in CASH_INTENTS:
        return await cash_intent_action(request, CASH_INTENTS[parts[3]], parts[4] if len(parts) == 5 else "")
    if request.method == "POST" and len(parts) == 5 and parts[2] == "payment_intents" and parts[4] == "_authenticate":
        return await authenticate(request)
    if request.method == "POST" and len(parts) == 5 and parts[2] == "customers" and parts[4] == "funding_instructions":
        return await funding_instructions(request)
    return await handler(request)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()
    app = server.app
    app.router.add_post("/v1/accounts", create_account)
    app.router.add_get("/v1/accounts/{id}", get_account)
    app.router.add_post("/v1/account_links", create_account_link)
    app.router.add_post("/_sim/accounts/{id}/complete", complete_onboarding)
    app.router.add_get("/_sim/connect/{id}", connect_of)
    app.router.add_post("/_sim/faults", faults)
    app.router.add_get("/_sim/faults", faults)
    app.router.add_get("/_sim/count/{kind}", count_of)
    app.router.add_post("/v1/test_helpers/customers/{id}/fund_cash_balance", fund_cash_balance)
    app.router.add_get("/_sim/cash_balance/{id}", cash_balance_of)
    app.router.add_post("/_sim/webhooks/hold", hold_webhooks)
    app.router.add_post("/_sim/webhooks/release", release_webhooks)
    app.router.add_post("/v1/checkout/sessions", create_checkout_session)
    app.router.add_get("/v1/checkout/sessions/{id}", get_checkout_session)
    app.router.add_post("/v1/checkout/sessions/{id}/expire", expire_checkout_session)
    app.middlewares.append(simulation)
    app.middlewares.insert(1, hosted_pages)  # after localstripe's error handling, before its auth
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
