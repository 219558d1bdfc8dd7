"""Staff profiles: admins say who works in which departments, estates, offices, branches
(R-ORG-3, R-ORG-4). Roles themselves are assigned on the user page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import StaffProfile
from app.security import permissions as P
from app.views.base import ScopedModelView, scoped


class StaffProfileView(ScopedModelView):
    datamodel = scoped(StaffProfile)
    class_permission_name = P.STAFF_PROFILE
    list_columns = ["user", "job_title", "departments", "estates", "offices"]
    search_columns = ["user", "job_title", "departments", "estates", "offices", "branches"]
    add_columns = edit_columns = show_columns = ["user", "job_title", "phone", "departments",
                                                 "estates", "offices", "branches"]
    label_columns = {
        "user": _l("User"), "job_title": _l("Job title"), "phone": _l("Phone"),
        "departments": _l("Departments"), "estates": _l("Estates"),
        "offices": _l("Whole offices"), "branches": _l("Whole branches"),
    }
    description_columns = {
        "offices": _l("Everything in these offices: for office directors."),
        "branches": _l("Everything in these branches: for branch managers."),
    }
    list_title = show_title = add_title = edit_title = _l("Staff profiles")
