"""Business settings as data (RULES.md: thresholds and rates are admin-editable), each with
its default from RULES.md. Read with `setting(session, key)`."""
from __future__ import annotations

from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Integer, Numeric, String, select
from sqlalchemy.orm import Session

from app.models.base import TimestampMixin

DEFAULTS: dict[str, tuple[Decimal, object, str]] = {
    # key: (default value, label, rule)
    "revisit.share.office_director": (Decimal("10"), _l("Revisit share: office director (%)"),
                                      "R-WO-7"),
    "revisit.share.cs_supervisor": (Decimal("30"), _l("Revisit share: CS supervisor (%)"),
                                    "R-WO-7"),
    "revisit.share.repair_lead": (Decimal("60"), _l("Revisit share: repair lead (%)"),
                                  "R-WO-7"),
    "revisit.new_resident_days": (
        Decimal("30"), _l("New residents who moved in this many days ago or less get a revisit"),
        "R-RV-1"),
    "revisit.routine_batch": (
        Decimal("200"), _l("Routine revisits: most tasks made per schedule in one run"),
        "R-RV-1"),
    "revisit.processing_target": (
        Decimal("100"), _l("Revisit processing rate target (%)"), "R-RV-4"),
    "complaint.collective.households": (
        Decimal("5"), _l("Collective complaint: households on the same matter"), "R-CP-4"),
    "complaint.collective.window_hours": (
        Decimal("48"), _l("Collective complaint: window (hours)"), "R-CP-4"),
    "complaint.upgrade_after_months": (
        Decimal("1"), _l("Responsible complaint upgraded to major after (months)"), "R-CP-4"),
    "survey.established_years": (
        Decimal("5"), _l("Survey: an estate moved in this many years ago or more is established"),
        "R-SV-3"),
    "survey.rate.established": (
        Decimal("15"), _l("Survey sample: established estates, percent of households"), "R-SV-3"),
    "survey.rate.recent": (
        Decimal("30"), _l("Survey sample: other estates, percent of households"), "R-SV-3"),
    "survey.rate.iso": (
        Decimal("85"), _l("Survey sample, ISO procedure: percent of occupied units"), "R-SV-3"),
    "survey.iso_full_below": (
        Decimal("300"), _l("Survey sample, ISO procedure: every unit below this many households"),
        "R-SV-3"),
    "survey.recovery_target": (
        Decimal("75"), _l("Survey recovery target: percent of distributed"), "R-SV-4"),
    "survey.recovery_target@iso": (
        Decimal("60"), _l("Survey recovery target, ISO procedure: percent of distributed"),
        "R-SV-4"),
    "survey.qualified_percent": (
        Decimal("96"), _l("Survey: overall satisfaction that counts as qualified (%)"),
        "R-SV-5"),
    "survey.year_check_day": (
        Decimal("15"), _l("Day of December by which every estate needs a survey of the year"),
        "R-SV-1"),
    "survey.letter_unsatisfied_count": (
        Decimal("5"), _l("Open letter: an item with this many unsatisfied answers or more is "
                         "a concentrated issue"), "R-SV-8"),
    "survey.raw_retention_years": (
        Decimal("3"), _l("Raw survey questionnaires are kept this many years after the survey "
                         "closes"), "R-SV-10"),
    # Telephone installation for shopping-centre tenants (R-FD-6); amounts in the estate's
    # currency. The centre's line costs its initial fee plus materials and labour.
    "phone.bureau_initial_fee": (
        Decimal("308"), _l("Telephone: initial fee the tenant pays at the telecom bureau"),
        "R-FD-6"),
    "phone.materials_labour_fee": (
        Decimal("1000"), _l("Telephone: materials and labour paid to Finance"), "R-FD-6"),
    "phone.centre_initial_fee": (
        Decimal("300"), _l("Telephone: initial fee of a line the centre applied for"),
        "R-FD-6"),
    "mail.remind_after_days": (
        Decimal("3"), _l("Mail not collected after this many days is reminded"), "R-FD-5"),
    "pass.free_per_member": (
        Decimal("3"), _l("Resident passes: free passes per household member"), "R-FD-2"),
    "pass.extra_fee": (Decimal("50"), _l("Resident passes: fee of each extra pass"),
                       "R-FD-2"),
    "newspaper.minimum_months": (
        Decimal("1"), _l("Newspaper subscriptions: shortest period (months)"), "R-FD-4"),
    # Input bounds (app.security.bounds): no rule, a safeguard every form follows.
    "input.text_max_length": (Decimal("4000"), _l("Longest text a field accepts (characters)"),
                              None),
    "input.earliest_year": (Decimal("2000"), _l("Earliest year a date may have"), None),
    "input.ahead_days": (Decimal("366"),
                         _l("Promised and requested times: at most this many days ahead"),
                         None),
}


class Setting(TimestampMixin, Model):
    __tablename__ = "app_setting"
    scope_global = True  # company-wide; only admins hold write permission

    id = Column(Integer, primary_key=True)
    key = Column(String(80), nullable=False, unique=True)
    value = Column(Numeric(14, 4), nullable=False)
    rule = Column(String(20), nullable=True)

    @property
    def label(self) -> str:
        entry = DEFAULTS.get(self.key)
        return str(entry[1]) if entry else self.key

    def __repr__(self) -> str:
        return self.label


def setting(session: Session, key: str) -> Decimal:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return Decimal(value) if value is not None else DEFAULTS[key][0]


def seed_settings(session: Session) -> int:
    have = set(session.scalars(select(Setting.key)))
    missing = [Setting(key=k, value=v, rule=r) for k, (v, _label, r) in DEFAULTS.items()
               if k not in have]
    session.add_all(missing)
    session.flush()
    return len(missing)
