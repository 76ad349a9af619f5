"""Actions of the catalogue core (registered by the plugin's blanket)."""
from ckanext.catalogue.logic.action.role import (
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
