"""Deadline policies and business settings: the numbers of RULES.md as data admins edit
(R-WO-2, R-WO-7 and every later deadline); a changed policy applies to deadlines armed
afterwards, never to one already given to someone."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, SelectField
from wtforms.validators import NumberRange, ValidationError

from app.models import DeadlinePolicy, Setting
from app.models.workflow import DURATION_UNITS, ESCALATION_LEVELS
from app.security import permissions as P
from app.views.base import ScopedModelView, scoped


class _ChainValidator:
    """Each level of the escalation chain must be one the deadline engine knows."""

    def __call__(self, form: Any, field: Any) -> None:
        levels = [p.strip() for p in (field.data or "").split(",") if p.strip()]
        unknown = [p for p in levels if p not in ESCALATION_LEVELS]
        if not levels or unknown:
            raise ValidationError(_("Use levels from: %(levels)s (comma-separated).",
                                    levels=", ".join(ESCALATION_LEVELS)))


class DeadlinePolicyView(ScopedModelView):
    datamodel = scoped(DeadlinePolicy)
    class_permission_name = P.DEADLINE_POLICY
    exclude_route_methods = {"add", "delete"}
    # No rule ids on the page: the policy's name says what it times.
    list_columns = ["name_label", "amount", "unit_label", "warn_share",
                    "escalation_chain", "escalation_step_minutes", "active"]
    show_columns = ["key", "name_label", "amount", "unit_label", "warn_share",
                    "escalation_chain", "escalation_step_minutes", "active", "updated_at"]
    # The chain as people say it ("Handler → Department head"), not its stored codes.
    formatters_columns = {"escalation_chain": lambda chain: " → ".join(
        str(ESCALATION_LEVELS.get(level.strip(), level.strip()))
        for level in (chain or "").split(",") if level.strip())}
    edit_columns = ["amount", "unit", "warn_share", "escalation_chain",
                    "escalation_step_minutes", "active"]
    search_columns = ["key", "doc_type", "unit", "active"]
    edit_form_extra_fields = {
        "unit": SelectField(_l("Time unit"), choices=list(DURATION_UNITS.items())),
        "active": BooleanField(_l("Active")),
    }
    validators_columns = {
        "amount": [NumberRange(min=0, max=100000)],
        "warn_share": [NumberRange(min=0, max=1)],
        "escalation_step_minutes": [NumberRange(min=1, max=100000)],
        "escalation_chain": [_ChainValidator()],
    }
    description_columns = {
        "warn_share": _l("Share of the time after which the handler is warned, e.g. 0.8."),
        "escalation_chain": _l("Who hears of a breach, one level per step: handler, "
                               "department_head, office_director, general_manager."),
        "escalation_step_minutes": _l("Minutes between two escalation levels."),
    }
    label_columns = {
        "key": _l("Key"), "name_label": _l("Deadline"), "rule": _l("Rule"),
        "amount": _l("Amount"), "unit": _l("Time unit"), "unit_label": _l("Time unit"),
        "warn_share": _l("Warn at share"), "escalation_chain": _l("Escalation chain"),
        "escalation_step_minutes": _l("Minutes between levels"), "active": _l("Active"),
        "updated_at": _l("Last changed"), "doc_type": _l("Document"),
    }
    list_title = show_title = edit_title = _l("Deadline policies")


class SettingView(ScopedModelView):
    datamodel = scoped(Setting)
    class_permission_name = P.SETTING
    exclude_route_methods = {"add", "delete"}
    # No rule ids on the page (as for deadline policies): the label says what it sets.
    list_columns = ["label", "value"]
    show_columns = ["key", "label", "value", "updated_at"]
    search_columns = ["key", "value"]
    edit_columns = ["value"]
    # 10, 0.15, 1.5 as people write them; not the stored 10.0000.
    formatters_columns = {"value": lambda value: "" if value is None
                          else format(Decimal(value).normalize(), "f")}
    validators_columns = {"value": [NumberRange(min=0)]}
    label_columns = {"key": _l("Key"), "label": _l("Setting"), "value": _l("Value"),
                     "rule": _l("Rule"), "updated_at": _l("Last changed")}
    list_title = show_title = edit_title = _l("Settings")
