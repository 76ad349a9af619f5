"""Ratings of items (IUDX's consumer ratings): each signed-in user rates an
item they may read once, then changes or withdraws that rating; anyone who
may read the item reads its ratings and their average. Stored in
``catalogue_rating``; a purged item takes its ratings with it. Who may not
rate is told so before anything about their input."""
from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.core.errors import CatalogueConflict
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.action.item import catalogue_item_search, catalogue_item_target
from ckanext.catalogue.logic.validation import catalogue_validated
from ckanext.catalogue.model import CatalogueItem, CatalogueRating
from ckanext.catalogue.model.rating import RATING_APPROVED
from ckanext.catalogue.model.role import catalogue_utcnow

__all__ = ["catalogue_rating_create", "catalogue_rating_show", "catalogue_rating_update",
           "catalogue_rating_delete", "catalogue_rating_list", "catalogue_rating_average"]


def _item_id(context: Context, data: DataDict) -> str:
    """The id of the item ``id`` names, once the caller may read it (an
    item they may not read is not found)."""
    row, _pkg = catalogue_item_target(context, {"id": data["id"]}, "catalogue_item_show", active_only=True)
    return row.id


def _user_id(context: Context) -> str:
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("Sign in to rate items"))
    return user.id


def _rating_id(user_id: str, item_id: str) -> str:
    # As IUDX names a rating: one per user and item.
    return hashlib.sha256((user_id + item_id).encode()).hexdigest()


def _shown(rating: CatalogueRating) -> dict[str, Any]:
    return {"id": rating.id, "item_id": rating.item_id, "rating": rating.rating, "comment": rating.comment,
            "status": rating.status, "created": rating.created.isoformat(), "modified": rating.modified.isoformat()}


def _own(context: Context, data: DataDict) -> CatalogueRating:
    found = model.Session.get(CatalogueRating, _rating_id(_user_id(context), _item_id(context, data)))
    if found is None:
        raise tk.ObjectNotFound(tk._("You have not rated this item"))
    return found


@catalogue_validated(schema.catalogue_rating_write_schema, first="catalogue_rating_create")
def catalogue_rating_create(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Rate an item the caller may read (once: then update it).

    :param id: the item
    :param rating: a number from 0 to 5
    :param comment: optional text
    :returns: the rating
    """
    user_id, item_id = _user_id(context), _item_id(context, data)
    rating_id = _rating_id(user_id, item_id)
    if model.Session.get(CatalogueRating, rating_id) is not None:
        raise CatalogueConflict({"id": [tk._("You have already rated this item")]})
    made = CatalogueRating(id=rating_id, item_id=item_id, user_id=user_id, rating=data["rating"],
                           comment=data.get("comment"), status=RATING_APPROVED)
    model.Session.add(made)
    model.repo.commit()
    return _shown(made)


@tk.side_effect_free
@catalogue_validated(schema.catalogue_rating_schema, first="catalogue_rating_show")
def catalogue_rating_show(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """The caller's own rating of an item (ObjectNotFound without one)."""
    return _shown(_own(context, data))


@catalogue_validated(schema.catalogue_rating_write_schema, first="catalogue_rating_update")
def catalogue_rating_update(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Replace the caller's rating of an item (its comment too: left out, it is cleared)."""
    found = _own(context, data)
    found.rating, found.comment, found.modified = data["rating"], data.get("comment"), catalogue_utcnow()
    model.repo.commit()
    return _shown(found)


@catalogue_validated(schema.catalogue_rating_schema, first="catalogue_rating_delete")
def catalogue_rating_delete(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Withdraw the caller's rating of an item."""
    found = _own(context, data)
    shown = _shown(found)
    model.Session.delete(found)
    model.repo.commit()
    return shown


@tk.side_effect_free
@catalogue_validated(schema.catalogue_rating_list_schema)
def catalogue_rating_list(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """The approved ratings of an item the caller may read, newest first
    (the rating only: who gave it and their comment stay theirs, as IUDX
    shows them).

    :returns: ``{"count": n, "results": [{"item_id", "rating"}]}``
    """
    tk.check_access("catalogue_rating_list", context, data)
    item_id = _item_id(context, data)
    query = model.Session.query(CatalogueRating).filter(CatalogueRating.item_id == item_id,
                                                        CatalogueRating.status == RATING_APPROVED)
    page = query.order_by(CatalogueRating.created.desc(), CatalogueRating.id).offset(data["offset"]).limit(
        data["limit"]).all()
    return {"count": query.count(), "results": [{"item_id": r.item_id, "rating": r.rating} for r in page]}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_rating_schema)
def catalogue_rating_average(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """The average approved rating of an item and of each of its children
    (IUDX's: a resource group's and its resources'), those the caller may
    read, with how many ratings each has.

    :returns: ``{"results": [{"item_id", "average_rating", "total_ratings"}]}``, rated items only
    """
    tk.check_access("catalogue_rating_average", context, data)
    item_id = _item_id(context, data)
    rated = model.Session.execute(
        sa.select(CatalogueRating.item_id, sa.func.avg(CatalogueRating.rating), sa.func.count())
        .join(CatalogueItem, CatalogueItem.id == CatalogueRating.item_id)
        .where(sa.or_(CatalogueItem.id == item_id, CatalogueItem.parent_id == item_id),
               CatalogueRating.status == RATING_APPROVED)
        .group_by(CatalogueRating.item_id)).all()
    # Which of the rated children the caller may read: one search.
    children = [i for i, _avg, _n in rated if i != item_id][:schema.CATALOGUE_MAX_PAGE]
    readable: set[str] = {item_id}
    if children:
        found = catalogue_item_search(context, {"ids": children, "limit": len(children)})
        readable |= {str(i["id"]) for i in found["results"]}
    return {"results": [{"item_id": i, "average_rating": float(avg), "total_ratings": n}
                        for i, avg, n in sorted(rated, key=lambda r: (r[0] != item_id, r[0])) if i in readable]}
