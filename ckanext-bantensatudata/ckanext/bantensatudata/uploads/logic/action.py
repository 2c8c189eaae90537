"""Actions of the uploads wing."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from .. import downloads
from . import schema


@tk.side_effect_free
def bantensatudata_resource_download_count(context: Context, data_dict: DataDict) -> dict[str, object]:
    """How many times a resource was downloaded through the portal.

    :param id: the resource id (``resource_id`` is accepted too)
    :returns: ``{"resource_id": ..., "downloads": int, "last_download": ISO datetime or None}``
    """
    data, errors = tk.navl_validate(data_dict, schema.download_count_schema(), context)
    resource_id = data.get("id") or data.get("resource_id")
    if not errors and not resource_id:
        errors = {"id": [tk._("Missing value")]}
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("bantensatudata_resource_download_count", context, {"id": resource_id})
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state == "deleted":
        raise tk.ObjectNotFound(tk._("Resource was not found."))
    total, last = downloads.count(resource.id)
    return {"resource_id": resource.id, "downloads": total, "last_download": last}


__all__ = ["bantensatudata_resource_download_count"]
