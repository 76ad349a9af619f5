"""Who sees software catalogs outside the software API too (package_search,
package_show, datastore_search): signed-in users, and anonymous callers
only with ``ckanext.catalogue.software.anonymous_read``. Enforced with
CKAN's permission labels, decided per request, so switching the option
needs no reindex."""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.catalogue.config import catalogue_software_anonymous_read
from ckanext.catalogue.core.document import EXTRA_KIND
from ckanext.catalogue.software.kinds import CATALOG

READERS_LABEL = "catalogue-software-readers"


def catalogue_is_software_catalog(pkg: model.Package) -> bool:
    return (pkg.extras or {}).get(EXTRA_KIND) == CATALOG


def _anonymous_read() -> bool:
    return catalogue_software_anonymous_read()


def catalogue_software_dataset_labels(pkg: model.Package, labels: list[str]) -> list[str]:
    if not catalogue_is_software_catalog(pkg):
        return labels
    return [READERS_LABEL if label == "public" else label for label in labels]


def catalogue_software_user_labels(user: Any, labels: list[str]) -> list[str]:
    if getattr(user, "name", None) or _anonymous_read():
        return [*labels, READERS_LABEL]
    return labels


def catalogue_software_may_read(pkg: model.Package, user_name: str | None) -> bool:
    return not catalogue_is_software_catalog(pkg) or bool(user_name) or _anonymous_read()
