"""Detail pages show only the sections a document has reached (app/views/sections.py):
a just-dispatched repair has no arrival, consent or completion section, a completed one
has them; a registered complaint has no classification or handling section (no "Caused by
the developer: No", no "Times reopened: 0"), a classified one shows its yes/no answers."""
from __future__ import annotations

import re
from functools import partial
from html import unescape

import pytest

from app.views.sections import check_declarations, reached_fieldsets
from app.workflows.work_order import WORK_ORDER
from tests.helpers import transition
from tests.test_complaints import GENERAL
from tests.test_complaints import register as register_complaint
from tests.test_work_orders import register as register_work_order
from tests.test_work_orders import walk_to

WO = "/api/v1/work_order/"
CP = "/api/v1/complaint/"


def sections(page: str) -> dict[str, dict[str, str]]:
    """Section title -> {field label: shown value} of a detail page."""
    found: dict[str, dict[str, str]] = {}
    parts = re.split(r'class="accordion-toggle"[^>]*>', page)[1:]
    for part in parts:
        title = unescape(part.split("<span", 1)[0].strip())
        rows = re.findall(r"<th[^>]*>(.*?)</th>\s*<td><span[^>]*>(.*?)</span></td>", part,
                          re.S)
        found[title] = {unescape(k.strip()): unescape(re.sub(r"<[^>]+>", "", v)).strip()
                        for k, v in rows}
    return found


def show(client, path: str) -> dict[str, dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return sections(response.get_data(as_text=True))


def test_dispatched_repair_shows_no_later_sections(app, world, api_as, as_user, seeded):
    agent = api_as("agent_a")
    pk = register_work_order(agent, world)
    walk_to(api_as, world, pk, "dispatch")
    page = show(as_user("agent_a"), f"/workorderview/show/{pk}")
    assert list(page) == ["Repair form", "Dispatch"]
    assert page["Repair form"]["Emergency"] == "No"  # answered at registration
    assert page["Dispatch"]["Technician"] == "Tech_A Test"
    labels = {label for fields in page.values() for label in fields}
    for later in ("Arrived at", "The customer agrees", "Work done", "Completed at",
                  "Signed by"):
        assert later not in labels


def test_completed_repair_shows_arrival_consent_and_completion(app, world, api_as, as_user,
                                                               seeded):
    pk = register_work_order(api_as("agent_a"), world)
    walk_to(api_as, world, pk, "complete")
    page = show(as_user("agent_a"), f"/workorderview/show/{pk}")
    assert list(page) == ["Repair form", "Dispatch", "On site"]
    on_site = page["On site"]
    assert on_site["The customer agrees"] == "Yes"
    assert on_site["Work done"] == "Replaced the washer"
    assert on_site["Arrived at"] and on_site["Completed at"]
    assert "Reason declined" not in on_site  # a step that did not happen

    walk_to_rest = partial(transition, base=WO)
    walk_to_rest(api_as("tech_a"), pk, "customer_accept",
                 {"signed_by": "Resident A", "satisfaction": "satisfied"})
    page = show(as_user("agent_a"), f"/workorderview/show/{pk}")
    assert page["Acceptance and payment"]["Signed by"] == "Resident A"


def test_declined_repair_never_says_the_customer_did_not_agree(app, world, api_as, as_user,
                                                               seeded):
    """The consent is asked by the quote; after a refusal at the door it was never asked."""
    pk = register_work_order(api_as("agent_a"), world)
    walk_to(api_as, world, pk, "arrive")
    transition(api_as("tech_a"), pk, "decline", {"decline_reason": "Too expensive"},
               base=WO)
    on_site = show(as_user("agent_a"), f"/workorderview/show/{pk}")["On site"]
    assert on_site["Reason declined"] == "Too expensive"
    assert "The customer agrees" not in on_site


def test_registered_complaint_has_no_classification_or_handling(app, world, api_as,
                                                                as_user, seeded):
    pk = register_complaint(api_as("agent_a"), world)
    page = show(as_user("supervisor_a"), f"/complaintview/show/{pk}")
    assert "Classification" not in page
    labels = {label for fields in page.values() for label in fields}
    assert not labels & {"Caused by the developer", "Collective", "Times reopened"}
    # Sections holding what the desk entered are shown: the reply given at once, the
    # department the complaint went to.
    assert page["Reply"]["Reply given at once"].startswith("We apologise")
    assert list(page["Handling"]) == ["Responsible department"]

    transition(api_as("supervisor_a"), pk, "classify", GENERAL, base=CP)
    page = show(as_user("supervisor_a"), f"/complaintview/show/{pk}")
    assert page["Classification"]["Caused by the developer"] == "No"
    assert page["Classification"]["Reason for the class"] == GENERAL["class_reason"]
    assert "Times reopened" not in page["Handling"]  # not handled yet

    transition(api_as("supervisor_a"), pk, "start_handling", base=CP)
    assert show(as_user("supervisor_a"), f"/complaintview/show/{pk}")["Handling"][
        "Times reopened"] == "0"


class _Doc:
    """A detached stand-in for a work order (sections only read attributes)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def test_the_rule_without_a_database():
    fieldsets = [("Form", {"fields": ["number", "emergency"]}),
                 ("Quote", {"after": ("arrive",), "fields": ["fee", "customer_consent"]}),
                 ("Paid", {"after": ("record_payment",), "fields": ["paid_at"]})]
    doc = _Doc(number="WO-1", emergency=False, fee=None, customer_consent=False,
               paid_at=None)
    assert reached_fieldsets(fieldsets, doc, WORK_ORDER, {"create"}) == [
        ("Form", {"fields": ["number", "emergency"]})]
    # Arrived but not quoted: the consent (set by "quote") is not "No" yet.
    assert reached_fieldsets(fieldsets, doc, WORK_ORDER, {"create", "arrive"}) == [
        ("Form", {"fields": ["number", "emergency"]})]
    quoted = reached_fieldsets(fieldsets, doc, WORK_ORDER, {"arrive", "quote"})
    assert quoted[1] == ("Quote", {"fields": ["customer_consent"]})
    # A value entered shows its section even before its declared step.
    doc.fee = 0
    assert [t for t, _f in reached_fieldsets(fieldsets, doc, WORK_ORDER, set())] == [
        "Form", "Quote"]


def test_a_section_after_an_unknown_step_fails_at_start():
    with pytest.raises(ValueError, match="arive"):
        check_declarations([("Quote", {"after": ("arive",), "fields": ["fee"]})],
                           WORK_ORDER)
