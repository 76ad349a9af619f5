"""Every portal page of the catalogue, as every kind of user: starting
from the home page and the catalogue's pages, follow each catalogue link
found and check that no page answers 5xx (refusals are 403/404 pages),
and that each user's navigation leads to the pages they may use."""
from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.iudx import samples as s

# Pages under these prefixes are the catalogue's; the crawl follows them.
_OURS = ("/catalogue", "/catalogue-admin", "/globalcatalog/docs", "/catalogue-api")
_PAGE_LIMIT = 150


def _users() -> dict[str, dict[str, str] | None]:
    """Headers of one user per role (None: anonymous)."""
    found: dict[str, dict[str, str] | None] = {"anonymous": None}
    org_users = {}
    for role in ("member", "editor", "admin"):
        user = factories.UserWithToken()
        helpers.call_action("catalogue_role_grant", user=user["name"], role=f"Catalogue-{role.capitalize()}")
        org_users[role] = user
        found[role] = {"Authorization": user["token"]}
    factories.Organization(users=[{"name": u["name"], "capacity": role} for role, u in org_users.items()])
    found["sysadmin"] = {"Authorization": factories.SysadminWithToken()["token"]}
    return found


def _crawl(app, headers, starts: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(seen) < _PAGE_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        resp = app.get(url, headers=headers or {}, status=None, follow_redirects=True)
        seen[url] = resp.status_code
        if resp.status_code != 200 or "text/html" not in resp.headers.get("Content-Type", ""):
            continue
        for link in BeautifulSoup(resp.body, "html.parser").select("a[href]"):
            parts = urlsplit(link["href"])
            if parts.netloc or not parts.path.startswith(_OURS):
                continue
            # One visit per page: facet and sort links only change the query.
            target = parts.path
            if target not in seen:
                queue.append(target)
    return seen


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_no_catalogue_page_fails_for_any_user(app):
    admin = factories.Sysadmin()["name"]
    owner = catalogue_call(admin, "catalogue_item_create", doc=s.owner())["id"]
    cos = catalogue_call(admin, "catalogue_item_create", doc=s.cos(owner))["id"]
    archived = catalogue_call(admin, "catalogue_item_create", doc=s.owner("archived-owner"))["id"]
    catalogue_call(admin, "catalogue_item_delete", id=archived)
    org = factories.Organization(name="crawl-org")
    priced = catalogue_call(admin, "catalogue_item_create", kind="globalcatalog.service", id="crawl-svc",
                            organization=org["name"], private=False, doc={
                                "name": "crawl-svc", "disabled": False, "tags": ["t"], "images": {"image": "i"},
                                "overview_ui": {"en": {"display_name": "c", "description": "d",
                                                       "long_description": "l"}},
                                "provider": {"name": "p", "email": "p@example.org"},
                                "metadata": {"pricing": {"type": "paid", "metrics": [{"metric_id": "m"}]}}})["name"]
    factories.Group(name="crawl-group")
    users = _users()
    starts = ["/", "/catalogue/", f"/catalogue/{owner}", f"/catalogue/{cos}", f"/catalogue/{archived}",
              "/catalogue-admin/new", "/catalogue-admin/roles", "/catalogue-admin/trash",
              f"/catalogue-admin/item/{owner}/visibility", "/catalogue/?q=pune&kind=x",
              "/catalogue-admin/new?kind=iudx.provider", "/catalogue-admin/new?kind=globalcatalog.service",
              "/catalogue-admin/new?kind=gcat.item", "/catalogue-admin/software?discover=1",
              "/catalogue-admin/dashboard", "/catalogue-admin/moderation",
              f"/catalogue-admin/item/{owner}/children", f"/catalogue-admin/item/{owner}/edit",
              f"/catalogue-admin/item/{cos}/edit", f"/catalogue/{priced}", f"/catalogue-admin/item/{priced}/pricing",
              f"/catalogue-admin/item/{priced}/edit", "/catalogue/?ext_bbox=70,10,80,20",
              "/catalogue/?ext_bbox=not-a-box", "/catalogue-admin/trash?page=2", "/group/crawl-group",
              "/organization/crawl-org", "/catalogue/?catalogue_moderation=pending"]
    for role, headers in users.items():
        statuses = _crawl(app, headers, starts)
        failed = {url: code for url, code in statuses.items() if code >= 500}
        assert not failed, f"{role}: {failed}"
        assert len(statuses) > len(starts), f"{role}: the pages link to nothing"
        home = BeautifulSoup(app.get("/", headers=headers or {}).body, "html.parser")
        nav = {a["href"] for a in home.select("header a[href]")}
        assert "/catalogue/" in nav, role
        assert ("/catalogue-admin/trash" in nav) == (role in ("editor", "admin", "sysadmin")), role
        assert ("/catalogue-admin/roles" in nav) == (role == "sysadmin"), role
        assert "/catalogue-admin/moderation" not in nav, role  # moderation is off in test.ini
        # Readers get no buttons; sysadmins get them all.
        item = BeautifulSoup(app.get(f"/catalogue/{cos}", headers=headers or {}).body, "html.parser")
        buttons = {b["class"][-1] for b in item.select(".catalogue-actions button")}
        if role in ("anonymous", "member"):
            assert buttons == set(), role
        if role == "sysadmin":
            assert buttons == {"catalogue-archive", "catalogue-purge"}, role
