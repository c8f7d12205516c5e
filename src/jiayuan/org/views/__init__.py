"""Org pages: projects, staff, certificates (R1.3) and training (R1.4)."""

from jiayuan.org.views.certificates import certificates
from jiayuan.org.views.projects import project_detail, projects
from jiayuan.org.views.staff import certificate_add_view, staff_detail, staff_list, staff_phone
from jiayuan.org.views.training import training, training_add

__all__ = [
    "certificate_add_view",
    "certificates",
    "project_detail",
    "projects",
    "staff_detail",
    "staff_list",
    "staff_phone",
    "training",
    "training_add",
]
