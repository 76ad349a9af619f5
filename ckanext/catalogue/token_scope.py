"""Scoped API tokens: CKAN API tokens that only allow writes inside one
item's subtree, until they expire (IUDX's create-catalogue token).

The scope travels as a claim of the token itself (added through
IApiToken), so no lookup is needed to enforce it.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from flask import has_request_context, request

from ckan.lib import api_token

SCOPE_CLAIM = "catalogue_scope"
EXPIRES_FIELD = "catalogue_expires_at"
# Headers besides Authorization that carry a token in the catalogue's dialects.
TOKEN_HEADERS = ("token", "gcube-token")


def catalogue_request_scope() -> Optional[str]:
    """Item id the current request's token is limited to, or None."""
    if not has_request_context():
        return None
    from ckanext.catalogue.http import catalogue_request_tokens

    for token in catalogue_request_tokens(TOKEN_HEADERS):
        data = api_token.decode(token)
        if data and data.get(SCOPE_CLAIM):
            return str(data[SCOPE_CLAIM])
    return None


def catalogue_scope_allowed_here() -> bool:
    """Scoped tokens work on the item actions (moderation excluded) and the IUDX API only."""
    if not has_request_context():
        return True
    endpoint = request.endpoint or ""
    if endpoint.startswith("catalogue_iudx."):
        return True
    if endpoint == "api.action":
        function = (request.view_args or {}).get("logic_function", "")
        return function.startswith("catalogue_item_") and function != "catalogue_item_moderate"
    return False


def catalogue_add_scope_claims(data: dict[str, Any], data_dict: Mapping[str, Any]) -> dict[str, Any]:
    if data_dict.get(SCOPE_CLAIM):
        data[SCOPE_CLAIM] = data_dict[SCOPE_CLAIM]
    if data_dict.get(EXPIRES_FIELD):
        data["exp"] = int(data_dict[EXPIRES_FIELD])
    return data
