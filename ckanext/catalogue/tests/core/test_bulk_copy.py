"""The bulk writer's ``COPY``: the same rows written with SQLAlchemy's
``INSERT`` and with ``catalogue_copy_rows`` read back equal, whatever
characters their text, JSON and array values hold."""
from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from ckan import model

from ckanext.activity.model import Activity

from ckanext.catalogue.core.bulk_copy import catalogue_copy_rows

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "catalogue activity"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

# What COPY's text format and PostgreSQL's array literals treat specially.
_AWKWARD = ['tab\there', 'new\nline', 'cr\rhere', 'back\\slash', '\\N', 'quote"s', "it's", "{brace}", "a,b",
            "NULL", "", "  spaced  ", "ünï©ødé ☃", "\\t literal"]


def _read(table: sa.Table, ids: list[str], key: str) -> list[dict[str, Any]]:
    rows = model.Session.execute(sa.select(table).where(table.c[key].in_(ids)).order_by(table.c[key])).mappings()
    return [dict(row) for row in rows]


def _both(table: sa.Table, make: Any, count: int, key: str = "id") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows ``make(n, prefix)`` gives, written once by INSERT and once
    by COPY, read back without their key column."""
    inserted = [make(n, "i") for n in range(count)]
    copied = [make(n, "c") for n in range(count)]
    model.Session.execute(table.insert(), inserted)
    catalogue_copy_rows(table, copied)
    model.Session.commit()
    seen = []
    for rows in (inserted, copied):
        found = _read(table, [row[key] for row in rows], key)
        assert len(found) == count
        seen.append([{k: v for k, v in row.items() if k != key} for row in found])
    return seen[0], seen[1]


def test_package_rows_copied_equal_inserted_ones():
    when = datetime.datetime(2026, 12, 5, 8, 30, 1, 123456, tzinfo=datetime.timezone.utc).replace(tzinfo=None)  # naive, as CKAN stores times

    def make(n: int, prefix: str) -> dict[str, Any]:
        text = _AWKWARD[n]
        return {"id": f"{prefix}-{n:02d}", "name": f"{prefix}-name-{n}", "title": text, "notes": text * 2,
                "private": n % 2 == 0, "metadata_created": when, "metadata_modified": when,
                "state": "active", "url": None,
                "extras": {text: text, "other": f"{text}-{n}"}}  # CKAN keeps extras flat

    inserted, copied = _both(model.package_table, lambda n, prefix: {
        **make(n, prefix), "name": f"name-{n}" if prefix == "i" else f"copy-{n}"}, len(_AWKWARD))
    for row in inserted + copied:
        row.pop("name")
    assert copied == inserted
    assert copied[0]["type"] == "dataset"  # a left-out column takes its default
    assert copied[2]["title"] == "cr\rhere" and copied[4]["title"] == "\\N"
    assert copied[10]["title"] == "" and copied[0]["url"] is None


def test_activity_rows_copied_equal_inserted_ones():
    when = datetime.datetime(2026, 12, 5, 8, 30, 1, tzinfo=datetime.timezone.utc).replace(tzinfo=None)

    def make(n: int, prefix: str) -> dict[str, Any]:
        text = _AWKWARD[n]
        return {"id": f"{prefix}-{n:02d}", "timestamp": when, "user_id": text, "object_id": str(uuid.uuid4()),
                "activity_type": "new package", "data": {"package": {"title": text, "tags": [text]}, "actor": text},
                "permission_labels": [text, "public", f"member-{text}"] if n % 3 else []}

    inserted, copied = _both(Activity.__table__, make, len(_AWKWARD))
    for row in inserted + copied:
        row.pop("object_id")
    assert copied == inserted
    assert copied[5]["permission_labels"] == ['quote"s', "public", 'member-quote"s']
    assert copied[0]["permission_labels"] == []


def test_a_left_out_callable_default_is_called_per_row():
    tag = model.tag_table
    catalogue_copy_rows(tag, [{"name": "copy-tag-a", "vocabulary_id": None},
                              {"name": "copy-tag-b", "vocabulary_id": None}])
    found = model.Session.execute(sa.select(tag.c.id).where(tag.c.name.in_(["copy-tag-a", "copy-tag-b"]))).all()
    assert len({row.id for row in found}) == 2 and all(len(row.id) == 36 for row in found)
