"""What the item benchmarks share: the site user's context, and an IUDX
chain (owner, COS, resource server, provider) to put items under."""
from __future__ import annotations

from typing import Any


def bench_context() -> dict[str, Any]:
    """A context of the site user (a sysadmin), fresh for each action call."""
    import ckan.plugins.toolkit as tk

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return {"user": site, "ignore_auth": True}


def bench_create(doc: dict[str, Any]) -> str:
    import ckan.plugins.toolkit as tk

    return tk.get_action("catalogue_item_create")(bench_context(), {"doc": doc})["id"]


def bench_provider_chain(prefix: str) -> tuple[str, str, str]:
    """(owner, resource server, provider) ids of a new IUDX chain named
    ``<prefix>-...`` (purging the owner with cascade removes it all)."""
    from ckanext.catalogue.tests import iudx_samples as s

    owner = bench_create(s.owner(f"{prefix}-owner"))
    cos = bench_create(s.cos(owner, f"{prefix}-cos.example.org"))
    rs = bench_create(s.resource_server(cos, f"{prefix}-rs"))
    return owner, rs, bench_create(s.provider(rs, f"{prefix}-provider"))
