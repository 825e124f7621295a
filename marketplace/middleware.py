"""Request guards that run before any view or ORM call."""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
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
