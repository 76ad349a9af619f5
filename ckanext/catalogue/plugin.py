"""The ``catalogue`` plugin: the catalogue core on top of CKAN."""
from __future__ import annotations

import gc
from collections.abc import Mapping
from typing import Any, cast

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultPermissionLabels
from ckan.lib.search import SearchQueryError
from ckan.types import Schema

from ckanext.catalogue import config as catalogue_config
from ckanext.catalogue import health
from ckanext.catalogue.api import guards, ratelimit
from ckanext.catalogue.api.views import catalogue_openapi
from ckanext.catalogue.core import kinds, moderation, query, scoped_tokens, solr, visibility
from ckanext.catalogue.core.document import CATALOGUE_DATASET_TYPE, catalogue_index_fields, catalogue_is_item
from ckanext.catalogue.interfaces import ICatalogueReaders
from ckanext.catalogue.logic.action import catalogue_get_actions
from ckanext.catalogue.portal.helpers import catalogue_helpers
from ckanext.catalogue.portal.views import catalogue_pages
from ckanext.catalogue.software import access as software_access


@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.actions(catalogue_get_actions)
@tk.blanket.auth_functions
class CataloguePlugin(p.SingletonPlugin, tk.DefaultDatasetForm):
    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IApiToken, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IDatasetForm)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(ICatalogueReaders)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "catalogue")
        kinds.catalogue_reset_registry()
        solr.catalogue_install()
        # Runs before CKAN's own Solr schema check and before other plugins
        # (the DataStore) connect, so a broken component is reported as one
        # sentence instead of a stack trace.
        health.catalogue_check_startup(config)

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        if catalogue_is_item(pkg_dict):
            pkg_dict = catalogue_index_fields(pkg_dict)
            pkg_dict["catalogue_exclude"] = visibility.catalogue_excluded_labels(pkg_dict["id"])
        return pkg_dict

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        # The portal map's box (any dataset search takes it, as with
        # ckanext-spatial): items whose location meets it.
        box = cast("dict[str, Any]", search_params.get("extras") or {}).get(query.CATALOGUE_BBOX_PARAM)
        if box:
            try:
                wkt = query.catalogue_bbox_wkt(box)
            except ValueError as exc:
                raise SearchQueryError(tk._("ext_bbox: {reason}").format(reason=exc)) from None
            # Its own filter: appended to ``fq`` it could join a caller's OR.
            search_params.setdefault("fq_list", []).append(query.catalogue_geo_filter("intersects", wkt))
        return search_params

    # IApiToken

    def create_api_token_schema(self, schema: Schema) -> Schema:
        ignore_missing = tk.get_validator("ignore_missing")
        schema[scoped_tokens.SCOPE_CLAIM] = [ignore_missing, tk.get_validator("unicode_safe")]
        schema[scoped_tokens.EXPIRES_FIELD] = [ignore_missing, tk.get_validator("int_validator")]
        return schema

    def postprocess_api_token(self, data: dict[str, Any], jti: str, data_dict: dict[str, Any]) -> dict[str, Any]:
        return scoped_tokens.catalogue_add_scope_claims(data, data_dict)

    def preprocess_api_token(self, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
        # A scoped token identifies nobody outside the catalogue's item APIs.
        if data and data.get(scoped_tokens.SCOPE_CLAIM) and not scoped_tokens.catalogue_scope_allowed_here():
            return None
        return data

    # IDatasetForm: items have their own dataset type and pages (/catalogue/).

    def package_types(self) -> list[str]:
        return [CATALOGUE_DATASET_TYPE]

    def is_fallback(self) -> bool:
        return False

    # IDatasetForm passes package_type (CKAN calls these with it);
    # DefaultDatasetForm's annotations leave it out.
    def read_template(self, package_type: str) -> str:  # pyright: ignore[reportIncompatibleMethodOverride]
        return "catalogue/read.html"

    def search_template(self, package_type: str) -> str:  # pyright: ignore[reportIncompatibleMethodOverride]
        return "catalogue/search.html"

    def search_template_htmx(self, package_type: str) -> str:  # pyright: ignore[reportIncompatibleMethodOverride]
        return "catalogue/snippets/search_htmx.html"

    # IFacets: the catalogue's search filters by kind, provider (the item's
    # organization: each IUDX provider has one), tag, visibility and
    # moderation state.

    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        if package_type != CATALOGUE_DATASET_TYPE:
            return facets_dict
        return {"catalogue_kind": tk._("Kinds"), "organization": tk._("Providers"), "tags": tk._("Tags"),
                "capacity": tk._("Visibility"), "catalogue_moderation": tk._("State")}

    # IBlueprint

    def get_blueprint(self) -> list[Any]:
        return [catalogue_pages, catalogue_openapi]

    # IMiddleware: rate limits run after CKAN has identified the user.

    def make_middleware(self, app: Any, config: Any) -> Any:
        app.before_request(ratelimit.catalogue_check_rate_limit)
        guards.catalogue_install_guards(app)
        if catalogue_config.catalogue_gc_freeze():
            # The app is built: what start-up made lives as long as the
            # process, and the collector need not scan it again and again.
            gc.collect()
            gc.freeze()
        return app

    # ITemplateHelpers

    def get_helpers(self) -> dict[str, Any]:
        return catalogue_helpers()

    # IPermissionLabels: CKAN's labels, items' visibility (visibility.py);
    # items awaiting moderation are
    # labelled for their author and the moderators only; features add theirs
    # through ICatalogueReaders (the software catalogs).

    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        labels = visibility.catalogue_visibility_dataset_labels(
            dataset_obj, _DEFAULT_LABELS.get_dataset_labels(dataset_obj))
        labels = moderation.catalogue_dataset_labels(dataset_obj, labels)
        for plugin in p.PluginImplementations(ICatalogueReaders):
            labels = plugin.catalogue_dataset_labels(dataset_obj, labels)
        return labels

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        labels = visibility.catalogue_visibility_user_labels(
            user_obj, _DEFAULT_LABELS.get_user_dataset_labels(user_obj))
        labels = moderation.catalogue_user_labels(user_obj, labels)
        for plugin in p.PluginImplementations(ICatalogueReaders):
            labels = plugin.catalogue_user_labels(user_obj, labels)
        return labels

    # ICatalogueReaders: software catalogs are for signed-in users (and
    # anonymous ones with ckanext.catalogue.software.anonymous_read), with or
    # without the catalogue_software plugin that serves their API.

    def catalogue_dataset_labels(self, dataset: model.Package, labels: list[str]) -> list[str]:
        return software_access.catalogue_software_dataset_labels(dataset, labels)

    def catalogue_user_labels(self, user: Any, labels: list[str]) -> list[str]:
        return software_access.catalogue_software_user_labels(user, labels)

    def catalogue_read_refusal(self, dataset: model.Package, user_name: str | None) -> str | None:
        if software_access.catalogue_software_may_read(dataset, user_name):
            return None
        return tk._("Software catalogs are for signed-in users")


_DEFAULT_LABELS = DefaultPermissionLabels()
