"""The demo company's shape: organisation, estates and their plans, people, staff."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Iterable

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
    # The front desk's partners (R-FD): the gate, the cashier and the clerk of each office.
    UserSpec("guard", P.ROLE_GATE_GUARD, "马", "立新", "门岗保安员", (("cuihu", "security"),),
             FIRST_OFFICE_ESTATES),
    UserSpec("cashier", P.ROLE_FINANCE_CLERK, "杨", "秀英", "出纳", (("cuihu", "finance"),),
             FIRST_OFFICE_ESTATES),
    UserSpec("clerk", P.ROLE_ADMIN_CLERK, "胡", "春梅", "行政文员",
             (("cuihu", "administration"),), FIRST_OFFICE_ESTATES),
    UserSpec("guard2", P.ROLE_GATE_GUARD, "邓", "海波", "保安员", (("futian", "security"),),
             ("SZ-HJH",)),
    UserSpec("cashier2", P.ROLE_FINANCE_CLERK, "罗", "敏", "出纳", (("futian", "finance"),),
             ("SZ-HJH",)),
    UserSpec("clerk2", P.ROLE_ADMIN_CLERK, "谢", "伟东", "总务部文员",
             (("futian", "administration"),), ("SZ-HJH",)),
    # The centre's electrician and the manager of its tenants' department (R-FD-6).
    UserSpec("electrician2", P.ROLE_TECHNICIAN, "钟", "建华", "机电部电工",
             (("futian", "engineering"),), ("SZ-HJH",)),
    UserSpec("mkt_manager2", P.ROLE_DEPARTMENT_HEAD, "唐", "雅琳", "市场营销部经理",
             (("futian", "marketing"),), ("SZ-HJH",)),
    UserSpec("cs_manager_hk", P.ROLE_CS_CENTRE_MANAGER, "鍾", "慧儀", "客戶服務經理",
             (("hk", "customer_service"),), ("HK-HBHY",)),
    UserSpec("agent_hk", P.ROLE_FRONT_DESK_AGENT, "陳", "嘉欣", "客服員",
             (("hk", "customer_service"),), ("HK-HBHY",)),
    UserSpec("eng_head_hk", P.ROLE_DEPARTMENT_HEAD, "梁", "志偉", "機電部經理",
             (("hk", "engineering"),), ("HK-HBHY",)),
    UserSpec("technician_hk", P.ROLE_TECHNICIAN, "黃", "家豪", "維修技工",
             (("hk", "engineering"),), ("HK-HBHY",)),
    UserSpec("guard_hk", P.ROLE_GATE_GUARD, "張", "偉明", "保安員", (("hk", "security"),),
             ("HK-HBHY",)),
    UserSpec("cashier_hk", P.ROLE_FINANCE_CLERK, "李", "美玲", "出納", (("hk", "finance"),),
             ("HK-HBHY",)),
    UserSpec("clerk_hk", P.ROLE_ADMIN_CLERK, "何", "詠詩", "行政文員",
             (("hk", "administration"),), ("HK-HBHY",)),
)
