"""Auth functions of the catalogue core (registered by the plugin's blanket)."""
from ckanext.catalogue.logic.auth.group import (
    catalogue_group_create,
    catalogue_group_delete,
    catalogue_group_list,
    catalogue_group_patch,
    catalogue_group_purge,
    catalogue_group_show,
    catalogue_group_update,
)
from ckanext.catalogue.logic.auth.role import (
    catalogue_role_grant,
    catalogue_role_list,
    catalogue_role_revoke,
    catalogue_role_show,
)

__all__ = [
    "catalogue_group_list",
    "catalogue_group_show",
    "catalogue_group_create",
    "catalogue_group_update",
    "catalogue_group_patch",
    "catalogue_group_delete",
    "catalogue_group_purge",
    "catalogue_role_grant",
    "catalogue_role_revoke",
    "catalogue_role_list",
    "catalogue_role_show",
]
