"""A link crawler as each role (and as a visitor): every link a page shows must open — no 404, no 500.

Pages of one shape (the same path with another id) are visited a few times, not all, so the crawl stays quick
while still reaching every kind of page the links lead to."""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from ..conftest import post_list
from ..evaluation.conftest import build_field, make_run
from ..governance.conftest import build_gov
from .test_pages import client_for

SAME_SHAPE = 2  # pages visited per path shape
SKIP = ("/static/", "/i18n/", "/logout/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith(("#", "mailto:", "javascript:")):
                self.hrefs.append(href)


def shape(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(sorted(k for k in re.findall(r"(?:^|&)([^=&]+)=", parts.query)))
    return re.sub(r"/\d+/", "/N/", parts.path) + "?" + query


def crawl(client, start: str = "/", limit: int = 400) -> tuple[dict[str, tuple[int, str]], int]:
    """Breadth-first over same-site links; returns {url: (status, found on)} of the bad ones, pages seen."""
    seen, shapes, bad = {start}, Counter(), {}
    queue = deque([(start, "")])
    visited = 0
    while queue and visited < limit:
        url, parent = queue.popleft()
        r = client.get(url, follow=True)
        visited += 1
        if r.status_code == 404 or r.status_code >= 500:
            bad[url] = (r.status_code, parent)
            continue
        if "text/html" not in r.get("Content-Type", ""):
            continue
        here = r.request["PATH_INFO"]
        parser = Links()
        parser.feed(r.content.decode())
        for href in parser.hrefs:
            target = urljoin(here, href)
            parts = urlsplit(target)
            if parts.netloc or target.startswith(SKIP) or target in seen:
                continue
            seen.add(target)
            shapes[shape(target)] += 1
            if shapes[shape(target)] <= SAME_SHAPE:
                queue.append((target, url))
    return bad, visited


@pytest.fixture
def full_world(world):
    gov = build_gov(world)
    post_list(world, direction="I", lines=[(1, "10"), (2, "5")])
    ev = build_field(world)
    make_run(ev, public=True)
    add_guide_and_promotion(world)
    return gov


def add_guide_and_promotion(world):
    """Zone A's published investment guide (and a newer draft), a promotion project moved on, an event."""
    from bondzone.governance import selectors as gov_selectors
    from bondzone.servicedesk import services

    admin = world.actor("admin")
    v = services.write_guide(actor=admin, zone=world.zone_a.code, data={
        "title": "投资指南", "location": "顺义", "synthetic": True,
        "spaces": [{"building": "A1", "kind": "warehouse", "floor_area_m2": "100", "rent": "1.5"}]})
    services.publish_guide(actor=admin, version_id=v.pk)
    services.write_guide(actor=admin, zone=world.zone_a.code, data={"industries": "医药"})
    unit = gov_selectors.units(admin).first()
    p = services.create_project(actor=admin, data={"name": "项目", "industry": "医药", "zone": world.zone_a.code,
                                                   "unit_id": unit.pk, "planned_investment": "100"})
    services.move_project(actor=admin, project_id=p.pk, stage="signed")
    services.record_event(actor=admin, data={"kind": "visit", "title": "走访", "held_on": "2026-01-05",
                                             "zone": world.zone_a.code, "unit_id": unit.pk, "project_ids": [p.pk]})


@pytest.mark.parametrize("user", [None, "ent_a", "customs", "customs_a", "zone_a", "tax", "market", "commerce",
                                  "admin"])
def test_every_link_a_role_sees_opens(full_world, user):
    bad, visited = crawl(client_for(user))
    assert visited > (3 if user is None else 10)
    assert bad == {}, f"links that do not open for {user}: {bad}"
