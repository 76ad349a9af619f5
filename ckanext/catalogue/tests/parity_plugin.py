"""A plugin the bulk writer's parity test loads: a dataset type with a field
of its own (``IDatasetForm``), and package hooks that leave a mark on what
they see (``after_dataset_create``) and on the search document
(``before_dataset_index``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context, Schema

PARITY_TYPE = "parity"
# Ids after_dataset_create saw, in order.
CREATED_SEEN: list[str] = []


# A code the field's validator refuses as validators that call an action
# do: with CKAN's ValidationError rather than navl's Invalid.
REFUSED_CODE = "refused-by-an-action"


def _refused_by_an_action(value: Any) -> Any:
    if value == REFUSED_CODE:
        raise tk.ValidationError({"parity_code": ["Refused by an action"]})
    return value


class CatalogueParityFormPlugin(p.SingletonPlugin, tk.DefaultDatasetForm):
    p.implements(p.IDatasetForm)
    p.implements(p.IPackageController, inherit=True)

    def package_types(self) -> list[str]:
        return [PARITY_TYPE]

    def is_fallback(self) -> bool:
        return False

    def _with_code(self, schema: Schema) -> Schema:
        schema["parity_code"] = [tk.get_validator("not_empty"), tk.get_validator("unicode_safe"),
                                 _refused_by_an_action, tk.get_converter("convert_to_extras")]
        return schema

    def create_package_schema(self) -> Schema:
        return self._with_code(super().create_package_schema())

    def update_package_schema(self) -> Schema:
        return self._with_code(super().update_package_schema())

    def show_package_schema(self) -> Schema:
        schema = super().show_package_schema()
        schema["parity_code"] = [tk.get_converter("convert_from_extras"), tk.get_validator("ignore_missing")]
        return schema

    def after_dataset_create(self, context: Context, pkg_dict: dict[str, Any]) -> None:
        CREATED_SEEN.append(pkg_dict["id"])

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        pkg_dict["extras_parity_hook"] = f"indexed {pkg_dict['name']}"
        return pkg_dict
