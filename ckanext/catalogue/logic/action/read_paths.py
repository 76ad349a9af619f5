"""CKAN's other read paths, kept to what the caller may see now: activity
streams, autocomplete, package lists, resource search and member lists.

CKAN decides these from the private flag, or from the permission labels an
activity was given when it happened; neither knows the catalogue's excludes,
a parent's restriction or an archive made later. Each is filtered here by
asking Solr, as the caller, which of the datasets named are visible: the
same labels and exclusion filter as every search, one query per page.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import Context, DataDict

from ckanext.catalogue.core import query
from ckanext.catalogue.core.document import CATALOGUE_DATASET_TYPE
from ckanext.catalogue.logic.validators import catalogue_whole_number

__all__ = [
    "package_show", "resource_show", "resource_view_list", "datastore_search", "datastore_info",
    "dataset_follower_count", "am_following_dataset", "follow_dataset",
    "package_relationships_list", "package_autocomplete", "current_package_list_with_resources", "resource_search",
    "member_list", "package_activity_list", "organization_activity_list", "group_activity_list",
    "recently_changed_packages_activity_list", "user_activity_list", "dashboard_activity_list",
]

# Chains of the activity plugin's actions (registered only with it).
CATALOGUE_ACTIVITY_ACTIONS = (
    "package_activity_list", "organization_activity_list", "group_activity_list",
    "recently_changed_packages_activity_list", "user_activity_list", "dashboard_activity_list",
)

# Ids asked of Solr at once (a filter of this many terms stays small).
_CHUNK = 500


def catalogue_visible(context: Context, refs: Iterable[str], field: str = "id",
                      include_deleted: bool = False) -> set[str]:
    """Which datasets (named by ``field``: id or name) the caller may see now."""
    user = context.get("user") or ""
    wanted = list(dict.fromkeys(r for r in refs if r))
    if authz.is_sysadmin(user):
        return set(wanted)
    seen: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        found = tk.get_action("package_search")({"user": user}, {  # labels apply: no ignore_auth
            "q": "", "fq_list": [query.catalogue_any_of(field, chunk)], "rows": len(chunk), "fl": field,
            "include_private": True, "include_drafts": True, "include_deleted": include_deleted,
            "facet": "false"})
        seen.update(r[field] for r in found["results"])
    return seen


def catalogue_keep_visible(context: Context, rows: list[Any], ref: Callable[[Any], str | None], field: str = "id",
                           include_deleted: bool = False) -> list[Any]:
    """``rows`` without those naming a dataset the caller may not see
    (rows naming no dataset are kept)."""
    refs = [r for r in (ref(row) for row in rows) if r]
    if not refs:
        return rows
    visible = catalogue_visible(context, refs, field, include_deleted)
    return [row for row in rows if (ref(row) is None or ref(row) in visible)]


def _package(ref: Any) -> model.Package | None:
    return model.Package.get(ref) if isinstance(ref, str) and ref else None


def _unknown_if_item(package: model.Package | None) -> None:
    """NotFound, exactly as CKAN says it of a dataset that does not exist,
    when ``package`` is a catalogue item: a hidden item is not revealed by
    a 403 where an unknown one answers 404."""
    if package is not None and package.type == CATALOGUE_DATASET_TYPE:
        raise tk.ObjectNotFound


def _refusal_as_unknown(name: str, package_of: Callable[[Any], model.Package | None],
                        keys: tuple[str, ...] = ("id",)) -> Callable[..., Any]:
    """CKAN's ``name``, whose refusal to read a catalogue item (the dataset
    ``package_of`` the reference names: the first of ``keys`` sent) is
    CKAN's own answer for an unknown one: the call is made again naming a
    fresh uuid instead, and its "not found" names what the caller sent."""
    @tk.side_effect_free
    @tk.chained_action
    def chained(next_action: Any, context: Context, data_dict: DataDict) -> Any:
        key = next((k for k in keys if data_dict.get(k)), keys[0])
        try:
            return next_action(context, data_dict)
        except tk.NotAuthorized:
            package = package_of(data_dict.get(key))
            if package is None or package.type != CATALOGUE_DATASET_TYPE:
                raise
        stand_in = str(uuid.uuid4())
        try:
            next_action(context, {**data_dict, key: stand_in})
        except tk.ObjectNotFound as unknown:
            raise tk.ObjectNotFound(str(unknown).replace(stand_in, str(data_dict.get(key)))) from None
        raise tk.ObjectNotFound

    chained.__name__ = name
    chained.__doc__ = f"CKAN's {name}; a catalogue item the caller may not read is not found."
    return chained


def _resource_package(ref: Any) -> model.Package | None:
    resource = model.Resource.get(ref) if isinstance(ref, str) and ref else None
    return resource.package if resource is not None else None


_package_show = _refusal_as_unknown("package_show", _package)


@tk.side_effect_free
@tk.chained_action
def package_show(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """CKAN's package_show; a catalogue item the caller may not read is not
    found. ``name_or_id`` is passed on as ``id``: CKAN's read check finds
    the dataset by ``id`` only, and answered 409 for a dataset it refused
    where an unknown one is 404."""
    if not data_dict.get("id") and data_dict.get("name_or_id"):
        data_dict = {**data_dict, "id": data_dict["name_or_id"]}
    return _package_show(next_action, context, data_dict)
resource_show = _refusal_as_unknown("resource_show", _resource_package)
resource_view_list = _refusal_as_unknown("resource_view_list", _resource_package)
# The DataStore plugin's reads (registered only with it).
datastore_search = _refusal_as_unknown("datastore_search", _resource_package, ("resource_id",))
datastore_info = _refusal_as_unknown("datastore_info", _resource_package, ("resource_id", "id"))
CATALOGUE_DATASTORE_ACTIONS = ("datastore_search", "datastore_info")


@tk.side_effect_free
@tk.chained_action
def package_autocomplete(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    return catalogue_keep_visible(context, next_action(context, data_dict), lambda row: row["name"], "name")


@tk.side_effect_free
@tk.chained_action
def current_package_list_with_resources(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    return catalogue_keep_visible(context, next_action(context, data_dict), lambda pkg: pkg["id"])


@tk.side_effect_free
@tk.chained_action
def resource_search(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    # Every match is filtered before paging: the count must not tell how
    # many hidden resources match (a substring search would spell them out).
    offset, limit = _whole(data_dict, "offset", 0), _whole(data_dict, "limit", None)
    found = next_action(context, {k: v for k, v in data_dict.items() if k not in ("offset", "limit")})
    results = catalogue_keep_visible(context, found["results"], lambda res: res.get("package_id"))
    page = results[offset:offset + limit] if limit is not None else results[offset:]
    return {**found, "results": page, "count": len(results)}


@tk.side_effect_free
@tk.chained_action
def member_list(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    # Rows are (id, type, capacity); only datasets are filtered.
    return catalogue_keep_visible(context, next_action(context, data_dict),
                                  lambda row: row[0] if row[1] == "package" else None)


# Activities whose object is a dataset (the activity plugin's package types).
_DATASET_ACTIVITIES = ("new package", "changed package", "deleted package", "follow dataset", "new resource view",
                       "changed resource view", "deleted resource view", "new resource", "changed resource",
                       "deleted resource")


def _package_of(activity: dict[str, Any]) -> str | None:
    kind = str(activity.get("activity_type", ""))
    return activity.get("object_id") if kind in _DATASET_ACTIVITIES or kind.endswith("package") else None


def _whole(data_dict: DataDict, key: str, default: int | None) -> Any:
    """A paging parameter as a whole number (400 naming it otherwise)."""
    if data_dict.get(key) in (None, ""):
        return default
    return catalogue_whole_number(data_dict, key, 0, 10 ** 9)


def _activities(next_action: Any, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """A page of activities without those of datasets the caller may not see
    now; pages on past the hidden ones so the page stays full."""
    limit = _whole(data_dict, "limit", None)
    offset = _whole(data_dict, "offset", 0)
    if data_dict.get("after") or data_dict.get("before"):
        # Pages by time (the activity pages): one filtered page, which may be
        # shorter than asked; the next page starts after its last activity.
        return catalogue_keep_visible(context, next_action(context, data_dict), _package_of, include_deleted=True)
    shown: list[dict[str, Any]] = []
    for _round in range(10):
        page = next_action(dict(context), {**data_dict, "offset": offset})
        shown += catalogue_keep_visible(context, page, _package_of, include_deleted=True)
        if not limit or len(page) < limit or len(shown) >= limit:
            break
        offset += len(page)
    return shown[:limit] if limit else shown


def _hidden_as_unknown(name: str) -> Callable[..., Any]:
    """CKAN's ``name``, which does not check that the caller may read the
    dataset: for a catalogue item the caller may not read, it is asked about
    a dataset that does not exist instead, so the answer is exactly CKAN's
    answer for an unknown one."""
    @tk.chained_action
    def chained(next_action: Any, context: Context, data_dict: DataDict) -> Any:
        package = _package(data_dict.get("id"))
        if package is not None and package.type == CATALOGUE_DATASET_TYPE:
            try:
                tk.check_access("package_show", {"user": context.get("user", "")}, {"id": package.id})
            except tk.NotAuthorized:
                data_dict = {**data_dict, "id": str(uuid.uuid4())}
        return next_action(context, data_dict)

    chained.__name__ = name
    chained.__doc__ = f"CKAN's {name}; a catalogue item the caller may not read is an unknown dataset."
    return chained


dataset_follower_count = tk.side_effect_free(_hidden_as_unknown("dataset_follower_count"))
am_following_dataset = tk.side_effect_free(_hidden_as_unknown("am_following_dataset"))
follow_dataset = _hidden_as_unknown("follow_dataset")
package_relationships_list = tk.side_effect_free(_hidden_as_unknown("package_relationships_list"))


def _activity_list(name: str) -> Callable[..., Any]:
    @tk.side_effect_free
    @tk.chained_action
    def chained(next_action: Any, context: Context, data_dict: DataDict) -> Any:
        try:
            return _activities(next_action, context, data_dict)
        except tk.NotAuthorized:
            if name == "package_activity_list":
                _unknown_if_item(_package(data_dict.get("id")))
            raise

    chained.__name__ = name
    chained.__doc__ = f"CKAN's {name}, without the activities of datasets the caller may not see now."
    return chained


package_activity_list = _activity_list("package_activity_list")
organization_activity_list = _activity_list("organization_activity_list")
group_activity_list = _activity_list("group_activity_list")
recently_changed_packages_activity_list = _activity_list("recently_changed_packages_activity_list")
user_activity_list = _activity_list("user_activity_list")
dashboard_activity_list = _activity_list("dashboard_activity_list")
