"""Filters and orderings of the software collections (Waldur's filter
sets), as SQL on SoftwareQuery's row aliases: packages ``p``, versions
``v``, targets ``t``. Values are always bound parameters."""
from __future__ import annotations

import datetime
import uuid as uuidlib
from collections.abc import Callable
from typing import Any, cast

import ckan.plugins.toolkit as tk

from ckanext.catalogue.software.loaders.base import CATALOG_TYPES
from ckanext.catalogue.software.store import PACKAGES, TARGETS, VERSIONS, SoftwareQuery

CPU = "'cpu_architecture'"


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Each filter: (value type, SQL builder (query, value) -> clause).
Builder = Callable[[SoftwareQuery, Any], str]


def _contains(column: str) -> Builder:
    return lambda q, v: f"{column} ILIKE {q.param(_like(v))}"


def _equals(column: str) -> Builder:
    return lambda q, v: f"{column} = {q.param(v)}"


def _in_array(column: str) -> Builder:
    return lambda q, v: f"{q.param(v)} = ANY({column})"


def _cpu(owner: str, column: str, exact: bool = True) -> Builder:
    # A list of values: any of them.
    def build(q: SoftwareQuery, values: list[str]) -> str:
        if owner == "t":
            return (f"(t.target_type = {CPU} AND lower(t.{column}) = ANY({q.param([v.lower() for v in values])}))")
        link = "x.package_uuid = p.uuid" if owner == "p" else "x.version_uuid = v.uuid"
        return (f"EXISTS (SELECT 1 FROM {{T}} x WHERE {link} AND x.target_type = {CPU} "
                f"AND x.{column} = ANY({q.param(values)}))")
    return build


def _gpu(owner: str) -> Builder:
    def build(q: SoftwareQuery, value: bool) -> str:
        if owner == "t":
            return ("coalesce(cardinality(t.gpu_architectures), 0) > 0" if value
                    else "coalesce(cardinality(t.gpu_architectures), 0) = 0")
        link = "x.package_uuid = p.uuid" if owner == "p" else "x.version_uuid = v.uuid"
        found = f"EXISTS (SELECT 1 FROM {{T}} x WHERE {link} AND coalesce(cardinality(x.gpu_architectures), 0) > 0)"
        return found if value else f"NOT {found}"
    return build


def _gpu_arch(owner: str) -> Builder:
    def build(q: SoftwareQuery, value: str) -> str:
        if owner == "t":
            return f"{q.param(value)} = ANY(t.gpu_architectures)"
        link = "x.package_uuid = p.uuid" if owner == "p" else "x.version_uuid = v.uuid"
        return f"EXISTS (SELECT 1 FROM {{T}} x WHERE {link} AND {q.param(value)} = ANY(x.gpu_architectures))"
    return build


def _version_meta(owner: str, sql: str) -> Builder:
    """A condition on version metadata (``{m}`` is the metadata as jsonb,
    ``{x}`` the bound value)."""
    def build(q: SoftwareQuery, value: str) -> str:
        cond = sql.replace("{x}", q.param(value))
        if owner == "v":
            return cond.replace("{m}", "v.metadata::jsonb")
        return (f"EXISTS (SELECT 1 FROM {{V}} x WHERE x.package_uuid = p.uuid AND "
                f"{cond.replace('{m}', 'x.metadata::jsonb')})")
    return build


def _never(q: SoftwareQuery, value: Any) -> str:
    # No offerings live in this catalogue: a filter on one matches nothing.
    return "false"


TOOLCHAIN_FAMILY = "{m} -> 'toolchain_families_compatibility' @> jsonb_build_array(CAST({x} AS text))"

FILTERS: dict[str, dict[str, tuple[str, Builder]]] = {
    PACKAGES: {
        "query": ("str", lambda q, v: (
            f"(p.name ILIKE {q.param(_like(v))} OR p.description ILIKE {q.param(_like(v))} OR EXISTS "
            f"(SELECT 1 FROM {{V}} x WHERE x.package_uuid = p.uuid AND x.version ILIKE {q.param(_like(v))}))")),
        "catalog_uuid": ("catalog", _never),  # scopes the catalogs instead (see catalogue_software_filter)
        "catalog_name": ("str", _contains("{CNAME}")),
        "catalog_version": ("str", _contains("{CVERSION}")),
        "catalog_type": ("catalog_type", _equals("{CTYPE}")),
        "name": ("str", _contains("p.name")),
        "name_exact": ("str", lambda q, v: f"lower(p.name) = lower({q.param(v)})"),
        "description": ("str", _contains("p.description")),
        "cpu_family": ("list", _cpu("p", "target_name")),
        "cpu_microarchitecture": ("list", _cpu("p", "target_subtype")),
        "has_version": ("str", lambda q, v: (
            f"EXISTS (SELECT 1 FROM {{V}} x WHERE x.package_uuid = p.uuid AND x.version = {q.param(v)})")),
        "extension_type": ("str", _version_meta(
            "p", "{m} -> 'extensions' @> jsonb_build_array(jsonb_build_object('type', CAST({x} AS text)))")),
        "extension_name": ("str", _version_meta(
            "p", "{m} -> 'extensions' @> jsonb_build_array(jsonb_build_object('name', CAST({x} AS text)))")),
        "is_extension": ("bool", _equals("p.is_extension")),
        "parent_software_uuid": ("uuid", _in_array("p.parent_uuids")),
        "category": ("str", _in_array("p.categories")),
        "license": ("str", _in_array("p.licenses")),
        "toolchain_families_compatibility": ("str", _version_meta("p", TOOLCHAIN_FAMILY)),
        "toolchain_name": ("str", _version_meta("p", "{m} -> 'toolchain' ->> 'name' = {x}")),
        "has_gpu": ("bool", _gpu("p")),
        "gpu_arch": ("str", _gpu_arch("p")),
        "offering_uuid": ("uuid", _never),
    },
    VERSIONS: {
        "package_uuid": ("uuid", _equals("v.package_uuid")),
        "catalog_uuid": ("catalog", _never),
        "package_name": ("str", _contains("p.name")),
        "version": ("str", _contains("v.version")),
        "version_exact": ("str", _equals("v.version")),
        "cpu_family": ("list", _cpu("v", "target_name")),
        "cpu_microarchitecture": ("list", _cpu("v", "target_subtype")),
        "toolchain_families_compatibility": ("str", _version_meta("v", TOOLCHAIN_FAMILY)),
        "toolchain_name": ("str", _version_meta("v", "{m} -> 'toolchain' ->> 'name' = {x}")),
        "toolchain_version": ("str", _version_meta("v", "{m} -> 'toolchain' ->> 'version' = {x}")),
        "release_date_after": ("date", lambda q, v: f"v.release_date >= {q.param(v)}"),
        "release_date_before": ("date", lambda q, v: f"v.release_date <= {q.param(v)}"),
        "catalog_type": ("catalog_type", _equals("{CTYPE}")),
        "has_gpu": ("bool", _gpu("v")),
        "gpu_arch": ("str", _gpu_arch("v")),
        "offering_uuid": ("uuid", _never),
    },
    TARGETS: {
        "version_uuid": ("uuid", _equals("t.version_uuid")),
        "package_uuid": ("uuid", _equals("t.package_uuid")),
        "catalog_uuid": ("catalog", _never),
        "cpu_family": ("list", _cpu("t", "target_name")),
        "cpu_microarchitecture": ("list", _cpu("t", "target_subtype")),
        "path": ("str", _contains("t.location")),
        "target_type": ("str", lambda q, v: f"lower(t.target_type) = lower({q.param(v)})"),
        "target_name": ("str", _contains("t.target_name")),
        "target_subtype": ("str", _contains("t.target_subtype")),
        "has_gpu": ("bool", _gpu("t")),
        "gpu_arch": ("str", _gpu_arch("t")),
        "offering_uuid": ("uuid", _never),
    },
}

# ``o`` values: column of the union, and the default order.
ORDERINGS: dict[str, dict[str, str]] = {
    PACKAGES: {"name": "u.name", "catalog_name": "u.catalog_name", "catalog_version": "u.catalog_version",
               "created": "u.created", "modified": "u.modified"},
    VERSIONS: {"version": "u.version", "package_name": "u.package_name", "release_date": "u.release_date",
               "created": "u.created"},
    TARGETS: {"cpu_family": "u.target_name", "cpu_microarchitecture": "u.target_subtype",
              "package_name": "u.package_name", "target_type": "u.target_type", "target_name": "u.target_name",
              "created": "u.created"},
}
DEFAULT_ORDER = {
    PACKAGES: ["u.name", "u.catalog_name", "u.catalog_version"],
    VERSIONS: ["u.package_name", "u.version", "u.module_version"],
    TARGETS: ["u.created DESC"],
}
CATALOG_FILTERS = ("name", "version", "catalog_type", "description", "auto_update_enabled")
CATALOG_ORDERINGS = {"name": "doc.name", "version": "doc.version", "catalog_type": "doc.catalog_type",
                     "created": "metadata_created", "modified": "metadata_modified"}


def catalogue_parse_value(kind: str, raw: Any) -> Any:
    """A query value of a filter's type; ValueError names what is wrong."""
    values = cast("list[Any]", raw) if isinstance(raw, list) else [raw]
    if not all(isinstance(v, str) for v in values) or not values:
        raise ValueError(tk._("Enter a text value."))
    if kind == "list":
        return [part for v in values for part in v.split(",") if part != ""]
    value = values[-1]
    if kind == "bool":
        lowered = value.lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise ValueError(tk._("Select a valid choice: true or false."))
    if kind in ("uuid", "catalog"):
        try:
            return uuidlib.UUID(value).hex
        except ValueError:
            raise ValueError(tk._("Enter a valid UUID.")) from None
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(tk._("Enter a valid date (YYYY-MM-DD).")) from None
    if kind == "catalog_type" and value not in CATALOG_TYPES:
        raise ValueError(tk._("Select a valid choice. {value} is not one of the available choices.").format(
            value=value))
    return value


def catalogue_parse_order(raw: Any, choices: dict[str, str]) -> list[tuple[str, bool]]:
    """``o``: names (repeated or comma-separated), ``-`` for descending.
    Returns ``(column, descending)`` pairs."""
    values = cast("list[Any]", raw) if isinstance(raw, list) else [raw]
    out: list[tuple[str, bool]] = []
    for value in values:
        if not isinstance(value, str):
            raise ValueError(tk._("Enter a text value."))
        for name in (v.strip() for v in value.split(",")):
            if not name:
                continue
            descending = name.startswith("-")
            if name.lstrip("-") not in choices:
                raise ValueError(tk._("Select a valid choice. {value} is not one of the available choices.")
                                 .format(value=name))
            out.append((name.lstrip("-"), descending))
    return [(choices[n], d) for n, d in out]
