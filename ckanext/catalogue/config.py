"""Typed readers of every ``ckanext.catalogue.*`` option. The options, their
types and defaults are declared in ``config_declaration.yaml``; the rest of
the package reads them only through these functions, never by key."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import config_declaration
from ckan.config.declaration import Key

_PREFIX = "ckanext.catalogue."

# The APIs whose request bodies are bounded and whose requests are rate
# limited, each with its own option.
CATALOGUE_LIMITED_APIS = ("action", "gcat", "iudx", "library", "globalcatalog", "software")


def _get(name: str, config: Mapping[str, Any] | None = None) -> Any:
    # ``config``: the configuration being loaded, before CKAN's is set (startup checks).
    # The explicit default skips CKANConfig's is-it-declared lookup, which
    # cost more than the read (every option read here is declared).
    return (tk.config if config is None else config).get(_PREFIX + name, None)


def _declared(name: str) -> Any:
    """The default config_declaration.yaml gives ``name``."""
    option = config_declaration.get(Key.from_string(_PREFIX + name))
    return option.default if option is not None else None


def _set(name: str) -> Any:
    """The option's value; a blank one (``key =`` in the ini) reads as its default."""
    value = _get(name)
    return _declared(name) if value in (None, "") else value


def _int(name: str, config: Mapping[str, Any] | None = None) -> int:
    return int(_get(name, config)) if config is not None else int(_set(name))


def _bool(name: str, config: Mapping[str, Any] | None = None) -> bool:
    return tk.asbool(_get(name, config))


def _str(name: str) -> str:
    return str(_set(name) or "")


# --- health and startup ---
# Read at IConfigurer.update_config, before CKAN applies the declared
# defaults: hence the defaults repeated here, and only here.

def catalogue_startup_checks(config: Mapping[str, Any] | None = None) -> bool:
    """Whether CKAN refuses to start when a component is broken."""
    return _bool("startup_checks", config) if _get("startup_checks", config) is not None else True


def catalogue_solr_timeout(config: Mapping[str, Any] | None = None) -> int:
    """Seconds a health check waits for Solr."""
    return _int("solr_timeout", config) if _get("solr_timeout", config) not in (None, "") else 5


def catalogue_solr_retry() -> float:
    """Seconds a Solr update that met a server error is tried again."""
    return float(_int("solr_retry"))


def catalogue_replica_wait() -> float:
    """Seconds a DataStore read waits for the replica to catch up."""
    return _int("datastore.replica_wait") / 1000


def catalogue_worker_max_age(config: Mapping[str, Any] | None = None) -> int:
    """Seconds since its last heartbeat after which the doctor calls a job worker gone."""
    value = _get("doctor.worker_max_age", config)
    return int(value) if value not in (None, "") else 480


# --- items ---

def catalogue_root_organization() -> str:
    """Name of the organization that holds items without one."""
    return _str("root_organization")


def catalogue_gcat_license_required() -> bool:
    """Whether a gCat item must name its licence (gCat's rule)."""
    return _bool("gcat.license_required")


def catalogue_globalcatalog_default_account() -> str:
    """Organization a Global Catalog entry goes to when the request names
    none (or ``account=global``) and the caller may write in several: the
    option, or the root organization."""
    return _str("globalcatalog.default_account") or catalogue_root_organization()


def catalogue_globalcatalog_ibm_account() -> str:
    """Organization that stands for IBM in ``ibm_only``/``nonibm_only`` (empty: refused)."""
    return _str("globalcatalog.ibm_account")


def catalogue_library_file_url_lifetime() -> int:
    """Seconds a library document's signed ``fileUrl`` stays valid (1 s to a day)."""
    return min(max(_int("library.file_url_lifetime"), 1), 86400)


def catalogue_iudx_legacy_schemas() -> bool:
    """Whether IUDX items may also be the older documents (not IUDX v5's schemas)."""
    return _str("iudx.schemas") == "legacy"


def catalogue_moderation_enabled() -> bool:
    """Whether items of moderated kinds wait for a moderator."""
    return _bool("moderation")


def catalogue_archive_retention_days() -> int:
    """Days an archived item stays restorable."""
    return _int("archive_retention_days")


def catalogue_artifacts_storage() -> str:
    """CKAN file storage the artifacts are kept in."""
    return _str("artifacts.storage")


def catalogue_artifacts_max_size() -> int:
    """Largest artifact, in bytes."""
    return _int("artifacts.max_size")


# --- scoped tokens ---

def catalogue_scoped_token_lifetime() -> int:
    """Seconds a scoped token lives unless asked for less."""
    return _int("scoped_token_lifetime")


def catalogue_scoped_token_max_lifetime() -> int:
    """The longest a scoped token may live, in seconds."""
    return _int("scoped_token_max_lifetime")


# --- rate limits ---

def catalogue_rate_limit_enabled() -> bool:
    return _bool("rate_limit.enabled")


def catalogue_rate_limit(api: str) -> str:
    """The limits of ``api`` (its own option, else the default), in the
    ``limits`` library's notation."""
    own = _get(f"rate_limit.{api}") if api in CATALOGUE_LIMITED_APIS else None
    return str(own or _get("rate_limit.default") or "")


# --- bounds on what a request may hold ---

def catalogue_body_limit(api: str) -> int:
    """Largest request body, in bytes, of ``api`` (its own option, else the default)."""
    own = _get(f"limits.body_size.{api}") if api in CATALOGUE_LIMITED_APIS else None
    return int(own) if own else _int("limits.body_size")


@dataclasses.dataclass(frozen=True)
class CatalogueDocumentLimits:
    """What one document (or request) may hold before it is stored."""

    depth: int
    properties: int
    string_length: int
    array_length: int


def catalogue_document_limits() -> CatalogueDocumentLimits:
    return CatalogueDocumentLimits(
        depth=_int("limits.depth"),
        properties=_int("limits.properties"),
        string_length=_int("limits.string_length"),
        array_length=_int("limits.array_length"),
    )


def catalogue_item_resources_max() -> int:
    """Most resources one item may hold."""
    return _int("limits.item_resources")


def catalogue_indexed_properties() -> int:
    """How many document properties of one item become Solr fields."""
    return _int("limits.indexed_properties")


def catalogue_gc_freeze() -> bool:
    """Whether start-up objects are set apart from the cyclic collector."""
    return _bool("gc_freeze")


def catalogue_bulk_index_batch() -> int:
    """Records a bulk write holds before writing them and posting their
    search documents in one Solr request."""
    return max(1, _int("bulk.index_batch"))


# --- the portal's map ---

def catalogue_map_tiles_url() -> str:
    """The map's tile URL; blank: no map, the typed box only."""
    return str(_get("map.tiles_url") or "")


def catalogue_map_attribution() -> str:
    return str(_get("map.attribution") or "")


# --- software catalogs ---

def catalogue_software_anonymous_read() -> bool:
    """Whether anonymous callers read the software catalogs."""
    return _bool("software.anonymous_read")


def catalogue_software_source_url(source: str) -> str:
    """Where the upstream ``source`` (``eessi``, ``spack``) is read from."""
    return _str(f"software.{source}_url")


def catalogue_jobs_queue() -> str:
    """The job queue of the core's background work (bulk removals)."""
    return _str("jobs.queue")


def catalogue_software_queue() -> str:
    """The job queue of software imports and updates."""
    return _str("software.queue")


def catalogue_software_timeout() -> int:
    """Seconds a loader waits for its upstream."""
    return _int("software.timeout")


def catalogue_software_update_interval() -> int:
    """Hours between automatic updates of a catalog."""
    return _int("software.update_interval")
