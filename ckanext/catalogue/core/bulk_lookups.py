"""``package_create``'s schema for a batch of new datasets, with the
schema's database reads made once per batch instead of once per dataset.

CKAN's create schema reads the database three times per dataset: is the id
taken (``package_id_does_not_exist``), is the name in use
(``package_name_validator``), which organization is the owner
(``owner_org_validator``: the user and the group). For a batch,
``CatalogueBatchLookups`` asks PostgreSQL once for all the batch's ids and
names and runs the organization check once per distinct value, and answers
each dataset's check from that, with CKAN's own messages. A value the batch
did not ask about, and any validator a plugin replaced (``IValidators``), is
left to CKAN's own function. The bulk writer validates a batch only when
none of its datasets can see another's (it writes held records before a
record that names them), so one read per batch sees what one read per
dataset would. ``tests/core/test_bulk_parity.py`` holds the outcome to
``package_create``'s, refusals included.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, cast

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import Invalid, StopOnError, missing
from ckan.logic.validators import owner_org_validator, package_id_does_not_exist, package_name_validator
from ckan.model import PACKAGE_NAME_MAX_LENGTH, PACKAGE_NAME_MIN_LENGTH
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

Schema = dict[str, Any]
# What one organization check did: the value kept (or popped), the errors
# it added, the exception it raised.
_Outcome = tuple[bool, Any, list[str], Exception | None]


class CatalogueBatchLookups:
    """The create schema's reads for the datasets of one batch (``id`` and
    ``name`` as given to the schema), two queries in all."""

    def __init__(self, pkg_dicts: Iterable[dict[str, Any]]) -> None:
        dicts = list(pkg_dicts)
        package = model.package_table
        self.ids = {d["id"] for d in dicts if isinstance(d.get("id"), str)}
        self.names = {d["name"] for d in dicts if isinstance(d.get("name"), str)}
        self.taken_ids: set[str] = set(model.Session.execute(
            sa.select(package.c.id).where(package.c.id.in_(self.ids))).scalars()) if self.ids else set()
        self.name_holders: dict[str, set[str]] = defaultdict(set)
        if self.names:
            for pkg_id, name in model.Session.execute(sa.select(package.c.id, package.c.name).where(
                    package.c.name.in_(self.names), package.c.state != model.State.DELETED)):
                self.name_holders[name].add(pkg_id)
        self.organizations: dict[Any, _Outcome] = {}
        # Plain functions with the argument counts of CKAN's own: navl picks
        # how to call a validator by its code's number of arguments.
        def id_free(value: Any, context: Context) -> Any:
            return self.id_free(value, context)

        def name_free(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
            return self.name_free(key, data, errors, context)

        def owner_org(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
            return self.owner_org(key, data, errors, context)

        self._replaced: dict[int, Callable[..., Any]] = {
            id(package_id_does_not_exist): id_free,
            id(package_name_validator): name_free,
            id(owner_org_validator): owner_org,
        }
        self._schemas: dict[int, tuple[Schema, Schema]] = {}

    def schema(self, schema: Schema) -> Schema:
        """``schema`` with CKAN's three reading validators answered from
        the batch's reads (built once per schema object)."""
        held = self._schemas.get(id(schema))
        if held is None or held[0] is not schema:
            held = (schema, self._rewritten(schema))
            self._schemas[id(schema)] = held
        return held[1]

    def _rewritten(self, schema: Schema) -> Schema:
        out: Schema = {}
        for key, value in schema.items():
            if isinstance(value, dict):
                out[key] = self._rewritten(cast(Schema, value))
            elif isinstance(value, list):
                out[key] = [self._replaced.get(id(v), v) for v in cast("list[Any]", value)]
            else:
                out[key] = value
        return out

    def id_free(self, value: Any, context: Context) -> Any:
        if not isinstance(value, str) or value not in self.ids:
            return package_id_does_not_exist(value, context)
        if value in self.taken_ids:
            raise Invalid(tk._("Dataset id already exists"))
        return value

    def name_free(self, key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                   context: Context) -> Any:
        value = data[key]
        if not isinstance(value, str) or value not in self.names:
            return package_name_validator(key, data, errors, context)
        package = context.get("package")
        package_id = package.id if package else data.get(key[:-1] + ("id",))
        holders = self.name_holders.get(value, set())
        if holders - ({package_id} if package_id and package_id is not missing else set()):
            errors[key].append(tk._("That URL is already in use."))
        if len(value) < PACKAGE_NAME_MIN_LENGTH:
            raise Invalid(tk._('Name "%s" length is less than minimum %s') % (value, PACKAGE_NAME_MIN_LENGTH))
        if len(value) > PACKAGE_NAME_MAX_LENGTH:
            raise Invalid(tk._('Name "%s" length is more than maximum %s') % (value, PACKAGE_NAME_MAX_LENGTH))
        return None

    def owner_org(self, key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                   context: Context) -> Any:
        # CKAN's check reads only this value, the context's user and the
        # context's dataset (none when creating), the same for the whole
        # batch: it runs once per value, and its effect is replayed.
        value = data.get(key)
        if context.get("package") is not None or not (value is missing or value is None or isinstance(value, str)):
            return owner_org_validator(key, data, errors, context)
        outcome = self.organizations.get(value)
        if outcome is None:
            alone: FlattenDataDict = {key: value}
            alone_errors: FlattenErrorDict = {key: []}
            raised: Exception | None = None
            try:
                owner_org_validator(key, alone, alone_errors, context)
            except (Invalid, StopOnError) as error:
                raised = error
            outcome = (key in alone, alone.get(key), list(alone_errors[key]), raised)
            self.organizations[value] = outcome
        kept, new_value, added, raised = outcome
        if kept:
            data[key] = new_value
        else:
            data.pop(key, None)
        errors.setdefault(key, []).extend(added)
        if raised is not None:
            raise raised.with_traceback(None)
        return None
