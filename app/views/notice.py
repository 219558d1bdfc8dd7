"""Pages and API of the notices to residents (R-CS-8). Thin: registration and every step
go through the engine (app/workflows/notice.py)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from wtforms import SelectField

from app.models.notice import NOTICE_CHANNELS, NOTICE_KINDS, Notice
from app.security import permissions as P
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.notice import NOTICE

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "estate": _l("Estate"), "department": _l("Department"), "kind": _l("About"),
    "kind_label": _l("About"), "channel": _l("How residents are told"),
    "channel_label": _l("How residents are told"), "title": _l("Title"),
    "body": _l("Notice"), "hotline": _l("Service and complaint hotline"),
    "edition": _l("Edition"), "previous": _l("Replaces"), "drafted_by": _l("Drafted by"),
    "submitted_at": _l("Submitted at"), "approved_at": _l("Approved at"),
    "approved_by": _l("Approved by"), "published_at": _l("Published at"),
    "withdrawn_at": _l("Withdrawn at"), "replaced_at": _l("Replaced at"),
    "created_at": _l("Created at"),
}
EDITABLE = ["kind", "channel", "title", "body", "hotline"]


def _draft_only(item: Notice) -> None:
    """A notice is changed while it is a draft; afterwards it is what was approved, and a
    published one changes by its next edition."""
    if item.state != "draft":
        raise BadRequest(description=_("Only a draft notice can be changed; a published "
                                        "notice changes by its next edition."))


class NoticeView(WorkflowModelView):
    """Notices to residents: drafted, approved by the office director, published with the
    hotline; every edition kept."""

    datamodel = documents(Notice)
    workflow = NOTICE
    class_permission_name = P.NOTICE
    list_columns = ["number", "estate", "title", "kind_label", "edition", "published_at",
                    "state_label"]
    search_columns = ["number", "estate", "title", "kind", "state", "published_at"]
    order_columns = ["number", "published_at"]
    base_order = ("created_at", "desc")
    add_columns = ["estate", *EDITABLE]
    edit_columns = EDITABLE
    show_fieldsets = [
        (_l("Notice to residents"), {"fields": [
            "number", "state_label", "estate", "department", "kind_label", "channel_label",
            "title", "body", "hotline", "edition", "previous", "drafted_by", "created_at"]}),
        (_l("Approval and publication"), {"after": ("submit",), "fields": [
            "submitted_at", "approved_by", "approved_at", "published_at", "replaced_at",
            "withdrawn_at"]}),
    ]
    add_form_extra_fields = {
        "kind": SelectField(_l("About"), choices=list(NOTICE_KINDS.items())),
        "channel": SelectField(_l("How residents are told"),
                               choices=list(NOTICE_CHANNELS.items())),
    }
    edit_form_extra_fields = add_form_extra_fields
    description_columns = {
        "hotline": _l("Printed on the notice. Empty: the company's hotline."),
        "body": _l("An empty line starts a new paragraph."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = edit_title = _l("Notices to residents")
    document_label = _l("Notice to residents")
    export_columns = ["number", "estate.name", "title", "kind_label", "channel_label",
                      "edition", "hotline", "published_at", "state_label"]
    lands_on = {"revise": "next_edition"}

    def pre_update(self, item: Notice) -> None:
        super().pre_update(item)
        _draft_only(item)


class NoticeApi(WorkflowRestApi):
    resource_name = "notice"
    datamodel = documents(Notice)
    workflow = NOTICE
    class_permission_name = P.NOTICE
    list_columns = ["id", "number", "state", "version", "estate.id", "estate.name", "kind",
                    "channel", "title", "edition", "published_at"]
    show_columns = list_columns + [
        "body", "hotline", "previous_id", "department.id", "drafted_by.id", "submitted_at",
        "approved_at", "approved_by.id", "withdrawn_at", "replaced_at"]
    add_columns = ["estate", *EDITABLE]
    edit_columns = EDITABLE
    order_columns = ["id", "number", "published_at"]

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        _draft_only(item)
