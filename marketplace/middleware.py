"""Request guards that run before any view or ORM call."""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """Refuse NUL in the path or query string with a 400.

    PostgreSQL text cannot hold NUL: left alone it reaches the database and
    turns into a 500 (seen here with a filter parameter).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        if b"\x00" in unquote_to_bytes(raw) or "\x00" in request.path:
            return JsonResponse({"detail": _("Null characters are not allowed.")}, status=400)
        return self.get_response(request)


class LimitRequestBodyMiddleware:
    """Refuse a body larger than REQUEST_BODY_MAX_BYTES with a 413 before anything reads it.

    Without this, a 300 MB multipart body was spooled to a temp file (over 9 s here)
    before the 10 MB upload check could refuse it. Django reads no more than the
    declared Content-Length, so checking the header is enough.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": _("Invalid Content-Length.")}, status=400)
        if length > settings.REQUEST_BODY_MAX_BYTES:
            limit = settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)
            # (No Connection header: WSGI forbids hop-by-hop headers; the server closes a
            # connection whose body it did not read.)
            return JsonResponse(
                {"detail": _("The request body is larger than %(limit)d MB.") % {"limit": limit}}, status=413
            )
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in caller.

    What a signed-in person is shown (their profile, their company, an engagement with a
    specialist's contact details, a page of the console) is theirs alone: no shared cache may
    keep it and no browser may store it for the next user of the machine. Applying it to every
    authenticated response, rather than endpoint by endpoint, means a new page cannot forget it.
    A response that set its own Cache-Control (downloads already say no-store) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # DRF's token authentication sets request.user on the underlying request too.
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if signed_in and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
