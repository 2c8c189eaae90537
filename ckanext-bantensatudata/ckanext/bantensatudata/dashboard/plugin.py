"""Satu Data dashboard wing (placeholder plugin; filled in by its issue)."""
from __future__ import annotations

import ckan.plugins as p


class BantenSatuDataDashboardPlugin(p.SingletonPlugin):
    pass
