"""Demo register entries, complaints, claims and sign-offs (R-CS, R-CP, R-CO)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.demo.desk import Desk, _demo_documents, _photo, _scan
from app.demo.load import Load, _caller, _unit
from app.models import (
    CollectiveCase,
    CompensationClaim,
    CompensationEvidence,
    Complaint,
    RegisterSignOff,
    Revisit,
    ServiceRecord,
    WorkOrder,
)
from app.views.complaint import RegisterSignOffView


def _demo_desk(load: Load) -> None:
    """Complaints, compensation claims, register entries and the director's sign-off, each
    kind only in a database that has none of it yet. Claims hang on complaints of their
    own and a register entry turns into one, so complaints count as present only when one
    was registered directly; they are created first, so that the sign-off counts them."""
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


def _complaint(desk: Desk, by: str, received: datetime, code: str,
               unit: tuple[str, str] | None = None, **values: Any) -> Any:
    """A complaint as the front desk registers it (R-CP-1, R-CP-2); the complainant is the
    flat's tenant or owner unless named."""

    doc = Complaint(estate=desk.load.estates[code], received_at=received,
                    event_time=values.pop("event_time", received - timedelta(hours=1)),
                    **values)
    if unit is not None:
        doc.unit = _unit(desk.load, code, *unit)
        if doc.unit is not None and doc.complainant_name is None:
            doc.resident = _caller(doc.unit)
    return desk.create(doc, by, received)


def _complaints(desk: Desk) -> None:
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


def _compensation_claims(desk: Desk) -> None:
    """Claims on complaints along each route of the approval rules (R-CO-1..5), with their
    evidence: approved by the CS centre manager and paid; reviewed and waiting for the
    deputy general manager; contractor-liable with the written acknowledgement, under
    review; forwarded to the developer; a house exchange awaiting the quality station."""
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


def _register_entries(desk: Desk) -> None:
    """The customer-service register (R-CS-1..6): every kind and every source, an inquiry
    with a reply deadline, a handling plan passed to the customer, a suggestion answered on
    the spot and closed into the revisit scope, and one entry each turned into a work order
    and into a complaint."""
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
    return range(1, RegisterSignOffView.days_shown)


def _register_sign_offs(desk: Desk) -> None:
    """The office director signed off the complaint register every morning for the day
    before (R-CP-6), except yesterday's and one day last week, so the page lists the days
    still waiting."""
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
