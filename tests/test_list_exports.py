"""Lists export to xlsx and CSV from a visible button (issue 10): the rows of the current
search and sort within the person's row scope (R-ORG-4), private values masked as on the
page (R-RES-2), headers in the person's language, bounded by EXPORT_MAX_ROWS. Also: a
register entry turned into a complaint or a work order lands on the new document (R-CS-1),
history shows people's names, and yes / no columns never read True / False."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from babel.support import Translations
from openpyxl import load_workbook

from app import clock as product_clock
from app.clock import FrozenClock
from app.models import Complaint, ServiceRecord, WorkOrder
from tests.helpers import csrf_token, transition, version_of

REGISTER_API = "/api/v1/service_record/"
REGISTER = "/servicerecordview"
WORK_ORDER_API = "/api/v1/work_order/"
COMPLAINT_API = "/api/v1/complaint/"
NOW = datetime(2026, 6, 10, 10, 0)  # an ordinary working Wednesday
CATALOGS = Path(__file__).resolve().parent.parent / "translations"


def zh(message: str) -> str:
    """`message` as the zh_Hans catalog has it (itself while it is not translated yet)."""
    return Translations.load(str(CATALOGS), ["zh_Hans"]).gettext(message)


@pytest.fixture
def clock():
    frozen = FrozenClock(NOW)
    token = product_clock.install(frozen)
    yield frozen
    product_clock.uninstall(token)


@pytest.fixture
def seeded(clock, seeded):
    return seeded


def add(api, base: str, payload: dict) -> int:
    response = api.post(base, json=payload)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def entry(api, world, side: str = "a", **extra) -> int:
    payload = {"kind": "service_request", "source": "phone",
               "estate": getattr(world, f"estate_{side}"),
               "unit": getattr(world, f"unit_{side}"),
               "resident": getattr(world, f"resident_{side}"),
               "content": "The corridor light on floor 15 is out."}
    payload.update(extra)
    return add(api, REGISTER_API, payload)


@pytest.fixture
def register(world, api_as, seeded):
    """Two entries of office A (one urgent), one of office B."""
    a1 = entry(api_as("agent_a"), world, urgent=True, content="Lift stuck, corridor dark")
    a2 = entry(api_as("agent_a"), world, content="Parcel room closed early")
    b = entry(api_as("agent_b"), world, "b", content="Office B corridor matter")
    number = {pk: seeded.get(ServiceRecord, pk).number for pk in (a1, a2, b)}
    return {"a1": a1, "a2": a2, "b": b, "number": number}


def csv_rows(response) -> list[list[str]]:
    import csv

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Chinese correctly
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def column(rows: list[list[str]], header: str) -> list[str]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# --- the exports ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_front_desk_agent_exports_the_register(app, world, as_user, register, fmt):
    """Scope, full phone (the agent may see phones), zh_Hans headers, Yes / No as 是 / 否."""
    agent = as_user("agent_a")
    agent.get("/lang/zh_Hans")
    response = agent.get(f"{REGISTER}/export/?format={fmt}")
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert rows[0][:2] == [zh("Number"), zh("Received at")]
    assert zh("Contact phone") in rows[0] and zh("Estate") in rows[0]
    numbers = column(rows, zh("Number"))
    number = register["number"]
    assert sorted(numbers) == sorted([number[register["a1"]], number[register["a2"]]])
    assert number[register["b"]] not in numbers  # another office's entry (R-ORG-4)
    assert set(column(rows, zh("Contact phone"))) == {"13812345678"}
    assert sorted(column(rows, zh("Urgent"))) == sorted([zh("Yes"), zh("No")])
    flat = " ".join(str(v) for row in rows for v in row)
    assert "True" not in flat and "False" not in flat


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_follows_the_current_search_and_sort_not_the_page(app, world, as_user,
                                                               register, fmt):
    agent = as_user("agent_a")
    number = register["number"]
    both = [number[register["a1"]], number[register["a2"]]]
    for direction, expected in (("asc", sorted(both)), ("desc", sorted(both, reverse=True))):
        response = agent.get(f"{REGISTER}/export/?format={fmt}&psize_ServiceRecordView=1"
                             f"&_oc_ServiceRecordView=number&_od_ServiceRecordView={direction}")
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
        assert column(rows, "Number") == expected  # every row, not the page of one
    # "content contains corridor": only the urgent entry of office A.
    response = agent.get(f"{REGISTER}/export/?format={fmt}&_flt_2_content=corridor")
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert column(rows, "Number") == [number[register["a1"]]]


@pytest.fixture
def complaints(world, api_as, seeded, clock):
    """One complaint per office, with the complainant's phone."""
    def complaint(side: str) -> int:
        return add(api_as(f"agent_{side}"), COMPLAINT_API, {
            "source": "phone", "estate": getattr(world, f"estate_{side}"),
            "unit": getattr(world, f"unit_{side}"),
            "resident": getattr(world, f"resident_{side}"),
            "complainant_name": "Resident", "complainant_phone": "13812345678",
            "event_time": (NOW - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
            "event_place": "Lobby", "subject": "Guard", "matter": "staff",
            "description": "The guard was rude.", "customer_request": "An apology",
            "immediate_reply": "We apologised on the spot."})
    a, b = complaint("a"), complaint("b")
    return {"a": seeded.get(Complaint, a).number, "b": seeded.get(Complaint, b).number}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_phone_masked_for_a_role_without_the_phone_permission(app, as_user, complaints,
                                                               fmt):
    """The quality officer may export complaints but not see phones (R-RES-2); the CS
    supervisor sees them in full. Both only their own office's complaints."""
    for username, phone in (("quality_a", "138****5678"), ("supervisor_a", "13812345678")):
        response = as_user(username).get(f"/complaintview/export/?format={fmt}")
        body = response.get_data()
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
        flat = [str(v) for row in rows for v in row]
        assert complaints["a"] in flat and complaints["b"] not in flat
        assert phone in flat, username
        if phone != "13812345678":
            assert b"13812345678" not in body
            assert all("13812345678" not in v for v in flat)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_department_head_exports_work_orders_in_scope(app, world, api_as, as_user, seeded,
                                                      clock, fmt):
    def order(side: str) -> str:
        pk = add(api_as(f"agent_{side}"), WORK_ORDER_API, {
            "source": "resident_phone", "category": "plumbing", "emergency": False,
            "estate": getattr(world, f"estate_{side}"), "unit": getattr(world, f"unit_{side}"),
            "resident": getattr(world, f"resident_{side}"), "description": "Tap drips"})
        return seeded.get(WorkOrder, pk).number

    mine, theirs = order("a"), order("b")
    head = as_user("head_a")
    head.get("/lang/zh_Hans")
    response = head.get(f"/workorderview/export/?format={fmt}")
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert zh("Number") in rows[0]
    flat = [str(v) for row in rows for v in row]
    assert mine in flat and theirs not in flat
    assert zh("No") in column(rows, zh("Emergency"))


def test_over_the_limit_is_refused_with_a_message(app, as_user, register, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", 1)
    agent = as_user("agent_a")
    agent.get("/lang/zh_Hans")
    for fmt in ("csv", "xlsx"):
        response = agent.get(f"{REGISTER}/export/?format={fmt}&_flt_2_content=o")
        assert response.status_code == 302
        assert "/servicerecordview/list/" in response.headers["Location"]
        assert "_flt_2_content=o" in response.headers["Location"]  # the search is kept
        page = unescape(agent.get(response.headers["Location"]).get_data(as_text=True))
        message = zh("This list has more than %(limit)d rows, the most an export holds. "
                     "Narrow the search, then export again.") % {"limit": 1}
        assert message in page
    # Narrowed to one row, it is exported.
    assert agent.get(f"{REGISTER}/export/?format=csv&_flt_2_content=Parcel").status_code \
        == 200


def test_unknown_format_is_a_clear_400(app, as_user, register):
    response = as_user("agent_a").get(f"{REGISTER}/export/?format=pdf")
    assert response.status_code == 400 and "xlsx" in response.get_data(as_text=True)


def test_cells_never_run_as_formulas(app, world, api_as, as_user, register):
    entry(api_as("agent_a"), world, content="=HYPERLINK(\"http://x\",\"y\")")
    rows = csv_rows(as_user("agent_a").get(f"{REGISTER}/export/?format=csv"))
    assert any(v.startswith("'=HYPERLINK") for row in rows for v in row)
    response = as_user("agent_a").get(f"{REGISTER}/export/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula


# --- the button ----------------------------------------------------------------------------------

def test_export_buttons_only_with_the_permission(app, as_user, register):
    agent = as_user("agent_a")
    page = agent.get(f"{REGISTER}/list/?_flt_2_content=corridor&page_ServiceRecordView=0"
                     ).get_data(as_text=True)
    assert 'id="export-buttons"' in page
    links = [unescape(u) for u in re.findall(r'href="([^"]*/export/[^"]*)"', page)]
    assert {re.search(r"format=(\w+)", u).group(1) for u in links} == {"xlsx", "csv"}
    assert all("_flt_2_content=corridor" in u and "page_" not in u for u in links)
    # The quality officer reads the register but may not export it.
    quality = as_user("quality_a")
    page = quality.get(f"{REGISTER}/list/").get_data(as_text=True)
    assert 'id="export-buttons"' not in page and "/export/" not in page
    assert quality.get(f"{REGISTER}/export/?format=xlsx").status_code == 403
    # ... but exports complaints, and sees the button there.
    assert 'id="export-buttons"' in quality.get("/complaintview/list/").get_data(as_text=True)


# --- conversions land on the new document (R-CS-1) ------------------------------------------------

def _page_transition(client, pk: int, name: str, data: dict, api) -> str:
    version = version_of(api, f"{REGISTER_API}{pk}")
    token = csrf_token(client, f"{REGISTER}/transition/{name}?ids={pk}")
    response = client.post(f"{REGISTER}/transition/{name}?ids={pk}",
                           data={"csrf_token": token, f"version_{pk}": str(version), **data})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_register_entry_turned_into_a_complaint_lands_on_the_complaint(app, world, as_user,
                                                                       api_as, seeded, clock):
    pk = entry(api_as("agent_a"), world, kind="complaint", content="The guard was rude.")
    data = {"event_time": (NOW - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
            "event_place": "Lobby", "subject": "Guard on duty", "matter": "staff",
            "customer_request": "An apology",
            "agreed_reply_at": (NOW + timedelta(hours=4)).strftime("%Y-%m-%d %H:%M")}
    agent = as_user("agent_a")
    location = _page_transition(agent, pk, "to_complaint", data, api_as("agent_a"))
    seeded.expire_all()
    complaint = seeded.get(ServiceRecord, pk).complaint
    assert complaint is not None
    assert location.endswith(f"/complaintview/show/{complaint.id}")
    assert complaint.number in agent.get(location).get_data(as_text=True)


def test_register_entry_turned_into_a_work_order_lands_on_the_work_order(app, world, as_user,
                                                                         api_as, seeded, clock):
    pk = entry(api_as("agent_a"), world, urgent=True, content="Water from the ceiling")
    location = _page_transition(as_user("agent_a"), pk, "to_work_order",
                                {"category": "water_leak", "location": "Kitchen"},
                                api_as("agent_a"))
    seeded.expire_all()
    order = seeded.get(ServiceRecord, pk).work_order
    assert order is not None and location.endswith(f"/workorderview/show/{order.id}")


def test_other_transitions_stay_on_the_entry(app, world, as_user, api_as, seeded, clock):
    pk = entry(api_as("agent_a"), world)
    location = _page_transition(as_user("agent_a"), pk, "answer_on_spot",
                                {"reply": "Told them the opening hours."}, api_as("agent_a"))
    assert location.endswith(f"{REGISTER}/show/{pk}")


# --- names in history, yes / no ------------------------------------------------------------------

def test_history_shows_full_names_with_the_login_as_tooltip(app, world, as_user, api_as,
                                                            seeded, clock):
    pk = entry(api_as("agent_a"), world)
    transition(api_as("agent_a"), pk, "dispatch",
               {"department_id": world.eng_a, "liaison_note": "Please fix."},
               base=REGISTER_API)
    page = as_user("agent_a").get(f"{REGISTER}/show/{pk}").get_data(as_text=True)
    history = page[page.index('id="history"'):]
    assert re.search(r'title="agent_a">\s*Agent_A Test\s*<', history)
    assert ">agent_a<" not in history
    rows = api_as("agent_a").get(f"{REGISTER_API}{pk}/history").json["result"]
    assert [r["by_name"] for r in rows] == ["Agent_A Test", "Agent_A Test"]
    assert [r["user"] for r in rows] == ["agent_a", "agent_a"]  # kept for integrators


def test_yes_no_columns_read_in_the_users_language(app, world, as_user, register):
    agent = as_user("agent_a")
    agent.get("/lang/zh_Hans")
    listing = agent.get(f"{REGISTER}/list/").get_data(as_text=True)
    shown = agent.get(f"{REGISTER}/show/{register['a1']}").get_data(as_text=True)
    units = agent.get("/unitview/list/").get_data(as_text=True)  # no formatter of its own
    for page in (listing, shown, units):
        assert not re.search(r">\s*(True|False)\s*<", page)
    assert re.search(rf">\s*{zh('Yes')}\s*<", listing)
    assert re.search(rf">\s*{zh('No')}\s*<", listing)
    assert re.search(rf">\s*{zh('Yes')}\s*<", shown)
    assert re.search(rf">\s*({zh('Yes')}|{zh('No')})\s*<", units)


# --- big exports are background jobs -------------------------------------------------------------

def _job_file(client, response):
    """Follow an export that became a job: its page, its status, its download."""
    assert response.status_code == 302 and "/jobview/show/" in response.location
    status = client.get(response.location.replace("/show/", "/status/")).json
    assert status["state"] == "done", status
    assert status["done"] == status["total"]
    return client.get(status["download"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_big_export_is_written_by_a_worker_as_its_owner_sees_the_list(
        app, as_user, complaints, monkeypatch, fmt):
    """Above EXPORT_INLINE_ROWS the worker replays the list as the person: same scope,
    same masking (R-RES-2), same language; the file is theirs alone."""
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 0)
    quality = as_user("quality_a")
    quality.get("/lang/zh_Hans")
    response = quality.get(f"/complaintview/export/?format={fmt}")
    download = _job_file(quality, response)
    rows = csv_rows(download) if fmt == "csv" else xlsx_rows(download)
    flat = [str(v) for row in rows for v in row]
    assert complaints["a"] in flat and complaints["b"] not in flat
    assert "138****5678" in flat and all("13812345678" not in v for v in flat)
    assert zh("Number") in rows[0]
    job_page = quality.get(response.location).get_data(as_text=True)
    assert zh("Print and export jobs") in job_page
    # Nobody else sees or downloads it, whatever their role.
    for other in ("supervisor_a", "admin"):
        assert as_user(other).get(response.location.replace("/show/", "/download/")) \
            .status_code == 404


def test_a_big_export_follows_the_search(app, as_user, register, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 0)
    agent = as_user("agent_a")
    response = agent.get(f"{REGISTER}/export/?format=csv&_flt_2_content=Parcel")
    numbers = column(csv_rows(_job_file(agent, response)), "Number")
    assert numbers == [register["number"][register["a2"]]]


def test_a_small_export_is_answered_at_once(app, as_user, register):
    response = as_user("agent_a").get(f"{REGISTER}/export/?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"


def test_a_failed_export_job_says_so_in_the_persons_language(app, as_user, register,
                                                              monkeypatch):
    """An error inside the worker is logged in full; the person reads a plain, translated
    answer on the job's page, never the internals."""
    from app.views.service_record import ServiceRecordView

    def broken(self, *args, **kwargs):
        raise RuntimeError("cursor exploded at 0x7f")

    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 0)
    monkeypatch.setattr(ServiceRecordView, "export_file", broken)
    agent = as_user("agent_a")
    agent.get("/lang/zh_Hans")
    response = agent.get(f"{REGISTER}/export/?format=csv")
    status = agent.get(response.location.replace("/show/", "/status/")).json
    assert status["state"] == "failed" and status["download"] is None
    assert "0x7f" not in status["error"]
    assert status["error"] == zh("The export could not be written. Try again; if it fails "
                                 "again, narrow the search first.")
