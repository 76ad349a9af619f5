"""The WSGI application gunicorn serves: CKAN with the ini named by
CKAN_INI (the cluster stack's web processes, stack/bin/cluster.sh, and
bench/http_throughput.py)."""
import logging
import os

from ckan.cli import load_config
from ckan.config.middleware import make_app

application = make_app(load_config(os.environ["CKAN_INI"]))

# The ini's logging setup (fileConfig) disables loggers made before it,
# gunicorn's among them: its access and error logs are wanted.
for _name in ("gunicorn.access", "gunicorn.error"):
    logging.getLogger(_name).disabled = False
