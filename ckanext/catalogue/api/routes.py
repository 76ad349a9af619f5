"""Which routes and methods each dialect blueprint serves, and where its
OpenAPI fragment lies: filled as the blueprints register, read by the HTTP
layer (405s), the OpenAPI document and the tests that keep both complete."""
from __future__ import annotations

from pathlib import Path

# Blueprint name -> its fragment; only blueprints the running app has count.
CATALOGUE_API_FRAGMENTS: dict[str, Path] = {}
# Blueprint name -> {rule -> methods served}, recorded by catalogue_api_route.
CATALOGUE_API_METHODS: dict[str, dict[str, tuple[str, ...]]] = {}


def catalogue_register_openapi(blueprint: str, fragment: Path) -> None:
    CATALOGUE_API_FRAGMENTS[blueprint] = fragment
