"""The ``catalogue`` plugin: the catalogue core on top of CKAN."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig

from ckanext.catalogue import health


@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.actions
@tk.blanket.auth_functions
class CataloguePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "catalogue")
        # Runs before CKAN's own Solr schema check and before other plugins
        # (the DataStore) connect, so a broken component is reported as one
        # sentence instead of a stack trace.
        health.catalogue_check_startup(config)
