"""/sharing/: the index of information sharing — a card per part the reader's role may open (and only those),
what each is for, how much is there or how to start, in both languages; the main menu links to it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from bondzone.sharing import services

from ..conftest import PASSWORD

ALL = {"audit", "agency", "notifications", "subscriptions", "exports", "messages"}
AGENCY = {"audit", "agency", "notifications", "subscriptions", "exports"}
PARTS = {  # user -> the parts of sharing its role may open
    "admin": ALL, "customs": ALL, "zone_a": ALL, "tax": AGENCY, "market": AGENCY, "commerce": AGENCY,
    "ent_a": {"audit", "agency", "messages"},
}
LINKS = {"audit": "/sharing/audit/", "agency": "/sharing/agency/", "notifications": "/sharing/notifications/",
         "subscriptions": "/sharing/subscriptions/", "exports": "/sharing/exports/", "messages": "/gate/"}


def client_for(username: str, lang: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username=username, password=PASSWORD)
    return c


def parts(page: str) -> set[str]:
    return set(re.findall(r'data-part="([a-z]+)"', page))


@pytest.mark.parametrize("username", sorted(PARTS))
def test_the_index_shows_each_role_what_it_may_open_and_every_link_opens(world, username):
    c = client_for(username)
    r = c.get("/sharing/")
    assert r.status_code == 200
    page = r.content.decode()
    assert parts(page) == PARTS[username]
    assert 'href="/sharing/"' in page  # the main menu's link to it
    for part in PARTS[username]:
        assert f'<a href="{LINKS[part]}">' in page
        assert c.get(LINKS[part], follow=True).status_code == 200, part
    assert 'data-testid="sharing-empty"' not in page


def test_a_user_without_a_role_is_told_nothing_is_open(db):
    get_user_model().objects.create_user(username="norole", password=PASSWORD)
    for lang, said in (("zh-hans", "您的角色无法打开信息共享中的任何内容"),
                       ("en", "Nothing in information sharing is open to your role")):
        page = client_for("norole", lang).get("/sharing/").content.decode()
        assert parts(page) == set() and 'data-testid="sharing-empty"' in page and said in page


@pytest.mark.parametrize("lang, text", [
    ("zh-hans", {"title": "<h1>信息共享</h1>", "datasets": ">企业名录</a>", "no_subscription": "尚无生效的订阅",
                 "no_export": "尚无生效的定期导出", "nothing_received": "尚未收到通知", "active": "生效中：1",
                 "menu": ">信息共享</a>"}),
    ("en", {"title": "<h1>Information sharing</h1>", "datasets": ">Enterprises</a>",
            "no_subscription": "No active subscription", "no_export": "No active scheduled export",
            "nothing_received": "Nothing received yet", "active": "Active: 1", "menu": ">Information sharing</a>"})])
def test_empty_parts_say_how_to_start_then_count_in_both_languages(world, lang, text):
    c = client_for("tax", lang)
    page = c.get("/sharing/").content.decode()
    for key in ("title", "datasets", "no_subscription", "no_export", "nothing_received", "menu"):
        assert text[key] in page, key
    services.create_subscription(actor=world.actor("tax"), name="税务", kinds=["enterprise.registered"])
    page = c.get("/sharing/").content.decode()
    assert text["no_subscription"] not in page and text["active"] in page and text["no_export"] in page


def test_the_sharing_pages_link_back_to_the_index(world):
    page = client_for("tax", "en").get("/sharing/subscriptions/").content.decode()
    assert '<p class="subnav"><a href="/sharing/">Overview</a>' in page
