"""Scoped API tokens: CKAN API tokens that only allow writes inside one
item's subtree, until they expire (IUDX's create-catalogue token).

The scope travels as a claim of the token itself (added through
IApiToken), so no lookup is needed to enforce it.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from flask import has_request_context, request

from ckan.lib import api_token

from ckanext.catalogue.config import catalogue_scoped_token_max_lifetime
from ckanext.catalogue.interfaces import catalogue_dialects, catalogue_token_headers

SCOPE_CLAIM = "catalogue_scope"
EXPIRES_FIELD = "catalogue_expires_at"


def catalogue_request_tokens(token_headers: Iterable[str] = ()) -> list[str]:
    """API tokens sent with this request: ``Authorization`` (raw,
    ``Bearer`` or ``Token``) first, then the extra headers named."""
    candidates: list[str] = []
    auth = request.headers.get("Authorization", "").strip()
    if auth:
        scheme, _, rest = auth.partition(" ")
        # "Bearer <token>" (gCat, Global Catalog) and "Token <token>" (Waldur).
        candidates.append(rest.strip() if scheme.lower() in ("bearer", "token") and rest else auth)
    candidates += [request.headers[h].strip() for h in token_headers if request.headers.get(h, "").strip()]
    return candidates


def catalogue_request_scope() -> str | None:
    """Item id the current request's token is limited to, or None."""
    if not has_request_context():
        return None
    for token in catalogue_request_tokens(catalogue_token_headers()):
        data = api_token.decode(token)
        if data and data.get(SCOPE_CLAIM):
            return str(data[SCOPE_CLAIM])
    return None


# The writes a scoped token may make (and the check of a create): each
# one's auth checks that the item (or the new item's parent) lies inside
# the token's subtree.
CATALOGUE_SCOPED_ACTIONS = frozenset((
    "catalogue_item_create", "catalogue_item_validate", "catalogue_item_bulk_create", "catalogue_item_update", "catalogue_item_patch",
    "catalogue_item_delete", "catalogue_item_purge", "catalogue_item_restore", "catalogue_item_visibility_update",
    "catalogue_item_artifact_upload", "catalogue_item_artifact_delete", "catalogue_item_resource_create",
    "catalogue_item_resource_update", "catalogue_item_resource_delete",
))
_WRITES = ("POST", "PUT", "PATCH", "DELETE")


def catalogue_scope_allowed_here() -> bool:
    """Scoped tokens make the item writes above, through the action API and
    IUDX's item routes, and nothing else: no read, no global action (for
    anything else the token identifies nobody)."""
    if not has_request_context():
        return True
    endpoint = request.endpoint or ""
    # A dialect's own scoped routes (IUDX's item and instance writes).
    if any(endpoint in d.scoped_endpoints for d in catalogue_dialects()):
        return request.method in _WRITES
    if endpoint == "api.action":
        return (request.view_args or {}).get("logic_function", "") in CATALOGUE_SCOPED_ACTIONS
    return False


def catalogue_add_scope_claims(data: dict[str, Any], data_dict: Mapping[str, Any]) -> dict[str, Any]:
    if data_dict.get(SCOPE_CLAIM):
        data[SCOPE_CLAIM] = data_dict[SCOPE_CLAIM]
    if data_dict.get(EXPIRES_FIELD):
        # CKAN's own api_token_create takes the field too: never past the cap.
        longest = int(time.time()) + catalogue_scoped_token_max_lifetime()
        data["exp"] = min(int(data_dict[EXPIRES_FIELD]), longest)
    return data
