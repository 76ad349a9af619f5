"""Actions of the catalogue core, one module per subject (registered by the
plugin's blanket through ``__all__``)."""
from ckanext.catalogue.logic.action import artifact, dataset_guard, group, item, lifecycle, listing, parents, pricing, read_paths, role, software, token, trash, visibility
from ckanext.catalogue.logic.action.artifact import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.dataset_guard import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.group import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.item import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.lifecycle import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.listing import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.parents import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.pricing import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.read_paths import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.role import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.software import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.token import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.trash import *  # noqa: F401,F403
from ckanext.catalogue.logic.action.visibility import *  # noqa: F401,F403

__all__ = artifact.__all__ + dataset_guard.__all__ + group.__all__ + item.__all__ + lifecycle.__all__ + listing.__all__ + parents.__all__ + pricing.__all__ + read_paths.__all__ + role.__all__ + software.__all__ + token.__all__ + trash.__all__ + visibility.__all__
