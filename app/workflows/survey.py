"""Satisfaction surveys (顾客满意度调查, R-SV-1..7): the plan, its approval, sampling,
distribution, collection, scoring and the report, as a table a department head can read.

    draft --submit--> submitted (ISO: the office director reviews) --review--> awaiting approval
    draft --submit--> awaiting approval (company procedure)
    awaiting approval --approve--> approved        (the company: deputy GM or GM)
    submitted / awaiting approval --return--> draft (with a reason)
    approved --receive forms--> sampled            (the sample is drawn; 3 days to distribute)
    sampled --distribute--> collecting             (10 days to collect, R-SV-4)
    collecting --close collection--> scoring       (results computed; 3 days, R-SV-5)
    scoring --publish report--> reported           (analysis and improvements, R-SV-7)
    reported --close--> closed
    draft / submitted / awaiting approval --cancel--> cancelled

The diagram on Administration → Workflow diagrams is drawn from the table below.
"""
from __future__ import annotations

import re
import secrets
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, object_session

from app.charts import report_charts
from app.models.org import Branch as OrgBranch
from app.models.org import Building, Company, Estate, Office, Unit
from app.models.resident import Resident
from app.models.settings import setting
from app.models.survey import (
    DEFAULT_ITEMS,
    METHODS,
    SURVEY_KINDS,
    Questionnaire,
    Survey,
    SurveyEstate,
    SurveyForm,
    item_label,
)
from app.models.workflow import DeadlinePolicy, DeadlineTimer, Notification
from app.security import permissions as P
from app.security.actor import Actor
from app.workflows import staffing
from app.workflows.engine import InvalidData, StaleVersion, WorkflowError
from app.workflows.registry import (
    N_,
    TO_DIRECTOR_AND_GM,
    TO_GM,
    DocumentType,
    Menu,
    Page,
    Policy,
    PrintForm,
    declare,
)
from app.workflows.survey_print import (
    check_estate_option,
    questionnaire_values,
    sample_values,
    statistics_values,
)
from app.workflows.survey_sampling import (
    SamplingRates,
    draw_sample,
    draw_sample_preferring,
    is_established,
    new_seed,
    required_size,
)
from app.workflows.survey_scoring import (
    ANSWERS,
    NO_ANSWER,
    SurveyResult,
    percent,
    score,
)
from app.workflows.table import Arm, Branch, Context, Field, Transition, Workflow

STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Awaiting review"),
    "awaiting_approval": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "sampled": _l("Sample drawn"),
    "collecting": _l("Collecting answers"),
    "scoring": _l("Scoring"),
    "reported": _l("Reported"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}

DRAFTERS = (P.ROLE_CS_SUPERVISOR, P.ROLE_QUALITY_OFFICER)
REVIEWERS = (P.ROLE_OFFICE_DIRECTOR,)
APPROVERS = (P.ROLE_DEPUTY_GM,)
RUNNERS = (P.ROLE_CS_SUPERVISOR, P.ROLE_QUALITY_OFFICER)

# Settings (admin-editable, RULES.md defaults) this type reads.
RECOVERY_TARGET = {"default": "survey.recovery_target", "iso": "survey.recovery_target@iso"}


# --- guards and effects ------------------------------------------------------------------

def _has_estates(survey: Survey, ctx: Context) -> str | None:
    if not survey.estates:
        return _("Choose the estates the survey covers.")
    if any(e.office_id != survey.office_id for e in survey.estates):
        return _("Every estate must belong to the survey's management office.")
    return None


def _snapshot_questionnaire(survey: Survey, ctx: Context) -> None:
    """R-SV-6: the survey keeps the items it was approved with, whatever is edited later."""
    survey.items = [dict(item) for item in survey.questionnaire.items]
    survey.questionnaire_version = survey.questionnaire.version


def sampling_rates(session: Session) -> SamplingRates:
    return SamplingRates(
        established_years=int(setting(session, "survey.established_years")),
        established_rate=setting(session, "survey.rate.established") / 100,
        recent_rate=setting(session, "survey.rate.recent") / 100,
        iso_rate=setting(session, "survey.rate.iso") / 100,
        iso_full_below=int(setting(session, "survey.iso_full_below")))


def _occupied_units(session: Session, estate_id: int) -> list[tuple[int, int]]:
    return [tuple(row) for row in session.execute(
        select(Unit.id, Unit.building_id).join(Building)
        .where(Building.estate_id == estate_id, Unit.occupied.is_(True))
        .order_by(Unit.id))]


def _covered_this_year(session: Session, survey: Survey, estate_id: int, year: int) -> set[int]:
    """Units already sampled this year by other surveys (ISO: 100 % coverage a year)."""
    return set(session.scalars(
        select(SurveyForm.unit_id).join(Survey, Survey.id == SurveyForm.survey_id)
        .where(SurveyForm.estate_id == estate_id, Survey.id != survey.id,
               extract("year", Survey.forms_received_at) == year)))


def new_code(session: Session) -> str:
    """A questionnaire code: 10 characters without look-alikes (0/O, 1/I/L), unguessable,
    so one household's code never reaches another's answers."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    while True:
        code = "".join(secrets.choice(alphabet) for _n in range(10))
        if session.scalar(select(SurveyForm.id).where(SurveyForm.code == code)) is None:
            return code


def _resident_of(session: Session, unit_ids: list[int]) -> dict[int, int]:
    """The owner (else the first resident) of each unit, named on the questionnaire."""
    chosen: dict[int, int] = {}
    rows = session.execute(
        select(Resident.unit_id, Resident.id).where(Resident.unit_id.in_(unit_ids))
        .order_by(Resident.unit_id, (Resident.relation != "owner"), Resident.id))
    for unit_id, resident_id in rows:
        chosen.setdefault(unit_id, resident_id)
    return chosen


def draw(survey: Survey, ctx: Context) -> None:
    """R-SV-3: per estate, the required sample from its move-in date and household count
    (or, ISO, its occupied units), drawn at random and evenly across buildings with a
    recorded seed; one questionnaire with a unique code per sampled household."""
    session = ctx.session
    rates = sampling_rates(session)
    if survey.seed is None:
        survey.seed = new_seed()
    today = ctx.now.date()
    links = session.scalars(select(SurveyEstate).where(SurveyEstate.survey_id == survey.id)
                            .order_by(SurveyEstate.estate_id)).all()
    for link in links:
        estate = link.estate
        units = _occupied_units(session, estate.id)
        size = required_size(estate.household_count, len(units), estate.move_in_date, today,
                             survey.preset, rates)
        seed = survey.seed + estate.id  # one stream per estate, reproducible
        if survey.preset == "iso":
            covered = _covered_this_year(session, survey, estate.id, ctx.now.year)
            chosen = draw_sample_preferring(units, size, seed,
                                            {u for u, _b in units if u not in covered})
        else:
            chosen = draw_sample(units, size, seed)
        link.households, link.occupied_units = estate.household_count, len(units)
        link.required, link.sampled = size, len(chosen)
        residents = _resident_of(session, chosen)
        for unit_id in chosen:
            session.add(SurveyForm(survey_id=survey.id, estate_id=estate.id, unit_id=unit_id,
                                   resident_id=residents.get(unit_id), code=new_code(session),
                                   state="issued"))
    if not any(link.sampled for link in links):
        raise InvalidData(_("No occupied unit to sample in the survey's estates."))


def established_label(survey: Survey, link: SurveyEstate) -> bool:
    when = survey.forms_received_at.date() if survey.forms_received_at else None
    return bool(when and is_established(link.estate.move_in_date, when))


def result_of(session: Session, survey: Survey, estate_id: int | None = None) -> SurveyResult:
    """R-SV-5 over the returned questionnaires (of one estate, or all)."""
    query = select(SurveyForm.answers).where(SurveyForm.survey_id == survey.id,
                                             SurveyForm.state == "returned")
    if estate_id is not None:
        query = query.where(SurveyForm.estate_id == estate_id)
    keys = [item["key"] for item in survey.items or []]
    return score((answers or {} for answers in session.scalars(query)), keys)


def counts_of(session: Session, survey: Survey) -> dict[str, int]:
    """Distributed and returned questionnaires (the recovery rate, R-SV-4)."""
    rows = dict(session.execute(
        select(SurveyForm.state, func.count()).where(SurveyForm.survey_id == survey.id)
        .group_by(SurveyForm.state)).all())
    distributed = sum(rows.values())
    return {"distributed": distributed, "returned": rows.get("returned", 0)}


def recovery(session: Session, survey: Survey) -> dict[str, Any]:
    """Returned ÷ distributed against the target (75 %, ISO 60 %, settings)."""
    counts = counts_of(session, survey)
    target = setting(session, RECOVERY_TARGET.get(survey.preset, RECOVERY_TARGET["default"]))
    rate = (Decimal(counts["returned"]) / counts["distributed"]
            if counts["distributed"] else None)
    return {**counts, "rate": rate, "target": target / 100,
            "reached": rate is not None and rate * 100 >= target}


def _summary(result: SurveyResult, threshold: Decimal) -> dict[str, Any]:
    """A scored result as stored in `Survey.results` (rates as exact decimal text)."""
    return {"questionnaires": result.questionnaires, "invalid": result.invalid,
            "overall": str(result.overall) if result.overall is not None else None,
            "qualified": result.qualified(threshold),
            "items": [{"key": i.item, "satisfied": i.satisfied,
                       "unsatisfied": i.unsatisfied, "no_answer": i.no_answer,
                       "rate": str(i.rate) if i.rate is not None else None}
                      for i in result.items]}


def _store_results(survey: Survey, ctx: Context) -> None:
    """Scoring (R-SV-5): overall and per-item rates, for the survey, per estate and rolled
    up per office, branch and company (R-SV-5, R-SV-7), each scored over raw answers."""
    session = ctx.session
    whole = result_of(session, survey)
    threshold = setting(session, "survey.qualified_percent")
    estates = {str(link.estate_id): _summary(result_of(session, survey, link.estate_id),
                                             threshold)
               for link in session.scalars(select(SurveyEstate)
                                           .where(SurveyEstate.survey_id == survey.id))}
    survey.results = {**_summary(whole, threshold), **counts_of(session, survey),
                      "estates": estates, "threshold": str(threshold),
                      "rollups": rollups_of(session, survey, threshold)}
    survey.overall_rate = survey.results["overall"]


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def _latest_per_office(session: Session, survey: Survey,
                       include_self: bool) -> dict[int, int]:
    """office id -> id of its latest scored survey of `survey`'s year (R-SV-7). A range on
    period_start (not a function of it), so the query can use an index; with
    `include_self` this survey stands for its office (it is being scored)."""
    start, end = _year_range(survey.period_start.year)
    latest = dict(session.execute(
        select(Survey.office_id, func.max(Survey.id))
        .where(Survey.state.in_(SCORED), Survey.overall_rate.isnot(None),
               Survey.period_start >= start, Survey.period_start < end)
        .group_by(Survey.office_id)).all())
    if include_self:
        latest[survey.office_id] = survey.id
    return latest


def _compared(session: Session, survey: Survey, include_self: bool
              ) -> tuple[list[Any], dict[int, list[Mapping[str, str]]]]:
    """The offices of the survey's company with a scored survey this year, and the raw
    answers of those surveys by office: two queries whatever the number of offices."""
    latest = _latest_per_office(session, survey, include_self)
    company_id = session.scalar(select(OrgBranch.company_id).join(Office)
                                .where(Office.id == survey.office_id))
    offices = session.execute(
        select(Office.id, Office.name, OrgBranch.id, OrgBranch.name, Survey.id, Survey.number,
               Survey.period_start)
        .join(OrgBranch, OrgBranch.id == Office.branch_id)
        .join(Survey, Survey.office_id == Office.id)
        .where(Survey.id.in_(list(latest.values())), OrgBranch.company_id == company_id)
        .order_by(OrgBranch.name, Office.name)).all()
    answers: dict[int, list[Mapping[str, str]]] = defaultdict(list)
    for office_id, given in session.execute(
            select(Survey.office_id, SurveyForm.answers)
            .join(Survey, Survey.id == SurveyForm.survey_id)
            .where(SurveyForm.survey_id.in_([row[4] for row in offices]),
                   SurveyForm.state == "returned")):
        answers[office_id].append(given or {})
    return offices, answers


def _score_over(answers: Iterable[Mapping[str, str]], keys: list[str]) -> SurveyResult:
    """R-SV-5 over raw answers of several surveys, on `keys` (this survey's items): an
    item another survey did not ask counts as not answered there."""
    return score(({k: given.get(k) for k in keys if k in given} for given in answers), keys)


def rollups_of(session: Session, survey: Survey, threshold: Decimal) -> dict[str, Any]:
    """R-SV-5 rolled up (stored at close): the survey's office, its branch and the whole
    company, each scored over the raw answers of the latest scored survey of every office
    in it this year (this survey for its own office), never by averaging rates."""
    keys = [item["key"] for item in survey.items or []]
    offices, answers = _compared(session, survey, include_self=True)
    mine = next((row for row in offices if row[0] == survey.office_id), None)
    if mine is None or not keys:
        return {}

    def level(rows: list[Any], name: str) -> dict[str, Any]:
        given = [a for row in rows for a in answers.get(row[0], [])]
        return {"name": name, "surveys": len(rows),
                **_summary(_score_over(given, keys), threshold)}

    branch = [row for row in offices if row[2] == mine[2]]
    company = session.scalar(select(Company.name).join(OrgBranch)
                             .where(OrgBranch.id == mine[2]))
    return {"office": level([mine], mine[1]), "branch": level(branch, mine[3]),
            "company": level(offices, company or "")}


def _has_returns(survey: Survey, ctx: Context) -> str | None:
    if counts_of(ctx.session, survey)["returned"] == 0:
        return _("No questionnaire has been returned yet.")
    return None


def _stamp_approver(survey: Survey, ctx: Context) -> None:
    survey.approved_by_id = ctx.actor.user_id


# --- answers: paper forms typed in, or the resident online ---------------------------------

class AnswerError(WorkflowError):
    status = 400


def record_answers(form: SurveyForm, answers: Mapping[str, str], *, channel: str,
                   session: Session, actor: Actor | None, now: datetime,
                   feedback: str | None = None) -> SurveyForm:
    """Store one household's answers (R-SV-4): only while the survey collects, only once,
    every item answered with a known code (no answer is a code of its own). Never
    commits."""
    survey = form.survey
    if survey.state != "collecting":
        raise AnswerError(_("This survey is not collecting answers."))
    if form.state == "returned":
        raise AnswerError(_("This questionnaire has already been answered."))
    keys = [item["key"] for item in survey.items or []]
    unknown = set(answers) - set(keys)
    bad = [k for k in keys if answers.get(k, NO_ANSWER) not in ANSWERS]
    if unknown or bad:
        raise AnswerError(_("Every item needs one of the answers offered."),
                          {k: _("Choose an answer.") for k in [*bad, *sorted(unknown)]})
    form.answers = {k: answers.get(k, NO_ANSWER) for k in keys}
    form.feedback = (feedback or "").strip() or None
    form.channel, form.state, form.returned_at = channel, "returned", now
    form.entered_by_id = actor.user_id if actor is not None else None
    session.flush()
    return form


def collection_due(session: Session, survey: Survey) -> datetime | None:
    """End of the collection window: the collection deadline as armed (R-SV-4)."""
    return session.scalar(
        select(DeadlineTimer.due_at).join(DeadlinePolicy)
        .where(DeadlineTimer.doc_type == "survey", DeadlineTimer.doc_id == survey.id,
               DeadlinePolicy.key == "survey.collection")
        .order_by(DeadlineTimer.started_at.desc()).limit(1))


def form_by_code(session: Session, code: str, now: datetime) -> tuple[SurveyForm | None, str]:
    """The questionnaire a resident's code opens, and whether it can be answered now:
    "open", "answered" (single use), "closed" (not collecting, or past the collection
    window) or "unknown". A code opens its own household's copy and nothing else."""
    code = (code or "").strip().upper()
    form = session.scalar(select(SurveyForm).where(SurveyForm.code == code)) \
        if 0 < len(code) <= 16 else None
    if form is None:
        return None, "unknown"
    if form.state == "returned":
        return form, "answered"
    due = collection_due(session, form.survey)
    if form.survey.state != "collecting" or (due is not None and now > due):
        return form, "closed"
    return form, "open"


def entry_counts(session: Session, survey: Survey) -> dict[str, int]:
    """What the person typing in paper forms sees: how many are in, of how many."""
    return counts_of(session, survey)


def entry_form(session: Session, survey: Survey, code: str) -> SurveyForm:
    """The questionnaire of *this* survey a typed code names (R-SV-4, paper entry)."""
    code = (code or "").strip().upper()
    form = session.scalar(select(SurveyForm).where(SurveyForm.code == code,
                                                   SurveyForm.survey_id == survey.id)) \
        if 0 < len(code) <= 16 else None
    if form is None:
        raise AnswerError(_("No questionnaire of this survey has the code %(code)s.",
                            code=code or "—"), {"code": _("Unknown code.")})
    return form


def recent_entries(session: Session, survey: Survey, limit: int = 10) -> list[SurveyForm]:
    """The last questionnaires returned, newest first: a check on what was just typed."""
    return list(session.scalars(
        select(SurveyForm).where(SurveyForm.survey_id == survey.id,
                                 SurveyForm.state == "returned")
        .order_by(SurveyForm.returned_at.desc(), SurveyForm.id.desc()).limit(limit)))


def estates_summary(session: Session, survey: Survey) -> list[dict[str, Any]]:
    """Per estate: sampled, returned, the sample size's basis (for the survey page)."""
    returned = defaultdict(int, session.execute(
        select(SurveyForm.estate_id, func.count())
        .where(SurveyForm.survey_id == survey.id, SurveyForm.state == "returned")
        .group_by(SurveyForm.estate_id)).all())
    rows = []
    for link in session.scalars(select(SurveyEstate).join(Estate)
                                .where(SurveyEstate.survey_id == survey.id)
                                .order_by(Estate.name)):
        rows.append({"estate": link.estate, "estate_id": link.estate_id,
                     "households": link.households,
                     "occupied": link.occupied_units, "required": link.required,
                     "sampled": link.sampled, "returned": returned[link.estate_id]})
    return rows


def seed_questionnaire(session: Session) -> int:
    """The default questionnaire of R-SV-6, when none exists; admins edit it afterwards."""
    if session.scalar(select(func.count()).select_from(Questionnaire)):
        return 0
    session.add(Questionnaire(name="顾客满意度调查表", version=1,
                              items=[dict(item) for item in DEFAULT_ITEMS]))
    session.flush()
    return 1


SCORED = ("scoring", "reported", "closed")


def report_of(session: Session, survey: Survey, locale: str) -> dict[str, Any]:
    """What the report shows (R-SV-7) once the collection is closed: item rates, estates
    compared, the trend against the office's earlier surveys, the latest scored survey of
    every office and every branch in the same year (scored over their raw answers), and
    the residents' comments."""
    results = survey.results or {}

    def rate(value: str | None) -> Decimal | None:
        return Decimal(value) if value is not None else None

    threshold = Decimal(results.get("threshold", "96"))
    labels = {item["key"]: item_label(item, locale) for item in survey.items or []}
    keys = [item["key"] for item in survey.items or []]
    estates = dict(session.execute(select(Estate.id, Estate.name).where(
        Estate.id.in_([int(k) for k in results.get("estates", {})]))).all())
    earlier = session.execute(
        select(Survey.number, Survey.period_start, Survey.overall_rate)
        .where(Survey.office_id == survey.office_id, Survey.state.in_(SCORED),
               Survey.overall_rate.isnot(None), Survey.period_start <= survey.period_start)
        .order_by(Survey.period_start.desc(), Survey.id.desc()).limit(6)).all()
    offices, answers = _compared(session, survey, include_self=False) if keys else ([], {})
    office_rows, branch_rows = [], {}
    for office_id, office, branch_id, branch, _id, number, start in offices:
        result = _score_over(answers.get(office_id, []), keys)
        office_rows.append({"office": office, "branch": branch, "number": number,
                            "period_start": start, "questionnaires": result.questionnaires,
                            "overall": result.overall, "qualified": result.qualified(threshold)})
        branch_rows.setdefault(branch_id, {"branch": branch, "offices": 0, "answers": []})
        branch_rows[branch_id]["offices"] += 1
        branch_rows[branch_id]["answers"].extend(answers.get(office_id, []))
    branches = []
    for row in branch_rows.values():
        result = _score_over(row.pop("answers"), keys)
        branches.append({**row, "questionnaires": result.questionnaires,
                         "overall": result.overall, "qualified": result.qualified(threshold)})
    comments = select(SurveyForm).where(SurveyForm.survey_id == survey.id,
                                        SurveyForm.feedback.isnot(None))
    return {
        "items": [(labels.get(i["key"], i["key"]), rate(i["rate"]))
                  for i in results.get("items", [])],
        "estates": [(estates.get(int(k), k), rate(v.get("overall")))
                    for k, v in results.get("estates", {}).items()],
        "trend": [(f"{start:%Y-%m}", rate(overall))
                  for _number, start, overall in reversed(earlier)],
        "offices": [(row["office"], row["overall"]) for row in office_rows],
        "office_rows": office_rows, "branch_rows": branches,
        "comments": session.scalars(comments.order_by(SurveyForm.returned_at).limit(50)).all(),
        "comment_count": session.scalar(select(func.count()).select_from(comments.subquery())),
        "threshold": threshold / 100,
    }


REPORT_COMMENTS = 20  # comments printed in the report; the count says how many there are


def report_values(survey: Survey) -> dict[str, Any]:
    """Template values of the printed report (R-SV-7, PrintForm.extra): the statistics
    table's counts and rates (`statistics_values`), the report's comparisons and comments
    (`report_of`) with its charts as inline SVG. The charts' labels are in the sheet's
    first language, which only the template knows: it calls `report_in(language)`. No
    rates before the collection is closed (R-SV-10): `report_in` gives None then."""
    session = object_session(survey)
    scored = survey.state in SCORED and bool(survey.results)

    def report_in(locale: str) -> dict[str, Any] | None:
        if not scored:
            return None
        report = report_of(session, survey, locale)
        return {**report, "charts": report_charts(report),
                "comments": report["comments"][:REPORT_COMMENTS]}

    return {**statistics_values(survey), "report_in": report_in, "scored": scored,
            "percent": percent, "survey_kinds": SURVEY_KINDS, "survey_methods": METHODS}


# --- the questionnaire's items (R-SV-6) ------------------------------------------------

ITEM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ITEM_LANGUAGES = ("zh_Hans", "zh_Hant", "en")
MAX_ITEMS = 40


def parse_items(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """The item rows the quality officer typed, as a questionnaire's items (R-SV-6):
    rows marked for removal and wholly blank rows are dropped, the rest sorted by their
    order number (ties keep the rows' order). Every key is unique, lowercase letters,
    digits and _ (it names the answer in stored answers and on the resident's page);
    every label is given in the three languages; at least one item. Raises InvalidData
    with an error per field (`<row>-<field>`, rows numbered from 0 as posted)."""
    errors: dict[str, str] = {}
    kept: list[tuple[int, int, dict[str, str]]] = []
    for index, row in enumerate(rows):
        values = {f: (row.get(f) or "").strip() for f in ("key", *ITEM_LANGUAGES, "order")}
        if row.get("remove") or not any(values[f] for f in ("key", *ITEM_LANGUAGES)):
            continue
        if not ITEM_KEY.match(values["key"]):
            errors[f"{index}-key"] = _("A key is 1 to 40 lowercase letters, digits or _, "
                                       "starting with a letter.")
        for lang in ITEM_LANGUAGES:
            if not values[lang]:
                errors[f"{index}-{lang}"] = _("Required.")
            elif len(values[lang]) > 200:
                errors[f"{index}-{lang}"] = _("At most 200 characters.")
        order = values["order"] or str(index + 1)
        if not order.isdigit() or int(order) > 9999:
            errors[f"{index}-order"] = _("A whole number from 0 to 9999.")
            order = str(index + 1)
        kept.append((int(order), index, {"key": values["key"],
                                         **{lang: values[lang] for lang in ITEM_LANGUAGES}}))
    seen: dict[str, int] = {}
    for _order, index, item in kept:
        if item["key"] in seen and f"{index}-key" not in errors:
            errors[f"{index}-key"] = _("This key is used by another item.")
        seen.setdefault(item["key"], index)
    if not kept:
        raise InvalidData(_("A questionnaire needs at least one item."),
                          {"__all__": _("A questionnaire needs at least one item.")})
    if len(kept) > MAX_ITEMS:
        raise InvalidData(_("A questionnaire has at most %(n)d items.", n=MAX_ITEMS),
                          {"__all__": _("A questionnaire has at most %(n)d items.",
                                        n=MAX_ITEMS)})
    if errors:
        raise InvalidData(_("Please correct the items marked below."), errors)
    return [item for _order, _index, item in sorted(kept, key=lambda k: (k[0], k[1]))]


def save_items(session: Session, questionnaire: Questionnaire,
               rows: Iterable[Mapping[str, str]], seen_version: Any) -> Questionnaire:
    """Replace the items and bump the version (R-SV-6); running surveys keep the copy
    they were approved with (`_snapshot_questionnaire`). `seen_version` is the version
    the editor was opened on: someone else's save in between is refused, not
    overwritten. Never commits."""
    if str(seen_version or "") != str(questionnaire.version):
        raise StaleVersion(_("Someone else changed this questionnaire in the meantime; "
                             "reload it and make your changes again."))
    items = parse_items(rows)
    if items != list(questionnaire.items or []):
        questionnaire.items = items
        questionnaire.version = (questionnaire.version or 0) + 1
    session.flush()
    return questionnaire


def warn_uncovered_estates(session: Session, now: datetime) -> int:
    """R-SV-1: a survey must cover every estate's year before the end of December. From
    the check day of December on, the office director of an estate no survey of the year
    covers hears of it, once a year per estate. Runs on the minute tick; outside those
    days it asks nothing of the database."""
    if now.month != 12 or now.day < int(setting(session, "survey.year_check_day")):
        return 0
    year = now.year
    covered = (select(SurveyEstate.estate_id).join(Survey, Survey.id == SurveyEstate.survey_id)
               .where(Survey.state != "cancelled", extract("year", Survey.period_start) <= year,
                      extract("year", Survey.period_end) >= year))
    warned = (select(Notification.doc_id)
              .where(Notification.kind == "survey_missing", Notification.doc_type == "estate",
                     Notification.level == year))
    added = 0
    for estate in session.scalars(select(Estate).where(Estate.id.not_in(covered),
                                                       Estate.id.not_in(warned))):
        directors = staffing.directing_office(session, (P.ROLE_OFFICE_DIRECTOR,),
                                              estate.office_id)
        for user_id in directors:
            session.add(Notification(user_id=user_id, kind="survey_missing", level=year,
                                     doc_type="estate", doc_id=estate.id, at=now))
        added += 1 if directors else 0
    session.flush()
    return added


# --- the table -----------------------------------------------------------------------------

def _prepare(survey: Survey, actor: Actor, session: Session, now: datetime) -> None:
    """Who drafted the plan; the period must run forwards."""
    survey.drafted_by_id = survey.drafted_by_id or actor.user_id
    if survey.period_start and survey.period_end and survey.period_end < survey.period_start:
        raise InvalidData(_("The period ends before it starts."),
                          {"period_end": _("The period ends before it starts.")})



def _iso(survey: Survey, ctx: Context) -> bool:
    return survey.preset == "iso"


SURVEY = Workflow(
    doc_type="survey", resource=P.SURVEY, states=STATES, initial="draft",
    number_prefix="SV", final=("closed", "cancelled"), prepare=_prepare,
    transitions=(
        Transition("submit", _l("Submit the plan"), ("draft",),
                   (Branch("submitted", _iso), Branch("awaiting_approval")), DRAFTERS,
                   guards=(_has_estates,), set_now=("submitted_at",), icon="fa-send"),
        Transition("review", _l("Reviewed"), ("submitted",), "awaiting_approval", REVIEWERS,
                   set_now=("reviewed_at",), icon="fa-check"),
        Transition("approve", _l("Approve the plan"), ("awaiting_approval",), "approved",
                   APPROVERS, set_now=("approved_at",),
                   effects=(_snapshot_questionnaire, _stamp_approver), icon="fa-check-circle"),
        Transition("return", _l("Return for changes"), ("submitted", "awaiting_approval"),
                   "draft", (*REVIEWERS, *APPROVERS), comment_required=True, icon="fa-undo"),
        Transition("receive_forms", _l("Forms received: draw the sample"), ("approved",),
                   "sampled", RUNNERS, set_now=("forms_received_at",), effects=(draw,),
                   arms=(Arm("survey.distribution", start="forms_received_at"),),
                   icon="fa-random"),
        Transition("distribute", _l("Questionnaires distributed"), ("sampled",), "collecting",
                   RUNNERS, set_now=("distributed_at",), meets=("survey.distribution",),
                   arms=(Arm("survey.collection", start="distributed_at"),),
                   icon="fa-envelope"),
        Transition("close_collection", _l("Close the collection"), ("collecting",), "scoring",
                   RUNNERS, guards=(_has_returns,), set_now=("collection_closed_at",),
                   effects=(_store_results,), meets=("survey.collection",),
                   arms=(Arm("survey.scoring", start="collection_closed_at"),
                         Arm("survey.report", start="collection_closed_at")),
                   icon="fa-inbox"),
        Transition("publish", _l("Publish the report"), ("scoring",), "reported", RUNNERS,
                   fields=(Field("analysis", _l("Analysis"), "textarea"),
                           Field("improvements", _l("Improvements"), "textarea")),
                   set_now=("reported_at", "scored_at"),
                   meets=("survey.scoring", "survey.report"), icon="fa-bar-chart"),
        Transition("close", _l("Close"), ("reported",), "closed", RUNNERS,
                   set_now=("closed_at",), icon="fa-archive"),
        Transition("cancel", _l("Cancel the survey"), ("draft", "submitted", "awaiting_approval"),
                   "cancelled", (*DRAFTERS, *REVIEWERS), comment_required=True,
                   icon="fa-times"),
    ),
)


DOCUMENT = declare(DocumentType(
    workflow=SURVEY, model=Survey, label=_l("Satisfaction survey"),
    view="app.views.survey:SurveyView", api="app.views.survey:SurveyApi",
    menu=Menu("Satisfaction surveys", _l("Satisfaction surveys"), "fa-smile-o",
              P.MENU_SERVICE, _l("Customer service"), order=60),
    grants={P.ROLE_CS_SUPERVISOR: (P.READ, P.CREATE, P.EDIT, P.EXPORT, P.PRINT,
                                   P.ENTER_ANSWERS[0]),
            P.ROLE_QUALITY_OFFICER: (P.READ, P.CREATE, P.EDIT, P.EXPORT, P.PRINT,
                                     P.ENTER_ANSWERS[0]),
            P.ROLE_OFFICE_DIRECTOR: (P.READ, P.PRINT)},
    policies=(
        Policy("survey.distribution", N_("Distribution of survey questionnaires"),
               "R-SV-3", 3, "calendar_days", 0.67, TO_DIRECTOR_AND_GM, 1440),
        Policy("survey.collection", N_("Collection of survey questionnaires"),
               "R-SV-4", 10, "calendar_days", 0.7, TO_DIRECTOR_AND_GM, 1440),
        Policy("survey.scoring", N_("Scoring of a survey"),
               "R-SV-5", 3, "calendar_days", 0.67, TO_DIRECTOR_AND_GM, 1440),
        Policy("survey.report", N_("Survey results posted"),
               "R-SV-7", 30, "calendar_days", 0.8, TO_GM, 1440),
    ),
    pages=(
        # The sample list: one questionnaire per sampled household (R-SV-3).
        Page("app.views.survey:SurveyFormView",
             Menu("Survey questionnaires", _l("Survey questionnaires"), "fa-list-ol",
                  P.MENU_SERVICE, _l("Customer service"), order=61),
             opens=(P.READ, P.SURVEY)),
        # The items residents rate (R-SV-6): company data the quality officer keeps.
        Page("app.views.survey:QuestionnaireView",
             Menu("Questionnaires", _l("Questionnaires"), "fa-question-circle",
                  P.MENU_ADMIN, _l("Administration")),
             opens=(P.READ, P.QUESTIONNAIRE),
             grants={P.ROLE_QUALITY_OFFICER: ((P.READ, P.QUESTIONNAIRE),
                                              (P.CREATE, P.QUESTIONNAIRE),
                                              (P.EDIT, P.QUESTIONNAIRE)),
                     P.ROLE_CS_SUPERVISOR: ((P.READ, P.QUESTIONNAIRE),)}),
    ),
    print_forms=(
        PrintForm("survey_questionnaires", N_("Customer satisfaction questionnaire"),
                  "print/survey_questionnaires.html", "R-SV-3, R-SV-4, R-SV-6",
                  extra=questionnaire_values, options=("estate",), background=True,
                  check=check_estate_option),
        # The sample list (R-SV-3): who gets a questionnaire, and who returned it.
        PrintForm("survey_sample", N_("Survey sample list"), "print/survey_sample.html",
                  "R-SV-3, R-SV-4", extra=sample_values, options=("estate",),
                  background=True, check=check_estate_option),
        # The statistics and the report add up every estate's questionnaires (the report
        # also the past surveys it compares, with charts): printed by the background
        # workers too, never in a web worker.
        PrintForm("survey_statistics", N_("Customer satisfaction statistics"),
                  "print/survey_statistics.html", "R-SV-4, R-SV-5",
                  extra=statistics_values, background=True),
        PrintForm("survey_report", N_("Customer satisfaction survey report"),
                  "print/survey_report.html", "R-SV-5, R-SV-7", extra=report_values,
                  background=True),
    ),
    public_pages=("app.views.survey_answer:SurveyAnswerView",),
    periodic_jobs=(warn_uncovered_estates,),
    seeds=(seed_questionnaire,),
))
