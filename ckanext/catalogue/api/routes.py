"""Which routes and methods each dialect blueprint serves: recorded as the
routes are declared, read by the HTTP layer (405s) and the tests that keep
the OpenAPI document and the authorization matrix complete."""
from __future__ import annotations

# Blueprint name -> {rule -> methods served}, recorded by catalogue_api_route.
CATALOGUE_API_METHODS: dict[str, dict[str, tuple[str, ...]]] = {}

