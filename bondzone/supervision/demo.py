"""A year of synthetic account-book activity for the demo enterprises, posted through the services."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from bondzone.core.actor import actor_of
from bondzone.core.web import new_idempotency_key

from . import services
from .domain.codes import processing_kind_of
from .models import BookItem

# How goods leave each kind of book (trade mode, list type, share), per the trade-mode rules
# (domain/trade_modes.py): logistics goods go back abroad under 5034; CBEC retail leaves on consolidated
# lists (1210, list type 8); a processing book's materials are re-exported (0664) or sold across the second
# line (5000) — 5100 is for finished goods only.
OUTBOUND = {
    "5034": [("5034", "0", 1.0)],
    "1210": [("1210", "8", 1.0)],
    "5015": [("0664", "0", 0.75), ("5000", "0", 0.25)],
}
DOMESTIC_SHARE = 0.1  # inbound lists that bring domestic goods in across the second line (5000, non-bonded)

# per enterprise key: book kind, first-line trade mode in, items (hs, zh, en, unit, legal unit, price CNY)
CATALOGUE = {
    "logistics": ("T", "5034", [
        ("8471300000", "笔记本电脑", "Laptop computer", "001", "001", "5200"),
        ("8517130000", "智能手机", "Smartphone", "001", "001", "3100"),
        ("3004909099", "药品（片剂）", "Medicine (tablets)", "140", "035", "260"),
        ("9018390000", "医用导管", "Medical catheter", "011", "011", "85"),
        ("2204210000", "葡萄酒", "Wine", "142", "095", "180"),
    ]),
    "aviation": ("H", "5015", [
        ("8803300000", "飞机零件（起落架组件）", "Aircraft part (landing gear assembly)", "011", "011", "86000"),
        ("8411910000", "涡轮发动机叶片", "Turbine engine blade", "011", "011", "12000"),
        ("8803200000", "飞机起落架", "Aircraft undercarriage", "006", "006", "450000"),
        ("7326909000", "金属紧固件", "Metal fastener", "035", "035", "95"),
    ]),
    "culture": ("T", "5034", [
        ("9701100000", "油画", "Oil painting", "011", "011", "850000"),
        ("9703000000", "雕塑", "Sculpture", "011", "011", "420000"),
        ("9706000000", "古董", "Antique", "011", "011", "1200000"),
    ]),
    "cbec": ("T", "1210", [
        ("3304990099", "护肤品", "Skin-care product", "142", "035", "210"),
        ("1901101000", "婴幼儿配方奶粉", "Infant formula", "140", "035", "260"),
        ("2106909090", "膳食补充剂", "Dietary supplement", "142", "035", "150"),
        ("6403990090", "运动鞋", "Sports shoes", "011", "011", "680"),
    ]),
    "biomed": ("H", "5015", [
        ("3002150000", "免疫制品（疫苗）", "Immunological product (vaccine)", "012", "035", "95"),
        ("3822190000", "诊断试剂", "Diagnostic reagent", "140", "035", "1800"),
        ("9027819000", "实验分析仪器", "Laboratory analyser", "001", "001", "680000"),
    ]),
}

# per HS code: legal units per declared unit, and the second legal unit with its factor (items whose legal unit
# is their declared unit have none): a box of tablets weighs 0.05 kg, a bottle of wine holds 0.75 l and weighs
# 1.3 kg, so the list form shows computed legal quantities that differ from the declared ones
FACTORS = {
    "3004909099": ("0.05", "", ""), "2204210000": ("0.75", "035", "1.3"), "3304990099": ("0.1", "", ""),
    "1901101000": ("0.8", "", ""), "2106909090": ("0.2", "", ""), "3002150000": ("0.01", "", ""),
    "3822190000": ("0.5", "", ""),
}


def load(rng: random.Random, enterprises: dict, today: date, lists_per_enterprise: int = 60) -> dict:
    User = get_user_model()
    customs = actor_of(User.objects.get(username="customs"))
    start = today - timedelta(days=365)
    totals = {"books": 0, "items": 0, "lists": 0}
    for key, enterprise in enterprises.items():
        kind, mode_in, catalogue = CATALOGUE[key]
        owner = actor_of(User.objects.get(username=f"ent_{key}"))
        number = f"{kind}{enterprise.zone.customs_office_code}W{enterprise.pk:06d}"
        # an H book's 进料 / 来料加工 follows the mode its materials come in by (5015 进料, 5014 来料)
        book = services.create_book(actor=customs, enterprise_id=enterprise.pk, number=number, kind=kind,
                                    valid_from=start - timedelta(days=30), valid_until=today + timedelta(days=3 * 365),
                                    processing_kind=processing_kind_of(mode_in) or "")
        totals["books"] += 1
        for i, (hs, zh, en, unit, legal, price) in enumerate(catalogue, start=1):
            item_kind = "E" if (kind == "H" and i == 1) else "I"
            services.add_item(actor=customs, book_id=book.pk, data={
                "item_no": i, "part_no": f"{key.upper()[:3]}-{i:04d}", "hs_code": hs, "name_zh": zh, "name_en": en,
                "kind": item_kind, "declared_unit": unit, "legal_unit": legal, "currency": "142", "unit_price": price,
                **dict(zip(("legal_factor", "second_unit", "second_factor"), FACTORS.get(hs, ("", "", "")))),
                "origin_country": rng.choice(["502", "304", "116", "305", "303"]),
            })
            totals["items"] += 1
        items = list(BookItem.objects.filter(book=book, kind="I").order_by("item_no"))
        stock: dict[int, int] = {it.item_no: 0 for it in items}
        days = sorted(rng.sample(range(0, 360), lists_per_enterprise))
        for n, day in enumerate(days):
            when = start + timedelta(days=day)
            outgoing = n > 2 and rng.random() < 0.45
            if outgoing:
                modes = OUTBOUND[mode_in]
                trade_mode, list_type, _ = rng.choices(modes, weights=[w for *_, w in modes])[0]
                status = "bonded"
            elif rng.random() < DOMESTIC_SHARE:
                trade_mode, list_type, status = "5000", "0", "non_bonded"
            else:
                trade_mode, list_type, status = mode_in, "0", "bonded"
            lines = []
            for it in rng.sample(items, k=rng.randint(1, len(items))):
                if outgoing:
                    if stock[it.item_no] <= 1:
                        continue
                    qty = rng.randint(1, max(1, stock[it.item_no] // 2))
                    stock[it.item_no] -= qty
                else:
                    qty = rng.randint(5, 200)
                    if status == "bonded":
                        stock[it.item_no] += qty
                lines.append({"item_no": it.item_no, "quantity": str(qty), "unit": it.declared_unit,
                              "value": str((Decimal(qty) * it.unit_price).quantize(Decimal("0.01"))),
                              "currency": "142", "goods_status": status})
            if not lines:
                continue
            data = {"direction": "E" if outgoing else "I", "trade_mode": trade_mode, "list_type": list_type,
                    "item_kind": "I", "inner_no": f"{key.upper()}-{when:%Y%m%d}-{n:03d}", "lines": lines}
            vlist = services.create_list(actor=owner, book_id=book.pk, data=data, idempotency_key=new_idempotency_key())
            services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=new_idempotency_key())
            vlist = services.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=new_idempotency_key(),
                                          effective_date=when)
            # the goods of every list but the last have passed the gate; the last still awaits its passage
            if vlist.posting_state == "reserved" and n < len(days) - 1:
                services.pass_goods(actor=customs, list_id=vlist.pk, event_id=new_idempotency_key(),
                                    effective_date=when, idempotency_key=new_idempotency_key())
            totals["lists"] += 1
        # a few lists still waiting for customs, and one draft
        for state in ("submitted", "submitted", "draft"):
            it = rng.choice(items)
            vlist = services.create_list(actor=owner, book_id=book.pk, idempotency_key=new_idempotency_key(), data={
                "direction": "I", "trade_mode": mode_in, "inner_no": f"{key.upper()}-PENDING-{state}-{rng.randint(100, 999)}",
                "lines": [{"item_no": it.item_no, "quantity": str(rng.randint(5, 50)), "unit": it.declared_unit,
                           "value": "1000.00", "goods_status": "bonded"}]})
            if state == "submitted":
                services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=new_idempotency_key())
            totals["lists"] += 1
    return totals
