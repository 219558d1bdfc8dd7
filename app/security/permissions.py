"""Every permission name in one place, and the built-in roles built cumulatively.

A permission is (action, resource), as Flask-AppBuilder stores it. Views and APIs of one
aggregate share one resource name, so granting "read Resident" opens both the list page and
the REST API. Roles are data: `flask roles sync` writes these defaults, admins refine them
in Security → List Roles without code (R-ORG-4).
"""
from __future__ import annotations

from typing import Iterable

Perm = tuple[str, str]

# Actions
READ = "can_read"
CREATE = "can_create"
EDIT = "can_edit"
DELETE = "can_delete"
EXPORT = "can_export"
MENU = "menu_access"

# Resources (class_permission_name of views and APIs)
COMPANY = "Company"
BRANCH = "Branch"
OFFICE = "Office"
ESTATE = "Estate"
BUILDING = "Building"
UNIT = "Unit"
DEPARTMENT = "Department"
RESIDENT = "Resident"
STAFF_PROFILE = "StaffProfile"
AUDIT_LOG = "AuditLog"
SCOPE = "OrganisationScope"
WORK_ORDER = "WorkOrder"
REVISIT = "Revisit"
RECTIFICATION = "RectificationNotice"
NOTIFICATION = "Notification"
DEADLINE_POLICY = "DeadlinePolicy"
SETTING = "Setting"
QUEUE = "Queue"  # "My work" and the department queue
SERVICE_RECORD = "ServiceRecord"
COMPLAINT = "Complaint"
COLLECTIVE_CASE = "CollectiveCase"
SIGNOFF = "RegisterSignOff"
COMPENSATION = "CompensationClaim"
APPROVAL_RULE = "ApprovalRule"
PRINT = "can_print"
APPROVAL_QUEUE: Perm = ("can_approvals", COMPENSATION)  # claims waiting for this person
COMPLAINT_STATISTICS = "ComplaintStatistics"
COMPLAINT_REPORT: Perm = (READ, COMPLAINT_STATISTICS)  # monthly / quarterly, R-CP-8
DEPARTMENT_QUEUE: Perm = ("can_department", QUEUE)

# Special permissions
SEE_ALL_SCOPE: Perm = ("can_see_all", SCOPE)  # GM, deputy GM, admin (R-ORG-4)
SEE_FULL_PHONE: Perm = ("can_see_full", "ResidentPhone")  # unmasked phones (R-RES-2)
MOVE_OUT_RESIDENT: Perm = ("can_move_out", RESIDENT)

# Method → action maps shared by every ModelView and ModelRestApi.
VIEW_METHOD_PERMISSIONS = {
    "list": "read", "show": "read", "download": "read", "export": "export",
    "add": "create", "edit": "edit", "delete": "delete",
}
API_METHOD_PERMISSIONS = {
    "get": "read", "get_list": "read", "info": "read",
    "post": "create", "put": "edit", "delete": "delete",
}

# Menu entries (their permission is menu_access on the label's message id).
MENU_ORGANISATION = "Organisation"
MENU_RESIDENTS = "Residents"
MENU_ADMIN = "Administration"
MENU_REPAIRS = "Repairs"
MENU_SERVICE = "Customer service"
MENU_WORK = "Queues"
# Menu label -> the permission that opens what the entry shows.
MENU_ITEMS: dict[str, Perm] = {
    "Companies": (READ, COMPANY), "Branches": (READ, BRANCH),
    "Management offices": (READ, OFFICE), "Estates": (READ, ESTATE),
    "Buildings": (READ, BUILDING), "Units": (READ, UNIT), "Departments": (READ, DEPARTMENT),
    "Residents": (READ, RESIDENT), "Staff profiles": (READ, STAFF_PROFILE),
    "Audit log": (READ, AUDIT_LOG), "Work orders": (READ, WORK_ORDER),
    "Revisits": (READ, REVISIT), "Rectification notices": (READ, RECTIFICATION),
    "My work": (READ, QUEUE), "Department queue": DEPARTMENT_QUEUE,
    "Notifications": (READ, NOTIFICATION), "Deadline policies": (READ, DEADLINE_POLICY),
    "Settings": (READ, SETTING),
    "Customer-service register": (READ, SERVICE_RECORD), "Complaints": (READ, COMPLAINT),
    "Collective cases": (READ, COLLECTIVE_CASE), "Register sign-off": (READ, SIGNOFF),
    "Compensation claims": (READ, COMPENSATION), "Approval queue": APPROVAL_QUEUE,
    "Approval rules": (READ, APPROVAL_RULE), "Complaint statistics": COMPLAINT_REPORT,
}
MENU_CATEGORY_OF = {
    "Companies": MENU_ORGANISATION, "Branches": MENU_ORGANISATION,
    "Management offices": MENU_ORGANISATION, "Estates": MENU_ORGANISATION,
    "Buildings": MENU_ORGANISATION, "Units": MENU_ORGANISATION,
    "Departments": MENU_ORGANISATION, "Residents": MENU_RESIDENTS,
    "Staff profiles": MENU_ADMIN, "Audit log": MENU_ADMIN,
    "Work orders": MENU_REPAIRS, "Revisits": MENU_REPAIRS,
    "Rectification notices": MENU_REPAIRS, "My work": MENU_WORK,
    "Department queue": MENU_WORK, "Notifications": MENU_WORK,
    "Deadline policies": MENU_ADMIN, "Settings": MENU_ADMIN,
    "Customer-service register": MENU_SERVICE, "Complaints": MENU_SERVICE,
    "Collective cases": MENU_SERVICE, "Register sign-off": MENU_SERVICE,
    "Compensation claims": MENU_SERVICE, "Approval queue": MENU_WORK,
    "Approval rules": MENU_ADMIN, "Complaint statistics": MENU_SERVICE,
}

# Flask-AppBuilder's own self-service pages every user needs.
SELF_SERVICE: set[Perm] = {
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    ("userinfoedit", "UserDBModelView"),
}
# The REST API's description, for integrators and for the people testing it.
API_DOCS: set[Perm] = {("can_get", "OpenApi"), ("can_show", "SwaggerView")}


def can(action: str, *resources: str) -> set[Perm]:
    return {(action, r) for r in resources}


def _menus_for(perms: set[Perm]) -> set[Perm]:
    """A role sees a menu entry exactly when it may read what the entry opens."""
    menus: set[Perm] = set()
    for label, needed in MENU_ITEMS.items():
        if needed in perms:
            menus |= {(MENU, label), (MENU, MENU_CATEGORY_OF[label])}
    return menus


ORG_RESOURCES = (COMPANY, BRANCH, OFFICE, ESTATE, BUILDING, UNIT, DEPARTMENT)

# --- Roles, each built on the one before it -------------------------------------------
DOCUMENTS = (WORK_ORDER, REVISIT, RECTIFICATION, SERVICE_RECORD, COMPLAINT, COLLECTIVE_CASE)
STAFF = (SELF_SERVICE | API_DOCS | can(READ, *ORG_RESOURCES, RESIDENT, *DOCUMENTS, QUEUE)
         | can(PRINT, *DOCUMENTS) | can(READ, NOTIFICATION) | can(EDIT, NOTIFICATION))
# Compensation is Customer Service's and management's business only (R-CO-1).
CLAIMS = can(READ, COMPENSATION) | can(CREATE, COMPENSATION) | can(PRINT, COMPENSATION)
TECHNICIAN = STAFF | {SEE_FULL_PHONE} | can(CREATE, WORK_ORDER)
REPAIR_LEAD = TECHNICIAN | set()
PROPERTY_OFFICER = TECHNICIAN | can(CREATE, RESIDENT) | can(EDIT, RESIDENT) | {MOVE_OUT_RESIDENT}
FRONT_DESK_AGENT = (PROPERTY_OFFICER | can(EXPORT, RESIDENT, WORK_ORDER, SERVICE_RECORD)
                    | can(CREATE, SERVICE_RECORD, COMPLAINT) | CLAIMS)
CS_SUPERVISOR = FRONT_DESK_AGENT | can(DELETE, RESIDENT) | can(EDIT, WORK_ORDER) \
    | can(EDIT, SERVICE_RECORD, COMPLAINT) | {DEPARTMENT_QUEUE} \
    | can(EXPORT, REVISIT, COMPLAINT)
CS_CENTRE_MANAGER = CS_SUPERVISOR | can(READ, STAFF_PROFILE) \
    | {APPROVAL_QUEUE, COMPLAINT_REPORT} \
    | can(EXPORT, COMPENSATION) | can(READ, APPROVAL_RULE)
DEPARTMENT_HEAD = TECHNICIAN | can(READ, STAFF_PROFILE) | {DEPARTMENT_QUEUE} \
    | can(EXPORT, WORK_ORDER, REVISIT) \
    | can(READ, COMPENSATION) | can(PRINT, COMPENSATION)  # Marketing's part, R-CO-5
QUALITY_OFFICER = STAFF | can(READ, AUDIT_LOG, SIGNOFF) \
    | can(EXPORT, RESIDENT, COMPLAINT, AUDIT_LOG) \
    | {COMPLAINT_REPORT}
OFFICE_DIRECTOR = (CS_CENTRE_MANAGER | DEPARTMENT_HEAD
                   | can(CREATE, BUILDING, UNIT) | can(EDIT, ESTATE, BUILDING, UNIT)
                   | can(EXPORT, ESTATE, BUILDING, UNIT)
                   | can(READ, SIGNOFF) | can(CREATE, SIGNOFF))  # daily sign-off, R-CP-6
DEPUTY_GENERAL_MANAGER = OFFICE_DIRECTOR | QUALITY_OFFICER | {SEE_ALL_SCOPE}
GENERAL_MANAGER = DEPUTY_GENERAL_MANAGER | set()

ROLE_FRONT_DESK_AGENT = "Front-desk agent"
ROLE_CS_SUPERVISOR = "CS supervisor"
ROLE_CS_CENTRE_MANAGER = "CS centre manager"
ROLE_OFFICE_DIRECTOR = "Office director"
ROLE_TECHNICIAN = "Technician"
ROLE_REPAIR_LEAD = "Repair lead"
ROLE_PROPERTY_OFFICER = "Property officer"
ROLE_DEPARTMENT_HEAD = "Department head"
ROLE_QUALITY_OFFICER = "Quality officer"
ROLE_DEPUTY_GM = "Deputy general manager"
ROLE_GM = "General manager"
ROLE_ADMIN = "Admin"  # Flask-AppBuilder's AUTH_ROLE_ADMIN: every permission, whole scope


# Workflow transitions are granted by their declarations (app/workflows/*): a transition
# declared for a role is also granted to the roles that include it in the hierarchy.
ROLE_PARENTS: dict[str, tuple[str, ...]] = {
    ROLE_CS_SUPERVISOR: (ROLE_FRONT_DESK_AGENT,),
    ROLE_CS_CENTRE_MANAGER: (ROLE_CS_SUPERVISOR,),
    ROLE_REPAIR_LEAD: (ROLE_TECHNICIAN,),
    ROLE_DEPARTMENT_HEAD: (ROLE_REPAIR_LEAD,),
    ROLE_OFFICE_DIRECTOR: (ROLE_CS_CENTRE_MANAGER, ROLE_DEPARTMENT_HEAD, ROLE_PROPERTY_OFFICER),
    ROLE_DEPUTY_GM: (ROLE_OFFICE_DIRECTOR, ROLE_QUALITY_OFFICER),
    ROLE_GM: (ROLE_DEPUTY_GM,),
}


def included_roles(role: str) -> set[str]:
    """`role` and every role it includes, transitively."""
    seen = {role}
    for parent in ROLE_PARENTS.get(role, ()):
        seen |= included_roles(parent)
    return seen


def expand_grants(grants: dict[str, set[Perm]]) -> dict[str, set[Perm]]:
    """Per built-in role, the declared grants of the role and of every role it includes."""
    return {role: set().union(*(grants.get(r, set()) for r in included_roles(role)))
            for role in ROLES}


def _with_menus(perms: set[Perm]) -> set[Perm]:
    return perms | _menus_for(perms)


ROLES: dict[str, set[Perm]] = {
    ROLE_FRONT_DESK_AGENT: _with_menus(FRONT_DESK_AGENT),
    ROLE_CS_SUPERVISOR: _with_menus(CS_SUPERVISOR),
    ROLE_CS_CENTRE_MANAGER: _with_menus(CS_CENTRE_MANAGER),
    ROLE_OFFICE_DIRECTOR: _with_menus(OFFICE_DIRECTOR),
    ROLE_TECHNICIAN: _with_menus(TECHNICIAN),
    ROLE_REPAIR_LEAD: _with_menus(REPAIR_LEAD),
    ROLE_PROPERTY_OFFICER: _with_menus(PROPERTY_OFFICER),
    ROLE_DEPARTMENT_HEAD: _with_menus(DEPARTMENT_HEAD),
    ROLE_QUALITY_OFFICER: _with_menus(QUALITY_OFFICER),
    ROLE_DEPUTY_GM: _with_menus(DEPUTY_GENERAL_MANAGER),
    ROLE_GM: _with_menus(GENERAL_MANAGER),
}


def all_declared_permissions() -> Iterable[Perm]:
    seen: set[Perm] = set()
    for perms in ROLES.values():
        seen |= perms
    return sorted(seen)
