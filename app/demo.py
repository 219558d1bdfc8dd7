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
(R-ORG-4). A handful of repair work orders in different states (R-WO-1..7), entries of the
customer-service register of every kind and source (R-CS-1..6), complaints of every class
with a collective proposal (R-CP-1..7), compensation claims on each approval route with
their evidence files (R-CO-1..5) and the office director's daily sign-off of the complaint
register (R-CP-6) fill the queues and pages. They are created through the workflow engine,
acting as the demo users who would take each step, in the estate's script (Traditional
Chinese in Hong Kong).

Loading is idempotent: it only adds what is missing (looked up by name, code, username,
unit number), keeps whatever an admin changed, never touches the password of an existing
account, and creates each kind of demo document (work orders, register entries, complaints,
compensation claims, sign-offs) only in a database without any. Everything is written in
one transaction, committed at the end; a kind whose steps the engine refuses is left out
and the summary says why.

No model uses Flask-AppBuilder's AuditMixin (they use TimestampMixin; who changed what is in
the audit log), so nothing needs a user in `g.user`; the audit log records the load as
"system".
"""
from __future__ import annotations

import io
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
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
        _demo_desk(load)
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
        engine.create(doc, actor=actor(by), session=session, now=when)
        load.work_orders.append(doc)
        return doc

    def step(doc: Any, name: str, by: str, when: datetime, **data: Any) -> None:
        engine.apply(doc, name, data, actor=actor(by), session=session, now=when)

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


# --- the customer-service desk: register, complaints, claims, sign-off ----------------------

class _Desk:
    """Acts as the demo's people through the workflow engine: one Actor per demo user (the
    engine checks their permissions, scope and guards), times relative to the load."""

    def __init__(self, load: _Load) -> None:
        self.load = load
        self.session = load.session
        self.now = local_now()
        self.doing = ""  # the step being taken, for the summary when it is refused
        self._actors: dict[str, Any] = {}

    def actor(self, username: str) -> Any:
        from app.security.actor import Actor

        if username not in self._actors:
            user = self.load.users.get(username)
            self._actors[username] = Actor.for_user(user) if user is not None \
                else Actor.system()
        return self._actors[username]

    def user_id(self, username: str) -> int | None:
        user = self.load.users.get(username)
        return user.id if user is not None else None

    def username(self, user_id: int | None) -> str:
        return next((name for name, user in self.load.users.items() if user.id == user_id),
                    "system")  # nobody to assign: the system records it

    def ago(self, **delta: float) -> datetime:
        return self.now - timedelta(**delta)

    def day(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """A clock time on a day before today (days_ago ≥ 1: always in the past)."""
        return datetime.combine(self.now.date() - timedelta(days=days_ago), time(hour, minute))

    def ahead(self, days: int, hour: int, minute: int = 0) -> datetime:
        """A clock time `days` days from today, moved a day on if it has already passed."""
        when = datetime.combine(self.now.date() + timedelta(days=days), time(hour, minute))
        return when if when > self.now else when + timedelta(days=1)

    def create(self, doc: Any, by: str, when: datetime) -> Any:
        from app.workflows import engine

        self.doing = f"{by} registering a {doc.__workflow__.replace('_', ' ')}"
        engine.create(doc, actor=self.actor(by), session=self.session, now=when)
        return doc

    def step(self, doc: Any, name: str, by: str, when: datetime, comment: str | None = None,
             **data: Any) -> None:
        from app.workflows import engine

        self.doing = f"{by} taking {name} on {doc.number}"
        engine.apply(doc, name, data, actor=self.actor(by), session=self.session, now=when,
                     comment=comment)

    def attach(self, claim: Any, by: str, when: datetime, kind: str,
               files: list[tuple[str, bytes]]) -> None:
        """Files added to a claim the way the upload form does: rows first, then the
        engine's attach_evidence transition checks and records them."""
        from app.models import CompensationEvidence

        for name, data in files:
            claim.evidence.append(CompensationEvidence(
                kind=kind, filename=name, size=len(data), data=data,
                content_type="application/pdf" if data.startswith(b"%PDF-") else "image/png",
                uploaded_by_id=self.user_id(by), uploaded_at=when))
        self.step(claim, "attach_evidence", by, when, evidence_kind=kind)


def _photo(name: str) -> bytes:
    """A small photo-like PNG (the same bytes on every load)."""
    from PIL import Image, ImageDraw

    rng = random.Random(f"{SEED}-photo-{name}")
    size = (160, 120)
    image = Image.new("RGB", size, tuple(rng.randint(150, 225) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x, y = rng.randint(0, size[0] - 30), rng.randint(0, size[1] - 30)
        draw.ellipse((x, y, x + rng.randint(20, 90), y + rng.randint(15, 60)),
                     fill=tuple(rng.randint(50, 200) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _scan(name: str) -> bytes:
    """A one-page PDF that looks like a scanned, stamped letter."""
    from PIL import Image, ImageDraw

    rng = random.Random(f"{SEED}-scan-{name}")
    image = Image.new("L", (210, 297), 250)  # A4 proportions
    draw = ImageDraw.Draw(image)
    for y in range(36, 230, 12):
        draw.line((22, y, 22 + rng.randint(110, 166), y), fill=110, width=2)
    draw.ellipse((130, 220, 188, 278), outline=70, width=3)  # the company seal
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=50, quality=60)
    return buffer.getvalue()


def _demo_documents(load: _Load, what: str, missing: Callable[[], bool],
                    build: Callable[[_Desk], None], counted: tuple[Any, ...]) -> None:
    """Create one group of demo documents in its own savepoint, only when `missing()`.

    When a step is refused (an admin changed the demo accounts' roles or profiles), the
    group is left out whole, the summary says why, and the rest of the demo still loads.
    """
    from app.workflows.engine import WorkflowError

    session = load.session
    if not missing():
        return
    before = {table: _rows(session, table) for table in counted}
    desk = _Desk(load)
    try:
        with session.begin_nested():
            build(desk)
    except WorkflowError as error:
        details = "; ".join(f"{k}: {v}" for k, v in error.errors.items())
        load.notes.append(f"Demo {what} left out ({desk.doing}): {error.message} "
                          f"{details}".strip())
        return
    for table in counted:
        name = getattr(table, "__name__", None) or table.name
        load.added[name] += _rows(session, table) - before[table]


def _rows(session: Session, table: Any) -> int:
    return session.scalar(select(func.count()).select_from(
        getattr(table, "__table__", table))) or 0


def _demo_desk(load: _Load) -> None:
    """Complaints, compensation claims, register entries and the director's sign-off, each
    kind only in a database that has none of it yet. Claims hang on complaints of their
    own and a register entry turns into one, so complaints count as present only when one
    was registered directly; they are created first, so that the sign-off counts them."""
    from app.models import (CollectiveCase, CompensationClaim, CompensationEvidence,
                            Complaint, RegisterSignOff, Revisit, ServiceRecord)

    session = load.session
    direct = select(Complaint.id).where(~Complaint.claims.any(),
                                        ~Complaint.service_records.any()).limit(1)
    _demo_documents(load, "complaints", lambda: session.scalar(direct) is None,
                    _complaints, (Complaint, CollectiveCase, Revisit))
    _demo_documents(load, "compensation claims",
                    lambda: session.scalar(select(CompensationClaim.id).limit(1)) is None,
                    _compensation_claims,
                    (CompensationClaim, CompensationEvidence, Complaint, Revisit))
    _demo_documents(load, "register entries",
                    lambda: session.scalar(select(ServiceRecord.id).limit(1)) is None,
                    _register_entries, (ServiceRecord, Complaint, WorkOrder, Revisit))
    _demo_documents(load, "complaint register sign-offs",
                    lambda: session.scalar(select(RegisterSignOff.id).limit(1)) is None,
                    _register_sign_offs, (RegisterSignOff,))


def _complaint(desk: _Desk, by: str, received: datetime, code: str,
               unit: tuple[str, str] | None = None, **values: Any) -> Any:
    """A complaint as the front desk registers it (R-CP-1, R-CP-2); the complainant is the
    flat's tenant or owner unless named."""
    from app.models import Complaint

    doc = Complaint(estate=desk.load.estates[code], received_at=received,
                    event_time=values.pop("event_time", received - timedelta(hours=1)),
                    **values)
    if unit is not None:
        doc.unit = _unit(desk.load, code, *unit)
        if doc.unit is not None and doc.complainant_name is None:
            doc.resident = _caller(doc.unit)
    return desk.create(doc, by, received)


def _complaints(desk: _Desk) -> None:
    """One complaint in each stage and class (R-CP-1..7) and a collective proposal."""
    day, ahead = desk.day, desk.ahead
    eng = desk.load.departments[("cuihu", "engineering")].id
    security = desk.load.departments[("cuihu", "security")].id

    # General, being handled by Engineering: a broken fire-escape window left unrepaired.
    doc = _complaint(
        desk, "agent", day(1, 19, 20), "SZ-CHHY", ("6栋", "1102"), source="phone",
        matter="repairs", event_time=day(6, 9, 0), event_place="6栋11楼消防楼梯间",
        subject="工程部维修班",
        description="6栋11楼楼梯间消防窗的窗扣和闭门器损坏，上周五已电话报修，至今无人处理；"
                    "昨晚下雨，雨水从窗口打进楼道，地面湿滑。",
        customer_request="三天内修好，并说明为什么报修一周没人来。",
        immediate_reply="非常抱歉让您久等，已登记，今晚转工程部负责人跟进，明天上午回复您维修时间。")
    desk.step(doc, "transfer", "agent", day(1, 19, 35), department_id=eng,
              handler_id=desk.user_id("eng_head"))
    desk.step(doc, "classify", "cs_supervisor", day(1, 20, 5), complaint_class="general",
              class_reason="报修后未按承诺时限处理，属工程部责任，按一般投诉处理。")
    desk.step(doc, "start_handling", "eng_head", day(1, 20, 30))

    # Major, criterion d: the media took it up; in the general manager's hands (R-CP-5).
    doc = _complaint(
        desk, "agent", day(1, 17, 40), "SZ-CHYF", ("3栋", "801"), source="visit",
        matter="security", event_time=day(1, 16, 55), event_place="翠湖·悦府东门人行闸机",
        subject="安全管理部东门岗",
        description="业主带6岁孩子从东门人行闸机通过时，闸机门翼突然闭合夹伤孩子左手手指，"
                    "当班保安未及时处理。业主已将现场视频发到抖音和小红书，《深圳晚报》记者"
                    "来电向管理处求证。",
        customer_request="公开道歉，承担全部医药费，并立即全面检修小区所有人行闸机。",
        immediate_reply="我们深表歉意，客服主管已陪同前往医院，今天之内由管理处正式答复您。")
    desk.step(doc, "transfer", "agent", day(1, 17, 50), department_id=security)
    desk.step(doc, "classify", "cs_supervisor", day(1, 18, 10), complaint_class="major",
              major_criteria="d",
              class_reason="涉及儿童受伤，且已被媒体关注（抖音视频、深圳晚报记者求证），"
                           "属重大投诉，当日呈报总经理。")
    desk.step(doc, "receive_as_gm", "gm", day(1, 19, 5))

    # No responsibility: a municipal water cut, explained to the resident and closed.
    doc = _complaint(
        desk, "agent", day(3, 7, 45), "SZ-CHHY", ("2栋", "1901"), source="phone",
        matter="water_power", event_time=day(4, 22, 0), event_place="2栋1901室",
        subject="客服部（未通知停水）",
        description="昨晚22点到今早7点家里停水，物业事先没有任何通知，老人孩子都没法洗漱。",
        customer_request="以后停水必须提前通知。",
        agreed_reply_at=day(3, 10, 0))
    desk.step(doc, "classify", "cs_supervisor", day(3, 8, 30),
              complaint_class="no_responsibility",
              class_reason="系深圳水务集团沙河西路市政供水管爆管抢修造成的临时停水，不属物业"
                           "服务范围；管理处已于抢修通知发布后在电梯厅及业主群转发。")
    desk.step(doc, "reply", "agent", day(3, 9, 20),
              reply="已向您说明：停水系市政供水管道爆管抢修，水务集团于当晚21:30发布通知，"
                    "管理处21:40已在业主群和各栋电梯厅转发；供水已于今早6:50恢复。"
                    "您已表示理解。")
    desk.step(doc, "close_unfounded", "cs_supervisor", day(3, 11, 0))

    # Assist, caused by the developer: forwarded to the developer and followed up (R-CP-3).
    doc = _complaint(
        desk, "agent", day(5, 10, 30), "SZ-CHYF", ("5栋", "1402"), source="phone",
        matter="building_quality", event_time=day(6, 21, 0), event_place="5栋1402室主卧飘窗",
        subject="开发商（房屋质量）",
        description="主卧飘窗窗框四周渗水，下雨时窗台下墙面潮湿起皮，房屋仍在保修期内。",
        customer_request="尽快找开发商维修，并把墙面恢复原状。",
        immediate_reply="已记录，属保修范围，今天转开发商工程部并跟进维修时间。")
    desk.step(doc, "classify", "cs_supervisor", day(5, 11, 0), complaint_class="assist",
              assist_scope="inside", developer_caused=True,
              class_reason="飘窗渗水属房屋质量保修问题，由开发商负责，管理处协助跟进。")
    desk.step(doc, "reply", "agent", day(5, 15, 30),
              reply="已将您的情况书面转交开发商工程部，开发商将在三个工作日内上门查看。")
    desk.step(doc, "forward_to_developer", "cs_supervisor", day(5, 15, 40))
    desk.step(doc, "record_developer_followup", "agent", day(3, 16, 0),
              developer_followup="开发商工程部已上门查看，确认窗框打胶老化，约定本周六上午"
                                 "重新打胶并做淋水试验，墙面待干燥后修补。")

    # Resolved, its revisit due within 2 days (R-CP-7).
    doc = _complaint(
        desk, "agent", day(2, 9, 15), "SZ-CHHY", ("10栋", "2202"), source="phone",
        matter="staff", event_time=day(3, 22, 40), event_place="翠湖花园南门岗",
        subject="南门岗当班保安",
        description="昨晚带发烧的老人看病回来，出租车到南门被保安拦住不让进，"
                    "说外来车辆一律不能进，态度生硬，老人只能冒雨走回10栋。",
        customer_request="当班保安道歉，并改进接送老人病人的放行规定。",
        immediate_reply="非常抱歉，我们马上调取监控核实，今天内给您答复。")
    desk.step(doc, "transfer", "agent", day(2, 9, 30), department_id=security)
    desk.step(doc, "classify", "cs_supervisor", day(2, 9, 50), complaint_class="general",
              class_reason="保安未按规定为接送老人、病人的车辆登记放行，服务态度差。")
    desk.step(doc, "start_handling", "cs_supervisor", day(2, 10, 0))
    desk.step(doc, "resolve", "cs_supervisor", day(1, 16, 30),
              result="已调取监控核实，当班保安作风生硬，给予批评教育并扣罚当月绩效；"
                     "安全管理部重申：接送老人、病人、孕妇的车辆登记后放行；"
                     "客服主管与安全主管已上门向业主致歉。")

    # Collective (R-CP-4 e): five households of one building on the lifts within the window;
    # the system proposes the case and a supervisor confirms or dismisses it.
    lifts = (
        (("7栋", "1203"), 7, 50, "7栋2号电梯昨天早上又困人，我母亲被困了二十多分钟才放出来。"),
        (("7栋", "1801"), 8, 35, "7栋电梯这个月第三次停运，每次都说在修，修完没两天又坏。"),
        (("7栋", "2204"), 10, 15, "7栋2号电梯运行时有明显异响和抖动，孩子都不敢坐。"),
        (("7栋", "903"), 13, 40, "电梯停运没有提前通知，我家装修材料搬不上楼，工人白等半天。"),
        (("7栋", "1602"), 19, 5, "两部电梯只开一部，早高峰要等十分钟以上，上班天天迟到。"),
    )
    for unit, hour, minute, text in lifts:
        _complaint(desk, "agent", day(1, hour, minute), "SZ-CHHY", unit, source="phone",
                   matter="lifts", event_time=day(2, 8, 0), event_place="翠湖花园7栋电梯",
                   subject="工程部及电梯维保单位", description=text,
                   customer_request="彻底检修7栋2号电梯，公布维保记录和整改时间。",
                   immediate_reply="非常抱歉，已通知工程部和电梯维保单位到场检查，"
                                   "今天内答复检修安排。")

    # Hong Kong: the refuse room, transferred to the environment department.
    doc = _complaint(
        desk, "agent_hk", day(1, 11, 20), "HK-HBHY", ("第2座", "3樓B室"), source="phone",
        matter="cleaning", event_time=day(2, 20, 0), event_place="第2座地下垃圾房",
        subject="環境部清潔承辦商",
        description="第2座地下垃圾房近一星期清理不及時，晚上傳出陣陣異味，更有蟑螂出沒，"
                    "影響低層住戶。",
        customer_request="增加清理次數，每日最少兩次，並安排滅蟲。",
        immediate_reply="對不起，已即時通知環境部安排清潔承辦商今日加派人手清理及消毒。")
    desk.step(doc, "transfer", "agent_hk", day(1, 11, 40),
              department_id=desk.load.departments[("hk", "environment")].id)

    # Shopping centre: just registered, a reply time agreed with the shop (R-CP-2).
    _complaint(
        desk, "agent2", day(1, 9, 40), "SZ-HJH", ("购物中心主楼", "B1-04"),
        source="visit", matter="parking", event_time=day(1, 7, 30),
        event_place="B1层卸货区", subject="保安部卸货区岗",
        description="商场B1卸货区被私家车长时间占用，本店早上的面粉和蔬菜送货车进不来，"
                    "保安说管不了。",
        customer_request="卸货区只供商户卸货使用，早上6点到10点安排专人值守。",
        agreed_reply_at=ahead(0, 16, 0))


def _compensation_claims(desk: _Desk) -> None:
    """Claims on complaints along each route of the approval rules (R-CO-1..5), with their
    evidence: approved by the CS centre manager and paid; reviewed and waiting for the
    deputy general manager; contractor-liable with the written acknowledgement, under
    review; forwarded to the developer; a house exchange awaiting the quality station."""
    from app.models import CompensationClaim, Revisit

    day, ahead = desk.day, desk.ahead
    eng = desk.load.departments[("cuihu", "engineering")].id
    environment = desk.load.departments[("cuihu", "environment")].id

    def claim(by: str, when: datetime, complaint: Any, **values: Any) -> CompensationClaim:
        return desk.create(CompensationClaim(complaint=complaint, **values), by, when)

    # 1. Company-liable 6,800.00: the CS centre manager approves alone (R-CO-3), paid.
    complaint = _complaint(
        desk, "agent", day(12, 10, 15), "SZ-CHHY", ("4栋", "1201"), source="phone",
        matter="repairs", event_time=day(13, 15, 0), event_place="4栋1201室客厅",
        subject="工程部维修工",
        description="楼上1301更换阳台地漏时维修工没有做闭水试验，当晚漏水，"
                    "我家客厅吊顶和实木地板被水泡坏。",
        customer_request="修好楼上的地漏，赔偿吊顶和地板的损失。",
        immediate_reply="非常抱歉，工程部马上上门查看，损失由我们核实后给您答复。",
        customer_requested_by=day(4, 18, 0))
    desk.step(complaint, "transfer", "agent", day(12, 10, 30), department_id=eng,
              handler_id=desk.user_id("eng_head"))
    desk.step(complaint, "classify", "cs_supervisor", day(12, 11, 0),
              complaint_class="general",
              class_reason="维修工未按规程做闭水试验，属公司责任。")
    desk.step(complaint, "start_handling", "eng_head", day(12, 11, 20))
    paid = claim("agent", day(11, 9, 30), complaint, kind="compensation",
                 liability="company", amount="6800.00",
                 loss_description="客厅石膏板吊顶约12㎡泡水变形发霉，实木地板约18㎡起拱开裂。",
                 proposal="公司承担全部损失：吊顶修复2,300元，地板更换4,500元，合计6,800元，"
                          "按第三方装修公司报价一次性赔付。")
    desk.attach(paid, "agent", day(11, 9, 40), "evidence",
                [("吊顶泡水.png", _photo("ceiling")), ("地板起拱.png", _photo("floor")),
                 ("装修公司报价单.pdf", _scan("quote-6800"))])
    desk.step(paid, "submit", "agent", day(11, 10, 0))
    desk.step(paid, "approve", "cs_manager", day(10, 15, 20))
    desk.step(paid, "record_payment", "cs_supervisor", day(8, 11, 0), paid_amount="6800.00",
              payment_method="bank_transfer", paid_at=day(8, 10, 45))
    desk.step(complaint, "resolve", "eng_head", day(7, 17, 0),
              result="已重新安装地漏并做48小时闭水试验无渗漏；赔偿款6,800元已转账到业主账户，"
                     "业主自行安排吊顶和地板修复。")
    revisit = desk.session.scalar(select(Revisit).where(Revisit.complaint_id == complaint.id))
    if revisit is not None:
        desk.step(revisit, "record", desk.username(revisit.assignee_id), day(6, 10, 30),
                  mode="phone", revisitee=complaint.complainant_name,
                  satisfaction="satisfied",
                  feedback="赔偿款已收到，楼上没有再漏水，对处理结果满意。")

    # 2. Company-liable 15,000.00: reviewed by the CS centre manager, waiting for the deputy
    #    general manager's approval (R-CO-3).
    complaint = _complaint(
        desk, "agent", day(6, 18, 40), "SZ-CHYF", ("2栋", "601"), source="visit",
        matter="parking", event_time=day(6, 18, 5), event_place="翠湖·悦府东门车行道闸",
        subject="安全管理部（车行道闸）",
        description="我开车从东门进小区，前车刚过道闸突然落杆，砸在我车的前挡风玻璃和引擎盖上，"
                    "玻璃碎裂，引擎盖凹陷。",
        customer_request="物业全额赔偿修车费用，并检修道闸。",
        immediate_reply="非常抱歉，我们马上调取监控，并陪同您到4S店定损。",
        customer_requested_by=ahead(6, 18, 0))
    desk.step(complaint, "classify", "cs_supervisor", day(6, 19, 10),
              complaint_class="general",
              class_reason="监控显示道闸地感线圈故障导致误落杆，属公司设备管理责任。")
    desk.step(complaint, "start_handling", "cs_supervisor", day(6, 19, 20))
    waiting = claim("agent", day(5, 10, 20), complaint, kind="compensation",
                    liability="company", amount="15000.00",
                    loss_description="车辆前挡风玻璃碎裂，引擎盖凹陷及漆面损伤，"
                                     "4S店定损金额15,000元。",
                    proposal="经调取监控确认系道闸地感线圈故障导致落杆，公司全额承担4S店定损"
                             "金额15,000元，修复后凭发票转账赔付。")
    desk.attach(waiting, "agent", day(5, 10, 30), "evidence",
                [("道闸监控截图.png", _photo("barrier")), ("车辆受损.png", _photo("car")),
                 ("4S店定损单.pdf", _scan("assessment-15000"))])
    desk.step(waiting, "submit", "agent", day(5, 10, 40))
    desk.step(waiting, "review", "cs_manager", day(4, 16, 0))

    # 3. Contractor-liable 23,500.00 with the contractor's written acknowledgement: above
    #    20,000, so the CS centre manager reviews first (R-CO-2).
    complaint = _complaint(
        desk, "agent", day(4, 15, 30), "SZ-CHHY", ("11栋", "2301"), source="phone",
        matter="cleaning", event_time=day(4, 14, 50), event_place="11栋2301室客厅",
        subject="外墙清洗外包单位（深圳市洁亮清洁服务有限公司）",
        description="外墙清洗的吊篮作业时撞碎我家客厅落地玻璃，玻璃碎片划伤了实木餐桌和"
                    "真皮沙发，幸好当时家里没人。",
        customer_request="尽快更换玻璃，赔偿家具损失。",
        immediate_reply="非常抱歉，已叫停该吊篮作业，环境部主管马上上门查看并临时封闭窗口。",
        customer_requested_by=ahead(10, 18, 0))
    desk.step(complaint, "transfer", "agent", day(4, 15, 45), department_id=environment)
    desk.step(complaint, "classify", "cs_supervisor", day(4, 16, 20),
              complaint_class="general",
              class_reason="外包单位作业不当造成业主财产损失，由管理处督促外包单位承担。")
    desk.step(complaint, "start_handling", "cs_supervisor", day(4, 16, 30))
    review = claim("agent", day(3, 10, 0), complaint, kind="compensation",
                   liability="contractor", contractor_name="深圳市洁亮清洁服务有限公司",
                   amount="23500.00",
                   loss_description="客厅落地钢化玻璃（2.4m×2.1m）一块碎裂；实木餐桌桌面划伤；"
                                    "真皮三人沙发坐垫及靠背多处划破。",
                   proposal="由外包单位承担：玻璃更换8,600元，餐桌修复4,900元，沙发更换"
                            "10,000元，合计23,500元；外包单位已书面确认责任。")
    desk.step(review, "record_acknowledgement", "agent", day(3, 14, 30),
              acknowledged_by="contractor",
              acknowledged_by_name="陈志明（深圳市洁亮清洁服务有限公司项目经理）",
              acknowledged_at=day(3, 14, 0))
    desk.attach(review, "agent", day(3, 14, 40), "acknowledgement",
                [("外包单位责任确认书.pdf", _scan("acknowledgement-23500"))])
    desk.attach(review, "agent", day(3, 14, 45), "evidence",
                [("落地玻璃碎裂.png", _photo("glass")), ("餐桌划伤.png", _photo("table")),
                 ("家具报价单.pdf", _scan("quote-23500"))])
    desk.step(review, "submit", "agent", day(3, 16, 30))

    # 4. Developer-related: forwarded to the developer as a whole (R-CO-4).
    complaint = _complaint(
        desk, "agent", day(8, 9, 10), "SZ-CHYF", ("1栋", "1401"), source="phone",
        matter="building_quality", event_time=day(9, 23, 0), event_place="1栋1401室主卧",
        subject="开发商（屋面防水）",
        description="顶楼屋面防水失效，连续下雨后主卧天花板渗水，木地板起拱，衣柜发霉。",
        customer_request="开发商修好屋面防水，赔偿地板和衣柜损失。",
        immediate_reply="已记录，今天安排工程部上屋面查看并联系开发商。")
    desk.step(complaint, "classify", "cs_supervisor", day(8, 10, 0), complaint_class="assist",
              assist_scope="inside", developer_caused=True,
              class_reason="屋面防水属保修期内房屋质量问题，由开发商负责。")
    desk.step(complaint, "reply", "agent", day(8, 16, 0),
              reply="工程部已确认屋面防水层开裂，已书面通知开发商，管理处跟进维修和赔偿。")
    desk.step(complaint, "forward_to_developer", "cs_supervisor", day(8, 16, 10))
    developer = claim("agent", day(7, 11, 0), complaint, kind="compensation",
                      liability="developer", amount="12800.00",
                      loss_description="主卧实木地板约16㎡起拱，衣柜柜体发霉，墙纸大面积脱落。",
                      proposal="属保修期内屋面防水质量问题，损失由开发商承担，转开发商处理，"
                               "管理处跟进赔付进度。")
    desk.attach(developer, "agent", day(7, 11, 10), "evidence",
                [("主卧天花渗水.png", _photo("roof")), ("衣柜发霉.png", _photo("wardrobe"))])
    desk.step(developer, "submit", "agent", day(7, 11, 30))

    # 5. House exchange: waits for the quality supervision station's confirmation (R-CO-5).
    complaint = _complaint(
        desk, "agent", day(9, 14, 0), "SZ-CHYF", ("4栋", "302"), source="letter",
        matter="building_quality", event_time=day(30, 9, 0), event_place="4栋302室卫生间",
        subject="开发商（房屋质量）",
        description="交房不到两年，卫生间楼板出现贯穿裂缝，楼下202反复渗水，开发商已维修三次"
                    "仍未解决。",
        customer_request="要求开发商换房。",
        immediate_reply="已收到来信，管理处将协助您向开发商和质监站反映。")
    desk.step(complaint, "classify", "cs_supervisor", day(9, 15, 0), complaint_class="assist",
              assist_scope="inside", developer_caused=True,
              class_reason="楼板结构裂缝属房屋质量问题，换房须经质监站确认。")
    desk.step(complaint, "reply", "agent", day(9, 16, 30),
              reply="已向开发商转达换房要求，并协助预约质监站现场鉴定。")
    exchange = claim("agent", day(8, 10, 30), complaint, kind="house_exchange",
                     liability="developer",
                     loss_description="卫生间楼板贯穿裂缝，维修三次后仍渗漏至楼下202室。",
                     proposal="由营销部与客服部共同办理换房：待质监站书面确认达到退换标准后，"
                              "置换同户型4栋1102室。")
    desk.attach(exchange, "agent", day(8, 10, 40), "evidence",
                [("楼板裂缝.png", _photo("crack")), ("三次维修记录.pdf", _scan("repairs-302"))])
    desk.step(exchange, "submit", "agent", day(8, 11, 0))


def _register_entries(desk: _Desk) -> None:
    """The customer-service register (R-CS-1..6): every kind and every source, an inquiry
    with a reply deadline, a handling plan passed to the customer, a suggestion answered on
    the spot and closed into the revisit scope, and one entry each turned into a work order
    and into a complaint."""
    from app.models import ServiceRecord

    day, ahead, load = desk.day, desk.ahead, desk.load

    def entry(by: str, code: str, unit: tuple[str, str] | None, **values: Any) -> Any:
        doc = ServiceRecord(estate=load.estates[code], **values)
        if unit is not None:
            doc.unit = _unit(load, code, *unit)
            if doc.unit is not None:
                doc.resident = _caller(doc.unit)
        return desk.create(doc, by, values["received_at"])

    # Inquiry by phone, Hong Kong: Engineering answers by the time the agent set (R-CS-3).
    doc = entry("agent_hk", "HK-HBHY", ("第3座", "12樓D室"), kind="inquiry", source="phone",
                received_at=day(1, 16, 5),
                content="住戶來電查詢：第3座外牆維修工程何時開始？是否需要搭建棚架？"
                        "施工期間窗戶需否關閉，單位保安如何安排？")
    desk.step(doc, "dispatch", "agent_hk", day(1, 16, 12),
              department_id=load.departments[("hk", "engineering")].id,
              liaison_note="請機電部向承辦商確認外牆維修工程的開工日期、搭棚範圍及施工期間的"
                           "保安安排，並於限期前回覆住戶。",
              reply_due_at=ahead(0, 17, 0) if desk.now.hour < 15 else ahead(1, 17, 0))

    # Service request by letter: a long job, so Engineering submits a handling plan and the
    # agent tells the customer (R-CS-4); the commitment is tracked (R-CS-5).
    doc = entry("agent", "SZ-CHHY", ("9栋", "2003"), kind="service_request", source="letter",
                received_at=day(5, 9, 30),
                content="业主来信：9栋地下车库B2层顶板多处渗水，下雨时滴到车上，"
                        "车身留下水渍和白色结晶，要求彻底处理。")
    desk.step(doc, "dispatch", "agent", day(5, 10, 0),
              department_id=load.departments[("cuihu", "engineering")].id,
              liaison_note="请工程部排查9栋B2层顶板渗水点，两个工作日内提交处理方案。")
    desk.step(doc, "submit_plan", "eng_head", day(4, 15, 0),
              plan_method="逐一排查渗水点，采用高压注浆堵漏，并重做伸缩缝防水。",
              plan_schedule="已标记渗水点14处；材料到场后分两期施工，每期3天，"
                            "施工期间临时封闭相关车位。",
              plan_commitment="施工完成后经两场雨观察不再渗漏；受影响车位的业主安排临时车位。",
              committed_at=ahead(6, 18, 0))
    desk.step(doc, "tell_customer", "agent", day(4, 16, 10))

    # Suggestion at the front desk, answered on the spot and closed: its revisit is due
    # (R-CS-6).
    doc = entry("agent", "SZ-CHYF", ("2栋", "1103"), kind="suggestion", source="visit",
                received_at=day(2, 10, 20),
                content="建议在小区儿童游乐区增设遮阳棚和直饮水点，夏天中午太晒，"
                        "孩子玩一会儿就满头大汗。")
    desk.step(doc, "answer_on_spot", "agent", day(2, 10, 30),
              reply="感谢您的建议。遮阳棚已列入明年公共设施改造计划，直饮水点本月内先在"
                    "游乐区旁的物业服务中心门口设置。")
    desk.step(doc, "close", "agent", day(2, 10, 35))

    # Service request online, turned into a repair work order (R-CS-1).
    doc = entry("agent", "SZ-CHHY", ("2栋", "706"), kind="service_request", source="online",
                received_at=day(1, 21, 40),
                content="公众号报修：2栋一楼单元门门禁刷卡没有反应，只能等别人开门，"
                        "晚上回家很不方便。")
    desk.step(doc, "to_work_order", "agent", day(1, 21, 45), category="doors_windows",
              location="2栋一楼单元门门禁")

    # Complaint relayed by a family member, turned into a complaint (R-CS-1, R-CP-2).
    doc = entry("agent", "SZ-CHHY", ("5栋", "1703"), kind="complaint", source="relay",
                received_at=day(1, 9, 5),
                content="业主出差在外，委托其母亲来电转告：放在家门口的两箱生鲜快递昨天下午"
                        "被保洁员当作垃圾清走了。")
    desk.step(doc, "to_complaint", "agent", day(1, 9, 15), event_time=day(2, 15, 0),
              event_place="5栋17楼电梯厅", subject="环境部保洁员", matter="cleaning",
              customer_request="查明原因，赔偿快递损失，保洁员道歉。",
              agreed_reply_at=ahead(0, 17, 0) if desk.now.hour < 15 else ahead(1, 12, 0))

    # Referred by a higher authority, shopping centre: the urban-management bureau's case,
    # dispatched to the security department.
    doc = entry("agent2", "SZ-HJH", None, kind="service_request",
                   source="higher_authority", received_at=day(1, 10, 0),
                   contact_name="福田区城市管理和综合执法局", contact_phone="0755-8291 0000",
                   content="区城管局转来市民反映：商场北侧福华三路人行道上共享单车和电动车"
                           "乱停放，影响行人通行，要求物业配合整治。")
    desk.step(doc, "dispatch", "agent2", day(1, 10, 20),
              department_id=load.departments[("futian", "security")].id,
              liaison_note="请保安部即日起在北门外人行道设置停放引导，每两小时巡查清理一次，"
                           "周五前将整改照片报客户服务中心。")


# What the director wrote when signing the register of a day with complaints (days before
# today). Yesterday and four days ago are still waiting for the signature.
SIGNOFF_REMARKS = {
    2: "已阅。南门保安态度问题请安全管理部严肃处理，并按时回访。",
    3: "已阅，市政停水已向业主解释清楚。",
    5: "已阅，飘窗渗水请客服部跟进开发商维修进度。",
    6: "已阅，悦府道闸砸车一事请客服中心经理抓紧审核赔偿。",
    8: "已阅，悦府1栋顶楼渗水已转开发商，请跟进赔偿进度。",
    9: "已阅，4栋302换房诉求请协助业主联系质监站。",
    12: "已阅，4栋1201漏水损失请尽快核定赔偿。",
}
UNSIGNED_DAYS = (1, 4)


def _signed_days() -> range:
    """The past days the sign-off page lists (days before today)."""
    from app.views.complaint import RegisterSignOffView

    return range(1, RegisterSignOffView.days_shown)


def _register_sign_offs(desk: _Desk) -> None:
    """The office director signed off the complaint register every morning for the day
    before (R-CP-6), except yesterday's and one day last week, so the page lists the days
    still waiting."""
    from app.models import Complaint, RegisterSignOff

    load = desk.load
    director = load.users.get("director")
    if director is None:
        return
    office = load.offices["cuihu"]
    estates = [e.id for e in load.estates.values() if e.office_id == office.id]
    first = datetime.combine(desk.now.date() - timedelta(days=max(_signed_days())), time(0, 0))
    per_day = Counter(received.date() for received in desk.session.scalars(
        select(Complaint.received_at).where(Complaint.estate_id.in_(estates),
                                            Complaint.received_at >= first)))
    for days_ago in _signed_days():
        if days_ago in UNSIGNED_DAYS:
            continue
        day = desk.now.date() - timedelta(days=days_ago)
        count = per_day.get(day, 0)
        remark = SIGNOFF_REMARKS.get(days_ago, "已阅。") if count else "已阅，当日无投诉。"
        desk.session.add(RegisterSignOff(
            office_id=office.id, day=day, complaint_count=count, signed_by_id=director.id,
            signed_at=desk.day(days_ago - 1, 8, 30 + days_ago % 20), remark=remark))
    desk.session.flush()


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
    from app.models import CollectiveCase, CompensationClaim, Complaint, ServiceRecord

    for label, model in (("Work orders", WorkOrder), ("Register entries", ServiceRecord),
                         ("Complaints", Complaint), ("Collective cases", CollectiveCase),
                         ("Compensation claims", CompensationClaim)):
        states = session.execute(select(model.state, func.count(model.id))
                                 .group_by(model.state).order_by(model.state)).all()
        total = sum(n for _state, n in states)
        lines.append(f"  {label}: {total}" + (
            " (" + ", ".join(f"{state} {n}" for state, n in states) + ")" if states else ""))
    lines.extend(_sign_off_lines(load))
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


def _sign_off_lines(load: _Load) -> list[str]:
    """Per office whose director signs off: the past days still waiting (R-CP-6)."""
    from app.models import RegisterSignOff

    session = load.session
    days = [load.today - timedelta(days=n) for n in _signed_days()]
    lines = []
    for spec in OFFICES:
        office = load.offices[spec.key]
        signed = set(session.scalars(select(RegisterSignOff.day).where(
            RegisterSignOff.office_id == office.id, RegisterSignOff.day.in_(days))))
        if not signed:
            continue
        waiting = [d.isoformat() for d in days if d not in signed]
        lines.append(f"  Complaint register of {office.name}: {len(signed)} of the last "
                     f"{len(days)} days signed off" + (
                         f"; not yet: {', '.join(waiting[:5])}" +
                         (f" and {len(waiting) - 5} more" if len(waiting) > 5 else "")
                         if waiting else ""))
    return lines
