"""Actions of the catalogue core, one module per subject (registered by the
plugin through ``catalogue_get_actions``)."""
from typing import Any

import ckan.plugins as p

from ckanext.catalogue.logic.action import (
    artifact,
    dataset_guard,
    group,
    item,
    kind,
    lifecycle,
    listing,
    parents,
    pricing,
    rating,
    read_paths,
    resource,
    role,
    token,
    trash,
    visibility,
)
from ckanext.catalogue.logic.action.artifact import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.dataset_guard import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.group import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.item import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.kind import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.lifecycle import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.listing import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.parents import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.pricing import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.rating import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.read_paths import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.resource import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.role import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.token import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.trash import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.visibility import *  # noqa: F401,F403

__all__: list[str] = []
__all__ += artifact.__all__
__all__ += dataset_guard.__all__
__all__ += group.__all__
__all__ += item.__all__
__all__ += kind.__all__
__all__ += lifecycle.__all__
__all__ += listing.__all__
__all__ += parents.__all__
__all__ += pricing.__all__
__all__ += rating.__all__
__all__ += read_paths.__all__
__all__ += resource.__all__
__all__ += role.__all__
__all__ += token.__all__
__all__ += trash.__all__
__all__ += visibility.__all__


def catalogue_get_actions() -> dict[str, Any]:
    """The actions to register: every one above, but the chains of the
    activity streams and DataStore reads only when CKAN's activity and
    datastore plugins provide them."""
    skip = (*(() if p.plugin_loaded("activity") else read_paths.CATALOGUE_ACTIVITY_ACTIONS),
            *(() if p.plugin_loaded("datastore") else read_paths.CATALOGUE_DATASTORE_ACTIONS))
    return {name: globals()[name] for name in __all__ if name not in skip}
