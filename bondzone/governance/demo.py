"""Demo data for the policy task ledger: the real policy (京政发〔2021〕33号) with synthetic dates,
progress, reports, a 2026 annual list and a joint meeting with an escalated issue."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bondzone.core.actor import actor_of
from bondzone.core.models import Zone

from . import services
from .domain.schedule import period_of
from .models import Task, Unit, UnitKind

ZONE_UNITS = [
    ("TZ", "北京天竺综合保税区管理委员会", "Tianzhu CBZ Administration"),
    ("DX", "北京大兴国际机场综合保税区管理委员会", "Daxing Airport CBZ Administration"),
    ("ZGC", "中关村综合保税区管理机构", "Zhongguancun CBZ Administration"),
    ("YZ", "北京亦庄综合保税区管理机构", "Yizhuang CBZ Administration"),
]
# districts where the zones lie, members of the collective unit 综合保税区所在区政府 (亦庄 lies in the
# Beijing Economic-Technological Development Area, which the policy names on its own)
DISTRICT_UNITS = [
    ("TZ", "顺义区人民政府", "Shunyi District Government"),
    ("DX", "大兴区人民政府", "Daxing District Government"),
    ("ZGC", "海淀区人民政府", "Haidian District Government"),
]
# demo user -> units it reports for (the first is where "My unit" leads)
MEMBERS = {
    "commerce": ["市商务局", "市“两区”办"],
    "zone_tz": ["北京天竺综合保税区管理委员会", "各综合保税区管理机构"],
    "customs": ["北京海关"],
    "customs_tz": ["北京海关"],
    "tax": ["北京市税务局"],
    "market": ["市市场监管局"],
}


def load_demo(rng: random.Random) -> None:
    User = get_user_model()
    today = timezone.localdate()
    system = services.SYSTEM
    services.load_policy(actor=system, text=settings.BONDZONE_SEED_POLICY.read_text(encoding="utf-8"))
    zones = {z.code: z for z in Zone.objects.all()}
    for code, name, en in ZONE_UNITS:
        if code in zones and not Unit.objects.filter(name=name).exists():
            services.create_unit(actor=system, name=name, name_en=en, kind=UnitKind.ZONE_ADMIN,
                                 zone_id=zones[code].pk, parent_id=Unit.objects.get(name="各综合保税区管理机构").pk)
    districts = Unit.objects.get(name="综合保税区所在区政府")
    for code, name, en in DISTRICT_UNITS:
        if code in zones and not Unit.objects.filter(name=name).exists():
            services.create_unit(actor=system, name=name, name_en=en, kind=UnitKind.DISTRICT, zone_id=zones[code].pk,
                                 parent_id=districts.pk)
    users = {u.username: u for u in User.objects.filter(username__in=MEMBERS)}
    for username, unit_names in MEMBERS.items():
        if username in users:
            for i, name in enumerate(unit_names):
                unit = Unit.objects.get(name=name)
                services.add_member(actor=system, unit_id=unit.pk, user_id=users[username].pk, is_leader=i == 0)

    # synthetic schedule: measures due between 6 weeks ago and 10 months ahead
    measures = list(Task.objects.filter(source="policy", children__isnull=True).order_by("pk"))
    for t in measures:
        if t.code == "三(一)":  # a standing arrangement: left without a deadline, on the office's list to set one
            services.update_task(actor=system, task_id=t.pk, data={"status": "in_progress"})
            continue
        services.update_task(actor=system, task_id=t.pk, data={
            "start_date": today - timedelta(days=rng.randint(120, 400)),
            "due_date": today + timedelta(days=rng.randint(-40, 300)),
            "progress": Decimal(rng.randint(0, 18) * 5), "status": "in_progress",
            "cadence": rng.choice(["monthly", "quarterly", "quarterly", "half_yearly"]),
        })
    # 二(一)2 broken down per zone, weighted
    parent = Task.objects.get(code="二(一)2")
    tz_unit = Unit.objects.get(name="北京天竺综合保税区管理委员会")
    kids = []
    for (code, name, _en), weight in zip(ZONE_UNITS, (Decimal(40), Decimal(30), Decimal(15), Decimal(15))):
        unit = Unit.objects.get(name=name)
        kids.append((services.create_task(actor=system, data={
            "parent_id": parent.pk, "code": f"二(一)2.{code}", "title": f"{name}特色发展方案落实",
            "lead_unit_id": unit.pk, "zone_ids": [code], "start_date": parent.start_date,
            "due_date": parent.due_date, "progress": Decimal(rng.randint(2, 16) * 5), "published": True,
        }), weight))
    services.update_task(actor=system, task_id=parent.pk, data={"progress_mode": "average"})
    services.set_weights(actor=system, task_id=parent.pk, mode="weighted",
                         weights={str(t.pk): w for t, w in kids})

    # the ledger office confirms some proposed lead units, changes one, and expands the collective ones
    commerce = actor_of(users["commerce"]) if "commerce" in users else system
    for code in ("二(三)1", "二(三)3"):
        services.confirm_lead(actor=commerce, task_id=Task.objects.get(code=code).pk)
    services.confirm_lead(actor=commerce, task_id=Task.objects.get(code="三(四)").pk,
                          lead_unit_id=Unit.objects.get(name="市商务局").pk, note="市商务局牵头，管理机构配合。")
    for code in ("三(二)", "三(三)"):
        services.expand_collectives(actor=commerce, task_id=Task.objects.get(code=code).pk)

    # progress reports by the Tianzhu administration
    zone_tz = actor_of(users["zone_tz"]) if "zone_tz" in users else None
    if zone_tz is not None:
        tz_task = kids[0][0]
        r1 = services.submit_report(
            actor=zone_tz, task_id=tz_task.pk, unit_id=tz_unit.pk, period=period_of(today, tz_task.cadence),
            text="完成医疗健康全平台方案编制，文化贸易口岸功能区招商进行中。", progress=Decimal(60),
            files=[SimpleUploadedFile("方案.txt", "示例附件（合成数据）".encode())])
        services.review_report(actor=commerce, report_id=r1.pk, decision="accept")
        generic = Unit.objects.get(name="各综合保税区管理机构")
        for t in Task.objects.filter(lead_unit=generic, children__isnull=True).order_by("pk")[:2]:
            services.submit_report(actor=zone_tz, task_id=t.pk, unit_id=generic.pk,
                                   period=period_of(today, t.cadence), text="按计划推进，已召开专题会。",
                                   progress=min(t.progress + 10, Decimal(100)))
        r3 = services.submit_report(actor=zone_tz, task_id=kids[0][0].pk, unit_id=tz_unit.pk,
                                    period=period_of(today, "monthly"), text="进展情况略。", progress=Decimal(65))
        services.review_report(actor=commerce, report_id=r3.pk, decision="return", reason="请补充量化成果和佐证材料。")

    # 2026 annual lists
    unit_of = {u.name: u.pk for u in Unit.objects.all()}
    services.create_annual_list(actor=commerce, kind="projects", year=2026, published=True, items=[
        {"name": "天竺综保区生物医药保税研发平台", "zone": "TZ", "lead_unit_id": unit_of["北京天竺综合保税区管理委员会"],
         "investment": "850000000", "planned_start": "2026-01-01", "planned_end": "2026-12-31"},
        {"name": "大兴机场综保区跨境电商分拨中心二期", "zone": "DX",
         "lead_unit_id": unit_of["北京大兴国际机场综合保税区管理委员会"], "investment": "620000000",
         "planned_start": "2026-03-01", "planned_end": "2026-11-30"},
        {"name": "大兴机场综保区冷链查验设施", "zone": "DX",
         "lead_unit_id": unit_of["北京大兴国际机场综合保税区管理委员会"], "investment": "180000000",
         "planned_start": "2026-02-01", "planned_end": "2026-09-30"},
        {"name": "中关村综保区检测维修公共服务平台", "zone": "ZGC", "lead_unit_id": unit_of["中关村综合保税区管理机构"],
         "investment": "230000000", "planned_start": "2026-04-01", "planned_end": "2026-12-31"},
        {"name": "亦庄综保区新能源汽车保税维修中心", "zone": "YZ", "lead_unit_id": unit_of["北京亦庄综合保税区管理机构"],
         "investment": "410000000", "planned_start": "2026-05-01", "planned_end": "2026-12-31"},
    ])
    services.create_annual_list(actor=commerce, kind="policies", year=2026, published=True, items=[
        {"name": "争取扩大跨境电商进口医药产品品类", "lead_unit_id": unit_of["市商务局"]},
        {"name": "综保区增值税一般纳税人资格试点扩围", "lead_unit_id": unit_of["北京市税务局"]},
        {"name": "保税维修产品目录纳入医疗器械", "lead_unit_id": unit_of["北京海关"]},
    ])

    # a joint meeting and an issue escalated zone → district → city
    meeting = services.create_meeting(actor=commerce, number=f"LXH-{today.year}-01", held_on=today - timedelta(days=7),
                                      title="全市综合保税区建设发展联席会议第一次会议", convenor="分管副市长",
                                      attendee_ids=[unit_of["市商务局"], unit_of["北京海关"], unit_of["市“两区”办"]])
    issue = services.raise_issue(actor=zone_tz or commerce, title="天竺综保区冷链查验场地不足",
                                 description="进口疫苗和生物制品通关量增长，现有冷链查验场地无法满足需求。",
                                 zone_id=zones["TZ"].pk if "TZ" in zones else None)
    services.escalate_issue(actor=zone_tz or commerce, issue_id=issue.pk, to_level="district",
                            reason="需区级统筹用地。")
    services.escalate_issue(actor=commerce, issue_id=issue.pk, to_level="city", reason="涉及市级规划调整，提请联席会议。",
                            meeting_id=meeting.pk)
    services.add_decision(actor=commerce, issue_id=issue.pk, text="市规划自然资源委会同顺义区研究冷链查验场地扩建用地方案",
                          lead_unit_id=unit_of["市规划自然资源委"], co_unit_ids=[unit_of["综合保税区所在区政府"]],
                          due_in_workdays=20)
    services.add_decision(actor=commerce, issue_id=issue.pk, text="北京海关研究优化疫苗类商品查验模式",
                          lead_unit_id=unit_of["北京海关"], due_in_workdays=10)
    services.run_reminders(actor=system, today=today)

    # 签收 by two units, and this month's 情况通报 (overdue tasks, the returned report)
    if zone_tz is not None:
        services.sign_task(actor=zone_tz, task_id=kids[0][0].pk, unit_id=tz_unit.pk)
    if "customs" in users:
        services.sign_task(actor=actor_of(users["customs"]), task_id=Task.objects.get(code="二(三)1").pk)
    services.issue_notice(actor=commerce, today=today)
