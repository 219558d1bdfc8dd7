"""Background jobs: work too long for a web request (a batch of printed forms), done by a
Celery worker while the person watches its progress, then downloaded.

A job belongs to the person who started it and nobody else reads it. Its work is split
into parts that any worker process may take; each part is stored when done, so a worker
that dies loses only the part it was on, and the broker hands that part to another
worker (tasks are acknowledged when finished)."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import deferred, relationship

from app.models.base import local_now

JOB_STATES = {"queued": _l("Waiting"), "running": _l("Running"), "done": _l("Done"),
              "failed": _l("Failed")}


class Job(Model):
    __tablename__ = "job"
    # Each person's jobs, newest first (the list's default order).
    __table_args__ = (Index("ix_job_requested_by_created", "requested_by_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)  # print
    title = Column(String(200), nullable=False)
    state = Column(String(10), nullable=False, default="queued")
    requested_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"),
                             nullable=False)
    requested_by = relationship("User")
    locale = Column(String(10), nullable=False, default="en")  # messages in the person's language
    params = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False, default=local_now)
    started_at = Column(DateTime, nullable=True)
    finished_at = Column(DateTime, nullable=True, index=True)  # old jobs are purged by it
    total = Column(Integer, nullable=False, default=0)  # sheets to lay out
    done = Column(Integer, nullable=False, default=0)
    parts_total = Column(Integer, nullable=False, default=0)
    parts_done = Column(Integer, nullable=False, default=0)
    error = Column(Text, nullable=True)
    filename = Column(String(200), nullable=True)
    mimetype = Column(String(100), nullable=True)
    result = deferred(Column(LargeBinary, nullable=True))

    scope_personal = True  # only the person who started it, whatever their role

    @classmethod
    def scope_clause(cls, scope):
        return cls.requested_by_id.in_(scope.me)

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def progress(self) -> tuple[int, str, int]:
        """(id, state, percent): the list shows a download link once done."""
        return self.id, self.state, self.percent

    @property
    def state_label(self) -> str:
        return str(JOB_STATES.get(self.state, self.state))

    def __repr__(self) -> str:
        return self.title


class JobPart(Model):
    """One run of consecutive sheets: its HTML until laid out, then its PDF."""

    __tablename__ = "job_part"
    __table_args__ = (UniqueConstraint("job_id", "position", name="uq_job_part_position"),)

    id = Column(Integer, primary_key=True)
    job_id = Column(Integer, ForeignKey("job.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    sheets = Column(Integer, nullable=False, default=0)
    html = deferred(Column(Text, nullable=True))
    pdf = deferred(Column(LargeBinary, nullable=True))
    worker = Column(String(80), nullable=True)  # host:pid that laid it out

    scope_personal = True

    @classmethod
    def scope_clause(cls, scope):
        from sqlalchemy import select

        return cls.job_id.in_(select(Job.id).where(Job.requested_by_id.in_(scope.me)))
