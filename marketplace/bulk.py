"""Bulk reads into numpy columns and bulk writes, at PostgreSQL's COPY speed.

`columns` runs a `values_list` queryset and returns one numpy array per selected column.
On PostgreSQL it wraps the queryset's own SQL in `COPY (...) TO STDOUT (FORMAT BINARY)`:
every column is cast to a fixed-width type, so each row has the same size and the whole
result is one `np.frombuffer` over a structured dtype: no Python object is built per row.
Elsewhere (SQLite, the embedded default) it iterates the queryset.

`copy_rows` writes rows with `COPY ... FROM STDIN` on PostgreSQL and `bulk_create`
elsewhere. Measured on the match run's write (22,774 proposals, bench/matching.py):
`bulk_create` spent 8.6 s quoting its UNNEST arrays client-side; COPY takes a fraction
of a second.
"""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.db import connection, models
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from psycopg.types.json import Jsonb

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


def columns(queryset: QuerySet[Any, Any], dtypes: Sequence[Any]) -> list[np.ndarray]:
    """The columns of a `values_list` queryset as arrays of `dtypes` (np.dtype or `UUID`).

    No value may be NULL (wrap nullable ones in Coalesce); UUIDs come back as 16 raw bytes
    (`as_uuid` turns one back), in the order PostgreSQL sorts them.
    """
    kinds = [np.dtype(d) for d in dtypes]
    if connection.vendor != "postgresql":
        rows = list(queryset)
        if not rows:
            return [np.zeros(0, dtype=kind) for kind in kinds]
        return [
            np.array([v.bytes for v in values] if kind == UUID else values, dtype=kind)
            for kind, values in zip(kinds, zip(*rows, strict=True), strict=True)
        ]
    sql, params = queryset.query.sql_with_params()
    names = [f"c{i}" for i in range(len(kinds))]
    select = ", ".join(f"{name}::{_WIRE[kind][0]}" for name, kind in zip(names, kinds, strict=True))
    statement = connection.ops.compose_sql(  # type: ignore[attr-defined]  # PostgreSQL's operations
        # The inner SQL is the ORM's own; the outer names and types are generated here.
        f"COPY (SELECT {select} FROM ({sql}) AS t({', '.join(names)})) TO STDOUT (FORMAT BINARY)",  # noqa: S608
        params,
    )
    buffer = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for block in copy:
            buffer += block
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for name, kind in zip(names, kinds, strict=True):
        fields += [(f"{name}_length", ">i4"), (name, _WIRE[kind][1])]
    row = np.dtype(fields)
    body = len(buffer) - _HEADER - 2  # the trailer is one int16 (-1)
    if body < 0 or body % row.itemsize:
        raise ValueError("COPY returned rows of varying width: a selected value is NULL")
    table = np.frombuffer(bytes(buffer), dtype=row, offset=_HEADER, count=body // row.itemsize)
    return [table[name].astype(kind) for name, kind in zip(names, kinds, strict=True)]


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


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows of Python values in `fields` order (no defaults are filled in, no signals sent)."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows],
            batch_size=2000,
        )
        return
    targets = [model._meta.get_field(name) for name in fields]
    json = [i for i, field in enumerate(targets) if isinstance(field, models.JSONField)]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(str(field.column)) for field in targets)  # type: ignore[union-attr]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            if json:
                row = list(row)
                for i in json:
                    row[i] = Jsonb(row[i])
            copy.write_row(row)
