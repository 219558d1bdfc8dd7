"""The work-order changelist as a team would configure Django's admin for it: the
application's list columns, newest first, 25 a page, related rows joined in one query, the
same filters, and Django's defaults for everything else (an exact count of the list and
another of the whole table on every page, `show_full_result_count`).

A superuser sees every work order. Anyone else sees the rows of their own scope, taken from
the application's staff profile of the account with the same user name: the work orders of
their estates handled or registered by their departments, the predicate
benchmarks/pages.py times as raw SQL (IN_SCOPE).
"""
from __future__ import annotations

import os

from django.contrib import admin
from django.db import connections
from django.db.models import Q

from workorders.models import WorkOrder

SCOPE_SQL = (
    "SELECT 'estate', spe.estate_id FROM staff_profile_estate spe JOIN staff_profile sp "
    "ON sp.id = spe.profile_id JOIN ab_user u ON u.id = sp.user_id WHERE u.username = %s "
    "UNION ALL SELECT 'department', spd.department_id FROM staff_profile_department spd "
    "JOIN staff_profile sp ON sp.id = spd.profile_id JOIN ab_user u ON u.id = sp.user_id "
    "WHERE u.username = %s")


def scope_of(request) -> dict[str, list[int]] | None:
    """Estates and departments of the signed-in person (None: everything), once a request."""
    if request.user.is_superuser:
        return None
    if not hasattr(request, "_work_order_scope"):
        where: dict[str, list[int]] = {"estate": [], "department": []}
        with connections["scale"].cursor() as cursor:
            cursor.execute(SCOPE_SQL, [request.user.username] * 2)
            for kind, id_ in cursor.fetchall():
                where[kind].append(id_)
        request._work_order_scope = where
    return request._work_order_scope


class EstateFilter(admin.RelatedFieldListFilter):
    """The estate filter offers one's own estates only."""

    def field_choices(self, field, request, model_admin):
        scope = scope_of(request)
        limit = None if scope is None else {"id__in": scope["estate"]}
        return field.get_choices(include_blank=False, ordering=("code",),
                                 limit_choices_to=limit)


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    # The application's list: app/views/work_order.py WorkOrderView.list_columns.
    list_display = ("number", "estate", "unit", "category", "emergency", "state",
                    "technician", "reported_at")
    list_select_related = ("estate", "unit__building__estate", "technician")
    list_filter = ("state", "category", "emergency", ("estate", EstateFilter))
    search_fields = ("number",)
    ordering = ("-reported_at", "-id")
    list_per_page = 25
    # Django's default is True; DJANGO_FULL_COUNT=0 measures the tuned setting as well.
    show_full_result_count = os.environ.get("DJANGO_FULL_COUNT", "1") != "0"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        scope = scope_of(request)
        if scope is None:
            return rows
        return rows.filter(Q(estate_id__in=scope["estate"]) & (
            Q(department_id__in=scope["department"])
            | Q(registering_department_id__in=scope["department"])))
