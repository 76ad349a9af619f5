"""Signed URLs: links that carry their own permission, as a blob store's
do (an iTwin library document's ``fileUrl``). A signature names what the
link allows (a purpose and the ids it is about), for which user and until
when; it is made with CKAN's ``SECRET_KEY``, so nothing is stored and a
changed key revokes every link."""
from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence

from flask import request

import ckan.plugins.toolkit as tk
from ckan import model

# Query arguments of a signed link.
USER, EXPIRES, SIGNATURE = "su", "se", "sig"


def _signature(purpose: str, ids: Sequence[str], user: str, expires: int) -> str:
    # A key of its own, derived from the site's: a signed link can never
    # pass for a session cookie or an API token, nor the other way round.
    key = hmac.new(str(tk.config.get("SECRET_KEY") or "").encode(), b"ckanext-catalogue signed url",
                   hashlib.sha256).digest()
    message = "\n".join((purpose, *ids, user, str(expires))).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def catalogue_signed_args(purpose: str, ids: Sequence[str], user: str, lifetime: int) -> dict[str, str]:
    """The query arguments that let ``user``'s link do ``purpose`` on
    ``ids`` for ``lifetime`` seconds."""
    expires = int(time.time()) + lifetime
    return {USER: user, EXPIRES: str(expires), SIGNATURE: _signature(purpose, ids, user, expires)}


def catalogue_signed_user(purpose: str, ids: Sequence[str]) -> str | None:
    """The user this request's link was signed for, when its signature is
    right for ``purpose`` and ``ids`` and it has not expired; None otherwise."""
    user, expires, signature = (request.args.get(k, "") for k in (USER, EXPIRES, SIGNATURE))
    if not (user and expires.isascii() and expires.isdigit() and len(expires) <= 12 and signature):
        return None
    if int(expires) < time.time():
        return None
    if not hmac.compare_digest(signature, _signature(purpose, ids, user, int(expires))):
        return None
    found = model.User.get(user)
    # A user removed or blocked since the link was made lost it with their access.
    return user if found is not None and found.state == "active" else None
