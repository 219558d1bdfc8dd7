"""Printing benchmark: how long a printed form takes, and how big the PDFs are (R-PR).

    .venv/bin/python benchmarks/print_bench.py [--runs 15] [--batch 100]

Builds the app on a scratch SQLite database (real migrations, built-in roles, the test
organisation of tests/world.py), registers work orders through the workflow engine as the
system, fills them as far as a paid repair, then measures:

* cold: the first form printed by this process (WeasyPrint import, font lookup, fonts
  parsed, stylesheet parsed);
* warm: one form again, median of --runs, for each form and language pair;
* batch: --batch work orders in ONE PDF.

Expected on a developer machine with libharfbuzz-subset0 (STACK.md): ≈ 250 ms per warm
A4 form; without it every print takes 14–15 s. Not a test: it prints a table.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("APP_ENV", "test")


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
    with app.app_context():
        sync_roles()
    return app


def make_work_orders(count: int) -> list:
    """`count` repairs registered through the engine, filled in as far as paid."""
    from app.extensions import db
    from app.models import Estate, Resident, WorkOrder
    from app.models.base import local_now
    from app.security.actor import Actor
    from app.workflows import engine
    from app.workflows.deadlines import seed_policies
    from tests.world import build_world

    world = build_world()
    session = db.session
    seed_policies(session)
    estate = session.get(Estate, world.estate_a)
    estate.name = "翠湖花园"
    estate.office.branch.company.name = "华城物业管理有限公司"
    resident = session.get(Resident, world.resident_a)
    resident.name = "陈大文"
    technician = world.user_tech_a
    now = local_now()
    orders = []
    for i in range(count):
        order = WorkOrder(source="resident_phone", category="water_leak" if i % 2 else "plumbing",
                          emergency=(i % 7 == 0), estate=estate, resident=resident,
                          description=f"厨房水龙头漏水，橱柜下面有积水。第 {i + 1} 次报修。\n"
                                      "請師傅帶備新的水龍頭。",
                          reported_at=now - timedelta(hours=3))
        engine.create(order, actor=Actor.system(), session=session, now=now)
        order.technician_id = technician
        order.dispatched_at = now - timedelta(hours=2, minutes=50)
        order.accepted_at = now - timedelta(hours=2, minutes=45)
        order.arrived_at = now - timedelta(hours=2, minutes=20)
        order.labour_hours = Decimal("1.50")
        order.materials = "水龙头 1 个，生料带 1 卷"
        order.fee = Decimal("120.00")
        order.customer_consent = True
        order.work_done = "更换水龙头及角阀，试水无渗漏。"
        order.completed_at = now - timedelta(hours=1)
        order.signed_by = "陈大文"
        order.satisfaction = "very_satisfied"
        order.customer_remarks = "师傅很准时，谢谢。"
        order.amount_paid = Decimal("120.00")
        order.payment_method = "wechat"
        order.paid_at = now - timedelta(minutes=50)
        orders.append(order)
    session.commit()
    return orders


def timed(fn) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="warm renders per form")
    parser.add_argument("--batch", type=int, default=100, help="records in the batch PDF")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="print-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        print(f"building the app on {url} …", flush=True)
        app = build_app(url)
        with app.app_context():
            orders = make_work_orders(max(args.batch, 1))
            from app.extensions import db
            from app.printing import render_html, render_pdf

            def link(doc) -> str:
                return f"https://desk.example.com/workorderview/show/{doc.id}"

            one = orders[:1]
            rows: list[tuple[str, str, float, int]] = []
            cold_ms, pdf = timed(lambda: render_pdf("repair_form", one, lang="zh_Hans",
                                                    second="en", url=link))
            rows.append(("cold: first form (imports WeasyPrint, finds fonts)", "zh_Hans+en", cold_ms, len(pdf)))

            cases = [("repair_form", "zh_Hans", "en"), ("dispatch_slip", "zh_Hans", "en"),
                     ("service_slip", "zh_Hans", "en"), ("repair_notice", "zh_Hant", "en"),
                     ("repair_form", "zh_Hans", "zh_Hant"), ("repair_form", "en", None)]
            for form, lang, second in cases:
                times = []
                for _ in range(args.runs):
                    ms, pdf = timed(lambda: render_pdf(form, one, lang=lang, second=second,
                                                       url=link))
                    times.append(ms)
                rows.append((f"warm: {form} (median of {args.runs})",
                             f"{lang}+{second or '-'}", statistics.median(times), len(pdf)))
            html_ms, _html = timed(lambda: render_html("dispatch_slip", one, lang="zh_Hans",
                                                       url=link))
            rows.append(("  of which HTML (Jinja, QR, OpenCC)", "zh_Hans+en", html_ms, 0))

            batch = orders[:args.batch]
            ms, pdf = timed(lambda: render_pdf("dispatch_slip", batch, lang="zh_Hans",
                                               second="en", url=link))
            import io

            from pypdf import PdfReader

            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            rows.append((f"batch: {len(batch)} dispatch slips, one PDF ({pages} pages)",
                         "zh_Hans+en", ms, len(pdf)))
            rows.append(("  per record", "", ms / max(len(batch), 1), len(pdf) // max(len(batch), 1)))
            db.session.remove()
            db.engine.dispose()

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'case':<{width}}  {'languages':<15} {'ms':>9}  {'PDF size':>10}")
    print("-" * (width + 40))
    for name, langs, ms, size in rows:
        size_text = f"{size / 1024:,.1f} KB" if size else ""
        print(f"{name:<{width}}  {langs:<15} {ms:>9.1f}  {size_text:>10}")


if __name__ == "__main__":
    main()
