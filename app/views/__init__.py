"""Thin views: they translate requests into model and service calls and back."""
from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from app.security import permissions as P
from app.views.audit import AuditLogView
from app.views.calendar import AdminAlertView, CalendarDayView, CalendarSettingsView
from app.views.choices import ChoicesView
from app.views.diagram import WorkflowDiagramView
from app.views.job import JobApi, JobView
from app.views.org import (
    BranchView,
    BuildingApi,
    BuildingView,
    CompanyView,
    DepartmentApi,
    DepartmentView,
    EstateApi,
    EstateView,
    OfficeView,
    UnitApi,
    UnitView,
)
from app.views.queue import NotificationView, QueueView
from app.views.resident import ResidentApi, ResidentView
from app.views.search import GlobalSearchView
from app.views.settings import DeadlinePolicyView, SettingView
from app.views.staff import JobRoleView, StaffProfileView, StaffView, hide_security_menu
from app.workflows.registry import document_types, resolve


def register_views(appbuilder: AppBuilder) -> None:
    org = P.MENU_ORGANISATION
    work = P.MENU_WORK
    # Every document type's pages and menu entry, from its declaration.
    documents = document_types().values()
    menu = [(resolve(d.view), d.menu.name, d.menu.label, d.menu.icon, d.menu.category,
             d.menu.category_label) for d in documents if d.view and d.menu]
    menu += [
        (NotificationView, "Notifications", _l("Notifications"), "fa-bell", work,
         _l("Queues")),
        (JobView, "Print jobs", _l("Print and export jobs"), "fa-tasks", work, _l("Queues")),
        (CompanyView, "Companies", _l("Companies"), "fa-building-o", org, _l("Organisation")),
        (BranchView, "Branches", _l("Branches"), "fa-sitemap", org, _l("Organisation")),
        (OfficeView, "Management offices", _l("Management offices"), "fa-briefcase", org,
         _l("Organisation")),
        (EstateView, "Estates", _l("Estates"), "fa-map-marker", org, _l("Organisation")),
        (BuildingView, "Buildings", _l("Buildings"), "fa-building", org, _l("Organisation")),
        (UnitView, "Units", _l("Units"), "fa-home", org, _l("Organisation")),
        (DepartmentView, "Departments", _l("Departments"), "fa-users", org,
         _l("Organisation")),
        (ResidentView, "Residents", _l("Residents"), "fa-user", P.MENU_RESIDENTS,
         _l("Residents")),
        (StaffView, "Staff", _l("Staff"), "fa-id-badge", P.MENU_ADMIN, _l("Administration")),
        (JobRoleView, "Job roles", _l("Job roles"), "fa-key", P.MENU_ADMIN,
         _l("Administration")),
        (AuditLogView, "Audit log", _l("Audit log"), "fa-history", P.MENU_ADMIN,
         _l("Administration")),
        (CalendarDayView, "Working-day calendar", _l("Working-day calendar"), "fa-calendar",
         P.MENU_ADMIN, _l("Administration")),
        (CalendarSettingsView, "Working hours", _l("Working hours"), "fa-clock-o",
         P.MENU_ADMIN, _l("Administration")),
        (AdminAlertView, "Admin alerts", _l("Admin alerts"), "fa-exclamation-triangle",
         P.MENU_ADMIN, _l("Administration")),
        (DeadlinePolicyView, "Deadline policies", _l("Deadline policies"), "fa-hourglass-half",
         P.MENU_ADMIN, _l("Administration")),
        (SettingView, "Settings", _l("Settings"), "fa-sliders", P.MENU_ADMIN,
         _l("Administration")),
    ]
    pages = [page for d in documents for page in d.pages]
    menu += [(resolve(p.view), p.menu.name, p.menu.label, p.menu.icon, p.menu.category,
              p.menu.category_label) for p in pages if p.href is None]
    permissions_of: dict[str, set[str]] = {}
    for view, name, label, icon, category, category_label in menu:
        added = appbuilder.add_view(view, name, label=label, icon=icon, category=category,
                                    category_label=category_label)
        permissions_of[added.class_permission_name] = set(added.base_permissions)
    appbuilder.add_view_no_menu(QueueView())
    appbuilder.add_view_no_menu(StaffProfileView())  # Administration → Staff replaces it
    hide_security_menu(appbuilder)  # FAB's user and role pages: reachable, not in the menu
    appbuilder.add_view_no_menu(ChoicesView())
    appbuilder.add_view_no_menu(WorkflowDiagramView())
    appbuilder.add_view_no_menu(GlobalSearchView())
    appbuilder.add_link("Workflow diagrams", href="/workflows/", label=_l("Workflow diagrams"),
                        icon="fa-sitemap", category=P.MENU_ADMIN,
                        category_label=_l("Administration"))
    appbuilder.add_link("My work", href="/queue/mine", label=_l("My work"), icon="fa-inbox",
                        category=work, category_label=_l("Queues"))
    appbuilder.add_link("Department queue", href="/queue/department",
                        label=_l("Department queue"), icon="fa-list-ol", category=work,
                        category_label=_l("Queues"))
    for page in (p for p in pages if p.href is not None):
        view = resolve(page.view)()
        # A page may share its type's resource (the approval queue shares the claims'):
        # register it with all of the resource's permissions, or FAB would drop the ones
        # it does not list.
        view.base_permissions = sorted(set(view.base_permissions or [])
                                       | permissions_of.get(view.class_permission_name, set()))
        appbuilder.add_view_no_menu(view)
        appbuilder.add_link(page.menu.name, href=page.href, label=page.menu.label,
                            icon=page.menu.icon, category=page.menu.category,
                            category_label=page.menu.category_label)
    limiter = getattr(appbuilder.sm, "limiter", None)
    for dotted in (page for d in documents for page in d.public_pages):
        view = appbuilder.add_view_no_menu(resolve(dotted)())
        if limiter is not None and view.blueprint is not None:
            # Codes are unguessable; the limit keeps anyone from trying many anyway.
            limiter.limit(current_app.config.get("PUBLIC_RATE_LIMIT", "60 per minute"))(
                view.blueprint)
    apis = [EstateApi, BuildingApi, UnitApi, DepartmentApi, ResidentApi, JobApi]
    apis += [resolve(d.api) for d in documents if d.api]
    for api_class in apis:
        # A view and its API share one resource; FAB would otherwise drop the view's extra
        # permissions (export, actions) when it registers the API under the same name.
        api = api_class()
        api.base_permissions = sorted(set(api.base_permissions)
                                      | permissions_of.get(api.class_permission_name, set()))
        appbuilder.add_api(api)
