"""Demo company for trying the product: `flask demo load`.

One management company with the shape RULES.md describes (R-ORG-1): 深圳市华居物业管理有限公司
with a Shenzhen and a Hong Kong branch, three management offices and four estates:

* 翠湖花园: residential, moved in over 5 years ago, 1,200 households (R-SV-3 ≥ 15 % sample);
* 翠湖·悦府: residential, moved in about 2 years ago, 280 households (R-SV-3 ≥ 30 %);
* 华居汇购物中心: a shopping centre whose shops are let to 专柜 / brand tenants (R-RES-1);
* 海濱花園: a Hong Kong estate written in Traditional Chinese (region hong_kong, zh_Hant).

Every office has the departments of R-ORG-2, named as its staff say them. Units carry floors
and areas; residents are owners, tenants and family members (R-RES-1) with realistic names
and mainland (11 digits) or Hong Kong (8 digits) mobiles, generated from fixed seeds so that
every load produces the same people. One user per role of R-ORG-3 (plus a second technician
and a Hong Kong one, so that dispatch offers a choice) works where a staff profile says
(R-ORG-4), and a handful of repair work orders in different states (R-WO-1..7) fill the
queues.

Loading is idempotent: it only adds what is missing (looked up by name, code, username,
unit number), keeps whatever an admin changed, never touches the password of an existing
account, and creates the demo work orders only in a database without any. Everything is
written in one transaction, committed at the end.

No model uses Flask-AppBuilder's AuditMixin (they use TimestampMixin; who changed what is in
the audit log), so nothing needs a user in `g.user`; the audit log records the load as
"system".
"""
from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable

import click
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (Branch, Building, CalendarDay, Company, Department, Estate, Office,
                        Resident, Revisit, StaffProfile, Unit, WorkOrder)
from app.models.base import local_now
from app.models.org import DEPARTMENT_KINDS, REGIONS
from app.security import permissions as P

DEMO_PASSWORD = "Wuye-Demo-2026"
DEMO_EMAIL_DOMAIN = "wuye-demo.example"
SEED = 20260618  # every random choice below derives from it: the same data on every load

# --- organisation (R-ORG-1, R-ORG-2) ------------------------------------------------------

COMPANY_NAME = "深圳市华居物业管理有限公司"
COMPANY_HOTLINE = "400-830-8899"
BRANCHES = {"sz": "深圳分公司", "hk": "香港分公司"}

MAINLAND_DEPARTMENTS = {
    "customer_service": "客服部", "engineering": "工程部", "environment": "环境部",
    "security": "安全管理部", "finance": "财务部", "quality": "品质部",
    "administration": "行政部", "marketing": "市场营销部",
}
# A shopping centre's office says 客户服务中心, 机电部, 保安部 and 总务部 (R-FD-6).
MALL_DEPARTMENTS = {
    **MAINLAND_DEPARTMENTS, "customer_service": "客户服务中心", "engineering": "机电部",
    "security": "保安部", "administration": "总务部",
}
HONG_KONG_DEPARTMENTS = {
    "customer_service": "客服部", "engineering": "機電部", "environment": "環境部",
    "security": "保安部", "finance": "財務部", "quality": "品質部",
    "administration": "行政部", "marketing": "市場營銷部",
}


@dataclass(frozen=True)
class OfficeSpec:
    key: str
    branch: str
    name: str
    phone: str
    departments: dict[str, str]


OFFICES = (
    OfficeSpec("cuihu", "sz", "翠湖管理处", "0755-2660 8801", MAINLAND_DEPARTMENTS),
    OfficeSpec("futian", "sz", "福田中心区管理处", "0755-8288 6602", MALL_DEPARTMENTS),
    OfficeSpec("hk", "hk", "北角管理處", "2561 0803", HONG_KONG_DEPARTMENTS),
)
OFFICE_BY_KEY = {o.key: o for o in OFFICES}


@dataclass(frozen=True)
class EstateSpec:
    code: str
    name: str
    office: str
    kind: str
    region: str
    script: str
    address: str
    move_in: Callable[[date], date]
    plan: Callable[["EstateSpec", date], list["BuildingPlan"]]


@dataclass
class UnitPlan:
    number: str
    floor: int
    area_m2: int
    occupied: bool
    residents: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BuildingPlan:
    name: str
    floors: int
    units: list[UnitPlan] = field(default_factory=list)


# --- people: names and phones from fixed seeds ------------------------------------------

# Surnames roughly by frequency (weights in ‰ of the population), given names as people
# are called. Simplified for the mainland, Traditional for Hong Kong.
MAINLAND_SURNAMES = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 60), ("杨", 31), ("黄", 30),
    ("赵", 23), ("吴", 22), ("周", 19), ("徐", 15), ("孙", 15), ("马", 15), ("朱", 13),
    ("胡", 13), ("郭", 12), ("何", 13), ("林", 14), ("高", 11), ("罗", 11), ("郑", 11),
    ("梁", 10), ("谢", 8), ("宋", 7), ("唐", 7), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 8),
    ("曹", 6), ("彭", 6), ("曾", 7), ("肖", 6), ("田", 6), ("董", 5), ("袁", 5), ("潘", 5),
    ("于", 5), ("蒋", 5), ("蔡", 6), ("余", 5), ("杜", 5), ("叶", 5), ("程", 4), ("苏", 4),
    ("魏", 4), ("吕", 4), ("丁", 4), ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 3),
    ("崔", 3), ("钟", 4), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3),
    ("廖", 3), ("贾", 3), ("夏", 3), ("韦", 3), ("方", 3), ("邹", 3), ("熊", 2), ("白", 2),
    ("孟", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("段", 2), ("雷", 2),
    ("侯", 2), ("龙", 2), ("史", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2), ("龚", 2),
    ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("覃", 1), ("莫", 1), ("戴", 1), ("欧阳", 1),
)
MAINLAND_GIVEN = (
    "建国", "建华", "志强", "志明", "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超",
    "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "文博",
    "振华", "国栋", "海涛", "晓东", "立新", "永刚", "德明", "春生", "志远", "俊峰", "建平",
    "丽", "娟", "敏", "静", "燕", "艳", "芳", "娜", "秀英", "桂英", "丽娟", "秀兰", "玉兰",
    "婷", "雪", "慧", "莹", "晶", "倩", "晓燕", "海燕", "丽华", "美玲", "淑芬", "春梅",
    "红梅", "文静", "思琪", "佳琪", "雅琴", "慧敏", "晓红", "丽萍", "亚楠", "凤英",
)
MAINLAND_CHILDREN = (
    "子轩", "浩然", "宇航", "梓涵", "紫涵", "诗涵", "雨欣", "佳怡", "梦瑶", "一诺", "欣怡",
    "俊熙", "思远", "博文", "一鸣", "天佑", "可馨", "欣妍", "沐阳", "子墨", "若曦", "语桐",
)
HONG_KONG_SURNAMES = (
    ("陳", 80), ("李", 50), ("張", 45), ("黃", 45), ("梁", 35), ("何", 30), ("林", 30),
    ("吳", 25), ("劉", 25), ("鄭", 20), ("王", 20), ("楊", 15), ("郭", 15), ("羅", 15),
    ("譚", 13), ("葉", 13), ("麥", 12), ("謝", 12), ("曾", 12), ("周", 12), ("鄧", 12),
    ("蔡", 10), ("馮", 10), ("盧", 10), ("朱", 10), ("余", 10), ("蘇", 10), ("潘", 10),
    ("袁", 8), ("許", 8), ("彭", 6), ("莫", 6), ("伍", 6), ("方", 6), ("關", 5), ("溫", 5),
    ("區", 4), ("岑", 3), ("霍", 3), ("歐陽", 2),
)
HONG_KONG_GIVEN = (
    "志明", "家豪", "偉強", "嘉欣", "詠詩", "美玲", "俊傑", "慧敏", "子健", "凱琳", "國強",
    "淑儀", "卓文", "曉彤", "建華", "嘉敏", "永康", "麗珊", "家樂", "思穎", "文傑", "雅琪",
    "振邦", "寶儀", "啟明", "婉婷", "錦華", "佩珊", "嘉俊", "穎欣", "偉明", "秀英", "德輝",
    "玉蓮", "志強", "美華", "家明", "詩敏", "國樑", "鳳儀",
)
HONG_KONG_CHILDREN = (
    "浩然", "芷晴", "子朗", "凱晴", "卓謙", "樂瑤", "梓軒", "穎彤", "俊言", "心悅", "天朗",
    "曉晴",
)
MAINLAND_MOBILE_PREFIXES = tuple(
    [f"13{d}" for d in range(10)] + ["150", "151", "152", "153", "155", "156", "157",
                                     "158", "159"] + [f"18{d}" for d in range(10)])
HONG_KONG_MOBILE_FIRST = ("5", "6", "9")


class People:
    """Names and mobile numbers of one script, reproducible from the seed; phones unique."""

    def __init__(self, rng: random.Random, region: str, used_phones: set[str]) -> None:
        self.rng = rng
        self.hong_kong = region == "hong_kong"
        surnames = HONG_KONG_SURNAMES if self.hong_kong else MAINLAND_SURNAMES
        self._surnames = [s for s, _w in surnames]
        self._weights = [w for _s, w in surnames]
        self._given = HONG_KONG_GIVEN if self.hong_kong else MAINLAND_GIVEN
        self._children = HONG_KONG_CHILDREN if self.hong_kong else MAINLAND_CHILDREN
        self._used = used_phones

    def surname(self) -> str:
        return self.rng.choices(self._surnames, self._weights)[0]

    def name(self, surname: str | None = None, child: bool = False) -> str:
        given = self.rng.choice(self._children if child else self._given)
        return (surname or self.surname()) + given

    def phone(self) -> str:
        while True:
            if self.hong_kong:
                number = self.rng.choice(HONG_KONG_MOBILE_FIRST) + "".join(
                    self.rng.choice("0123456789") for _ in range(7))
            else:
                number = self.rng.choice(MAINLAND_MOBILE_PREFIXES) + "".join(
                    self.rng.choice("0123456789") for _ in range(8))
            if number not in self._used:
                self._used.add(number)
                return number


def _day_between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- estate plans (R-RES-1) ----------------------------------------------------------------

def _households(people: People, rng: random.Random, move_in: date, today: date,
                vacant: float = 0.03, rented: float = 0.2, family: float = 0.25
                ) -> tuple[bool, list[dict[str, Any]]]:
    """Who is registered for one flat: always its owner; a tenant when it is let; family
    members living with an owner-occupier. Returns (occupied, residents)."""
    owner_surname = people.surname()
    owner = {"name": people.name(owner_surname), "relation": "owner", "phone": people.phone()}
    roll = rng.random()
    if roll < vacant:  # bought, not lived in (空置): the owner is still on file
        return False, [owner]
    # Most owners moved in within the first year; later ones bought second-hand.
    first_year = move_in + timedelta(days=365)
    owner_in = (_day_between(rng, move_in, min(first_year, today)) if rng.random() < 0.7
                else _day_between(rng, move_in, today))
    if roll < vacant + rented:
        tenant_in = _day_between(rng, max(move_in, _years_before(today, 3)), today)
        return True, [owner, {"name": people.name(), "relation": "tenant",
                              "phone": people.phone(), "move_in_date": tenant_in}]
    owner["move_in_date"] = owner_in
    residents = [owner]
    if rng.random() < family:
        spouse = people.name() if rng.random() < 0.9 else people.name(owner_surname)
        residents.append({"name": spouse, "relation": "family", "phone": people.phone(),
                          "move_in_date": owner_in})
        if rng.random() < 0.4:
            residents.append({"name": people.name(owner_surname, child=True),
                              "relation": "family", "phone": None,
                              "move_in_date": _day_between(rng, owner_in, today)})
    return True, residents


def _residential(buildings: Iterable[str], floors: int, areas: tuple[int, ...],
                 number: Callable[[int, int], str], **household_rates: float):
    """A plan of identical towers: `floors` floors, one flat per entry of `areas`."""

    def plan(spec: EstateSpec, today: date) -> list[BuildingPlan]:
        rng = random.Random(f"{SEED}-{spec.code}")
        people = People(rng, spec.region, set())
        move_in = spec.move_in(today)
        result = []
        for building in buildings:
            b = BuildingPlan(building, floors)
            for floor in range(1, floors + 1):
                for position, area in enumerate(areas, start=1):
                    occupied, residents = _households(people, rng, move_in, today,
                                                      **household_rates)
                    b.units.append(UnitPlan(number(floor, position), floor, area, occupied,
                                            residents))
            result.append(b)
        return result

    return plan


# Shops of 华居汇购物中心 by level: (level label, floor, tenants). Brand names are made up.
MALL_LEVELS = (
    ("B1", -1, ("佳鲜生活超市", "一品茶饮", "麦香烘焙坊", "粤点茶餐厅", "兰州牛肉拉面",
                "鲜果时光", "三鲜饺子馆", "甜心冰品", "小丸子寿司", "福记卤味", "花语鲜花坊",
                "老街肠粉")),
    ("L1", 1, ("恒鑫黄金专柜", "铂晶钟表专柜", "悦颜美妆专柜", "素肌护肤专柜", "优品眼镜",
               "数码港手机专柜", "丝路箱包专柜", "雅韵香水专柜", "金玉缘珠宝专柜",
               "步履鞋业专柜", "晨光饰品", "茗香茶叶专柜", "光影相机专柜", "银座腕表专柜")),
    ("L2", 2, ("云裳女装专柜", "简衣坊", "锦绣旗袍", "都市丽影女装", "优雅内衣专柜",
               "风尚男装", "绅士西服专柜", "牛仔工坊", "静美丝巾专柜", "轻羽羽绒服专柜",
               "时光皮具专柜", "悦步女鞋专柜")),
    ("L3", 3, ("运动城", "跃动跑鞋专柜", "户外探索者", "童趣坊童装", "小熊乐园玩具",
               "启智书童", "宝贝孕婴", "积木天地", "乐动球拍专柜", "墨香书店", "家居生活馆",
               "棉麻家纺专柜")),
    ("L4", 4, ("川湘小厨", "潮汕牛肉火锅", "江南小馆", "湘味坊", "老街烤鱼", "日式拉面屋",
               "韩风烤肉", "椰林泰式料理")),
    ("L5", 5, ("星光影城", "悦动健身", "欢乐歌城KTV", "童梦游乐场", "艺术培训中心",
               "电玩城")),
)
MALL_ANCHORS = {"B1-01": 2400, "L5-01": 2200, "L3-01": 900, "L5-02": 1200}


def _shopping_centre(spec: EstateSpec, today: date) -> list[BuildingPlan]:
    """One mall building, B1 to L5; most shops let to a brand or counter (专柜) whose shop
    manager is registered as the shop tenant (R-RES-1); a few shops are empty."""
    rng = random.Random(f"{SEED}-{spec.code}")
    people = People(rng, spec.region, set())
    opened = spec.move_in(today)
    building = BuildingPlan("购物中心主楼", len(MALL_LEVELS))
    for level, floor, brands in MALL_LEVELS:
        for position, brand in enumerate(brands, start=1):
            number = f"{level}-{position:02d}"
            low, high = (120, 380) if level in ("B1", "L4") else (28, 240)  # restaurants
            area = MALL_ANCHORS.get(number) or rng.randint(low, high)
            vacant = number not in MALL_ANCHORS and rng.random() < 0.07
            unit = UnitPlan(number, floor, area, not vacant)
            if not vacant:
                unit.residents.append({
                    "name": people.name(), "relation": "shop_tenant", "phone": people.phone(),
                    "company_name": brand, "notes": "店长" if "专柜" not in brand else "专柜负责人",
                    "move_in_date": _day_between(rng, opened, today)})
            building.units.append(unit)
    return [building]


def _cuihu_number(floor: int, position: int) -> str:
    return f"{floor}{position:02d}"


def _hong_kong_number(floor: int, position: int) -> str:
    return f"{floor}樓{'ABCD'[position - 1]}室"


ESTATES = (
    EstateSpec("SZ-CHHY", "翠湖花园", "cuihu", "residential", "mainland", "zh_Hans",
               "深圳市南山区沙河西路3011号", lambda today: date(2016, 6, 18),
               _residential([f"{n}栋" for n in range(1, 13)], 25, (89, 118, 118, 89),
                            _cuihu_number)),
    EstateSpec("SZ-CHYF", "翠湖·悦府", "cuihu", "residential", "mainland", "zh_Hans",
               "深圳市南山区白石路2188号",
               lambda today: _years_before(today, 2).replace(day=18),
               _residential([f"{n}栋" for n in range(1, 6)], 14, (98, 125, 125, 98),
                            _cuihu_number, vacant=0.1, rented=0.15, family=0.35)),
    EstateSpec("SZ-HJH", "华居汇购物中心", "futian", "shopping_centre", "mainland", "zh_Hans",
               "深圳市福田区福华三路88号", lambda today: date(2019, 9, 28), _shopping_centre),
    EstateSpec("HK-HBHY", "海濱花園", "hk", "residential", "hong_kong", "zh_Hant",
               "香港北角海濱道38號", lambda today: date(1998, 3, 16),
               _residential([f"第{n}座" for n in range(1, 5)], 20, (45, 58, 58, 45),
                            _hong_kong_number, vacant=0.02, rented=0.3, family=0.35)),
)
ESTATE_BY_CODE = {e.code: e for e in ESTATES}
FIRST_OFFICE_ESTATES = ("SZ-CHHY", "SZ-CHYF")


# --- staff (R-ORG-3, R-ORG-4) ----------------------------------------------------------------

@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    last_name: str  # 姓
    first_name: str  # 名
    job_title: str
    departments: tuple[tuple[str, str], ...] = ()  # (office key, department kind)
    estates: tuple[str, ...] = ()  # estate codes
    offices: tuple[str, ...] = ()  # office keys: directors see their whole office
    branches: tuple[str, ...] = ()


_CS1 = (("cuihu", "customer_service"),)
_ENG1 = (("cuihu", "engineering"),)
USERS = (
    UserSpec("admin", P.ROLE_ADMIN, "周", "志强", "系统管理员"),
    UserSpec("gm", P.ROLE_GM, "陈", "国华", "总经理", branches=("sz", "hk")),
    UserSpec("deputy_gm", P.ROLE_DEPUTY_GM, "林", "建平", "分管副总经理", branches=("sz", "hk")),
    UserSpec("director", P.ROLE_OFFICE_DIRECTOR, "王", "海涛", "管理处主任", offices=("cuihu",)),
    UserSpec("agent", P.ROLE_FRONT_DESK_AGENT, "李", "晓燕", "客服员", _CS1, FIRST_OFFICE_ESTATES),
    UserSpec("cs_supervisor", P.ROLE_CS_SUPERVISOR, "张", "丽娟", "客服主管", _CS1,
             FIRST_OFFICE_ESTATES),
    UserSpec("cs_manager", P.ROLE_CS_CENTRE_MANAGER, "刘", "婷", "客户服务中心经理", _CS1,
             FIRST_OFFICE_ESTATES),
    UserSpec("eng_head", P.ROLE_DEPARTMENT_HEAD, "赵", "建军", "工程部经理", _ENG1,
             FIRST_OFFICE_ESTATES),
    UserSpec("repair_lead", P.ROLE_REPAIR_LEAD, "孙", "志刚", "维修班长", _ENG1,
             FIRST_OFFICE_ESTATES),
    UserSpec("technician", P.ROLE_TECHNICIAN, "黄", "伟", "维修工", _ENG1, FIRST_OFFICE_ESTATES),
    UserSpec("technician2", P.ROLE_TECHNICIAN, "吴", "强", "维修电工（电工班）", _ENG1,
             ("SZ-CHHY",)),
    UserSpec("property_officer", P.ROLE_PROPERTY_OFFICER, "郑", "慧敏", "物管员", _CS1,
             FIRST_OFFICE_ESTATES),
    UserSpec("quality", P.ROLE_QUALITY_OFFICER, "许", "静", "品质专员",
             (("cuihu", "quality"),), FIRST_OFFICE_ESTATES),
    UserSpec("agent2", P.ROLE_FRONT_DESK_AGENT, "何", "佳琪", "客服员",
             (("futian", "customer_service"),), ("SZ-HJH",)),
    UserSpec("agent_hk", P.ROLE_FRONT_DESK_AGENT, "陳", "嘉欣", "客服員",
             (("hk", "customer_service"),), ("HK-HBHY",)),
    UserSpec("eng_head_hk", P.ROLE_DEPARTMENT_HEAD, "梁", "志偉", "機電部經理",
             (("hk", "engineering"),), ("HK-HBHY",)),
    UserSpec("technician_hk", P.ROLE_TECHNICIAN, "黃", "家豪", "維修技工",
             (("hk", "engineering"),), ("HK-HBHY",)),
)


# --- loading -------------------------------------------------------------------------------

@dataclass
class _Load:
    session: Session
    today: date
    plans: dict[str, list[BuildingPlan]] = field(default_factory=dict)
    added: Counter = field(default_factory=Counter)
    branches: dict[str, Branch] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    estates: dict[str, Estate] = field(default_factory=dict)
    departments: dict[tuple[str, str], Department] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    kept_users: list[str] = field(default_factory=list)  # existing non-demo accounts
    notes: list[str] = field(default_factory=list)
    work_orders: list[WorkOrder] = field(default_factory=list)

    def get_or_add(self, model: type, key: dict[str, Any], **values: Any) -> Any:
        """The row matching `key`, or a new one with `key` and `values` (existing rows are
        left as an admin may have edited them)."""
        row = self.session.scalar(select(model).filter_by(**key))
        if row is None:
            row = model(**key, **values)
            self.session.add(row)
            self.added[model.__name__] += 1
        return row


def load_demo() -> list[str]:
    """Load or top up the demo data; return a summary and the table of demo logins."""
    session: Session = current_app.appbuilder.session
    today = local_now().date()
    load = _Load(session, today, {spec.code: spec.plan(spec, today) for spec in ESTATES})
    try:
        _seed_reference_data(load)
        _organisation(load)
        for spec in ESTATES:
            _units_and_residents(load, spec)
        _staff(load)
        _demo_work_orders(load)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return _summary(load)


def _seed_reference_data(load: _Load) -> None:
    """Settings, deadline policies and the working-day calendar of this year and the next,
    for a region whose calendar has no day in the current year (`flask calendar seed`
    normally fills every supported year first)."""
    from app.models.settings import seed_settings
    from app.workflows.calendar import seed_calendar
    from app.workflows.deadlines import seed_policies

    session = load.session
    load.added["Setting"] += seed_settings(session)
    load.added["DeadlinePolicy"] += seed_policies(session)
    from app.workflows.compensation import seed_approval_rules
    load.added["ApprovalRule"] += seed_approval_rules(session)
    year = load.today.year
    for region in REGIONS:
        known = session.scalar(select(CalendarDay.id).where(
            CalendarDay.region == region,
            CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))).limit(1))
        if known is None:
            result = seed_calendar(session, [region], years=[year, year + 1])
            load.added["CalendarDay"] += int(result[region]["inserted"])


def _organisation(load: _Load) -> None:
    """Company → branches → offices → estates, and each office's departments (R-ORG-1/2)."""
    session = load.session
    company = load.get_or_add(Company, {"name": COMPANY_NAME}, hotline=COMPANY_HOTLINE)
    session.flush()
    for key, name in BRANCHES.items():
        load.branches[key] = load.get_or_add(Branch, {"company_id": company.id, "name": name})
    session.flush()
    for spec in OFFICES:
        load.offices[spec.key] = load.get_or_add(
            Office, {"branch_id": load.branches[spec.branch].id, "name": spec.name},
            phone=spec.phone)
    session.flush()
    for spec in OFFICES:
        office = load.offices[spec.key]
        have: dict[str, list[Department]] = {}
        for department in session.scalars(select(Department).where(
                Department.office_id == office.id).order_by(Department.id)):
            have.setdefault(department.kind, []).append(department)
        for kind in DEPARTMENT_KINDS:
            # Admins may have added more departments of a kind (an electricians' team):
            # the demo's people belong to the one with the demo's name, else the first.
            same = have.get(kind, [])
            department = next((d for d in same if d.name == spec.departments[kind]),
                              same[0] if same else None)
            if department is None:
                department = Department(office_id=office.id, kind=kind,
                                        name=spec.departments[kind])
                session.add(department)
                load.added["Department"] += 1
            load.departments[(spec.key, kind)] = department
    for spec in ESTATES:
        estate = session.scalar(select(Estate).where(Estate.code == spec.code))
        if estate is None:
            # Households: one per flat; in a shopping centre, one per shop.
            estate = Estate(office_id=load.offices[spec.office].id, code=spec.code,
                            name=spec.name, kind=spec.kind, region=spec.region,
                            script=spec.script, address=spec.address,
                            move_in_date=spec.move_in(load.today),
                            household_count=sum(len(b.units) for b in load.plans[spec.code]))
            session.add(estate)
            load.added["Estate"] += 1
        load.estates[spec.code] = estate
    session.flush()


def _units_and_residents(load: _Load, spec: EstateSpec) -> None:
    """Buildings, units and residents of one estate; only what is missing is added.

    A unit is topped up with its planned residents only when it has none at all, so people
    an admin moved out or edited stay as they are.
    """
    session = load.session
    estate = load.estates[spec.code]
    plan = load.plans[spec.code]
    buildings = {b.name: b for b in session.scalars(
        select(Building).where(Building.estate_id == estate.id))}
    for b in plan:
        if b.name not in buildings:
            building = Building(estate_id=estate.id, name=b.name, floors=b.floors)
            session.add(building)
            buildings[b.name] = building
            load.added["Building"] += 1
    session.flush()
    units = {(row.building_id, row.number): row.id for row in session.execute(
        select(Unit.building_id, Unit.number, Unit.id).join(Building)
        .where(Building.estate_id == estate.id))}
    with_residents = set(session.scalars(
        select(Resident.unit_id).join(Unit).join(Building)
        .where(Building.estate_id == estate.id).distinct()))
    new_rows: list[Any] = []
    for b in plan:
        building = buildings[b.name]
        for u in b.units:
            unit_id = units.get((building.id, u.number))
            if unit_id is None:
                unit = Unit(building_id=building.id, number=u.number, floor=u.floor,
                            area_m2=u.area_m2, occupied=u.occupied)
                new_rows.append(unit)
                new_rows.extend(Resident(unit=unit, **r) for r in u.residents)
            elif unit_id not in with_residents:
                new_rows.extend(Resident(unit_id=unit_id, **r) for r in u.residents)
    session.add_all(new_rows)
    session.flush()
    for row in new_rows:
        load.added[type(row).__name__] += 1


def _staff(load: _Load) -> None:
    """One account per role with its staff profile (R-ORG-3, R-ORG-4). Existing accounts
    keep their password and roles; a missing profile is added."""
    sm = current_app.appbuilder.sm
    session = load.session
    for spec in USERS:
        user = sm.find_user(username=spec.username)
        if user is None:
            role = sm.find_role(spec.role)
            if role is None:
                raise click.ClickException(
                    f"The role {spec.role!r} does not exist yet: run `flask roles sync` "
                    f"before `flask demo load`.")
            user = sm.add_user(spec.username, spec.first_name, spec.last_name,
                               f"{spec.username}@{DEMO_EMAIL_DOMAIN}", [role],
                               DEMO_PASSWORD, commit=False)
            if not user:  # Flask-AppBuilder logged why and rolled the session back
                raise click.ClickException(f"Could not create the demo user {spec.username}.")
            load.added["User"] += 1
        elif not (user.email or "").endswith("@" + DEMO_EMAIL_DOMAIN):
            load.kept_users.append(spec.username)  # not a demo account: its own password
        load.users[spec.username] = user
        if session.scalar(select(StaffProfile.id).where(StaffProfile.user_id == user.id)):
            continue
        rng = random.Random(f"{SEED}-staff-{spec.username}")
        region = "hong_kong" if spec.username.endswith("_hk") else "mainland"
        session.add(StaffProfile(
            user_id=user.id, job_title=spec.job_title,
            phone=People(rng, region, set()).phone(),
            departments=[load.departments[d] for d in spec.departments],
            estates=[load.estates[e] for e in spec.estates],
            offices=[load.offices[o] for o in spec.offices],
            branches=[load.branches[b] for b in spec.branches]))
        load.added["StaffProfile"] += 1
    session.flush()


# --- demo work orders (R-WO-1..7) -----------------------------------------------------------

def _unit(load: _Load, code: str, building: str, number: str) -> Unit:
    return load.session.scalar(
        select(Unit).join(Building)
        .where(Building.estate_id == load.estates[code].id, Building.name == building,
               Unit.number == number))


def _caller(unit: Unit) -> Resident | None:
    """Who would call about this flat: the tenant if it is let, else the owner."""
    order = {"tenant": 0, "shop_tenant": 0, "owner": 1, "family": 2}
    people = sorted(unit.residents, key=lambda r: (order.get(r.relation, 3), r.id))
    return people[0] if people else None


def _demo_work_orders(load: _Load) -> None:
    """A few repairs in different states so that every queue has something in it: an
    emergency leak just reported, jobs dispatched, accepted with an appointment, done and
    awaiting the customer's signature (its revisit is due, R-WO-7), and one closed after
    payment with its revisit recorded. Created through the workflow engine, acting as the
    people who would do each step, and only in a database that has no work orders yet.

    When a step is refused (an admin changed the demo accounts' roles or profiles), the
    work orders are left out and the summary says why; the rest of the demo still loads.
    """
    from app.workflows.engine import WorkflowError

    session = load.session
    if session.scalar(select(func.count(WorkOrder.id))):
        return
    try:
        with session.begin_nested():
            _register_work_orders(load)
    except WorkflowError as error:
        load.work_orders.clear()
        details = "; ".join(f"{k}: {v}" for k, v in error.errors.items())
        load.notes.append(f"Demo work orders left out: {error.message} {details}".strip())
        return
    load.added["WorkOrder"] += len(load.work_orders)


def _register_work_orders(load: _Load) -> None:
    from app.security.actor import Actor
    from app.workflows import engine

    session = load.session
    users = load.users
    actors: dict[str, Actor] = {}

    def actor(username: str) -> Actor:
        if username not in actors:
            user = users.get(username)
            actors[username] = Actor.for_user(user) if user is not None else Actor.system()
        return actors[username]

    t = local_now()

    def ago(**delta: float) -> datetime:
        return t - timedelta(**delta)

    def register(by: str, when: datetime, **values: Any) -> WorkOrder:
        doc = WorkOrder(**values)
        if doc.unit is not None and doc.resident is None:
            doc.resident = _caller(doc.unit)
        engine.create(doc, actor=actor(by), session=session, now=when, commit=False)
        load.work_orders.append(doc)
        return doc

    def step(doc: Any, name: str, by: str, when: datetime, **data: Any) -> None:
        engine.apply(doc, name, data, actor=actor(by), session=session, now=when,
                     commit=False)

    cuihu = load.estates["SZ-CHHY"]
    yuefu = load.estates["SZ-CHYF"]

    # 1. Emergency: a burst hose, reported a few minutes ago; on site within 15 minutes.
    register("agent", ago(minutes=4), estate=cuihu, unit=_unit(load, "SZ-CHHY", "3栋", "1502"),
             source="resident_phone", category="water_leak", emergency=True,
             reported_at=ago(minutes=6),
             description="厨房水槽下方进水软管爆裂，水已漫到客厅，楼下1402天花板开始滴水。"
                         "业主已关闭入户总阀，请立即派人。")

    # 2. A public-area fault reported by the property officer on the rounds, not yet sent.
    register("property_officer", ago(minutes=50), estate=cuihu, source="staff",
             category="public_area", location="12栋一楼电梯厅", reported_at=ago(minutes=55),
             description="12栋一楼电梯厅两盏筒灯不亮，晚间照明不足。")

    # 3. Dispatched to the second technician a few minutes ago, not accepted yet.
    doc = register("agent", ago(minutes=20), estate=cuihu,
                   unit=_unit(load, "SZ-CHHY", "5栋", "803"), source="resident_phone",
                   category="plumbing", reported_at=ago(minutes=22),
                   description="卫生间马桶水箱进水阀损坏，水箱一直流水不停。")
    step(doc, "dispatch", "agent", ago(minutes=6), technician_id=users["technician2"].id)

    # 4. Accepted, appointment agreed for tomorrow morning (non-emergency, R-WO-2).
    doc = register("agent", ago(hours=20), estate=yuefu,
                   unit=_unit(load, "SZ-CHYF", "2栋", "1204"), source="resident_phone",
                   category="electrical", reported_at=ago(hours=20, minutes=3),
                   description="客厅两个墙插没电，配电箱空气开关未跳闸，需上门检查线路。")
    step(doc, "dispatch", "agent", ago(hours=19, minutes=55),
         technician_id=users["technician"].id)
    step(doc, "accept", "technician", ago(hours=19, minutes=50))
    appointment = (t + timedelta(days=1)).replace(hour=10, minute=0, second=0)
    step(doc, "agree_appointment", "technician", ago(hours=19, minutes=45),
         appointment_at=appointment)

    # 5. Done a few hours ago, waiting for the customer's signature; its revisit is due.
    doc = register("agent", ago(hours=5), estate=cuihu,
                   unit=_unit(load, "SZ-CHHY", "8栋", "2001"), source="resident_visit",
                   category="doors_windows", reported_at=ago(hours=5, minutes=5),
                   description="阳台推拉门滑轮磨损，门推拉困难并有异响。")
    step(doc, "dispatch", "agent", ago(hours=4, minutes=55),
         technician_id=users["technician"].id)
    step(doc, "accept", "technician", ago(hours=4, minutes=50))
    step(doc, "arrive", "technician", ago(hours=4, minutes=20))
    step(doc, "quote", "technician", ago(hours=4, minutes=10), labour_hours="1.0",
         materials="推拉门滑轮 ×4", fee="60.00", customer_consent=True)
    step(doc, "complete", "technician", ago(hours=3, minutes=20),
         work_done="更换推拉门上下滑轮4个，调整门扇及限位，推拉顺畅无异响。")

    # 6. Closed three days ago: paid by WeChat, money handed to the property officer,
    #    and its revisit already made by phone (R-WO-5, R-WO-7).
    doc = register("agent", ago(days=3, hours=6), estate=cuihu,
                   unit=_unit(load, "SZ-CHHY", "1栋", "602"), source="resident_phone",
                   category="plumbing", reported_at=ago(days=3, hours=6, minutes=2),
                   description="卫生间地漏堵塞，洗澡时积水严重。")
    step(doc, "dispatch", "agent", ago(days=3, hours=5, minutes=58),
         technician_id=users["technician"].id)
    step(doc, "accept", "technician", ago(days=3, hours=5, minutes=52))
    step(doc, "arrive", "technician", ago(days=3, hours=5, minutes=30))
    step(doc, "quote", "technician", ago(days=3, hours=5, minutes=25), labour_hours="0.5",
         materials="", fee="80.00", customer_consent=True)
    step(doc, "complete", "technician", ago(days=3, hours=4, minutes=50),
         work_done="拆开地漏清理毛发及杂物，疏通下水管，试水排水通畅。")
    signer = doc.resident.name if doc.resident is not None else "业主"
    step(doc, "customer_accept", "technician", ago(days=3, hours=4, minutes=45),
         signed_by=signer, satisfaction="very_satisfied", customer_remarks="师傅很细心。")
    step(doc, "record_payment", "technician", ago(days=3, hours=4, minutes=44),
         amount_paid="80.00", payment_method="wechat",
         handed_to_id=users["property_officer"].id)
    step(doc, "close", "agent", ago(days=3, hours=2))
    revisit = session.scalar(select(Revisit).where(Revisit.work_order_id == doc.id))
    if revisit is not None:
        by = next((name for name, user in users.items() if user.id == revisit.assignee_id),
                  "system")  # nobody to assign: the system records it
        step(revisit, "record", by, ago(days=1, hours=3), mode="phone",
             revisitee=signer, repair_checked=True, charge_verified=True,
             satisfaction="satisfied", feedback="师傅准时上门，处理干净利落，收费清楚。")

    # 7. Hong Kong: a leak from the flat above, accepted by the estate's technician.
    hk = load.estates["HK-HBHY"]
    doc = register("agent_hk", ago(minutes=48), estate=hk,
                   unit=_unit(load, "HK-HBHY", "第2座", "15樓C室"), source="resident_phone",
                   category="water_leak", reported_at=ago(minutes=50),
                   description="浴室天花板滲水，懷疑樓上單位去水喉管滲漏，需上門檢查。")
    step(doc, "dispatch", "agent_hk", ago(minutes=40),
         technician_id=users["technician_hk"].id)
    step(doc, "accept", "technician_hk", ago(minutes=36))

    # 8. Shopping centre: loose floor tiles in the atrium, just registered.
    register("agent2", ago(minutes=12), estate=load.estates["SZ-HJH"], source="staff",
             category="public_area", location="L2 中庭自动扶梯旁", reported_at=ago(minutes=15),
             description="L2中庭自动扶梯旁两块地砖松动翘起，已摆放警示牌，需尽快修复。")


# --- summary --------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _works_at(spec: UserSpec) -> str:
    if spec.role in (P.ROLE_ADMIN, P.ROLE_GM, P.ROLE_DEPUTY_GM):
        return "every estate and department"
    if spec.offices:
        offices = [OFFICE_BY_KEY[o] for o in spec.offices]
        estates = [e.name for e in ESTATES if e.office in spec.offices]
        return "、".join(o.name for o in offices) + f" (whole office: {'、'.join(estates)})"
    departments = "、".join(
        f"{OFFICE_BY_KEY[o].name} {OFFICE_BY_KEY[o].departments[k]}" for o, k in spec.departments)
    estates = "、".join(ESTATE_BY_CODE[c].name for c in spec.estates)
    return f"{departments} · {estates}"


def _summary(load: _Load) -> list[str]:
    session = load.session
    added = sum(load.added.values())
    lines = [f"{COMPANY_NAME} (service hotline {COMPANY_HOTLINE})"]
    for spec in ESTATES:
        estate = load.estates[spec.code]
        buildings = session.scalar(select(func.count(Building.id))
                                   .where(Building.estate_id == estate.id))
        units = session.scalar(select(func.count(Unit.id)).join(Building)
                               .where(Building.estate_id == estate.id))
        residents = session.scalar(select(func.count(Resident.id)).join(Unit).join(Building)
                                   .where(Building.estate_id == estate.id))
        moved_in = estate.move_in_date.isoformat() if estate.move_in_date else "?"
        lines.append(f"  {_pad(estate.name, 16)} {spec.code:8} {estate.kind:15} "
                     f"moved in {moved_in}  {estate.household_count:>5} households  "
                     f"{buildings:>3} buildings  {units:>5} units  {residents:>5} residents")
    states = session.execute(select(WorkOrder.state, func.count(WorkOrder.id))
                             .group_by(WorkOrder.state).order_by(WorkOrder.state)).all()
    total = sum(n for _state, n in states)
    lines.append(f"  Work orders: {total}" + (
        " (" + ", ".join(f"{state} {n}" for state, n in states) + ")" if states else ""))
    lines.extend(load.notes)
    if added:
        parts = ", ".join(f"{n} {name}" for name, n in sorted(load.added.items()) if n)
        lines.append(f"Added {parts}.")
    else:
        lines.append("Nothing to add: the demo data is complete.")
    lines.append("")
    lines.append(f"Demo logins (shared password: {DEMO_PASSWORD})")
    rows = [("username", "role", "works at", "password")]
    for spec in USERS:
        password = "(existing account, own password kept)" \
            if spec.username in load.kept_users else DEMO_PASSWORD
        rows.append((spec.username, spec.role, _works_at(spec), password))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        lines.append("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3]))
                     + "  " + row[3])
    return lines
