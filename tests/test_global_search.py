"""The navbar's search box (/search/?q=…), acting as real users of tests/world.py.

* finds a work order and a complaint by number, a unit by number (with or without its
  building and estate), a resident by name, each linking to its detail page;
* never shows a row of another estate, even to someone who types its exact number or name
  (R-ORG-4);
* phones: found by a role that sees them in full, never by one that sees them masked, and
  shown masked to that role (R-RES-2);
* odd input never gives a 500; the zh_Hans page shows no English of its own.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.support import Translations

from app.models.base import local_now
from config import BASE_DIR

WO_API = "/api/v1/work_order/"
CP_API = "/api/v1/complaint/"


def register_work_order(api, world, **extra) -> tuple[int, str]:
    payload = {"source": "resident_phone", "category": "plumbing", "emergency": False,
               "estate": world.estate_a, "unit": world.unit_a,
               "resident": world.resident_a, "description": "Kitchen tap drips"}
    payload.update(extra)
    response = api.post(WO_API, json=payload)
    assert response.status_code == 201, response.get_data(as_text=True)
    pk = response.json["id"]
    return pk, api.get(f"{WO_API}{pk}").json["result"]["number"]


def register_complaint(api, world) -> tuple[int, str]:
    response = api.post(CP_API, json={
        "source": "phone", "estate": world.estate_a, "unit": world.unit_a,
        "resident": world.resident_a, "complainant_name": "Resident A",
        "complainant_phone": "13812345678",
        "event_time": (local_now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S"),
        "event_place": "Lift lobby, block A1", "subject": "Night security guard",
        "matter": "security", "description": "The guard let a stranger in at 2 am.",
        "customer_request": "An apology and stricter checks",
        "immediate_reply": "We apologise and will look into it today."})
    assert response.status_code == 201, response.get_data(as_text=True)
    pk = response.json["id"]
    return pk, api.get(f"{CP_API}{pk}").json["result"]["number"]


def found(client, q: str) -> dict:
    """The JSON variant of the page: {"status", "groups": [{kind, hits: [...]}]}."""
    response = client.get("/search/", query_string={"q": q, "format": "json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def hits(client, q: str, kind: str) -> list[dict]:
    return [hit for group in found(client, q)["groups"] if group["kind"] == kind
            for hit in group["hits"]]


def labels(client, q: str, kind: str) -> list[str]:
    return [hit["label"] for hit in hits(client, q, kind)]


def every_label(client, q: str) -> list[str]:
    return [hit["label"] for group in found(client, q)["groups"] for hit in group["hits"]]


# --- finding -----------------------------------------------------------------------------

def test_work_order_by_number_links_to_its_page(world, as_user, api_as, seeded):
    pk, number = register_work_order(api_as("agent_a"), world)
    assert re.fullmatch(r"WO-\d{4}-\d{6}", number)
    client = as_user("agent_a")
    page = client.get("/search/", query_string={"q": number})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/workorderview/show/{pk}"' in html and number in html
    # The start of the number, in lower case, with spaces: the same work order.
    year_part = number[:7]  # "WO-2026"
    assert number in labels(client, year_part.lower(), "work_order")
    assert number in labels(client, number.replace("-", " - "), "work_order")
    assert number in labels(client, number[3:], "work_order")  # without the prefix
    # Its group links to the list filtered on the number.
    group = next(g for g in found(client, number)["groups"] if g["kind"] == "work_order")
    assert group["list_url"] == f"/workorderview/list/?_flt_0_number={number}"
    assert hits(client, number, "work_order")[0]["url"] == f"/workorderview/show/{pk}"
    listed = client.get(group["list_url"])
    assert listed.status_code == 200 and number in listed.get_data(as_text=True)


def test_other_document_types_come_from_the_registry(world, as_user, api_as, seeded):
    pk, number = register_complaint(api_as("agent_a"), world)
    assert number.startswith("CP-")
    complaints = hits(as_user("agent_a"), number, "complaint")
    assert [h["label"] for h in complaints] == [number]
    assert complaints[0]["url"] == f"/complaintview/show/{pk}"


def test_unit_with_or_without_its_building_and_estate(world, as_user, api_as, seeded):
    client = as_user("agent_a")
    for q in ("A-1501", "Block A1 A-1501", "Estate A Block A1 A-1501", "a-1501"):
        units = hits(client, q, "unit")
        assert [h["url"] for h in units] == [f"/unitview/show/{world.unit_a}"], q
    assert hits(client, "Block B1 A-1501", "unit") == []  # no such unit in that building
    # The unit's documents are found with it.
    _pk, number = register_work_order(api_as("agent_a"), world)
    assert number in labels(client, "A-1501", "work_order")
    assert number not in labels(client, "A-1502", "work_order")


def test_resident_by_name(world, as_user, seeded):
    client = as_user("agent_a")
    residents = hits(client, "Resident A", "resident")
    assert [h["url"] for h in residents] == [f"/residentview/show/{world.resident_a}"]
    assert "Resident A" in labels(client, "resid", "resident")  # the start of the name
    html = client.get("/search/", query_string={"q": "Resident A"}).get_data(as_text=True)
    assert f'href="/residentview/show/{world.resident_a}"' in html


def test_groups_are_capped_and_link_to_the_filtered_list(world, as_user, seeded):
    from app.models import Resident
    from app.workflows.search import GROUP_LIMIT

    seeded.add_all([Resident(unit_id=world.unit2_a, name=f"Zed {n:02d}", relation="tenant")
                    for n in range(GROUP_LIMIT + 2)])
    seeded.commit()
    client = as_user("agent_a")
    group = next(g for g in found(client, "Zed")["groups"] if g["kind"] == "resident")
    assert len(group["hits"]) == GROUP_LIMIT and group["more"] is True
    assert group["list_url"] == "/residentview/list/?_flt_0_name=Zed"
    html = client.get("/search/", query_string={"q": "Zed"}).get_data(as_text=True)
    assert 'href="/residentview/list/?_flt_0_name=Zed"' in html
    listed = client.get(group["list_url"]).get_data(as_text=True)
    assert "Zed 11" in listed and "Resident A" not in listed
    # A unit's group links to the units with exactly that number.
    units = next(g for g in found(client, "A-1502")["groups"] if g["kind"] == "unit")
    assert units["more"] is False and units["list_url"] == "/unitview/list/?_flt_3_number=A-1502"
    assert "A-1502" in client.get(units["list_url"]).get_data(as_text=True)


# --- scope -------------------------------------------------------------------------------

def test_another_estate_is_never_found(world, as_user, api_as, seeded):
    wo_pk, wo_number = register_work_order(api_as("agent_a"), world)
    _cp, cp_number = register_complaint(api_as("agent_a"), world)
    outsider = as_user("agent_b")
    for q in (wo_number, cp_number, "WO", "A-1501", "Estate A Block A1 A-1501",
              "Resident A", "13812345678", "1381234"):
        assert every_label(outsider, q) == [], q
    page = outsider.get("/search/", query_string={"q": wo_number}).get_data(as_text=True)
    assert f"/workorderview/show/{wo_pk}" not in page
    # Their own side is found as usual, and the other side's stays hidden in a mixed result.
    assert [h["label"] for h in hits(outsider, "Resident", "resident")] == ["Resident B"]
    assert hits(outsider, "B-1501", "unit")[0]["url"] == f"/unitview/show/{world.unit_b}"
    # Someone who sees every estate finds it.
    assert wo_number in labels(as_user("gm"), wo_number, "work_order")


# --- phones ------------------------------------------------------------------------------

def test_phone_search_only_for_those_who_see_phones(world, as_user, api_as, seeded):
    _pk, number = register_work_order(api_as("agent_a"), world, resident=None,
                                      contact_name="Caller", contact_phone="13700001111")
    agent = as_user("agent_a")  # front desk: sees phones in full
    residents = hits(agent, "13812345678", "resident")
    assert [h["label"] for h in residents] == ["Resident A"]
    assert "13812345678" in residents[0]["details"]
    assert "Resident A" in labels(agent, "138 1234", "resident")  # the start of the number
    assert number in labels(agent, "13700001111", "work_order")  # a document's contact phone

    quality = as_user("quality_a")  # Quality sees phones masked
    for q in ("13812345678", "138 1234 5678", "1381234", "13700001111"):
        assert every_label(quality, q) == [], q
    # Found by name instead, the phone reads masked.
    residents = hits(quality, "Resident A", "resident")
    assert residents and "138****5678" in residents[0]["details"]
    assert "13812345678" not in " ".join(residents[0]["details"])
    html = quality.get("/search/", query_string={"q": "Resident A"}).get_data(as_text=True)
    assert "13812345678" not in html and "138****5678" in html


# --- odd input ---------------------------------------------------------------------------

ODD = ["%", "%%", "_", "__", "'", "' OR 1=1 --", "\"", "\\", "\\%", "WO-%", "WO-_",
       "x" * 5000, "1" * 300, "😀😀", "\u200b\u200b", "％％", "７栋 １２０１", "<script>x</script>",
       "[]", "{}", "A-15_1", "   ", "", "+", "++--", "7栋", "翠湖花园 7栋 1201", "\t\n",
       "Résident", "%(n)s", "{{ 7*7 }}"]


@pytest.mark.parametrize("user", ["agent_a", "quality_a", "gm"])
def test_odd_input_never_fails(world, as_user, api_as, seeded, user):
    register_work_order(api_as("agent_a"), world)
    client = as_user(user)
    for q in ODD:
        for fmt in ("html", "json"):
            response = client.get("/search/", query_string={"q": q, "format": fmt})
            assert response.status_code == 200, (q, fmt, response.status_code)
    # Wildcards are taken literally: "%" or "_" match nothing, "WO-" does.
    for q in ("%%", "__", "WO-%", "WO-_", "' OR 1=1 --"):
        assert every_label(client, q) == [], q
    assert labels(client, "WO-", "work_order")
    # A NUL character is refused by the request guard (400), not a server error.
    assert client.get("/search/", query_string={"q": "WO\x00"}).status_code == 400
    assert client.get("/search/?q=%ZZ").status_code == 200  # a broken escape


def test_short_long_and_empty_queries_explain_themselves(world, as_user, seeded):
    client = as_user("agent_a")
    for q in ("", "a", " x "):
        html = client.get("/search/", query_string={"q": q}).get_data(as_text=True)
        assert 'id="search-hint"' in html and "Type at least 2 characters" in html, q
    assert found(client, "x")["status"] == "too_short"
    assert found(client, "x" * 65)["status"] == "too_long"
    html = client.get("/search/", query_string={"q": "x" * 65}).get_data(as_text=True)
    assert "too long" in html
    html = client.get("/search/", query_string={"q": "Nobody Here"}).get_data(as_text=True)
    assert 'id="search-none"' in html and "Nothing found" in html


def test_signed_in_staff_only(client, world, as_user, seeded):
    response = client.get("/search/?q=Resident")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert 'role="search"' not in client.get("/login/").get_data(as_text=True)
    navbar = as_user("tech_a").get("/queue/mine").get_data(as_text=True)
    assert 'action="/search/"' in navbar and 'name="q"' in navbar
    # Every built-in role may search; a role without the permission (the scope-matrix
    # tester of tests/world.py) gets 403 and no box.
    for user in ("agent_a", "tech_a", "quality_a", "director_a", "officer_a", "lead_a",
                 "supervisor_a", "manager_a", "head_a", "gm", "deputy", "admin"):
        assert as_user(user).get("/search/?q=Resident").status_code == 200, user
    matrix = as_user("matrix_a")
    assert matrix.get("/search/?q=Resident").status_code == 403
    assert 'action="/search/"' not in matrix.get("/unitview/list/").get_data(as_text=True)


# --- languages ---------------------------------------------------------------------------

OUR_MESSAGES = ("Search", "Number, unit, name or phone", "Units", "Residents",
                "Work orders")


def test_zh_hans_page_has_no_english_of_its_own(world, as_user, api_as, seeded):
    _pk, number = register_work_order(api_as("agent_a"), world)
    client = as_user("agent_a")
    client.get("/lang/zh_Hans")
    catalog = Translations.load(str(BASE_DIR / "translations"), ["zh_Hans"])
    pages = {
        "results": client.get("/search/", query_string={"q": "A-1501"}),
        "short": client.get("/search/", query_string={"q": "x"}),
        "long": client.get("/search/", query_string={"q": "x" * 65}),
        "none": client.get("/search/", query_string={"q": "Nobody Here"}),
    }
    messages = {
        "results": OUR_MESSAGES,
        "short": ("Type at least %(n)d characters: a form number such as WO-2026-000123, "
                  "a unit such as 7栋 1201, a resident's name or a phone number.",),
        "long": ("That is too long to search for. Type at most %(n)d characters.",),
        "none": ("Nothing found for “%(query)s” among the records you may see.",),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        for msgid in messages[name]:
            translated = catalog.gettext(msgid)
            assert translated != msgid, f"{msgid!r} has no zh_Hans translation"
            head = re.split(r"%\(\w+\)[sd]", translated)[0]
            assert head in html, (name, msgid)
            english = re.split(r"%\(\w+\)[sd]", msgid)[0]
            assert english not in _visible_text(html), (name, msgid)
    assert number in _visible_text(pages["results"].get_data(as_text=True))


def _visible_text(html: str) -> str:
    """The page's text as read: no tags, scripts or attribute values."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)
