"""Landing page: who I am, where I work, what I can open."""
from __future__ import annotations

from flask import g
from flask_appbuilder import IndexView, expose
from sqlalchemy import select

from app.charts import line_chart
from app.models import Department, Estate
from app.models.base import local_now
from app.security import permissions as P
from app.security.scope import current_scope
from app.workflows.dashboard import dashboard
from app.workflows.survey_scoring import percent


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
        figures = dashboard(self.appbuilder.session, scope, local_now(), P.user_can) \
            if scope is not None else {}
        charts = {row.estate: line_chart(row.trend, width=260, height=120)
                  for row in figures.get("satisfaction", []) if len(row.trend) > 1}
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    scope=scope, estates=estates, departments=departments,
                                    figures=figures, trend_charts=charts, percent=percent)
