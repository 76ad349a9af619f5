"""Who may see a catalogue item: its own restrictions (public, private to
its organization, or every organization member), include and exclude lists
of organizations and users, and those of its ancestors.

An item marked public shows what its parent shows; a restricted item is
never wider than its parent. Includes become CKAN permission labels (so
Solr decides what each search, count, facet and children page returns);
excludes are copied down into the ``catalogue_exclude`` index field and
filtered out of every package_search of a non-sysadmin. Catalogue-Admins
and above see every item: they may change and delete every one.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterable, Iterator
from typing import Any, cast

from ckan import model

from ckanext.catalogue.core import roles
from ckanext.catalogue.core.document import EXTRA_VISIBILITY, catalogue_is_item
from ckanext.catalogue.core.loaded import catalogue_ancestor_ids, catalogue_packages_by_id

PUBLIC = "public"
PRIVATE = "private"
ORGANIZATIONS = "organizations"  # members of any organization of the portal
CATALOGUE_RESTRICTIONS = (PUBLIC, PRIVATE, ORGANIZATIONS)

ORG_MEMBERS_LABEL = "catalogue-org-members"
# Catalogue-Admins and above: they may change and delete every item, so
# they read every item too, archived or restricted.
CATALOGUE_ADMINS_LABEL = "catalogue-admins"
PUBLIC_LABEL = "public"


def catalogue_user_label(user_id: str) -> str:
    return f"catalogue-user-{user_id}"


def catalogue_org_label(org_id: str) -> str:
    # CKAN's own label of an organization's members.
    return f"member-{org_id}"


def catalogue_names_of(org_ids: Iterable[str], user_ids: Iterable[str]) -> dict[str, str]:
    """Names of the organizations and users with these ids, in at most two queries."""
    orgs, users = set(org_ids), set(user_ids)
    found: dict[str, str] = {}
    if orgs:
        found.update((g.id, g.name) for g in model.Session.query(model.Group).filter(model.Group.id.in_(orgs)))
    if users:
        found.update((u.id, u.name) for u in model.Session.query(model.User).filter(model.User.id.in_(users)))
    return found


def catalogue_stored_visibility(pkg: Any) -> dict[str, Any]:
    """The item's own settings, defaulting to what CKAN's private flag says."""
    extras: dict[str, Any] = cast("dict[str, Any]", pkg.extras) if isinstance(pkg.extras, dict) else {}
    return catalogue_visibility_settings(extras, bool(pkg.private))


def catalogue_visibility_settings(extras: dict[str, Any], private: bool) -> dict[str, Any]:
    """The settings a dataset's extras hold (its current ones, or those an
    activity recorded), defaulting to what its private flag says."""
    try:
        stored = json.loads(extras.get(EXTRA_VISIBILITY) or "{}")
    except ValueError:
        stored = {}
    return {
        "restrictions": stored.get("restrictions") or (PRIVATE if private else PUBLIC),
        "extendable": bool(stored.get("extendable", False)),
        "include": {"organizations": list(stored.get("include", {}).get("organizations", [])),
                    "users": list(stored.get("include", {}).get("users", []))},
        "exclude": {"organizations": list(stored.get("exclude", {}).get("organizations", [])),
                    "users": list(stored.get("exclude", {}).get("users", []))},
    }


def _labels_of(lists: dict[str, list[str]]) -> set[str]:
    return {*(catalogue_org_label(o) for o in lists["organizations"]),
            *(catalogue_user_label(u) for u in lists["users"])}


def _own_labels(pkg: Any, settings: dict[str, Any]) -> set[str] | None:
    """Labels that may see this item by its own settings; None when public."""
    if settings["restrictions"] == PUBLIC:
        return None
    labels: set[str] = {catalogue_org_label(pkg.owner_org)} if pkg.owner_org else set()
    if settings["restrictions"] == ORGANIZATIONS:
        labels.add(ORG_MEMBERS_LABEL)
    return labels | _labels_of(settings["include"])


def _chain(pkg: Any) -> list[Any]:
    """The item's ancestors (root first) and the item: at most one SQL query
    (ancestors a batch loaded together are not read again)."""
    ids = catalogue_ancestor_ids(pkg)
    if not ids:
        return [pkg]
    found = catalogue_packages_by_id(ids)
    return [*(found[i] for i in ids if i in found), pkg]


# Set while a bulk write runs: each item's effective visibility, worked out
# once for its activity, its permission labels and its excludes (nothing
# the write does changes an item's or an ancestor's settings meanwhile).
_HELD: contextvars.ContextVar[dict[str, tuple[frozenset[str] | None, frozenset[str]]] | None] = \
    contextvars.ContextVar("catalogue_visibility_held", default=None)


@contextlib.contextmanager
def catalogue_visibility_held() -> Iterator[None]:
    """Within the block (a bulk write, which only adds items), an item's
    effective visibility is worked out once."""
    token = _HELD.set({})
    try:
        yield
    finally:
        _HELD.reset(token)


def _held_key(pkg: Any) -> str:
    return f"{pkg.id}|{pkg.metadata_modified}"


def catalogue_effective(pkg: Any) -> tuple[frozenset[str] | None, frozenset[str]]:
    """(labels that may see the item, None for everyone; labels excluded)."""
    held = _HELD.get()
    if held is None:
        return _effective(_chain(pkg))
    key = _held_key(pkg)
    if key not in held:
        chain = _chain(pkg)
        # Siblings share their ancestors: the nearest one worked out already
        # is where the fold begins, and each ancestor folded is kept.
        start = next((n for n in range(len(chain) - 1, 0, -1) if _held_key(chain[n - 1]) in held), 0)
        state = held[_held_key(chain[start - 1])] if start else _EVERYONE
        for node in chain[start:]:
            state = held[_held_key(node)] = _effective([node], state)
    return held[key]


_Effective = tuple[frozenset[str] | None, frozenset[str]]
_EVERYONE: _Effective = (None, frozenset())


def _effective(chain: list[Any], state: _Effective = _EVERYONE) -> _Effective:
    """The visibility of the last of ``chain`` (root first), folded from
    ``state``: that of the node above the chain's first."""
    allowed: set[str] | None = set(state[0]) if state[0] is not None else None
    excluded: set[str] = set(state[1])
    for node in chain:
        settings = catalogue_stored_visibility(node)
        excluded |= _labels_of(settings["exclude"])
        own: set[str] | None = _own_labels(node, settings)
        if own is None:
            continue  # public: as wide as the parent
        if allowed is not None:
            # Never wider than the parent; its own organization always sees it.
            own = (own & allowed) | ({catalogue_org_label(node.owner_org)} if node.owner_org else set())
        allowed = own
    return (frozenset(allowed) if allowed is not None else None), frozenset(excluded)


def catalogue_visibility_with_private(stored: str, private: bool) -> str:
    """The stored settings once CKAN's private flag is set: private makes a
    public item private (a wider restriction stays), public makes it public."""
    try:
        settings = json.loads(stored or "{}")
    except ValueError:
        settings = {}
    if not private:
        settings["restrictions"] = PUBLIC
    elif settings.get("restrictions", PUBLIC) == PUBLIC:
        settings["restrictions"] = PRIVATE
    return json.dumps(settings, sort_keys=True)


def catalogue_visibility_dataset_labels(pkg: Any, default: list[str]) -> list[str]:
    if not catalogue_is_item({"type": pkg.type}):
        return default
    if pkg.state != "active":
        # Archived and draft items: those who may restore them (their
        # organization, their creator, Catalogue-Admins), never the public.
        creator = [f"creator-{pkg.creator_user_id}"] if pkg.creator_user_id else []
        return sorted({*default, *creator, CATALOGUE_ADMINS_LABEL} - {PUBLIC_LABEL})
    allowed, _excluded = catalogue_effective(pkg)
    if allowed is None:
        return [PUBLIC_LABEL]
    return sorted(allowed | {CATALOGUE_ADMINS_LABEL})


def catalogue_visibility_user_labels(user: Any, default: list[str]) -> list[str]:
    user_id = getattr(user, "id", None)
    if not user_id:
        return default
    labels = [*default, catalogue_user_label(user_id)]
    if any(label.startswith("member-") for label in default):
        labels.append(ORG_MEMBERS_LABEL)
    if roles.catalogue_has_level(getattr(user, "name", None), roles.CATALOGUE_ADMIN):
        labels.append(CATALOGUE_ADMINS_LABEL)
    return labels


def catalogue_excluded_labels(pkg_id: str) -> list[str]:
    """What ``catalogue_exclude`` holds for an item being indexed."""
    pkg = model.Package.get(pkg_id)
    return sorted(catalogue_effective(pkg)[1]) if pkg is not None else []


def catalogue_exclude_filter(user_labels: Iterable[str]) -> str | None:
    """The Solr filter that leaves out what excludes the caller (none for
    Catalogue-Admins, whom no exclude names)."""
    labels = [label for label in user_labels if label != PUBLIC_LABEL]
    if not labels or CATALOGUE_ADMINS_LABEL in labels:
        return None
    return "-catalogue_exclude:(" + " OR ".join(f'"{label}"' for label in labels) + ")"


def catalogue_is_excluded(pkg: Any, user_labels: Iterable[str]) -> bool:
    """Whether the item's (or an ancestor's) excludes name the caller: the
    filter a search applies, for one item (package_show)."""
    labels = set(user_labels)
    return CATALOGUE_ADMINS_LABEL not in labels and bool(catalogue_effective(pkg)[1] & labels)
