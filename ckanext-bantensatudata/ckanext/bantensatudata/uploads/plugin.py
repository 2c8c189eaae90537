"""Satu Data uploads wing (placeholder plugin; filled in by its issue)."""
from __future__ import annotations

import ckan.plugins as p


class BantenSatuDataUploadsPlugin(p.SingletonPlugin):
    pass
