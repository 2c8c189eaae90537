"""WSGI entry point for gunicorn: ``gunicorn --paste`` is not needed.

CKAN_INI names the configuration file (``config/ckan.ini`` by default).
"""
from __future__ import annotations

import os

from ckan.cli import CKANConfigLoader, load_config  # noqa: F401  (load_config sets up logging)
from ckan.config.middleware import make_app

_ini = os.environ.get("CKAN_INI") or os.path.join(os.path.dirname(__file__), "ckan.ini")
application = make_app(load_config(_ini))
