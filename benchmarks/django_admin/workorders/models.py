"""The application's tables as Django sees them (from `manage.py inspectdb`, trimmed): never
migrated by Django (`managed = False`) and read over a read-only connection.

Every column of work_order is mapped, as inspectdb gives it, so the changelist loads the
same rows the application's list loads. Only the relations the list shows are foreign keys;
the others stay plain id columns. Labels and choices are the application's Simplified
Chinese ones (translations/zh_Hans), so both lists print the same words.
"""
from __future__ import annotations

from django.db import models

STATES = {
    "registered": "已登记", "dispatched": "已派工", "accepted": "维修工已接单",
    "appointment_agreed": "已预约", "on_site": "已到场", "in_progress": "维修中",
    "declined": "客户已拒绝", "completed": "已完工", "customer_accepted": "客户已验收",
    "paid": "已付款", "closed": "已结案", "cancelled": "已取消",
}
CATEGORIES = {
    "safety_facility": "安全设施", "water_leak": "漏水", "electrical": "电气",
    "plumbing": "给排水", "public_area": "公共区域", "doors_windows": "门窗", "other": "其他",
}


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


class Office(models.Model):
    branch_id = models.IntegerField()
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True, null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "org_office"

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    office = models.ForeignKey(Office, models.DO_NOTHING)
    code = models.CharField(unique=True, max_length=20)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    region = models.CharField(max_length=20)
    script = models.CharField(max_length=10)
    address = models.CharField(max_length=300, blank=True, null=True)
    move_in_date = models.DateField(blank=True, null=True)
    household_count = models.IntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    currency = models.CharField(max_length=3)

    class Meta:
        managed = False
        db_table = "org_estate"
        ordering = ["code"]
        verbose_name = "小区"
        verbose_name_plural = "小区"

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    estate = models.ForeignKey(Estate, models.DO_NOTHING)
    name = models.CharField(max_length=100)
    floors = models.IntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "org_building"

    def __str__(self) -> str:
        return f"{self.estate} {self.name}"


class Unit(models.Model):
    building = models.ForeignKey(Building, models.DO_NOTHING)
    number = models.CharField(max_length=40)
    floor = models.IntegerField(blank=True, null=True)
    area_m2 = models.IntegerField(blank=True, null=True)
    occupied = models.BooleanField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "org_unit"

    def __str__(self) -> str:
        # The application's Unit: "estate building number" (app/models/org.py).
        return f"{self.building} {self.number}"


class Department(models.Model):
    office = models.ForeignKey(Office, models.DO_NOTHING)
    kind = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "org_department"

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """The application's user accounts (Flask-AppBuilder's ab_user), not Django's."""

    first_name = models.CharField(max_length=64)
    last_name = models.CharField(max_length=64)
    username = models.CharField(unique=True, max_length=128)
    password = models.CharField(max_length=256, blank=True, null=True)
    active = models.BooleanField(blank=True, null=True)
    email = models.CharField(unique=True, max_length=320)
    last_login = models.DateTimeField(blank=True, null=True)
    login_count = models.IntegerField(blank=True, null=True)
    fail_login_count = models.IntegerField(blank=True, null=True)
    created_on = models.DateTimeField(blank=True, null=True)
    changed_on = models.DateTimeField(blank=True, null=True)
    created_by_fk = models.IntegerField(blank=True, null=True)
    changed_by_fk = models.IntegerField(blank=True, null=True)

    class Meta:
        managed = False
        db_table = "ab_user"

    def __str__(self) -> str:
        # As app/security/names.py writes names: 李晓燕, Anna Wong.
        first, last = self.first_name.strip(), self.last_name.strip()
        if _is_cjk(first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip() or self.username


class WorkOrder(models.Model):
    number = models.CharField("单号", unique=True, max_length=20)
    state = models.CharField("状态", max_length=30, choices=STATES)
    version = models.IntegerField()
    source = models.CharField(max_length=20)
    category = models.CharField("类别", max_length=20, choices=CATEGORIES)
    emergency = models.BooleanField("紧急")
    estate = models.ForeignKey(Estate, models.DO_NOTHING, verbose_name="小区")
    unit = models.ForeignKey(Unit, models.DO_NOTHING, blank=True, null=True,
                             verbose_name="单元")
    resident_id = models.IntegerField(blank=True, null=True)
    contact_name = models.CharField(max_length=100, blank=True, null=True)
    contact_phone = models.CharField(max_length=40, blank=True, null=True)
    location = models.CharField(max_length=200, blank=True, null=True)
    description = models.TextField()
    reported_at = models.DateTimeField("报修时间")
    registered_by_id = models.IntegerField(blank=True, null=True)
    registering_department = models.ForeignKey(
        Department, models.DO_NOTHING, blank=True, null=True, related_name="+")
    department = models.ForeignKey(Department, models.DO_NOTHING, blank=True, null=True,
                                   related_name="+")
    technician = models.ForeignKey(Person, models.DO_NOTHING, blank=True, null=True,
                                   related_name="+", verbose_name="维修工")
    dispatched_at = models.DateTimeField(blank=True, null=True)
    accepted_at = models.DateTimeField(blank=True, null=True)
    arrived_at = models.DateTimeField(blank=True, null=True)
    appointment_at = models.DateTimeField(blank=True, null=True)
    labour_hours = models.DecimalField(max_digits=6, decimal_places=2, blank=True, null=True)
    materials = models.TextField(blank=True, null=True)
    fee = models.DecimalField(max_digits=10, decimal_places=2, blank=True, null=True)
    customer_consent = models.BooleanField()
    decline_reason = models.TextField(blank=True, null=True)
    not_fixable_reason = models.TextField(blank=True, null=True)
    work_done = models.TextField(blank=True, null=True)
    completed_at = models.DateTimeField(blank=True, null=True)
    signed_by = models.CharField(max_length=100, blank=True, null=True)
    customer_accepted_at = models.DateTimeField(blank=True, null=True)
    satisfaction = models.CharField(max_length=20, blank=True, null=True)
    customer_remarks = models.TextField(blank=True, null=True)
    amount_paid = models.DecimalField(max_digits=10, decimal_places=2, blank=True, null=True)
    payment_method = models.CharField(max_length=20, blank=True, null=True)
    received_by_id = models.IntegerField(blank=True, null=True)
    handed_to_id = models.IntegerField(blank=True, null=True)
    paid_at = models.DateTimeField(blank=True, null=True)
    invoice_number = models.CharField(max_length=40, blank=True, null=True)
    invoice_issued_at = models.DateTimeField(blank=True, null=True)
    closed_at = models.DateTimeField(blank=True, null=True)
    cancel_reason = models.TextField(blank=True, null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    notice_signed_by_id = models.IntegerField(blank=True, null=True)
    notice_signed_at = models.DateTimeField(blank=True, null=True)
    notice_visit_at = models.DateTimeField(blank=True, null=True)
    resident_told_at = models.DateTimeField(blank=True, null=True)

    class Meta:
        managed = False
        db_table = "work_order"
        verbose_name = "工单"
        verbose_name_plural = "工单"

    def __str__(self) -> str:
        return self.number
