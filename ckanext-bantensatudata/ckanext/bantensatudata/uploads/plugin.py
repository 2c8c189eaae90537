"""Satu Data uploads wing: allowed formats, content checks, safe downloads, download counts.

The seam is core's own: ``IUploader.get_resource_uploader`` is what
``package_update`` (behind ``resource_create``/``resource_update``, API and web
form alike) and the download view ask for, whether resources live under
``ckan.storage_path`` or in a ``ckan.files`` file-system storage.  See
storage.py for how a file gets in, views.py for how it gets out.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import storage, views


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.config_declarations
class BantenSatuDataUploadsPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IUploader, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "bantensatudata_uploads")
        storage.install_transaction_hooks()

    # IUploader
    def get_uploader(self, upload_to: str, old_filename: str | None) -> None:
        return None  # group/user images and the site logo stay with core

    def get_resource_uploader(self, data_dict: dict[str, Any]) -> storage.ResourceUpload:
        return storage.ResourceUpload(data_dict)

    # IMiddleware
    def make_middleware(self, app: Any, config: tk.CKANConfig) -> Any:
        return views.install(app)
