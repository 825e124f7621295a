"""CSV for Excel in Japan: UTF-8 with a BOM (Excel then reads Japanese headers right), one
chunk per row, so a large export streams instead of sitting in memory.

Every export goes through `stream`, which neutralises cells a spreadsheet would run as a
formula (CSV injection, OWASP): text typed by users — a company's name, a specialist's display
name — that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`,
which Excel and LibreOffice show as text and do not evaluate. Numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def stream(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow(header)
    yield "\ufeff" + flush()
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield flush()
