"""Validation schemas of the catalogue actions."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args
from ckan.types import Context, DataDict, Schema, Validator, ValidatorFactory

from ckanext.catalogue.logic.validators import catalogue_name
from ckanext.catalogue.roles import CATALOGUE_ROLES

CATALOGUE_GROUP_KINDS = ["group", "organization"]


def catalogue_validate(data_dict: DataDict, schema: Schema, context: Context) -> dict[str, Any]:
    """Validated data, or ValidationError naming every bad field."""
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data

# Fields a group or organization carries through the catalogue APIs; a full
# replace (update) clears every one of them that the request leaves out.
CATALOGUE_GROUP_FIELDS = ("title", "description", "image_url", "extras")


@validator_args
def catalogue_role_grant_schema(
    not_empty: Validator, unicode_safe: Validator, user_id_or_name_exists: Validator, one_of: ValidatorFactory
) -> Schema:
    return {
        "user": [not_empty, unicode_safe, user_id_or_name_exists],
        "role": [not_empty, unicode_safe, one_of(list(CATALOGUE_ROLES))],
    }


@validator_args
def catalogue_role_show_schema(not_empty: Validator, unicode_safe: Validator, user_id_or_name_exists: Validator) -> Schema:
    return {"user": [not_empty, unicode_safe, user_id_or_name_exists]}


@validator_args
def catalogue_role_list_schema(
    ignore_missing: Validator, unicode_safe: Validator, one_of: ValidatorFactory,
    natural_number_validator: Validator, int_validator: Validator, default: ValidatorFactory,
) -> Schema:
    return {
        "role": [ignore_missing, unicode_safe, one_of(list(CATALOGUE_ROLES))],
        "limit": [default(100), int_validator, natural_number_validator],
        "offset": [default(0), int_validator, natural_number_validator],
    }


@validator_args
def catalogue_group_kind_schema(default: ValidatorFactory, one_of: ValidatorFactory, unicode_safe: Validator) -> Schema:
    return {"kind": [default("group"), unicode_safe, one_of(CATALOGUE_GROUP_KINDS)]}


@validator_args
def catalogue_group_create_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator, url_validator: Validator,
    default: ValidatorFactory, one_of: ValidatorFactory, not_missing: Validator, keep_extras: Validator,
) -> Schema:
    return {
        "kind": [default("group"), unicode_safe, one_of(CATALOGUE_GROUP_KINDS)],
        "name": [not_missing, not_empty, unicode_safe, catalogue_name],
        "id": [ignore_missing, unicode_safe],
        "title": [ignore_missing, unicode_safe],
        "description": [ignore_missing, unicode_safe],
        "image_url": [ignore_missing, unicode_safe],
        "state": [ignore_missing, unicode_safe, one_of(["active", "deleted"])],
        "extras": {"key": [not_empty, unicode_safe], "value": [not_missing], "deleted": [ignore_missing]},
        "__extras": [keep_extras],
    }


@validator_args
def catalogue_group_update_schema(not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    schema = catalogue_group_create_schema()
    schema["id"] = [not_empty, unicode_safe]
    schema["name"] = [ignore_missing, unicode_safe, catalogue_name]
    return schema


@validator_args
def catalogue_group_list_schema(
    default: ValidatorFactory, one_of: ValidatorFactory, unicode_safe: Validator, int_validator: Validator,
    natural_number_validator: Validator, boolean_validator: Validator,
) -> Schema:
    return {
        "kind": [default("group"), unicode_safe, one_of(CATALOGUE_GROUP_KINDS)],
        "limit": [default(10), int_validator, natural_number_validator],
        "offset": [default(0), int_validator, natural_number_validator],
        "count": [default(False), boolean_validator],
    }
