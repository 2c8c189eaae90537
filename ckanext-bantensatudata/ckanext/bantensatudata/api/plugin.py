"""Satu Data for programs: the API page, DCAT profile, CORS, rate limits, JSON errors.

Thin: the page and the request hooks are in views.py (hooks in guard.py), the
DCAT/schema.org profiles in dcat.py (registered as ckanext-dcat profiles by
setup.py entry points), settings in config.py.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import guard


@tk.blanket.blueprints
@tk.blanket.config_declarations
class BantenSatuDataApiPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")

    # IMiddleware
    def make_middleware(self, app: Any, config: tk.CKANConfig) -> Any:
        """Run our after-request hook last, after core's (which may add CORS).

        Flask runs after-request functions in reverse order of registration,
        and core's ``ckan_after_request`` was registered before any plugin
        blueprint; moving ours to the front makes it the final word on the
        CORS headers (none for writes, ever).
        """
        funcs = getattr(app, "after_request_funcs", {}).get(None)
        if funcs and guard.after_request in funcs:
            funcs.remove(guard.after_request)
            funcs.insert(0, guard.after_request)
        if hasattr(app, "teardown_request"):
            guard.remember_csrf_exemptions()
            app.teardown_request(guard.reprotect_csrf)
        return app
