"""A company at scale on PostgreSQL, for measuring: `flask demo scale`.

On top of the demo company it adds estates of 25 buildings × 100 units to the two Shenzhen
offices (100,000 units by default), two residents per unit, technicians to work them, and
three years of documents: 1,000,000 repair work orders, 300,000 complaints, a revisit for
every completed repair and every resolved complaint, and a deadline timer per document
(about 2.8 million). Everything is written with set-based INSERT … SELECT statements over
generate_series, so the whole shape takes minutes, not hours.

The rows keep the rules the forms and the workflows keep: each document is in a state of its
workflow with the fields that state needs (a dispatched order has its technician and
department, a closed one its acceptance, payment and closing times, a classified complaint
its class, a done revisit its result), numbers are unique per type and year and the number
counters continue after them, the unit and the resident belong to the document's estate, and
the newest documents are the open ones. Timers of closed documents are met; the open ones
run, about one in ten already past due, as a busy company's would be.

Measuring needs PostgreSQL: the command refuses SQLite. The function never commits (the
command does), and `factor` shrinks every count proportionally for a quick run or a test.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.models.base import local_now
from app.security import permissions as P

UNITS_PER_BUILDING = 100  # 25 floors × 4 units
BUILDINGS_PER_ESTATE = 25
YEARS = 3

ESTATE_STEMS = ("锦绣", "碧海", "御景", "翡翠", "星河", "龙岸", "南山", "云峰", "紫荆", "丽水",
                "金域", "香蜜", "半岛", "天悦", "海月", "松湖", "蔚蓝", "东湖", "前海", "梅林")
ESTATE_SUFFIXES = ("花园", "雅苑", "名苑", "公馆", "新城", "华庭")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "蒋蔡余杜叶程苏魏吕丁任沈姚卢")
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
         "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓燕", "志强",
         "海燕", "俊杰", "欣怡", "子涵", "浩然", "雨桐", "思远", "嘉欣", "文博", "梓萱")


@dataclass(frozen=True)
class Shape:
    """How many of each; the defaults are the shape the performance goals are set for."""

    units: int = 100_000
    residents_per_unit: int = 2
    work_orders: int = 1_000_000
    complaints: int = 300_000
    open_share: float = 0.02  # of work orders and complaints, the newest ones

    def scaled(self, factor: float) -> "Shape":
        return Shape(units=max(UNITS_PER_BUILDING, int(self.units * factor)),
                     residents_per_unit=self.residents_per_unit,
                     work_orders=max(50, int(self.work_orders * factor)),
                     complaints=max(20, int(self.complaints * factor)),
                     open_share=self.open_share)


def build_scale_data(session: Session, shape: Shape, now: datetime | None = None) -> dict[str, int]:
    """Add the scale company's rows; returns what was added per table. Never commits."""
    if session.get_bind().dialect.name != "postgresql":
        raise RuntimeError("scale data is built on PostgreSQL only")
    now = now or local_now()
    run = _Run(session, shape, now)
    added = {
        "estates": run.estates(),
        "units": run.units(),
        "residents": run.residents(),
        "technicians": run.technicians(),
        "work orders": run.work_orders(),
        "complaints": run.complaints(),
        "revisits": run.revisits(),
    }
    added["deadline timers"] = run.timers()
    run.counters()
    for table in ("org_unit", "resident", "work_order", "complaint", "revisit",
                  "deadline_timer", "staff_profile_estate"):
        session.execute(text(f"ANALYZE {table}"))
    return added


class _Run:
    """One build: the new estates' ids and the helper tables the documents are drawn from."""

    def __init__(self, session: Session, shape: Shape, now: datetime) -> None:
        self.s, self.shape, self.now = session, shape, now
        self.batch = session.execute(text("SELECT count(*) FROM org_estate WHERE code LIKE 'SC-%'")
                                     ).scalar_one()
        self.offices = [row[0] for row in session.execute(text(
            "SELECT DISTINCT office_id FROM org_estate WHERE region = 'mainland' "
            "AND code NOT LIKE 'SC-%' ORDER BY office_id"))]
        if not self.offices:
            raise RuntimeError("load the demo company first: flask demo load")
        self.estate_ids: list[int] = []
        self.params = {"now": now, "start": now - timedelta(days=365 * YEARS),
                       "technician": P.ROLE_TECHNICIAN, "agent": P.ROLE_FRONT_DESK_AGENT,
                       "supervisor": P.ROLE_CS_SUPERVISOR, "head": P.ROLE_DEPARTMENT_HEAD}

    def x(self, sql: str, **params) -> int:
        """Run one statement; :now and :start are typed here once (PostgreSQL cannot infer
        the type of a bare parameter in arithmetic)."""
        sql = sql.replace(":now", "CAST(:now AS timestamp)").replace(
            ":start", "CAST(:start AS timestamp)")
        result = self.s.execute(text(sql), {**self.params, **params})
        return result.rowcount if result.rowcount is not None else 0

    # --- places and people ---------------------------------------------------------------

    def estates(self) -> int:
        buildings = math.ceil(self.shape.units / UNITS_PER_BUILDING)
        count = math.ceil(buildings / BUILDINGS_PER_ESTATE)
        rows = []
        for n in range(self.batch + 1, self.batch + count + 1):
            stem = ESTATE_STEMS[n % len(ESTATE_STEMS)]
            suffix = ESTATE_SUFFIXES[(n // len(ESTATE_STEMS)) % len(ESTATE_SUFFIXES)]
            rows.append({"office": self.offices[(n - 1) % len(self.offices)], "code": f"SC-{n:04d}",
                         "name": f"{stem}{suffix}" + (f"{n // 120 + 1}期" if n >= 120 else ""),
                         "address": f"深圳市福田区{stem}路{n}号",
                         "moved": (self.now - timedelta(days=200 + 97 * n % 3000)).date(),
                         "households": BUILDINGS_PER_ESTATE * UNITS_PER_BUILDING})
        for row in rows:
            self.estate_ids.append(self.s.execute(text(
                "INSERT INTO org_estate (office_id, code, name, kind, region, script, address, "
                "move_in_date, household_count, created_at, updated_at) VALUES (:office, :code, "
                ":name, 'residential', 'mainland', 'zh_Hans', :address, :moved, :households, "
                ":now, :now) RETURNING id"), {**row, "now": self.now}).scalar_one())
        self.params["estates"] = self.estate_ids
        left = buildings
        for estate_id in self.estate_ids:
            here = min(BUILDINGS_PER_ESTATE, left)
            left -= here
            self.x("INSERT INTO org_building (estate_id, name, floors, created_at, updated_at) "
                   "SELECT :estate, b || '栋', 25, :now, :now FROM generate_series(1, :n) b",
                   estate=estate_id, n=here)
        return len(rows)

    def units(self) -> int:
        added = self.x(
            "INSERT INTO org_unit (building_id, number, floor, area_m2, occupied, created_at, "
            "updated_at) SELECT b.id, f::text || lpad(u::text, 2, '0'), f, "
            "60 + (b.id * 7 + f * 13 + u * 31) % 90, (b.id + f + u) % 20 <> 0, :now, :now "
            "FROM org_building b CROSS JOIN generate_series(1, 25) f "
            "CROSS JOIN generate_series(1, 4) u WHERE b.estate_id = ANY(:estates)")
        # The units documents are drawn from, numbered 1..n, with the estate's office.
        self.x("CREATE TEMP TABLE scale_unit ON COMMIT DROP AS "
               "SELECT row_number() OVER (ORDER BY u.id) AS rn, u.id AS unit_id, "
               "b.estate_id, e.office_id, b.name || u.number AS place "
               "FROM org_unit u JOIN org_building b ON b.id = u.building_id "
               "JOIN org_estate e ON e.id = b.estate_id WHERE b.estate_id = ANY(:estates)")
        self.x("CREATE UNIQUE INDEX ON scale_unit (rn)")
        self.unit_count = self.s.execute(text("SELECT count(*) FROM scale_unit")).scalar_one()
        return added

    def residents(self) -> int:
        added = self.x(
            "INSERT INTO resident (unit_id, name, relation, phone, move_in_date, created_at, "
            "updated_at) SELECT su.unit_id, "
            "(CAST(:surnames AS text[]))[(1 + (su.rn * 7 + k * 3) % :n_surnames)::int] || "
            "(CAST(:given AS text[]))[(1 + (su.rn * 13 + k * 5) % :n_given)::int], "
            "CASE WHEN k = 1 THEN 'owner' ELSE 'family' END, "
            "'1' || (ARRAY['3','5','8','9'])[1 + (su.rn + k) % 4] || "
            "lpad(((su.rn * 7919 + k * 104729) % 1000000000)::text, 9, '0'), "
            "CAST(:now AS date) - (su.rn % 2000)::int, :now, :now "
            "FROM scale_unit su CROSS JOIN generate_series(1, :per_unit) k",
            surnames=list(SURNAMES), n_surnames=len(SURNAMES),
            given=list(GIVEN), n_given=len(GIVEN), per_unit=self.shape.residents_per_unit)
        self.x("CREATE TEMP TABLE scale_owner ON COMMIT DROP AS SELECT DISTINCT ON (r.unit_id) "
               "r.unit_id, r.id AS resident_id, r.name, r.phone FROM resident r "
               "JOIN scale_unit su ON su.unit_id = r.unit_id ORDER BY r.unit_id, r.id")
        self.x("CREATE UNIQUE INDEX ON scale_owner (unit_id)")
        return added

    def technicians(self) -> int:
        """Technicians for the new estates, who sign in with the demo password; the demo
        staff of each office see its new estates too."""
        self.x("INSERT INTO staff_profile_estate (profile_id, estate_id) "
               "SELECT DISTINCT spe.profile_id, e.id FROM staff_profile_estate spe "
               "JOIN org_estate old ON old.id = spe.estate_id "
               "JOIN org_estate e ON e.office_id = old.office_id AND e.id = ANY(:estates)")
        password = self.s.execute(text(
            "SELECT password FROM ab_user WHERE username = 'technician'")).scalar()
        role = self.s.execute(text("SELECT id FROM ab_role WHERE name = :name"),
                              {"name": P.ROLE_TECHNICIAN}).scalar()
        added = 0
        for office in self.offices:
            estates = [e for e, o in self.s.execute(text(
                "SELECT id, office_id FROM org_estate WHERE id = ANY(:estates)"),
                {"estates": self.estate_ids}) if o == office]
            department = self.s.execute(text(
                "SELECT id FROM org_department WHERE office_id = :o AND kind = 'engineering'"),
                {"o": office}).scalar()
            if not estates or department is None:
                continue
            for n in range(max(2, len(estates))):
                username = f"scale_tech_{office}_{self.batch + n + 1:03d}"
                name = SURNAMES[(office * 31 + n * 7) % len(SURNAMES)] + GIVEN[n % len(GIVEN)]
                user = self.s.execute(text(
                    "INSERT INTO ab_user (first_name, last_name, username, password, active, "
                    "email, login_count, fail_login_count, created_on, changed_on) VALUES "
                    "(:first, :last, :username, :password, true, :email, 0, 0, :now, :now) "
                    "RETURNING id"), {"first": name[1:], "last": name[0], "username": username,
                                      "password": password, "now": self.now,
                                      "email": f"{username}@scale.invalid"}).scalar_one()
                if role is not None:
                    self.x("INSERT INTO ab_user_role (user_id, role_id) VALUES (:u, :r)",
                           u=user, r=role)
                profile = self.s.execute(text(
                    "INSERT INTO staff_profile (user_id, job_title, created_at, updated_at) "
                    "VALUES (:u, '维修工', :now, :now) RETURNING id"),
                    {"u": user, "now": self.now}).scalar_one()
                self.x("INSERT INTO staff_profile_department (profile_id, department_id) "
                       "VALUES (:p, :d)", p=profile, d=department)
                self.x("INSERT INTO staff_profile_estate (profile_id, estate_id) "
                       "SELECT :p, unnest(CAST(:e AS integer[]))", p=profile, e=estates)
                added += 1
        # Who works each office's documents, numbered per office for set-based picking.
        self.x("CREATE TEMP TABLE scale_staff ON COMMIT DROP AS "
               "SELECT d.office_id, r.name AS role, u.id AS user_id, d.id AS department_id, "
               "row_number() OVER (PARTITION BY d.office_id, r.name ORDER BY u.id) - 1 AS pos, "
               "count(*) OVER (PARTITION BY d.office_id, r.name) AS n "
               "FROM ab_user u JOIN ab_user_role ur ON ur.user_id = u.id "
               "JOIN ab_role r ON r.id = ur.role_id JOIN staff_profile sp ON sp.user_id = u.id "
               "JOIN staff_profile_department spd ON spd.profile_id = sp.id "
               "JOIN org_department d ON d.id = spd.department_id "
               "WHERE r.name IN (:technician, :agent, :supervisor, :head) AND u.active")
        self.x("CREATE TEMP TABLE scale_dept ON COMMIT DROP AS SELECT office_id, "
               "max(id) FILTER (WHERE kind = 'engineering') AS engineering, "
               "max(id) FILTER (WHERE kind = 'customer_service') AS customer_service "
               "FROM org_department GROUP BY office_id")
        return added

    # --- documents -----------------------------------------------------------------------

    def work_orders(self) -> int:
        """Ranks: 0 registered … 8 paid, 9 closed, 10 cancelled; the newest are open."""
        n = self.shape.work_orders
        self.x(
            "CREATE TEMP TABLE scale_wo ON COMMIT DROP AS SELECT i, "
            "1 + (i::bigint * 2654435761 % :units) AS rn, "
            ":start + (:now - :start) * (i::float8 / (:n + 1)) AS at, "
            "CASE WHEN i > :n * (1 - :open) THEN i % 9 WHEN i % 33 = 0 THEN 10 ELSE 9 END AS rank "
            "FROM generate_series(1, :n) i", units=self.unit_count, n=n,
            open=self.shape.open_share)
        added = self.x(
            "INSERT INTO work_order (number, state, version, source, category, emergency, "
            "estate_id, unit_id, resident_id, contact_name, contact_phone, location, description, "
            "reported_at, registered_by_id, registering_department_id, department_id, "
            "technician_id, dispatched_at, accepted_at, arrived_at, appointment_at, labour_hours, "
            "materials, fee, customer_consent, work_done, completed_at, signed_by, "
            "customer_accepted_at, satisfaction, amount_paid, payment_method, paid_at, closed_at, "
            "cancel_reason, created_at, updated_at) "
            "SELECT 'WO-' || extract(year FROM w.at)::int || '-' || lpad((coalesce(fc.last, 0) + "
            "row_number() OVER (PARTITION BY extract(year FROM w.at) ORDER BY w.i))::text, 6, '0'), "
            "(ARRAY['registered','dispatched','accepted','appointment_agreed','on_site',"
            "'in_progress','completed','customer_accepted','paid','closed','cancelled'])"
            "[w.rank + 1], 1 + least(w.rank, 9), "
            "(ARRAY['resident_phone','resident_visit','staff'])[1 + w.i % 3], "
            "(ARRAY['water_leak','electrical','plumbing','public_area','doors_windows',"
            "'safety_facility','other'])[1 + w.i % 7], w.i % 50 = 0 AND w.rank <> 3, "
            "su.estate_id, su.unit_id, o.resident_id, o.name, o.phone, su.place, "
            "(ARRAY['厨房水龙头漏水','卫生间地漏堵塞','客厅灯不亮','入户门锁损坏','阳台窗户关不严',"
            "'楼道灯损坏','空调排水管渗水','插座跳闸'])[1 + w.i % 8], w.at, ag.user_id, "
            "dp.customer_service, dp.engineering, "
            "CASE WHEN w.rank BETWEEN 1 AND 9 THEN t.user_id END, "
            "CASE WHEN w.rank BETWEEN 1 AND 9 THEN w.at + interval '5 minutes' END, "
            "CASE WHEN w.rank BETWEEN 2 AND 9 THEN w.at + interval '12 minutes' END, "
            "CASE WHEN w.rank BETWEEN 4 AND 9 THEN w.at + interval '40 minutes' END, "
            "CASE WHEN w.rank = 3 THEN w.at + interval '1 day' END, "
            "CASE WHEN w.rank BETWEEN 6 AND 9 THEN 1.5 END, "
            "CASE WHEN w.rank BETWEEN 6 AND 9 AND w.i % 3 = 0 THEN '密封圈 1 个' END, "
            "CASE WHEN w.rank BETWEEN 6 AND 9 AND w.i % 3 = 0 THEN 50 END, w.rank >= 5, "
            "CASE WHEN w.rank BETWEEN 6 AND 9 THEN '已修复，试用正常' END, "
            "CASE WHEN w.rank BETWEEN 6 AND 9 THEN w.at + interval '2 hours' END, "
            "CASE WHEN w.rank BETWEEN 7 AND 9 THEN o.name END, "
            "CASE WHEN w.rank BETWEEN 7 AND 9 THEN w.at + interval '2 hours 5 minutes' END, "
            "CASE WHEN w.rank BETWEEN 7 AND 9 THEN (ARRAY['very_satisfied','satisfied',"
            "'satisfied','neutral','dissatisfied'])[1 + w.i % 5] END, "
            "CASE WHEN w.rank BETWEEN 8 AND 9 AND w.i % 3 = 0 THEN 50 END, "
            "CASE WHEN w.rank BETWEEN 8 AND 9 THEN CASE WHEN w.i % 3 = 0 THEN "
            "(ARRAY['cash','wechat','alipay'])[1 + w.i % 9 / 3] ELSE 'free' END END, "
            "CASE WHEN w.rank BETWEEN 8 AND 9 THEN w.at + interval '2 hours 10 minutes' END, "
            "CASE WHEN w.rank = 9 THEN w.at + interval '1 day' END, "
            "CASE WHEN w.rank = 10 THEN '住户自行修好，取消报修' END, w.at, w.at "
            "FROM scale_wo w JOIN scale_unit su ON su.rn = w.rn "
            "JOIN scale_owner o ON o.unit_id = su.unit_id "
            "JOIN scale_dept dp ON dp.office_id = su.office_id "
            "LEFT JOIN scale_staff ag ON ag.office_id = su.office_id AND ag.role = :agent "
            "AND ag.pos = 0 "
            "LEFT JOIN scale_staff t ON t.office_id = su.office_id AND t.role = :technician "
            "AND t.pos = w.i % t.n "
            "LEFT JOIN form_counter fc ON fc.prefix = 'WO' AND fc.year = extract(year FROM w.at) "
            "ORDER BY w.i", n=n)
        return added

    def complaints(self) -> int:
        """Ranks: 0 registered, 1 transferred, 2 classified, 3 in_progress, 4 with_gm,
        5 with_developer, 6 resolved, 7 closed; classes follow the kind of matter."""
        n = self.shape.complaints
        self.x(
            "CREATE TEMP TABLE scale_cp ON COMMIT DROP AS SELECT i, "
            "1 + (i::bigint * 2246822519 % :units) AS rn, "
            ":start + (:now - :start) * (i::float8 / (:n + 1)) AS at, "
            "CASE WHEN i > :n * (1 - :open) THEN i % 7 ELSE 7 END AS rank, "
            "CASE WHEN i % 20 = 0 THEN 'major' WHEN i % 10 = 1 THEN 'assist' "
            "WHEN i % 7 = 2 THEN 'no_responsibility' ELSE 'general' END AS class "
            "FROM generate_series(1, :n) i", units=self.unit_count, n=n,
            open=self.shape.open_share)
        # A class fits its state: with_gm is for major complaints, with_developer for assist.
        self.x("UPDATE scale_cp SET class = CASE rank WHEN 4 THEN 'major' WHEN 5 THEN 'assist' "
               "ELSE class END, rank = CASE WHEN rank = 3 AND class = 'major' THEN 4 ELSE rank END")
        return self.x(
            "INSERT INTO complaint (number, state, version, source, estate_id, unit_id, "
            "resident_id, complainant_name, complainant_phone, event_time, event_place, subject, "
            "subject_department_id, matter, description, customer_request, received_at, "
            "received_by_id, registering_department_id, immediate_reply, agreed_reply_at, "
            "department_id, handler_id, transferred_at, complaint_class, class_reason, "
            "major_criteria, assist_scope, developer_caused, classified_by_id, classified_at, "
            "collective, gm_received_at, gm_received_by_id, replied_at, reply, "
            "forwarded_to_developer_at, result, resolved_at, resolved_by_id, reopened_count, "
            "closed_at, created_at, updated_at) "
            "SELECT 'CP-' || extract(year FROM c.at)::int || '-' || lpad((coalesce(fc.last, 0) + "
            "row_number() OVER (PARTITION BY extract(year FROM c.at) ORDER BY c.i))::text, 6, '0'), "
            "(ARRAY['registered','transferred','classified','in_progress','with_gm',"
            "'with_developer','resolved','closed'])[c.rank + 1], 1 + c.rank, "
            "(ARRAY['phone','visit','letter','online'])[1 + c.i % 4], su.estate_id, su.unit_id, "
            "o.resident_id, o.name, o.phone, c.at - interval '3 hours', su.place, "
            "(ARRAY['工程部维修班','环境部保洁员','安全管理部东门岗','客服部前台','停车场管理员'])"
            "[1 + c.i % 5], dp.engineering, "
            "(ARRAY['repairs','cleaning','security','staff','parking','noise','lifts','fees'])"
            "[1 + c.i % 8], "
            "(ARRAY['维修人员多次上门仍未修好','楼道卫生长期无人打扫','保安态度恶劣',"
            "'前台答复推诿','车位被占无人处理','楼上装修噪音扰民','电梯经常停运','物业费收费不明'])"
            "[1 + c.i % 8], '尽快处理并答复', c.at, ag.user_id, dp.customer_service, "
            "CASE WHEN c.i % 2 = 0 THEN '已记录，会尽快安排处理' END, "
            "CASE WHEN c.i % 2 = 1 THEN c.at + interval '1 day' END, "
            "CASE WHEN c.rank = 0 THEN dp.customer_service ELSE dp.engineering END, "
            "CASE WHEN c.rank >= 3 AND c.class = 'general' THEN h.user_id END, "
            "CASE WHEN c.rank >= 1 THEN c.at + interval '20 minutes' END, "
            "CASE WHEN c.rank >= 2 THEN c.class END, "
            "CASE WHEN c.rank >= 2 THEN '按投诉性质分类' END, "
            "CASE WHEN c.rank >= 2 AND c.class = 'major' THEN 'a' END, "
            "CASE WHEN c.rank >= 2 AND c.class = 'assist' THEN 'inside' END, false, "
            "CASE WHEN c.rank >= 2 THEN sv.user_id END, "
            "CASE WHEN c.rank >= 2 THEN c.at + interval '1 hour' END, false, "
            "CASE WHEN c.rank >= 4 AND c.class = 'major' AND c.rank <> 5 THEN "
            "c.at + interval '2 hours' END, NULL, "
            "CASE WHEN c.rank >= 6 THEN c.at + interval '20 hours' END, "
            "CASE WHEN c.rank >= 6 THEN '已向投诉人说明处理结果' END, "
            "CASE WHEN c.rank = 5 OR (c.rank >= 6 AND c.class = 'assist') THEN "
            "c.at + interval '3 hours' END, "
            "CASE WHEN c.rank >= 6 THEN '问题已解决，投诉人认可' END, "
            "CASE WHEN c.rank >= 6 THEN c.at + interval '1 day' END, "
            "CASE WHEN c.rank >= 6 THEN sv.user_id END, 0, "
            "CASE WHEN c.rank = 7 THEN c.at + interval '3 days' END, c.at, c.at "
            "FROM scale_cp c JOIN scale_unit su ON su.rn = c.rn "
            "JOIN scale_owner o ON o.unit_id = su.unit_id "
            "JOIN scale_dept dp ON dp.office_id = su.office_id "
            "LEFT JOIN scale_staff ag ON ag.office_id = su.office_id AND ag.role = :agent "
            "AND ag.pos = 0 "
            "LEFT JOIN scale_staff sv ON sv.office_id = su.office_id AND sv.role = :supervisor "
            "AND sv.pos = 0 "
            "LEFT JOIN scale_staff h ON h.office_id = su.office_id "
            "AND h.role = :head AND h.pos = 0 "
            "LEFT JOIN form_counter fc ON fc.prefix = 'CP' AND fc.year = extract(year FROM c.at) "
            "ORDER BY c.i", n=n)

    def revisits(self) -> int:
        """A revisit per completed repair (R-WO-7) and per resolved complaint (R-CP-7): done
        once the document is closed, due while it waits."""
        self.x(
            "CREATE TEMP TABLE scale_rv ON COMMIT DROP AS "
            "SELECT 'repair' AS subject, w.id AS work_order_id, NULL::int AS complaint_id, "
            "w.estate_id, w.unit_id, w.resident_id, w.completed_at AS at, w.state = 'closed' AS done "
            "FROM work_order w WHERE w.estate_id = ANY(:estates) AND w.completed_at IS NOT NULL "
            "UNION ALL SELECT 'complaint', NULL, c.id, c.estate_id, c.unit_id, c.resident_id, "
            "c.resolved_at, c.state = 'closed' FROM complaint c "
            "WHERE c.estate_id = ANY(:estates) AND c.resolved_at IS NOT NULL")
        return self.x(
            "INSERT INTO revisit (number, state, version, work_order_id, complaint_id, subject, "
            "estate_id, unit_id, resident_id, department_id, assigned_role, assignee_id, due_at, "
            "mode, revisited_at, revisitee, repair_checked, charge_verified, feedback, "
            "satisfaction, revisitor_id, created_at, updated_at) "
            "SELECT 'RV-' || extract(year FROM r.at)::int || '-' || lpad((coalesce(fc.last, 0) + "
            "row_number() OVER (PARTITION BY extract(year FROM r.at) ORDER BY r.at, "
            "r.work_order_id, r.complaint_id))::text, 6, '0'), "
            "CASE WHEN r.done THEN 'done' ELSE 'due' END, CASE WHEN r.done THEN 2 ELSE 1 END, "
            "r.work_order_id, r.complaint_id, r.subject, r.estate_id, r.unit_id, r.resident_id, "
            "dp.customer_service, 'cs_supervisor', sv.user_id, "
            "r.at + CASE r.subject WHEN 'repair' THEN interval '7 days' ELSE interval '2 days' END, "
            "CASE WHEN r.done THEN 'phone' END, "
            "CASE WHEN r.done THEN r.at + interval '1 day' END, "
            "CASE WHEN r.done THEN o.name END, r.done AND r.subject = 'repair', "
            "r.done AND r.subject = 'repair', CASE WHEN r.done THEN '住户表示满意' END, "
            "CASE WHEN r.done THEN 'satisfied' END, CASE WHEN r.done THEN sv.user_id END, "
            "r.at, r.at "
            "FROM scale_rv r JOIN org_estate e ON e.id = r.estate_id "
            "JOIN scale_dept dp ON dp.office_id = e.office_id "
            "JOIN scale_owner o ON o.unit_id = r.unit_id "
            "LEFT JOIN scale_staff sv ON sv.office_id = e.office_id AND sv.role = :supervisor "
            "AND sv.pos = 0 "
            "LEFT JOIN form_counter fc ON fc.prefix = 'RV' AND fc.year = extract(year FROM r.at)")

    def timers(self) -> int:
        """One timer per document under the policy its state runs; open documents' timers are
        armed, due around now (about one in ten already past due), the others met."""
        policies = dict(self.s.execute(text("SELECT key, id FROM deadline_policy")).all())
        missing = {"wo.ready", "cp.general", "revisit.repair", "revisit.complaint"} - set(policies)
        if missing:
            raise RuntimeError("seed the deadline policies first: flask sla seed")
        armed = ("CASE WHEN {open} THEN 'armed' ELSE 'met' END")
        due = ("CASE WHEN {open} THEN :now + CASE WHEN {id} % 10 = 0 "
               "THEN -1 - {id} % 48 ELSE 1 + {id} % 90 END * interval '1 hour' "
               "ELSE {at} + interval '10 minutes' END")
        columns = ("INSERT INTO deadline_timer (policy_id, doc_type, doc_id, estate_id, "
                   "department_id, handler_user_id, started_at, due_at, warn_at, next_check_at, "
                   "status, level, closed_at) ")

        def insert(doc_type: str, policy: str, table: str, at: str, is_open: str,
                   handler: str, where: str) -> int:
            return self.x(
                columns + f"SELECT :policy, '{doc_type}', d.id, d.estate_id, d.department_id, "
                f"{handler}, {at}, {due.format(open=is_open, id='d.id', at=at)}, "
                f"{due.format(open=is_open, id='d.id', at=at)} - interval '1 hour', "
                f"CASE WHEN {is_open} THEN {due.format(open=is_open, id='d.id', at=at)} "
                f"- interval '1 hour' END, {armed.format(open=is_open)}, 0, "
                f"CASE WHEN NOT ({is_open}) THEN {at} + interval '8 minutes' END "
                f"FROM {table} d WHERE d.estate_id = ANY(:estates) AND {where}",
                policy=policies[policy])

        added = insert("work_order", "wo.ready", "work_order", "d.dispatched_at",
                       "d.state = 'dispatched'", "d.technician_id",
                       "d.dispatched_at IS NOT NULL")
        added += insert("complaint", "cp.general", "complaint", "d.received_at",
                        "d.state NOT IN ('resolved', 'closed')", "d.handler_id", "true")
        added += insert("revisit", "revisit.repair", "revisit", "d.created_at",
                        "d.state = 'due'", "d.assignee_id", "d.subject = 'repair'")
        added += insert("revisit", "revisit.complaint", "revisit", "d.created_at",
                        "d.state = 'due'", "d.assignee_id", "d.subject = 'complaint'")
        return added

    def counters(self) -> None:
        """The number counters continue after the numbers given here."""
        for prefix, table in (("WO", "work_order"), ("CP", "complaint"), ("RV", "revisit")):
            self.x(
                "INSERT INTO form_counter (prefix, year, last) "
                f"SELECT CAST(:prefix AS varchar), substr(number, 4, 4)::int, max(substr(number, 9)::int) "
                f"FROM {table} WHERE number LIKE :pattern GROUP BY 2 "
                "ON CONFLICT (prefix, year) DO UPDATE SET last = greatest(form_counter.last, "
                "excluded.last)", prefix=prefix, pattern=f"{prefix}-____-%")
