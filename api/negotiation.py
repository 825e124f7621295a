"""Content negotiation that lets a client ask for a download by its type.

Every answer of the API is JSON, except downloads (PDFs, CSV exports, calendar files, evidence
files). DRF negotiates against the JSON renderer alone, so a client that asked for what a
download documents (`Accept: application/pdf` on terms.pdf, `Accept: text/csv` on an export)
got 406. A handler marked with `@downloads(...)` also accepts its own types; its success is
the file it returns, and any error it raises is still rendered as JSON.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.utils.mediatypes import media_type_matches

F = TypeVar("F", bound=Callable[..., Any])


def downloads(*media_types: str, responses: dict[Any, Any] | None = None, **schema: Any) -> Callable[[F], F]:
    """Declare a view handler that answers a file of one of `media_types`: its schema's 200 lists
    them (as served), and content negotiation accepts them in Accept. One declaration for both,
    so the document and the behaviour cannot drift apart. `responses` adds error answers."""
    documented = {(200, media_type): OpenApiTypes.BINARY for media_type in media_types} | (responses or {})

    def declare(handler: F) -> F:
        handler.download_types = media_types  # type: ignore[attr-defined]
        return extend_schema(responses=documented, **schema)(handler)

    return declare


def download_types(view: Any, request: Request) -> tuple[str, ...]:
    action = getattr(view, "action", None) or (request.method or "get").lower()
    return tuple(getattr(getattr(view, action, None), "download_types", ()))


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        try:
            return super().select_renderer(request, renderers, format_suffix)  # type: ignore[no-any-return]
        except NotAcceptable:
            view = (getattr(request, "parser_context", None) or {}).get("view")
            offered = download_types(view, request) if view is not None else ()
            accepted = self.get_accept_list(request)
            if any(media_type_matches(kind, accept) for kind in offered for accept in accepted):
                return renderers[0], renderers[0].media_type
            raise
