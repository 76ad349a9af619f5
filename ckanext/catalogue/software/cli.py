"""``ckan catalogue software ...``: discover, import, update and list the
software catalogs; imports run here with a progress bar, or as background
jobs with ``--background``."""
from __future__ import annotations

import time
from typing import Any, cast

import click

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.catalogue.software.loaders import catalogue_software_source
from ckanext.catalogue.software.logic.action import catalogue_software_import_job, catalogue_software_update_job

__all__ = ["software"]


def _site() -> Context:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _call(action: str, **data: Any) -> Any:
    try:
        return tk.get_action(action)(_site(), data)
    except tk.ValidationError as error:
        raise click.ClickException("; ".join(f"{k}: {' '.join(map(str, cast('list[Any]', v)))}" for k, v in error.error_dict.items())) from error
    except tk.ObjectNotFound:
        raise click.ClickException("no such catalog") from None


def _report(result: dict[str, Any]) -> None:
    if result.get("error"):
        raise click.ClickException(result["error"])
    click.secho(f"{result['packages']} packages, {result['versions']} versions, {result['targets']} targets",
                fg="green")


def _with_bar(label: str, run: Any) -> dict[str, Any]:
    bar: Any | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        return run(progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@click.group(short_help="Software catalogs (EESSI, Spack).")
def software() -> None:
    """Software catalogs: packages, versions and targets on the DataStore."""
    if not p.plugin_loaded("catalogue_software"):
        raise click.ClickException("the catalogue_software plugin is not in ckan.plugins")


@software.command("discover")
def discover() -> None:
    """The newest version of each upstream, and whether a stored catalog is older."""
    for row in _call("catalogue_software_discover"):
        state = ("update available" if row["update_available"] else
                 "up to date" if row["existing"] else "not imported")
        click.echo(f"{row['name']:<8} {row['catalog_type']:<15} latest {row['latest_version'] or 'unreadable':<12} "
                   f"stored {row['existing_version'] or '-':<12} {state}")


@software.command("import")
@click.argument("name", type=click.Choice(["EESSI", "Spack"]))
@click.option("--background", is_flag=True, help="Queue a job for `ckan jobs worker` instead.")
def import_(name: str, background: bool) -> None:
    """Import an upstream catalog not stored yet."""
    if background:
        click.echo(_call("catalogue_software_import", name=name))
        return
    stored = [d for d in _call("catalogue_software_discover") if d["name"] == name and d["existing"]]
    if stored:
        raise click.ClickException(f"{name} {stored[0]['existing_version']} is imported already; "
                                   f"`ckan catalogue software update` reloads it")
    _report(_with_bar(f"importing {name}", lambda progress: catalogue_software_import_job(name, "", progress)))


@software.command("update")
@click.argument("catalog", required=False)
@click.option("--all", "every", is_flag=True, help="Every catalog an upstream has.")
@click.option("--background", is_flag=True, help="Queue jobs for `ckan jobs worker` instead.")
def update(catalog: str | None, every: bool, background: bool) -> None:
    """Reload a catalog (by uuid) from its upstream."""
    if not catalog and not every:
        raise click.UsageError("name a catalog uuid or give --all")

    if catalog:
        ids = [catalog]
    else:  # the catalogs an upstream loader fits
        ids = [c["uuid"] for c in _call("catalogue_software_catalog_list", limit=500)["results"]
               if catalogue_software_source(c["name"], c["catalog_type"])]
    failed = 0
    for ref in ids:
        try:
            if background:
                click.echo(_call("catalogue_software_update", id=ref))
                continue
            shown = _call("catalogue_software_catalog_show", id=ref)
            _report(_with_bar(f"updating {shown['name']} {shown['version']}",
                              lambda progress, catalog=shown["id"]: catalogue_software_update_job(catalog, progress)))
        except click.ClickException as error:
            click.secho(f"{ref}: {error.message}", fg="red", err=True)
            failed += 1
    if failed:
        raise click.ClickException(f"{failed} of {len(ids)} update(s) failed")


@software.command("list")
def list_() -> None:
    """The stored catalogs with their counts and last update."""
    found = _call("catalogue_software_catalog_list", limit=500)
    for c in found["results"]:
        status = c["update_errors"] or f"updated {c['last_successful_update'] or 'never'}"
        click.echo(f"{c['uuid']}  {c['name']:<8} {c['version']:<12} {c['catalog_type']:<15} "
                   f"{c['package_count']:>7} packages {c['version_count']:>7} versions  {status}")
    click.echo(f"{found['count']} catalog(s)")


@software.command("schedule")
@click.option("--every", type=click.IntRange(1), help="Keep running, checking every N minutes.")
def schedule(every: int | None) -> None:
    """Queue updates of the catalogs with auto_update_enabled that are due
    (run it daily from cron, or leave it running with --every)."""
    while True:
        queued = _call("catalogue_software_schedule")["queued"]
        click.echo(f"queued {len(queued)} update(s) {' '.join(queued)}".rstrip())
        if not every:
            return
        time.sleep(every * 60)
