"""The typed readers of the catalogue's options: a blank text option in the
ini reads as its declared default (CKAN itself refuses a blank number), a
set one as itself."""
from __future__ import annotations

import pytest

from ckanext.catalogue import config


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.catalogue.software.queue", "")
@pytest.mark.ckan_config("ckanext.catalogue.artifacts.storage", "")
def test_blank_options_read_as_their_declared_defaults():
    assert config.catalogue_software_queue() == "default"
    assert config.catalogue_artifacts_storage() == "catalogue_artifacts"


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.catalogue.archive_retention_days", "3")
@pytest.mark.ckan_config("ckanext.catalogue.rate_limit.gcat", "")
@pytest.mark.ckan_config("ckanext.catalogue.rate_limit.default", "7/minute")
@pytest.mark.ckan_config("ckanext.catalogue.map.tiles_url", "")
def test_set_options_read_as_set():
    assert config.catalogue_archive_retention_days() == 3
    assert config.catalogue_rate_limit("gcat") == "7/minute"  # none of its own: the default
    assert config.catalogue_map_tiles_url() == ""  # blank: no map
