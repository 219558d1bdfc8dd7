"""Pages and API of resident passes (R-FD-2), and the page that takes household members
from Sales. Thin: every step goes through the engine (app/workflows/resident_pass.py), the
import through app/workflows/household_import.py."""
from __future__ import annotations

from flask import Response, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models.org import Estate
from app.models.resident_pass import HouseholdPass, PassCard
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import scope_clause_for
from app.views.base import ScopedModelView, scoped
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.household_import import (
    MAX_ROWS,
    ImportReport,
    import_households,
    template_csv,
)
from app.workflows.resident_pass import HOUSEHOLD_PASS

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "estate": _l("Estate"), "unit": _l("Unit"), "free_per_member": _l("Free passes per member"),
    "fee_each": _l("Fee of each extra pass"), "fee_text": _l("Fee of each extra pass"),
    "free_count": _l("Free passes"), "charged_count": _l("Charged passes"),
    "amount": _l("Amount to pay"), "amount_text": _l("Amount to pay"), "receipt_number": _l("Receipt number"),
    "prepared_by": _l("Passes prepared by"), "ready_at": _l("Ready at"), "paid_at": _l("Paid at"),
    "signed_by": _l("Signed by (resident)"), "issued_at": _l("Handed over at"),
    "issued_by": _l("Handed over by"), "closed_at": _l("Returned at"),
    "created_at": _l("Created at"),
}


class HouseholdPassView(WorkflowModelView):
    """A household's resident passes: made before move-in, signed for at move-in, lost and
    returned ones kept track of."""

    datamodel = documents(HouseholdPass)
    workflow = HOUSEHOLD_PASS
    class_permission_name = P.RESIDENT_PASS
    show_template = "resident_pass/show.html"
    exclude_route_methods = {"edit", "delete"}  # changed through its steps only
    list_also_loads = ("cards",)  # the free and charged counts of each row
    list_columns = ["number", "estate", "unit", "free_count", "charged_count", "issued_at",
                    "state_label"]
    search_columns = ["number", "estate", "unit", "state", "receipt_number", "issued_at"]
    order_columns = ["number", "issued_at"]
    base_order = ("created_at", "desc")
    add_columns = ["estate", "unit"]
    show_fieldsets = [
        (_l("Resident passes"), {"fields": [
            "number", "state_label", "estate", "unit", "free_per_member", "fee_text",
            "free_count", "charged_count", "amount_text", "prepared_by", "created_at"]}),
        (_l("Payment"), {"after": ("record_payment",), "fields": ["receipt_number",
                                                                   "paid_at"]}),
        (_l("Move-in and move-out"), {"after": ("ready", "issue", "move_out"), "fields": [
            "ready_at", "signed_by", "issued_by", "issued_at", "closed_at"]}),
    ]
    label_columns = LABELS
    description_columns = {
        "unit": _l("Every member of the household on record gets the free passes at once."),
    }
    list_title = show_title = add_title = _l("Resident passes")
    document_label = _l("Resident passes")
    export_columns = ["number", "estate.name", "unit", "free_count", "charged_count",
                      "amount", "receipt_number", "signed_by", "issued_at", "state_label"]
    transition_summary_columns = ["unit", "free_count", "charged_count", "amount_text"]



class HouseholdPassApi(WorkflowRestApi):
    resource_name = "household_pass"
    datamodel = documents(HouseholdPass)
    workflow = HOUSEHOLD_PASS
    class_permission_name = P.RESIDENT_PASS
    exclude_route_methods = {"put", "delete"}  # changed through its steps only
    list_columns = ["id", "number", "state", "version", "estate.id", "estate.name", "unit.id",
                    "unit.number", "free_per_member", "fee_each", "free_count",
                    "charged_count", "amount", "amount_text", "receipt_number", "issued_at"]
    show_columns = list_columns + ["signed_by", "ready_at", "paid_at", "closed_at",
                                   "prepared_by.id", "issued_by.id"]
    add_columns = ["unit"]
    order_columns = ["id", "number", "issued_at"]


class PassCardView(ScopedModelView):
    """Every resident pass by its number, newest first: whose it is, from which household's
    passes, and whether it is held, lost or returned. Read only: passes change through
    their household's steps."""

    datamodel = scoped(PassCard)
    class_permission_name = P.PASS_CARD
    base_permissions = [P.READ]
    base_order = ("id", "desc")
    list_columns = ["number", "estate", "resident", "household_pass", "state_label",
                    "charged", "issued_at"]
    show_columns = ["number", "estate", "resident", "household_pass", "state_label",
                    "charged", "fee_text", "receipt_number", "replaces", "made_at",
                    "issued_at", "lost_at", "returned_at"]
    search_columns = ["number", "estate", "state", "charged", "issued_at"]
    order_columns = ["number", "issued_at"]
    label_columns = {
        "number": _l("Pass number"), "estate": _l("Estate"),
        "resident": _l("Household member"), "household_pass": _l("Resident passes"),
        "state": _l("State"), "state_label": _l("State"), "charged": _l("Charged"),
        "fee_text": _l("Fee"), "receipt_number": _l("Receipt number"),
        "replaces": _l("Replaces"), "made_at": _l("Made at"),
        "issued_at": _l("Handed over at"), "lost_at": _l("Lost at"),
        "returned_at": _l("Returned at"),
    }
    list_title = show_title = _l("Pass numbers")


class HouseholdImportView(BaseView):
    """Household members from Sales, before move-in: upload, read the report, correct and
    upload again until the file is clean; then every member is stored at once."""

    route_base = "/household-import"
    class_permission_name = P.RESIDENT_PASS
    method_permission_name = {"index": "import", "template": "import"}
    default_view = "index"

    def _estates(self) -> list[Estate]:
        clause = scope_clause_for(Estate, Actor.current().scope)
        query = select(Estate).order_by(Estate.name)
        if clause is not None:
            query = query.where(clause)
        return list(self.appbuilder.session.scalars(query))

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        estates = self._estates()
        report, status, chosen = None, 200, request.form.get("estate", "")
        if request.method == "POST":
            upload = request.files.get("file")
            estate = next((e for e in estates if str(e.id) == chosen), None)
            session = self.appbuilder.session
            if upload is None or not upload.filename:
                report = ImportReport(file_error=_("Choose the file to upload."))
                status = 400
            else:
                result = import_households(session, upload.read(), Actor.current().scope,
                                           estate)
                if result.clean:
                    session.commit()
                else:
                    session.rollback()
                    status = 400
                report = result
        body = self.render_template("resident_pass/import.html", title=_("Import households "
                                    "from Sales"), estates=estates, chosen=chosen,
                                    report=report, max_rows=MAX_ROWS)
        return Response(body, status=status)

    @expose("/template.csv")
    @has_access
    def template(self):
        return Response(template_csv(), mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=households.csv"})
