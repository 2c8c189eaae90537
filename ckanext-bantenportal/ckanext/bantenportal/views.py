"""The portal's own pages: the home page (replacing core's ``/``).

Registered before core's blueprints, so our ``/`` wins while
``h.url_for('home.index')`` keeps working everywhere.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.bantenportal import home as home_data

__all__ = ["bp"]

bp = Blueprint("bantenportal", __name__)


def home() -> str:
    """Home page: one faceted search feeds the counts, sectors, OPD and newest lists."""
    data: dict[str, Any] = home_data.home_data()
    # Core's home template and other extensions read these.
    tk.g.package_count = data["stats"]["datasets"]
    tk.g.datasets = data["newest"]
    user = tk.current_user
    if user.is_authenticated and not getattr(user, "email", None):
        url = tk.h.url_for("user.edit")
        tk.h.flash_notice(
            tk._('Please <a href="%s">update your profile</a> and add your email address. ') % url
            + tk._("%s uses your email address if you need to reset your password.")
            % tk.config.get("ckan.site_title"),
            allow_html=True,
        )
    return tk.render("home/index.html", extra_vars={
        "portal": data, "search_facets": data["search_facets"],
    })


bp.add_url_rule("/", view_func=home, endpoint="home")
