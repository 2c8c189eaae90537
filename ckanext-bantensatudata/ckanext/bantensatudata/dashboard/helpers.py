"""Template helpers of the leadership dashboard."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ckan.plugins.toolkit as tk
from markupsafe import Markup

from . import access, charts

__all__ = ["bantensatudata_dashboard_chart", "bantensatudata_dashboard_can_view"]


def bantensatudata_dashboard_chart(rows: Sequence[dict[str, Any]], label_key: str, value_key: str,
                                   title: str, limit: int = 60) -> Markup:
    """Server-rendered SVG bar chart (see charts.py)."""
    return charts.bar_chart(rows, label_key, value_key, title, limit)


def bantensatudata_dashboard_can_view() -> bool:
    """Whether the current user may open the dashboard (for navigation links)."""
    user = tk.current_user
    if not user or not user.is_authenticated:
        return False
    try:
        return access.viewer_for(user).has_access  # type: ignore[arg-type]
    except Exception:  # a navigation link must never break a page
        return False
