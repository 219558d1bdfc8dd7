"""Compensation claims, house return and exchange (R-CO-1..5) end to end, as real users
through the real access layer: the approval boundaries of R-CO-2 and R-CO-3 for each
liability, developer-related claims forwarded (R-CO-4), the quality station, Marketing and
Customer Service for a return or exchange (R-CO-5), self-approval refused, every
transition walked, refusals by role (403), by scope (404) and by version (409), the scope
matrix of R-ORG-4, exact amounts, evidence files, masked phones (R-RES-2), the approval
queue, the approval rules as data, and the printed complaint handling form (投诉处理单)."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import func, select

from app.models import ApprovalRule, CompensationClaim, CompensationEvidence, Complaint
from app.models.base import local_now
from app.security import permissions as P
from app.workflows.claim_routing import route_for, seed_approval_rules
from app.workflows.money import amount_in_words
from app.workflows.registry import registered
from tests.helpers import (
    FONT,
    PNG,
    assert_every_character_has_a_glyph,
    csrf_token,
    embedded_families,
    history_names,
    pdf_bytes,
    pdf_text,
    transition,
    version_of,
)

API = "/api/v1/compensation/"
VIEW = "/compensationclaimview"
REFUSED = {400, 403, 404}
NOT_EXPOSED = {403, 404, 405}

take = partial(transition, base=API)


# --- helpers (the `seeded` fixture is tests/conftest.py's) ------------------------------------

def make_complaint(app, api_as, world, side: str = "a") -> int:
    """A complaint of office `side`, registered by its front desk through the API."""
    payload = {"source": "phone", "estate": getattr(world, f"estate_{side}"),
               "unit": getattr(world, f"unit_{side}"),
               "resident": getattr(world, f"resident_{side}"),
               "complainant_name": f"Resident {side.upper()}",
               "complainant_phone": "13812345678" if side == "a" else "13987654321",
               "event_time": (local_now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S"),
               "event_place": "Kitchen", "subject": "Engineering contractor",
               "matter": "repairs", "description": "A burst pipe flooded the flat below.",
               "customer_request": "Compensation for the ruined floor",
               "immediate_reply": "We apologise and will assess the loss today."}
    response = api_as(f"agent_{side}").post("/api/v1/complaint/", json=payload)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def claim_payload(complaint_id: int, **extra) -> dict:
    data = {"complaint": complaint_id, "kind": "compensation", "liability": "company",
            "amount": "5000.00", "loss_description": "Wooden floor of 20 m² ruined",
            "proposal": "Pay for a new floor at the supplier's quote"}
    data.update(extra)
    return data


def new_claim(app, api_as, world, raiser: str = "agent_a", side: str = "a", **extra) -> int:
    complaint_id = make_complaint(app, api_as, world, side)
    response = api_as(raiser).post(API, json=claim_payload(complaint_id, **extra))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def attach(api, pk, kind="evidence", content=PNG, name="floor.png", expect=201):
    response = api.post(f"{API}{pk}/evidence", data={
        "kind": kind, "version": str(version_of(api, f"{API}{pk}")),
        "files": (io.BytesIO(content), name)}, content_type="multipart/form-data")
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


ACKNOWLEDGEMENT = {"acknowledged_by": "contractor", "acknowledged_by_name": "Wang Gong",
                   "acknowledged_at": "2026-01-05 10:00"}


def prepared(app, api_as, world, raiser="agent_a", side="a", **extra) -> int:
    """A claim with its evidence and, for a contractor part, the written acknowledgement:
    ready to submit (R-CO-1, R-CO-2)."""
    pk = new_claim(app, api_as, world, raiser=raiser, side=side, **extra)
    api = api_as(raiser)
    attach(api, pk)
    state = api.get(f"{API}{pk}").json["result"]
    if Decimal(state["contractor_amount"]) > 0:
        take(api, pk, "record_acknowledgement", ACKNOWLEDGEMENT)
        attach(api, pk, kind="acknowledgement", content=pdf_bytes(), name="ack.pdf")
    return pk


def submitted(app, api_as, world, raiser="agent_a", side="a", **extra) -> int:
    pk = prepared(app, api_as, world, raiser=raiser, side=side, **extra)
    take(api_as(raiser), pk, "submit")
    return pk


def claim_row(session, pk) -> CompensationClaim:
    session.expire_all()
    return session.get(CompensationClaim, pk)


# --- approval rules as data (R-CO-2..4) ------------------------------------------------------

def test_default_rules_are_seeded_once_and_admin_edits_are_kept(app, world, seeded):
    session = seeded
    rows = {(r.liability, r.max_amount): r for r in session.scalars(select(ApprovalRule))}
    assert set(rows) == {("contractor", Decimal("20000.00")), ("contractor", None),
                         ("company", Decimal("10000.00")), ("company", None),
                         ("developer", None)}
    assert rows[("contractor", Decimal("20000.00"))].approver_role == P.ROLE_CS_CENTRE_MANAGER
    assert rows[("contractor", None)].reviewer_role == P.ROLE_CS_CENTRE_MANAGER
    assert rows[("contractor", None)].approver_role == P.ROLE_DEPUTY_GM
    assert rows[("company", Decimal("10000.00"))].reviewer_role is None
    assert rows[("developer", None)].forward_to_developer
    assert seed_approval_rules(session) == 0  # idempotent
    rows[("company", Decimal("10000.00"))].max_amount = Decimal("8000.00")
    session.flush()
    assert seed_approval_rules(session) == 0
    assert session.scalar(select(func.count(ApprovalRule.id))
                          .where(ApprovalRule.liability == "company")) == 2
    assert Decimal("8000.00") in set(session.scalars(select(ApprovalRule.max_amount)))


# The boundaries of R-CO-2 (contractor, 20,000) and R-CO-3 (company, 10,000), for each
# liability and for split claims (each part against its own rules; the strictest wins).
ALONE, DEPUTY = "manager alone", "reviewed, then the deputy GM"
BOUNDARIES = [
    ("contractor", "10000.00", {}, ALONE), ("contractor", "10000.01", {}, ALONE),
    ("contractor", "20000.00", {}, ALONE), ("contractor", "20000.01", {}, DEPUTY),
    ("company", "10000.00", {}, ALONE), ("company", "10000.01", {}, DEPUTY),
    ("company", "20000.00", {}, DEPUTY), ("company", "20000.01", {}, DEPUTY),
    ("split", "20000.00", {"contractor_amount": "10000.00", "company_amount": "10000.00"},
     ALONE),
    ("split", "20000.01", {"contractor_amount": "10000.00", "company_amount": "10000.01"},
     DEPUTY),
    ("split", "30000.00", {"contractor_amount": "20000.00", "company_amount": "10000.00"},
     ALONE),
    ("split", "30000.01", {"contractor_amount": "20000.01", "company_amount": "10000.00"},
     DEPUTY),
    ("split", "10000.02", {"contractor_amount": "0.01", "company_amount": "10000.01"},
     DEPUTY),
]


@pytest.mark.parametrize("liability,amount,parts,route", BOUNDARIES,
                         ids=[f"{b[0]}-{b[1]}" + ("-" + "+".join(b[2].values()) if b[2]
                                                  else "") for b in BOUNDARIES])
def test_approval_boundaries(app, world, api_as, seeded, liability, amount, parts, route):
    """R-CO-2 / R-CO-3: at the limit the CS centre manager approves alone; one fen above,
    the manager reviews and only the deputy general manager approves."""
    extra = {"contractor_name": "Hengda Plumbing"} if liability in ("contractor", "split") \
        else {}
    pk = submitted(app, api_as, world, liability=liability, amount=amount, **parts, **extra)
    manager, deputy = api_as("manager_a"), api_as("deputy")
    claim = claim_row(seeded, pk)
    assert claim.approver_role == (P.ROLE_CS_CENTRE_MANAGER if route == ALONE
                                   else P.ROLE_DEPUTY_GM)
    if route == ALONE:
        assert claim.state == "awaiting_approval" and claim.reviewer_role is None
        take(manager, pk, "approve")
        claim = claim_row(seeded, pk)
        assert claim.state == "approved" and claim.approved_by_id == world.user_manager_a
        assert claim.reviewed_by_id is None
        return
    assert claim.state == "under_review"
    assert claim.reviewer_role == P.ROLE_CS_CENTRE_MANAGER
    take(manager, pk, "approve", expect=409)   # nobody skips the review
    take(deputy, pk, "approve", expect=409)
    take(manager, pk, "review")
    refused = take(manager, pk, "approve", expect=400)
    assert "Deputy general manager" in refused.json["message"]
    assert claim_row(seeded, pk).state == "awaiting_approval"
    take(deputy, pk, "approve")
    claim = claim_row(seeded, pk)
    assert claim.state == "approved"
    assert (claim.reviewed_by_id, claim.approved_by_id) == (world.user_manager_a,
                                                            world.user_deputy)
    assert history_names(seeded, "compensation", pk)[-3:] == ["submit", "review", "approve"]


def test_routing_reads_the_rules_not_the_code(app, world, api_as, seeded):
    """An administrator lowers the manager's limit, and an amount above the company's
    authority goes to the developer (R-CO-4) once a capped rule's next row forwards."""
    session = seeded

    def company():  # requests end the session: read the rows afresh each time
        return {r.max_amount: r for r in session.scalars(
            select(ApprovalRule).where(ApprovalRule.liability == "company"))}

    company()[Decimal("10000.00")].max_amount = Decimal("5000.00")
    session.commit()
    pk = prepared(app, api_as, world, amount="6000.00")
    assert route_for(claim_row(session, pk), session).approver_role == P.ROLE_DEPUTY_GM
    company()[None].max_amount = Decimal("50000.00")
    session.add(ApprovalRule(liability="company", max_amount=None, forward_to_developer=True,
                             rule="R-CO-4"))
    session.commit()
    big = prepared(app, api_as, world, amount="50000.01")
    take(api_as("agent_a"), big, "submit")
    claim = claim_row(session, big)
    assert claim.state == "forwarded_to_developer" and claim.approver_role is None
    # A liability without any rule is refused with a reason an administrator can act on.
    for rule in session.scalars(select(ApprovalRule)
                                .where(ApprovalRule.liability == "contractor")):
        session.delete(rule)
    session.commit()
    orphan = prepared(app, api_as, world, liability="contractor", amount="100.00",
                      contractor_name="Hengda Plumbing")
    refused = take(api_as("agent_a"), orphan, "submit", expect=400)
    assert "Approval rules" in refused.json["message"]


@pytest.mark.parametrize("extra", [
    {"liability": "developer", "amount": "800.00"},
    {"liability": "split", "amount": "3000.00", "company_amount": "1000.00",
     "developer_amount": "2000.00"},
], ids=["developer", "split-with-developer"])
def test_developer_related_claims_are_forwarded(app, world, api_as, seeded, extra):
    """R-CO-4: a loss related to the developer goes to the developer; the developer's reply
    closes the claim. Nobody here approves it."""
    pk = submitted(app, api_as, world, **extra)
    claim = claim_row(seeded, pk)
    assert claim.state == "forwarded_to_developer"
    assert claim.forwarded_to_developer_at is not None
    assert (claim.reviewer_role, claim.approver_role) == (None, None)
    take(api_as("deputy"), pk, "approve", expect=409)
    take(api_as("agent_a"), pk, "record_developer_reply",
         {"developer_reply": "The developer pays the owner directly."})
    claim = claim_row(seeded, pk)
    assert claim.state == "closed" and claim.developer_reply.startswith("The developer")


# --- nobody decides their own claim -------------------------------------------------------------

def test_a_manager_cannot_review_or_approve_a_claim_they_raised(app, world, api_as, seeded):
    manager = api_as("manager_a")
    small = submitted(app, api_as, world, raiser="manager_a", amount="800.00")
    refused = take(manager, small, "approve", expect=400)
    assert "You raised this claim" in refused.json["message"]
    take(manager, small, "reject", comment="Not my call", expect=400)
    take(api_as("director_a"), small, "approve")  # holds the CS centre manager's role
    assert claim_row(seeded, small).approved_by_id == world.user_director_a

    big = submitted(app, api_as, world, raiser="manager_a", amount="15000.00")
    refused = take(manager, big, "review", expect=400)
    assert "You raised this claim" in refused.json["message"]
    take(api_as("director_a"), big, "review")
    take(api_as("deputy"), big, "approve")
    assert claim_row(seeded, big).state == "approved"


def test_a_deputy_gm_cannot_approve_a_claim_they_raised(app, world, api_as, seeded):
    pk = submitted(app, api_as, world, raiser="deputy", amount="25000.00")
    take(api_as("manager_a"), pk, "review")
    refused = take(api_as("deputy"), pk, "approve", expect=400)
    assert "You raised this claim" in refused.json["message"]
    take(api_as("gm"), pk, "approve")  # the general manager holds the deputy's role
    claim = claim_row(seeded, pk)
    assert claim.state == "approved" and claim.approved_by_id == world.user_gm
    assert claim.raised_by_id == world.user_deputy


def test_the_reviewer_does_not_approve_the_same_claim(app, world, api_as, seeded):
    """Even an administrator, who holds every role, needs a second person."""
    pk = submitted(app, api_as, world, amount="12000.00")
    take(api_as("admin"), pk, "review")
    refused = take(api_as("admin"), pk, "approve", expect=400)
    assert "You reviewed this claim" in refused.json["message"]
    take(api_as("deputy"), pk, "approve")


def test_rejection_needs_a_reason(app, world, api_as, seeded):
    pk = submitted(app, api_as, world, amount="12000.00")
    manager = api_as("manager_a")
    refused = take(manager, pk, "reject", expect=400)
    assert "comment" in refused.json["errors"]
    take(manager, pk, "reject", comment="The floor was already damaged before the leak.")
    claim = claim_row(seeded, pk)
    assert claim.state == "rejected" and claim.rejected_by_id == world.user_manager_a
    assert claim.rejection_reason.startswith("The floor was already damaged")
    assert claim.rejected_at is not None
    # The deputy rejects at the approval step, after a review.
    pk2 = submitted(app, api_as, world, amount="12000.00")
    take(manager, pk2, "review")
    take(api_as("manager_a"), pk2, "reject", comment="x", expect=400)  # not the approver
    take(api_as("deputy"), pk2, "reject", comment="Compensate by repair instead.")
    assert claim_row(seeded, pk2).state == "rejected"


def test_payment_is_recorded_exactly(app, world, api_as, seeded):
    pk = submitted(app, api_as, world, amount="9876.54")
    take(api_as("manager_a"), pk, "approve")
    supervisor = api_as("supervisor_a")
    data = {"paid_amount": "9876.54", "payment_method": "bank_transfer"}
    take(api_as("agent_a"), pk, "record_payment", data, expect=403)
    for wrong in ("9876.5", "9876.544", "abc", "0", "-9876.54"):
        take(supervisor, pk, "record_payment", {**data, "paid_amount": wrong}, expect=400)
    take(supervisor, pk, "record_payment", {**data, "payment_method": "bitcoin"}, expect=400)
    take(supervisor, pk, "record_payment", data)
    claim = claim_row(seeded, pk)
    assert claim.state == "paid" and claim.paid_amount == Decimal("9876.54")
    assert claim.payment_method == "bank_transfer" and claim.paid_at is not None
    assert claim.payment_recorded_by_id == world.user_supervisor_a


# --- house return and exchange (R-CO-5) ---------------------------------------------------------

def test_house_return_needs_the_quality_station_then_both_departments(app, world, api_as,
                                                                        seeded):
    agent, supervisor, director = api_as("agent_a"), api_as("supervisor_a"), \
        api_as("director_a")
    pk = new_claim(app, api_as, world, kind="house_return", amount="0",
                   proposal="Return the flat: cracks in the load-bearing wall")
    take(agent, pk, "submit")
    assert claim_row(seeded, pk).state == "awaiting_quality_station"
    # Neither part can be done before the station's written confirmation.
    take(agent, pk, "service_done", expect=409)
    take(director, pk, "marketing_done", expect=409)
    refused = take(supervisor, pk, "confirm_quality_station",
                   {"quality_station_reference": "QS-2026-018"}, expect=400)
    assert "quality supervision station" in refused.json["message"]
    attach(agent, pk, kind="quality_station", content=pdf_bytes(), name="qs-letter.pdf")
    take(supervisor, pk, "confirm_quality_station", {"quality_station_reference": ""},
         expect=400)
    take(supervisor, pk, "confirm_quality_station",
         {"quality_station_reference": "QS-2026-018"})
    claim = claim_row(seeded, pk)
    assert claim.state == "in_processing" and claim.quality_station_confirmed_at
    # Customer Service first: not completed until Marketing is done too.
    take(agent, pk, "service_done")
    assert claim_row(seeded, pk).state == "in_processing"
    take(agent, pk, "service_done", expect=400)  # done once
    take(api_as("manager_a"), pk, "marketing_done", expect=403)  # not Marketing
    take(director, pk, "marketing_done")  # the director manages Marketing A
    claim = claim_row(seeded, pk)
    assert claim.state == "completed" and claim.closed_at is not None
    assert claim.marketing_done_by_id == world.user_director_a
    assert claim.service_done_by_id == world.user_agent_a


def test_house_exchange_completes_in_either_order(app, world, api_as, seeded):
    agent, director = api_as("agent_a"), api_as("director_a")
    pk = new_claim(app, api_as, world, kind="house_exchange", amount="0")
    take(agent, pk, "submit")
    attach(agent, pk, kind="quality_station", content=pdf_bytes(), name="qs.pdf")
    take(api_as("supervisor_a"), pk, "confirm_quality_station",
         {"quality_station_reference": "QS-7"})
    take(director, pk, "marketing_done")
    assert claim_row(seeded, pk).state == "in_processing"
    take(agent, pk, "service_done")
    assert claim_row(seeded, pk).state == "completed"


def test_the_station_letter_belongs_to_returns_only(app, world, api_as, seeded):
    pk = new_claim(app, api_as, world)
    response = attach(api_as("agent_a"), pk, kind="quality_station", content=pdf_bytes(),
                      name="qs.pdf", expect=400)
    assert "house return or exchange" in response.json["message"]
    assert seeded.scalar(select(func.count(CompensationEvidence.id))
                         .where(CompensationEvidence.claim_id == pk)) == 0


def test_the_head_of_marketing_records_marketings_part(app, world, api_as, seeded):
    agent = api_as("agent_a")
    pk = new_claim(app, api_as, world, kind="house_return", amount="0")
    take(agent, pk, "submit")
    attach(agent, pk, kind="quality_station", content=pdf_bytes(), name="qs.pdf")
    take(api_as("supervisor_a"), pk, "confirm_quality_station",
         {"quality_station_reference": "QS-8"})
    take(api_as("marketing_a"), pk, "marketing_done")


# --- every transition -----------------------------------------------------------------------------

def test_every_transition_of_the_compensation_workflow_is_walked(app, world, api_as, seeded):
    """R-CO-1..5: each declared transition, taken by a role that holds it; each writes one
    history row through the engine."""
    taken: set[str] = set()
    agent, supervisor = api_as("agent_a"), api_as("supervisor_a")
    manager, deputy, director = api_as("manager_a"), api_as("deputy"), api_as("director_a")

    def step(api, pk, name, data=None, comment=None):
        before = len(history_names(seeded, "compensation", pk))
        take(api, pk, name, data, comment)
        assert len(history_names(seeded, "compensation", pk)) == before + 1
        taken.add(name)

    # Contractor-liable, above the limit: evidence, acknowledgement, review, approval, paid.
    pk = new_claim(app, api_as, world, liability="contractor", amount="20000.01",
                   contractor_name="Hengda Plumbing")
    attach(agent, pk)
    attach(agent, pk, kind="acknowledgement", content=pdf_bytes(), name="ack.pdf")
    taken.add("attach_evidence")
    refused = take(agent, pk, "submit", expect=400)
    assert "acknowledgement" in refused.json["message"]  # R-CO-2
    step(agent, pk, "record_acknowledgement",
         {**ACKNOWLEDGEMENT, "acknowledged_by": "supervising_engineer"})
    step(agent, pk, "submit")
    step(manager, pk, "review")
    step(deputy, pk, "approve")
    step(supervisor, pk, "record_payment", {"paid_amount": "20000.01",
                                            "payment_method": "fee_offset"})
    names = history_names(seeded, "compensation", pk)
    assert names == ["create", "attach_evidence", "attach_evidence",
                     "record_acknowledgement", "submit", "review", "approve",
                     "record_payment"]
    # Rejected at review; withdrawn by the claimant; forwarded to the developer.
    pk2 = submitted(app, api_as, world, amount="12000.00")
    step(manager, pk2, "reject", comment="Not caused by us")
    pk3 = submitted(app, api_as, world, amount="100.00")
    step(supervisor, pk3, "withdraw", comment="The owner withdrew the claim")
    assert claim_row(seeded, pk3).state == "withdrawn"
    pk4 = submitted(app, api_as, world, liability="developer", amount="100.00")
    step(agent, pk4, "record_developer_reply", {"developer_reply": "Accepted"})
    # House return: standards not met; house exchange: completed.
    pk5 = new_claim(app, api_as, world, kind="house_return", amount="0")
    take(agent, pk5, "submit")
    step(supervisor, pk5, "decline_return",
         comment="Not a return case: offered repair and consignment sale")
    assert claim_row(seeded, pk5).rejection_reason.startswith("Not a return case")
    pk6 = new_claim(app, api_as, world, kind="house_exchange", amount="0")
    take(agent, pk6, "submit")
    attach(agent, pk6, kind="quality_station", content=pdf_bytes(), name="qs.pdf")
    step(supervisor, pk6, "confirm_quality_station", {"quality_station_reference": "QS-1"})
    step(agent, pk6, "service_done")
    step(director, pk6, "marketing_done")

    declared = {t.name for t in registered()["compensation"].transitions}
    assert declared - taken == set()


# --- refusals -------------------------------------------------------------------------------------

DENIED = [
    # (transition, who tries, claim amount, steps before, expected status)
    ("submit", "tech_a", "100.00", (), 403),           # no access to claims at all
    ("submit", "quality_a", "100.00", (), 403),
    ("review", "agent_a", "12000.00", ("submit",), 403),
    ("review", "supervisor_a", "12000.00", ("submit",), 403),
    ("approve", "supervisor_a", "100.00", ("submit",), 403),
    ("approve", "agent_b", "100.00", ("submit",), 404),   # another office: not visible
    ("approve", "manager_b", "100.00", ("submit",), 404),
    ("review", "director_b", "12000.00", ("submit",), 404),
    ("record_payment", "agent_a", "100.00", ("submit", "approve"), 403),
    ("confirm_quality_station", "agent_a", "100.00", ("submit",), 403),
    ("withdraw", "agent_a", "100.00", (), 403),
    ("approve", "manager_a", "100.00", (), 409),        # still a draft
    ("record_payment", "supervisor_a", "100.00", ("submit",), 409),
]


@pytest.mark.parametrize("name,username,amount,before,status", DENIED,
                         ids=[f"{d[0]}-{d[1]}" for d in DENIED])
def test_transition_refused(app, world, api_as, seeded, name, username, amount, before,
                            status):
    pk = prepared(app, api_as, world, amount=amount)
    for step in before:
        take(api_as("agent_a" if step == "submit" else "manager_a"), pk, step)
    claim = claim_row(seeded, pk)
    state, version = claim.state, claim.version
    response = api_as(username).post(f"{API}{pk}/transition/{name}", json={
        "version": version, "data": {"paid_amount": amount, "payment_method": "cash",
                                     "quality_station_reference": "x"}, "comment": "x"})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json.get("message")
    claim = claim_row(seeded, pk)
    assert (claim.state, claim.version) == (state, version)


def test_stale_version_is_409_and_changes_nothing(app, world, api_as, seeded):
    pk = submitted(app, api_as, world, amount="12000.00")
    manager = api_as("manager_a")
    seen = version_of(manager, f"{API}{pk}")
    take(manager, pk, "review")
    response = take(api_as("manager_a"), pk, "reject", comment="late", version=seen,
                    expect=409)
    assert "Someone else changed" in response.json["message"]
    assert claim_row(seeded, pk).state == "awaiting_approval"


def test_transitions_endpoint_says_what_each_person_may_do(app, world, api_as, seeded):
    pk = submitted(app, api_as, world, amount="12000.00")
    names = {t["name"] for t in api_as("manager_a").get(f"{API}{pk}/transitions")
             .json["result"]}
    assert {"review", "reject"} <= names and "approve" not in names
    agent = {t["name"] for t in api_as("agent_a").get(f"{API}{pk}/transitions")
             .json["result"]}
    assert "review" not in agent and "attach_evidence" in agent
    assert api_as("agent_b").get(f"{API}{pk}/transitions").status_code == 404
    history = api_as("agent_a").get(f"{API}{pk}/history").json["result"]
    submit = next(h for h in history if h["transition"] == "submit")
    assert submit["to"] == "under_review"
    assert submit["data"]["route"]["approver_role"] == P.ROLE_DEPUTY_GM


# --- registration and amounts ---------------------------------------------------------------------

@pytest.mark.parametrize("amount,reason", [
    (0, "greater than 0"), ("0.00", "greater than 0"), (-1, "greater than 0"),
    ("-1", "greater than 0"), (1.234, "two decimal places"), ("1.234", "two decimal places"),
    ("abc", "such as 1200.50"), ("NaN", "such as 1200.50"), ("Infinity", "such as 1200.50"),
    ("1e400", "too large"), (True, "such as 1200.50"), ("", "required"),
    ("10,000.00", "such as 1200.50"),
])
def test_bad_amounts_are_refused_with_a_reason(app, world, api_as, seeded, amount, reason):
    complaint_id = make_complaint(app, api_as, world)
    before = seeded.scalar(select(func.count(CompensationClaim.id)))
    response = api_as("agent_a").post(API, json=claim_payload(complaint_id, amount=amount))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert reason in response.json["errors"]["amount"]
    assert seeded.scalar(select(func.count(CompensationClaim.id))) == before


def test_registration_checks_and_fills_from_the_complaint(app, world, api_as, seeded):
    agent = api_as("agent_a")
    complaint_id = make_complaint(app, api_as, world)
    cases = [
        ({"liability": "split", "amount": "300.00", "contractor_amount": "100.00",
          "company_amount": "100.00", "contractor_name": "X"}, "amount", "add up"),
        ({"liability": "split", "amount": "300.00", "company_amount": "300.00"},
         "liability", "at least two"),
        ({"liability": "company", "amount": "300.00", "contractor_amount": "1.00"},
         "contractor_amount", "split"),
        ({"liability": "company", "amount": "300.00", "company_amount": "200.00"},
         "company_amount", "whole amount"),
        ({"liability": "contractor", "amount": "300.00"}, "contractor_name", "contractor"),
        ({"liability": "split", "amount": "300.00", "contractor_amount": "150.005",
          "company_amount": "149.995", "contractor_name": "X"}, "contractor_amount",
         "two decimal places"),
        ({"company_amount": "-5"}, "company_amount", "negative"),
        ({"proposal": "  "}, "proposal", "required"),
    ]
    for extra, field, reason in cases:
        response = agent.post(API, json=claim_payload(complaint_id, **extra))
        assert response.status_code == 400, (extra, response.get_data(as_text=True))
        assert reason in response.json["errors"][field], (extra, response.json)
    bad_choice = agent.post(API, json=claim_payload(complaint_id, liability="nobody"))
    assert bad_choice.status_code == 400 and "nobody" in bad_choice.json["message"]
    assert agent.post(API, json=claim_payload(complaint_id, kind="gift")).status_code == 400

    response = agent.post(API, json=claim_payload(
        complaint_id, liability="split", amount="300.00", contractor_amount="100.00",
        company_amount="150.00", developer_amount="50.00", contractor_name="Hengda"))
    assert response.status_code == 201, response.get_data(as_text=True)
    claim = claim_row(seeded, response.json["id"])
    complaint = seeded.get(Complaint, complaint_id)
    assert claim.number.startswith(f"CO-{local_now().year}-") and claim.state == "draft"
    assert claim.estate_id == complaint.estate_id == world.estate_a
    assert (claim.claimant_name, claim.claimant_phone) == ("Resident A", "13812345678")
    assert claim.raised_by_id == world.user_agent_a and claim.department_id == world.cs_a
    assert (claim.contractor_amount, claim.company_amount, claim.developer_amount) == (
        Decimal("100.00"), Decimal("150.00"), Decimal("50.00"))
    single = agent.post(API, json=claim_payload(complaint_id, amount="77.70"))
    claim = claim_row(seeded, single.json["id"])
    assert (claim.company_amount, claim.contractor_amount) == (Decimal("77.70"), 0)
    assert history_names(seeded, "compensation", claim.id) == ["create"]


def test_submitting_needs_evidence(app, world, api_as, seeded):
    """R-CO-1: Customer Service gathers evidence before the claim is decided."""
    pk = new_claim(app, api_as, world)
    refused = take(api_as("agent_a"), pk, "submit", expect=400)
    assert "evidence" in refused.json["message"]
    take(api_as("agent_a"), pk, "record_acknowledgement", ACKNOWLEDGEMENT, expect=400)


# --- evidence files ---------------------------------------------------------------------------------

def test_evidence_is_checked_by_content_and_served_within_scope(app, world, api_as, as_user,
                                                                seeded):
    agent = api_as("agent_a")
    pk = new_claim(app, api_as, world)
    fake = attach(agent, pk, content=b"<script>alert(1)</script>", name="floor.png",
                  expect=400)
    assert "not a JPEG, PNG or WebP image or a PDF" in fake.json["errors"]["evidence_files"]
    attach(agent, pk, content=b"%PDF-1.7 not really a pdf", name="fake.pdf", expect=400)
    attach(agent, pk, kind="nonsense", expect=400)
    empty = agent.post(f"{API}{pk}/evidence", data={"kind": "evidence"},
                       content_type="multipart/form-data")
    assert empty.status_code == 400 and "Attach at least one file" in empty.json["message"]
    app.config["EVIDENCE_MAX_BYTES"] = 50
    try:
        big = attach(agent, pk, expect=400)
        assert "larger than" in big.json["errors"]["evidence_files"]
    finally:
        app.config.pop("EVIDENCE_MAX_BYTES")
    assert seeded.scalar(select(func.count(CompensationEvidence.id))) == 0
    attach(agent, pk, content=PNG, name="floor.png")
    attach(agent, pk, content=pdf_bytes(), name="quote.pdf")
    attach(agent, pk, content=PNG, name="../../photos/地板.png")  # the path is dropped
    files = agent.get(f"{API}{pk}").json["result"]["evidence"][:2]
    assert [(f["filename"], f["content_type"]) for f in files] == [
        ("floor.png", "image/png"), ("quote.pdf", "application/pdf")]
    png_id, pdf_id = files[0]["id"], files[1]["id"]
    history = agent.get(f"{API}{pk}/history").json["result"]
    assert history[-1]["data"]["files"] == ["地板.png"]
    chinese = agent.get(f"{API}{pk}").json["result"]["evidence"][2]
    named = as_user("agent_a").get(f"{VIEW}/evidence/{chinese['id']}")
    assert named.status_code == 200 and "UTF-8''" in named.headers[
        "Content-Disposition"]

    ui = as_user("agent_a")
    shown = ui.get(f"{VIEW}/evidence/{png_id}")
    assert shown.status_code == 200 and shown.data == PNG
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    download = ui.get(f"{VIEW}/evidence/{pdf_id}")
    assert download.status_code == 200 and "attachment" in download.headers[
        "Content-Disposition"]
    assert agent.get(f"{API}evidence/{png_id}").data == PNG
    for username in ("agent_b", "manager_b"):
        assert as_user(username).get(f"{VIEW}/evidence/{png_id}").status_code == 404
        assert api_as(username).get(f"{API}evidence/{png_id}").status_code == 404
    assert as_user("tech_a").get(f"{VIEW}/evidence/{png_id}").status_code in (302, 403)
    assert api_as("agent_a").get(f"{API}evidence/999999").status_code == 404


# --- pages --------------------------------------------------------------------------------------------

def _form(complaint_id, **extra):
    data = {"kind": "compensation", "complaint": str(complaint_id), "claimant_name": "",
            "claimant_phone": "", "loss_description": "Ceiling stained by the leak",
            "proposal": "Repaint the ceiling", "liability": "company", "contractor_name": "",
            "amount": "1200.50", "contractor_amount": "", "company_amount": "",
            "developer_amount": ""}
    data.update(extra)
    return data


def test_register_through_the_form_with_evidence(app, world, api_as, as_user, seeded):
    complaint_id = make_complaint(app, api_as, world)
    client = as_user("agent_a")
    page = client.get(f"{VIEW}/add").get_data(as_text=True)
    assert 'data-choices-url="/choices/complaint"' in page
    offered = client.get("/choices/complaint").json["results"]
    assert complaint_id in {row["id"] for row in offered}
    token = csrf_token(client, f"{VIEW}/add")
    for amount, reason in (("1.234", "two decimal places"), ("abc", "decimal"),
                           ("0", "greater than 0")):
        bad = client.post(f"{VIEW}/add", data={**_form(complaint_id, amount=amount),
                                               "csrf_token": token})
        assert bad.status_code == 400 and reason in bad.get_data(as_text=True)
        assert "Ceiling stained by the leak" in bad.get_data(as_text=True)  # input kept
    fake = client.post(f"{VIEW}/add", data={
        **_form(complaint_id), "csrf_token": token,
        "evidence_files": (io.BytesIO(b"GIF89a nonsense"), "ceiling.jpg")},
        content_type="multipart/form-data")
    assert fake.status_code == 400
    assert seeded.scalar(select(func.count(CompensationClaim.id))) == 0
    done = client.post(f"{VIEW}/add", data={
        **_form(complaint_id), "csrf_token": token,
        "evidence_files": (io.BytesIO(PNG), "ceiling.png")},
        content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)[-2000:]
    claim = seeded.scalar(select(CompensationClaim).order_by(CompensationClaim.id.desc()))
    assert claim.amount == Decimal("1200.50") and claim.evidence[0].filename == "ceiling.png"
    assert f"/show/{claim.id}" in done.location
    page = client.get(f"{VIEW}/show/{claim.id}").get_data(as_text=True)
    assert claim.number in page and 'id="history"' in page
    assert f"{VIEW}/evidence/{claim.evidence[0].id}" in page
    assert 'id="evidence-upload"' in page
    # Attach one more through the detail page's upload form.
    version = claim.version
    attached = client.post(f"{VIEW}/attach/{claim.id}", data={
        "csrf_token": csrf_token(client, f"{VIEW}/show/{claim.id}"), "version": version,
        "evidence_kind": "evidence", "files": (io.BytesIO(pdf_bytes()), "quote.pdf")},
        content_type="multipart/form-data")
    assert attached.status_code == 302
    assert len(claim_row(seeded, claim.id).evidence) == 2
    refused = client.post(f"{VIEW}/attach/{claim.id}", data={
        "csrf_token": csrf_token(client, f"{VIEW}/show/{claim.id}"), "version": version,
        "evidence_kind": "evidence", "files": (io.BytesIO(b"MZ\x90\x00"), "virus.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "virus.pdf is not a JPEG" in refused.get_data(as_text=True)
    other = as_user("agent_b")
    assert other.post(f"{VIEW}/attach/{claim.id}", data={
        "csrf_token": csrf_token(other, "/resetmypassword/form"), "evidence_kind": "evidence",
        "files": (io.BytesIO(PNG), "x.png")}, content_type="multipart/form-data"
    ).status_code == 404
    assert len(claim_row(seeded, claim.id).evidence) == 2


def test_transition_form_pages(app, world, api_as, as_user, seeded):
    pk = submitted(app, api_as, world, amount="12000.00")
    client = as_user("manager_a")
    page = client.get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    assert "/action/review/" in page and "/action/approve/" not in page
    token = csrf_token(client, f"{VIEW}/show/{pk}")
    version = claim_row(seeded, pk).version
    no_reason = client.post(f"{VIEW}/transition/reject?ids={pk}", data={
        "csrf_token": token, f"version_{pk}": version, "comment": ""})
    assert no_reason.status_code == 400
    done = client.post(f"{VIEW}/transition/review?ids={pk}", data={
        "csrf_token": token, f"version_{pk}": version})
    assert done.status_code == 302
    assert claim_row(seeded, pk).state == "awaiting_approval"
    # The generic form has no file input: attaching goes to the detail page.
    moved = client.get(f"{VIEW}/transition/attach_evidence?ids={pk}")
    assert moved.status_code == 302 and f"/show/{pk}" in moved.location


def test_the_claimants_phone_is_masked_for_roles_that_do_not_need_it(app, world, api_as,
                                                                        as_user, seeded):
    """R-RES-2: a role reading claims without the full-phone permission sees 138****5678."""
    from app.models import Department, Estate, StaffProfile
    from tests.helpers import login
    from tests.world import PASSWORD

    pk = new_claim(app, api_as, world)
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role("Claim reader")
        role.permissions = [sm.add_permission_view_menu(a, r) for a, r in
                            sorted(P.can(P.READ, P.COMPENSATION) | P.SELF_SERVICE)]
        user = sm.add_user("reader_a", "Reader", "A", "reader_a@test.example", [role],
                           PASSWORD)
        seeded.add(StaffProfile(user=user, job_title="Reader",
                                departments=[seeded.get(Department, world.cs_a)],
                                estates=[seeded.get(Estate, world.estate_a)]))
        seeded.commit()
    masked = api_as("reader_a").get(f"{API}{pk}").json["result"]["claimant_phone"]
    assert masked == "138****5678"
    listing = api_as("reader_a").get(f"{API}?q=(columns:!(id,claimant_name))")
    assert listing.status_code == 200
    client = app.test_client()
    login(client, "reader_a")
    page = client.get(f"{VIEW}/show/{pk}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    assert "13812345678" in as_user("agent_a").get(f"{VIEW}/show/{pk}").get_data(as_text=True)


# --- the approval queue -----------------------------------------------------------------------------

def test_the_approval_queue_lists_what_waits_for_each_person(app, world, api_as, as_user,
                                                              seeded):
    first = submitted(app, api_as, world, amount="300.00")           # manager approves
    second = submitted(app, api_as, world, amount="12000.00")        # manager reviews
    own = submitted(app, api_as, world, raiser="manager_a", amount="200.00")
    other_office = submitted(app, api_as, world, raiser="agent_b", side="b", amount="100.00")
    reviewed = submitted(app, api_as, world, amount="15000.00")
    take(api_as("manager_a"), reviewed, "review")                     # now the deputy's
    numbers = {pk: claim_row(seeded, pk).number
               for pk in (first, second, own, other_office, reviewed)}

    def queue_of(username):
        response = as_user(username).get("/approvals/")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return [pk for pk, number in sorted(numbers.items(), key=lambda kv: page.find(
            kv[1])) if number in page]

    assert queue_of("manager_a") == [first, second]          # oldest first, not own
    assert queue_of("deputy") == [reviewed]                  # the director's queue
    assert queue_of("manager_b") == [other_office]
    assert queue_of("director_a") == []  # may step in, but nothing is routed to the role
    assert queue_of("admin") == [first, second, own, other_office, reviewed]
    assert as_user("agent_a").get("/approvals/").status_code == 403
    assert as_user("supervisor_a").get("/approvals/").status_code == 403


def test_approval_rules_are_maintained_by_administrators(app, world, as_user, seeded):
    admin = as_user("admin")
    rules = admin.get("/approvalruleview/list/?_l_=zh_Hans").get_data(as_text=True)
    assert "R-CO-" not in rules and "副总经理" in rules  # the deputy GM approves some
    manager = as_user("manager_a")
    assert manager.get("/approvalruleview/list/").status_code == 200  # may read
    assert manager.get("/approvalruleview/add").status_code in (302, 403)
    assert as_user("agent_a").get("/approvalruleview/list/").status_code in (302, 403)
    token = csrf_token(admin, "/approvalruleview/add")
    before = seeded.scalar(select(func.count(ApprovalRule.id)))
    bad = admin.post("/approvalruleview/add", data={
        "csrf_token": token, "liability": "company", "max_amount": "5000.005",
        "reviewer_role": "", "approver_role": P.ROLE_CS_CENTRE_MANAGER, "rule": ""})
    assert bad.status_code == 400 and "two decimal places" in bad.get_data(as_text=True)
    bad = admin.post("/approvalruleview/add", data={
        "csrf_token": token, "liability": "company", "max_amount": "5000",
        "reviewer_role": "", "approver_role": P.ROLE_CS_CENTRE_MANAGER,
        "forward_to_developer": "y", "rule": ""})
    assert bad.status_code == 400
    good = admin.post("/approvalruleview/add", data={
        "csrf_token": token, "liability": "company", "max_amount": "5000.00",
        "reviewer_role": "", "approver_role": P.ROLE_CS_SUPERVISOR, "rule": "local"})
    assert good.status_code == 302, good.get_data(as_text=True)[-1500:]
    assert seeded.scalar(select(func.count(ApprovalRule.id))) == before + 1


# --- scope matrix (R-ORG-4) -------------------------------------------------------------------------

def test_scope_matrix_for_claims(app, world, api_as, as_user, seeded):
    """Office B's people never see nor change office A's claims, through any verb, and
    cannot link a claim to office A's complaint."""
    pk = submitted(app, api_as, world, amount="300.00")
    attach(api_as("agent_a"), pk, content=pdf_bytes(), name="quote.pdf")
    claim = claim_row(seeded, pk)
    number, evidence_id = claim.number, claim.evidence[0].id
    before = (claim.state, claim.version, claim.amount, claim.proposal)
    complaint_a = claim.complaint_id
    complaint_b = make_complaint(app, api_as, world, side="b")

    for username in ("agent_b", "manager_b", "director_b"):
        ui, api = as_user(username), api_as(username)
        token = csrf_token(ui, "/resetmypassword/form")
        listing = ui.get(f"{VIEW}/list/").get_data(as_text=True)
        assert number not in listing
        assert ui.get(f"{VIEW}/show/{pk}").status_code == 404
        assert ui.get(f"{VIEW}/edit/{pk}").status_code in NOT_EXPOSED
        assert ui.post(f"{VIEW}/delete/{pk}", data={"csrf_token": token}).status_code \
            in NOT_EXPOSED
        assert ui.get(f"{VIEW}/print/{pk}").status_code == 404
        assert ui.post(f"{VIEW}/action/approve/{pk}", data={"csrf_token": token}) \
            .status_code in REFUSED
        assert ui.post(f"{VIEW}/action_post", data={
            "csrf_token": token, "action": "approve", "rowid": [pk]}).status_code in REFUSED
        assert ui.get(f"{VIEW}/transition/approve?ids={pk}").status_code in REFUSED
        assert ui.post(f"{VIEW}/transition/approve?ids={pk}", data={
            "csrf_token": token, f"version_{pk}": before[1]}).status_code in REFUSED
        assert ui.get(f"{VIEW}/evidence/{evidence_id}").status_code == 404
        assert number not in ui.get(f"{VIEW}/export/").get_data(as_text=True)
        ids = {row["id"] for row in api.get(f"{API}?q=(page_size:100)").json["result"]}
        assert pk not in ids
        assert api.get(f"{API}{pk}").status_code == 404
        assert api.put(f"{API}{pk}", json={"proposal": "hijacked"}).status_code \
            in NOT_EXPOSED
        assert api.delete(f"{API}{pk}").status_code in NOT_EXPOSED
        assert api.get(f"{API}{pk}/history").status_code == 404
        assert api.get(f"{API}{pk}/pdf").status_code == 404
        assert api.post(f"{API}{pk}/transition/approve", json={
            "version": before[1]}).status_code == 404
        assert api.get(f"{API}evidence/{evidence_id}").status_code == 404
        assert api.post(f"{API}{pk}/evidence", data={
            "kind": "evidence", "files": (io.BytesIO(PNG), "x.png")},
            content_type="multipart/form-data").status_code == 404
    claim = claim_row(seeded, pk)
    assert (claim.state, claim.version, claim.amount, claim.proposal) == before
    assert len(claim.evidence) == 2

    # Related choices: the add form and the API's _info offer A's complaints only.
    ui, api = as_user("agent_a"), api_as("agent_a")
    page = ui.get(f"{VIEW}/add").get_data(as_text=True)
    assert 'data-choices-url="/choices/complaint"' in page
    offered = {row["id"] for row in ui.get("/choices/complaint").json["results"]}
    assert complaint_a in offered and complaint_b not in offered
    info = api.get(f"{API}_info?q=(keys:!(add_columns))").json
    values = {v["id"] for v in next(c for c in info["add_columns"]
                                    if c["name"] == "complaint")["values"]}
    assert complaint_a in values and complaint_b not in values
    # Posted foreign key of office B: refused (400), nothing written.
    count = seeded.scalar(select(func.count(CompensationClaim.id)))
    response = api.post(API, json=claim_payload(complaint_b))
    assert response.status_code == 400, response.get_data(as_text=True)
    response = ui.post(f"{VIEW}/add", data={**_form(complaint_b),
                                            "csrf_token": csrf_token(ui, f"{VIEW}/add")})
    assert response.status_code in REFUSED
    assert seeded.scalar(select(func.count(CompensationClaim.id))) == count
    # The same requests in scope work, and the unrestricted deputy sees both offices.
    assert api.post(API, json=claim_payload(complaint_a)).status_code == 201
    deputy_ids = {row["id"] for row in api_as("deputy").get(f"{API}?q=(page_size:100)")
                  .json["result"]}
    assert pk in deputy_ids
    assert number in ui.get(f"{VIEW}/list/").get_data(as_text=True)


# --- printing -----------------------------------------------------------------------------------------

@pytest.fixture
def title_catalog(app, tmp_path, monkeypatch):
    """The form title translated in a catalog of the test's own (translations of new
    labels are added to the project's catalogs separately)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from app.printing.languages import clear_catalogs

    for locale, title in (("zh_Hans", "投诉处理单"), ("zh_Hant", "投訴處理單")):
        catalog = Catalog()
        catalog.add("Complaint handling form", title)
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "messages.mo", "wb") as handle:
            write_mo(handle, catalog)
    monkeypatch.setitem(app.config, "BABEL_TRANSLATION_DIRECTORIES",
                        app.config["BABEL_TRANSLATION_DIRECTORIES"] + ";" + str(tmp_path))
    clear_catalogs()
    yield
    clear_catalogs()


def test_the_complaint_handling_form_prints_in_both_languages(app, world, api_as, as_user,
                                                               seeded, title_catalog):
    from pypdf import PdfReader

    pk = submitted(app, api_as, world, liability="split", amount="20000.01",
                   contractor_amount="15000.00", company_amount="5000.01",
                   contractor_name="Hengda Plumbing")
    take(api_as("manager_a"), pk, "approve")
    api = api_as("agent_a")
    response = api.get(f"{API}{pk}/pdf?form=complaint_handling_form&lang=zh_Hans&second=en")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1, "the form fits on one A4 page"
    text = "".join(page.extract_text() or "" for page in reader.pages)
    for chinese, english in (("小区", "Estate"), ("单元", "Unit"), ("电话", "Phone"),
                             ("投诉处理单", "Complaint handling form")):
        assert chinese in text and english in text, (chinese, english)
    claim = claim_row(seeded, pk)
    assert claim.number in text and claim.complaint.number in text
    assert "20,000.01" in text and "贰万元零壹分" in text
    assert "Hengda Plumbing" in text and "floor.png" in text and "Wang Gong" in text
    traditional = api.get(f"{API}{pk}/pdf?form=complaint_handling_form&lang=zh_Hant"
                          f"&second=zh_Hans")
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(traditional.data))
                   .pages)
    assert "投訴處理單" in text and "投诉处理单" in text
    assert as_user("agent_a").get(f"{VIEW}/print/{pk}?form=complaint_handling_form") \
        .status_code == 200
    assert api_as("agent_b").get(f"{API}{pk}/pdf").status_code == 404


@pytest.mark.parametrize("lang,second", [("zh_Hans", "en"), ("zh_Hant", "en"),
                                         ("zh_Hans", "zh_Hant")])
def test_every_language_pair_prints_in_the_right_font(app, world, api_as, seeded, lang,
                                                      second):
    """R-PR: one A4 page, the labels in both languages, each Chinese script in its own
    named font, and no character without a glyph (the amount in words included)."""
    from app.printing import render_pdf
    from app.security.actor import Actor

    pk = submitted(app, api_as, world, amount="10000.01")
    with app.test_request_context():
        pdf = render_pdf("complaint_handling_form", [claim_row(seeded, pk)], lang=lang,
                         second=second, url=lambda doc: "https://desk.example.com/x",
                         actor=Actor.system())
    text = "".join(pdf_text(pdf))
    estate = {"zh_Hans": "小区", "zh_Hant": "屋苑", "en": "Estate"}
    assert estate[lang] in text and estate[second] in text
    # In capitals as finance writes them, in the form's script (萬 on a Traditional form).
    assert ("壹萬元零壹分" if lang == "zh_Hant" else "壹万元零壹分") in text
    assert embedded_families(pdf) == {FONT[c] for c in (lang, second) if c in FONT}
    assert_every_character_has_a_glyph(pdf)


def test_a_house_return_prints_the_stations_confirmation(app, world, api_as, seeded):
    from app.printing import render_html
    from app.security.actor import Actor

    agent = api_as("agent_a")
    pk = new_claim(app, api_as, world, kind="house_return", amount="0")
    take(agent, pk, "submit")
    attach(agent, pk, kind="quality_station", content=pdf_bytes(), name="qs.pdf")
    take(api_as("supervisor_a"), pk, "confirm_quality_station",
         {"quality_station_reference": "QS-2026-018"})
    with app.test_request_context():
        html = render_html("complaint_handling_form", [claim_row(seeded, pk)],
                           lang="en", second=None, url=lambda d: "https://x/y",
                           actor=Actor.system())
    assert "QS-2026-018" in html and "House return or exchange" in html
    assert "Amount paid" not in html


@pytest.mark.parametrize("value,words", [
    ("10000.00", "壹万元整"), ("10000.01", "壹万元零壹分"), ("20000.01", "贰万元零壹分"),
    ("1409.50", "壹仟肆佰零玖元伍角整"), ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("1000500", "壹佰万零伍佰元整"), ("0.05", "伍分"), ("0", "零元整"),
])
def test_amount_in_words(value, words):
    assert amount_in_words(value) == words
