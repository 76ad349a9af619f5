"""Authorization matrix rows of the iTwin library API's writes: each works on
a fresh (private, as library objects are) catalog, component, category or
manufacturer of ``home``, or a weblink or document of a fresh component, or
creates one there. The library kinds' write rule is the organization's: its
editors and admins, Catalogue-Admins and Managers, sysadmins. Scoped tokens
identify nobody here (they are IUDX's and the action API's). A document's
signed file link is a capability, as a blob store's: whoever holds it
uploads that one file."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from ckanext.catalogue.api.signed_urls import catalogue_signed_args
from ckanext.catalogue.library.attachments import UPLOAD_LINK
from ckanext.catalogue.library.kinds import CATALOG, CATEGORY, COMPONENT, MANUFACTURER
from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.security.authz import ROLES, WRITERS, People, Row, Write

BASE = "/library/catalogs"
LIBRARY_WRITERS = WRITERS - {"scoped"}
KINDS = {"catalogs": CATALOG, "components": COMPONENT, "categories": CATEGORY, "manufacturers": MANUFACTURER}


def _catalog(people: People, suffix: str) -> str:
    """A fresh library catalog of ``home``, made by its admin."""
    return catalogue_call(people.names["admin"], "catalogue_item_create", kind=CATALOG,
                          organization=people.home, doc={"displayName": f"Catalog {suffix}"})["id"]


def _create(people: People, suffix: str) -> Write:
    # Named organization: Catalogue-Admins and sysadmins belong to none (or to
    # several), so the core could not pick one for them.
    return Write("POST", f"{BASE}?organization={people.home}", {"displayName": f"New {suffix}",
                                                                 "hashtags": ["door"]})


def _on_catalog(method: str, body: Callable[[str], dict[str, Any]] | None = None
                ) -> Callable[[People, str], Write]:
    """A write on a fresh catalog of ``home``; ``body(suffix)`` is sent."""
    def setup(people: People, suffix: str) -> Write:
        return Write(method, f"{BASE}/{_catalog(people, suffix)}", body(suffix) if body else None)
    return setup


def _object(people: People, many: str, suffix: str) -> str:
    """A fresh library object of ``home``, made by its admin."""
    return catalogue_call(people.names["admin"], "catalogue_item_create", kind=KINDS[many],
                          organization=people.home, doc={"displayName": f"Object {suffix}"})["id"]


def _create_object(many: str) -> Callable[[People, str], Write]:
    def setup(people: People, suffix: str) -> Write:
        return Write("POST", f"/library/{many}?organization={people.home}", {"displayName": f"New {suffix}"})
    return setup


def _on_object(many: str, method: str) -> Callable[[People, str], Write]:
    def setup(people: People, suffix: str) -> Write:
        body = {"displayName": f"Replaced {suffix}"} if method == "PUT" else None
        return Write(method, f"/library/{many}/{_object(people, many, suffix)}", body)
    return setup


def _attachment(people: People, component: str, path: str, suffix: str) -> dict[str, Any]:
    role, body = ("weblink", {"name": _short(f"Link {suffix}"), "url": "https://example.org/"}) if path == "weblinks" else (
        "document", {"name": f"Drawing {suffix}", "properties": {"extension": "rfa", "purpose": "Design"}})
    return catalogue_call(people.names["admin"], "catalogue_item_resource_create", id=component, role=role, **body)


def _short(name: str) -> str:
    """A unique name within a weblink's 50 characters."""
    return f"Link {hashlib.sha256(name.encode()).hexdigest()[:16]}"


_ATTACHMENT_BODIES = {"weblinks": lambda s: {"displayName": _short(s), "uri": "https://example.org/"},
                      "documents": lambda s: {"displayName": f"Drawing {s}", "extension": "rfa",
                                              "purpose": "Design"}}


def _create_attachment(path: str) -> Callable[[People, str], Write]:
    def setup(people: People, suffix: str) -> Write:
        component = _object(people, "components", suffix)
        return Write("POST", f"/library/components/{component}/{path}", _ATTACHMENT_BODIES[path](suffix))
    return setup


def _on_attachment(path: str, method: str) -> Callable[[People, str], Write]:
    def setup(people: People, suffix: str) -> Write:
        component = _object(people, "components", suffix)
        attachment = _attachment(people, component, path, suffix)["id"]
        body = _ATTACHMENT_BODIES[path](f"{suffix}-2") if method == "PUT" else None
        return Write(method, f"/library/components/{component}/{path}/{attachment}", body)
    return setup


def _upload(people: People, suffix: str) -> Write:
    """A fresh document's upload link, signed for its creator as the API signs it."""
    component = _object(people, "components", suffix)
    document = _attachment(people, component, "documents", suffix)["id"]
    args = catalogue_signed_args(UPLOAD_LINK, (component, document), people.names["admin"], 600)
    return Write("PUT", f"/library/components/{component}/documents/{document}/file?{urlencode(args)}",
                 data=b"design bytes", headers={"x-ms-blob-type": "BlockBlob"})


ROWS: dict[tuple[str, str], Row] = {
    ("POST", BASE): Row(LIBRARY_WRITERS, _create),
    ("PUT", f"{BASE}/<object_id>"): Row(LIBRARY_WRITERS, _on_catalog("PUT", lambda s: {
        "displayName": f"Replaced {s}"})),
    ("DELETE", f"{BASE}/<object_id>"): Row(LIBRARY_WRITERS, _on_catalog("DELETE")),
    **{(method, rule): Row(LIBRARY_WRITERS, setup) for many in ("components", "categories", "manufacturers")
       for method, rule, setup in (
           ("POST", f"/library/{many}", _create_object(many)),
           ("PUT", f"/library/{many}/<object_id>", _on_object(many, "PUT")),
           ("DELETE", f"/library/{many}/<object_id>", _on_object(many, "DELETE")))},
    **{(method, rule): Row(LIBRARY_WRITERS, setup) for path in ("weblinks", "documents")
       for method, rule, setup in (
           ("POST", f"/library/components/<component_id>/{path}", _create_attachment(path)),
           ("PUT", f"/library/components/<component_id>/{path}/<attachment_id>", _on_attachment(path, "PUT")),
           ("DELETE", f"/library/components/<component_id>/{path}/<attachment_id>",
            _on_attachment(path, "DELETE")))},
    # The link decides, whoever sends it; a scoped token sent along still
    # keeps the request to the token's own item.
    ("PUT", "/library/components/<component_id>/documents/<document_id>/file"): Row(
        frozenset(ROLES) - {"scoped"}, _upload),
}
