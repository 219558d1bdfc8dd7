"""Thin views: they translate requests into model and service calls and back."""
from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from app.security import permissions as P


def register_views(appbuilder: AppBuilder) -> None:
    from app.views.audit import AuditLogView
    from app.views.calendar import AdminAlertView, CalendarDayView, CalendarSettingsView
    from app.views.org import (BranchView, BuildingApi, BuildingView, CompanyView,
                               DepartmentApi, DepartmentView, EstateApi, EstateView,
                               OfficeView, UnitApi, UnitView)
    from app.views.resident import ResidentApi, ResidentView
    from app.views.service_record import ServiceRecordApi, ServiceRecordView
    from app.views.complaint import (CollectiveCaseApi, CollectiveCaseView, ComplaintApi,
                                     ComplaintReportView, ComplaintView, RegisterSignOffView)
    from app.views.compensation import (ApprovalQueueView, ApprovalRuleView,
                                        CompensationClaimApi, CompensationClaimView)
    from app.views.queue import NotificationView, QueueView
    from app.views.settings import DeadlinePolicyView, SettingView
    from app.views.staff import StaffProfileView
    from app.views.work_order import (RectificationNoticeApi, RectificationNoticeView,
                                      RevisitApi, RevisitView, WorkOrderApi, WorkOrderView)

    org = P.MENU_ORGANISATION
    work, repairs = P.MENU_WORK, P.MENU_REPAIRS
    menu = [
        (WorkOrderView, "Work orders", _l("Work orders"), "fa-wrench", repairs, _l("Repairs")),
        (RevisitView, "Revisits", _l("Revisits"), "fa-phone", repairs, _l("Repairs")),
        (RectificationNoticeView, "Rectification notices", _l("Rectification notices"),
         "fa-exclamation-triangle", repairs, _l("Repairs")),
        (NotificationView, "Notifications", _l("Notifications"), "fa-bell", work,
         _l("Queues")),
        (ServiceRecordView, "Customer-service register", _l("Customer-service register"),
         "fa-address-book", P.MENU_SERVICE, _l("Customer service")),
        (ComplaintView, "Complaints", _l("Complaints"), "fa-bullhorn", P.MENU_SERVICE,
         _l("Customer service")),
        (CollectiveCaseView, "Collective cases", _l("Collective cases"), "fa-users",
         P.MENU_SERVICE, _l("Customer service")),
        (CompensationClaimView, "Compensation claims", _l("Compensation claims"),
         "fa-balance-scale", P.MENU_SERVICE, _l("Customer service")),
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
        (StaffProfileView, "Staff profiles", _l("Staff profiles"), "fa-id-badge",
         P.MENU_ADMIN, _l("Administration")),
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
        (ApprovalRuleView, "Approval rules", _l("Approval rules"), "fa-gavel", P.MENU_ADMIN,
         _l("Administration")),
    ]
    permissions_of: dict[str, set[str]] = {}
    for view, name, label, icon, category, category_label in menu:
        added = appbuilder.add_view(view, name, label=label, icon=icon, category=category,
                                    category_label=category_label)
        permissions_of[added.class_permission_name] = set(added.base_permissions)
    appbuilder.add_view_no_menu(QueueView())
    appbuilder.add_view_no_menu(RegisterSignOffView())
    appbuilder.add_view_no_menu(ComplaintReportView())
    appbuilder.add_link("Complaint statistics", href="/complaint-report/",
                        label=_l("Complaint statistics"), icon="fa-bar-chart",
                        category=P.MENU_SERVICE, category_label=_l("Customer service"))
    appbuilder.add_link("Register sign-off", href="/complaint-signoff/",
                        label=_l("Register sign-off"), icon="fa-check-square-o",
                        category=P.MENU_SERVICE, category_label=_l("Customer service"))
    appbuilder.add_link("My work", href="/queue/mine", label=_l("My work"), icon="fa-inbox",
                        category=work, category_label=_l("Queues"))
    appbuilder.add_link("Department queue", href="/queue/department",
                        label=_l("Department queue"), icon="fa-list-ol", category=work,
                        category_label=_l("Queues"))
    # The approval queue shares the claims' resource: register it with all of its
    # permissions, or FAB would drop the ones it does not list.
    approvals = ApprovalQueueView()
    approvals.base_permissions = sorted(set(approvals.base_permissions)
                                        | permissions_of[P.COMPENSATION])
    appbuilder.add_view_no_menu(approvals)
    appbuilder.add_link("Approval queue", href="/approvals/", label=_l("Approval queue"),
                        icon="fa-gavel", category=work, category_label=_l("Queues"))
    for api_class in (EstateApi, BuildingApi, UnitApi, DepartmentApi, ResidentApi,
                      WorkOrderApi, RevisitApi, RectificationNoticeApi, ComplaintApi,
                      CollectiveCaseApi, ServiceRecordApi):
        # A view and its API share one resource; FAB would otherwise drop the view's extra
        # permissions (export, actions) when it registers the API under the same name.
        api = api_class()
        api.base_permissions = sorted(set(api.base_permissions)
                                      | permissions_of.get(api.class_permission_name, set()))
        appbuilder.add_api(api)
    claims_api = CompensationClaimApi()
    claims_api.base_permissions = sorted(set(claims_api.base_permissions)
                                         | permissions_of[P.COMPENSATION])
    appbuilder.add_api(claims_api)
