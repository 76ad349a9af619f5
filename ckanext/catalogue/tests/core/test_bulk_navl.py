"""The bulk writer's planned navl validation answers as CKAN's ``validate``:
the same data, errors, exceptions and validator order, on CKAN's dataset
schemas and on a schema made to reach each branch of navl."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from ckan import model
from ckan.lib.navl.dictization_functions import DataError, StopOnError, missing, unflatten, validate
from ckan.lib.navl.validators import ignore_missing, keep_extras, not_empty
from ckan.logic.schema import default_create_package_schema, default_show_package_schema
from ckan.tests import factories

from ckanext.catalogue.core.bulk_navl import CatalogueNavl


def _outcome(run: Any, data: dict[str, Any], schema: dict[str, Any]) -> Any:
    calls: list[Any] = []
    context = {"model": model, "session": model.Session, "user": "", "calls": calls}
    try:
        result = run(copy.deepcopy(data), schema, context)
    except DataError as error:
        return ("raised", type(error).__name__, str(error), calls)
    return ("returned", result, calls)


def _traced(name: str) -> Any:
    """A 4-argument validator that records when it ran and what it saw."""
    def trace(key: Any, data: Any, errors: Any, context: Any) -> None:
        context["calls"].append((name, key, data.get(key)))
    return trace


def _stop_on_bad(key: Any, data: Any, errors: Any, context: Any) -> None:
    if data.get(key) == "bad":
        errors[key].append("bad value")
        raise StopOnError


def _branchy_schema() -> dict[str, Any]:
    return {
        "__before": [_traced("before")],
        "name": [not_empty, _traced("name")],
        "title": [ignore_missing, _traced("title")],
        "code": [_stop_on_bad, _traced("code-after-stop")],
        "items": {
            "__before": [_traced("item-before")],
            "key": [not_empty, _traced("item-key")],
            "value": [ignore_missing],
            "sub": {"x": [ignore_missing]},
            "__extras": [_traced("item-extras")],
            "__after": [_traced("item-after")],
        },
        "__extras": [keep_extras, _traced("extras")],
        "__after": [_traced("after")],
        "__junk": [_traced("junk")],
    }


BRANCHY = [
    {"name": "a", "title": "t", "code": "ok"},
    {"name": "", "code": "bad"},
    {},
    {"name": "a", "other": 1, "more": [1, 2]},
    {"name": "a", "items": [{"key": "k", "value": "v", "stray": 3}, {"key": "", "value": None}]},
    {"name": "a", "items": []},
    {"name": "a", "items": "not a list"},
    {"name": "a", "items": [{"key": "k", "deep": [{"x": 1}]}]},
    {"name": "a", "__junk": "sent", "__extras": {"x": 1}},
    {"name": "a", "items": [{"sub": [{"x": 1}, {"x": 2}]}]},  # no leaf under items[0]: refused
    {"name": "a", "items": [{"sub": [{"x": []}, {"x": []}]}]},  # the same with empty lists: junk
    {"name": "a", "items": [{"key": "k", "sub": [{"x": 1, "y": 2}]}]},
    {"name": "a", "items": [{"key": "k"}], "tail": [], "code": "bad"},
]


@pytest.mark.parametrize("data", BRANCHY)
def test_a_branchy_schema_is_validated_as_ckan_validates_it(data: dict[str, Any]) -> None:
    navl = CatalogueNavl()
    schema = _branchy_schema()
    expected = _outcome(validate, data, schema)
    assert _outcome(navl.validate, data, schema) == expected
    # A second dict of the same shape, now from the kept plan.
    assert _outcome(navl.validate, data, schema) == expected


DATASETS = [
    {"name": "a-dataset", "title": "A", "notes": "n", "private": False, "type": "dataset",
     "tags": [{"name": "flood"}, {"name": "zone-1"}], "extras": [{"key": "k", "value": "v"}], "junk": 3},
    {"name": "A bad name!", "tags": [{"name": "x" * 200}, {"name": ""}], "extras": [{"key": "", "value": 1}]},
    {"name": "b-dataset", "tags": "flood,zone", "extras": [], "resources": [{"url": "http://x", "name": "r"}]},
    {"name": "c-dataset", "resources": [{"url": "http://x", "format": "CSV", "extra": {"a": [1]}}],
     "groups": [{"name": "nope"}], "owner_org": ""},
    {"tags": [{"name": "only"}], "extras": [{"key": "state", "value": "x"}, {"key": "k", "value": "v"}]},
    {"name": "d-dataset", "extras": [{"key": "k", "value": "1"}, {"key": "j", "value": "2"},
                                     {"key": "j", "value": "3"}, {"key": "k", "value": "4"}]},
    {"name": "e-dataset", "extras": [{"key": "k", "value": "1"}, {"key": "k", "value": "2", "deleted": "on"}]},
    {"name": "f-dataset", "extras": [{"key": "k", "value": [{"x": 1}]}, {"key": "k", "value": "2"}]},
    {"name": "g-dataset", "extras": [{"key": "k", "value": "1", "deleted": ""}, {"value": "2"}, {"key": "k"}]},
]


@pytest.mark.usefixtures("clean_db", "with_request_context")
@pytest.mark.parametrize("data", DATASETS)
def test_ckan_s_dataset_schemas_are_validated_as_ckan_validates_them(data: dict[str, Any]) -> None:
    factories.Dataset(name="taken-name", owner_org=factories.Organization()["id"])
    navl = CatalogueNavl()
    for schema in (default_create_package_schema(), default_show_package_schema()):
        expected = _outcome(validate, data, schema)
        assert _outcome(navl.validate, data, schema) == expected
        assert _outcome(navl.validate, data, schema) == expected


@pytest.mark.usefixtures("clean_db", "with_request_context")
def test_a_name_in_use_is_refused_as_ckan_refuses_it() -> None:
    factories.Dataset(name="taken-name", owner_org=factories.Organization()["id"])
    schema = default_create_package_schema()
    data = {"name": "taken-name", "title": "T"}
    expected = _outcome(validate, data, schema)
    assert expected[0] == "returned" and "name" in expected[1][1]
    assert _outcome(CatalogueNavl().validate, data, schema) == expected


def test_missing_values_are_filled_as_ckan_fills_them() -> None:
    schema = {"a": [lambda value: value], "b": {"c": [lambda value: value]}}
    data = {"b": [{}]}
    assert validate(copy.deepcopy(data), schema, {})[0] == CatalogueNavl().validate(data, schema, {})[0]
    assert CatalogueNavl().validate({}, schema, {})[0] == {"a": missing}


FLAT = [
    {("name",): "a", ("tags", 0, "name"): "x", ("tags", 1, "name"): "y", ("extras", 0, "key"): "k"},
    {("tags", 2, "name"): "z", ("tags", 0, "name"): "x", ("a",): 1},  # index 1 skipped
    {("r", 3, "s", 1, "t"): 1, ("r", 0, "u"): 2, ("r", 3, "v"): 3},
    {},
]


@pytest.mark.parametrize("flat", FLAT)
def test_unflatten_answers_as_ckan_s(flat: dict[Any, Any]) -> None:
    navl = CatalogueNavl()
    assert navl.unflatten(flat) == unflatten(flat)
    assert navl.unflatten(flat) == unflatten(flat)  # from the kept key order
