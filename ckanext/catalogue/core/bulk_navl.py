"""CKAN's navl ``validate`` for many dicts of the same shape, with the work
that depends only on the schema and the dict's keys done once per shape.

For every dict, ``ckan.lib.navl.dictization_functions.validate`` flattens
the schema three times, works out the full schema twice, sorts it four
times and sorts the error dict to unflatten it: three quarters of the cost
of validating a small dataset. None of that depends on the values, so
``CatalogueNavl`` keeps it per (schema, flattened keys) and runs, per dict,
what does: CKAN's ``flatten_dict``, the junk/extras/missing moves, each
validator through CKAN's own ``convert`` in CKAN's order, and CKAN's
``unflatten`` loop over the key order kept per key set. CKAN's
``duplicate_extras_key`` (which unflattens the whole dict to read its
extras) is answered from the flattened extras, CKAN's check run only on
keys that repeat.
The result, errors and exceptions included, equals CKAN's ``validate``; ``tests/core/test_bulk_navl.py`` holds it to that on dicts
made to reach each branch. The bulk writer uses it; any other caller keeps
CKAN's.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, NamedTuple, cast

from ckan.lib.navl.dictization_functions import (
    DataError,
    StopOnError,
    convert,
    flatten_dict,
    flatten_schema,
    flattened_order_key,
    get_all_key_combinations,
    make_full_schema,
    missing,
)
from ckan.logic.validators import duplicate_extras_key
from ckan.types import Context, FlattenDataDict, FlattenKey

Schema = dict[str, Any]
_Step = tuple[FlattenKey, list[Callable[..., Any]]]


class _Plan(NamedTuple):
    """What validating a dict of one shape against one schema needs, but
    its values: ``augment_data``'s moves and ``_validate``'s runs."""

    full_schema: dict[FlattenKey, Any]
    naughty: list[FlattenKey]  # keys that must hold [] (a list against a sub-schema)
    junk: list[FlattenKey]  # keys moved to ('__junk',)
    extras: list[tuple[FlattenKey, FlattenKey]]  # (key, its '__extras' key)
    runs: list[_Step]  # every (key, validators) in the order _validate runs them


def _plan(keys: list[FlattenKey], schema: Schema) -> _Plan:
    # The decisions of CKAN's augment_data and _validate, made on the keys.
    flattened_schema = flatten_schema(schema)
    shape = dict.fromkeys(keys)
    combinations = get_all_key_combinations(shape, flattened_schema)
    full_schema = make_full_schema(shape, schema)
    prefixes = {initial[:n] for initial in flattened_schema for n in range(len(initial) + 1)}
    naughty: list[FlattenKey] = []
    junk: list[FlattenKey] = []
    extras: list[tuple[FlattenKey, FlattenKey]] = []
    for key in keys:
        if key in full_schema:
            continue
        if key[::2] in prefixes:
            naughty.append(key)
        if key[:-1] in combinations:
            extras.append((key, key[:-1] + ("__extras",)))
        else:
            junk.append(key)
    ordered = sorted(full_schema, key=flattened_order_key)
    runs: list[_Step] = [(k, _cheaper(full_schema[k])) for k in ordered if k[-1] == "__before"]
    runs += [(k, full_schema[k]) for k in ordered if not k[-1].startswith("__")]
    runs += [(k, full_schema[k]) for k in ordered if k[-1] == "__extras"]
    runs += [(k, full_schema[k]) for k in reversed(ordered) if k[-1] == "__after"]
    if ("__junk",) in full_schema:
        runs.append((("__junk",), full_schema[("__junk",)]))
    return _Plan(full_schema, naughty, junk, extras, runs)


def _extras_duplicates(key: FlattenKey, data: FlattenDataDict, errors: dict[FlattenKey, Any], context: Context) -> None:
    # CKAN's duplicate_extras_key reads, from the whole dict unflattened,
    # the "key" of each extra not marked deleted, in index order. Extras
    # flattened as (extras, n, field) are read here as they are; only when
    # two keys are the same is CKAN's check run, on those keys alone, for
    # its own error. Any other shape is left to CKAN's check on the extras.
    extras = [(k, v) for k, v in data.items() if k[0] == "extras"]
    if any(len(k) != 3 for k, _v in extras):
        duplicate_extras_key(key, dict(extras), errors, context)
        return
    fields: dict[int, dict[str, Any]] = {}
    for (_extras, index, field), value in extras:
        fields.setdefault(index, {})[field] = value
    keys = [fields[index]["key"] for index in sorted(fields) if not fields[index].get("deleted")]
    if len(set(keys)) < len(keys):
        duplicate_extras_key(key, {("extras", n, "key"): k for n, k in enumerate(keys)}, errors, context)


def _cheaper(validators: list[Callable[..., Any]]) -> list[Callable[..., Any]]:
    return [_extras_duplicates if v is duplicate_extras_key else v for v in validators]


class CatalogueNavl:
    """``validate`` with its plans kept, for as long as the object lives
    (it holds the schemas it planned for, so their ids stay theirs)."""

    def __init__(self) -> None:
        self.plans: dict[tuple[int, tuple[FlattenKey, ...]], _Plan] = {}
        self.schemas: dict[int, Schema] = {}
        self.orders: dict[tuple[FlattenKey, ...], list[FlattenKey]] = {}

    def plugin_validate(self, plugin: Any, context: Context, data: dict[str, Any], schema: Schema, action: str
                        ) -> tuple[dict[str, Any], dict[str, Any]]:
        """What ``ckan.lib.plugins.plugin_validate`` returns: the plugin's
        own ``validate`` when it has one that answers, else ours."""
        if hasattr(plugin, "validate"):
            result = plugin.validate(context, data, schema, action)
            if result is not None:
                return result
        return self.validate(data, schema, context)

    def validate(self, data: dict[str, Any], schema: Schema, context: Context | None = None
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
        """What ``ckan.lib.navl.dictization_functions.validate`` returns."""
        context = context or {}
        empty_lists = [key for key, value in data.items() if value == []]
        validators_context = Context(context, schema_keys=list(schema.keys()))  # type: ignore[misc]
        flattened = flatten_dict(data, schema=schema)
        keys = tuple(flattened)
        plan = self.plans.get((id(schema), keys))
        if plan is None:
            self.schemas[id(schema)] = schema
            plan = self.plans[(id(schema), keys)] = _plan(list(keys), schema)
        flat_data, errors = _run(plan, flattened, validators_context)
        converted_data = self.unflatten(flat_data)
        for key in empty_lists:
            if key not in converted_data:
                converted_data[key] = []
        if not any(errors.values()):
            return converted_data, {}
        return converted_data, _pruned(self.unflatten(errors))

    def unflatten(self, data: FlattenDataDict) -> dict[str, Any]:
        """CKAN's ``unflatten``, its sorting of the keys done once per key set."""
        keys = tuple(data)
        order = self.orders.get(keys)
        if order is None:
            order = self.orders[keys] = sorted(keys, key=flattened_order_key)
        return _unflattened(order, data)


def _unflattened(order: list[FlattenKey], data: FlattenDataDict) -> dict[str, Any]:
    # What CKAN's unflatten builds, the keys taken in the given (its
    # sorted) order: a list grows by new dicts up to the index named, and
    # one that skipped an index has its empty dicts removed at the end.
    unflattened: dict[str, Any] = {}
    skipped: dict[int, list[Any]] = {}
    for flattened_key in order:
        current: Any = unflattened
        for key in flattened_key[:-1]:
            if isinstance(current, list):
                held = cast("list[Any]", current)
                if key >= len(held):
                    if key > len(held):
                        skipped[id(held)] = held
                    held.extend({} for _ in range(key + 1 - len(held)))
                current = held[key]
            elif key in current:
                current = current[key]
            else:
                current[key] = current = []
        current[flattened_key[-1]] = data[flattened_key]
    for held in skipped.values():
        held[:] = [i for i in held if i]
    return unflattened


def _run(plan: _Plan, data: FlattenDataDict, context: Context) -> tuple[FlattenDataDict, dict[FlattenKey, Any]]:
    # augment_data's moves, in its order (a later move may undo an earlier).
    for key in plan.naughty:
        if data[key] != []:
            raise DataError(f"Only lists of dicts can be placed against subschema {key}, not {type(data[key])}")
    new_data = copy.copy(data)
    junk = {key: data[key] for key in plan.junk}
    extras: dict[FlattenKey, dict[Any, Any]] = {}
    for key, extras_key in plan.extras:
        extras.setdefault(extras_key, {})[key[-1]] = data[key]
    if junk:
        new_data[("__junk",)] = junk
    for extras_key, found in extras.items():
        new_data[extras_key] = found
    for key in plan.junk:
        new_data.pop(key)
    for key, _extras_key in plan.extras:
        new_data.pop(key)
    for key in plan.full_schema:
        if key not in new_data and not key[-1].startswith("__"):
            new_data[key] = missing
    errors: dict[FlattenKey, Any] = {key: [] for key in plan.full_schema}
    for key, converters in plan.runs:
        for converter in converters:
            try:
                convert(converter, key, new_data, errors, context)
            except StopOnError:  # noqa: PERF203 - a validator stops its key's run, as in CKAN
                break
    return new_data, errors


def _pruned(errors: dict[str, Any]) -> dict[str, Any]:
    # validate's own clean-up of the unflattened errors: passed validators'
    # empty lists removed, then lists of emptied dicts.
    pending = [errors]
    while pending:
        current = pending.pop()
        for key, value in list(current.items()):
            if not value:
                current.pop(key)
                continue
            if isinstance(value[0], dict):
                pending.extend(value)
    _blank_removed(errors)
    return errors


def _blank_removed(errors: dict[str, Any]) -> None:
    for key, value in list(errors.items()):
        if isinstance(value[0], dict):
            for inner in value:
                _blank_removed(inner)
            if not any(value):
                errors.pop(key)
