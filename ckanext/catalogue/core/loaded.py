"""Datasets by id, read from the session's identity map when this
transaction already loaded them (a batch loads parents and ancestors once),
from PostgreSQL otherwise; and the ancestor ids a dataset stores."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import class_mapper

from ckan import model

from ckanext.catalogue.core.document import EXTRA_ANCESTORS


def catalogue_ancestor_ids(pkg: model.Package) -> list[str]:
    """The ancestors (root first) the dataset's extras name; none if unreadable."""
    try:
        return list(json.loads((pkg.extras or {}).get(EXTRA_ANCESTORS) or "[]"))
    except ValueError:
        return []


def catalogue_packages_by_id(ids: Iterable[str]) -> dict[str, model.Package]:
    """The datasets with these ids, in any state: those loaded (and not
    expired) in this session as they are, the others in one query."""
    mapper = class_mapper(model.Package)
    found: dict[str, model.Package] = {}
    wanted = list(dict.fromkeys(ids))
    for i in wanted:
        loaded = cast(Any, model.Session.identity_map.get(mapper.identity_key_from_primary_key((i,))))
        if loaded is not None and not sa.inspect(loaded).expired_attributes:
            found[i] = loaded
    missing = [i for i in wanted if i not in found]
    if missing:
        found.update({pkg.id: pkg for pkg in model.Session.query(model.Package).filter(
            model.Package.id.in_(missing))})
    return found
