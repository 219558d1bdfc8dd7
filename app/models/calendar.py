"""Working-day calendar per region, working hours, and admin alerts.

Deadlines (R-CS-4 "within 2 working days", R-CP-5, R-WO-7, the presets' "8 working hours")
are computed on the calendar of the estate's region. Mainland China moves working days
around every year (调休: make-up workdays on weekends), so the calendar is data: seeded from
`chinesecalendar` / `holidays`, editable by admins (the State Council publishes next year's
arrangement around November), and never guessed for a year that has no rows (STACK.md).
"""
from __future__ import annotations

from flask import has_request_context
from flask_appbuilder import Model
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models.base import TimestampMixin, choice_label, local_now
from app.models.org import REGIONS

CALENDAR_SOURCES = {
    "chinesecalendar": _l("chinesecalendar package (State Council notices)"),
    "holidays": _l("holidays package (Hong Kong general holidays)"),
    "admin": _l("Edited by an admin"),
}
# Default working hours per region, "HH:MM-HH:MM" periods separated by commas.
DEFAULT_WORKING_PERIODS = {
    "mainland": "09:00-12:00,13:30-18:00",
    "hong_kong": "09:00-13:00,14:00-18:00",
}
ALERT_KINDS = {
    "calendar_unknown_year": _l("Working-day calendar missing a year"),
}


class CalendarDay(TimestampMixin, Model):
    """One day of one region's calendar: working day or not, and why.

    Every day of a seeded year is stored, weekdays and weekends too, so that "a known year"
    simply means "a year with rows". Rows with source "admin" are never overwritten by
    seeding.
    """

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("region", "day", name="uq_calendar_day_region_day"),)
    scope_global = True  # the same calendar for everybody; editing is a permission

    id = Column(Integer, primary_key=True)
    region = Column(String(20), nullable=False)
    day = Column(Date, nullable=False)
    is_workday = Column(Boolean, nullable=False)
    name = Column(String(100), nullable=True)  # holiday or make-up workday (调休) name
    source = Column(String(20), nullable=False, default="admin")

    @property
    def region_label(self) -> str:
        return choice_label(REGIONS, self.region)

    @property
    def source_label(self) -> str:
        return choice_label(CALENDAR_SOURCES, self.source)

    @property
    def weekday_label(self) -> str:
        """Localised weekday: make-up workdays are only recognisable next to it."""
        if self.day is None:
            return ""

        if has_request_context():

            return format_date(self.day, "EEE")
        return self.day.strftime("%a")

    def __repr__(self) -> str:
        return f"{self.region} {self.day}"


class CalendarSettings(TimestampMixin, Model):
    """Working hours of one region, editable by admins (working-hour deadlines count only
    time inside these periods on working days)."""
    __tablename__ = "calendar_settings"
    __table_args__ = (UniqueConstraint("region", name="uq_calendar_settings_region"),)
    scope_global = True

    id = Column(Integer, primary_key=True)
    region = Column(String(20), nullable=False)
    working_periods = Column(String(200), nullable=False)  # "09:00-12:00,13:30-18:00"

    @property
    def region_label(self) -> str:
        return choice_label(REGIONS, self.region)

    def __repr__(self) -> str:
        return f"{self.region} {self.working_periods}"


class AdminAlert(Model):
    """Something only an admin can fix (e.g. next year's calendar is missing).

    At most one unresolved alert per (kind, message): the partial unique index makes that
    hold even when two processes hit the same problem at the same moment.
    """

    __tablename__ = "admin_alert"
    __table_args__ = (
        Index("uq_admin_alert_open", "kind", "message", unique=True,
              sqlite_where=text("NOT resolved"), postgresql_where=text("NOT resolved")),
        Index("ix_admin_alert_at", "at"),  # the list, newest first
    )
    scope_global = True  # readable only by roles granted the alert view

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=local_now)
    kind = Column(String(40), nullable=False)
    message = Column(String(500), nullable=False)
    resolved = Column(Boolean, nullable=False, default=False)

    @property
    def kind_label(self) -> str:
        return choice_label(ALERT_KINDS, self.kind)

    @classmethod
    def record(cls, session: Session, kind: str, message: str) -> "AdminAlert":
        """Return the open alert for (kind, message), creating it if there is none.

        One atomic INSERT … ON CONFLICT DO NOTHING on the partial unique index, so two
        processes hitting the same problem at once leave one alert and neither fails (no
        savepoint needed; pysqlite's savepoints are unreliable). It commits or rolls back
        with the caller's transaction.
        """
        message = message[:500]
        query = select(cls).where(cls.kind == kind, cls.message == message,
                                  cls.resolved.is_(False))
        dialect = session.get_bind().dialect.name
        if dialect in ("postgresql", "sqlite"):
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            session.execute(
                insert(cls.__table__)
                .values(at=local_now(), kind=kind, message=message, resolved=False)
                .on_conflict_do_nothing(index_elements=["kind", "message"],
                                        index_where=text("NOT resolved")))
            return session.scalar(query)
        existing = session.scalar(query)
        if existing is None:
            existing = cls(kind=kind, message=message, resolved=False, at=local_now())
            session.add(existing)
            session.flush()
        return existing

    def __repr__(self) -> str:
        return f"{self.kind}: {self.message}"
