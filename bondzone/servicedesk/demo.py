"""Demo categories (dispatch catalogue) and requests at every stage, spread over the last six months.
Every request is synthetic; the timestamps are moved back after the steps ran through the services."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from bondzone.core.actor import SYSTEM, actor_of
from bondzone.governance import selectors as governance_selectors

from . import clock, services
from .domain import sla
from .models import RequestEvent, ServiceRequest

CATEGORIES = [
    # code, name, English name, kind, default unit, handler user, reply within (working days), extra fields
    ("customs-clearance", "通关业务求助", "Customs clearance help", "help", "北京海关", "customs", 5,
     [{"code": "list_no", "datatype": "string", "description": "核注清单编号"}]),
    ("tax-refund", "退税政策咨询", "Tax refund consultation", "consultation", "北京市税务局", "tax", 2, []),
    ("registration", "企业登记变更", "Registration changes", "help", "市市场监管局", "market", 5, []),
    ("facilities", "园区设施与物业", "Zone facilities", "complaint", "北京天竺综合保税区管理委员会", "zone_tz", 7,
     [{"code": "building", "datatype": "singlevaluelist", "description": "楼宇", "values": ["A1", "A2", "B1"]}]),
]
TITLES = {
    "customs-clearance": ["核注清单退单原因咨询", "保税维修货物出区手续", "跨境电商退货流程"],
    "tax-refund": ["区内企业增值税一般纳税人资格试点", "出口退税进度查询"],
    "registration": ["经营范围变更", "法定代表人变更"],
    "facilities": ["冷库供电不稳定", "仓库屋面漏水", "卡口车辆排队时间长"],
}


# (title, English title, answer, category code, tags); all but the last are published (synthetic)
ARTICLES = [
    ("境内区外货物进入综保区如何办理退税？", "How is tax refunded on domestic goods entering the zone?",
     "（演示数据）货物实际入区后，凭出口报关单和增值税专用发票向主管税务机关申报退税。",
     "tax-refund", "退税, 入区, tax refund"),
    ("区内企业如何办理保税维修业务备案？", "How does a zone enterprise register for bonded repair?",
     "（演示数据）向海关提交保税维修业务申请，随附维修合同和工艺说明；海关核准后在账册中设立维修料件和成品。",
     "customs-clearance", "保税维修, 账册, bonded repair"),
    ("核注清单被退单后如何修改重报？", "A verification list was rejected: how to correct and resubmit it?",
     "（演示数据）在清单页面点击“修改”，按退单原因更正表体后重新申报；原预录入编号保留。",
     "customs-clearance", "核注清单, 退单, verification list"),
    ("企业经营范围变更需要哪些材料？", "What does a change of business scope require?",
     "（演示数据）营业执照变更后，在企业服务中提交变更登记并上传新执照；市场监管部门审核。",
     "registration", "经营范围, 变更, registration"),
    ("冷库供电保障联系人（草稿）", "Cold-store power supply contacts (draft)",
     "（演示数据）草稿：待园区物业确认联系人。", "facilities", "冷库, 供电"),
]


def load_demo(rng: random.Random) -> None:
    system = SYSTEM
    users = {u.username: actor_of(u) for u in get_user_model().objects.filter(
        username__in=["customs", "tax", "market", "zone_tz", "ent_logistics", "ent_aviation", "ent_culture"])}
    if "zone_tz" not in users:
        return
    categories = []
    for code, name, en, kind, unit_name, handler, days, attributes in CATEGORIES:
        unit = governance_selectors.units(system, q=unit_name).filter(name=unit_name).first()
        cat = services.create_category(actor=system, data={
            "code": code, "name": name, "name_en": en, "kind": kind, "group": "demo", "resolve_within": days,
            "default_unit_id": unit.pk if unit else None, "attributes": attributes})
        categories.append((cat, handler))
    by_code = {cat.code: cat for cat, _handler in categories}
    enterprises = [users[u] for u in ("ent_logistics", "ent_aviation", "ent_culture") if u in users]
    zone = users["zone_tz"]
    linked: list = []  # one replied tax-refund request gets the knowledge article that answers it
    for n in range(36):
        cat, handler = categories[n % len(categories)]
        ent = enterprises[n % len(enterprises)]
        attrs = {"building": rng.choice(["A1", "A2", "B1"])} if cat.code == "facilities" else {}
        req = services.file_request(actor=ent, data={"category_id": cat.pk, "title": rng.choice(TITLES[cat.code]),
                                                     "description": "（演示数据）企业诉求内容。", "attributes": attrs,
                                                     "contact_name": "张经理", "contact_phone": "010-00000000"})
        stage = n % 6  # 0 dispatched, 1 signed, 2 in progress, 3 replied, 4-5 closed
        if stage >= 1:
            services.sign(actor=users[handler], request_id=req.pk)
        if stage >= 2:
            services.start(actor=users[handler], request_id=req.pk)
        if n % 9 == 2:
            services.add_co_unit(actor=users[handler], request_id=req.pk,
                                 unit_id=governance_selectors.units(system).get(
                                     name="北京海关" if cat.code == "registration" else "市市场监管局").pk)
        if stage >= 3:
            services.reply(actor=users[handler], request_id=req.pk, text="（演示数据）已按政策答复。")
        if stage == 4:
            services.rate(actor=ent, request_id=req.pk, satisfaction=rng.choice(["satisfied", "satisfied", "basically",
                                                                                 "unsatisfied"]),
                          solved=rng.random() < 0.85)
        if stage == 5:
            services.callback(actor=zone, request_id=req.pk, satisfaction="satisfied", solved=True)
        if n == 13:
            services.escalate(actor=zone, request_id=req.pk, reason="（演示数据）涉及跨部门政策，超出承办单位职权。")
        # spread over the last six months; a few replies come late (synthetic)
        back = timedelta(days=rng.randint(0, 180))
        late = timedelta(days=12) if n % 7 == 0 else timedelta(days=rng.randint(0, 4), hours=rng.randint(0, 8))
        _shift(req.pk, back, late)
        if stage == 3 and cat.code == "tax-refund" and not linked:
            linked.append((req.pk, users[handler]))
    articles = [services.create_article(actor=zone, data={
        "title": title, "title_en": title_en, "body": body, "category_id": by_code[code].pk if code in by_code else None,
        "tags": tags, "published": n < len(ARTICLES) - 1}) for n, (title, title_en, body, code, tags) in enumerate(ARTICLES)]
    for request_id, handler_actor in linked:
        services.link_article(actor=handler_actor, request_id=request_id, article_id=articles[0].pk)
    load_guides_and_promotion(rng)


def _shift(pk: int, back: timedelta, late: timedelta) -> None:
    """Move a demo request's clocks back by `back`; its filing and limits further back by `late`."""
    req = ServiceRequest.objects.get(pk=pk)
    for name in ("dispatched_at", "signed_at", "replied_at", "closed_at", "feedback_at"):
        value = getattr(req, name)
        if value is not None:
            setattr(req, name, value - back)
    for name in ("submitted_at", "sign_due_at", "due_at"):
        value = getattr(req, name)
        if value is not None:
            setattr(req, name, value - back - late)
    if req.replied_at:
        used = sla.used_seconds(clock.clock(sla.SlaUnit.WORKDAYS), clock.local(req.submitted_at),
                                clock.local(req.replied_at))
        req.handling_days = sla.as_workdays(used, clock.office_hours())
    if req.signed_at and req.sign_due_at:
        req.signed_on_time = req.signed_at <= req.sign_due_at
    if req.replied_at and req.due_at:
        req.replied_on_time = req.replied_at <= req.due_at
    req.save()
    for e in RequestEvent.objects.filter(request_id=pk):
        RequestEvent.objects.filter(pk=e.pk).update(at=e.at - back - (late if e.step == "submit" else timedelta(0)))


# ---------------------------------------------------------------- investment guide and promotion
# Location, area, approval, functions and focus industries follow the public record (research notes §5);
# the spaces, rents, contacts and every promotion project are synthetic, and the guides say so.
GUIDES = {
    "TZ": {
        "title": "北京天竺综合保税区投资指南", "title_en": "Investment guide: Beijing Tianzhu CBZ",
        "location": "北京市顺义区，紧邻首都国际机场；2010年12月起与机场口岸作业区区港联动。",
        "location_en": "Shunyi District, Beijing, beside Capital International Airport; linked to the airport's "
                       "port operation area since December 2010.",
        "areas": "规划面积5.944平方公里。2008年7月23日经国务院批准设立，2009年7月28日一期通过验收，是全国首个空港型综合保税区。",
        "areas_en": "Planned area 5.944 km². Approved by the State Council on 23 July 2008; phase 1 accepted on "
                    "28 July 2009; China's first airport-based comprehensive bonded zone.",
        "functions": "保税物流、保税加工、保税维修、国际中转、跨境电商、文化贸易（国家对外文化贸易基地）。",
        "functions_en": "Bonded logistics, bonded processing, bonded repair, international transit, cross-border "
                        "e-commerce, cultural trade (national base for cultural exports).",
        "industries": "医药及疫苗、医疗器械、文化艺术品贸易、航材及保税维修、跨境电商、快件枢纽。",
        "industries_en": "Pharmaceuticals and vaccines, medical devices, cultural goods trade, aviation materials "
                         "and bonded repair, cross-border e-commerce, express hubs.",
        "spaces": [("A1 保税仓库", "warehouse", "12000", "1.80", True, "（演示数据）"),
                   ("A2 冷链仓库（2–8℃）", "warehouse", "4500", "3.20", True, "（演示数据）"),
                   ("C3 标准厂房", "plant", "8000", "1.50", True, "（演示数据）"),
                   ("综合服务楼 5层", "office", "1200", "4.50", False, "（演示数据）")],
    },
    "DX": {
        "title": "北京大兴国际机场综合保税区投资指南", "title_en": "Investment guide: Beijing Daxing International Airport CBZ",
        "location": "跨北京市大兴区和河北省廊坊市，全国唯一跨省级行政区域的综合保税区。",
        "location_en": "Spans Daxing District (Beijing) and Langfang (Hebei): China's only cross-provincial CBZ.",
        "areas": "规划面积4.35平方公里（口岸功能区0.83、综合保税功能区3.52）。2020年11月5日获国务院批复，2024年12月30日二期通过验收。",
        "areas_en": "Planned area 4.35 km² (port area 0.83, bonded area 3.52). Approved on 5 November 2020; "
                    "phase 2 accepted on 30 December 2024.",
        "functions": "国际中转集拼、跨境电商（含跨境电商药品进口）、冷链、医药分拨。",
        "functions_en": "International transit consolidation, cross-border e-commerce (including drug imports), "
                        "cold chain, pharmaceutical distribution.",
        "industries": "生物医药、跨境电商、冷链生鲜、医药分拨。",
        "industries_en": "Biomedicine, cross-border e-commerce, cold-chain fresh food, pharmaceutical distribution.",
        "spaces": [("1号 跨境电商监管仓", "warehouse", "20000", "1.60", True, "（演示数据）"),
                   ("3号 冷链库", "warehouse", "6000", None, True, "（演示数据）租金面议")],
    },
    "ZGC": {
        "title": "中关村综合保税区投资指南", "title_en": "Investment guide: Zhongguancun CBZ",
        "location": "北京市海淀区温泉镇，位于自贸试验区科技创新片区。",
        "location_en": "Wenquan town, Haidian District, in the science and technology area of the free trade zone.",
        "areas": "规划面积约0.401平方公里（地上建筑面积66.35万平方米）。2023年5月获批。",
        "areas_en": "About 0.401 km² (663,500 m² above-ground floor area). Approved in May 2023.",
        "functions": "研发型综合保税区：保税研发、检测；办公、查验、研发设计、检测服务、物流五个功能区。",
        "functions_en": "An R&D-type CBZ: bonded R&D and testing; office, inspection, R&D and design, testing "
                        "services and logistics areas.",
        "industries": "集成电路、生物医药研发、人工智能等研发检测。",
        "industries_en": "R&D and testing for integrated circuits, biomedicine and artificial intelligence.",
        "spaces": [("研发楼 B座", "lab", "3000", "6.00", True, "（演示数据）")],
    },
    "YZ": {
        "title": "北京亦庄综合保税区投资指南", "title_en": "Investment guide: Beijing Yizhuang CBZ",
        "location": "北京经济技术开发区长子营产业园。",
        "location_en": "Changziying industrial area, Beijing Economic-Technological Development Area.",
        "areas": "规划面积0.61平方公里。2024年9月获批。",
        "areas_en": "Planned area 0.61 km². Approved in September 2024.",
        "functions": "“4+N”：新一代信息技术关键零部件全球分拨、新能源汽车整车及零部件研发验证与保税维修、生物医药临床检测和CRO、高端装备；N条服务贸易业务线。",
        "functions_en": "\"4+N\": global distribution of key IT parts; NEV R&D verification and bonded repair; "
                        "clinical testing and CRO; high-end equipment; N service-trade lines.",
        "industries": "新一代信息技术、新能源汽车、生物医药、高端装备。",
        "industries_en": "Next-generation IT, new-energy vehicles, biomedicine, high-end equipment.",
        "spaces": [("一期 标准厂房", "plant", "10000", "1.40", True, "（演示数据）")],
    },
}
PROCEDURES = ("1. 与管理机构洽谈、确认选址；2. 市场监管部门办理企业登记（在线“一站式服务”）；3. 海关注册登记、"
              "申请设立电子账册；4. 税务登记；5. 入驻验收，开展业务。（演示数据：步骤为示意）")
PROCEDURES_EN = ("1. Talk to the zone administration and choose a site; 2. register the company with market "
                 "supervision (online one-stop service); 3. register with customs and apply for an account book; "
                 "4. register for tax; 5. move in and start. (Demo data: the steps are illustrative.)")
PROJECTS = [
    # name, investor, zone, industry, planned investment (10,000 yuan), stage, unit
    ("疫苗进口分拨中心", "（演示）某国际医药集团", "TZ", "医药及疫苗", "52000", "operating", "北京天竺综合保税区管理委员会"),
    ("航材保税维修基地二期", "（演示）某航空维修公司", "TZ", "航材维修", "18000", "registered", "北京天竺综合保税区管理委员会"),
    ("文化艺术品保税展示交易中心", "（演示）某文化集团", "TZ", "文化贸易", "9000", "signed", "北京天竺综合保税区管理委员会"),
    ("医疗器械保税研发中心", "（演示）某器械企业", "TZ", "医疗器械", "12000", "negotiating", "北京天竺综合保税区管理委员会"),
    ("跨境电商区域仓", "（演示）某电商平台", "TZ", "跨境电商", "6000", "contacted", "北京天竺综合保税区管理委员会"),
    ("冷链生鲜分拨项目", "（演示）某冷链物流公司", "TZ", "冷链", "4000", "lead", "北京天竺综合保税区管理委员会"),
    ("细胞治疗产品研发项目", "（演示）某生物科技公司", "TZ", "生物医药", "15000", "dropped", "北京天竺综合保税区管理委员会"),
    ("跨境电商药品进口项目", "（演示）某医药电商", "DX", "跨境电商", "20000", "signed", "市商务局"),
    ("国际中转集拼中心", "（演示）某货运代理", "DX", "国际物流", "30000", "negotiating", "市商务局"),
    ("新能源汽车保税维修项目", "（演示）某整车企业", "YZ", "新能源汽车", "25000", "contacted", "市商务局"),
    ("集成电路保税研发测试", "（演示）某芯片设计公司", "ZGC", "集成电路", "8000", "lead", "市商务局"),
    ("生物医药CRO检测平台", "（演示）某CRO企业", "YZ", "生物医药", "11000", "lead", "市商务局"),
]
EVENTS = [
    ("conference", "服贸会综合保税区专场推介会", "国家会议中心", "TZ", "市商务局", 45, [0, 3, 7]),
    ("invitation", "生物医药专题定向邀约", "天竺综保区管委会", "TZ", "北京天竺综合保税区管理委员会", 30, [3, 6]),
    ("visit", "走访跨境电商平台总部", "企业总部", "DX", "市商务局", 12, [7]),
]


def load_guides_and_promotion(rng: random.Random) -> None:
    from bondzone.core.selectors import zones as zone_list

    system = SYSTEM
    zones = {z.code: z for z in zone_list(system)}
    tasks = [t.pk for t in governance_selectors.tasks(system).filter(code__startswith="二(四)").order_by("code")[:4]]
    for code, g in GUIDES.items():
        if code not in zones:
            continue
        data = {k: v for k, v in g.items() if k != "spaces"}
        data.update({
            "procedures": PROCEDURES, "procedures_en": PROCEDURES_EN, "synthetic": True,
            "contacts": f"{zones[code].name_zh}投资促进部，电话 010-0000000{len(code)}，invest-{code.lower()}@example.org（演示数据）",
            "contacts_en": f"Investment promotion office, +86 10 0000000{len(code)}, invest-{code.lower()}@example.org "
                           "(demo data)",
            "policy_task_ids": tasks, "note": "演示数据：初版",
            "spaces": [{"building": b, "kind": k, "floor_area_m2": a, "rent": r, "bonded": bonded, "note": n}
                       for b, k, a, r, bonded, n in g["spaces"]],
        })
        first = services.write_guide(actor=system, zone=code, data=data)
        services.publish_guide(actor=system, version_id=first.pk)
        if code == "TZ":  # a second, still unpublished draft shows the versioning
            services.write_guide(actor=system, zone=code, data={
                "note": "演示数据：更新可租空间（草稿）",
                "spaces": data["spaces"] + [{"building": "D1 保税维修车间", "kind": "plant", "floor_area_m2": "3600",
                                             "rent": "2.10", "bonded": True, "note": "（演示数据）"}]})
    units = {u.name: u for u in governance_selectors.units(system)}
    projects = []
    for name, investor, zone, industry, amount, stage, unit_name in PROJECTS:
        if zone not in zones or unit_name not in units:
            continue
        p = services.create_project(actor=system, data={
            "name": name, "investor": investor, "zone": zone, "industry": industry, "planned_investment": amount,
            "unit_id": units[unit_name].pk, "team": "招商一组（演示）", "note": "（演示数据）", "synthetic": True})
        path = ["contacted", "negotiating", "signed", "registered", "operating"]
        final = "negotiating" if stage == "dropped" else stage
        for step in path[:path.index(final) + 1] if final != "lead" else []:
            services.move_project(actor=system, project_id=p.pk, stage=step, note="（演示数据）")
        if stage == "dropped":
            services.move_project(actor=system, project_id=p.pk, stage="dropped", note="（演示数据）投资方调整布局")
        projects.append(p)
    signed = [p for p in projects if p.name == "文化艺术品保税展示交易中心"]
    if signed:
        services.put_on_key_list(actor=system, project_id=signed[0].pk)
    today = timezone.localdate()
    for kind, title, place, zone, unit_name, days_ago, idx in EVENTS:
        if zone in zones and unit_name in units:
            services.record_event(actor=system, data={
                "kind": kind, "title": title, "place": place, "zone": zone, "unit_id": units[unit_name].pk,
                "held_on": (today - timedelta(days=days_ago)).isoformat(), "note": "（演示数据）",
                "project_ids": [projects[i].pk for i in idx if i < len(projects)]})
