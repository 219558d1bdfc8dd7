"""Workflow diagrams (Administration → Workflow diagrams): every registered workflow drawn
from its declaration, with a table of who may take each transition by default, what it
asks for and which deadlines it arms or meets. Department heads read workflows as
pictures; generating them from the tables keeps the pictures true."""
from __future__ import annotations

from typing import Any

from flask import Response, abort
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from app.models.workflow import DeadlinePolicy
from app.security import permissions as P
from app.views.workflow import DOCUMENT_TYPES
from app.workflows.diagram import target_states, workflow_svg
from app.workflows.registry import registered
from app.workflows.table import Transition, Workflow


def _names(keys: tuple[str, ...], policies: dict[str, str]) -> list[str]:
    """Deadline policies by their translated name where the database knows them, each
    once (a transition may arm one policy under several conditions)."""
    return list(dict.fromkeys(policies.get(key, key) for key in keys))


def transition_row(workflow: Workflow, transition: Transition,
                   policies: dict[str, str]) -> dict[str, Any]:
    """One line of the table under a diagram, every text translated."""
    targets = [workflow.state_label(t) if t is not None else _("(state stays)")
               for t in target_states(transition)]
    return {
        "name": transition.name,
        "label": str(transition.label),
        "sources": [workflow.state_label(s) for s in transition.sources],
        "targets": targets,
        "roles": [_(role) for role in transition.roles],
        "fields": [str(f.label) for f in transition.fields],
        "arms": _names(tuple(arm.policy for arm in transition.arms), policies),
        "meets": _names(transition.meets, policies),
    }


class WorkflowDiagramView(BaseView):
    """`/workflows/`: every workflow with its diagram; `/workflows/<type>.svg`: one alone."""
    route_base = "/workflows"
    class_permission_name = P.WORKFLOW_DIAGRAM
    method_permission_name = {"index": "read", "svg": "read"}
    base_permissions = ["can_read"]
    default_view = "index"

    def _policies(self) -> dict[str, str]:
        session = self.appbuilder.session
        return {p.key: p.name_label for p in session.scalars(select(DeadlinePolicy))}

    @expose("/")
    @has_access
    def index(self):
        policies = self._policies()
        workflows = [{
            "doc_type": workflow.doc_type,
            "title": str(DOCUMENT_TYPES.get(workflow.doc_type, workflow.doc_type)),
            "svg": Markup(workflow_svg(workflow)),  # noqa: S704 - every text is escaped
            "rows": [transition_row(workflow, t, policies) for t in workflow.transitions],
        } for workflow in registered().values()]
        return self.render_template("workflows/index.html", title=_("Workflow diagrams"),
                                    workflows=workflows)

    @expose("/<doc_type>.svg")
    @has_access
    def svg(self, doc_type: str):
        workflow = registered().get(doc_type)
        if workflow is None:
            abort(404)
        return Response(workflow_svg(workflow), mimetype="image/svg+xml")
