"""GET /choices/<kind>?q=…&page=…&estate=…&building=…&unit=…: one page of what the
signed-in person may pick, in the shape select2 reads. A thin door onto app.choices."""
from __future__ import annotations

from flask import jsonify, request
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app import choices
from app.security import permissions as P


class ChoicesView(BaseView):
    route_base = "/choices"
    # Every member of staff may ask; what they may ask about is checked per kind.
    class_permission_name = P.CHOICES
    method_permission_name = {"choices": "read"}

    @expose("/<kind>")
    @has_access
    def choices(self, kind: str):
        source = choices.sources().get(kind)
        if source is None:
            return jsonify(message=_("Not found.")), 404
        if not choices.may_ask(source):
            return jsonify(message=_("You may not see these records.")), 403
        page = request.args.get("page", default=1, type=int) or 1
        parents = {name: request.args.get(name) for name in source.parents}
        found = choices.search(kind, request.args.get("q", ""), parents, page=page)
        return jsonify(results=[{"id": c.id, "text": c.text} for c in found.results],
                       pagination={"more": found.more})
