"""Portal pages of the catalogue core (the item pages come with the
``catalogue`` dataset type). Each page calls the core actions as the
logged-in user, so the portal enforces the API's rules."""
from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Response

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.catalogue.api.guards import catalogue_file_headers
from ckanext.catalogue.core.artifacts import catalogue_artifact_content
from ckanext.catalogue.core.kinds import catalogue_kind, catalogue_kinds
from ckanext.catalogue.core.roles import CATALOGUE_ROLES
from ckanext.catalogue.core.visibility import CATALOGUE_RESTRICTIONS
from ckanext.catalogue.portal import forms
from ckanext.catalogue.portal.helpers import (
    catalogue_item_children,
    catalogue_item_permissions,
    catalogue_may,
    catalogue_page_count,
    catalogue_portal_context,
)

catalogue_pages = Blueprint("catalogue_pages", __name__, url_prefix="/catalogue-admin")


@catalogue_pages.route("/roles", methods=["GET", "POST"])
def roles() -> Any:
    """Grant and revoke catalogue roles (Catalogue-Managers and sysadmins)."""
    context = catalogue_portal_context()
    try:
        tk.check_access("catalogue_role_list", cast(Context, dict(context)), {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only Catalogue-Managers and sysadmins manage catalogue roles"))
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        action = "catalogue_role_revoke" if form.get("revoke") else "catalogue_role_grant"
        data = {"user": form.get("user", ""), "role": form.get("role", "")}
        try:
            tk.get_action(action)(cast(Context, dict(context)), data)
        except tk.ValidationError as exc:
            errors = exc.error_dict
        except (tk.NotAuthorized, tk.ObjectNotFound) as exc:
            errors = {"user": [str(exc.message or exc)]}
        else:
            done = tk._("Revoked {role} from {user}") if form.get("revoke") else tk._("Granted {role} to {user}")
            tk.h.flash_success(done.format(**data))
            return tk.redirect_to("catalogue_pages.roles")
    grants = tk.get_action("catalogue_role_list")(cast(Context, dict(context)), {"limit": 1000})
    return tk.render("catalogue/roles.html", {
        "grants": grants, "roles": CATALOGUE_ROLES, "errors": errors, "data": dict(tk.request.form)})


def _save(action: str, kind: Any, data: dict[str, Any]) -> tuple[Any, dict[str, list[str]]]:
    """(the core's answer, {}) or (None, its refusal by form input)."""
    try:
        return tk.get_action(action)(catalogue_portal_context(), data), {}
    except tk.ValidationError as exc:
        return None, forms.catalogue_form_errors(kind, exc.error_dict)
    except tk.NotAuthorized as exc:
        return None, {forms.FORM_ERRORS: [str(exc.message or exc)]}


def _parent_options(kind: Any) -> list[dict[str, Any]]:
    if not kind.parents:
        return []
    return _run("catalogue_item_parent_options", {"kind": kind.name, "limit": 1000})[0]["results"]


@catalogue_pages.route("/new", methods=["GET", "POST"])
def new_item() -> Any:
    """Create an item of a kind, under one of the parents the caller may use."""
    context = catalogue_portal_context()
    if not context["user"]:
        return tk.abort(403, tk._("Log in to create catalogue items"))
    kind = catalogue_kind(tk.request.args.get("kind", ""))
    if kind is None:
        return tk.render("catalogue/new_item.html", {"kinds": list(catalogue_kinds().values()), "kind": None})
    form = tk.request.form
    errors: dict[str, list[str]] = {}
    values = forms.catalogue_new_doc_values(kind)
    if kind.private_by_default:
        values["private"] = "1"
    if tk.request.method == "POST":
        values = dict(form)
        doc, errors = forms.catalogue_form_doc(kind, form)
        if not errors:
            data: dict[str, Any] = {"kind": kind.name, "doc": doc, "private": bool(form.get("private"))}
            if form.get("parent"):
                data["parent"] = form["parent"]
            created, errors = _save("catalogue_item_create", kind, data)
            if created:
                return tk.redirect_to("catalogue.read", id=created["name"])
    return tk.render("catalogue/item_form.html", {
        "kind": kind, "item": None, "fields": forms.catalogue_form_fields(kind), "values": values,
        "errors": errors, "parents": _parent_options(kind), "parent_editable": True,
        "selected_parent": form.get("parent", tk.request.args.get("parent", "")),
        "action": tk.h.url_for("catalogue_pages.new_item", kind=kind.name)})


@catalogue_pages.route("/item/<id>/edit", methods=["GET", "POST"])
def edit_item(id: str) -> Any:
    """Change an item's document (and its parent, where no link field names
    it), refused if someone saved it since the form was opened."""
    item = _shown_item(id)
    kind = catalogue_kind(item["kind"] or "")
    if kind is None or not catalogue_item_permissions(item).get("update"):
        return tk.abort(403, tk._("Not allowed to change this item"))
    if item["state"] != "active":
        return tk.abort(409, tk._("An archived item must be restored before it is changed"))
    form = tk.request.form
    errors: dict[str, list[str]] = {}
    values = forms.catalogue_form_values(kind, item["doc"])
    # Kinds linked by document fields (IUDX) keep their parent here.
    parent_editable = bool(kind.parents) and not kind.link_fields
    if tk.request.method == "POST":
        values = dict(form)
        doc, errors = forms.catalogue_form_doc(kind, form, item["doc"])
        if not errors:
            data: dict[str, Any] = {"id": item["id"], "doc": doc, "if_match": form.get("etag", "")}
            if parent_editable and (form.get("parent") or "") != (item["parent"] or ""):
                data.update(parent=form.get("parent") or "", move=True)
            saved, errors = _save("catalogue_item_update", kind, data)
            if saved:
                tk.h.flash_success(tk._("Saved."))
                return tk.redirect_to("catalogue.read", id=item["name"])
    return tk.render("catalogue/item_form.html", {
        "kind": kind, "item": item, "fields": forms.catalogue_form_fields(kind), "values": values,
        "errors": errors, "parents": _parent_options(kind) if parent_editable else [],
        "parent_editable": parent_editable, "selected_parent": form.get("parent", item["parent"] or ""),
        "name_fixed": forms.catalogue_name_is_fixed(kind), "etag": form.get("etag") or item["etag"],
        "action": tk.h.url_for("catalogue_pages.edit_item", id=item["name"])})


# --- item buttons: each posts to the core action as the logged-in user ---

def _run(action: str, data: dict[str, Any]) -> tuple[Any, str | None]:
    """(result, None) or (None, the reason the core refused, for a flash)."""
    try:
        return tk.get_action(action)(catalogue_portal_context(), data), None
    except tk.ValidationError as exc:
        return None, "; ".join(f"{field}: {', '.join(map(str, reasons)) if isinstance(reasons, list) else reasons}"
                               for field, reasons in exc.error_dict.items())
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc.message or exc)), None
    except tk.ObjectNotFound as exc:
        return tk.abort(404, str(exc.message or exc)), None


def _came_from(default: str, field: str = "came_from") -> str:
    """Where a button sends the user back: a path of this site, else ``default``."""
    back = tk.request.form.get(field) or ""
    local = back.startswith("/") and not back.startswith("//") and "\\" not in back
    return back if local and back.isprintable() else default


def _run_and_flash(action: str, data: dict[str, Any], done: str) -> bool:
    """Run a button's action; flash ``done`` or the reason it was refused."""
    _result, refused = _run(action, data)
    if refused:
        tk.h.flash_error(refused)
    else:
        tk.h.flash_success(done)
    return not refused


@catalogue_pages.route("/item/<id>/archive", methods=["POST"])
def archive_item(id: str) -> Any:
    _run_and_flash("catalogue_item_delete", {"id": id},
                   tk._("Archived: it can be restored from this page or the trash until it is purged."))
    return tk.redirect_to("catalogue.read", id=id)


@catalogue_pages.route("/item/<id>/restore", methods=["POST"])
def restore_item(id: str) -> Any:
    _run_and_flash("catalogue_item_restore", {"id": id}, tk._("Restored."))
    return tk.redirect_to(_came_from(tk.h.url_for("catalogue.read", id=id)))


@catalogue_pages.route("/item/<id>/purge", methods=["POST"])
def purge_item(id: str) -> Any:
    if not _run_and_flash("catalogue_item_purge", {"id": id, "cascade": bool(tk.request.form.get("cascade"))},
                          tk._("Purged: nothing of it is left.")):
        return tk.redirect_to(_came_from(tk.h.url_for("catalogue.read", id=id)))
    return tk.redirect_to(_came_from(tk.h.url_for("catalogue.search")))


@catalogue_pages.route("/item/<id>/visibility", methods=["GET", "POST"])
def item_visibility(id: str) -> Any:
    """Who may see an item: restrictions, include and exclude lists."""
    context = catalogue_portal_context()
    errors: dict[str, Any] = {}
    form = tk.request.form
    if tk.request.method == "POST":
        def names(field: str) -> list[str]:
            return [n.strip() for n in form.get(field, "").replace("\n", ",").split(",") if n.strip()]

        try:
            tk.get_action("catalogue_item_visibility_update")(cast(Context, dict(context)), {
                "id": id, "restrictions": form.get("restrictions", ""), "include": names("include"),
                "exclude": names("exclude")})
        except tk.ValidationError as exc:
            errors = exc.error_dict
        except tk.NotAuthorized as exc:
            return tk.abort(403, str(exc.message or exc))
        except tk.ObjectNotFound as exc:
            return tk.abort(404, str(exc.message or exc))
        else:
            tk.h.flash_success(tk._("Visibility saved; the item's subtree follows it."))
            return tk.redirect_to("catalogue.read", id=id)
    item = _shown_item(id)
    shown, refused = _run("catalogue_item_visibility_show", {"id": item["id"]})
    if refused:
        return tk.abort(404, refused)
    return tk.render("catalogue/visibility.html", {
        "item": item, "visibility": shown, "errors": errors, "data": dict(form),
        "restrictions": CATALOGUE_RESTRICTIONS})


CATALOGUE_TRASH_PAGE_SIZE = 50


@catalogue_pages.route("/trash")
def trash() -> Any:
    """What is archived or soft-deleted, with restore and purge."""
    page = _page_number()
    found, refused = _run("catalogue_trash_list", {"limit": CATALOGUE_TRASH_PAGE_SIZE,
                                                  "offset": (page - 1) * CATALOGUE_TRASH_PAGE_SIZE})
    if refused:
        return tk.abort(400, refused)
    return tk.render("catalogue/trash.html", {
        "trash": found, "items": found["item_rows"], "page": page,
        "pages": catalogue_page_count(found["item_count"], CATALOGUE_TRASH_PAGE_SIZE)})


def _trashed_group_kind(kind: str) -> str:
    return kind if kind in ("group", "organization") else tk.abort(404, tk._("Not found"))


@catalogue_pages.route("/trash/<kind>/<id>/purge", methods=["POST"])
def purge_group(kind: str, id: str) -> Any:
    trash_page = tk.h.url_for("catalogue_pages.trash")
    if not _run_and_flash("catalogue_group_purge", {"id": id, "kind": _trashed_group_kind(kind)},
                          tk._("Purged {name}.").format(name=id)):
        return tk.redirect_to(_came_from(trash_page, "refused_to"))
    return tk.redirect_to(_came_from(trash_page))


@catalogue_pages.route("/trash/<kind>/<id>/restore", methods=["POST"])
def restore_group(kind: str, id: str) -> Any:
    _run_and_flash("catalogue_group_patch", {"id": id, "kind": _trashed_group_kind(kind), "state": "active"},
                   tk._("Restored {name}.").format(name=id))
    return tk.redirect_to("catalogue_pages.trash")


# --- an item's log and artifacts ---

CATALOGUE_LOG_PAGE_SIZE = 20


def _page_number() -> int:
    try:
        return max(int(tk.request.args.get("page", 1)), 1)
    except ValueError:
        return 1


def _shown_item(id: str) -> dict[str, Any]:
    """The item for a page, or the 403/404 page."""
    try:
        return tk.get_action("catalogue_item_show")(catalogue_portal_context(), {"id": id})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc.message or exc))
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Item not found"))


@catalogue_pages.route("/item/<id>/log")
def item_log(id: str) -> Any:
    """Every change of an item, newest first (its editors and above)."""
    item = _shown_item(id)
    page = _page_number()
    log, refused = _run("catalogue_item_log", {"id": item["id"], "limit": CATALOGUE_LOG_PAGE_SIZE,
                                               "offset": (page - 1) * CATALOGUE_LOG_PAGE_SIZE})
    if refused:
        return tk.abort(400, refused)
    pages = catalogue_page_count(log["count"], CATALOGUE_LOG_PAGE_SIZE)
    return tk.render("catalogue/log.html", {"item": item, "log": log, "page": page, "pages": pages})


@catalogue_pages.route("/item/<id>/pricing")
def item_pricing(id: str) -> Any:
    """What an item costs, for its readers (404 when it has no pricing)."""
    item = _shown_item(id)
    found, refused = _run("catalogue_item_pricing", {"id": item["id"]})
    if refused or not found["pricing"]:
        return tk.abort(404, tk._("This item has no pricing"))
    return tk.render("catalogue/pricing.html", {"item": item, "pricing": found["pricing"]})


@catalogue_pages.route("/item/<id>/artifacts", methods=["GET", "POST"])
def item_artifacts(id: str) -> Any:
    """An item's files: download for its readers, upload and delete for its editors."""
    item = _shown_item(id)
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        upload = tk.request.files.get("file")
        data: dict[str, Any] = {"id": item["id"], "name": tk.request.form.get("name") or (upload.filename if upload else ""),
                "content": upload.read() if upload else None,
                "content_type": upload.mimetype if upload else None}
        try:
            tk.get_action("catalogue_item_artifact_upload")(catalogue_portal_context(), data)
        except tk.ValidationError as exc:
            errors = exc.error_dict
        except tk.NotAuthorized as exc:
            return tk.abort(403, str(exc.message or exc))
        except tk.ObjectNotFound:
            return tk.abort(404, tk._("An archived item takes no artifacts: restore it first"))
        else:
            tk.h.flash_success(tk._("Uploaded {name}.").format(name=data["name"]))
            return tk.redirect_to("catalogue_pages.item_artifacts", id=id)
    artifacts, _refused = _run("catalogue_item_artifact_list", {"id": item["id"]})
    return tk.render("catalogue/artifacts.html", {
        "item": item, "artifacts": artifacts, "errors": errors, "data": dict(tk.request.form),
        "may_write": catalogue_item_permissions(item).get("update", False)})


@catalogue_pages.route("/item/<id>/artifacts/delete", methods=["POST"])
def delete_item_artifact(id: str) -> Any:
    name = tk.request.form.get("name", "")
    _run_and_flash("catalogue_item_artifact_delete", {"id": id, "name": name},
                   tk._("Deleted {name}.").format(name=name))
    return tk.redirect_to("catalogue_pages.item_artifacts", id=id)


@catalogue_pages.route("/item/<id>/artifacts/<path:name>")
def item_artifact(id: str, name: str) -> Any:
    shown, refused = _run("catalogue_item_artifact_show", {"id": id, "name": name})
    if refused:
        return tk.abort(404, refused)
    try:
        content = catalogue_artifact_content(shown["file_id"])
    except tk.ObjectNotFound as exc:
        return tk.abort(404, str(exc.message or exc))
    return catalogue_file_headers(Response(content, mimetype=shown["content_type"], headers={"ETag": shown["etag"]}),
                                  name)


# --- moderation ---

@catalogue_pages.route("/moderation", methods=["GET", "POST"])
def moderation_queue() -> Any:
    """Items waiting for a decision, with approve and reject (Catalogue-Moderators)."""
    context = catalogue_portal_context()
    try:
        tk.check_access("catalogue_item_moderate", cast(Context, dict(context)), {})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc.message or exc))
    if tk.request.method == "POST":
        form = tk.request.form
        decision = "reject" if form.get("reject") else "approve"
        _run_and_flash("catalogue_item_moderate", {"id": form.get("id", ""), "decision": decision,
                                                   "message": form.get("message", "")},
                       tk._("Approved.") if decision == "approve" else tk._("Rejected; the author sees why."))
        return tk.redirect_to("catalogue_pages.moderation_queue")
    pending, _refused = _run("catalogue_item_search", {"moderation": ["pending"], "limit": 100,
                                                       "sort": "metadata_modified asc"})
    return tk.render("catalogue/moderation.html", {"pending": pending})


# --- software catalogs ---

CATALOGUE_SOFTWARE_PAGE_SIZE = 20


def _software_status(catalog: dict[str, Any]) -> str:
    """Updating (a job started after the last success), failed, ready or new."""
    attempt, success = catalog.get("last_update_attempt"), catalog.get("last_successful_update")
    if catalog.get("update_errors"):
        return "failed"
    if attempt and (not success or attempt > success):
        return "updating"
    return "ready" if success else "new"


@catalogue_pages.route("/software", methods=["GET", "POST"])
def software() -> Any:
    """Software catalogs with their counts and update status; discover,
    import and update for managers; a package search across them."""
    if not p.plugin_loaded("catalogue_software"):
        return tk.abort(404, tk._("Software catalogs are not enabled on this portal"))
    context = catalogue_portal_context()
    try:
        tk.check_access("catalogue_software_read", cast(Context, dict(context)), {})
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc.message or exc))
    form, args = tk.request.form, tk.request.args
    if tk.request.method == "POST":
        if form.get("import"):
            _run_and_flash("catalogue_software_import", {"name": form["import"]},
                           tk._("Import of {name} queued; the table shows its progress.").format(name=form["import"]))
        elif form.get("update"):
            _run_and_flash("catalogue_software_update", {"id": form["update"]},
                           tk._("Update queued; the table shows its progress."))
        return tk.redirect_to("catalogue_pages.software")
    catalogs, _refused = _run("catalogue_software_catalog_list", {"limit": 100, "o": "name"})
    for catalog in catalogs["results"]:
        catalog["status"] = _software_status(catalog)
    manager = catalogue_may("catalogue_software_manage")
    # Discovery reads every upstream: only when asked for.
    upstream = _run("catalogue_software_discover", {})[0] if manager and args.get("discover") else None
    filters = {k: args[k] for k in ("query", "catalog_uuid", "cpu_family", "has_gpu") if args.get(k)}
    page = _page_number()
    packages, refused = _run("catalogue_software_record_list", {
        "collection": "packages", "filters": filters, "o": "name", "limit": CATALOGUE_SOFTWARE_PAGE_SIZE,
        "offset": (page - 1) * CATALOGUE_SOFTWARE_PAGE_SIZE})
    if refused:
        tk.h.flash_error(refused)
        packages = cast("dict[str, Any]", {"count": 0, "results": []})
    return tk.render("catalogue/software.html", {
        "catalogs": catalogs["results"], "manager": manager, "upstream": upstream, "packages": packages,
        "filters": filters, "page": page,
        "pages": catalogue_page_count(packages["count"], CATALOGUE_SOFTWARE_PAGE_SIZE),
        "updating": any(c["status"] == "updating" for c in catalogs["results"])})


# --- a provider's dashboard ---

@catalogue_pages.route("/dashboard")
def dashboard() -> Any:
    """An organization's items by kind and its latest changes, for its members."""
    context = catalogue_portal_context()
    if not context["user"]:
        return tk.abort(403, tk._("Log in to see your organizations' items"))
    orgs = tk.get_action("organization_list_for_user")(cast(Context, dict(context)), {"permission": "read"})
    chosen = tk.request.args.get("organization") or (orgs[0]["name"] if orgs else None)
    if chosen is not None and chosen not in {o["name"] for o in orgs}:
        return tk.abort(404, tk._("You are not a member of that organization"))
    kinds = recent = None
    if chosen:
        kinds, _refused = _run("catalogue_item_facets", {"field": "kind", "organization": chosen})
        recent, _refused = _run("catalogue_item_search", {"organization": chosen, "limit": 10,
                                                          "sort": "metadata_modified desc"})
    return tk.render("catalogue/dashboard.html", {"orgs": orgs, "chosen": chosen, "kinds": kinds, "recent": recent})


@catalogue_pages.route("/item/<id>/children")
def item_children(id: str) -> Any:
    """One page of an item's children as tree rows (loaded into the item page)."""
    page = _page_number()
    try:
        children = catalogue_item_children(id, page)
    except tk.NotAuthorized as exc:
        return tk.abort(403, str(exc.message or exc))
    except (tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Item not found"))
    more = tk.h.url_for("catalogue_pages.item_children", id=id, page=page + 1) if page < children["pages"] else None
    return tk.render_snippet("catalogue/snippets/children_items.html", {"children": children, "more_url": more})
