"""CSV for Excel in Japan: UTF-8 with a BOM (Excel then reads Japanese headers right), one
chunk per row, so a large export streams instead of sitting in memory."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence


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
        writer.writerow(row)
        yield flush()
