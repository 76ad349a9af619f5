"""The WSGI application gunicorn serves in bench/http_throughput.py: CKAN
with the ini named by CKAN_INI."""
import os

from ckan.cli import load_config
from ckan.config.middleware import make_app

application = make_app(load_config(os.environ["CKAN_INI"]))
