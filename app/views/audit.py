"""The audit log, read-only: no add, edit or delete route exists for it."""
from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

from app.models import AuditLog
from app.security import permissions as P
from app.views.base import ScopedModelView, scoped


def _pretty(changes: dict) -> str:
    return json.dumps(changes, ensure_ascii=False, sort_keys=True)


class AuditLogView(ScopedModelView):
    datamodel = scoped(AuditLog)
    class_permission_name = P.AUDIT_LOG
    base_permissions = ["can_read", "can_export"]
    list_columns = ["at", "username", "action", "table_name", "row_id", "changes"]
    show_columns = list_columns
    search_columns = ["at", "username", "action", "table_name", "row_id"]
    base_order = ("id", "desc")
    formatters_columns = {"changes": _pretty}
    label_columns = {
        "at": _l("Time (UTC)"), "username": _l("User"), "action": _l("Action"),
        "table_name": _l("Table"), "row_id": _l("Row"), "changes": _l("Changes"),
    }
    list_title = show_title = _l("Audit log")
