"""Tables of the service app's lists: customer requests (``requests``) and the desk's records (``desk``)."""

from jiayuan.service.tables.desk import (
    DEFECT_TONE,
    DESKTOP,
    RELEASE_TONE,
    RIGHT,
    VISIT_TONE,
    DefectTable,
    ReleaseTable,
    VisitTable,
    badge,
    release_badge,
)
from jiayuan.service.tables.requests import (
    NOWRAP,
    STATE_TONE,
    TABLE_ATTRS,
    WIDE,
    ArchiveTable,
    RequestTable,
    VisitQueueTable,
    state_badge,
)

__all__ = [
    "ArchiveTable",
    "DEFECT_TONE",
    "DESKTOP",
    "DefectTable",
    "NOWRAP",
    "RELEASE_TONE",
    "RIGHT",
    "ReleaseTable",
    "RequestTable",
    "STATE_TONE",
    "TABLE_ATTRS",
    "VISIT_TONE",
    "VisitQueueTable",
    "VisitTable",
    "WIDE",
    "badge",
    "release_badge",
    "state_badge",
]
