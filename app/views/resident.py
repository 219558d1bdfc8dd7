"""Resident pages and API (R-RES-1, R-RES-2): search by name, unit or phone; phones masked
for roles without the see-phone permission."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import SelectField

from app.models import Resident
from app.models.base import local_now
from app.models.resident import RELATIONS
from app.security import permissions as P
from app.views.base import ScopedModelRestApi, ScopedModelView, scoped
from app.views.confirmations import counted


class ResidentView(ScopedModelView):
    datamodel = scoped(Resident)
    class_permission_name = P.RESIDENT
    method_permission_name = {**ScopedModelView.method_permission_name,
                              "move_out": "move_out"}
    list_columns = ["name", "unit", "relation_label", "phone", "company_name",
                    "move_in_date", "move_out_date"]
    search_columns = ["name", "unit", "phone", "relation", "company_name"]
    add_columns = edit_columns = ["unit", "name", "relation", "phone", "company_name",
                                  "move_in_date", "move_out_date", "notes"]
    show_columns = ["name", "unit", "relation_label", "kinship", "phone", "id_number",
                    "company_name", "move_in_date", "move_out_date", "source_label", "notes"]
    add_form_extra_fields = edit_form_extra_fields = {
        "relation": SelectField(_l("Relation"), choices=list(RELATIONS.items())),
    }
    label_columns = {
        "name": _l("Name"), "unit": _l("Unit"), "relation": _l("Relation"),
        "relation_label": _l("Relation"), "phone": _l("Phone"),
        "company_name": _l("Company (shop tenants)"), "move_in_date": _l("Move-in date"),
        "move_out_date": _l("Move-out date"), "notes": _l("Notes"),
        "kinship": _l("Relation in the family"), "id_number": _l("ID number"),
        "source": _l("Registered from"), "source_label": _l("Registered from"),
    }
    list_title = show_title = add_title = edit_title = _l("Residents")

    @action("move_out", _l("Record move-out"),
            counted(_l("Record today as the move-out date?"),
                    _l("Record today as the move-out date of %(count)d residents?")),
            "fa-sign-out")
    def move_out(self, items: Any):
        items = items if isinstance(items, list) else [items]
        for item in items:
            if item.move_out_date is None:
                item.move_out_date = local_now().date()
        flash(_("Move-out recorded for %(n)d resident(s).", n=len(items)), "success")
        return redirect(self.get_redirect())


class ResidentApi(ScopedModelRestApi):
    resource_name = "resident"
    datamodel = scoped(Resident)
    class_permission_name = P.RESIDENT
    list_columns = show_columns = ["id", "name", "relation", "phone", "company_name",
                                   "move_in_date", "move_out_date", "unit.id", "unit.number"]
    add_columns = edit_columns = ["unit", "name", "relation", "phone", "company_name",
                                  "move_in_date", "move_out_date", "notes"]
    search_columns = ["name", "unit", "phone", "relation"]
    choice_columns = {"relation": RELATIONS}
