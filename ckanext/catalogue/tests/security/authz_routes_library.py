"""Authorization matrix rows of the iTwin library API's writes: each works on
a fresh (private, as library catalogs are) catalog of ``home``, or creates
one there. The library kind's write rule is the organization's: its editors
and admins, Catalogue-Admins and Managers, sysadmins. Scoped tokens identify
nobody here (they are IUDX's and the action API's)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.catalogue.library.kinds import CATALOG
from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.security.authz import WRITERS, People, Row, Write

BASE = "/library/catalogs"
LIBRARY_WRITERS = WRITERS - {"scoped"}


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


ROWS: dict[tuple[str, str], Row] = {
    ("POST", BASE): Row(LIBRARY_WRITERS, _create),
    ("PUT", f"{BASE}/<catalog_id>"): Row(LIBRARY_WRITERS, _on_catalog("PUT", lambda s: {
        "displayName": f"Replaced {s}"})),
    ("DELETE", f"{BASE}/<catalog_id>"): Row(LIBRARY_WRITERS, _on_catalog("DELETE")),
}
