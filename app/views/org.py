"""Organisation pages and APIs (R-ORG-1, R-ORG-2): thin declarations on the scoped bases."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, SelectField

from app.models import Branch, Building, Company, Department, Estate, Office, Unit
from app.models.org import (
    COMPLAINT_POLICIES,
    CURRENCIES,
    DEPARTMENT_KINDS,
    ESTATE_KINDS,
    REGIONS,
    SCRIPTS,
)
from app.security import permissions as P
from app.views.base import ScopedModelRestApi, ScopedModelView, scoped

LABELS = {
    "name": _l("Name"), "company": _l("Company"), "branch": _l("Branch"),
    "office": _l("Management office"), "estate": _l("Estate"), "building": _l("Building"),
    "hotline": _l("Service hotline"), "phone": _l("Phone"), "code": _l("Code"),
    "kind": _l("Kind"), "kind_label": _l("Kind"), "region": _l("Region"),
    "region_label": _l("Region"), "currency": _l("Currency"),
    "currency_label": _l("Currency"), "script": _l("Default script"), "address": _l("Address"),
    "move_in_date": _l("Move-in date"), "household_count": _l("Households"),
    "floors": _l("Floors"), "number": _l("Unit number"), "floor": _l("Floor"),
    "area_m2": _l("Area (m²)"), "occupied": _l("Occupied"),
    "complaint_policy": _l("Complaint procedure"),
    "complaint_policy_label": _l("Complaint procedure"),
    # Offered as list filters (FAB filters on every column) and named there.
    "branches": _l("Branches"), "offices": _l("Management offices"),
    "estates": _l("Estates"), "departments": _l("Departments"),
    "created_at": _l("Created at"), "updated_at": _l("Last changed"),
}


def choices(mapping: dict) -> list[tuple[str, object]]:
    return list(mapping.items())


def choice_field(label, mapping: dict) -> SelectField:
    return SelectField(label, choices=choices(mapping))


class CompanyView(ScopedModelView):
    datamodel = scoped(Company)
    class_permission_name = P.COMPANY
    list_columns = ["name", "hotline", "complaint_policy_label"]
    add_columns = edit_columns = ["name", "hotline", "complaint_policy"]
    show_columns = ["name", "hotline", "complaint_policy_label"]
    add_form_extra_fields = edit_form_extra_fields = {
        "complaint_policy": choice_field(_l("Complaint procedure"), COMPLAINT_POLICIES),
    }
    description_columns = {
        # The complaint rules' presets (R-CP-*).
        "complaint_policy": _l("The complaint deadlines the company works to: "
                               "the standard procedure or one of the presets."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Companies")


class BranchView(ScopedModelView):
    datamodel = scoped(Branch)
    class_permission_name = P.BRANCH
    list_columns = ["name", "company"]
    add_columns = edit_columns = show_columns = ["company", "name"]
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Branches")


class OfficeView(ScopedModelView):
    datamodel = scoped(Office)
    class_permission_name = P.OFFICE
    list_columns = ["name", "branch", "phone"]
    add_columns = edit_columns = show_columns = ["branch", "name", "phone"]
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Management offices")


class EstateView(ScopedModelView):
    datamodel = scoped(Estate)
    class_permission_name = P.ESTATE
    list_columns = ["code", "name", "office", "kind_label", "region_label", "household_count",
                    "move_in_date"]
    search_columns = ["code", "name", "office", "kind", "region"]
    add_columns = edit_columns = ["office", "code", "name", "kind", "region", "script",
                                  "currency", "address", "move_in_date", "household_count"]
    show_columns = ["code", "name", "office", "kind_label", "region_label", "script",
                    "currency_label", "address", "move_in_date", "household_count"]
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": choice_field(_l("Kind"), ESTATE_KINDS),
        "region": choice_field(_l("Region"), REGIONS),
        "script": choice_field(_l("Default script"), SCRIPTS),
        "currency": choice_field(_l("Currency"), CURRENCIES),
    }
    formatters_columns = {"script": lambda value: SCRIPTS.get(value, value)}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Estates")


class BuildingView(ScopedModelView):
    datamodel = scoped(Building)
    class_permission_name = P.BUILDING
    list_columns = ["estate", "name", "floors"]
    search_columns = ["estate", "name"]
    add_columns = edit_columns = show_columns = ["estate", "name", "floors"]
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Buildings")


class UnitView(ScopedModelView):
    datamodel = scoped(Unit)
    class_permission_name = P.UNIT
    list_columns = ["building", "number", "floor", "area_m2", "occupied"]
    search_columns = ["building", "number", "floor", "occupied"]
    add_columns = edit_columns = show_columns = ["building", "number", "floor", "area_m2",
                                                 "occupied"]
    order_columns = ["number", "floor", "area_m2"]
    # A checkbox left unticked means "vacant", not "missing".
    add_form_extra_fields = edit_form_extra_fields = {"occupied": BooleanField(_l("Occupied"))}
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Units")


class DepartmentView(ScopedModelView):
    datamodel = scoped(Department)
    class_permission_name = P.DEPARTMENT
    list_columns = ["name", "kind_label", "office"]
    search_columns = ["name", "kind", "office"]
    add_columns = edit_columns = ["office", "kind", "name"]
    show_columns = ["office", "kind_label", "name"]
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": choice_field(_l("Kind"), DEPARTMENT_KINDS),
    }
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Departments")


# --- REST APIs (same resources, same scope) -------------------------------------------
class EstateApi(ScopedModelRestApi):
    resource_name = "estate"
    datamodel = scoped(Estate)
    class_permission_name = P.ESTATE
    list_columns = ["id", "code", "name", "office.id", "office.name", "kind", "region",
                    "script", "currency", "move_in_date", "household_count"]
    show_columns = list_columns + ["address"]
    add_columns = edit_columns = ["office", "code", "name", "kind", "region", "script",
                                  "currency", "address", "move_in_date", "household_count"]
    search_columns = ["code", "name", "office", "region", "kind"]
    choice_columns = {"kind": ESTATE_KINDS, "region": REGIONS, "script": SCRIPTS,
                      "currency": CURRENCIES}


class BuildingApi(ScopedModelRestApi):
    resource_name = "building"
    datamodel = scoped(Building)
    class_permission_name = P.BUILDING
    list_columns = show_columns = ["id", "name", "floors", "estate.id", "estate.name"]
    add_columns = edit_columns = ["estate", "name", "floors"]
    search_columns = ["estate", "name"]


class UnitApi(ScopedModelRestApi):
    resource_name = "unit"
    datamodel = scoped(Unit)
    class_permission_name = P.UNIT
    list_columns = show_columns = ["id", "number", "floor", "area_m2", "occupied",
                                   "building.id", "building.name"]
    add_columns = edit_columns = ["building", "number", "floor", "area_m2", "occupied"]
    search_columns = ["building", "number", "floor"]


class DepartmentApi(ScopedModelRestApi):
    resource_name = "department"
    datamodel = scoped(Department)
    class_permission_name = P.DEPARTMENT
    list_columns = show_columns = ["id", "name", "kind", "office.id", "office.name"]
    add_columns = edit_columns = ["office", "kind", "name"]
    search_columns = ["office", "kind", "name"]
    choice_columns = {"kind": DEPARTMENT_KINDS}
