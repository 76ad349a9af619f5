"""The item kinds and their profiles: public, as a catalogue's schema is."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["catalogue_kind_list", "catalogue_kind_show"]


@tk.auth_allow_anonymous_access
def catalogue_kind_list(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


@tk.auth_allow_anonymous_access
def catalogue_kind_show(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}
