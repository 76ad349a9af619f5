"""Signed URLs: links that carry their own permission, as a blob store's
do (an iTwin library document's ``fileUrl``). A signature names what the
link allows (a purpose and the ids it is about), for which user and until
when; it is made with CKAN's ``SECRET_KEY``, so nothing is stored and a
changed key revokes every link."""
from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Sequence

from flask import request

import ckan.plugins.toolkit as tk
from ckan import model

# Query arguments of a signed link: the user's id (a name may be freed and
# taken by someone else while the link lives), the expiry, the signature.
USER, EXPIRES, SIGNATURE = "su", "se", "sig"
_HEX_SIGNATURE = re.compile(r"[0-9a-f]{64}")


def _signature(purpose: str, ids: Sequence[str], user: str, expires: int) -> str:
    secret = str(tk.config.get("SECRET_KEY") or "")
    if not secret:  # a key anyone could compute signs nothing
        raise RuntimeError("SECRET_KEY is not set: signed links cannot be made or checked")
    # A key of its own, derived from the site's: a signed link can never
    # pass for a session cookie or an API token, nor the other way round.
    key = hmac.new(secret.encode(), b"ckanext-catalogue signed url", hashlib.sha256).digest()
    message = "\n".join((purpose, *ids, user, str(expires))).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def catalogue_signed_args(purpose: str, ids: Sequence[str], user: str, lifetime: int) -> dict[str, str]:
    """The query arguments that let the link of ``user`` (a name or id) do
    ``purpose`` on ``ids`` for ``lifetime`` seconds."""
    found = model.User.get(user)
    if found is None:
        raise ValueError(f"No user {user}")
    expires = int(time.time()) + lifetime
    return {USER: found.id, EXPIRES: str(expires), SIGNATURE: _signature(purpose, ids, found.id, expires)}


def catalogue_signed_user(purpose: str, ids: Sequence[str]) -> str | None:
    """The name of the user this request's link was signed for, when its
    signature is right for ``purpose`` and ``ids`` and it has not expired;
    None otherwise."""
    user, expires, signature = (request.args.get(k, "") for k in (USER, EXPIRES, SIGNATURE))
    if not (user and expires.isascii() and expires.isdigit() and len(expires) <= 12
            and _HEX_SIGNATURE.fullmatch(signature)):
        return None
    if int(expires) < time.time():
        return None
    if not hmac.compare_digest(signature, _signature(purpose, ids, user, int(expires))):
        return None
    found = model.Session.get(model.User, user)
    # A user removed or blocked since the link was made lost it with their access.
    return found.name if found is not None and found.state == "active" else None
