"""Every aggregate the dashboard pages show, one module a page: ``office`` (the home page
panels and the kecamatan scorecard), ``trends`` (five book years), ``effect`` (coaching
against outcomes), ``geo`` (map points), ``statistics`` (the ministry's table).

All counting happens in the database (``aggregate`` or ``values().annotate``) with one
query a panel; Python only lines up already-aggregated rows.
"""

from .office import (
    coaching_target,
    district_scorecard,
    health_categories,
    office_figures,
    region_summary,
    status_summary,
    village_coverage,
    visits_by_assistant,
)

__all__ = [
    "coaching_target",
    "district_scorecard",
    "health_categories",
    "office_figures",
    "region_summary",
    "status_summary",
    "village_coverage",
    "visits_by_assistant",
]
