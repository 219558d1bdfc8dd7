"""Working-day calendar service: seeding, working-day checks and deadline arithmetic.

Deadlines are computed per estate on its region's calendar (Estate.region): "within 2
working days" (R-CS-4), the complaint deadlines of R-CP-5 and its presets ("8 working
hours"), the revisit windows of R-WO-7. Rules kept here:

* The calendar is the `calendar_day` table, not a package at run time: mainland make-up
  workdays (调休) change every year and admins add next year by hand when the State Council
  publishes it. `holidays` returns 2027 for mainland China without make-up days, silently
  wrong (STACK.md), so it is used for Hong Kong only.
* A year with no rows for the region is unknown: computing into it raises
  `CalendarUnknownYear` and leaves one unresolved `AdminAlert`; nothing is guessed.
  Within a known year every day is normally stored; a day an admin left out follows the
  regular week (Monday to Friday), which is how the official notices read.
* Datetimes are naive, in the estate's local time (China and Hong Kong have no DST).
* Each computation reads a region's year once (one query) and works from memory.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Iterable

import chinese_calendar
import click
import holidays
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.models.base import local_now
from app.models.calendar import (
    DEFAULT_WORKING_PERIODS,
    AdminAlert,
    CalendarDay,
    CalendarSettings,
)
from app.models.org import REGIONS

UNITS = ("minutes", "hours", "calendar_days", "working_days", "working_hours", "end_of_day")
ALERT_UNKNOWN_YEAR = "calendar_unknown_year"
FIRST_YEAR = 2004  # chinesecalendar's first year; Hong Kong is seeded from the same year
NAME_LENGTH = CalendarDay.__table__.c.name.type.length

Period = tuple[time, time]


class CalendarUnknownYear(Exception):
    """A computation needs a day of a year the region's calendar has no rows for."""

    def __init__(self, region: str, year: int) -> None:
        self.region = region
        self.year = year
        super().__init__(
            f"The {region} working-day calendar has no days for {year}: add {year} under "
            f"Administration → Working-day calendar (or run `flask calendar seed` after "
            f"upgrading the calendar packages) before deadlines can be computed into it.")


# --- working hours -------------------------------------------------------------------------

def parse_periods(value: str) -> list[Period]:
    """'09:00-12:00,13:30-18:00' -> [(09:00, 12:00), (13:30, 18:00)]; ValueError if the
    periods are malformed, empty, reversed or overlapping (an admin typed them)."""
    periods: list[Period] = []
    for part in (value or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            begin, end = (time.fromisoformat(p.strip()) for p in part.split("-"))
        except ValueError:
            raise ValueError(f"'{part}' is not a period like 09:00-12:00") from None
        if begin >= end:
            raise ValueError(f"'{part}' ends before it starts")
        if periods and begin < periods[-1][1]:
            raise ValueError(f"'{part}' overlaps or precedes the period before it")
        periods.append((begin, end))
    if not periods:
        raise ValueError("at least one working period is needed, e.g. 09:00-18:00")
    return periods


def working_periods(region: str, session: Session) -> list[Period]:
    """The region's working hours: the admin-edited row, else the built-in default."""
    _check_region(region)
    value = session.scalar(select(CalendarSettings.working_periods)
                           .where(CalendarSettings.region == region))
    return parse_periods(value or DEFAULT_WORKING_PERIODS[region])


# --- the calendar of one region, cached for one computation -------------------------------

def _check_region(region: str) -> None:
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}")


class WorkingCalendar:
    """One region's calendar and working hours, read a year at a time.

    Create one per computation (or per batch of computations, e.g. one deadline tick):
    it does not see admin edits made after it read a year. An unknown year raises
    `CalendarUnknownYear` and records the admin alert in `session`.
    """
    def __init__(self, region: str, session: Session) -> None:
        _check_region(region)
        self.region = region
        self.session = session
        self._years: dict[int, dict[date, bool]] = {}
        self._periods: list[Period] | None = None

    @property
    def periods(self) -> list[Period]:
        if self._periods is None:
            self._periods = working_periods(self.region, self.session)
        return self._periods

    def _year(self, year: int) -> dict[date, bool]:
        if year not in self._years:
            rows = self.session.execute(
                select(CalendarDay.day, CalendarDay.is_workday).where(
                    CalendarDay.region == self.region,
                    CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))).all()
            if not rows:
                error = CalendarUnknownYear(self.region, year)
                AdminAlert.record(self.session, ALERT_UNKNOWN_YEAR, str(error))
                raise error
            self._years[year] = {day: bool(workday) for day, workday in rows}
        return self._years[year]

    def is_workday(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = day.date()
        known = self._year(day.year)
        return known[day] if day in known else day.weekday() < 5

    def next_workday(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add(self, start: datetime, amount: int, unit: str) -> datetime:
        """`start` plus `amount` `unit`s; see `add_duration`."""
        if not isinstance(start, datetime):
            raise TypeError("start must be a datetime")
        if start.tzinfo is not None:
            raise ValueError("start must be a naive datetime in the estate's local time")
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValueError("amount must be a whole number, zero or more")
        if unit == "minutes":
            return start + timedelta(minutes=amount)
        if unit == "hours":
            return start + timedelta(hours=amount)
        if unit == "calendar_days":
            return start + timedelta(days=amount)
        if unit == "end_of_day":  # "the same day" (0), "by the end of the next day" (1)…
            return datetime.combine(start.date() + timedelta(days=amount), time(23, 59, 59))
        if unit == "working_days":
            return self._add_working_days(start, amount)
        return self._add_working_hours(start, timedelta(hours=amount))

    def _add_working_days(self, start: datetime, amount: int) -> datetime:
        day, clock = start.date(), start.time()
        if not self.is_workday(day):
            # Received on a day off: the clock starts when the office opens next.
            day, clock = self.next_workday(day), self.periods[0][0]
        for _ in range(amount):
            day = self.next_workday(day)
        return datetime.combine(day, clock)

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two moments: only working hours of working days count."""
        total = timedelta()
        day = start.date()
        while day <= end.date():
            if self.is_workday(day):
                for begin, finish in self.periods:
                    low = max(start, datetime.combine(day, begin))
                    high = min(end, datetime.combine(day, finish))
                    if high > low:
                        total += high - low
            day += timedelta(days=1)
        return total

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """`start` plus `amount` of working time (exact to the second)."""
        return self._add_working_hours(start, amount)

    def _add_working_hours(self, start: datetime, remaining: timedelta) -> datetime:
        if not remaining:
            return start
        cursor = start
        while True:
            day = cursor.date()
            if self.is_workday(day):
                for begin, end in self.periods:
                    period_end = datetime.combine(day, end)
                    if cursor >= period_end:
                        continue
                    segment_start = max(cursor, datetime.combine(day, begin))
                    available = period_end - segment_start
                    if remaining <= available:
                        return segment_start + remaining
                    remaining -= available
                    cursor = period_end
            cursor = datetime.combine(day + timedelta(days=1), time.min)


# --- public functions ----------------------------------------------------------------------

def is_workday(region: str, day: date, session: Session) -> bool:
    """Whether `day` is a working day in `region` (raises CalendarUnknownYear)."""
    return WorkingCalendar(region, session).is_workday(day)


def add_duration(region: str, start: datetime, amount: int, unit: str,
                 session: Session) -> datetime:
    """The deadline `amount` `unit`s after `start` on `region`'s calendar.

    * minutes / hours / calendar_days: wall-clock arithmetic, no calendar needed;
    * end_of_day: the end (23:59:59) of the day `amount` calendar days later ("the same
      day" is 0);
    * working_days: the same clock time `amount` working days later; a start on a day off
      counts from the next working day's opening time;
    * working_hours: only time inside the region's working hours on working days counts;
      a deadline that ends exactly at closing time is closing time, not next opening.

    Raises CalendarUnknownYear (and records one AdminAlert) when a needed year is unknown.
    """
    return WorkingCalendar(region, session).add(start, amount, unit)


# --- seeding -------------------------------------------------------------------------------

def _bilingual(chinese: str, english: str | None) -> str:
    """'国庆节 (National Day)'; the Chinese name alone when both would not fit."""
    both = f"{chinese} ({english})" if english and english != chinese else chinese
    return both if len(both) <= NAME_LENGTH else chinese[:NAME_LENGTH]


def _mainland_days(years: Iterable[int] | None) -> tuple[dict[date, tuple[bool, str | None]],
                                                          list[int]]:
    """Days of every year chinesecalendar supports (it raises for the others)."""
    wanted = sorted(set(years)) if years else list(range(FIRST_YEAR, local_now().year + 3))
    days: dict[date, tuple[bool, str | None]] = {}
    seeded: list[int] = []
    for year in wanted:
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            continue
        seeded.append(year)
        day = date(year, 1, 1)
        while day.year == year:
            on_holiday, english = chinese_calendar.get_holiday_detail(day)
            name = None
            if english:
                try:
                    chinese = chinese_calendar.Holiday(english).chinese
                except ValueError:
                    chinese = english
                if on_holiday:
                    name = _bilingual(chinese, english)
                else:  # a weekend turned into a working day (调休上班)
                    name = _bilingual(f"{chinese}调休上班", f"{english}, make-up workday")
            days[day] = (not on_holiday, name)
            day += timedelta(days=1)
    return days, seeded


def _hong_kong_days(years: Iterable[int] | None) -> tuple[dict[date, tuple[bool, str | None]],
                                                           list[int]]:
    """Hong Kong general holidays (公眾假期: statutory plus the other general holidays,
    i.e. the `public` and `optional` categories), Saturdays and Sundays off."""

    wanted = sorted(set(years)) if years else list(range(FIRST_YEAR, local_now().year + 2))
    categories = (holidays.PUBLIC, holidays.OPTIONAL)
    chinese = holidays.HongKong(years=wanted, categories=categories, language="zh_HK")
    english = holidays.HongKong(years=wanted, categories=categories, language="en_HK")
    seeded = sorted({d.year for d in chinese} & set(wanted))
    days: dict[date, tuple[bool, str | None]] = {}
    for year in seeded:
        day = date(year, 1, 1)
        while day.year == year:
            if day in chinese:
                days[day] = (False, _bilingual(chinese[day], english.get(day)))
            else:
                days[day] = (day.weekday() < 5, None)
            day += timedelta(days=1)
    return days, seeded


SOURCES = {"mainland": ("chinesecalendar", _mainland_days),
           "hong_kong": ("holidays", _hong_kong_days)}


def seed_calendar(session: Session, regions: Iterable[str] = ("mainland", "hong_kong"), *,
                  years: Iterable[int] | None = None) -> dict[str, dict[str, object]]:
    """Fill `calendar_day` from the packages; idempotent, never touches admin rows.

    Without `years`: mainland every year chinesecalendar supports (2004–2026 in 1.11),
    Hong Kong 2004 to next year. Rows from a package are corrected when a newer package
    says otherwise. Written with bulk statements (thousands of rows; one audit entry per
    calendar day would drown the audit log). Also creates missing working-hours rows.
    Does not commit. Returns per region: years seeded, rows inserted / updated / kept
    because an admin edited them.
    """
    table = CalendarDay.__table__
    summary: dict[str, dict[str, object]] = {}
    for region in regions:
        _check_region(region)
        source, reader = SOURCES[region]
        days, seeded = reader(years)
        inserted: list[dict] = []
        updated: list[dict] = []
        kept = 0
        if days:
            existing = {row.day: row for row in session.execute(
                select(table.c.id, table.c.day, table.c.is_workday, table.c.name,
                       table.c.source)
                .where(and_(table.c.region == region,
                            table.c.day.between(min(days), max(days)))))}
            for day, (workday, name) in sorted(days.items()):
                row = existing.get(day)
                if row is None:
                    inserted.append({"region": region, "day": day, "is_workday": workday,
                                     "name": name, "source": source})
                elif row.source == "admin":
                    kept += 1
                elif (bool(row.is_workday), row.name, row.source) != (workday, name, source):
                    updated.append({"row_id": row.id, "new_workday": workday,
                                    "new_name": name, "new_source": source})
        if inserted:
            session.execute(insert(table), inserted)
        if updated:
            session.execute(
                update(table).where(table.c.id == bindparam("row_id"))
                .values(is_workday=bindparam("new_workday"), name=bindparam("new_name"),
                        source=bindparam("new_source")),
                updated)
        summary[region] = {"years": seeded, "inserted": len(inserted),
                           "updated": len(updated), "kept_admin": kept}
        if session.scalar(select(CalendarSettings.id)
                          .where(CalendarSettings.region == region)) is None:
            session.add(CalendarSettings(region=region,
                                         working_periods=DEFAULT_WORKING_PERIODS[region]))
    session.flush()
    return summary


# --- CLI: `flask calendar seed` (registered in app/commands.py) ---------------------------

calendar_cli = AppGroup("calendar", help="Working-day calendar used by deadlines.")


@calendar_cli.command("seed")
@click.option("--region", "regions", multiple=True, type=click.Choice(sorted(REGIONS)),
              help="Region to seed (repeatable); default: all.")
@click.option("--year", "years", multiple=True, type=int,
              help="Year to seed (repeatable); default: every year the packages know.")
def calendar_seed(regions: tuple[str, ...], years: tuple[int, ...]) -> None:
    """Seed (or top up) the calendar from chinesecalendar and holidays; admin edits stay."""
    session = current_app.appbuilder.session
    summary = seed_calendar(session, regions or tuple(REGIONS), years=years or None)
    session.commit()
    for region, result in summary.items():
        seeded = result["years"]
        span = f"{seeded[0]}–{seeded[-1]}" if seeded else "no years"
        click.echo(f"{region}: {span}; {result['inserted']} added, {result['updated']} "
                   f"corrected, {result['kept_admin']} admin rows kept")
        if years:
            missing = sorted(set(years) - set(seeded))
            if missing:
                click.echo(f"{region}: no package data for {', '.join(map(str, missing))}: "
                           f"add those days by hand", err=True)
