"""Server-rendered SVG bar charts: no JavaScript, readable without CSS.

Each chart is an ``<svg role="img">`` with a title; the same figures always
appear in the table next to it, which is the accessible (and exportable) form.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 220
BAR_WIDTH = 300
VALUE_WIDTH = 70


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(rows: Sequence[dict[str, Any]], label_key: str, value_key: str, title: str,
              limit: int = 60, css_class: str = "") -> Markup:
    """A horizontal bar chart of ``rows`` (in their order), at most ``limit`` bars."""
    shown = [r for r in rows if r.get(value_key) is not None][:limit]
    top = max((float(r[value_key]) for r in shown), default=0.0) or 1.0
    height = max(1, len(shown)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="bsd-chart {escape(css_class)}" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, row in enumerate(shown):
        y = GAP + i * (BAR_HEIGHT + GAP)
        value = float(row[value_key])
        bar = 0 if value <= 0 else max(1.0, BAR_WIDTH * value / top)
        label = str(row.get(label_key) or "—")
        shown_value = row[value_key]
        if isinstance(shown_value, float):
            shown_value = f"{shown_value:.1f}"
        parts.append(
            f'<g><title>{escape(label)}: {escape(str(shown_value))}</title>'
            f'<text class="bsd-chart-label" x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 5}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
            f'<rect class="bsd-chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" '
            f'height="{BAR_HEIGHT}" rx="2"></rect>'
            f'<text class="bsd-chart-value" x="{LABEL_WIDTH + bar + 4:.1f}" y="{y + BAR_HEIGHT - 5}">'
            f'{escape(str(shown_value))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
