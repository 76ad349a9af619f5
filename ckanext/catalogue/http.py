"""HTTP helpers shared by the dialect blueprints."""
from __future__ import annotations

from typing import Iterable, Optional

from flask import request

from ckan.common import current_user
from ckan.lib import api_token


class CatalogueBadCredentials(Exception):
    """A credential was sent and is not valid (401 in every dialect)."""


def catalogue_request_user(token_headers: Iterable[str] = ()) -> Optional[str]:
    """Name of the user behind this request, or None for anonymous.

    Accepts CKAN's own identification (session, ``Authorization: <token>``),
    ``Authorization: Bearer <token>`` and any extra header a dialect names
    (gCat's ``gcube-token``). A token that is sent but unknown raises
    CatalogueBadCredentials instead of silently falling back to anonymous.
    """
    candidates = []
    auth = request.headers.get("Authorization", "").strip()
    if auth:
        scheme, _, rest = auth.partition(" ")
        candidates.append(rest.strip() if scheme.lower() == "bearer" and rest else auth)
    candidates += [request.headers[h].strip() for h in token_headers if request.headers.get(h, "").strip()]
    if not candidates:
        return current_user.name if current_user.is_authenticated else None  # type: ignore[attr-defined]
    for token in candidates:
        user = api_token.get_user_from_token(token)
        if user is not None and user.state == "active":
            return user.name
    raise CatalogueBadCredentials()
