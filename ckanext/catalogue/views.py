"""Portal pages of the catalogue core (the item pages come with the
``catalogue`` dataset type). Each page calls the core actions as the
logged-in user, so the portal enforces the API's rules."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.catalogue.helpers import catalogue_portal_context
from ckanext.catalogue.roles import CATALOGUE_ROLES

catalogue_pages = Blueprint("catalogue_pages", __name__, url_prefix="/catalogue-admin")


@catalogue_pages.route("/roles", methods=["GET", "POST"])
def roles() -> Any:
    """Grant and revoke catalogue roles (Catalogue-Managers and sysadmins)."""
    context = catalogue_portal_context()
    try:
        tk.check_access("catalogue_role_list", dict(context), {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only Catalogue-Managers and sysadmins manage catalogue roles"))
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        action = "catalogue_role_revoke" if form.get("revoke") else "catalogue_role_grant"
        data = {"user": form.get("user", ""), "role": form.get("role", "")}
        try:
            tk.get_action(action)(dict(context), data)
        except tk.ValidationError as exc:
            errors = exc.error_dict
        except (tk.NotAuthorized, tk.ObjectNotFound) as exc:
            errors = {"user": [str(exc.message or exc)]}
        else:
            done = tk._("Revoked {role} from {user}") if form.get("revoke") else tk._("Granted {role} to {user}")
            tk.h.flash_success(done.format(**data))
            return tk.redirect_to("catalogue_pages.roles")
    grants = tk.get_action("catalogue_role_list")(dict(context), {"limit": 1000})
    return tk.render("catalogue/roles.html", {
        "grants": grants, "roles": CATALOGUE_ROLES, "errors": errors, "data": dict(tk.request.form)})


@catalogue_pages.route("/new", methods=["GET", "POST"])
def new_item() -> Any:
    """Create an item of a kind, under one of the parents the kind allows."""
    import json

    from ckanext.catalogue.kinds import catalogue_kind, catalogue_kinds

    context = catalogue_portal_context()
    if not context["user"]:
        return tk.abort(403, tk._("Log in to create catalogue items"))
    kind = catalogue_kind(tk.request.args.get("kind", ""))
    if kind is None:
        return tk.render("catalogue/new_item.html", {"kinds": list(catalogue_kinds().values()), "kind": None})
    parents: list[dict[str, Any]] = []
    if kind.parents:
        parents = tk.get_action("catalogue_item_search")(dict(context), {"kind": list(kind.parents), "limit": 1000})[
            "results"]
    errors: dict[str, Any] = {}
    form = tk.request.form
    doc_text = form.get("doc") or json.dumps({"type": [kind.jsonld_type], "name": ""}, indent=2)
    if tk.request.method == "POST":
        try:
            doc = json.loads(doc_text)
        except json.JSONDecodeError as exc:
            errors = {"doc": [tk._("Not valid JSON: {reason}").format(reason=exc.msg)]}
        else:
            data = {"kind": kind.name, "doc": doc if isinstance(doc, dict) else {}, "private": bool(form.get("private"))}
            if form.get("parent"):
                data["parent"] = form["parent"]
            try:
                created = tk.get_action("catalogue_item_create")(dict(context), data)
            except tk.ValidationError as exc:
                errors = exc.error_dict
            except tk.NotAuthorized as exc:
                errors = {"parent": [str(exc.message or exc)]}
            else:
                return tk.redirect_to("catalogue.read", id=created["name"])
    link_fields = set(kind.link_fields) | {"parent"}
    return tk.render("catalogue/new_item.html", {
        "kinds": [], "kind": kind, "parents": parents, "doc_text": doc_text, "errors": errors,
        "parent_errors": {k: v for k, v in errors.items() if k in link_fields},
        "doc_errors": {k: v for k, v in errors.items() if k not in link_fields},
        "selected_parent": form.get("parent", tk.request.args.get("parent", "")),
    })
