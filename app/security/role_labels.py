"""Role and permission names as an admin of a property-management company reads them
(R-ORG-3, R-ORG-4).

Flask-AppBuilder stores a role by its English name and a permission as (action, resource),
e.g. ("can_dispatch", "WorkOrder"). Nobody at the desk reads those. This module turns them
into translated words: a role's name and one-line description, and for each permission a
sentence saying what it allows, grouped by area. The sentences are composed from data, not
listed one by one: the resource's name comes from the document types' declarations
(app/workflows/registry.py), the menu and a short table below; the verb from a table of
actions; a workflow transition reads as "Work orders: dispatch" from the transition's own
label. A permission none of these explain is flagged (`PermissionLabel.known` False) so
that a test catches it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.security import permissions as P
from app.workflows.registry import document_types


def N_(message: str) -> str:
    """Marks an English message id for extraction; translated where it is shown."""
    return message


# --- roles --------------------------------------------------------------------------------

ROLE_PUBLIC = "Public"  # Flask-AppBuilder's AUTH_ROLE_PUBLIC: what anonymous visitors may do
# The built-in roles' names are English message ids (stored as is in FAB's Role.name).
BUILT_IN_ROLES: tuple[str, ...] = (
    N_("Front-desk agent"), N_("CS supervisor"), N_("CS centre manager"),
    N_("Office director"), N_("Technician"), N_("Repair lead"), N_("Property officer"),
    N_("Department head"), N_("Quality officer"), N_("Deputy general manager"),
    N_("General manager"), N_("Gate guard"), N_("Finance clerk"),
    N_("Administration clerk"), N_("Admin"), N_("Public"),
)
ROLE_DESCRIPTIONS: dict[str, Any] = {
    P.ROLE_FRONT_DESK_AGENT: _l("Registers calls and visits, repairs, complaints and claims "
                                "at the service centre and keeps residents informed."),
    P.ROLE_CS_SUPERVISOR: _l("Everything a front-desk agent does, plus classifying "
                             "complaints, running surveys and the department queue."),
    P.ROLE_CS_CENTRE_MANAGER: _l("Everything a CS supervisor does, plus approving "
                                 "compensation claims at the manager's step."),
    P.ROLE_OFFICE_DIRECTOR: _l("Runs a management office: customer service, engineering and "
                               "property management of its estates, and the sign-offs."),
    P.ROLE_TECHNICIAN: _l("Takes repair jobs: accepts, visits, quotes, completes and "
                          "records payment."),
    P.ROLE_REPAIR_LEAD: _l("Everything a technician does, plus dispatching and reassigning "
                           "repairs and recording revisits."),
    P.ROLE_PROPERTY_OFFICER: _l("Looks after residents and units and records revisits and "
                                "payments."),
    P.ROLE_DEPARTMENT_HEAD: _l("Heads a department: works its queue, dispatches and answers "
                               "for its records."),
    P.ROLE_QUALITY_OFFICER: _l("Runs surveys and corrective actions and reads the audit "
                               "log; sees phone numbers masked."),
    P.ROLE_DEPUTY_GM: _l("Sees every estate and department; approves large claims, "
                         "survey plans and open letters."),
    P.ROLE_GM: _l("Sees every estate and department; receives major complaints."),
    P.ROLE_GATE_GUARD: _l("Keeps the gate: registers visitors the service centre has "
                          "cleared and brings in the mail."),
    P.ROLE_FINANCE_CLERK: _l("Takes the fees of front-desk services and issues their "
                             "receipts."),
    P.ROLE_ADMIN_CLERK: _l("Does the administration department's part of front-desk "
                           "services, such as laminating work permits."),
    P.ROLE_ADMIN: _l("Configures the system: staff, roles, departments and settings. Holds "
                     "every permission."),
    ROLE_PUBLIC: _l("What anyone may do without signing in."),
}


def role_label(name: str) -> str:
    """A role's name in the reader's language (roles created by admins keep theirs)."""
    return _(name) if name in BUILT_IN_ROLES else name


def role_description(name: str) -> str:
    description = ROLE_DESCRIPTIONS.get(name)
    return str(description) if description is not None else ""


def is_built_in(name: str) -> bool:
    return name in BUILT_IN_ROLES


# --- what each resource is called ---------------------------------------------------------

# Resources without a menu entry of their own or whose menu entry names something else.
RESOURCE_NAMES: dict[str, Any] = {
    P.SCOPE: _l("Estates and departments"),
    "ResidentPhone": _l("Residents' phone numbers"),
    "IdNumber": _l("Identity card numbers"),
    P.QUEUE: _l("My work"),
    P.STAFF_PROFILE: _l("Staff"),
    "UserDBModelView": _l("Sign-in accounts"),
    "RoleModelView": _l("Roles (advanced editor)"),
    "UserGroupModelView": _l("Groups of sign-in accounts"),
    "PermissionModelView": _l("Permission names (advanced)"),
    "ViewMenuModelView": _l("Permission names (advanced)"),
    "PermissionViewModelView": _l("Permission names (advanced)"),
    "UserStatsChartView": _l("Sign-in statistics"),
    "ResetMyPasswordView": _l("Own password"),
    "ResetPasswordView": _l("Colleagues' passwords"),
    "UserInfoEditView": _l("Own account"),
    "MenuApi": _l("The menu"),
    "OpenApi": _l("The REST API"),
    "SwaggerView": _l("The REST API"),
}

# Permissions that read best as a sentence of their own: (action, resource) -> sentence.
SENTENCES: dict[P.Perm, Any] = {
    P.SEE_ALL_SCOPE: _l("See every estate and department of the company"),
    P.SEE_FULL_PHONE: _l("See residents' and callers' full phone numbers"),
    P.SEE_FULL_ID_NUMBER: _l("See full identity card numbers (contractors' staff)"),
    P.MOVE_OUT_RESIDENT: _l("Record that residents moved out"),
    P.ENTER_ANSWERS: _l("Type in returned questionnaires"),
    P.PURGE_QUESTIONNAIRES: _l("Purge raw questionnaires past their retention"),
    P.HOUSEHOLD_IMPORT: _l("Import household members from Sales"),
    P.APPROVAL_QUEUE: _l("Open the approval queue of compensation claims"),
    P.DEPARTMENT_QUEUE: _l("Open the department queue"),
    (P.READ, P.QUEUE): _l("Open My work"),
    ("can_resolve", "AdminAlert"): _l("Mark admin alerts as dealt with"),
    ("can_userinfo", "UserDBModelView"): _l("See their own account"),
    ("resetmypassword", "UserDBModelView"): _l("Change their own password"),
    ("userinfoedit", "UserDBModelView"): _l("Edit their own name and email"),
    ("resetpasswords", "UserDBModelView"): _l("Set colleagues' passwords"),
    ("can_this_form_get", "ResetMyPasswordView"): _l("Open the form to change their own "
                                                     "password"),
    ("can_this_form_post", "ResetMyPasswordView"): _l("Save a new password of their own"),
    ("can_this_form_get", "UserInfoEditView"): _l("Open the form to edit their own name "
                                                  "and email"),
    ("can_this_form_post", "UserInfoEditView"): _l("Save their own name and email"),
    ("can_this_form_get", "ResetPasswordView"): _l("Open the form to set a colleague's "
                                                   "password"),
    ("can_this_form_post", "ResetPasswordView"): _l("Save a colleague's new password"),
    ("copyrole", "RoleModelView"): _l("Copy roles in the advanced editor"),
    ("can_get", "MenuApi"): _l("Load the menu (every page needs it)"),
    ("can_get", "OpenApi"): _l("Read the description of the REST API"),
    ("can_show", "SwaggerView"): _l("Open the test page of the REST API"),
    ("can_chart", "UserStatsChartView"): _l("See sign-in statistics"),
    ("can_read", "Choices"): _l("Load the choices of forms and list filters as they type"),
    ("can_read", P.JOB): _l("Follow their own print jobs and download the files"),
    ("can_read", "GlobalSearch"): _l("Search records by number, unit, name or phone"),
    ("can_read", P.JOB_ROLE): _l("Read job roles and what each allows"),
    ("can_create", P.JOB_ROLE): _l("Create job roles from a template"),
    ("can_edit", P.JOB_ROLE): _l("Change the permissions of job roles"),
    ("can_list", "PermissionModelView"): _l("List the raw names of actions"),
    ("can_list", "ViewMenuModelView"): _l("List the raw names of resources"),
    ("can_list", "PermissionViewModelView"): _l("List the raw permission names"),
}

# Verbs of the actions every page and API shares.
VERBS: dict[str, Any] = {
    "can_read": _l("Read %(things)s"),
    "can_list": _l("Read %(things)s"),
    "can_show": _l("Open the details of %(things)s"),
    "can_create": _l("Create %(things)s"),
    "can_add": _l("Create %(things)s"),
    "can_edit": _l("Edit %(things)s"),
    "can_delete": _l("Delete %(things)s"),
    "can_export": _l("Export lists of %(things)s to Excel"),
    "can_download": _l("Download the files of %(things)s"),
    "can_print": _l("Print the forms of %(things)s"),
    "can_get": _l("Read %(things)s through the API"),
}

# --- areas --------------------------------------------------------------------------------

AREA_TITLES: dict[str, Any] = {
    "organisation": _l("Organisation"),
    "residents": _l("Residents"),
    "queues": _l("Queues"),
    "administration": _l("Administration"),
    "accounts": _l("Sign-in accounts (advanced)"),
    "basics": _l("Own account and tools"),
}
_AREA_OF: dict[str, str] = {
    **{r: "organisation" for r in P.ORG_RESOURCES}, P.SCOPE: "organisation",
    P.RESIDENT: "residents", "ResidentPhone": "residents", "IdNumber": "residents",
    P.QUEUE: "queues", P.NOTIFICATION: "queues", P.JOB: "queues",
    **{r: "accounts" for r in ("UserDBModelView", "RoleModelView", "UserGroupModelView",
                               "PermissionModelView", "ViewMenuModelView",
                               "PermissionViewModelView", "UserStatsChartView",
                               "ResetPasswordView")},
    **{r: "basics" for r in ("ResetMyPasswordView", "UserInfoEditView", "MenuApi",
                             "OpenApi", "SwaggerView", "Choices", "GlobalSearch")},
}
_BASICS = {("can_userinfo", "UserDBModelView"), ("resetmypassword", "UserDBModelView"),
           ("userinfoedit", "UserDBModelView")}


@dataclass(frozen=True)
class PermissionLabel:
    """One permission as the role page shows it."""

    action: str
    resource: str
    text: str
    area: str  # key of the area it is listed under
    known: bool  # False: composed from raw names (a new permission nobody described yet)


@dataclass
class Area:
    key: str
    title: str
    subtitle: str = ""
    items: list[Any] | None = None


def _noun(label: Any) -> str:
    """A menu label as the object of a sentence: "Work orders" -> "work orders" in
    English; Chinese has no capitals."""
    text = str(label)
    if text[:1].isascii() and text[1:2].islower():
        return text[0].lower() + text[1:]
    return text


def _menu_items() -> Iterable[Any]:
    """Every entry and category of the menu, including those no longer shown."""
    for item in [*current_app.appbuilder.menu.get_list(), *_hidden_menu_items()]:
        yield item
        yield from (child for child in item.childs if child and child.name != "-")


def _hidden_menu_items() -> list[Any]:
    return current_app.extensions.get("hidden_menu_items", [])


def menu_labels() -> dict[str, Any]:
    """Menu name (what FAB's menu_access is on) -> its translated label."""
    return {item.name: item.label for item in _menu_items()}


def _view_resources() -> dict[str, Any]:
    """Resource -> label of the menu entry (or list title) of the views that use it."""
    names: dict[str, Any] = {}
    for item in _menu_items():
        view = getattr(item, "baseview", None)
        if view is not None and item.label:
            names.setdefault(view.class_permission_name, item.label)
    labels = menu_labels()
    for name, (action, resource) in P.MENU_ITEMS.items():
        if action == P.READ and name in labels:  # a link to a page of its own
            names.setdefault(resource, labels[name])
    for view in current_app.appbuilder.baseviews:
        title = getattr(view, "list_title", None)
        if title and not isinstance(title, str):  # a lazy, translatable title
            names.setdefault(getattr(view, "class_permission_name", ""), title)
    return names


@dataclass(frozen=True)
class _Catalog:
    names: dict[str, Any]  # resource -> label (a menu label, as a noun)
    areas: dict[str, str]  # resource -> area key
    area_titles: dict[str, tuple[str, str]]  # area key -> (title, subtitle)
    transitions: dict[P.Perm, Any]  # (can_<name>, resource) -> transition label
    order: list[str]  # area keys in display order
    main_resources: frozenset[str] = frozenset()  # the document types' own resources


def _catalog() -> _Catalog:
    names: dict[str, Any] = dict(_view_resources())
    areas = dict(_AREA_OF)
    area_titles = {key: (str(title), "") for key, title in AREA_TITLES.items()}
    transitions: dict[P.Perm, Any] = {}
    order = ["organisation", "residents"]
    for doc_type, document in document_types().items():
        title = document.menu.label if document.menu else document.label
        names[document.resource] = title
        areas[document.resource] = doc_type
        subtitle = str(document.menu.category_label) if document.menu else ""
        area_titles[doc_type] = (str(title), subtitle)
        order.append(doc_type)
        for page in document.pages:
            resource = page.opens[1]
            if resource != document.resource:
                names[resource] = page.menu.label
                areas.setdefault(resource, doc_type)
            for perms in page.grants.values():
                for _action, granted in perms:
                    areas.setdefault(granted, doc_type)
        for transition in document.workflow.transitions:
            transitions[(transition.permission, document.resource)] = transition.label
    names.update(RESOURCE_NAMES)
    order += ["queues", "administration", "basics", "accounts"]
    main = frozenset(d.resource for d in document_types().values())
    return _Catalog(names, areas, area_titles, transitions, order, main)


def _humanise(action: str) -> str:
    return action.removeprefix("can_").replace("_", " ")


def permission_label(action: str, resource: str, catalog: _Catalog | None = None
                     ) -> PermissionLabel:
    """What holding (action, resource) allows, in the reader's language."""
    catalog = catalog or _catalog()
    area = catalog.areas.get(resource, "administration")
    if (action, resource) in _BASICS:
        area = "basics"
    if action == P.MENU:
        label = menu_labels().get(resource)
        text = str(label) if label is not None else _(resource)
        return PermissionLabel(action, resource, _("Menu entry: %(entry)s", entry=text),
                               "menu", label is not None or text != resource)
    sentence = SENTENCES.get((action, resource))
    if sentence is not None:
        return PermissionLabel(action, resource, str(sentence), area, True)
    noun = catalog.names.get(resource)
    things = _noun(noun) if noun is not None else resource
    transition = catalog.transitions.get((action, resource))
    if transition is not None:
        return PermissionLabel(action, resource,
                               _("%(things)s: %(action)s", things=str(noun),
                                 action=_noun(transition)), area, True)
    verb = VERBS.get(action)
    if verb is not None:
        return PermissionLabel(action, resource, str(verb) % {"things": things}, area,
                               noun is not None)
    return PermissionLabel(action, resource,
                           _("%(things)s: %(action)s", things=str(noun or resource),
                             action=_humanise(action)), area, False)


def permission_labels(perms: Iterable[P.Perm]) -> dict[P.Perm, PermissionLabel]:
    catalog = _catalog()
    return {perm: permission_label(*perm, catalog=catalog) for perm in perms}


def grouped(items: Iterable[tuple[Any, PermissionLabel]]) -> list[Area]:
    """(anything, label) pairs grouped by area in a fixed order, menu entries left out
    (they follow what a role may read); each area's lines sorted by resource and text."""
    catalog = _catalog()
    by_area: dict[str, list[tuple[Any, PermissionLabel]]] = {}
    for thing, label in items:
        if label.area != "menu":
            by_area.setdefault(label.area, []).append((thing, label))
    keys = [k for k in catalog.order if k in by_area]
    keys += sorted(k for k in by_area if k not in keys)
    result = []
    for key in keys:
        title, subtitle = catalog.area_titles.get(key, (key, ""))
        lines = sorted(by_area[key], key=lambda pair: (
            _rank(pair[1].resource, catalog), pair[1].resource,
            _ACTION_ORDER.get(pair[1].action, 50), pair[1].text))
        result.append(Area(key, title, subtitle, lines))
    return result


_RESOURCE_ORDER = {r: i for i, r in enumerate(
    (*P.ORG_RESOURCES, P.SCOPE, P.RESIDENT, "ResidentPhone", P.QUEUE, P.NOTIFICATION, P.JOB,
     P.STAFF_PROFILE, P.JOB_ROLE))}


def _rank(resource: str, catalog: _Catalog) -> int:
    """Lines of an area in a reading order: the organisation top down, a document type
    before its further pages."""
    if resource in _RESOURCE_ORDER:
        return _RESOURCE_ORDER[resource]
    return 100 if resource in catalog.main_resources else 200


_ACTION_ORDER = {"can_read": 0, "can_list": 0, "can_show": 1, "can_create": 2, "can_add": 2,
                 "can_edit": 3, "can_delete": 4, "can_export": 5, "can_print": 6}
