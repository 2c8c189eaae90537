"""Auth functions: download counts are as visible as the resource itself."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict


@tk.auth_allow_anonymous_access
def bantensatudata_resource_download_count(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the resource (so never a private dataset's) may see its count."""
    resource_id: Any = data_dict.get("id") or data_dict.get("resource_id")
    return authz.is_authorized("resource_show", context, {"id": resource_id})


__all__ = ["bantensatudata_resource_download_count"]
