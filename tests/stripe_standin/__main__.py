"""The local Stripe stand-in: localstripe on 127.0.0.1, plus a CLEARLY LABELLED SIMULATION of
the parts of Stripe it lacks (see ../shared/STRIPE.md).

    python -m tests.stripe_standin --port 8420

Real localstripe (GPL, a test dependency only): customers, payment methods, PaymentIntents,
refunds, events, signed webhook deliveries (register with POST /_config/webhooks/{id}).

SIMULATED here (not Stripe's rules; tests that rely on it carry the `stripe_simulation`
marker): Connect Express accounts (POST/GET /v1/accounts), account links
(POST /v1/account_links), finishing onboarding (POST /_sim/accounts/{id}/complete, which
emits a signed `account.updated`), Idempotency-Key replay on those creates, and refusal of
parameters the installed SDK's typed params do not name (a misspelling is a 400, as at
Stripe). localstripe's dump-to-disk is switched off: every run starts empty.
"""

import argparse
import asyncio
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

import aiohttp
from aiohttp import web
from localstripe import resources, server, webhooks
from stripe.params._account_create_params import AccountCreateParams
from stripe.params._account_link_create_params import AccountLinkCreateParams

resources.store.dump_to_disk = lambda *args, **kwargs: None  # one empty store per run, no shared file

ACCOUNTS: dict[str, dict[str, Any]] = {}
REPLAYS: dict[str, tuple[int, dict[str, Any]]] = {}
DELIVERIES: set["asyncio.Future[None]"] = set()
# Request-level options the SDK sends as headers, never as form fields.
_OPTIONS = {"api_key", "idempotency_key", "stripe_account", "stripe_context", "stripe_version", "headers",
            "max_network_retries", "content_type"}  # fmt: skip
ACCOUNT_FIELDS = set(AccountCreateParams.__annotations__) - _OPTIONS
LINK_FIELDS = set(AccountLinkCreateParams.__annotations__) - _OPTIONS


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


async def create_account(request: web.Request) -> web.Response:
    key, replay = _replayed(request)
    if replay is not None:
        return replay
    data = await _form(request)
    unknown = _unknown(data, ACCOUNT_FIELDS)
    if unknown:
        return _error(400, f"Received unknown parameter: {unknown}", unknown)
    account = {
        "id": f"acct_{secrets.token_hex(8)}", "object": "account", "type": data.get("type", "express"),
        "country": data.get("country", "JP"), "email": data.get("email"), "charges_enabled": False,
        "payouts_enabled": False, "details_submitted": False, "metadata": data.get("metadata", {}),
        "created": int(time.time()), "simulated": True,
    }  # fmt: skip
    ACCOUNTS[account["id"]] = account
    if key:
        REPLAYS[key] = (200, account)
    return web.json_response(account)


async def get_account(request: web.Request) -> web.Response:
    account = ACCOUNTS.get(request.match_info["id"])
    return web.json_response(account) if account else _error(404, "No such account", "id")


async def create_account_link(request: web.Request) -> web.Response:
    key, replay = _replayed(request)
    if replay is not None:
        return replay
    data = await _form(request)
    unknown = _unknown(data, LINK_FIELDS)
    if unknown:
        return _error(400, f"Received unknown parameter: {unknown}", unknown)
    if data.get("account") not in ACCOUNTS:
        return _error(400, "No such account", "account")
    link = {
        "object": "account_link", "created": int(time.time()), "expires_at": int(time.time()) + 300,
        "url": f"http://{request.host}/_sim/onboarding/{data['account']}", "simulated": True,
    }  # fmt: skip
    if key:
        REPLAYS[key] = (200, link)
    return web.json_response(link)


async def complete_onboarding(request: web.Request) -> web.Response:
    """The specialist finished Stripe's forms: the account can charge and be paid out."""
    account = ACCOUNTS.get(request.match_info["id"])
    if account is None:
        return _error(404, "No such account", "id")
    account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
    event = {
        "id": f"evt_{secrets.token_hex(8)}", "object": "event", "type": "account.updated",
        "created": int(time.time()), "data": {"object": dict(account)}, "simulated": True,
    }  # fmt: skip
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()
    app = server.app
    app.router.add_post("/v1/accounts", create_account)
    app.router.add_get("/v1/accounts/{id}", get_account)
    app.router.add_post("/v1/account_links", create_account_link)
    app.router.add_post("/_sim/accounts/{id}/complete", complete_onboarding)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
