"""``ckan catalogue ...`` commands."""
from __future__ import annotations

import json
import time
import uuid
from typing import IO, Any, cast

import click

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.catalogue import demo as demo_data
from ckanext.catalogue import health
from ckanext.catalogue.core.purge import catalogue_purge_packages
from ckanext.catalogue.core.reindex import catalogue_reindex, catalogue_reindex_job
from ckanext.catalogue.jobs import CatalogueJobsUnavailable, catalogue_enqueue
from ckanext.catalogue.software.cli import software

# Registered by the plugin's `tk.blanket.cli`.
__all__ = ["catalogue"]


@click.group(short_help="Catalogue service commands.")
def catalogue() -> None:
    """Commands of ckanext-catalogue."""


catalogue.add_command(software)


@catalogue.command("purge-expired")
@click.option("--days", type=click.IntRange(0, 36500), help="Retention in days (default: the configured one).")
def purge_expired(days: int | None) -> None:
    """Purge the items archived (deleted) longer than the retention period."""
    result = tk.get_action("catalogue_item_purge_expired")(_site_context(), {} if days is None else {"days": days})
    click.echo(f"purged {len(result['purged'])} item(s)")


@catalogue.command("schedule")
@click.option("--every", type=click.IntRange(1), help="Keep running, every N minutes.")
def schedule(every: int | None) -> None:
    """The periodic work: purge expired archived items and queue the due
    updates of software catalogs (run it daily from cron, or keep it
    running with --every)."""
    while True:
        purged = tk.get_action("catalogue_item_purge_expired")(_site_context(), {})["purged"]
        if p.plugin_loaded("catalogue_software"):
            queued = tk.get_action("catalogue_software_schedule")(_site_context(), {})["queued"]
            click.echo(f"purged {len(purged)} expired item(s); queued {len(queued)} software update(s)")
        else:
            click.echo(f"purged {len(purged)} expired item(s)")
        if not every:
            return
        time.sleep(every * 60)


@catalogue.command()
@click.option("--repair", is_flag=True, help="Reload the Solr core first when its index writer refuses writes.")
def doctor(repair: bool) -> None:
    """Check every component the catalogue needs, one line each.

    Exits non-zero when any component is broken.
    """
    if repair and not health.check_solr_writes(tk.config).ok:
        failed = health.catalogue_reload_solr_core(tk.config)
        click.echo(f"reloading the Solr core: {failed or 'done'}")
    results = health.catalogue_run_checks(tk.config, health.DOCTOR_CHECKS)
    width = max(len(r.component) for r in results)
    for result in results:
        mark = click.style("ok  ", fg="green") if result.ok else click.style("FAIL", fg="red", bold=True)
        click.echo(f"{mark} {result.component.ljust(width)}  {result.message}")
    broken = [r.component for r in results if not r.ok]
    if broken:
        raise click.ClickException(f"broken: {', '.join(broken)}")


@catalogue.command()
@click.option("--admin", default="admin", show_default=True, help="Name of the sysadmin to ensure.")
@click.option("--email", default="admin@example.org", show_default=True, help="Email of a new sysadmin.")
@click.option("--password", envvar="CATALOGUE_ADMIN_PASSWORD", help="Password of a new sysadmin (default: random).")
def demo(admin: str, email: str, password: str | None) -> None:
    """Load the demo catalogue (every dialect, from the shipped data files,
    offline), ensure a sysadmin and a user per catalogue role, and print a
    new API token for the sysadmin (and, once, the new users' passwords and
    tokens)."""
    user, new_password = demo_data.catalogue_ensure_sysadmin(admin, email, password)
    if new_password:
        click.secho(f"created sysadmin {admin} with password {new_password}", fg="green")
    with click.progressbar(length=demo_data.catalogue_demo_steps(), label="demo catalogue") as bar:
        loaded = demo_data.catalogue_load_demo(user["name"], lambda _label: bar.update(1))
    for line in loaded.lines:
        click.echo(f"created {line}")
    if loaded.users:
        click.secho("Demo users (passwords and tokens are shown this once):", bold=True)
        for person in loaded.users:
            click.echo(f"  {person.name:16} password {person.password}  {person.about}")
            click.echo(f"  {'':16} token    {person.token}")
    token = demo_data.catalogue_new_api_token(user["name"], "make-run")
    click.secho(f"API token of sysadmin {admin}:", bold=True)
    click.echo(token)


def _site_context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def _call(action: str, _as: str | None = None, **data: object) -> Any:
    """Run a core action as user ``_as`` (default: the site user), turning
    refusals into one-line CLI errors."""
    try:
        return tk.get_action(action)({"user": _as} if _as else _site_context(), data)
    except tk.NotAuthorized as exc:
        raise click.ClickException(f"not allowed: {exc.message or exc}") from exc
    except tk.ValidationError as exc:
        raise click.ClickException(
            "; ".join(f"{field}: {' '.join(map(str, cast('list[Any]', msgs)))}" for field, msgs in exc.error_dict.items())
        ) from exc
    except tk.ObjectNotFound as exc:
        raise click.ClickException(str(exc.message or exc)) from exc


@catalogue.group()
def role() -> None:
    """Grant, revoke and list catalogue roles (runs with the site user's rights)."""


@role.command("grant")
@click.argument("user")
@click.argument("role_name", metavar="ROLE")
def role_grant(user: str, role_name: str) -> None:
    """Grant ROLE (Catalogue-Member|Editor|Admin|Manager|Moderator) to USER."""
    result = _call("catalogue_role_grant", user=user, role=role_name)
    click.echo(f"{result['user']}: {', '.join(result['roles'])}")


@role.command("revoke")
@click.argument("user")
@click.argument("role_name", metavar="ROLE")
def role_revoke(user: str, role_name: str) -> None:
    """Revoke ROLE from USER."""
    result = _call("catalogue_role_revoke", user=user, role=role_name)
    click.echo(f"{result['user']}: {', '.join(result['roles']) or 'no catalogue role'}")


@role.command("list")
@click.option("--role", "role_name", help="Only this role.")
def role_list(role_name: str | None) -> None:
    """List every role grant."""
    data: dict[str, Any] = {"limit": 1000}
    if role_name:
        data["role"] = role_name
    for grant in _call("catalogue_role_list", **data):
        click.echo(f"{grant['user']}\t{grant['role']}\t{grant['created']}")


@catalogue.group()
def item() -> None:
    """Import and export catalogue items (JSON Lines, one item per line)."""


@item.command("import")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 1000),
              help="Items per database transaction and search-index commit.")
@click.option("--user", help="Import as this user (default: the site user).")
@click.option("--compare", is_flag=True,
              help="Then time a loop of CKAN's package_create over as many datasets (made and purged "
                   "again) and print both rates side by side.")
def item_import(source: IO[str], batch_size: int, user: str | None, compare: bool) -> None:
    """Create the items of SOURCE (a JSONL file, `-` for stdin), parents
    before children. Each line is a document (with its `type`) or an object
    with `doc` and optionally `kind`, `id`, `parent`, `private`. Refused lines
    are reported; the others are created."""
    lines = [line for line in source if line.strip()]
    context: Context = {"user": user} if user else _site_context()
    created = failed = not_indexed = 0
    written = {"bulk": 0, "single": 0}
    started = time.monotonic()
    with click.progressbar(length=len(lines), label="importing", show_pos=True) as bar:
        for start in range(0, len(lines), batch_size):
            records = []
            for _number, line in enumerate(lines[start:start + batch_size], start=start + 1):
                try:
                    parsed = json.loads(line)
                except json.JSONDecodeError as exc:
                    parsed = {"__bad_line__": f"not JSON ({exc.msg})"}
                records.append(parsed if "doc" in parsed else {"doc": parsed})
            try:
                result = tk.get_action("catalogue_item_bulk_create")(cast(Context, dict(context)), {"records": records})
            except tk.NotAuthorized as exc:
                raise click.ClickException(f"not allowed: {exc.message or exc}") from exc
            created += len(result["created"])
            not_indexed += len(result.get("not_indexed", []))
            for path, count in result.get("written", {}).items():
                written[path] += count
            for error in result["errors"]:
                failed += 1
                message = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error["errors"].items())
                click.echo(f"\nline {start + error['index'] + 1}: {message}", err=True)
            bar.update(len(records))
    elapsed = max(time.monotonic() - started, 1e-9)
    click.echo(f"created {created} item(s), refused {failed}, {created / elapsed:.1f} items/s "
               f"({written['bulk']} by the bulk writer, {written['single']} one by one)")
    if not_indexed:
        click.secho(f"{not_indexed} item(s) stored while Solr was unreachable and not searchable yet: "
                    "run `ckan catalogue reindex`", fg="yellow", err=True)
        raise click.exceptions.Exit(2)
    if compare and created:
        reference = _package_create_rate(created)
        click.echo(f"package_create loop: {reference:.1f} items/s; bulk import is "
                   f"{created / elapsed / reference:.1f}x as fast")
    if failed:
        raise click.exceptions.Exit(1)


def _package_create_rate(count: int) -> float:
    """Items/s of CKAN's own package_create, one call per dataset, on
    datasets like the imported ones, in a throwaway organization purged after."""
    context = _site_context()
    org = tk.get_action("organization_create")(cast(Context, dict(context)), {"name": f"bench-{uuid.uuid4().hex[:12]}"})
    ids = []
    started = time.monotonic()
    try:
        with click.progressbar(range(count), label="package_create loop") as bar:
            for number in bar:
                created = tk.get_action("package_create")(cast(Context, dict(context)), {
                    "name": f"bench-{uuid.uuid4().hex}", "owner_org": org["id"], "title": f"Item {number}",
                    "notes": "reference measurement", "tags": [{"name": "bench"}],
                    "extras": [{"key": "doc", "value": "{}"}]})
                ids.append(created["id"])
        elapsed = max(time.monotonic() - started, 1e-9)
    finally:
        catalogue_purge_packages(ids)
        tk.get_action("group_purge")(cast(Context, dict(context)), {"id": org["id"]})
    return count / elapsed


@item.command("export")
@click.argument("target", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--kind", "kinds", multiple=True, help="Only these kinds (repeatable).")
@click.option("--under", help="Only the items under this item (id or alias).")
def item_export(target: IO[str], kinds: tuple[str, ...], under: str | None) -> None:
    """Write every item (or those selected) to TARGET as JSONL, parents
    before children, in the format `item import` reads."""
    query: dict[str, Any] = {"limit": 0}
    if kinds:
        query["kind"] = list(kinds)
    if under:
        query["ancestor"] = [under]
    total = _call("catalogue_item_count", **query)["count"]
    page = 1000
    with click.progressbar(length=total, label="exporting", show_pos=True, file=click.get_text_stream("stderr")) as bar:
        for offset in range(0, total, page):
            found = _call("catalogue_item_search", **{**query, "limit": page, "offset": offset,
                                                      "sort": "catalogue_depth asc"})
            for found_item in found["results"]:
                record = {"id": found_item["id"], "kind": found_item["kind"], "doc": found_item["doc"],
                          "private": found_item["private"]}
                if found_item["parent"]:
                    record["parent"] = found_item["parent"]
                target.write(json.dumps(record, sort_keys=True) + "\n")
            bar.update(len(found["results"]))


_AS_USER = click.option("--user", "as_user", help="Run as this user, with their catalogue roles (default: the site user).")
_KIND = click.option("--kind", type=click.Choice(["group", "organization"]), default="group", show_default=True)


@catalogue.group()
def group() -> None:
    """List, create, delete and purge groups and organizations (same rules as the API)."""


@group.command("list")
@_KIND
@click.option("--count", is_flag=True, help="Print how many there are.")
@_AS_USER
def group_list(kind: str, count: bool, as_user: str | None) -> None:
    if count:
        click.echo(_call("catalogue_group_list", as_user, kind=kind, count=True))
        return
    for name in _call("catalogue_group_list", as_user, kind=kind, limit=1000):
        click.echo(name)


@group.command("create")
@click.argument("name")
@_KIND
@click.option("--title", default="")
@click.option("--description", default="")
@_AS_USER
def group_create(name: str, kind: str, title: str, description: str, as_user: str | None) -> None:
    created = _call("catalogue_group_create", as_user, kind=kind, name=name, title=title, description=description)
    click.echo(f"created {kind} {created['name']}")


@group.command("delete")
@click.argument("name")
@_KIND
@click.option("--purge", is_flag=True, help="Remove it and every trace of it instead of a soft delete.")
@_AS_USER
def group_delete(name: str, kind: str, purge: bool, as_user: str | None) -> None:
    _call("catalogue_group_purge" if purge else "catalogue_group_delete", as_user, kind=kind, id=name)
    click.echo(f"{'purged' if purge else 'deleted'} {kind} {name}")


@catalogue.group()
def trash() -> None:
    """What is soft-deleted: list it, or purge it all."""


@trash.command("list")
@_AS_USER
def trash_list(as_user: str | None) -> None:
    listed = _call("catalogue_trash_list", as_user)
    for key in ("groups", "organizations", "items"):
        for name in listed[key]:
            click.echo(f"{key[:-1]}\t{name}")


@trash.command("empty")
@_AS_USER
def trash_empty(as_user: str | None) -> None:
    purged = _call("catalogue_trash_empty", as_user)
    click.echo(", ".join(f"{len(v)} {k}" for k, v in purged.items()) + " purged")


@item.command("delete")
@click.argument("item_id")
@click.option("--purge", is_flag=True, help="Remove it and every trace of it instead of a soft delete.")
@click.option("--cascade", is_flag=True, help="With --purge: its whole subtree too (Catalogue-Admin).")
@_AS_USER
def item_delete(item_id: str, purge: bool, cascade: bool, as_user: str | None) -> None:
    """Delete (or purge) the item ITEM_ID (an id, alias or name)."""
    if purge:
        purged = _call("catalogue_item_purge", as_user, id=item_id, cascade=cascade)["purged"]
        click.echo(f"purged {len(purged)} item(s)")
    else:
        _call("catalogue_item_delete", as_user, id=item_id)
        click.echo(f"deleted {item_id}")


@catalogue.command()
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 5000))
@click.option("--background", is_flag=True, help="Queue it as a background job for `ckan jobs worker`.")
def reindex(batch_size: int, background: bool) -> None:
    """Bring the search index back in line with the database for catalogue
    items: index every active item (in batches, one Solr commit each) and
    remove index documents of items the database no longer has. For after
    Solr was unreachable while items changed."""
    if background:
        try:
            job = catalogue_enqueue(catalogue_reindex_job, kwargs={"batch_size": batch_size},
                                    title="catalogue reindex")
        except CatalogueJobsUnavailable as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"queued job {job.id}; `ckan jobs worker` runs it")
        return
    bar = None

    def start(total: int) -> None:
        nonlocal bar
        bar = click.progressbar(length=total, label="indexing", show_pos=True)
        bar.__enter__()

    try:
        # bar is set by start, which catalogue_reindex calls before any progress.
        result = catalogue_reindex(batch_size, progress=lambda n: cast(Any, bar).update(n), on_total=start)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(result.summary())
