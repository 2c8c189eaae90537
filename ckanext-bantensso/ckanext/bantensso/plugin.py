"""Banten Satu Login: OpenID Connect / OAuth2 single sign-on (thin; see oidc.py, accounts.py)."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.bantensso import views


@tk.blanket.config_declarations
@tk.blanket.blueprints
@tk.blanket.helpers
class BantenSSOPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.ITranslation)  # DefaultTranslation: i18n/, domain ckanext-bantensso

    def update_config(self, config_: tk.CKANConfig) -> None:
        tk.add_template_directory(config_, "templates")

    # IAuthenticator
    def login(self) -> Any:
        return views.password_login_guard()

    def logout(self) -> Any:
        return views.provider_logout()
