"""Satu Data api wing (placeholder plugin; filled in by its issue)."""
from __future__ import annotations

import ckan.plugins as p


class BantenSatuDataApiPlugin(p.SingletonPlugin):
    pass
