"""Objects by primary key and datasets by id, read from the session's
identity map when this transaction already loaded them (a batch loads
parents and ancestors once), from PostgreSQL otherwise; and the ancestor
ids a dataset stores."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import class_mapper

from ckan import model

from ckanext.catalogue.core.document import EXTRA_ANCESTORS

T = TypeVar("T")


def catalogue_ancestor_ids(pkg: model.Package) -> list[str]:
    """The ancestors (root first) the dataset's extras name; none if unreadable."""
    try:
        return list(json.loads((pkg.extras or {}).get(EXTRA_ANCESTORS) or "[]"))
    except ValueError:
        return []


def catalogue_loaded(cls: type[T], key: str) -> T | None:
    """The object of ``cls`` with this primary key if this session holds
    it (not expired); no SQL."""
    held = cast(Any, model.Session.identity_map.get(class_mapper(cls).identity_key_from_primary_key((key,))))
    return held if held is not None and not sa.inspect(held).expired_attributes else None


def catalogue_packages_by_id(ids: Iterable[str]) -> dict[str, model.Package]:
    """The datasets with these ids, in any state: those loaded (and not
    expired) in this session as they are, the others in one query."""
    found: dict[str, model.Package] = {}
    wanted = list(dict.fromkeys(ids))
    for i in wanted:
        held = catalogue_loaded(model.Package, i)
        if held is not None:
            found[i] = held
    missing = [i for i in wanted if i not in found]
    if missing:
        found.update({pkg.id: pkg for pkg in model.Session.query(model.Package).filter(
            model.Package.id.in_(missing))})
    return found
