"""Errors of the catalogue core that dialects translate to their own shapes."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


class CatalogueConflict(tk.ValidationError):
    """The request clashes with the current state (a name taken, datasets
    still owned): 409 in every dialect, a ValidationError to CKAN's API."""
