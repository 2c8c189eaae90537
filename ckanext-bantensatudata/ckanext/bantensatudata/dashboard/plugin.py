"""Dashboard Pimpinan: the leadership dashboard with tiered access (thin; see logic/)."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import cache


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.blueprints
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.config_declarations
class BantenSatuDataDashboardPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IDomainObjectModification, inherit=True)

    # IConfigurer
    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "bantensatudata_dashboard")
        cache.listen()

    # IDomainObjectModification: any dataset/resource/membership write makes the figures stale
    def notify(self, entity: Any, operation: str) -> None:
        cache.mark_dirty(model.Session())
