"""Who may rate items and read ratings: any signed-in user rates (their own
rating only: the actions address the caller's); anyone reads. Each action
then finds the item only for a caller who may read it."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["catalogue_rating_create", "catalogue_rating_show", "catalogue_rating_update",
           "catalogue_rating_delete", "catalogue_rating_list", "catalogue_rating_average"]


def catalogue_rating_create(context: Context, data_dict: DataDict) -> AuthResult:
    if not context.get("user"):
        return {"success": False, "msg": tk._("Sign in to rate items")}
    return {"success": True}


# One's own rating: the same rule for each step.
catalogue_rating_show = catalogue_rating_update = catalogue_rating_delete = catalogue_rating_create


@tk.auth_allow_anonymous_access
def catalogue_rating_list(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


catalogue_rating_average = catalogue_rating_list
