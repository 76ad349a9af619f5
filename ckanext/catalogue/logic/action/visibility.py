"""Who may see an item: read and change its visibility (every dialect), and
CKAN's package_search with the visibility excludes applied in Solr."""
from __future__ import annotations

import json
import logging
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.lib.plugins import get_permission_labels
from ckan.lib.search import SearchError, SearchQueryError
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.core import visibility
from ckanext.catalogue.core.document import EXTRA_VISIBILITY, catalogue_extras_list
from ckanext.catalogue.core.errors import CatalogueInvalid
from ckanext.catalogue.core.store import catalogue_save_dataset, catalogue_stored_item, catalogue_subtree_ids
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.action.item import catalogue_check_if_match, catalogue_item_target
from ckanext.catalogue.logic.validation import catalogue_validated

log = logging.getLogger(__name__)

__all__ = ["catalogue_item_visibility_show", "catalogue_item_visibility_update", "package_search"]


def _names(lists: dict[str, list[str]]) -> dict[str, list[str]]:
    names = visibility.catalogue_names_of(lists["organizations"], lists["users"])
    return {group: [names.get(i, i) for i in lists[group]] for group in ("organizations", "users")}


def _shown(pkg: model.Package) -> dict[str, Any]:
    settings = visibility.catalogue_stored_visibility(pkg)
    owner = model.Group.get(pkg.owner_org) if pkg.owner_org else None
    allowed, _excluded = visibility.catalogue_effective(pkg)
    return {
        "restrictions": settings["restrictions"],
        "owner": owner.name if owner else None,
        "extendable": settings["extendable"],
        "include": _names(settings["include"]),
        "exclude": _names(settings["exclude"]),
        # What the ancestors leave of it: public only when every one is.
        "effective": visibility.PUBLIC if allowed is None else "restricted",
    }


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_id_schema)
def catalogue_item_visibility_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """An item's visibility (editors and above of the item).

    :param id: the item
    :returns: ``{"restrictions", "owner", "extendable", "include":
        {"organizations", "users"}, "exclude": {...}, "effective", "etag"}``
    """
    row, pkg = catalogue_item_target(context, data_dict, "catalogue_item_update", active_only=True)
    return {**_shown(pkg), "id": row.id, "etag": catalogue_stored_item(pkg)["etag"]}


def _resolve(names: Any, field: str) -> dict[str, list[str]]:
    """Organizations and users named (names or ids; an organization wins)."""
    if names is None:
        return {"organizations": [], "users": []}
    found: dict[str, list[str]] = {"organizations": [], "users": []}
    unknown = []
    for name in dict.fromkeys(cast("list[str]", names)):
        org = model.Group.get(name)
        if org is not None and org.is_organization and org.state == "active":
            found["organizations"].append(org.id)
            continue
        user = model.User.get(name)
        if user is not None and user.state == "active":
            found["users"].append(user.id)
            continue
        unknown.append(name)
    if unknown:
        raise CatalogueInvalid({field: [tk._("No organization or user is named {names}").format(
            names=", ".join(unknown))]})
    return found


@catalogue_validated(schema.catalogue_item_visibility_update_schema, first=lambda c, d: catalogue_item_target(
    c, d, "catalogue_item_visibility_update", active_only=True))
def catalogue_item_visibility_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Change who may see an item and, through the copied-down labels, its
    descendants (admins of the item's organization, Catalogue-Admins).
    Fields left out keep their value.

    :param id: the item
    :param restrictions: ``public``, ``private`` (its organization and the
        included) or ``organizations`` (members of any organization)
    :param include: organization or user names that may see it too
    :param exclude: organization or user names that may not see it
    :param extendable: whether others may extend its visibility (kept)
    :param if_match: the item's ETag, to refuse a change made meanwhile
    :returns: the visibility
    """
    row, pkg = catalogue_item_target(context, data_dict, "catalogue_item_visibility_update", active_only=True)
    settings = visibility.catalogue_stored_visibility(pkg)
    restrictions = data_dict.get("restrictions", settings["restrictions"])
    extendable = data_dict.get("extendable", settings["extendable"])
    include = _resolve(data_dict["include"], "include") if "include" in data_dict else settings["include"]
    exclude = _resolve(data_dict["exclude"], "exclude") if "exclude" in data_dict else settings["exclude"]
    catalogue_check_if_match(row.id, data_dict.get("if_match"))
    stored = json.dumps({"restrictions": restrictions, "extendable": extendable, "include": include,
                         "exclude": exclude}, sort_keys=True)
    extras = {**(pkg.extras or {}), EXTRA_VISIBILITY: stored}
    # The descendants' labels and excludes are computed from their
    # ancestors at index time: they are indexed with the item, before the commit.
    catalogue_save_dataset(context, row.id, {
        "private": restrictions != visibility.PUBLIC,
        "extras": catalogue_extras_list(extras),
    }, also_index=tuple(i for i in catalogue_subtree_ids(row.id) if i != row.id))
    return catalogue_item_visibility_show(cast(Context, dict(context, ignore_auth=True)), {"id": row.id})


# Parameters of package_search that reach Solr as query text.
_SOLR_TEXT_PARAMS = ("q", "fq", "fq_list", "sort", "facet.field", "facet.query", "fl", "df", "qf", "bq", "mm")


@tk.side_effect_free
@tk.chained_action
def package_search(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """CKAN's search, without the items whose visibility excludes the caller.

    The exclusion is its own Solr filter query (``fq_list``), never joined to
    the caller's ``fq`` text, so no input can change what it means. A query
    Solr refuses is answered naming the caller's parameters only: CKAN's own
    message quotes the whole internal query (labels, user ids, exclusions).
    """
    given: Any = data_dict.get("fq_list") or []
    if not isinstance(given, list) or not all(isinstance(f, str) for f in cast("list[Any]", given)):
        raise tk.ValidationError({"fq_list": [tk._("A list of filter queries")]})
    user = context.get("user")
    if not authz.is_sysadmin(user):
        user_obj = context.get("auth_user_obj") or (model.User.get(user) if user else None)
        labels = get_permission_labels().get_user_dataset_labels(user_obj)
        clause = visibility.catalogue_exclude_filter(labels)
        if clause:
            data_dict = dict(data_dict)
            data_dict["fq_list"] = [*given, clause]
    try:
        return next_action(context, data_dict)
    except SearchQueryError:
        raise
    except SearchError as exc:
        log.info("search refused by Solr: %s", exc)
        given = [name for name in _SOLR_TEXT_PARAMS if data_dict.get(name)] or ["q"]
        raise SearchQueryError(tk._("The search index could not run this query; check {params}").format(
            params=", ".join(given))) from None
