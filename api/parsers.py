"""JSON parsing that turns pathological bodies into 400s instead of 500s."""

import html
import json
from typing import Any

from django.conf import settings
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _reject_nul(value: Any) -> None:
    """Walk the parsed body iteratively; NUL cannot be stored in PostgreSQL text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ParseError(_("Null characters are not allowed."))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class StrictJSONParser(parsers.JSONParser):
    """Rejects NaN / Infinity, over-deep nesting, non-finite floats and NUL characters."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            data = json.loads(
                text,
                parse_constant=_reject_constant,
                parse_float=_finite_float,
            )
        except RecursionError as exc:
            raise ParseError(_("JSON nested too deeply.")) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON parse error.")) from exc
        _reject_nul(data)
        return data


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


class _NoPathMultiPartParser(DjangoMultiPartParser):
    def sanitize_file_name(self, file_name: str) -> str | None:
        # Django would quietly strip a path; a name that tries one is refused outright.
        raw = html.unescape(file_name)
        if "/" in raw or "\\" in raw or raw in {".", ".."} or "\x00" in raw:
            raise MultiPartParserError(_("File names must not contain a path."))
        return super().sanitize_file_name(file_name)


class SafeMultiPartParser(parsers.MultiPartParser):
    """Multipart parsing that answers 400 to a file name carrying a path (../../x.pdf)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            parser = _NoPathMultiPartParser(meta, stream, request.upload_handlers, encoding)
            data, files = parser.parse()
        except MultiPartParserError as exc:
            raise ParseError(str(exc)) from exc
        _reject_nul(dict(data.lists()))
        return parsers.DataAndFiles(data, files)
