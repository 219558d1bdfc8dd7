"""Workflow history, deadline timers, escalations, notifications and form counters:
the records of the generic engines every document type shares."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import object_session, relationship

from app.models.base import TimestampMixin, document_model, local_now
from app.models.org import Estate
from app.security.names import full_name

DURATION_UNITS = {
    "minutes": _l("Minutes"), "hours": _l("Hours"), "calendar_days": _l("Calendar days"),
    "working_days": _l("Working days"), "working_hours": _l("Working hours"),
    "end_of_day": _l("Days, to the end of the day"),
}
TIMER_STATUSES = {"armed": _l("Running"), "met": _l("Met"), "cancelled": _l("Cancelled")}
ESCALATION_LEVELS = {
    "handler": _l("Handler"), "department_head": _l("Department head"),
    "office_director": _l("Office director"), "general_manager": _l("General manager"),
}


class WorkflowHistory(Model):
    """One row per transition of any document (who, when, from, to, comment, data)."""

    __tablename__ = "workflow_history"
    __table_args__ = (Index("ix_workflow_history_doc", "doc_type", "doc_id"),)
    scope_global = True  # only ever read through its document, which is scoped

    id = Column(Integer, primary_key=True)
    doc_type = Column(String(40), nullable=False)
    doc_id = Column(Integer, nullable=False)
    transition = Column(String(60), nullable=False)
    from_state = Column(String(40), nullable=True)
    to_state = Column(String(40), nullable=False)
    user_id = Column(Integer, nullable=True)
    username = Column(String(256), nullable=False, default="system")
    at = Column(DateTime, nullable=False, default=local_now)
    comment = Column(Text, nullable=True)
    data = Column(JSON, nullable=False, default=dict)

    @property
    def by_name(self) -> str:
        """Who took the step as people know them (李晓燕, Anna Wong), not their login; the
        login when the account is gone, "The system" when no one did. Users of a page's rows come
        from the session's identity map after the first."""
        if self.user_id is None:
            # "system" is the login of no one: the reader's word for it (as the audit log).
            return gettext("The system") if self.username in ("", "system") else self.username
        session = object_session(self)
        user = session.get(User, self.user_id) if session is not None else None
        return (full_name(user) if user is not None else "") or self.username


class DeadlinePolicy(TimestampMixin, Model):
    """A deadline as data (RULES.md: every deadline is editable by admins).

    `key` is what workflow declarations arm and cancel; amount and unit say how long; the
    share says when to warn; the chain says who hears about a breach, one level per step.
    """

    __tablename__ = "deadline_policy"
    scope_global = True

    id = Column(Integer, primary_key=True)
    key = Column(String(60), nullable=False, unique=True)
    doc_type = Column(String(40), nullable=False)
    name = Column(String(200), nullable=False)
    rule = Column(String(40), nullable=True)  # e.g. R-WO-2
    amount = Column(Integer, nullable=False)
    unit = Column(String(20), nullable=False, default="minutes")
    warn_share = Column(Float, nullable=False, default=0.8)
    escalation_chain = Column(String(200), nullable=False,
                              default="department_head,office_director,general_manager")
    escalation_step_minutes = Column(Integer, nullable=False, default=60)
    active = Column(Boolean, nullable=False, default=True)

    @property
    def name_label(self) -> str:
        return gettext(self.name)

    @property
    def unit_label(self) -> str:
        return str(DURATION_UNITS.get(self.unit, self.unit))

    @property
    def chain(self) -> list[str]:
        return [c.strip() for c in (self.escalation_chain or "").split(",") if c.strip()]

    def __repr__(self) -> str:
        return f"{self.key} ({self.amount} {self.unit})"


class DeadlineTimer(Model):
    """One armed deadline of one document. `due_at` is computed once and stored."""

    __tablename__ = "deadline_timer"
    __table_args__ = (
        Index("ix_deadline_timer_due", "status", "next_check_at"),
        Index("ix_deadline_timer_doc", "doc_type", "doc_id"),
    )
    scope_global = True  # read through documents and queues, which are scoped

    id = Column(Integer, primary_key=True)
    policy_id = Column(Integer, ForeignKey("deadline_policy.id"), nullable=False, index=True)
    policy = relationship(DeadlinePolicy)
    doc_type = Column(String(40), nullable=False)
    doc_id = Column(Integer, nullable=False)
    estate_id = Column(Integer, ForeignKey("org_estate.id"), nullable=True, index=True)
    department_id = Column(Integer, ForeignKey("org_department.id"), nullable=True, index=True)
    handler_user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, index=True)
    started_at = Column(DateTime, nullable=False)
    due_at = Column(DateTime, nullable=False)
    warn_at = Column(DateTime, nullable=False)
    next_check_at = Column(DateTime, nullable=True)
    status = Column(String(12), nullable=False, default="armed")  # armed / met / cancelled
    warned_at = Column(DateTime, nullable=True)
    breached_at = Column(DateTime, nullable=True)
    level = Column(Integer, nullable=False, default=0)  # breach levels escalated so far
    closed_at = Column(DateTime, nullable=True)

    @property
    def status_label(self) -> str:
        """The status as the detail page's deadline table says it (the audit log too)."""
        return str(TIMER_STATUSES.get(self.status, self.status))


class Escalation(Model):
    """A warning (level 0) or a breach escalation (level 1..n): exactly once per level."""

    __tablename__ = "escalation"
    __table_args__ = (UniqueConstraint("timer_id", "level", name="uq_escalation_timer_level"),)
    scope_global = True

    id = Column(Integer, primary_key=True)
    timer_id = Column(Integer, ForeignKey("deadline_timer.id", ondelete="CASCADE"),
                      nullable=False)
    timer = relationship(DeadlineTimer, backref="escalations")
    level = Column(Integer, nullable=False)
    target = Column(String(40), nullable=False)  # handler / department_head / ...
    at = Column(DateTime, nullable=False)
    notified_user_ids = Column(JSON, nullable=False, default=list)


NOTICE_TEXT = {
    "warning": _l("%(doc)s: %(deadline)s is due at %(due)s."),
    "breach": _l("%(doc)s: %(deadline)s was due at %(due)s and is overdue (level %(level)s)."),
    # R-SV-1: no survey covers the estate's year yet (doc_type "estate", level = the year).
    "survey_missing": _l("%(estate)s has no satisfaction survey covering %(year)s yet."),
    # R-FD-5: a piece of mail still waits for its addressee (doc_type "mail_item").
    "mail_uncollected": _l("%(doc)s: mail not collected yet; remind the addressee."),
}


class Notification(Model):
    """In-app notification: a deadline warning or escalation someone must act on. The text
    is rendered in the reader's language from the kind and the timer, not stored."""

    __tablename__ = "notification"
    # The navbar's unread count; each person's list, newest first.
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),
                      Index("ix_notification_user_at", "user_id", "at"))

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    at = Column(DateTime, nullable=False, default=local_now)
    kind = Column(String(20), nullable=False)  # warning / breach
    level = Column(Integer, nullable=False, default=0)
    timer_id = Column(Integer, ForeignKey("deadline_timer.id", ondelete="CASCADE"),
                      nullable=True, index=True)
    timer = relationship(DeadlineTimer)
    doc_type = Column(String(40), nullable=True)
    doc_id = Column(Integer, nullable=True)
    read_at = Column(DateTime, nullable=True)

    scope_personal = True  # everyone reads only their own, whatever their role

    @property
    def message(self) -> tuple[int, str]:
        """(id, text in the reader's language): the list links the text to the document."""
        if self.kind == "survey_missing":
            estate = object_session(self).get(Estate, self.doc_id)
            return self.id, str(NOTICE_TEXT[self.kind]) % {
                "estate": estate.name if estate else f"#{self.doc_id}", "year": self.level}
        timer = self.timer
        model = document_model(self.doc_type)
        doc = object_session(self).get(model, self.doc_id) if model and self.doc_id else None
        values = {"doc": doc.number if doc is not None else f"#{self.doc_id}",
                  "deadline": gettext(timer.policy.name) if timer else "",
                  "due": timer.due_at.strftime("%Y-%m-%d %H:%M") if timer else "",
                  "level": self.level}
        template = NOTICE_TEXT.get(self.kind)
        return self.id, (str(template) % values if template else self.kind)

    @property
    def level_label(self) -> str:
        if self.kind == "survey_missing":
            return gettext("Warning")
        return gettext("Warning") if self.level == 0 else gettext("Level %(n)d", n=self.level)

    @property
    def read_label(self) -> str:
        return gettext("Yes") if self.read_at else gettext("No")

    @classmethod
    def scope_clause(cls, scope):
        return cls.user_id.in_(scope.me)


class FormCounter(Model):
    """Last number issued per document prefix and year (gap-free numbering)."""
    __tablename__ = "form_counter"
    __table_args__ = (UniqueConstraint("prefix", "year", name="uq_form_counter_prefix_year"),)
    scope_global = True

    id = Column(Integer, primary_key=True)
    prefix = Column(String(10), nullable=False)
    year = Column(Integer, nullable=False)
    last = Column(Integer, nullable=False, default=0)
