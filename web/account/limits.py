"""How often one client may try to sign in, sign up or ask for a reset on the pages: the API's
`auth` rate (THROTTLE_AUTH, 10/min by default), so the pages are no way around the limit on
/api/v1/auth/token/, register/ and password-reset/."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate() -> tuple[int, int]:
    """The rate as (count, seconds): "10/min" is (10, 60), read as DRF reads its rates."""
    count, period = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")
    return int(count), _PERIODS[period[0]]


def client_address(request: HttpRequest) -> str:
    """The caller's address as DRF's throttles take it: with NUM_PROXIES in front, the address
    the nearest of them saw; otherwise the socket's peer (X-Forwarded-For is not trusted)."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        return str(hops[-min(proxies, len(hops))])
    return str(request.META.get("REMOTE_ADDR", ""))


def allow_sign_in_attempt(request: HttpRequest) -> bool:
    """Count one sign-in attempt from this client; False once it is past the rate in this window."""
    return allow_attempt(request, "sign-in")


def allow_attempt(request: HttpRequest, what: str) -> bool:
    """Count one attempt at `what` (sign-in, sign-up, password reset: each counted on its own)
    from this client; False once it is past the rate in this window."""
    limit, period = _rate()
    key = f"web:{what}:{client_address(request)}"
    cache.add(key, 0, timeout=period)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window ran out between add and incr
        cache.set(key, 1, timeout=period)
        attempts = 1
    return attempts <= limit
