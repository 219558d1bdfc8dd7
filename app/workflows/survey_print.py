"""Printed forms of satisfaction surveys (R-SV-3..6, R-PR): the values their templates need.

Two forms are declared with the survey type (app/workflows/survey.py):

* ``survey_questionnaires`` — the questionnaire 顾客满意度调查表 (R-SV-3, R-SV-4, R-SV-6):
  ONE PDF with every sampled household's copy, one A4 page each, ordered by estate,
  building and unit. Each page names the survey, the estate, the unit and the resident
  (never a phone), carries the household's code as text and as a QR code that opens the
  online answering page ``/s/<code>`` (endpoint ``SurveyAnswerView.answer``), the items the
  survey was approved with, the answer scale as boxes to tick, room for comments and the
  collection deadline once the questionnaires are distributed.
* ``survey_statistics`` — the statistics table 顾客满意率统计表 (R-SV-4, R-SV-5): per item
  satisfied, unsatisfied, no answer and the rate; the overall rate and whether it is
  qualified; distributed, returned and valid questionnaires with the recovery rate against
  its target; the same per estate. Before the collection is closed it prints the counts
  only (R-SV-10: nobody sees running rates).

The printing package calls ``extra(survey)`` once per survey and renders the template
once; everything a page repeats (item labels, the answer scale) is computed once, the
households come from one query without loading ORM objects, and each household's QR
code is generated exactly once. Households outside the printing user's scope (a user
who sees the survey through one estate of several) are left out, as the questionnaire
list leaves them out (R-ORG-4).

This module sits with the document types, below the printing package (imports point
downwards: README), so it draws its QR codes with the same library and settings as
``app.printing.qr_data_uri`` instead of importing it.
"""
from __future__ import annotations

import base64
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import qrcode
from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session
from werkzeug.routing import BuildError

from app.models.org import Building, Estate, Unit
from app.models.resident import Resident
from app.models.settings import setting
from app.models.survey import (
    CHANNELS,
    FORM_STATES,
    Survey,
    SurveyEstate,
    SurveyForm,
    item_label,
)
from app.models.workflow import DeadlinePolicy, DeadlineTimer
from app.security.actor import Actor
from app.security.scope import scope_clause_for
from app.workflows.registry import PrintOptionRefused
from app.workflows.survey_scoring import ANSWERS, percent

# The online answering page a questionnaire's QR code opens (app/views/survey_answer.py).
ANSWER_ENDPOINT = "SurveyAnswerView.answer"
ANSWER_PATH = "/s/{code}"
# Rates are shown from the collection's close on (R-SV-10), as on the survey's page.
SCORED_STATES = ("scoring", "reported", "closed")
RECOVERY_TARGET = {"default": "survey.recovery_target", "iso": "survey.recovery_target@iso"}

QR_BOX, QR_BORDER = 4, 2  # pixels a module, modules of quiet zone: as app.printing's codes
_CHINESE_TAGS = {"zh_Hans": "zh-CN", "zh_Hant": "zh-TW"}
_DIGITS = re.compile(r"(\d+)")


# --- shared ---------------------------------------------------------------------------------

def _session(survey: Survey) -> Session:
    return object_session(survey) or current_app.appbuilder.session


def natural_key(text: Any) -> tuple:
    """Sort key that compares digits as numbers: 7栋 before 12栋, A-902 before A-1501."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in _DIGITS.split(str(text or "")) if part != "")


def item_labels(items: Iterable[Mapping[str, Any]], languages: tuple[str, ...],
                script: str | None, inline: bool = False) -> list[Markup]:
    """Each item's label in the print languages, laid out like a template label: the first
    language, then the second in a `l2` span (`{{ _("Estate") }}`), or with `inline` both
    on one line, "供电 / Power supply" (`{{ _("Estate").inline }}`). A label that reads the
    same in both prints once, and only a part in the other Chinese script than the sheet's
    carries a lang attribute (it needs the other font)."""
    labels = []
    for item in items:
        parts: list[tuple[str, str]] = []
        for lang in languages:
            text = item_label(item, lang)
            if all(text != seen for _lang, seen in parts):
                parts.append((lang, text))
        pieces = []
        for index, (lang, text) in enumerate(parts):
            tag = (Markup(' lang="{0}"').format(_CHINESE_TAGS[lang])
                   if lang in _CHINESE_TAGS and lang != script else Markup(""))
            if index and not inline:
                pieces.append(Markup('<span class="l2"{0}>{1}</span>').format(tag, text))
            else:
                pieces.append(Markup("<span{0}>{1}</span>").format(tag, text) if tag
                              else escape(text))
        labels.append(Markup(" / " if inline else "").join(pieces))
    return labels


# --- the questionnaire ------------------------------------------------------------------------

def answer_url(code: str) -> str:
    """The absolute URL of a household's online questionnaire: url_for of the answering
    page (SurveyAnswerView.answer, on the request's host); config PRINT_BASE_URL fixes
    scheme and host instead, as for the forms' verification QR codes. When the page is not
    registered, its path /s/<code> on the same host. Outside a request and without
    PRINT_BASE_URL no host is known: the path alone."""
    base = (current_app.config.get("PRINT_BASE_URL") or "").rstrip("/")
    try:
        if has_request_context():
            if not base:
                return url_for(ANSWER_ENDPOINT, code=code, _external=True)
            path = url_for(ANSWER_ENDPOINT, code=code)
        else:
            adapter = current_app.url_map.bind(
                "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
            path = adapter.build(ANSWER_ENDPOINT, {"code": code})
    except BuildError:
        path = ANSWER_PATH.format(code=code)
        if not base and has_request_context():
            return request.host_url.rstrip("/") + path
    return base + path


def qr_png(text: str) -> str:
    """`text` as a QR code: a small PNG in a data: URI, the same picture as the printing
    package draws (error correction M, the best mask, 4 pixels a module, a 2-module
    border), painted straight from the module matrix, which is faster than qrcode's own
    image factory (it draws module by module)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=QR_BOX, border=QR_BORDER)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()  # the border included
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (size, size), pixels).convert("1")
    image = image.resize((size * QR_BOX, size * QR_BOX), Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def households(session: Session, survey: Survey, actor: Actor | None = None,
               estate_id: int | None = None) -> list[dict[str, Any]]:
    """Every sampled household of the survey (of one of its estates, if given) in the
    actor's scope, ordered by estate, building and unit: code, estate, building, unit and
    the resident's name. One query; the resident's phone is not even read."""
    actor = actor or Actor.current()
    query = (select(SurveyForm.code, Estate.name, Estate.script,
                    Building.name, Unit.number, Resident.name, SurveyForm.state,
                    SurveyForm.channel)
             .join(Estate, Estate.id == SurveyForm.estate_id)
             .join(Unit, Unit.id == SurveyForm.unit_id)
             .join(Building, Building.id == Unit.building_id)
             .outerjoin(Resident, Resident.id == SurveyForm.resident_id)
             .where(SurveyForm.survey_id == survey.id))
    if estate_id is not None:
        query = query.where(SurveyForm.estate_id == estate_id)
    clause = scope_clause_for(SurveyForm, actor.scope)
    if clause is not None:
        query = query.where(clause)
    rows = [{"code": code, "estate": estate, "script": script, "building": building,
             "unit": number, "resident": resident or "", "state": state, "channel": channel}
            for code, estate, script, building, number, resident, state, channel
            in session.execute(query)]
    rows.sort(key=lambda row: (natural_key(row["estate"]), natural_key(row["building"]),
                               natural_key(row["unit"]), row["code"]))
    return rows


def collection_deadline(session: Session, survey: Survey) -> datetime | None:
    """When the collection ends (R-SV-4: the survey.collection deadline, armed when the
    questionnaires are distributed); None before that."""
    return session.scalar(
        select(DeadlineTimer.due_at).join(DeadlinePolicy)
        .where(DeadlineTimer.doc_type == "survey", DeadlineTimer.doc_id == survey.id,
               DeadlinePolicy.key == "survey.collection",
               DeadlineTimer.status != "cancelled")
        .order_by(DeadlineTimer.started_at.desc()).limit(1))


def check_estate_option(survey: Survey, estate: str | None = None) -> None:
    """The "estate" option names one of the survey's estates (PrintForm.check)."""
    if estate:
        _estate_of(survey, estate)


def _estate_of(survey: Survey, estate: str) -> int:
    """The id of one of the survey's estates, as the print request named it."""
    ids = {e.id for e in survey.estates}
    if not estate.isdigit() or int(estate) not in ids:
        raise PrintOptionRefused(_("The survey %(number)s does not cover this estate.",
                              number=survey.number))
    return int(estate)


def questionnaire_values(survey: Survey, estate: str | None = None) -> dict[str, Any]:
    """Template values of the questionnaire form (PrintForm.extra): every sampled
    household, or those of one estate (the form's option "estate": one stack of paper per
    estate, R-SV-4)."""
    session = _session(survey)
    estate_id = _estate_of(survey, estate) if estate else None
    rows = households(session, survey, estate_id=estate_id)
    for row in rows:
        row["url"] = answer_url(row["code"])
        row["qr"] = qr_png(row["url"])  # once per page
    return {"households": rows, "items": list(survey.items or []),
            "item_labels": item_labels, "answers": ANSWERS,
            "collection_due": collection_deadline(session, survey)}


def sample_values(survey: Survey, estate: str | None = None) -> dict[str, Any]:
    """Template values of the sample list (PrintForm.extra): the sampled households, of
    one estate if asked, with whether each questionnaire came back (R-SV-3, R-SV-4)."""
    session = _session(survey)
    estate_id = _estate_of(survey, estate) if estate else None
    rows = households(session, survey, estate_id=estate_id)
    estates = [e for e in survey.estates if estate_id in (None, e.id)]
    return {"households": rows, "sample_estates": estates, "form_states": FORM_STATES,
            "channels": CHANNELS, "returned": sum(r["state"] == "returned" for r in rows)}


# --- the statistics table -----------------------------------------------------------------------

def _rate(value: Any) -> str:
    return percent(Decimal(str(value))) if value not in (None, "") else percent(None)


def _per_estate_counts(session: Session, survey: Survey) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"distributed": 0, "returned": 0})
    for estate_id, state, n in session.execute(
            select(SurveyForm.estate_id, SurveyForm.state, func.count())
            .where(SurveyForm.survey_id == survey.id)
            .group_by(SurveyForm.estate_id, SurveyForm.state)):
        counts[estate_id]["distributed"] += n
        if state == "returned":
            counts[estate_id]["returned"] += n
    return counts


def _recovery(distributed: int, returned: int) -> Decimal | None:
    return Decimal(returned) / Decimal(distributed) if distributed else None


def _summary(summary: Mapping[str, Any] | None, keys: list[str]) -> dict[str, Any] | None:
    """A stored result (R-SV-5) with its rates as printed text, items in survey order."""
    if not summary:
        return None
    by_key = {item.get("key"): item for item in summary.get("items") or []}
    items = []
    for key in keys:
        item = by_key.get(key) or {}
        items.append({"key": key, "satisfied": item.get("satisfied", 0),
                      "unsatisfied": item.get("unsatisfied", 0),
                      "no_answer": item.get("no_answer", 0),
                      "rate": _rate(item.get("rate"))})
    return {"questionnaires": summary.get("questionnaires", 0),
            "invalid": summary.get("invalid", 0),
            "overall": _rate(summary.get("overall")),
            "qualified": summary.get("qualified"), "items": items}


def statistics_values(survey: Survey) -> dict[str, Any]:
    """Template values of the statistics table (PrintForm.extra). Rates only once the
    collection is closed (R-SV-10); the counts always."""
    session = _session(survey)
    survey_items = list(survey.items or [])
    keys = [item["key"] for item in survey_items]
    per_estate = _per_estate_counts(session, survey)
    distributed = sum(c["distributed"] for c in per_estate.values())
    returned = sum(c["returned"] for c in per_estate.values())
    stored = survey.results if survey.state in SCORED_STATES and survey.results else None
    whole = _summary(stored, keys)
    target = setting(session, RECOVERY_TARGET.get(survey.preset, RECOVERY_TARGET["default"]))
    recovery = _recovery(distributed, returned)
    estates = []
    for link, name in session.execute(
            select(SurveyEstate, Estate.name).join(Estate, Estate.id == SurveyEstate.estate_id)
            .where(SurveyEstate.survey_id == survey.id)):
        counts = per_estate.get(link.estate_id, {"distributed": 0, "returned": 0})
        estate_result = (stored.get("estates") or {}).get(str(link.estate_id)) if stored \
            else None
        estates.append({"name": name, "households": link.households,
                        "sampled": link.sampled, **counts,
                        "recovery": percent(_recovery(counts["distributed"],
                                                      counts["returned"])),
                        "result": _summary(estate_result, keys)})
    estates.sort(key=lambda row: natural_key(row["name"]))
    threshold = (stored or {}).get("threshold") or setting(session, "survey.qualified_percent")
    return {"items": survey_items, "item_labels": item_labels,
            "levels": levels_of(session, survey),
            "distributed": distributed, "returned": returned,
            "recovery": percent(recovery),
            "recovery_target": percent(Decimal(target) / 100, 0),
            "recovery_reached": recovery is not None and recovery * 100 >= Decimal(target),
            "threshold": f"{Decimal(str(threshold)).normalize():f} %",
            "result": whole, "estates": estates}


def levels_of(session: Session, survey: Survey) -> list[dict[str, Any]]:
    """The columns of the table of results per estate, office, branch and company (R-SV-5,
    R-SV-7), as stored at the collection's close: each estate in name order, then the
    survey's office, its branch and the company, every one scored over raw answers.
    Empty before the close (R-SV-10) and for a survey scored before the roll-ups."""
    stored = survey.results if survey.state in SCORED_STATES and survey.results else None
    rollups = (stored or {}).get("rollups") or {}
    if not rollups:
        return []
    keys = [item["key"] for item in survey.items or []]
    names = dict(session.execute(select(Estate.id, Estate.name).where(
        Estate.id.in_([int(k) for k in stored.get("estates") or {}]))).all())
    columns = [{"level": "estate", "name": names.get(int(estate_id), estate_id),
                "surveys": 1, "result": _summary(summary, keys)}
               for estate_id, summary in (stored.get("estates") or {}).items()]
    columns.sort(key=lambda column: natural_key(column["name"]))
    for level in ("office", "branch", "company"):
        if rollups.get(level):
            columns.append({"level": level, "name": rollups[level].get("name", ""),
                            "surveys": rollups[level].get("surveys", 0),
                            "result": _summary(rollups[level], keys)})
    return columns
