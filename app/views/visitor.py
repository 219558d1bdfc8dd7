"""Pages and API of the visitors at the gate (R-FD-1). Thin: the gate's registration and
every answer and step go through the engine (app/workflows/visitor.py).

The add page is the gate's form on a tablet: a handful of fields with large touch targets
(the name, how many, the unit found by typing a few characters, the purpose in one tap,
an optional ID or plate), so that a visitor is registered in well under half a minute.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from app.models.visitor import VISIT_PURPOSES, Visitor
from app.security import permissions as P
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.visitor import VISITOR

LABELS = {
    "number": _l("Number"), "state": _l("State"), "state_label": _l("State"),
    "estate": _l("Estate"), "visitor_name": _l("Visitor's name"),
    "party_size": _l("People"), "purpose": _l("Purpose"), "purpose_label": _l("Purpose"),
    "id_or_plate": _l("ID or car plate"), "unit": _l("Unit visited"),
    "department": _l("Department visited"), "whom": _l("Visiting"),
    "called_at": _l("Called the centre at"), "called_by": _l("Gate guard"),
    "answered_at": _l("Answered at"), "answered_by": _l("Answered by"),
    "checked_with": _l("Checked with"), "refusal_reason": _l("Reason"),
    "admitted_at": _l("Admitted at"), "turned_away_at": _l("Turned away at"),
    "gate_by": _l("At the gate"), "left_at": _l("Left at"), "created_at": _l("Created at"),
}


class VisitorView(WorkflowModelView):
    """Visitors: called in by the gate, answered by the centre, admitted or turned away
    by the gate; the list filtered by estate and day is the estate's visitor log."""

    datamodel = documents(Visitor)
    workflow = VISITOR
    class_permission_name = P.VISITOR
    add_template = "visitors/gate.html"
    list_also_loads = ("unit", "department")  # what "whom" reads
    list_columns = ["number", "estate", "called_at", "visitor_name", "party_size", "whom",
                    "purpose_label", "state_label", "admitted_at", "left_at"]
    search_columns = ["estate", "called_at", "visitor_name", "unit", "state", "purpose",
                      "id_or_plate"]
    order_columns = ["number", "called_at"]
    base_order = ("called_at", "desc")
    add_columns = ["estate", "visitor_name", "party_size", "unit", "purpose", "id_or_plate"]
    edit_columns = ["id_or_plate"]  # a correction; everything else is the workflow's
    show_fieldsets = [
        (_l("At the gate"), {"fields": [
            "number", "state_label", "estate", "visitor_name", "party_size", "purpose_label",
            "id_or_plate", "unit", "department", "called_at", "called_by"]}),
        (_l("The centre's answer"), {"after": ("clear", "decline"), "fields": [
            "answered_at", "answered_by", "checked_with", "refusal_reason"]}),
        (_l("Entry"), {"after": ("admit", "turn_away"), "fields": [
            "admitted_at", "turned_away_at", "gate_by", "left_at"]}),
    ]
    add_form_extra_fields = {
        "party_size": IntegerField(_l("People"), default=1,
                                   validators=[InputRequired(), NumberRange(1, 99)]),
        "purpose": SelectField(_l("Purpose"), choices=list(VISIT_PURPOSES.items()),
                               default="visit"),
    }
    description_columns = {
        "unit": _l("Type the building or the unit number, e.g. 7 1201."),
        "id_or_plate": _l("Optional."),
    }
    label_columns = LABELS
    list_title = show_title = add_title = _l("Visitors")
    document_label = _l("Visitor")
    transition_summary_columns = ["visitor_name", "party_size", "whom", "purpose_label"]
    export_columns = ["number", "estate.name", "called_at", "visitor_name", "party_size",
                      "whom", "purpose_label", "id_or_plate", "checked_with",
                      "answered_at", "refusal_reason", "admitted_at", "turned_away_at",
                      "left_at", "state_label"]


class VisitorApi(WorkflowRestApi):
    resource_name = "visitor"
    datamodel = documents(Visitor)
    workflow = VISITOR
    class_permission_name = P.VISITOR
    list_columns = ["id", "number", "state", "version", "estate.id", "estate.name",
                    "visitor_name", "party_size", "purpose", "unit.id", "department.id",
                    "called_at", "answered_at", "admitted_at", "turned_away_at", "left_at"]
    show_columns = list_columns + ["id_or_plate", "checked_with", "refusal_reason",
                                   "called_by.id", "answered_by.id", "gate_by.id"]
    add_columns = ["estate", "visitor_name", "party_size", "unit", "purpose", "id_or_plate"]
    edit_columns = ["id_or_plate"]
    order_columns = ["id", "number", "called_at"]
