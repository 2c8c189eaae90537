"""Satu Data catalogue: schemas hooks, facets, seed, registry (thin; see logic/)."""
from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from .logic import choices, facets, sectors

LICENSES_FILE = os.path.join(os.path.dirname(__file__), "licenses.json")


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.config_declarations
class BantenSatuDataPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        # CC-BY-4.0 and friends: Satu Data's default licence is not in core's list.
        if not config.get("licenses_group_url"):
            config["licenses_group_url"] = "file://" + LICENSES_FILE

    # IFacets
    def dataset_facets(self, facets_dict: OrderedDict[str, Any],
                       package_type: str) -> OrderedDict[str, Any]:
        return facets.for_package_type(package_type)

    def group_facets(self, facets_dict: OrderedDict[str, Any], group_type: str,
                     package_type: str | None) -> OrderedDict[str, Any]:
        return facets.for_package_type(package_type or "dataset")

    def organization_facets(self, facets_dict: OrderedDict[str, Any], organization_type: str,
                            package_type: str | None) -> OrderedDict[str, Any]:
        return facets.for_package_type(package_type or "dataset")

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return facets.index_fields(pkg_dict)

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        return facets.label_facets(search_results)

    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        self._sync_sectors(pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        self._sync_sectors(pkg_dict)

    @staticmethod
    def _sync_sectors(pkg_dict: dict[str, Any]) -> None:
        if pkg_dict.get("type") in choices.DATASET_TYPES and pkg_dict.get("id"):
            sectors.sync(pkg_dict["id"], pkg_dict.get("groups"))

