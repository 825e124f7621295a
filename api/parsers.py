"""JSON parsing that turns pathological bodies into 400s instead of 500s."""

import json
from typing import Any

from django.conf import settings
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
