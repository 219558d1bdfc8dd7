"""Landing page: who I am, where I work, what I can open."""
from __future__ import annotations

from flask import g
from flask_appbuilder import IndexView, expose
from sqlalchemy import select

from app.models import Department, Estate
from app.security.scope import current_scope


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        estates, departments = [], []
        scope = current_scope() if g.user is not None and g.user.is_authenticated else None
        if scope is not None:
            session = self.appbuilder.session
            q_est = select(Estate).order_by(Estate.code)
            q_dep = select(Department).order_by(Department.office_id, Department.kind)
            if not scope.unrestricted:
                q_est = q_est.where(Estate.scope_clause(scope))
                q_dep = q_dep.where(Department.scope_clause(scope))
            estates = session.scalars(q_est.limit(50)).all()
            departments = session.scalars(q_dep.limit(50)).all()
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    scope=scope, estates=estates, departments=departments)
