"""Every permission name in one place, and the built-in roles built cumulatively.

A permission is (action, resource), as Flask-AppBuilder stores it. Views and APIs of one
aggregate share one resource name, so granting "read Resident" opens both the list page and
the REST API. Roles are data: `flask roles sync` writes these defaults, admins refine them
in Administration → Job roles without code (R-ORG-4).
"""
from __future__ import annotations

from flask import current_app, g

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
JOB = "Job"  # background jobs (batches of printed forms), each person their own
DEADLINE_POLICY = "DeadlinePolicy"
SETTING = "Setting"
QUEUE = "Queue"  # "My work" and the department queue
CHOICES = "Choices"  # choices loaded as one types, for forms and list filters
SERVICE_RECORD = "ServiceRecord"
NOTICE = "Notice"  # notices to residents, R-CS-8
NEWSPAPER = "NewspaperSubscription"  # newspaper subscriptions, R-FD-4
NEWSPAPER_REGISTER = "NewspaperRegister"  # the register by unit, R-FD-4
PHONE_INSTALLATION = "PhoneInstallation"  # tenants' telephones, R-FD-6
COMMUNICATION_REPORT = "CommunicationReport"  # monthly reports, R-CS-7
COMMUNICATION_SUMMARY = "CommunicationSummary"
IMPROVEMENT_ACTION = "ImprovementAction"
VISITOR = "Visitor"  # visitors at the gate, R-FD-1
MAIL_BATCH = "MailBatch"  # mail brought by the gate to the centre, R-FD-5
MAIL_ITEM = "MailItem"  # a piece of mail waiting for its addressee, R-FD-5
RESIDENT_PASS = "HouseholdPass"  # resident passes, R-FD-2
HOUSEHOLD_IMPORT: Perm = ("can_import", RESIDENT_PASS)  # household members from Sales
PASS_CARD = "PassCard"  # the passes themselves, looked up by number (R-FD-2)
WORK_PERMIT = "WorkPermit"  # contractor work permits, R-FD-3
SURVEY = "Survey"
QUESTIONNAIRE = "Questionnaire"
ENTER_ANSWERS: Perm = ("can_enter_answers", SURVEY)  # keyboard entry of paper forms
OPEN_LETTER = "SurveyOpenLetter"  # R-SV-8
CORRECTIVE_ACTION = "SurveyCorrectiveAction"  # R-SV-9
SURVEY_ARCHIVE = "SurveyArchive"  # raw questionnaires past retention (R-SV-10), admin only
PURGE_QUESTIONNAIRES: Perm = ("can_purge", SURVEY_ARCHIVE)
COMPLAINT = "Complaint"
COLLECTIVE_CASE = "CollectiveCase"
SIGNOFF = "RegisterSignOff"
COMPENSATION = "CompensationClaim"
APPROVAL_RULE = "ApprovalRule"
PRINT = "can_print"
APPROVAL_QUEUE: Perm = ("can_approvals", COMPENSATION)  # claims waiting for this person
COMPLAINT_STATISTICS = "ComplaintStatistics"
WORKFLOW_DIAGRAM = "WorkflowDiagram"  # Administration → Workflow diagrams
JOB_ROLE = "JobRole"  # Administration → Job roles: role templates, admin only
COMPLAINT_REPORT: Perm = (READ, COMPLAINT_STATISTICS)  # monthly / quarterly, R-CP-8
DEPARTMENT_QUEUE: Perm = ("can_department", QUEUE)
SEARCH = "GlobalSearch"  # the navbar's search box, for every member of staff

# Special permissions
SEE_ALL_SCOPE: Perm = ("can_see_all", SCOPE)  # GM, deputy GM, admin (R-ORG-4)
SEE_FULL_PHONE: Perm = ("can_see_full", "ResidentPhone")  # unmasked phones (R-RES-2)
SEE_FULL_ID_NUMBER: Perm = ("can_see_full", "IdNumber")  # unmasked ID card numbers
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
MENU_FRONT_DESK = "Front desk"  # the registers of the service centre and the gate (R-FD)
MENU_WORK = "Queues"
# Menu label -> the permission that opens what the entry shows (document types declare
# their own entries: app/workflows/registry.py).
MENU_ITEMS: dict[str, Perm] = {
    "Companies": (READ, COMPANY), "Branches": (READ, BRANCH),
    "Management offices": (READ, OFFICE), "Estates": (READ, ESTATE),
    "Buildings": (READ, BUILDING), "Units": (READ, UNIT), "Departments": (READ, DEPARTMENT),
    "Residents": (READ, RESIDENT), "Staff": (READ, STAFF_PROFILE),
    "Job roles": (READ, JOB_ROLE),
    "Audit log": (READ, AUDIT_LOG), "My work": (READ, QUEUE), "Department queue": DEPARTMENT_QUEUE,
    "Notifications": (READ, NOTIFICATION), "Print jobs": (READ, JOB),
    "Deadline policies": (READ, DEADLINE_POLICY),
    "Settings": (READ, SETTING),
    "Workflow diagrams": (READ, WORKFLOW_DIAGRAM),
}
MENU_CATEGORY_OF = {
    "Companies": MENU_ORGANISATION, "Branches": MENU_ORGANISATION,
    "Management offices": MENU_ORGANISATION, "Estates": MENU_ORGANISATION,
    "Buildings": MENU_ORGANISATION, "Units": MENU_ORGANISATION,
    "Departments": MENU_ORGANISATION, "Residents": MENU_RESIDENTS,
    "Staff": MENU_ADMIN, "Job roles": MENU_ADMIN, "Audit log": MENU_ADMIN,
    "My work": MENU_WORK,
    "Department queue": MENU_WORK, "Notifications": MENU_WORK, "Print jobs": MENU_WORK,
    "Deadline policies": MENU_ADMIN, "Settings": MENU_ADMIN,
    "Workflow diagrams": MENU_ADMIN,
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


ORG_RESOURCES = (COMPANY, BRANCH, OFFICE, ESTATE, BUILDING, UNIT, DEPARTMENT)

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
# The front desk's partners in other departments (R-FD): the gate, the cashier, the clerk.
ROLE_GATE_GUARD = "Gate guard"
ROLE_FINANCE_CLERK = "Finance clerk"
ROLE_ADMIN_CLERK = "Administration clerk"
ROLE_ADMIN = "Admin"  # Flask-AppBuilder's AUTH_ROLE_ADMIN: every permission, whole scope

# --- The one role hierarchy: a role includes every permission of the roles it names ------
# Permissions (and the workflow transitions each type declares for a role) flow up it.
ROLE_PARENTS: dict[str, tuple[str, ...]] = {
    ROLE_CS_SUPERVISOR: (ROLE_FRONT_DESK_AGENT,),
    ROLE_CS_CENTRE_MANAGER: (ROLE_CS_SUPERVISOR,),
    ROLE_REPAIR_LEAD: (ROLE_TECHNICIAN,),
    ROLE_DEPARTMENT_HEAD: (ROLE_REPAIR_LEAD,),
    ROLE_OFFICE_DIRECTOR: (ROLE_CS_CENTRE_MANAGER, ROLE_DEPARTMENT_HEAD, ROLE_PROPERTY_OFFICER),
    ROLE_DEPUTY_GM: (ROLE_OFFICE_DIRECTOR, ROLE_QUALITY_OFFICER),
    ROLE_GM: (ROLE_DEPUTY_GM,),
}

# What every built-in role needs, whatever the job.
STAFF = (SELF_SERVICE | API_DOCS | can(READ, *ORG_RESOURCES, RESIDENT, QUEUE, CHOICES)
         | can(READ, NOTIFICATION) | can(EDIT, NOTIFICATION) | can(READ, SEARCH)
         | can(READ, JOB))
RESIDENT_CARE = can(CREATE, RESIDENT) | can(EDIT, RESIDENT) | {MOVE_OUT_RESIDENT}
# Each role's own grants beyond what it includes; document types grant theirs in their
# declarations (app/workflows/<type>.py).
OWN_GRANTS: dict[str, set[Perm]] = {
    ROLE_TECHNICIAN: {SEE_FULL_PHONE},
    ROLE_REPAIR_LEAD: set(),
    ROLE_PROPERTY_OFFICER: {SEE_FULL_PHONE} | RESIDENT_CARE,
    ROLE_FRONT_DESK_AGENT: ({SEE_FULL_PHONE, SEE_FULL_ID_NUMBER} | RESIDENT_CARE
                            | can(EXPORT, RESIDENT)),
    ROLE_CS_SUPERVISOR: can(DELETE, RESIDENT) | {DEPARTMENT_QUEUE},
    ROLE_CS_CENTRE_MANAGER: can(READ, STAFF_PROFILE, WORKFLOW_DIAGRAM),
    ROLE_DEPARTMENT_HEAD: can(READ, STAFF_PROFILE, WORKFLOW_DIAGRAM) | {DEPARTMENT_QUEUE},
    ROLE_QUALITY_OFFICER: can(READ, AUDIT_LOG) | can(EXPORT, RESIDENT, AUDIT_LOG),
    ROLE_OFFICE_DIRECTOR: (can(CREATE, BUILDING, UNIT) | can(EDIT, ESTATE, BUILDING, UNIT)
                           | can(EXPORT, ESTATE, BUILDING, UNIT)),
    ROLE_DEPUTY_GM: {SEE_ALL_SCOPE},
    ROLE_GM: set(),
    ROLE_GATE_GUARD: {SEE_FULL_ID_NUMBER},  # Security checks the ID cards (R-FD-3)
    ROLE_FINANCE_CLERK: set(),
    ROLE_ADMIN_CLERK: set(),
}
ROLE_NAMES: tuple[str, ...] = tuple(OWN_GRANTS)


def included_roles(role: str) -> set[str]:
    """`role` and every role it includes, transitively."""
    seen = {role}
    for parent in ROLE_PARENTS.get(role, ()):
        seen |= included_roles(parent)
    return seen


def expand_grants(grants: dict[str, set[Perm]]) -> dict[str, set[Perm]]:
    """Per built-in role, the grants of the role and of every role it includes."""
    return {role: set().union(*(grants.get(r, set()) for r in included_roles(role)))
            for role in ROLE_NAMES}


def user_can(permission: Perm) -> bool:
    """Whether the signed-in user of this request holds `permission`, cached per request
    (list formatters ask once per row)."""
    cache = g.setdefault("_perm_cache", {})
    if permission not in cache:
        cache[permission] = current_app.appbuilder.sm.has_access(*permission)
    return cache[permission]
