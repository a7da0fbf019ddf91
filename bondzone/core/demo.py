"""Demo zones, enterprises and users (one per role). Every generated figure is synthetic."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from stdnum.cn import uscc

from .domain.identifiers import CustomsCreditClass
from .domain.roles import Role
from .models import Enterprise, Zone
from .services import create_user

DEMO_PASSWORD = "bondzone-demo"

ZONES = [
    # code, zh, en, customs office (assumed), approved, planned area km²
    ("TZ", "北京天竺综合保税区", "Beijing Tianzhu CBZ", "0110", date(2008, 7, 23), Decimal("5.944")),
    ("DX", "北京大兴国际机场综合保税区", "Beijing Daxing International Airport CBZ", "0120", date(2020, 11, 5), Decimal("4.350")),
    ("ZGC", "中关村综合保税区", "Zhongguancun CBZ", "0130", date(2023, 5, 30), Decimal("0.401")),
    ("YZ", "北京亦庄综合保税区", "Beijing Yizhuang CBZ", "0140", date(2024, 9, 13), Decimal("0.610")),
]

ENTERPRISES = [
    # key, zone, name, English name, business type, customs credit class (synthetic)
    ("logistics", "TZ", "北京天竺国际物流有限公司", "Tianzhu International Logistics Co., Ltd.", "bonded logistics",
     CustomsCreditClass.ADVANCED_CERTIFIED),
    ("aviation", "TZ", "北京航科航材维修有限公司", "Beijing AeroTech Parts Repair Co., Ltd.", "aviation parts repair",
     CustomsCreditClass.CERTIFIED),
    ("culture", "TZ", "北京国际文化艺术品保税展示有限公司", "Beijing Cultural Goods Bonded Display Co., Ltd.", "cultural goods",
     CustomsCreditClass.REGULAR),
    ("cbec", "DX", "北京大兴跨境电商供应链有限公司", "Daxing Cross-border E-commerce Supply Chain Co., Ltd.",
     "cross-border e-commerce", CustomsCreditClass.DISHONEST),
    ("biomed", "DX", "北京临空生物医药科技有限公司", "Beijing Airside Biomedicine Technology Co., Ltd.", "biomedicine",
     CustomsCreditClass.REGULAR),
]


def credit_code(rng: random.Random) -> str:
    while True:
        body = "91110000" + "".join(rng.choice("0123456789") for _ in range(9))
        code = body + uscc.calc_check_digit(body)
        if uscc.is_valid(code) and not Enterprise.objects.filter(credit_code=code).exists():
            return code


def load(rng: random.Random) -> dict:
    zones = {}
    for code, zh, en, office, approved, area in ZONES:
        zones[code] = Zone.objects.create(code=code, name_zh=zh, name_en=en, customs_office_code=office,
                                          approved_on=approved, planned_area_km2=area)
    enterprises = {}
    for i, (key, zone, name, name_en, btype, credit_class) in enumerate(ENTERPRISES, start=1):
        enterprises[key] = Enterprise.objects.create(
            name=name, name_en=name_en, credit_code=credit_code(rng), customs_code=f"11{i:02d}96{rng.randint(1000, 9999)}",
            zone=zones[zone], business_type=btype, customs_credit_class=credit_class.value,
            customs_credit_class_since=date(2026, 4, 1),
        )
    users = [
        ("admin", Role.PLATFORM_ADMIN, None, None),
        ("customs", Role.CUSTOMS, None, None),
        ("customs_tz", Role.CUSTOMS, None, zones["TZ"]),
        ("zone_tz", Role.ZONE_ADMIN, None, zones["TZ"]),
        ("tax", Role.TAX, None, None),
        ("market", Role.MARKET, None, None),
        ("commerce", Role.COMMERCE, None, None),
    ] + [(f"ent_{key}", Role.ENTERPRISE, e, None) for key, e in enterprises.items()]
    for username, role, enterprise, zone in users:
        create_user(username=username, password=DEMO_PASSWORD, role=role, enterprise=enterprise, zone=zone)
    return {"zones": zones, "enterprises": enterprises, "users": [u[0] for u in users]}
