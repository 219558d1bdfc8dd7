"""My work, the department queue and the notification list: thin pages over
app.workflows.queues and the deadline engine's notifications."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models import Estate, Notification
from app.models.base import local_now
from app.models.work_order import CATEGORIES
from app.security import permissions as P
from app.security.actor import Actor
from app.security.scope import apply_scope
from app.views.base import ScopedModelView, scoped
from app.views.confirmations import counted
from app.views.notification_badge import badge_context
from app.views.workflow import DOCUMENT_ENDPOINTS, DOCUMENT_TYPES
from app.workflows.queues import DEPARTMENT, DUE_FILTERS, MY_WORK, PAGE_SIZE, queue
from app.workflows.registry import registered


def document_url(doc_type: str, doc_id: int) -> str | None:
    endpoint = DOCUMENT_ENDPOINTS.get(doc_type)
    return url_for(endpoint, pk=doc_id) if endpoint else None


class QueueView(BaseView):
    """"My work" for every user and the department queue for heads and directors."""

    route_base = "/queue"
    class_permission_name = P.QUEUE
    method_permission_name = {"mine": "read", "department": "department"}
    default_view = "mine"

    def _render(self, kind: str, title: Any):
        session = self.appbuilder.session
        args = request.args
        estate_id = args.get("estate", type=int)
        category = args.get("category") or None
        state = args.get("state") or None
        doc_type = args.get("type") or None
        due = args.get("due") if args.get("due") in DUE_FILTERS else None
        if category and category not in CATEGORIES:
            category = None
        if doc_type and doc_type not in DOCUMENT_TYPES:
            doc_type = None
        actor = Actor.current()
        now = local_now()
        page = min(max(1, args.get("page", default=1, type=int) or 1), 10_000)
        rows = queue(session, actor, kind, now, estate_id=estate_id, category=category,
                     state=state, doc_type=doc_type, due=due,
                     type_labels={k: str(v) for k, v in DOCUMENT_TYPES.items()},
                     offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        filters = {k: v for k, v in args.items() if k != "page"}
        pages = {"number": page,
                 "previous": url_for(request.endpoint, **filters, page=page - 1)
                 if page > 1 else None,
                 "next": url_for(request.endpoint, **filters, page=page + 1)
                 if has_next else None}
        estates = session.scalars(apply_scope(session.query(Estate), Estate)
                                  .order_by(Estate.code).statement).all()
        states: dict[str, str] = {}
        for workflow in registered().values():
            for code, label in workflow.states.items():
                if code not in workflow.final:
                    states.setdefault(code, str(label))
        return self.render_template(
            "queue/queue.html", title=title, rows=rows, kind=kind, estates=estates,
            categories=CATEGORIES, states=states, document_types=DOCUMENT_TYPES,
            due_filters=DUE_FILTERS,
            selected={"estate": estate_id, "category": category, "state": state,
                      "type": doc_type, "due": due}, document_url=document_url, now=now,
            pages=pages)

    @expose("/mine")
    @has_access
    def mine(self):
        return self._render(MY_WORK, _("My work"))

    @expose("/department")
    @has_access
    def department(self):
        return self._render(DEPARTMENT, _("Department queue"))


class NotificationView(ScopedModelView):
    """Deadline warnings and escalations addressed to the person signed in (their own only,
    whatever their role)."""

    datamodel = scoped(Notification)
    class_permission_name = P.NOTIFICATION
    method_permission_name = {**ScopedModelView.method_permission_name,
                              "mark_read": "edit", "open": "read"}
    exclude_route_methods = {"add", "edit", "delete", "export"}
    list_columns = ["at", "message", "level_label", "read_label"]
    show_columns = list_columns
    search_columns = ["at", "read_at"]  # not the raw timer, kind or document columns
    base_order = ("at", "desc")
    label_columns = {"at": _l("Time"), "message": _l("Message"),
                     "level_label": _l("Escalation level"), "read_label": _l("Read"),
                     "read_at": _l("Read at")}
    list_title = show_title = _l("Notifications")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.formatters_columns = {"message": self._message_link}

    def create_blueprint(self, appbuilder: Any, *args: Any, **kwargs: Any) -> Any:
        """The navbar's unread badge (templates/appbuilder/navbar_right.html) comes with
        the list it links to."""
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.app_context_processor(badge_context)
        return blueprint

    @staticmethod
    def _message_link(message: tuple[int, str]) -> Markup:
        pk, text = message
        return Markup('<a href="{url}">{text}</a>').format(
            url=url_for("NotificationView.open", pk=pk), text=text)

    @action("mark_read", _l("Mark as read"),
            counted(_l("Mark this notification as read?"),
                    _l("Mark %(count)d notifications as read?")), "fa-check")
    def mark_read(self, items: Any):
        items = items if isinstance(items, list) else [items]
        for item in items:
            if item.read_at is None:
                item.read_at = local_now()
        flash(_("%(n)d notification(s) marked as read.", n=len(items)), "success")
        return redirect(self.get_redirect())

    @expose("/open/<int:pk>", methods=["GET"])
    @has_access
    def open(self, pk: int):
        """Follow a notification to its document (reading it is not a change of state:
        the mark-as-read action does that)."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        url = document_url(item.doc_type or "", item.doc_id or 0)
        return redirect(url or url_for("NotificationView.list"))

