"""Estate pages: the registry's lists and search, the unit and party records, the Excel import and export."""

from jiayuan.estate.views.imports import export, import_page, import_template
from jiayuan.estate.views.records import (
    occupancy_add,
    occupancy_end,
    party_edit,
    party_page,
    party_reveal,
    unit_edit,
    unit_page,
)
from jiayuan.estate.views.registry import buildings, parking, parties, search, shops, units

__all__ = [
    "buildings",
    "export",
    "import_page",
    "import_template",
    "occupancy_add",
    "occupancy_end",
    "parking",
    "parties",
    "party_edit",
    "party_page",
    "party_reveal",
    "search",
    "shops",
    "unit_edit",
    "unit_page",
    "units",
]
