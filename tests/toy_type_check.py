"""Proof that a document type is one declaration: a toy "permit" declared here, and nothing
else edited, gets its menu entry, permissions and role grants, REST API with transitions,
queue rows, a seeded deadline policy, a printable form and row scope.

Run in its own process by tests/test_registry.py (its model must not join the main test
session's metadata): `python -m tests.toy_type_check` with DATABASE_URL naming an empty
SQLite database, or, with TOY_TEMPLATE naming the test run's template database file and
TOY_WORLD its tests/world.py ids (JSON), a new file to copy that template into: migrated,
permissions synced and the organisation in it, as after a release before the toy type
existed. Exits non-zero on the first failed check.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import timedelta

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import relationship

from app.models.base import DocumentMixin, TimestampMixin
from app.models.org import Estate
from app.security import permissions as P
from app.views.workflow import WorkflowModelView, WorkflowRestApi, documents
from app.workflows.registry import (
    EVERY_ROLE,
    N_,
    TO_HANDLER_AND_UP,
    DocumentType,
    Menu,
    Policy,
    PrintForm,
    declare,
)
from app.workflows.table import Arm, Transition, Workflow


class ToyPermit(DocumentMixin, TimestampMixin, Model):
    """A permit that an agent registers and a supervisor approves."""

    __tablename__ = "toy_permit"
    __workflow__ = "toy_permit"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    state = Column(String(20), nullable=False, default="requested")
    version = Column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=False, index=True)
    estate = relationship(Estate)
    holder = Column(String(100), nullable=False)

    @classmethod
    def scope_clause(cls, scope):
        return cls.estate_id.in_(scope.estate_ids)


TOY = Workflow(
    doc_type="toy_permit", resource="ToyPermit", number_prefix="TP",
    states={"requested": _l("Requested"), "approved": _l("Approved")},
    initial="requested", final=("approved",),
    on_create=(Arm("toy.approve"),),
    transitions=(
        Transition("approve", _l("Approve"), ("requested",), "approved",
                   (P.ROLE_CS_SUPERVISOR,), meets=("toy.approve",)),
    ),
)


class ToyPermitView(WorkflowModelView):
    datamodel = documents(ToyPermit)
    workflow = TOY
    class_permission_name = "ToyPermit"
    list_columns = ["number", "estate", "holder", "state_label"]
    add_columns = ["estate", "holder"]
    show_columns = ["number", "estate", "holder", "state_label"]


class ToyPermitApi(WorkflowRestApi):
    resource_name = "toy_permit"
    datamodel = documents(ToyPermit)
    workflow = TOY
    class_permission_name = "ToyPermit"
    list_columns = show_columns = ["id", "number", "state", "version", "holder", "estate.id"]
    add_columns = ["estate", "holder"]


DOCUMENT = declare(DocumentType(
    workflow=TOY, model=ToyPermit, label=_l("Toy permit"),
    view=f"{__name__}:ToyPermitView", api=f"{__name__}:ToyPermitApi",
    menu=Menu("Toy permits", _l("Toy permits"), "fa-id-card", P.MENU_SERVICE,
              _l("Customer service"), order=99),
    grants={EVERY_ROLE: (P.READ, P.PRINT), P.ROLE_FRONT_DESK_AGENT: (P.CREATE,)},
    policies=(Policy("toy.approve", N_("Toy permit approved"), "R-FD-3", 30, "minutes",
                     0.5, TO_HANDLER_AND_UP, 10),),
    print_forms=(PrintForm("toy_permit_slip", N_("Toy permit"), "print/sheet.html"),),
))


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def main() -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.commands import sync_roles
    from app.extensions import db
    from app.models import DeadlinePolicy, DeadlineTimer
    from app.models.base import local_now
    from app.security.actor import Actor
    from app.workflows.calendar import seed_calendar
    from app.workflows.deadlines import seed_policies
    from app.workflows.queues import DEPARTMENT, queue
    from tests.world import PASSWORD, World, build_world

    url = os.environ["DATABASE_URL"]
    template = os.environ.get("TOY_TEMPLATE")
    if template:
        shutil.copyfile(template, make_url(url).database)
    bootstrap = create_app("test", SQLALCHEMY_DATABASE_URI=url, FAB_UPDATE_PERMS=False)
    with bootstrap.app_context():
        upgrade()
        ToyPermit.__table__.create(db.engine)  # the toy's own table, beside the migrations
        db.engine.dispose()
    # Syncs FAB's permissions: the toy's views are new.
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        sync_roles()
        world = World(ids=json.loads(os.environ["TOY_WORLD"])) if template else build_world()
        session = app.appbuilder.session
        added = seed_policies(session)
        seed_calendar(session, regions=("mainland",), years=[local_now().year,
                                                             local_now().year + 1])
        session.commit()
        check(added > 0 and session.scalar(select(DeadlinePolicy.doc_type).where(
            DeadlinePolicy.key == "toy.approve")) == "toy_permit", "deadline policy seeded")
        sm = app.appbuilder.sm
        agent_perms = {(p.permission.name, p.view_menu.name)
                       for p in sm.find_role(P.ROLE_FRONT_DESK_AGENT).permissions}
        check({("can_create", "ToyPermit"), ("can_read", "ToyPermit"),
               ("menu_access", "Toy permits")} <= agent_perms, "agent's grants and menu")
        supervisor_perms = {(p.permission.name, p.view_menu.name)
                            for p in sm.find_role(P.ROLE_CS_SUPERVISOR).permissions}
        check(("can_approve", "ToyPermit") in supervisor_perms,
              "the transition granted to the role that declares it")
        check(("can_approve", "ToyPermit") not in agent_perms, "and denied to others")

    def api(username: str):
        client = app.test_client()
        token = client.post("/api/v1/security/login", json={
            "username": username, "password": PASSWORD, "provider": "db"}).json["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        return client, headers

    client, agent = api("agent_a")
    created = client.post("/api/v1/toy_permit/", headers=agent,
                          json={"estate": world.estate_a, "holder": "王师傅"})
    check(created.status_code == 201, f"REST create ({created.status_code})")
    pk = created.json["id"]
    doc = client.get(f"/api/v1/toy_permit/{pk}", headers=agent).json["result"]
    check(doc["number"].startswith("TP-") and doc["state"] == "requested", "numbered, initial")

    with app.app_context():
        session = app.appbuilder.session
        timer = session.scalar(select(DeadlineTimer).where(
            DeadlineTimer.doc_type == "toy_permit", DeadlineTimer.doc_id == pk))
        check(timer is not None and timer.status == "armed", "deadline armed at registration")
        with app.test_request_context():
            supervisor = sm.find_user(username="supervisor_a")
            rows = queue(session, Actor.for_user(supervisor), DEPARTMENT,
                         local_now() + timedelta(minutes=1))
        check(any(r.doc_type == "toy_permit" and r.doc.id == pk for r in rows), "queue row")

    from tests.helpers import login

    page = app.test_client()
    check(login(page, "agent_a").status_code == 302, "agent signs in")
    listing = page.get("/toypermitview/list/")
    check(listing.status_code == 200 and doc["number"] in listing.get_data(as_text=True),
          "list page")
    check('href="/toypermitview/list/"' in page.get("/").get_data(as_text=True)
          or "/toypermitview/list/" in listing.get_data(as_text=True), "menu entry")

    other, other_headers = api("agent_b")
    check(other.get(f"/api/v1/toy_permit/{pk}", headers=other_headers).status_code == 404,
          "row scope: another office's agent does not see it")

    refused = client.post(f"/api/v1/toy_permit/{pk}/transition/approve", headers=agent,
                          json={"version": doc["version"]})
    check(refused.status_code == 403, "deny by default: the agent may not approve")
    sup, sup_headers = api("supervisor_a")
    offered = sup.get(f"/api/v1/toy_permit/{pk}/transitions", headers=sup_headers).json
    check([t["name"] for t in offered["result"]] == ["approve"], "transitions offered")
    done = sup.post(f"/api/v1/toy_permit/{pk}/transition/approve", headers=sup_headers,
                    json={"version": doc["version"]})
    check(done.status_code == 200 and done.json["state"] == "approved", "transition taken")
    history = sup.get(f"/api/v1/toy_permit/{pk}/history", headers=sup_headers).json["result"]
    check([h["transition"] for h in history] == ["create", "approve"], "history rows")

    pdf = sup.get(f"/api/v1/toy_permit/{pk}/pdf?form=toy_permit_slip&lang=zh_Hans&second=en",
                  headers=sup_headers)
    check(pdf.status_code == 200 and pdf.data[:4] == b"%PDF", "printable form")
    print("toy document type: every check passed")


if __name__ == "__main__":
    main()
