"""`flask demo scale` on PostgreSQL: a small shape of it, built on the test organisation
inside the test's transaction, keeps the rules the forms and workflows keep."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from app.demo.scale import UNITS_PER_BUILDING, Shape, build_scale_data
from app.workflows.complaint import COMPLAINT
from app.workflows.numbering import allocate_number
from app.workflows.revisit import REVISIT
from app.workflows.work_order import WORK_ORDER

NOW = datetime(2026, 11, 20, 10, 0)
SHAPE = Shape(units=2 * UNITS_PER_BUILDING, residents_per_unit=2, work_orders=900,
              complaints=270, open_share=0.1)


@pytest.fixture
def built(app, seeded):
    if seeded.get_bind().dialect.name != "postgresql":
        pytest.skip("scale data is built on PostgreSQL only")
    added = build_scale_data(seeded, SHAPE, NOW)
    return seeded, added


def rows(session, sql: str) -> list:
    return session.execute(text(sql)).all()


def one(session, sql: str):
    return session.execute(text(sql)).scalar()


def test_the_shape_asked_for_is_built(built):
    session, added = built
    assert added["units"] == 200 and added["residents"] == 400
    assert added["work orders"] == 900 and added["complaints"] == 270
    assert added["technicians"] >= 2
    # A revisit per completed repair and resolved complaint, a timer per document.
    assert added["revisits"] == one(session, "SELECT count(*) FROM work_order w JOIN org_estate "
                                    "e ON e.id = w.estate_id WHERE e.code LIKE 'SC-%' AND "
                                    "w.completed_at IS NOT NULL") + one(
        session, "SELECT count(*) FROM complaint c JOIN org_estate e ON e.id = c.estate_id "
                 "WHERE e.code LIKE 'SC-%' AND c.resolved_at IS NOT NULL")
    assert added["deadline timers"] > added["complaints"] + added["revisits"]


def test_documents_are_in_states_of_their_workflow_with_what_the_state_needs(built):
    session, _ = built
    states = {state for (state,) in rows(session, "SELECT DISTINCT state FROM work_order")}
    assert states <= set(WORK_ORDER.states) and {"registered", "closed", "paid"} <= states
    assert one(session, "SELECT count(*) FROM work_order WHERE state NOT IN ('registered', "
                        "'cancelled') AND (technician_id IS NULL OR department_id IS NULL "
                        "OR dispatched_at IS NULL)") == 0
    assert one(session, "SELECT count(*) FROM work_order WHERE state = 'closed' AND "
                        "(closed_at IS NULL OR customer_accepted_at IS NULL OR paid_at IS NULL "
                        "OR completed_at IS NULL)") == 0
    assert one(session, "SELECT count(*) FROM work_order WHERE emergency AND "
                        "state = 'appointment_agreed'") == 0  # R-WO-2: no appointment
    assert one(session, "SELECT count(*) FROM work_order WHERE state = 'cancelled' AND "
                        "cancel_reason IS NULL") == 0

    states = {state for (state,) in rows(session, "SELECT DISTINCT state FROM complaint")}
    assert states <= set(COMPLAINT.states)
    assert one(session, "SELECT count(*) FROM complaint WHERE state NOT IN ('registered', "
                        "'transferred') AND complaint_class IS NULL") == 0
    assert one(session, "SELECT count(*) FROM complaint WHERE state = 'with_gm' AND "
                        "complaint_class <> 'major'") == 0
    # R-CP-2: an immediate reply or an agreed reply time.
    assert one(session, "SELECT count(*) FROM complaint WHERE immediate_reply IS NULL AND "
                        "agreed_reply_at IS NULL") == 0
    states = {state for (state,) in rows(session, "SELECT DISTINCT state FROM revisit")}
    assert states <= set(REVISIT.states)
    assert one(session, "SELECT count(*) FROM revisit WHERE state = 'done' AND "
                        "(revisited_at IS NULL OR satisfaction IS NULL)") == 0


def test_units_and_residents_belong_to_the_documents_estate(built):
    session, _ = built
    for table in ("work_order", "complaint", "revisit"):
        assert one(session, f"SELECT count(*) FROM {table} d JOIN org_unit u ON u.id = d.unit_id "
                            "JOIN org_building b ON b.id = u.building_id "
                            "WHERE b.estate_id <> d.estate_id") == 0
        assert one(session, f"SELECT count(*) FROM {table} d JOIN resident r "
                            "ON r.id = d.resident_id WHERE r.unit_id <> d.unit_id") == 0
    # Technicians work in the estate's office.
    assert one(session, "SELECT count(*) FROM work_order w JOIN org_estate e ON e.id = w.estate_id "
                        "JOIN org_department d ON d.id = w.department_id "
                        "WHERE d.office_id <> e.office_id") == 0


def test_the_newest_documents_are_the_open_ones_and_their_timers_run(built):
    session, _ = built
    newest_closed = one(session, "SELECT max(reported_at) FROM work_order w JOIN org_estate e "
                                 "ON e.id = w.estate_id WHERE e.code LIKE 'SC-%' "
                                 "AND state IN ('closed', 'cancelled')")
    oldest_open = one(session, "SELECT min(reported_at) FROM work_order w JOIN org_estate e "
                               "ON e.id = w.estate_id WHERE e.code LIKE 'SC-%' "
                               "AND state NOT IN ('closed', 'cancelled')")
    assert newest_closed < oldest_open <= NOW
    statuses = dict(rows(session, "SELECT d.state = 'dispatched', array_agg(DISTINCT t.status) "
                                  "FROM deadline_timer t JOIN work_order d ON d.id = t.doc_id "
                                  "AND t.doc_type = 'work_order' JOIN org_estate e "
                                  "ON e.id = d.estate_id WHERE e.code LIKE 'SC-%' GROUP BY 1"))
    assert statuses == {True: ["armed"], False: ["met"]}
    overdue = one(session, f"SELECT count(*) FILTER (WHERE due_at < '{NOW}') * 1.0 / count(*) "
                           "FROM deadline_timer t JOIN org_estate e ON e.id = t.estate_id "
                           "WHERE t.status = 'armed' AND e.code LIKE 'SC-%'")
    assert 0.05 < overdue < 0.2  # about one in ten past due


def test_numbers_are_unique_and_the_counters_continue_after_them(built):
    session, _ = built
    for table in ("work_order", "complaint", "revisit"):
        assert one(session, f"SELECT count(*) - count(DISTINCT number) FROM {table}") == 0
    latest = one(session, "SELECT max(number) FROM work_order WHERE number LIKE 'WO-2026-%'")
    following = allocate_number(session, "WO", 2026)
    assert following > latest
    assert one(session, f"SELECT count(*) FROM work_order WHERE number = '{following}'") == 0


def test_staff_of_the_office_see_the_new_estates(built, world):
    session, _ = built
    new_estates = one(session, "SELECT count(*) FROM org_estate WHERE code LIKE 'SC-%'")
    seen = one(session, "SELECT count(*) FROM staff_profile_estate spe JOIN staff_profile sp "
                        "ON sp.id = spe.profile_id JOIN org_estate e ON e.id = spe.estate_id "
                        f"WHERE sp.user_id = {world.ids['user_head_a']} AND e.code LIKE 'SC-%'")
    assert new_estates >= 1 and seen >= 1
