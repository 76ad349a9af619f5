"""Errors of the catalogue core that dialects translate to their own shapes.

Each carries a ``code`` naming the rule that failed, so a dialect can pick
its own error type (IUDX's ``urn:dx:cat:LinkValidationFailed``...) without
parsing messages.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

CODE_INVALID = "invalid"                # a field fails its schema
CODE_INVALID_ID = "invalid_id"          # a malformed id
CODE_LINK = "link"                      # a parent or link does not exist or does not fit
CODE_EXISTS = "exists"                  # the id (or a named kind's name) already used
CODE_TAKEN = "taken"                    # a value the kind keeps unique already used
CODE_NOT_ALLOWED = "not_allowed"        # a well-formed request the state forbids
CODE_IMMUTABLE = "immutable"            # an update tried to change a fixed field
CODE_BAD_QUERY = "bad_query"            # a search the search engine cannot run
CODE_PRECONDITION = "precondition"      # If-Match named another version of the item


class CatalogueInvalid(tk.ValidationError):
    """A request the core refuses before storing anything (400)."""

    code = CODE_INVALID

    def __init__(self, error_dict: dict[str, Any], code: str | None = None) -> None:
        # CKAN's ValidationError rewrites a ``tags`` key in its own format;
        # document fields keep their plain messages.
        super().__init__({})
        self.error_dict = error_dict
        if code:
            self.code = code


class CataloguePreconditionFailed(CatalogueInvalid):
    """The item changed since the version the client named (412)."""

    code = CODE_PRECONDITION


class CatalogueConflict(CatalogueInvalid):
    """The request clashes with the current state (a name taken, datasets
    still owned): 409 in every dialect, a ValidationError to CKAN's API."""

    code = CODE_EXISTS


class CatalogueResourceNotFound(tk.ObjectNotFound):
    """An item's resource that is not there (its item is): a dialect tells
    the two apart (the iTwin API's ComponentNotFound and WebLinkNotFound)."""
