"""Demo categories (dispatch catalogue) and requests at every stage, spread over the last six months.
Every request is synthetic; the timestamps are moved back after the steps ran through the services."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model

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
