"""Auth functions of the catalogue core, one module per subject (registered by the
plugin's blanket through ``__all__``)."""
from ckanext.catalogue.logic.auth import group, item, kind, rating, role, trash
from ckanext.catalogue.logic.auth.group import *  # noqa: F401,F403
from ckanext.catalogue.logic.auth.item import *  # noqa: F401,F403
from ckanext.catalogue.logic.auth.kind import *  # noqa: F401,F403
from ckanext.catalogue.logic.auth.rating import *  # noqa: F401,F403
from ckanext.catalogue.logic.auth.role import *  # noqa: F401,F403
from ckanext.catalogue.logic.auth.trash import *  # noqa: F401,F403

__all__: list[str] = []
__all__ += group.__all__
__all__ += item.__all__
__all__ += kind.__all__
__all__ += rating.__all__
__all__ += role.__all__
__all__ += trash.__all__
