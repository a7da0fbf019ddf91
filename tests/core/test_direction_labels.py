"""The direction of goods across the zone's boundary (a list's, a slip's, a passage's I / E) has one name on every
page: 进区 / 出区, from core.labels kind "direction". Django merges the catalogues of all apps into one, so the
same msgid translated two ways ("Out": 出区 in duties, 出 in the gate, processing and supervision) shows whichever
app comes first: words spelt "In" / "Out" with another meaning carry a context (a book's movements 进 / 出, a
regime's lists 出区 / 返区)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.test import Client
from django.utils import translation

import bondzone
from bondzone.core import labels
from bondzone.gate.models import Slip

from ..conftest import PASSWORD, post_list
from .test_catalogues import catalogue_entries

WORDS = ("In", "Out", "in", "out", "into the zone", "out of the zone", "In (import)", "Out (export)")


def test_no_app_translates_a_direction_word_otherwise_than_another():
    found: dict[tuple, dict[str, list[str]]] = {}
    for po in sorted(Path(bondzone.__file__).parent.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")):
        for context, msgid, msgstr in catalogue_entries(po):
            if msgid in WORDS:
                found.setdefault((context, msgid), {}).setdefault(msgstr, []).append(po.parts[-5])
    assert {k: v for k, v in found.items() if len(v) > 1} == {}
    with translation.override("zh-hans"):
        assert (labels.name("direction", "I"), labels.name("direction", "E")) == ("进区", "出区")
        assert translation.pgettext("regime list role", "Out") == "出区"
        assert translation.pgettext("book movement", "Out") == "出"
    with translation.override("en"):
        assert (labels.name("direction", "I"), labels.name("direction", "E")) == ("into the zone", "out of the zone")


def test_every_page_names_the_direction_the_same_way(world):
    inbound = post_list(world, direction="I", lines=[(1, "5")])
    outbound = post_list(world, direction="E", lines=[(1, "2")])
    slip = Slip.objects.create(number="HF-DIR", zone=world.zone_a, enterprise=world.ent_a, slip_type="2", binding="1",
                               direction="E", status="applied", goods_class="bonded", plate="京A12345",
                               vehicle_wt=Decimal("1000"))
    c = Client()
    assert c.login(username="customs", password=PASSWORD)
    c.cookies["django_language"] = "zh-hans"

    def page(path: str) -> str:
        r = c.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200, path
        return r.content.decode()

    lists = page("/supervision/lists/")
    assert "<td>进区</td>" in lists and "<td>出区</td>" in lists
    assert ">出区</option>" in lists  # the filter
    assert "进区" in page(f"/supervision/lists/{inbound.pk}/") and "出区" in page(f"/supervision/lists/{outbound.pk}/")
    slips = page("/gate/")
    assert "<td>出区</td>" in slips and ">进区</option>" in slips
    assert "出区" in page(f"/gate/slips/{slip.pk}/")
    assert ">出区</td>" in page("/sharing/agency/lists/") and ">出区</td>" in page("/sharing/agency/slips/")
