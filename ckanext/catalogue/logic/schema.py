"""Validation schemas of the catalogue actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator, ValidatorFactory

from ckanext.catalogue.roles import CATALOGUE_ROLES


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
