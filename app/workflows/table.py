"""The vocabulary of a workflow table: what a document type declares, nothing that runs.

A type module (app/workflows/work_order.py…) writes its states and transitions with these
classes; the registry stores them and the engine (app/workflows/engine.py) runs them. Kept
apart from the engine so that declarations, the registry, diagrams and role grants can be
read without loading the machinery that applies them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

if TYPE_CHECKING:  # type hints only: the actor and the session come with each call
    from sqlalchemy.orm import Session

    from app.security.actor import Actor


@dataclass(frozen=True)
class Field:
    """A value the person fills in when taking a transition.

    `attr` (default: the field name) is the document attribute it is stored on; None keeps
    it only in the history row's data. For `choice`, `choices` maps codes to labels; for
    `user`, `choices` is a callable (doc, session) -> {user_id: label} of allowed people.
    """

    name: str
    label: Any
    kind: str = "text"
    required: bool = True
    choices: Any = None
    attr: str | None = "__same__"
    minimum: Decimal | None = None
    must_be_true: bool = False
    future: bool = False
    description: Any = None

    @property
    def target_attr(self) -> str | None:
        return self.name if self.attr == "__same__" else self.attr


@dataclass(frozen=True)
class Arm:
    """Arm the deadline `policy` when the transition happens. The clock starts at the
    document attribute `start` (e.g. the reported time, an appointment) or at the
    transition's time; `handler` names the attribute holding the responsible user."""

    policy: str
    start: str | None = None
    handler: str | None = None
    when: Callable[[Any], bool] | None = None
    due: str | None = None  # attribute holding a deadline agreed with the customer


Guard = Callable[[Any, "Context"], "str | None"]
Effect = Callable[[Any, "Context"], None]


@dataclass(frozen=True)
class Branch:
    """One possible target of a transition whose outcome depends on the document, e.g. a
    claim submitted goes to review, to approval or to the developer depending on its
    route. Branches are tried in order after the effects ran; `when` None always matches;
    `target` None keeps the state."""

    target: str | None
    when: Callable[[Any, "Context"], bool] | None = None


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    sources: tuple[str, ...]
    # A state; None: the state stays (e.g. issue an invoice on a paid order); or Branches
    # when the document decides (the first that matches wins).
    target: "str | None | tuple[Branch, ...]"
    roles: tuple[str, ...]
    fields: tuple[Field, ...] = ()
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    arms: tuple[Arm, ...] = ()
    meets: tuple[str, ...] = ()  # deadline policies fulfilled by this transition
    cancels: tuple[str, ...] = ()  # deadline policies no longer relevant
    comment_required: bool = False
    icon: str = "fa-arrow-right"
    set_now: tuple[str, ...] = ()  # document attributes stamped with the transition time
    set_actor: tuple[str, ...] = ()  # document attributes set to the acting user's id

    @property
    def permission(self) -> str:
        return f"can_{self.name}"


@dataclass(frozen=True)
class Workflow:
    doc_type: str
    resource: str  # FAB permission resource (class_permission_name of views and API)
    states: Mapping[str, Any]  # code -> translated label
    initial: str
    transitions: tuple[Transition, ...]
    final: tuple[str, ...] = ()
    on_create: tuple[Arm, ...] = ()  # deadlines armed when the document is registered
    number_prefix: str | None = None  # form numbers such as WO-2026-000123
    # Fills and checks a new document before it is saved (who registered it, defaults);
    # raises InvalidData with per-field messages. Called as prepare(doc, actor, session, now).
    prepare: Callable[..., None] | None = None
    handler_attr: str | None = None  # the user the document is with ("My work")
    # Runs after registration in the same transaction, e.g. collective detection (R-CP-4 e).
    after_create: Callable[..., None] | None = None

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        assert len(names) == len(set(names)), f"duplicate transition in {self.doc_type}"
        for t in self.transitions:
            targets = [b.target for b in t.target] if isinstance(t.target, tuple) \
                else [t.target]
            for state in (*t.sources, *targets):
                assert state is None or state in self.states, f"{t.name}: unknown {state}"

    def get(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def state_label(self, state: str | None) -> str:
        return str(self.states.get(state, state or ""))


@dataclass
class Context:
    """What guards and effects see: who acts, when, the cleaned field values."""

    actor: Actor
    session: Session
    now: datetime
    data: dict[str, Any]
    comment: str | None
    transition: Transition
    workflow: Workflow


def transition_grants(workflows: Iterable[Workflow]) -> dict[str, set[tuple[str, str]]]:
    """Role name -> transition permissions its declarations grant by default."""
    grants: dict[str, set[tuple[str, str]]] = {}
    for workflow in workflows:
        for t in workflow.transitions:
            for role in t.roles:
                grants.setdefault(role, set()).add((t.permission, workflow.resource))
    return grants

