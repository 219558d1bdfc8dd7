"""Document types: one declaration each, from which the app builds everything else.

A document type (work order, complaint, claim, survey…) is declared once, beside its
transition table in `app/workflows/<type>.py`, as a `DocumentType`: its model, its workflow,
where it sits in the menu, which roles get which permissions on it by default, its deadline
policies with the defaults of RULES.md, its printed forms, whether it appears in the queues,
and the periodic jobs it needs. The app factory, `flask roles sync`, `flask sla seed`, the
queues, the print registry, the REST registration and the minute tick read these
declarations; no list elsewhere names a type. Adding a type is one new module here (and its
model and views), nothing else.

Modules of this package are discovered, not listed: `document_types()` imports every module
of `app.workflows` once, and each declaration registers itself on import.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy.orm import Session

from app.workflows.table import Workflow

# The key of `grants` meaning every built-in role (all staff read and print documents).
EVERY_ROLE = "*"

# Escalation chains of deadline policies, nearest first (RULES.md: R-WO-2, R-CP-5, R-CS-5).
TO_HANDLER_AND_UP = "handler,department_head,office_director,general_manager"
TO_HEAD_AND_UP = "department_head,office_director,general_manager"
TO_HEAD_AND_DIRECTOR = "department_head,office_director"
TO_DIRECTOR_AND_GM = "office_director,general_manager"
TO_GM = "general_manager"


def N_(message: str) -> str:
    """Marks an English message id for extraction; it is stored as is (deadline policy
    names live in the database) and translated where it is shown."""
    return message


@dataclass(frozen=True)
class Policy:
    """A deadline policy's default (RULES.md); seeded as data, then the admin's to change.
    `key@preset` names the same deadline under one of the alternative procedures."""

    key: str
    name: str  # English message id, marked with N_()
    rule: str
    amount: int
    unit: str  # minutes, hours, working_hours, calendar_days, working_days, end_of_day
    warn_share: float
    chain: str  # comma-separated escalation targets, nearest first
    step_minutes: int


@dataclass(frozen=True)
class Menu:
    """Where the type's list sits in the menu. `name` is the menu item's English name
    (FAB stores `menu_access` on it); `order` sorts the types' entries."""

    name: str
    label: Any
    icon: str
    category: str
    category_label: Any
    order: int = 100


@dataclass(frozen=True)
class Page:
    """A further page of a type (statistics, a sign-off, an approval queue, its settings):
    "module:Class", its menu entry and the permission that opens it. With `href` it is a
    page of its own linked from the menu; without, a list page registered with its menu.
    `grants` gives roles permissions on the page's own resource: role -> (action, resource)."""

    view: str
    menu: Menu
    opens: tuple[str, str]  # (action, resource): who may open it sees the menu entry
    href: str | None = None
    grants: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


def front_desk_menu(name: str, label: Any, icon: str, order: int) -> Menu:
    """An entry of the front desk's menu: the registers of the service centre and the gate
    (visitors, passes, permits, mail, subscriptions, telephone installation)."""
    from flask_babel import lazy_gettext

    from app.security.permissions import MENU_FRONT_DESK
    return Menu(name, label, icon, MENU_FRONT_DESK, lazy_gettext("Front desk"), order=order)


class PrintOptionRefused(ValueError):
    """A print option (PrintForm.options) the record cannot take; the message is
    translated and shown as the print's error (400)."""


@dataclass(frozen=True)
class PrintForm:
    """A paper form of the type (R-PR): an HTML template under app/templates/print/, its
    title and optional extra values computed from the record. The registry fills in the
    type and the endpoint of the record's detail page, which the QR code points to so that
    a paper copy can be verified."""

    key: str
    title: str  # English message id, marked with N_(), e.g. "Repair form"
    template: str  # e.g. "print/repair_form.html"
    rules: str = ""  # rule ids of RULES.md the form serves
    # Extra template values computed from the record (e.g. a deadline's due time).
    extra: Callable[..., Mapping[str, Any]] | None = field(default=None, compare=False)
    # Options of the request passed to `extra` as keywords when given (e.g. "estate": the
    # questionnaires of one estate of a survey); nothing else of the request reaches it.
    options: tuple[str, ...] = ()
    # A sheet per household or more (a survey's questionnaires), or sums over many records
    # (a survey's statistics and report): printed by the background workers as a job even
    # for one record, never in a web worker.
    background: bool = False
    # Checks the options against the record before a background job is started (raises
    # PrintOptionRefused), so that a wrong choice is refused at once, not by the job.
    check: Callable[..., None] | None = field(default=None, compare=False)
    doc_type: str = ""  # filled by the registry: the model's __workflow__
    endpoint: str = ""  # filled by the registry: detail page for the QR code


PeriodicJob = Callable[[Session, datetime], int]


@dataclass(frozen=True)
class DocumentType:
    """Everything the app needs to know about one document type."""

    workflow: Workflow
    model: type
    label: Any  # singular, in queues and notifications ("Work order")
    # "module:Class" of the pages and of the REST API (strings: views import workflows).
    view: str | None = None
    api: str | None = None
    menu: Menu | None = None
    # Role name (or EVERY_ROLE) -> actions on the type's resource, e.g. ("can_create",).
    # Transition permissions come from the workflow's own table.
    grants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    policies: tuple[Policy, ...] = ()
    print_forms: tuple[PrintForm, ...] = ()
    in_queues: bool = True
    periodic_jobs: tuple[PeriodicJob, ...] = ()
    pages: tuple[Page, ...] = ()
    # "module:Class" of pages that need no sign-in (a resident answering a questionnaire
    # by its code); registered without a menu entry, rate-limited per client address.
    public_pages: tuple[str, ...] = ()
    # Reference data the type needs, seeded by `flask sla seed` (e.g. approval rules);
    # each returns how many rows it added and keeps admin edits.
    seeds: tuple[Callable[[Session], int], ...] = ()

    @property
    def doc_type(self) -> str:
        return self.workflow.doc_type

    @property
    def resource(self) -> str:
        return self.workflow.resource

    @property
    def detail_endpoint(self) -> str:
        return f"{self.view.rsplit(':', 1)[-1]}.show" if self.view else ""


_TYPES: dict[str, DocumentType] = {}
_discovered = False


def declare(document: DocumentType) -> DocumentType:
    """Register a document type (called once, at import of its module)."""
    if getattr(document.model, "__workflow__", None) != document.doc_type:
        raise ValueError(f"{document.model.__name__}.__workflow__ must be "
                         f"{document.doc_type!r}")
    forms = tuple(replace(form, doc_type=document.doc_type,
                          endpoint=form.endpoint or document.detail_endpoint)
                  for form in document.print_forms)
    document = replace(document, print_forms=forms)
    document.model.workflow_table = document.workflow  # its state labels (DocumentMixin)
    _TYPES[document.doc_type] = document
    return document


def forget(doc_type: str) -> None:
    """Remove a type (tests that declare a toy type clean up after themselves)."""
    _TYPES.pop(doc_type, None)


def discover() -> None:
    """Import every module of this package once, so that every declaration has run."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    package = importlib.import_module("app.workflows")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"app.workflows.{module.name}")


def document_types() -> dict[str, DocumentType]:
    """doc_type -> declaration, in menu order."""
    discover()
    return dict(sorted(_TYPES.items(),
                       key=lambda kv: (kv[1].menu.order if kv[1].menu else 1000, kv[0])))


def document_type(doc_type: str) -> DocumentType:
    discover()
    return _TYPES[doc_type]


def registered() -> dict[str, Workflow]:
    """doc_type -> workflow table of every declared type."""
    return {doc_type: document.workflow for doc_type, document in document_types().items()}


def workflow_of(doc: Any) -> Workflow:
    """The workflow table a document runs on (its model's `__workflow__`)."""
    discover()
    return _TYPES[doc.__workflow__].workflow


def document_models() -> dict[str, type]:
    """doc_type -> model class of every declared type."""
    return {doc_type: document.model for doc_type, document in document_types().items()}


def resolve(dotted: str) -> Any:
    """The class named by "module:Class"."""
    module, _sep, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)


def all_policies() -> Iterable[tuple[str, Policy]]:
    """(doc_type, policy) of every declared deadline policy."""
    for doc_type, document in document_types().items():
        for policy in document.policies:
            yield doc_type, policy


def all_print_forms() -> dict[str, PrintForm]:
    return {form.key: form for document in document_types().values()
            for form in document.print_forms}


def role_grants() -> dict[str, set[tuple[str, str]]]:
    """Role name (or EVERY_ROLE) -> (action, resource) the declarations grant directly."""
    grants: dict[str, set[tuple[str, str]]] = {}
    for document in document_types().values():
        for role, actions in document.grants.items():
            grants.setdefault(role, set()).update((a, document.resource) for a in actions)
        for page in document.pages:
            for role, perms in page.grants.items():
                grants.setdefault(role, set()).update(perms)
    return grants


def menu_items() -> dict[str, tuple[tuple[str, str], str]]:
    """Menu name -> (permission that opens it, category) of every declared type and page."""
    items = {d.menu.name: (("can_read", d.resource), d.menu.category)
             for d in document_types().values() if d.menu is not None}
    for document in document_types().values():
        items.update({page.menu.name: (page.opens, page.menu.category)
                      for page in document.pages})
    return items
