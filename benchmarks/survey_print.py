"""Printing a survey's questionnaires: 1,000 households, one PDF (R-SV-3, R-SV-4, R-PR).

    .venv/bin/python benchmarks/survey_print.py [--households 1000] [--lang zh_Hans] [--second en]

Builds the app on a scratch SQLite database as benchmarks/print_bench.py does (real
migrations, built-in roles, the test organisation of tests/world.py), adds an estate of
1,176 occupied units in six buildings with a resident each, and walks an ISO survey of it
through the workflow engine as the system: plan, review, approval, forms received (the
sample is drawn: ceil(1,176 x 85 %) = 1,000 households, each with its code), distributed.
Then it prints the questionnaire form `survey_questionnaires` of that survey ONCE, as
the survey's page does, and reports:

* warm-up: the statistics table of the same survey (imports WeasyPrint, finds and parses
  the fonts, parses the stylesheet), so that the questionnaire's time is the form's own;
* values: the form's extra values (one query, answering URL and QR code per household);
* HTML: the whole render_html (values included, one Jinja render);
* PDF: render_pdf, i.e. all of it (HTML, the WeasyPrint layout on one process per core,
  PRINT_PROCESSES, and joining the parts), with its pages.

Goal: 1,000 questionnaires within 60 s on a 2-core machine. Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import io
import math
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("APP_ENV", "test")

BUILDINGS = 6
ISO_RATE = 0.85  # survey.rate.iso, the default of RULES.md
SURNAMES = "陈林黄张李王吴刘蔡杨许郑谢郭洪邱曾廖赖周"
GIVEN = ("大文", "美玲", "志强", "淑芬", "建国", "秀英", "俊杰", "丽华", "家豪", "嘉欣")


def build_app(url: str):
    from flask_migrate import upgrade

    from app import create_app
    from app.commands import sync_roles
    from app.extensions import db

    bootstrap = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with bootstrap.app_context():
        upgrade()
        db.engine.dispose()
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    app.config["PRINT_BASE_URL"] = "https://desk.example.com"  # printed outside a request
    with app.app_context():
        sync_roles()
    return app


def units_for(households: int) -> int:
    """Occupied units whose ISO sample (85 %) is exactly `households` households."""
    units = math.floor(households / ISO_RATE)
    while math.ceil(units * ISO_RATE - 1e-9) > households:
        units -= 1
    while math.ceil(units * ISO_RATE - 1e-9) < households:
        units += 1
    return max(units, 300)


def make_survey(households: int):
    """An ISO survey of a new estate, walked to `collecting` with `households` sampled."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models.base import local_now
    from app.models.org import Building, Estate, Office, Unit
    from app.models.resident import Resident
    from app.models.settings import seed_settings
    from app.models.survey import DEFAULT_ITEMS, Questionnaire, Survey, SurveyForm
    from app.security.actor import Actor
    from app.workflows import engine
    from app.workflows.calendar import seed_calendar
    from app.workflows.deadlines import seed_policies
    from tests.world import build_world

    world = build_world()
    session = db.session
    seed_policies(session)
    seed_settings(session)
    now = local_now()
    seed_calendar(session, regions=("mainland",), years=sorted({2026, now.year, now.year + 1}))
    office = session.get(Office, world.office_a)
    office.name = "第一管理处"
    office.branch.company.name = "华城物业管理有限公司"
    count = units_for(households) if households >= 300 else households
    estate = Estate(office=office, code="EST-BENCH", name="翠湖花园", kind="residential",
                    region="mainland", script="zh_Hans", move_in_date=date(2016, 5, 1),
                    household_count=count)
    session.add(estate)
    session.flush()
    buildings = [Building(estate_id=estate.id, name=f"{n + 1}栋", floors=50)
                 for n in range(BUILDINGS)]
    session.add_all(buildings)
    session.flush()
    units = []
    for i in range(count):
        building = buildings[i % BUILDINGS]
        floor, door = divmod(i // BUILDINGS, 4)
        units.append(Unit(building_id=building.id, number=f"{floor + 2}{door + 1:02d}",
                          floor=floor + 2, occupied=True))
    session.add_all(units)
    session.flush()
    session.add_all(Resident(unit_id=unit.id, relation="owner",
                             name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
                             phone=f"138{i:08d}") for i, unit in enumerate(units))
    questionnaire = Questionnaire(name="顾客满意度调查表（基准测试）",
                                  items=[dict(item) for item in DEFAULT_ITEMS])
    session.add(questionnaire)
    session.commit()

    system = Actor.system()
    survey = Survey(title=f"{now.year} 年顾客满意度调查", kind="independent", preset="iso",
                    office_id=office.id, estates=[estate], questionnaire=questionnaire,
                    purpose="了解业主对各项物业服务的满意程度。", method="questionnaire",
                    period_start=now.date(), period_end=now.date() + timedelta(days=30))
    engine.create(survey, actor=system, session=session, now=now)
    for name in ("submit", "review", "approve", "receive_forms", "distribute"):
        engine.apply(survey, name, {}, actor=system, session=session, now=now)
    session.commit()
    sampled = session.scalar(select(func.count()).select_from(SurveyForm)
                             .where(SurveyForm.survey_id == survey.id))
    return survey, sampled


def timed(fn):
    """(wall seconds, result); the CPU seconds of the last call in `timed.cpu`."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    timed.cpu = time.process_time() - cpu
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--lang", default="zh_Hans")
    parser.add_argument("--second", default="en")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="survey-print-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        print(f"building the app on {url} …", flush=True)
        app = build_app(url)
        with app.app_context():
            from pypdf import PdfReader

            from app.extensions import db
            from app.printing import render_html, render_pdf
            from app.security.actor import Actor
            from app.workflows.survey_print import questionnaire_values

            built, (survey, sampled) = timed(lambda: make_survey(args.households))
            print(f"survey {survey.number}: {sampled} households sampled "
                  f"({built:.1f} s to build)", flush=True)
            system = Actor.system()
            langs = {"lang": args.lang, "second": args.second or None, "actor": system}
            warm, _pdf = timed(lambda: render_pdf("survey_statistics", [survey], **langs))
            values, _v = timed(lambda: questionnaire_values(survey))
            html, _h = timed(lambda: render_html("survey_questionnaires", [survey], **langs))
            total, pdf = timed(lambda: render_pdf("survey_questionnaires", [survey], **langs))
            cpu = timed.cpu
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            db.session.remove()
            db.engine.dispose()

    print()
    print(f"warm-up (statistics table, fonts)        {warm:8.2f} s")
    print(f"values: {sampled} households, URLs, QR codes {values:8.2f} s")
    print(f"HTML: one template render (with values)  {html:8.2f} s")
    processes = app.config.get("PRINT_PROCESSES") or os.cpu_count()
    print(f"PDF: {sampled} questionnaires, {processes} processes {total:8.2f} s  "
          f"{pages} pages, {len(pdf) / 1024 / 1024:.1f} MB, "
          f"{total / max(pages, 1) * 1000:.0f} ms a page")
    print(f"   CPU time of this process (HTML, join) {cpu:8.2f} s"
          + (f"  (load average {load:.1f} on {os.cpu_count()} cores: other processes "
             "slow the wall time down)" if load is not None else ""))
    print(f"goal: 1,000 questionnaires within 60 s — "
          f"{'met' if pages >= 1000 and total <= 60 else 'not met' if pages >= 1000 else 'n/a'}")


if __name__ == "__main__":
    main()
