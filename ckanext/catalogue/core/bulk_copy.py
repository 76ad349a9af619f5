"""Rows written into a model table with PostgreSQL ``COPY`` (what the bulk
writer uses instead of a multi-row ``INSERT``): one statement per table and
part, in the session's transaction. Each value is bound by its column's own
SQLAlchemy type, as an ``INSERT`` binds it (JSON serialised, a list as an
array literal); a column a row leaves out takes the column's Python default,
as SQLAlchemy gives it to an ``INSERT``; the engine's cursor listeners hear
the statement as they hear any other.
"""
from __future__ import annotations

import datetime
import io
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from ckan import model

# COPY's text format: a backslash, tab, newline or carriage return in a
# value is escaped (the backslash first); \N is null.
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def catalogue_random_ids(count: int) -> Iterator[str]:
    """``count`` random (version 4) UUIDs as text, as ``str(uuid.uuid4())``
    writes them, from one read of the system's randomness: a quarter of
    the cost of ``uuid4`` per row id."""
    raw = bytearray(os.urandom(16 * count))
    for at in range(0, 16 * count, 16):
        raw[at + 6] = (raw[at + 6] & 0x0F) | 0x40  # version 4
        raw[at + 8] = (raw[at + 8] & 0x3F) | 0x80  # RFC 4122 variant
        text = raw[at:at + 16].hex()
        yield f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _escaped(text: str) -> str:
    # str.replace per character found: far quicker than str.translate on
    # the long JSON texts an activity holds.
    for char, escape in _COPY_ESCAPES:
        if char in text:
            text = text.replace(char, escape)
    return text


def _array_literal(values: Sequence[Any]) -> str:
    """A one-dimensional array literal of text values (``{"a","b"}``)."""
    items = ["NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values]
    return "{" + ",".join(items) + "}"


def _copy_text(value: Any) -> str:
    if type(value) is str:  # the most frequent, checked first
        return _escaped(value)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime):
        # Naive, as CKAN keeps its times; an aware one is written with its
        # offset, which a timestamptz column reads.
        return value.isoformat(sep=" ")
    if isinstance(value, (list, tuple)):
        return _escaped(_array_literal(value))
    return _escaped(value if isinstance(value, str) else str(value))


def _binders(table: sa.Table, dialect: Any) -> list[tuple[str, Callable[[Any], Any] | None, Any]]:
    """(column name, bind processor, Python default) of each column."""
    return [(col.name, col.type.dialect_impl(dialect).bind_processor(dialect), col.default) for col in table.c]


def _default(default: Any) -> Any:
    if default is None:
        return None
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        # Wrapped by SQLAlchemy to take the execution context; CKAN's
        # (make_uuid, utcnow) read none.
        return default.arg(None)
    # A SQL expression has no value to write here: the row must carry it.
    raise ValueError(f"column default {default!r} cannot be given to COPY")


def catalogue_copy_rows(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` into ``table`` with one ``COPY ... FROM STDIN`` in the
    session's transaction (nothing when there are none)."""
    if not rows:
        return
    connection = model.Session.connection()
    binders = _binders(table, connection.dialect)
    lines: list[str] = []
    for row in rows:
        fields: list[str] = []
        for name, bind, default in binders:
            value = row[name] if name in row else _default(default)
            if bind is not None and value is not None:
                value = bind(value)
            fields.append(_copy_text(value))
        lines.append("\t".join(fields))
    lines.append("")
    out = io.StringIO("\n".join(lines))
    columns = ", ".join(connection.dialect.identifier_preparer.quote(name) for name, _b, _d in binders)
    target = connection.dialect.identifier_preparer.format_table(table)
    statement = f"COPY {target} ({columns}) FROM STDIN"
    cursor = connection.connection.cursor()
    try:
        # Told to the engine's cursor listeners as any statement is (SQL
        # logging, the statement counts of the N+1 guard).
        connection.dispatch.before_cursor_execute(connection, cursor, statement, (), None, False)
        cursor.copy_expert(statement, out)
        connection.dispatch.after_cursor_execute(connection, cursor, statement, (), None, False)
    finally:
        cursor.close()
