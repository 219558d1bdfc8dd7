"""Working-day calendar, working hours and admin alerts: the data deadlines are computed on
(R-CS-4, R-CP-5, R-WO-7). Admins correct days and add next year when the State Council
publishes it; an edited day is marked "admin" so that re-seeding never overwrites it."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, SelectField
from wtforms.validators import ValidationError

from app.models import AdminAlert, CalendarDay, CalendarSettings
from app.models.org import REGIONS
from app.views.base import ScopedModelView, scoped
from app.views.confirmations import counted
from app.workflows.calendar import parse_periods

CALENDAR_DAY = "CalendarDay"
CALENDAR_SETTINGS = "CalendarSettings"
ADMIN_ALERT = "AdminAlert"

LABELS = {
    "region": _l("Region"), "region_label": _l("Region"), "day": _l("Date"),
    "weekday_label": _l("Weekday"), "is_workday": _l("Working day"),
    "name": _l("Holiday / make-up day"), "source": _l("Source"),
    "source_label": _l("Source"), "working_periods": _l("Working hours"),
    "at": _l("Time"), "kind": _l("Kind"), "kind_label": _l("Kind"),
    "message": _l("Message"), "resolved": _l("Resolved"),
    "updated_at": _l("Last changed"), "created_at": _l("Created at"),
}


class CalendarDayView(ScopedModelView):
    """One row per day and region; saving a row through this page marks it "admin"."""

    datamodel = scoped(CalendarDay)
    class_permission_name = CALENDAR_DAY
    list_columns = ["day", "weekday_label", "region_label", "is_workday", "name",
                    "source_label"]
    search_columns = ["region", "day", "is_workday", "name", "source"]
    add_columns = ["region", "day", "is_workday", "name"]
    edit_columns = ["is_workday", "name"]
    show_columns = ["region_label", "day", "weekday_label", "is_workday", "name",
                    "source_label", "updated_at"]
    # FAB makes a NOT NULL boolean "required", which refuses an unticked box (a holiday).
    edit_form_extra_fields = {"is_workday": BooleanField(_l("Working day"), default=False)}
    add_form_extra_fields = {
        "region": SelectField(_l("Region"), choices=list(REGIONS.items())),
        **edit_form_extra_fields,
    }
    description_columns = {
        "is_workday": _l("Untick for a holiday; tick for a make-up working day (调休)."),
        "day": _l("A year counts as known once it has at least one day; days left out "
                  "follow the regular Monday-to-Friday week."),
    }
    base_order = ("day", "desc")
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Working-day calendar")

    def pre_add(self, item: Any) -> None:
        super().pre_add(item)
        item.source = "admin"

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        item.source = "admin"


class _PeriodsValidator:
    """Refuses working hours the deadline engine could not read."""

    def __call__(self, form: Any, field: Any) -> None:
        try:
            parse_periods(field.data or "")
        except ValueError as error:
            raise ValidationError(
                _("Write the working hours like 09:00-12:00,13:30-18:00 (%(error)s).",
                  error=str(error))) from None


class CalendarSettingsView(ScopedModelView):
    """Working hours per region (working-hour deadlines count only these periods)."""

    datamodel = scoped(CalendarSettings)
    class_permission_name = CALENDAR_SETTINGS
    base_permissions = ["can_read", "can_edit"]
    list_columns = ["region_label", "working_periods", "updated_at"]
    show_columns = ["region_label", "working_periods", "updated_at"]
    edit_columns = ["working_periods"]
    validators_columns = {"working_periods": [_PeriodsValidator()]}
    description_columns = {
        "working_periods": _l("Periods as HH:MM-HH:MM separated by commas, e.g. "
                              "09:00-12:00,13:30-18:00."),
    }
    label_columns = LABELS
    list_title = show_title = edit_title = _l("Working hours")


class AdminAlertView(ScopedModelView):
    """Problems only an admin can fix, e.g. next year's calendar is missing."""

    datamodel = scoped(AdminAlert)
    class_permission_name = ADMIN_ALERT
    method_permission_name = {**ScopedModelView.method_permission_name, "resolve": "resolve"}
    base_permissions = ["can_read", "can_resolve"]
    list_columns = ["at", "kind_label", "message", "resolved"]
    show_columns = ["at", "kind_label", "message", "resolved"]
    search_columns = ["at", "kind", "message", "resolved"]
    base_order = ("at", "desc")
    label_columns = LABELS
    list_title = show_title = _l("Admin alerts")

    @action("resolve", _l("Resolve"),
            counted(_l("Mark this alert as resolved?"),
                    _l("Mark %(count)d alerts as resolved?")), "fa-check")
    def resolve(self, items: Any):
        items = items if isinstance(items, list) else [items]
        for item in items:
            item.resolved = True
        flash(_("%(n)d alert(s) resolved.", n=len(items)), "success")
        return redirect(self.get_redirect())
