"""Auth functions of the catalogue core (registered by the plugin's blanket)."""
from ckanext.catalogue.logic.auth.role import (
    catalogue_role_grant,
    catalogue_role_list,
    catalogue_role_revoke,
    catalogue_role_show,
)

__all__ = [
    "catalogue_role_grant",
    "catalogue_role_revoke",
    "catalogue_role_list",
    "catalogue_role_show",
]
