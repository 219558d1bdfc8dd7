"""Fuzzing the REST API with Schemathesis, in-process, and regression tests for what it found.

The whole OpenAPI description (/api/v1/_openapi) is fuzzed as `admin` (sees everything) and
as a front-desk agent (scoped), in Schemathesis' positive mode (valid by the description)
and negative mode (invalid by it), with a fixed seed per operation and deterministic
generation so that a run is reproducible, and a bounded number of examples per operation so
that the file stays within a few minutes on SQLite on two cores. Any 5xx fails the test.

Requests go through the session app's WSGI callable with a Flask test client, so they use
the test's rolled-back connection (see `db_session` in conftest). Each generated request
also runs inside a SAVEPOINT that is rolled back afterwards: every example starts from the
same data, which keeps shrinking and reruns deterministic, and nothing a DELETE or POST did
leaks into the next example or into other tests.

Schemathesis' own pytest integration (`schemathesis.pytest.from_fixture`) is not used: with
the pinned pytest 9 it fails on `Function._nodeid`; the operations' Hypothesis strategies
(`APIOperation.as_strategy`, public API) drive the same generation.
"""
from __future__ import annotations

import re
import traceback
import zlib
from contextlib import contextmanager
from typing import Any, Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import scoped_session

from tests.helpers import csrf_token
from tests.world import PASSWORD

FUZZ_SEED = 20260501
EXAMPLES_PER_OPERATION = 10
FUZZ_USERS = ("admin", "agent_a")
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def _jwt(app: Flask, username: str) -> str:
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db", "refresh": False})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["access_token"]


def _load_schema(app: Flask, token: str) -> Any:
    """The OpenAPI description as the fuzzed user gets it, served by the session app."""
    response = app.test_client().get("/api/v1/_openapi",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    config = schemathesis.Config.from_dict({
        "seed": FUZZ_SEED,
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True,
                       "database": "none"},
    })
    schema = schemathesis.openapi.from_dict(response.json, config=config)
    schema.app = app  # in-process: Schemathesis' WSGI transport, no network
    return schema


@contextmanager
def _undone(session: scoped_session) -> Iterator[None]:
    """Run one request inside a SAVEPOINT that is rolled back afterwards."""
    connection = session().bind
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        session.remove()
        if savepoint.is_active:
            savepoint.rollback()


def _fuzz(operation: Any, mode: GenerationMode, app: Flask, session: scoped_session,
          token: str) -> str | None:
    """Run one operation's examples in one mode; the failure report, or None."""
    headers = {"Authorization": f"Bearer {token}"}
    if operation.method.upper() == "PUT":
        headers["If-Match"] = "*"  # past the version check, so that bodies are parsed
    client = app.test_client()

    @seed(zlib.crc32(f"{FUZZ_SEED}:{operation.label}:{mode}".encode()))
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None,
              deadline=None, phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        with _undone(session):
            response = case.call(session=client, headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.NEGATIVE:
            return None  # nothing in this operation can be made invalid (no parameters)
        return f"{operation.label} [{mode}]: no valid request could be generated"
    except BaseExceptionGroup as failures:  # Schemathesis' report: request and response
        return f"{operation.label} [{mode}]:\n{failures}"
    except Exception as error:  # noqa: BLE001 - anything else, with where it was raised
        where = "".join(traceback.format_exception(error)[-12:])
        return f"{operation.label} [{mode}]:\n{where}"
    return None


@pytest.mark.slow  # one test per user and mode: four of about half a minute each
@pytest.mark.parametrize("mode", MODES, ids=lambda mode: mode.value)
@pytest.mark.parametrize("username", FUZZ_USERS)
def test_api_never_answers_a_server_error(app: Flask, db_session: scoped_session,
                                          username: str, mode: GenerationMode) -> None:
    token = _jwt(app, username)
    schema = _load_schema(app, token)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # an invalid operation description fails here
        failure = _fuzz(operation, mode, app, db_session, token)
        if failure:
            failures.append(failure)
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)


# --- the OpenAPI description --------------------------------------------------------------

def test_every_path_parameter_is_described(app: Flask, api_as: Any) -> None:
    """Schemathesis cannot generate a request for a path parameter it does not know."""
    spec = api_as("admin").get("/api/v1/_openapi").json
    missing = []
    for path, operations in spec["paths"].items():
        named = set(re.findall(r"{(\w+)}", path))
        for verb, operation in operations.items():
            described = {p["name"] for p in operation.get("parameters", [])
                         if p.get("in") == "path"}
            missing += [f"{verb.upper()} {path}: {name}" for name in sorted(named - described)]
    assert not missing, "undescribed path parameters:\n" + "\n".join(missing)
    transition = spec["paths"]["/api/v1/work_order/{pk}/transition/{name}"]["post"]
    assert transition["requestBody"]["content"]["application/json"]["schema"]["required"] \
        == ["version"]


# --- regression tests, one class of input at a time ------------------------------------------

HUGE = "99999999999999999999"  # > 2**63 - 1
BEYOND_INTEGER = 3_000_000_000  # fits 64 bits, not an INTEGER column of PostgreSQL


@pytest.mark.parametrize("method, path", [
    ("get", f"/api/v1/unit/{HUGE}"),
    ("get", f"/api/v1/unit/{BEYOND_INTEGER}"),
    ("delete", f"/api/v1/unit/{HUGE}"),
    ("put", f"/api/v1/unit/-{HUGE}"),
    ("get", f"/api/v1/work_order/{HUGE}/history"),
    ("get", f"/api/v1/work_order/{BEYOND_INTEGER}/transitions"),
    ("get", f"/api/v1/work_order/{HUGE}/pdf"),
    ("post", f"/api/v1/work_order/{HUGE}/transition/dispatch"),
    ("get", f"/api/v1/compensation/evidence/{HUGE}"),
])
def test_api_ids_beyond_the_id_columns_are_not_found(api_as: Any, method: str,
                                                     path: str) -> None:
    response = getattr(api_as("admin"), method)(path, json={"version": 1},
                                                headers={"If-Match": "*"})
    assert response.status_code == 404
    assert response.json["message"]


def test_page_ids_and_numbers_beyond_their_columns(as_user: Any) -> None:
    client = as_user("admin")
    assert client.get(f"/unitview/show/{HUGE}").status_code == 404
    assert client.get(f"/unitview/edit/{BEYOND_INTEGER}").status_code == 404
    for query in (f"/workorderview/print_options?ids={HUGE}",
                  f"/unitview/list/?page_UnitView={HUGE}",
                  f"/unitview/list/?_flt_0_floor={HUGE}"):
        response = client.get(query)
        assert response.status_code == 400, query
        assert "out of range" in response.get_data(as_text=True)


def test_numbers_beyond_their_column_are_refused(api_as: Any, world: Any) -> None:
    client = api_as("admin")
    too_big = client.get(f"/api/v1/unit/?q=(page:{HUGE},page_size:10)")
    assert too_big.status_code == 400
    assert "out of range" in too_big.json["message"]
    negative = client.get("/api/v1/unit/?q=(page:0,page_size:-5)")
    assert negative.status_code < 500
    beyond = client.get(f"/api/v1/unit/?q=(filters:!((col:floor,opr:eq,value:{BEYOND_INTEGER})))")
    assert beyond.status_code in (200, 400)  # no row (SQLite) or refused (PostgreSQL)
    body = {"estate": world.estate_a, "name": "Tower", "floors": 2**70}
    for floors in (2**70, BEYOND_INTEGER, 1e30):
        response = client.post("/api/v1/building/", json={**body, "floors": floors})
        assert response.status_code == 422, response.get_data(as_text=True)
        assert "2147483647" in str(response.json["message"]["floors"])
    assert client.post("/api/v1/building/", json={**body, "floors": 30}).status_code == 201
    spec = client.get("/api/v1/_openapi").json["components"]["schemas"]
    assert spec["BuildingApi.post"]["properties"]["floors"]["maximum"] == 2**31 - 1


@pytest.mark.parametrize("method, path", [
    ("put", "/api/v1/building/{building_a}"),
    ("post", "/api/v1/building/"),
    ("post", "/api/v1/work_order/"),
])
def test_a_json_body_must_be_an_object(api_as: Any, world: Any, method: str,
                                       path: str) -> None:
    client = api_as("admin")
    url = path.format(building_a=world.building_a)
    response = getattr(client, method)(url, json=[1, 2], headers={"If-Match": "*"})
    assert response.status_code == 400
    assert response.json == {"message": "Send a JSON object."}
    broken = getattr(client, method)(url, data=b'{"name": ', content_type="application/json",
                                     headers={"If-Match": "*"})
    assert broken.status_code == 400
    assert broken.json == {"message": "The request body is not valid JSON."}


def _estates(session: scoped_session) -> int:
    from sqlalchemy import func, select

    from app.models import Estate

    return session.scalar(select(func.count()).select_from(Estate))


@pytest.mark.parametrize("estate", [
    {}, {"id": 1}, [1], 0.8, True, "one", -1, 2**40, 10**30,
    {"code": "NEW", "name": "Made up", "office_id": 1},
])
def test_a_relation_takes_only_the_id_of_an_existing_row(api_as: Any, world: Any,
                                                         db_session: scoped_session,
                                                         estate: Any) -> None:
    """Before, an object or an unknown id made marshmallow-sqlalchemy build a new estate."""
    before = _estates(db_session)
    response = api_as("agent_a").post("/api/v1/service_record/",
                                      json={"estate": estate, "content": "Lift stuck"})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "estate" in str(response.json["message"])
    assert _estates(db_session) == before


def test_a_relation_id_may_be_sent_as_digits(api_as: Any, world: Any) -> None:
    response = api_as("admin").post("/api/v1/building/", json={
        "estate": str(world.estate_a), "name": "Tower 9", "floors": 30})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["result"]["estate"] == world.estate_a


UNSTORABLE = ["\ud800", "tail \udfff", "a\x00b"]


@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_characters_in_json_are_refused(api_as: Any, world: Any,
                                                   text: str) -> None:
    client = api_as("admin")
    for body in ({"estate": world.estate_a, "name": text},
                 {"estate": world.estate_a, "name": "ok", text: 1}):
        response = client.post("/api/v1/building/", json=body)
        assert response.status_code == 400, response.get_data(as_text=True)
        assert "cannot be stored" in response.json["message"]
    search = client.get("/api/v1/building/", query_string={"q": "(filters:!((col:name,opr:"
                                                                "ct,value:'a\x00b')))"})
    assert search.status_code == 400


def test_unstorable_characters_through_html_forms_are_refused(as_user: Any,
                                                              world: Any) -> None:
    """Flask-WTF reads a JSON body as form data: a lone surrogate reaches a page that way,
    NUL in any urlencoded form."""
    client = as_user("admin")
    token = csrf_token(client, "/unitview/add")
    fields = {"building": str(world.building_a), "floor": "3", "csrf_token": token}
    response = client.post("/unitview/add", json={**fields, "number": "\ud800"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "cannot be stored" in response.get_data(as_text=True)
    response = client.post("/unitview/add", data={**fields, "number": "a\x00b"})
    assert response.status_code == 400
    assert "text/html" in response.content_type
    response = client.post("/unitview/add", json=[1, 2], headers={"X-CSRFToken": token})
    assert response.status_code == 400
    response = client.post("/unitview/add", data={**fields, "floor": HUGE, "number": "N"})
    assert response.status_code == 400
    assert "out of range" in response.get_data(as_text=True)
    assert client.post("/unitview/add",
                       data={**fields, "number": "A-1601"}).status_code == 302


@pytest.mark.parametrize("query, status", [
    ("_oc_ResidentView=nonsense&_od_ResidentView=asc", 400),
    ("_oc_ResidentView=unit.nonsense&_od_ResidentView=desc", 400),
    ("_oc_ResidentView=__class__&_od_ResidentView=desc", 400),
    ("_oc_ResidentView=name&_od_ResidentView=sideways", 200),
    ("_oc_ResidentView=name&_od_ResidentView=desc", 200),
])
def test_lists_sort_only_by_their_own_columns(as_user: Any, query: str,
                                              status: int) -> None:
    client = as_user("admin")
    response = client.get(f"/residentview/list/?{query}")
    assert response.status_code == status
    if status == 400:
        assert "cannot be sorted" in response.get_data(as_text=True)
    assert client.get(f"/residentview/export/?{query}").status_code == status


def test_no_list_fails_on_unknown_sort_or_page_arguments(app: Flask, as_user: Any) -> None:
    """Every list page, FAB's security lists included, with hostile arguments."""
    from flask_appbuilder import ModelView

    client = as_user("admin")
    for view in app.appbuilder.baseviews:
        if not isinstance(view, ModelView):
            continue
        name = view.__class__.__name__
        for query in (f"_oc_{name}=nonsense&_od_{name}=asc", f"_oc_{name}=a.b&_od_{name}=asc",
                      f"page_{name}={HUGE}", f"psize_{name}=-1", f"_flt_0_id={HUGE}"):
            response = client.get(f"{view.route_base}/list/?{query}")
            assert response.status_code < 500, f"{view.route_base} {query}"


def test_a_query_argument_the_decoder_cannot_read_is_refused(api_as: Any, world: Any) -> None:
    """Found by the fuzzer: `q=1.1e+64` made the Rison decoder raise a ValueError that FAB
    does not catch (a 500 on every show and list endpoint)."""
    client = api_as("admin")
    for url in (f"/api/v1/unit/{world.unit_a}?q=1.1e%2B64", "/api/v1/unit/?q=1.1e%2B64",
                "/api/v1/survey/?q=(page:1e)"):
        response = client.get(url)
        assert response.status_code == 400, (url, response.get_data(as_text=True))
        assert response.json["message"]
    assert client.get("/api/v1/unit/?q=(page:0,page_size:5)").status_code == 200
