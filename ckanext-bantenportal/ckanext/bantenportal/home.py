"""The home page's figures, gathered with as few searches as possible.

One package_search with the viewer's rights gives the dataset count, the
sector and OPD counts (facets) and the newest datasets; one more counts the
registry; one fetches the most downloaded datasets.  Counting through
package_search keeps private datasets out of every number a visitor sees.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.search import SearchError, SolrConnectionError

from ckanext.bantenportal import config, helpers

log = logging.getLogger(__name__)

DOWNLOADS_TABLE = "bantensatudata_resource_download"
REGISTRY_TYPE = "aplikasi"


def _search(data_dict: dict[str, Any]) -> dict[str, Any]:
    try:
        return tk.get_action("package_search")({}, data_dict)
    except (tk.ValidationError, SearchError, SolrConnectionError) as err:
        # A search outage must not take the front page down with it.
        log.warning("home page search failed: %s", err)
    return {"count": 0, "results": [], "facets": {}, "search_facets": {}}


# Group and OPD listings (titles, icons, order, pillars: not counts) change rarely but
# cost one organization_show per OPD; they are kept per process and rebuilt whenever
# a fingerprint of the group table (one cheap query) changes.
_FINGERPRINT_SQL = sa.text(
    "SELECT md5(string_agg(concat_ws('|', id, name, title, type, description, image_url, "
    "is_organization::text, state, approval_status, extras::text), ',' ORDER BY id)) FROM \"group\"")
_listing_cache: dict[str, Any] = {}


def _fingerprint() -> str | None:
    try:
        return model.Session.execute(_FINGERPRINT_SQL).scalar() or ""
    except sa.exc.SQLAlchemyError as err:
        model.Session.rollback()
        log.warning("cannot fingerprint groups, not caching: %s", err)
        return None


def _listings() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(sector groups, organizations), from the cache while the group table is unchanged."""
    fingerprint = _fingerprint()
    cached = _listing_cache.get("listings")
    if fingerprint is not None and cached is not None and cached[0] == fingerprint:
        return cached[1], cached[2]
    groups = helpers.sector_groups()
    organizations = helpers.list_all("organization_list", {"sort": "title asc"})
    if fingerprint is not None:
        _listing_cache["listings"] = (fingerprint, groups, organizations)
    return groups, organizations


def _popular(limit: int) -> list[dict[str, Any]]:
    """Most downloaded datasets the viewer may see, from the uploads wing's counter table."""
    if limit <= 0:
        return []
    session = model.Session
    try:
        if session.execute(sa.text("SELECT to_regclass(:t)"), {"t": DOWNLOADS_TABLE}).scalar() is None:
            return []
        rows = session.execute(sa.text(
            f"SELECT package_id, SUM(downloads) AS n FROM {DOWNLOADS_TABLE} "
            "WHERE package_id IS NOT NULL GROUP BY package_id HAVING SUM(downloads) > 0 "
            "ORDER BY n DESC, package_id LIMIT :lim"), {"lim": limit * 4}).all()
    except sa.exc.SQLAlchemyError as err:
        session.rollback()
        log.warning("download counts unavailable: %s", err)
        return []
    if not rows:
        return []
    downloads = {str(r[0]): int(r[1]) for r in rows}
    ids = " OR ".join(f'"{pid}"' for pid in downloads if pid.replace("-", "").isalnum())
    if not ids:
        return []
    result = _search({"q": "*:*", "fq": f"+dataset_type:dataset +id:({ids})",
                      "rows": len(downloads)})
    found = result.get("results", [])
    for pkg in found:
        pkg["bantenportal_downloads"] = downloads.get(pkg["id"], 0)
    found.sort(key=lambda p: (-p["bantenportal_downloads"], p.get("title") or p["name"]))
    return found[:limit]


def _directory(organizations: list[dict[str, Any]], counts: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for org in organizations:
        name = org.get("name")
        if not name:
            continue
        out.append({
            "name": name,
            "title": org.get("display_name") or org.get("title") or name,
            "short": helpers.bantenportal_extra(org, "singkatan", "") or "",
            "kind": helpers.bantenportal_extra(org, "jenis_opd", "") or "",
            "url": helpers.read_url(org.get("type") or "organization", name),
            "count": int(counts.get(name, 0)),
        })
    out.sort(key=lambda o: o["title"].lower())
    return out


def home_data() -> dict[str, Any]:
    """Everything the home page shows, counted with the current viewer's rights."""
    limit = config.home_dataset_count()
    main = _search({
        "q": "*:*", "fq": "+dataset_type:dataset",
        "facet.field": ["groups", "organization"], "facet.limit": -1,
        "rows": limit, "sort": "metadata_created desc",
    })
    facets = main.get("facets", {})
    registry = _search({"q": "*:*", "fq": f"+dataset_type:{REGISTRY_TYPE}", "rows": 0})
    groups, organizations = _listings()
    sectors = helpers.bantenportal_sectors(dict(facets.get("groups", {})), groups)
    organizations = _directory(organizations, dict(facets.get("organization", {})))
    return {
        "stats": {
            "datasets": main.get("count", 0),
            "organizations": len(organizations),
            "sectors": len(sectors),
            "applications": registry.get("count", 0),
        },
        "sectors": sectors,
        "pillars": helpers.bantenportal_pillars(sectors),
        "newest": main.get("results", []),
        "popular": _popular(limit),
        "organizations": organizations,
        "search_facets": main.get("search_facets", {}),
    }
