"""Pages and API of the mail for residents (R-FD-5): batches the gate brings and the pieces
waiting for their addressees. Thin: registration and every step go through the engine
(app/workflows/mail.py). The collection form on the tablet carries a signature pad; the
signature is shown back from the database, never from a file path."""
from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from app.models.mail import MAIL_KINDS, MAIL_SOURCES, MailBatch, MailItem
from app.security import permissions as P
from app.security.scope import apply_scope
from app.uploads import PNG, download_response
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.mail import MAIL_BATCH, MAIL_ITEM
from app.workflows.mail_collection import household

BATCH_LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "estate": _l("Estate"), "source": _l("Delivered by"), "source_label": _l("Delivered by"),
    "carrier": _l("Post office or courier"), "guard_count": _l("Pieces counted by the gate"),
    "brought_at": _l("Brought at"), "brought_by": _l("Gate guard"),
    "centre_count": _l("Pieces counted by the centre"), "received_at": _l("Signed for at"),
    "received_by": _l("Signed for by"), "items": _l("Mail"), "created_at": _l("Created at"),
}
ITEM_LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "estate": _l("Estate"), "batch": _l("Mail batch"), "unit": _l("Unit"),
    "addressee": _l("Addressee"), "addressee_name": _l("Addressee as written"),
    "kind": _l("Kind"), "kind_label": _l("Kind"), "tracking_number": _l("Tracking number"),
    "registered_by": _l("Registered by"), "created_at": _l("Registered at"),
    "collector": _l("Collected by"), "collector_name": _l("Collected by"),
    "signed_on": _l("Signature"), "signed_on_label": _l("Signature"),
    "signature_ref": _l("Signature of the collector"), "paper_sheet": _l("Signing list"),
    "collected_at": _l("Collected at"), "handed_over_by": _l("Handed over by"),
    "reminded_at": _l("Reminded at"), "returned_at": _l("Returned at"),
}


class MailBatchView(WorkflowModelView):
    """Mail the gate brought: counted and signed by the guard, then by the centre."""

    datamodel = documents(MailBatch)
    workflow = MAIL_BATCH
    class_permission_name = P.MAIL_BATCH
    list_columns = ["number", "estate", "brought_at", "source_label", "guard_count",
                    "centre_count", "brought_by", "received_by", "state_label"]
    search_columns = ["estate", "brought_at", "source", "state"]
    order_columns = ["number", "brought_at"]
    base_order = ("brought_at", "desc")
    add_columns = ["estate", "source", "carrier", "guard_count"]
    edit_columns = ["carrier"]
    show_fieldsets = [
        (_l("Brought by the gate"), {"fields": [
            "number", "state_label", "estate", "source_label", "carrier", "guard_count",
            "brought_by", "brought_at"]}),
        (_l("Counted by the centre"), {"after": ("count_and_sign",), "fields": [
            "centre_count", "received_by", "received_at", "items"]}),
    ]
    add_form_extra_fields = {
        "source": SelectField(_l("Delivered by"), choices=list(MAIL_SOURCES.items())),
        "guard_count": IntegerField(_l("Pieces counted by the gate"),
                                    validators=[InputRequired(), NumberRange(1, 9999)]),
    }
    label_columns = BATCH_LABELS
    list_title = show_title = add_title = edit_title = _l("Mail batches")
    document_label = _l("Mail batch")
    transition_summary_columns = ["source_label", "guard_count", "brought_by"]
    export_columns = ["number", "estate.name", "brought_at", "source_label", "carrier",
                      "guard_count", "centre_count", "brought_by", "received_by",
                      "received_at", "state_label"]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.formatters_columns = {**self.formatters_columns, "items": self._item_links}

    @staticmethod
    def _item_links(items: Any) -> Markup:
        return Markup(", ").join(Markup('<a href="{url}">{number}</a>').format(
            url=url_for("MailItemView.show", pk=i.id), number=i.number) for i in items or [])


class MailItemView(WorkflowModelView):
    """Pieces of mail waiting at the centre, handed over against the addressee's own
    signature; the list of the waiting ones is the uncollected-mail list."""

    datamodel = documents(MailItem)
    workflow = MAIL_ITEM
    class_permission_name = P.MAIL_ITEM
    transition_template = "mail/transition.html"
    list_columns = ["number", "estate", "unit", "addressee_name", "kind_label", "created_at",
                    "reminded_at", "collected_at", "collector_name", "state_label"]
    search_columns = ["estate", "batch", "unit", "addressee_name", "kind", "state",
                      "created_at", "tracking_number"]
    order_columns = ["number", "created_at"]
    base_order = ("created_at", "desc")
    add_columns = ["batch", "unit", "addressee", "addressee_name", "kind", "tracking_number"]
    edit_columns = ["tracking_number"]
    show_fieldsets = [
        (_l("Mail"), {"fields": [
            "number", "state_label", "estate", "batch", "unit", "addressee", "addressee_name",
            "kind_label", "tracking_number", "registered_by", "created_at", "reminded_at"]}),
        (_l("Collection"), {"after": ("collect", "return_to_sender"), "fields": [
            "collector", "collector_name", "signed_on_label", "signature_ref", "paper_sheet",
            "collected_at", "handed_over_by", "returned_at"]}),
    ]
    add_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=list(MAIL_KINDS.items())),
    }
    description_columns = {
        "addressee_name": _l("As written on the envelope. Empty: the addressee's name."),
    }
    label_columns = ITEM_LABELS
    list_title = show_title = add_title = edit_title = _l("Mail")
    document_label = _l("Mail")
    transition_summary_columns = ["unit", "addressee_name", "kind_label", "created_at"]
    export_columns = ["number", "estate.name", "unit", "addressee_name", "kind_label",
                      "tracking_number", "created_at", "reminded_at", "collector_name",
                      "signed_on_label", "paper_sheet", "collected_at", "state_label"]

    def __init__(self, **kwargs: Any) -> None:
        self.method_permission_name = {**self.method_permission_name, "signature": "read"}
        super().__init__(**kwargs)
        self.formatters_columns = {**self.formatters_columns,
                                   "signature_ref": self._signature_image}

    def _signature_image(self, pk: Any) -> Markup:
        if not pk:
            return Markup("")
        return Markup('<img src="{url}" alt="" style="max-height: 120px; border: 1px solid '
                      '#ccc" id="collector-signature">').format(
            url=url_for(f"{self.__class__.__name__}.signature", pk=pk))

    def transition_extra(self, transition: Any, items: list[Any], fields: list[dict],
                         session: Any) -> dict[str, Any]:
        """The household of the unit, to pick the collector from on the tablet."""
        if transition.name != "collect":
            return {}
        return {"household": household(items[0], session)}

    @expose("/signature/<int:pk>", methods=["GET"])
    @has_access
    def signature(self, pk: int):
        session = self.datamodel.session
        item = session.scalar(apply_scope(select(MailItem), MailItem)
                              .where(MailItem.id == pk))
        if item is None or not item.signature_png:
            abort(404)
        return download_response(item.signature_png, content_type=PNG,
                                 filename=f"{item.number}-signature.png", inline=True)


class MailBatchApi(WorkflowRestApi):
    resource_name = "mail_batch"
    datamodel = documents(MailBatch)
    workflow = MAIL_BATCH
    class_permission_name = P.MAIL_BATCH
    list_columns = ["id", "number", "state", "version", "estate.id", "estate.name", "source",
                    "carrier", "guard_count", "centre_count", "brought_at", "received_at"]
    show_columns = list_columns + ["brought_by.id", "received_by.id"]
    add_columns = ["estate", "source", "carrier", "guard_count"]
    edit_columns = ["carrier"]
    order_columns = ["id", "number", "brought_at"]


class MailItemApi(WorkflowRestApi):
    resource_name = "mail_item"
    datamodel = documents(MailItem)
    workflow = MAIL_ITEM
    class_permission_name = P.MAIL_ITEM
    list_columns = ["id", "number", "state", "version", "estate.id", "batch.id", "unit.id",
                    "addressee.id", "addressee_name", "kind", "tracking_number",
                    "created_at", "reminded_at", "collected_at"]
    show_columns = list_columns + ["collector.id", "collector_name", "signed_on",
                                   "paper_sheet", "handed_over_by.id", "registered_by.id",
                                   "returned_at"]
    add_columns = ["batch", "unit", "addressee", "addressee_name", "kind", "tracking_number"]
    edit_columns = ["tracking_number"]
    order_columns = ["id", "number", "created_at"]
