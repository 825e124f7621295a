"""Bulk reads into numpy columns and bulk writes, at PostgreSQL's COPY speed.

`columns` runs a `values_list` queryset and returns one numpy array per selected column.
On PostgreSQL it wraps the queryset's own SQL in `COPY (SELECT array_agg(...) ...) TO
STDOUT (FORMAT BINARY)`: every column is cast to a fixed-width type and aggregated into one
array, so the result is one message whose arrays are each one `np.frombuffer` over a
structured dtype: no Python object is built per row. Elsewhere (SQLite, the embedded
default) it iterates the queryset.

`copy_rows` writes rows with `COPY ... FROM STDIN` on PostgreSQL and `bulk_create`
elsewhere. Measured on the match run's write (22,774 proposals, bench/matching.py):
`bulk_create` spent 8.6 s quoting its UNNEST arrays client-side; COPY takes a fraction
of a second.
"""

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# numpy dtype -> (PostgreSQL type to cast to, big-endian wire dtype in binary COPY)
UUID = np.dtype("S16")
_WIRE = {
    np.dtype(bool): ("boolean", "?"),
    np.dtype(np.int16): ("int2", ">i2"),
    np.dtype(np.int32): ("int4", ">i4"),
    np.dtype(np.int64): ("int8", ">i8"),
    np.dtype(np.float64): ("float8", ">f8"),
    UUID: ("uuid", "S16"),
}
_HEADER = len(b"PGCOPY\n\xff\r\n\x00") + 4 + 4  # signature, flags, header-extension length


def columns(queryset: QuerySet[Any, Any], dtypes: Sequence[Any], *, sort: bool = False) -> list[np.ndarray]:
    """The columns of a `values_list` queryset as arrays of `dtypes` (np.dtype or `UUID`),
    row-aligned; with `sort`, ordered by the first column (ids sort as PostgreSQL sorts them).

    No value may be NULL (wrap nullable ones in Coalesce); UUIDs come back as 16 raw bytes
    (`as_uuid` turns one back).
    """
    kinds = [np.dtype(d) for d in dtypes]
    if connection.vendor != "postgresql":
        rows = list(queryset)
        if any(value is None for row in rows for value in row):
            raise ValueError("a selected value is NULL")
        result = (
            [
                np.array([v.bytes for v in values] if kind == UUID else values, dtype=kind)
                for kind, values in zip(kinds, zip(*rows, strict=True), strict=True)
            ]
            if rows
            else [np.zeros(0, dtype=kind) for kind in kinds]
        )
    else:
        result = _copy_arrays(queryset, kinds)
    if sort and result[0].size > 1 and not bool(np.all(result[0][1:] >= result[0][:-1])):
        order = np.argsort(result[0], kind="stable")
        result = [column[order] for column in result]
    return result


def _copy_arrays(queryset: QuerySet[Any, Any], kinds: list[np.dtype[Any]]) -> list[np.ndarray]:
    """One binary COPY row holding one array per column: PostgreSQL sends a COPY message per
    row, and psycopg's ~2.5 µs per message made row-wise COPY of 900k rows cost 2.3 s."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. `.none()`, or `pk__in=[]`
        return [np.zeros(0, dtype=kind) for kind in kinds]
    names = [f"c{i}" for i in range(len(kinds))]
    select = ", ".join(
        f"COALESCE(array_agg({name}::{_WIRE[kind][0]}), '{{}}')" for name, kind in zip(names, kinds, strict=True)
    )
    statement = connection.ops.compose_sql(  # type: ignore[attr-defined]  # PostgreSQL's operations
        # The inner SQL is the ORM's own; the outer names and types are generated here.
        f"COPY (SELECT {select} FROM ({sql}) AS t({', '.join(names)})) TO STDOUT (FORMAT BINARY)",  # noqa: S608
        params,
    )
    buffer = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for block in copy:
            buffer += block
    data = bytes(buffer)
    position = _HEADER + 2  # the row's field count
    result = []
    for kind in kinds:
        position += 4  # the field's length
        ndim, has_nulls, _element_type = np.frombuffer(data, ">i4", 3, position)
        if has_nulls:
            raise ValueError("a selected value is NULL")
        position += 12
        size = 0
        if ndim:
            size = int(np.frombuffer(data, ">i4", 1, position)[0])
            position += 8  # size and lower bound
        element = np.dtype([("length", ">i4"), ("value", _WIRE[kind][1])])
        values = np.frombuffer(data, element, size, position)
        if size and not bool(np.all(values["length"] == element["value"].itemsize)):
            raise ValueError(f"a selected value is not {_WIRE[kind][0]}")
        position += size * element.itemsize
        result.append(values["value"].astype(kind))
    return result


def as_uuid(raw: bytes) -> uuid.UUID:
    """One value of a `UUID` column (numpy drops trailing zero bytes of S16 values)."""
    return uuid.UUID(bytes=bytes(raw).ljust(16, b"\0"))


def find(sorted_ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index of each `wanted` value in `sorted_ids` (both `UUID` columns); -1 where absent."""
    if not wanted.size or not sorted_ids.size:
        return np.full(wanted.size, -1, dtype=np.int64)
    found = np.minimum(np.searchsorted(sorted_ids, wanted), sorted_ids.size - 1)
    return np.where(sorted_ids[found] == wanted, found, -1).astype(np.int64)


def positions(sorted_ids: np.ndarray, ids: Iterable[uuid.UUID]) -> np.ndarray:
    """Index of each id in `sorted_ids` (a sorted `UUID` column); -1 where absent."""
    return find(sorted_ids, np.array([value.bytes for value in ids], dtype=UUID))


def id_set(ids: np.ndarray) -> Any:
    """A `pk__in=` value for a `UUID` column. On PostgreSQL one array literal, parsed by the
    server: psycopg quoting a list of UUIDs element by element cost ~5 µs each."""
    if connection.vendor != "postgresql":
        return [as_uuid(value) for value in ids]
    literal = "{" + ",".join(bytes(value).ljust(16, b"\0").hex() for value in ids) + "}"
    return RawSQL("SELECT unnest(%s::uuid[])", [literal])  # one bound parameter


class JsonText(str):
    """A JSON field's value already serialised (saves `copy_rows` a json.dumps per value)."""

    __slots__ = ()


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows of Python values in `fields` order (no defaults are filled in, no signals sent).

    On PostgreSQL the rows are formatted as COPY text here and sent in one write: psycopg's
    `write_row` (with its JSON dumpers) cost ~45 µs a row on the match run's 22,774 proposals."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [
                model(
                    **{
                        name: json.loads(v) if isinstance(v, JsonText) else v
                        for name, v in zip(fields, row, strict=True)
                    }
                )
                for row in rows
            ],
            batch_size=2000,
        )
        return
    targets = [model._meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(str(field.column)) for field in targets)  # type: ignore[union-attr]
    formats = [_text_format(field) for field in targets]
    text = "".join(
        "\t".join("\\N" if value is None else write(value) for write, value in zip(formats, row, strict=True)) + "\n"
        for row in rows
    )
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        copy.write(text.encode())


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _text_format(field: Any) -> Callable[[Any], str]:
    """How a non-NULL value of this field is written in COPY's text format."""
    if isinstance(field, models.JSONField):
        return lambda value: (value if isinstance(value, JsonText) else _JSON(value)).translate(_ESCAPES)
    if isinstance(field, models.BooleanField):
        return lambda value: "t" if value else "f"
    if isinstance(field, models.DateTimeField | models.DateField):
        return lambda value: value.isoformat()
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: str(value).translate(_ESCAPES)
    return str  # numbers and UUIDs (primary and foreign keys)
