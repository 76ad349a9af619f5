"""``ckan catalogue ...`` commands."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

from ckanext.catalogue import health

# Registered by the plugin's `tk.blanket.cli`.
__all__ = ["catalogue"]


@click.group(short_help="Catalogue service commands.")
def catalogue() -> None:
    """Commands of ckanext-catalogue."""


@catalogue.command()
def doctor() -> None:
    """Check every component the catalogue needs, one line each.

    Exits non-zero when any component is broken.
    """
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
    """Load the demo catalogue, ensure a sysadmin and print a new API token for it."""
    from ckanext.catalogue import demo as demo_data

    user, new_password = demo_data.catalogue_ensure_sysadmin(admin, email, password)
    if new_password:
        click.secho(f"created sysadmin {admin} with password {new_password}", fg="green")
    for line in demo_data.catalogue_load_demo(user["name"]):
        click.echo(f"created {line}")
    token = demo_data.catalogue_new_api_token(user["name"], "make-run")
    click.secho(f"API token of sysadmin {admin}:", bold=True)
    click.echo(token)


def _site_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def _call(action: str, **data: object) -> object:
    try:
        return tk.get_action(action)(_site_context(), data)
    except tk.ValidationError as exc:
        raise click.ClickException(
            "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in exc.error_dict.items())
        )
    except tk.ObjectNotFound as exc:
        raise click.ClickException(str(exc.message or exc))


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
    data = {"limit": 1000}
    if role_name:
        data["role"] = role_name
    for grant in _call("catalogue_role_list", **data):
        click.echo(f"{grant['user']}\t{grant['role']}\t{grant['created']}")
