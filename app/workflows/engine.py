"""The one workflow engine every document type runs on.

A document type declares its workflow as a table (see app/workflows/work_order.py): states,
and transitions with their sources, target, the roles allowed by default, the fields the
person must fill in, guards, effects and the deadlines armed, met or cancelled. This module
runs such a table and nothing else:

* deny by default: a transition not declared for the current state, a user without the
  transition's permission (`can_<name>` on the document's resource, grantable per role in
  Security → List Roles), or a document outside the user's scope is refused;
* one `apply` path checks permission, scope, state, the version the user saw, the fields
  and the guards, then changes the state, runs effects, moves deadlines and writes one
  WorkflowHistory row, all in one database transaction;
* views and the REST API only call `apply` / `available`; they never set a state.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.interfaces import MANYTOONE

from app.models.base import local_now
from app.models.calendar import AdminAlert
from app.models.workflow import WorkflowHistory
from app.security import bounds
from app.security.actor import Actor
from app.security.scope import is_in_scope
from app.workflows import deadlines
from app.workflows.calendar import ALERT_UNKNOWN_YEAR, CalendarUnknownYear
from app.workflows.numbering import allocate_number
from app.workflows.registry import workflow_of
from app.workflows.table import Context, Field, Transition, Workflow

# --- errors: each carries the HTTP status views and the API answer with ----------------

class WorkflowError(Exception):
    status = 400

    def __init__(self, message: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class NotFound(WorkflowError):
    """Unknown transition, or a document outside the actor's scope (never say which)."""
    status = 404


class Denied(WorkflowError):
    status = 403


class WrongState(WorkflowError):
    status = 409


class StaleVersion(WorkflowError):
    status = 409


class InvalidData(WorkflowError):
    status = 400


class GuardFailed(WorkflowError):
    status = 400


class CalendarMissing(WorkflowError):
    status = 409


# --- declarations ----------------------------------------------------------------------


# --- field cleaning --------------------------------------------------------------------

def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    text = str(value).strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text[:19] if fmt.endswith("%S") else text[:16], fmt)
        except ValueError:
            continue
    raise ValueError(text)


def field_choices(spec: Field, doc: Any, session: Session) -> dict:
    if callable(spec.choices):
        return spec.choices(doc, session)
    return dict(spec.choices or {})


def clean_fields(transition: Transition, doc: Any, raw: Mapping[str, Any],
                 session: Session, now: datetime) -> dict[str, Any]:
    """Typed, validated values of the transition's fields, or InvalidData listing every
    problem (the form shows them next to the person's input, which is kept)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in transition.fields:
        value = raw.get(spec.name)
        if isinstance(value, str):
            value = value.strip()
        empty = value is None or value == "" or (spec.kind == "bool" and value in (False,))
        if spec.kind == "bool":
            value = value in (True, "y", "yes", "on", "true", "1", 1)
            if spec.must_be_true and not value:
                errors[spec.name] = _("This must be confirmed.")
            clean[spec.name] = value
            continue
        if empty:
            if spec.required:
                errors[spec.name] = _("This field is required.")
            clean[spec.name] = None
            continue
        try:
            if spec.kind == "int":
                value = int(value)
            elif spec.kind == "decimal":
                value = Decimal(str(value))
                if not value.is_finite():
                    raise InvalidOperation
                if value.as_tuple().exponent < -2:
                    errors[spec.name] = _("At most two decimal places.")
                    continue
                value = value.quantize(Decimal("0.01"))
            elif spec.kind == "datetime":
                value = _parse_datetime(value)
            elif spec.kind == "date":
                value = value if isinstance(value, date) else date.fromisoformat(str(value))
            elif spec.kind in ("choice", "user"):
                allowed = field_choices(spec, doc, session)
                key = int(value) if spec.kind == "user" and str(value).isdigit() else value
                if key not in allowed:
                    errors[spec.name] = _("Not a valid choice.")
                    continue
                value = key
            elif spec.kind in ("text", "textarea"):
                value = str(value)
                limit = bounds.text_limit(session) if spec.kind == "textarea" else 200
                if len(value) > limit:
                    errors[spec.name] = _("At most %(n)d characters.", n=limit)
                    continue
        except (ValueError, TypeError, InvalidOperation):
            errors[spec.name] = {
                "int": _("Enter a whole number."),
                "decimal": _("Enter an amount such as 120.50."),
                "datetime": _("Enter a date and time such as 2026-10-08 14:30."),
                "date": _("Enter a date such as 2026-10-08."),
            }.get(spec.kind, _("Not a valid value."))
            continue
        if spec.kind in ("datetime", "date") and not bounds.earliest_year(session) <= value.year \
                <= now.year + bounds.FAR_AHEAD_YEARS:
            errors[spec.name] = _("Enter a date between %(a)d and %(b)d.",
                                  a=bounds.earliest_year(session),
                                  b=now.year + bounds.FAR_AHEAD_YEARS)
            continue
        if spec.minimum is not None and value < spec.minimum:
            errors[spec.name] = _("Must be at least %(min)s.", min=spec.minimum)
            continue
        if spec.future and value <= now:
            errors[spec.name] = _("Must be in the future.")
            continue
        clean[spec.name] = value
    if errors:
        raise InvalidData(_("Please correct the highlighted fields."), errors)
    return clean


# --- running ---------------------------------------------------------------------------

def _check_access(doc: Any, transition: Transition | None, workflow: Workflow,
                  actor: Actor) -> Transition:
    if transition is None:
        raise NotFound(_("No such action."))
    if not actor.is_system and not is_in_scope(doc, actor.scope):
        raise NotFound(_("Record not found."))
    if not actor.can(transition.permission, workflow.resource):
        raise Denied(_("You are not allowed to do this: %(action)s.",
                       action=transition.label))
    return transition


def can_act(workflow: Workflow, state: str, actor: Actor) -> bool:
    """Whether `actor` holds a transition out of `state` (queues: no scope query, the
    queue's own query is already scoped)."""
    return any(state in t.sources and actor.can(t.permission, workflow.resource)
               for t in workflow.transitions)


def available(doc: Any, actor: Actor) -> list[Transition]:
    """Transitions this actor may take on this document now (state and permission; guards
    that need the person's input are checked when they submit)."""
    workflow = workflow_of(doc)
    if not actor.is_system and not is_in_scope(doc, actor.scope):
        return []
    return [t for t in workflow.transitions
            if doc.state in t.sources and actor.can(t.permission, workflow.resource)]


def apply(doc: Any, name: str, data: Mapping[str, Any] | None = None, *, actor: Actor,
          session: Session, seen_version: int | None = None, comment: str | None = None,
          now: datetime | None = None) -> WorkflowHistory:
    """Take transition `name` on `doc`: the only way any document changes state. Never
    commits: the request, command or job that called it commits once at its end, or rolls
    back when this raises."""
    workflow = workflow_of(doc)
    transition = _check_access(doc, workflow.get(name), workflow, actor)
    now = now or local_now()
    if doc.state not in transition.sources:
        raise WrongState(_("This cannot be done now: the record is %(state)s.",
                           state=workflow.state_label(doc.state)))
    if seen_version is not None and int(seen_version) != doc.version:
        raise StaleVersion(_("Someone else changed this record after you opened it. "
                             "Reload it to see their changes, then try again."))
    comment = (comment or "").strip() or None
    if comment and len(comment) > bounds.text_limit(session):
        raise InvalidData(_("The comment is too long: at most %(n)d characters.",
                            n=bounds.text_limit(session)), {"comment": _("Too long.")})
    clean = clean_fields(transition, doc, data or {}, session, now)
    if transition.comment_required and not comment:
        raise InvalidData(_("Please give a reason."), {"comment": _("This field is required.")})
    context = Context(actor, session, now, clean, comment, transition, workflow)
    for guard in transition.guards:
        problem = guard(doc, context)
        if problem:
            raise GuardFailed(str(problem))

    try:
        history = _take(doc, transition, workflow, context, session, actor, now, comment,
                        clean)
    except StaleDataError:
        # Anywhere in the step (an effect's query flushes too): someone saved first.
        raise StaleVersion(_("Someone else changed this record after you opened it. "
                             "Reload it to see their changes, then try again.")) from None
    return history


def _take(doc: Any, transition: Transition, workflow: Workflow, context: "Context",
          session: Session, actor: Actor, now: datetime, comment: str | None,
          clean: dict[str, Any]) -> WorkflowHistory:
    """The writes of one transition, after every check passed."""

    from_state = doc.state
    for spec in transition.fields:
        if spec.target_attr and clean.get(spec.name) is not None:
            setattr(doc, spec.target_attr, clean[spec.name])
    for attr in transition.set_now:
        setattr(doc, attr, now)
    for attr in transition.set_actor:
        setattr(doc, attr, actor.user_id)
    targets = {spec.target_attr: spec for spec in transition.fields if spec.target_attr}
    out_of_bounds = bounds.problems(doc, {k: spec.label for k, spec in targets.items()}, now)
    if out_of_bounds:
        raise InvalidData(" ".join(out_of_bounds.values()),
                          {targets[k].name if k in targets else k: v
                           for k, v in out_of_bounds.items()})
    branching = isinstance(transition.target, tuple)
    if transition.target is not None and not branching:
        doc.state = transition.target
    for effect in transition.effects:
        effect(doc, context)
    if branching:
        branch = next((b for b in transition.target
                       if b.when is None or b.when(doc, context)), None)
        if branch is None:
            raise GuardFailed(_("This cannot be done now: the record is %(state)s.",
                                state=workflow.state_label(doc.state)))
        if branch.target is not None:
            doc.state = branch.target
    try:
        deadlines.on_transition(doc, transition, context)
    except CalendarUnknownYear as error:
        _calendar_missing(session, error)
    history = record_history(session, workflow, doc, transition.name, from_state, doc.state,
                             actor, now, comment, clean)
    session.flush()
    return history


def _calendar_missing(session: Session, error: "CalendarUnknownYear") -> None:
    """Nothing is guessed: undo the step, keep the admin alert, tell the person. The one
    place the engine ends a transaction: the step is rolled back and the alert committed
    in a transaction of its own, so that it survives the refusal."""
    session.rollback()
    AdminAlert.record(session, ALERT_UNKNOWN_YEAR, str(error))
    session.commit()
    raise CalendarMissing(_("The deadline falls in %(year)s, for which the working-day "
                            "calendar has no days yet. An administrator has been alerted; "
                            "please try again once the calendar is complete.",
                            year=error.year))


def create(doc: Any, *, actor: Actor, session: Session, now: datetime | None = None,
           comment: str | None = None, data: Mapping[str, Any] | None = None) -> Any:
    """Register a new document: initial state, the deadlines armed at registration and the
    first history row. Permission to create is the view's / API's. Never commits."""
    workflow = workflow_of(doc)
    now = now or local_now()
    _load_references(doc, session)
    _apply_defaults(doc)
    if workflow.prepare is not None:
        with session.no_autoflush:
            workflow.prepare(doc, actor, session, now)
    if workflow.number_prefix and not getattr(doc, "number", None):
        doc.number = allocate_number(session, workflow.number_prefix, now.year)
    doc.state = workflow.initial
    session.add(doc)
    session.flush()
    try:
        for spec in workflow.on_create:
            if spec.when is None or spec.when(doc):
                deadlines.arm_spec(session, doc, spec, now)
    except CalendarUnknownYear as error:
        _calendar_missing(session, error)
    record_history(session, workflow, doc, "create", None, workflow.initial, actor, now,
                   comment, data or {})
    session.flush()
    if workflow.after_create is not None:
        workflow.after_create(doc, actor, session, now)
        session.flush()
    return doc


def _apply_defaults(doc: Any) -> None:
    """Column defaults such as a source or a category, so that checks see what will be
    stored (SQLAlchemy applies them only at insert)."""
    for column in sa_inspect(type(doc)).columns:
        default = column.default
        if default is None or not default.is_scalar or column.key not in doc.__dict__ \
                and getattr(doc, column.key, None) is not None:
            continue
        if getattr(doc, column.key, None) is None:
            setattr(doc, column.key, default.arg)


def _load_references(doc: Any, session: Session) -> None:
    """A document built with foreign-key ids only (CLI, API, effects) gets the objects too,
    so registration checks read one kind of reference."""
    for rel in sa_inspect(type(doc)).relationships:
        if rel.direction is not MANYTOONE or getattr(doc, rel.key) is not None:
            continue
        columns = list(rel.local_columns)
        if len(columns) != 1:
            continue
        value = getattr(doc, columns[0].key, None)
        if value is not None:
            with session.no_autoflush:
                setattr(doc, rel.key, session.get(rel.mapper.class_, value))


def record_history(session: Session, workflow: Workflow, doc: Any, transition: str,
                   from_state: str | None, to_state: str, actor: Actor, now: datetime,
                   comment: str | None, data: Mapping[str, Any]) -> WorkflowHistory:
    if doc.id is None:
        session.flush()
    row = WorkflowHistory(doc_type=workflow.doc_type, doc_id=doc.id, transition=transition,
                          from_state=from_state, to_state=to_state, user_id=actor.user_id,
                          username=actor.username, at=now, comment=comment,
                          data={k: _jsonable(v) for k, v in data.items()})
    session.add(row)
    return row


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def history_of(doc: Any, session: Session) -> list[WorkflowHistory]:
    workflow = workflow_of(doc)
    return list(session.query(WorkflowHistory)
                .filter_by(doc_type=workflow.doc_type, doc_id=doc.id)
                .order_by(WorkflowHistory.at, WorkflowHistory.id))
