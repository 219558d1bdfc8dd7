"""Working-day calendar and deadline arithmetic (R-CS-4, R-CP-5, R-WO-7).

Tests seed only 2025–2026 (the years they compute in) inside their rolled-back
transaction; one test seeds every year and bounds the time it takes.
"""
from __future__ import annotations

import time
from datetime import date, datetime

import chinese_calendar
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.models import AdminAlert, CalendarDay, CalendarSettings
from app.workflows.calendar import (
    CalendarUnknownYear,
    WorkingCalendar,
    add_duration,
    calendar_cli,
    is_workday,
    parse_periods,
    seed_calendar,
)

MAINLAND, HONG_KONG = "mainland", "hong_kong"


@pytest.fixture
def session(app: Flask):
    with app.app_context():
        yield app.appbuilder.session


@pytest.fixture
def seeded(session):
    seed_calendar(session, years=(2025, 2026))
    return session


def day_row(session, region: str, day: date) -> CalendarDay:
    return session.scalar(select(CalendarDay).where(CalendarDay.region == region,
                                                    CalendarDay.day == day))


def open_alerts(session) -> list[AdminAlert]:
    return list(session.scalars(select(AdminAlert).where(AdminAlert.resolved.is_(False))))


# --- seeding -------------------------------------------------------------------------------

def test_2026_national_day_comes_from_chinesecalendar(seeded):
    """The State Council's 2026 arrangement as chinesecalendar 1.11 has it: National Day
    off 1–7 Oct (8 Oct is a working day), make-up workdays Sun 20 Sep and Sat 10 Oct;
    Sun 27 Sep is part of the Mid-Autumn break, not a make-up day."""
    for n in range(1, 8):
        assert not is_workday(MAINLAND, date(2026, 10, n), seeded)
    assert is_workday(MAINLAND, date(2026, 10, 8), seeded)
    assert is_workday(MAINLAND, date(2026, 9, 20), seeded)   # Sunday, 调休上班
    assert is_workday(MAINLAND, date(2026, 10, 10), seeded)  # Saturday, 调休上班
    assert not is_workday(MAINLAND, date(2026, 9, 27), seeded)
    assert not is_workday(MAINLAND, date(2026, 10, 11), seeded)
    # Every stored 2026 day agrees with the package itself.
    rows = seeded.execute(select(CalendarDay.day, CalendarDay.is_workday).where(
        CalendarDay.region == MAINLAND, func.extract("year", CalendarDay.day) == 2026)).all()
    assert len(rows) == 365
    assert all(bool(w) == chinese_calendar.is_workday(d) for d, w in rows)
    assert "国庆节" in day_row(seeded, MAINLAND, date(2026, 10, 1)).name
    assert "调休" in day_row(seeded, MAINLAND, date(2026, 10, 10)).name
    assert day_row(seeded, MAINLAND, date(2026, 10, 9)).name is None


def test_seeding_twice_changes_nothing(seeded):
    again = seed_calendar(seeded, years=(2025, 2026))
    for region in (MAINLAND, HONG_KONG):
        assert again[region] == {"years": [2025, 2026], "inserted": 0, "updated": 0,
                                 "kept_admin": 0}


def test_seeding_corrects_package_rows_but_keeps_admin_rows(seeded):
    package_row = day_row(seeded, MAINLAND, date(2026, 10, 5))
    package_row.is_workday = True  # as if an older package had been wrong
    admin_row = day_row(seeded, MAINLAND, date(2026, 10, 9))
    admin_row.is_workday, admin_row.name, admin_row.source = False, "公司假日", "admin"
    seeded.flush()

    result = seed_calendar(seeded, regions=(MAINLAND,), years=(2026,))
    seeded.expire_all()
    assert result[MAINLAND]["updated"] == 1 and result[MAINLAND]["kept_admin"] == 1
    assert day_row(seeded, MAINLAND, date(2026, 10, 5)).is_workday is False
    kept = day_row(seeded, MAINLAND, date(2026, 10, 9))
    assert (kept.is_workday, kept.name, kept.source) == (False, "公司假日", "admin")
    # ... and deadlines follow the admin's day: Thu 8 Oct + 1 working day skips Fri 9.
    assert add_duration(MAINLAND, datetime(2026, 10, 8, 10), 1, "working_days",
                        seeded) == datetime(2026, 10, 10, 10)


def test_full_seed_is_fast_and_covers_the_package_years(session):
    started = time.perf_counter()
    result = seed_calendar(session)
    elapsed = time.perf_counter() - started
    mainland_years = result[MAINLAND]["years"]
    assert mainland_years[0] == 2004 and 2026 in mainland_years  # chinesecalendar 1.11: 2004–2026
    assert mainland_years == list(range(2004, mainland_years[-1] + 1))
    assert result[HONG_KONG]["years"] == list(range(2004, date.today().year + 2))
    assert result[MAINLAND]["inserted"] == sum(
        (date(y, 12, 31) - date(y, 1, 1)).days + 1 for y in mainland_years)
    assert elapsed < 5, f"seeding every year took {elapsed:.2f} s"
    assert {s.region for s in session.scalars(select(CalendarSettings))} >= {MAINLAND,
                                                                            HONG_KONG}


def test_cli_seed(app, session):
    result = app.test_cli_runner().invoke(calendar_cli, ["seed", "--region", "mainland",
                                                         "--year", "2026", "--year", "2027"])
    assert result.exit_code == 0, result.output
    assert "mainland: 2026–2026; 365 added" in result.output
    assert "no package data for 2027" in result.output
    assert is_workday(MAINLAND, date(2026, 10, 10), session)


# --- working days --------------------------------------------------------------------------

def test_working_days_across_national_day(seeded):
    start = datetime(2026, 9, 30, 10, 15)  # Wednesday before the holiday
    assert add_duration(MAINLAND, start, 1, "working_days", seeded) == datetime(2026, 10, 8,
                                                                                10, 15)
    # R-CS-4: a handling plan within 2 working days.
    assert add_duration(MAINLAND, start, 2, "working_days", seeded) == datetime(2026, 10, 9,
                                                                                10, 15)
    # The third working day is the make-up Saturday, then Sunday 11 is off.
    assert add_duration(MAINLAND, start, 3, "working_days", seeded) == datetime(2026, 10, 10,
                                                                                10, 15)
    assert add_duration(MAINLAND, start, 4, "working_days", seeded) == datetime(2026, 10, 12,
                                                                                10, 15)
    # The make-up Sunday before the holiday counts as a working day too.
    assert add_duration(MAINLAND, datetime(2026, 9, 18, 16), 1, "working_days",
                        seeded) == datetime(2026, 9, 20, 16)


def test_working_hours_across_national_day(seeded):
    # 30 Sep 17:00-18:00 is 1 hour; 8 Oct 09:00-12:00 three more, 13:30-17:30 the rest.
    assert add_duration(MAINLAND, datetime(2026, 9, 30, 17), 8, "working_hours",
                        seeded) == datetime(2026, 10, 8, 17, 30)
    # The Vanke preset's 8 working hours (R-CP-5 presets) in Hong Kong: 1 Oct is off there
    # too, but 2 Oct is a working day: 1 h + 09:00-13:00 + 14:00-17:00.
    assert add_duration(HONG_KONG, datetime(2026, 9, 30, 17), 8, "working_hours",
                        seeded) == datetime(2026, 10, 2, 17)


def test_friday_evening_start(seeded):
    friday_evening = datetime(2026, 11, 20, 19, 30)
    # Same clock time two working days later (Saturday and Sunday skipped).
    assert add_duration(MAINLAND, friday_evening, 2, "working_days",
                        seeded) == datetime(2026, 11, 24, 19, 30)
    # Working hours start on Monday morning: 7.5 h on Monday, the last half hour Tuesday.
    assert add_duration(MAINLAND, friday_evening, 8, "working_hours",
                        seeded) == datetime(2026, 11, 24, 9, 30)
    # Hong Kong works 8 h a day: the deadline is Monday's closing time, not Tuesday 09:00.
    assert add_duration(HONG_KONG, friday_evening, 8, "working_hours",
                        seeded) == datetime(2026, 11, 23, 18)
    # Wall-clock units ignore the calendar (R-WO-7 revisit windows are calendar days).
    assert add_duration(MAINLAND, friday_evening, 2, "hours", seeded) == datetime(
        2026, 11, 20, 21, 30)
    assert add_duration(MAINLAND, friday_evening, 90, "minutes", seeded) == datetime(
        2026, 11, 20, 21, 0)
    assert add_duration(MAINLAND, friday_evening, 7, "calendar_days", seeded) == datetime(
        2026, 11, 27, 19, 30)


def test_start_on_a_holiday(seeded):
    holiday = datetime(2026, 10, 3, 15, 0)  # Saturday inside National Day
    # Counting starts at the next working day's opening time: Thu 8 Oct 09:00.
    assert add_duration(MAINLAND, holiday, 0, "working_days", seeded) == datetime(2026, 10, 8,
                                                                                  9, 0)
    assert add_duration(MAINLAND, holiday, 1, "working_days", seeded) == datetime(2026, 10, 9,
                                                                                  9, 0)
    assert add_duration(MAINLAND, holiday, 2, "working_hours", seeded) == datetime(
        2026, 10, 8, 11, 0)
    # Lunch break is not working time: 09:00 + 4 h = 14:30 on the mainland.
    assert add_duration(MAINLAND, holiday, 4, "working_hours", seeded) == datetime(
        2026, 10, 8, 14, 30)
    # A start on the make-up Saturday is a working-day start: same clock time Monday.
    assert add_duration(MAINLAND, datetime(2026, 10, 10, 10), 1, "working_days",
                        seeded) == datetime(2026, 10, 12, 10)


def test_hong_kong_differs_from_the_mainland(seeded):
    assert not is_workday(HONG_KONG, date(2026, 7, 1), seeded)  # HKSAR Establishment Day
    assert is_workday(MAINLAND, date(2026, 7, 1), seeded)
    assert not is_workday(HONG_KONG, date(2025, 12, 26), seeded)  # day after Christmas
    assert is_workday(MAINLAND, date(2025, 12, 26), seeded)
    assert not is_workday(HONG_KONG, date(2026, 4, 3), seeded)  # Good Friday
    assert not is_workday(HONG_KONG, date(2026, 9, 20), seeded)  # no make-up days in HK
    assert is_workday(HONG_KONG, date(2026, 10, 8), seeded)
    assert not is_workday(HONG_KONG, date(2026, 10, 10), seeded)
    start = datetime(2026, 6, 30, 10)
    assert add_duration(MAINLAND, start, 1, "working_days", seeded) == datetime(2026, 7, 1, 10)
    assert add_duration(HONG_KONG, start, 1, "working_days", seeded) == datetime(2026, 7, 2, 10)
    assert "聖誕節" in day_row(seeded, HONG_KONG, date(2025, 12, 25)).name


# --- unknown years -------------------------------------------------------------------------

def test_mainland_2027_is_refused_with_exactly_one_alert(seeded):
    for _ in range(2):
        with pytest.raises(CalendarUnknownYear) as raised:
            add_duration(MAINLAND, datetime(2026, 12, 31, 10), 1, "working_days", seeded)
        assert raised.value.region == MAINLAND and raised.value.year == 2027
        assert "mainland" in str(raised.value) and "2027" in str(raised.value)
    with pytest.raises(CalendarUnknownYear):
        is_workday(MAINLAND, date(2027, 3, 1), seeded)
    with pytest.raises(CalendarUnknownYear):
        add_duration(MAINLAND, datetime(2026, 12, 31, 17), 8, "working_hours", seeded)
    alerts = open_alerts(seeded)
    assert len(alerts) == 1
    assert alerts[0].kind == "calendar_unknown_year" and "2027" in alerts[0].message
    # Wall-clock units need no calendar and never raise.
    assert add_duration(MAINLAND, datetime(2026, 12, 31, 10), 3, "calendar_days",
                        seeded) == datetime(2027, 1, 3, 10)
    # Once resolved, the problem coming back raises a new alert.
    alerts[0].resolved = True
    seeded.flush()
    with pytest.raises(CalendarUnknownYear):
        is_workday(MAINLAND, date(2027, 1, 4), seeded)
    assert len(open_alerts(seeded)) == 1
    assert seeded.scalar(select(func.count(AdminAlert.id))) == 2


def test_duplicate_open_alert_refused_by_the_database(seeded):
    AdminAlert.record(seeded, "calendar_unknown_year", "same")
    with pytest.raises(IntegrityError):
        with seeded.begin_nested():
            seeded.add(AdminAlert(kind="calendar_unknown_year", message="same",
                                  resolved=False))
    assert AdminAlert.record(seeded, "calendar_unknown_year", "same") is not None
    assert len(open_alerts(seeded)) == 1


def test_admin_adding_2027_makes_it_computable(seeded):
    # The admin enters what the State Council published (here: New Year's Day 2027);
    # days left out of a known year follow the regular week.
    seeded.add(CalendarDay(region=MAINLAND, day=date(2027, 1, 1), is_workday=False,
                           name="元旦", source="admin"))
    seeded.flush()
    assert add_duration(MAINLAND, datetime(2026, 12, 31, 10), 1, "working_days",
                        seeded) == datetime(2027, 1, 4, 10)
    assert is_workday(MAINLAND, date(2027, 1, 5), seeded)
    assert not is_workday(MAINLAND, date(2027, 1, 9), seeded)
    # Re-seeding leaves the admin's 2027 alone (chinesecalendar 1.11 has no 2027).
    seed_calendar(seeded, regions=(MAINLAND,), years=(2026, 2027))
    assert day_row(seeded, MAINLAND, date(2027, 1, 1)).source == "admin"
    assert not open_alerts(seeded)


def test_hong_kong_2027_comes_from_the_holidays_package(session):
    seed_calendar(session, regions=(HONG_KONG,), years=(2026, 2027))
    assert add_duration(HONG_KONG, datetime(2026, 12, 31, 10), 1, "working_days",
                        session) == datetime(2027, 1, 4, 10)
    assert not is_workday(HONG_KONG, date(2027, 7, 1), session)


# --- working hours and input checks ---------------------------------------------------------

def test_working_hours_are_data(seeded):
    settings = seeded.scalar(select(CalendarSettings).where(CalendarSettings.region == MAINLAND))
    assert settings.working_periods == "09:00-12:00,13:30-18:00"
    settings.working_periods = "08:00-17:00"
    seeded.flush()
    assert add_duration(MAINLAND, datetime(2026, 11, 20, 19), 10, "working_hours",
                        seeded) == datetime(2026, 11, 24, 9)


@pytest.mark.parametrize("value", ["", "9-12", "12:00-09:00", "09:00-12:00,11:00-13:00"])
def test_bad_working_hours_refused(value):
    with pytest.raises(ValueError):
        parse_periods(value)


def test_bad_input_refused(seeded):
    with pytest.raises(ValueError):
        add_duration("macau", datetime(2026, 11, 20, 9), 1, "hours", seeded)
    with pytest.raises(ValueError):
        add_duration(MAINLAND, datetime(2026, 11, 20, 9), 1, "weeks", seeded)
    with pytest.raises(ValueError):
        add_duration(MAINLAND, datetime(2026, 11, 20, 9), -1, "working_days", seeded)
    with pytest.raises(ValueError):
        from datetime import timezone

        add_duration(MAINLAND, datetime(2026, 11, 20, 9, tzinfo=timezone.utc), 1, "hours",
                     seeded)


def test_one_query_per_year(seeded):
    """A computation reads each year once, not once per day."""
    from sqlalchemy import event

    statements: list[str] = []
    engine = seeded.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        calendar = WorkingCalendar(MAINLAND, seeded)
        calendar.add(datetime(2025, 12, 20, 10), 40, "working_days")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert sum("calendar_day" in s for s in statements) == 2  # 2025 and 2026


# --- views ---------------------------------------------------------------------------------

def test_saving_a_day_marks_it_admin(app, seeded):
    from app.views.calendar import CalendarDayView

    row = day_row(seeded, MAINLAND, date(2026, 10, 9))
    row.is_workday = False
    CalendarDayView.pre_update(object.__new__(CalendarDayView), row)
    assert row.source == "admin"


def test_admin_edits_and_resolves_through_the_pages(app, world, as_user, seeded):
    """An admin edits a day and resolves an alert through the real pages."""
    from tests.helpers import csrf_token

    admin = as_user("admin")
    row = day_row(seeded, MAINLAND, date(2026, 10, 9))
    from tests.helpers import edit_form_token

    hidden = edit_form_token(admin, f"/calendardayview/edit/{row.id}")
    response = admin.post(f"/calendardayview/edit/{row.id}",
                          data={**hidden, "name": "公司假日"})  # box unticked
    assert response.status_code == 302
    seeded.expire_all()
    row = day_row(seeded, MAINLAND, date(2026, 10, 9))
    assert (row.is_workday, row.source) == (False, "admin")

    with pytest.raises(CalendarUnknownYear):
        is_workday(MAINLAND, date(2027, 1, 4), seeded)
    alert = open_alerts(seeded)[0]
    response = admin.post(f"/adminalertview/action/resolve/{alert.id}",
                          data={"csrf_token": csrf_token(admin, "/adminalertview/list/")})
    assert response.status_code == 302
    seeded.expire_all()
    assert not open_alerts(seeded)
