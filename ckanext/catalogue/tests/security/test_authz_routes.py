"""The authorization matrix of the dialect APIs: every role against every
write route of every dialect (Global Catalog, IUDX, gCat, library,
software), from one table joined from a module per dialect. A write route
without a row fails the test, so no new endpoint goes unchecked."""
from __future__ import annotations

import pytest

from ckanext.catalogue.api.routes import CATALOGUE_API_METHODS
from ckanext.catalogue.tests.security import (
    authz_routes_gcat,
    authz_routes_globalcatalog,
    authz_routes_iudx,
    authz_routes_library,
    authz_routes_software,
)
from ckanext.catalogue.tests.security.authz import People, Row, run_row

# One empty database per module (the people fixture); the rows make their own objects.
pytestmark = pytest.mark.usefixtures("with_plugins")

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ROUTES: dict[tuple[str, str], Row] = {
    **authz_routes_gcat.ROWS, **authz_routes_globalcatalog.ROWS, **authz_routes_iudx.ROWS,
    **authz_routes_library.ROWS, **authz_routes_software.ROWS,
}


def test_every_write_route_has_a_row(app):
    # CATALOGUE_API_METHODS is filled as the dialect blueprints register (app).
    routes = {(method, rule) for rules in CATALOGUE_API_METHODS.values() for rule, methods in rules.items()
              for method in methods if method in WRITE_METHODS}
    assert routes, "no dialect routes registered"
    assert routes - set(ROUTES) == set(), "write routes without a row in ROUTES"
    assert set(ROUTES) - routes == set(), "rows for routes that do not exist"


@pytest.mark.ckan_config("ckanext.catalogue.moderation", "true")
@pytest.mark.parametrize("route", sorted(ROUTES), ids=" ".join)
def test_each_role_may_make_exactly_the_writes_its_row_allows(app, people: People, route: tuple[str, str]):
    name = "-".join(part.strip("<>").split(":")[-1] for part in route[1].split("/")[2:] if part)[:40]
    assert run_row(app, people, ROUTES[route], f"{route[0].lower()}-{name}") == []
