# Metadata and entry points live in pyproject.toml; this file only keeps the
# Babel message extractors, which have no pyproject.toml form yet.
from setuptools import setup

setup(
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
