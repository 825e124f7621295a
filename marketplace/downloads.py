"""The one way a private file leaves the server: as an attachment, never cached, never sniffed.

Evidence, subsidy documents, PDFs we render, calendar files and CSV exports all carry personal
or business data, so every download (API and pages alike) goes through `private_download`.
"""

from collections.abc import Iterable
from typing import IO, Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header


def private_download(
    content: bytes | IO[bytes] | Iterable[Any], *, filename: str, content_type: str
) -> HttpResponseBase:
    """A response that downloads `content` as `filename`: bytes as they are, an open file streamed
    from storage, any other iterable (CSV rows) streamed as it is produced."""
    response: HttpResponse | FileResponse | StreamingHttpResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    elif hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    # Non-ASCII names are encoded as RFC 6266 filename*.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
