"""Agency field views: each role sees the same records through its scope, with only the fields the field
policy gives it; an enterprise never sees another's data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from bondzone.duties.models import DomesticSale, Regime, TaxBill
from bondzone.gate.models import Slip

from bondzone.sharing.domain.fields import DATASETS, POLICY, allowed_fields

from ..conftest import PASSWORD, post_list

ROLES = {"admin": "platform_admin", "customs": "customs", "customs_a": "customs", "zone_a": "zone_admin",
         "tax": "tax", "market": "market", "commerce": "commerce", "ent_a": "enterprise", "ent_b": "enterprise"}
# which enterprises' rows each user sees (A in zone TZ, B in zone DX); "lists"/"books" follow supervision
SEES = {"admin": {"A", "B"}, "customs": {"A", "B"}, "customs_a": {"A"}, "zone_a": {"A"}, "tax": {"A", "B"},
        "market": {"A", "B"}, "commerce": {"A", "B"}, "ent_a": {"A"}, "ent_b": {"B"}}


def client(name: str) -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    return c


@pytest.fixture
def shared(world):
    # domestic goods entering the zone (5000 inbound, passed): lists and the 入区退税 basis alike
    a = post_list(world, direction="I", lines=[(1, "5")], status="non_bonded")
    b = post_list(world, direction="I", lines=[(1, "5")], book=world.book_b, enterprise_user="ent_b",
                  status="non_bonded")
    world.ent_a.customs_credit_class = "advanced_certified"
    world.ent_a.business_type = "保税物流"
    world.ent_a.save()
    out = {"lists": {"A": a.pk, "B": b.pk}, "domestic_entries": {"A": a.pk, "B": b.pk}, "books": {"A": world.book_a.pk, "B": world.book_b.pk},
           "enterprises": {"A": world.ent_a.pk, "B": world.ent_b.pk},
           "slips": {}, "regimes": {}, "domestic_sales": {}, "tax_bills": {}}
    for key, ent, book, vlist in (("A", world.ent_a, world.book_a, a), ("B", world.ent_b, world.book_b, b)):
        out["slips"][key] = Slip.objects.create(
            number=f"HF-{key}", zone_id=ent.zone_id, enterprise=ent, slip_type="2", binding="1", direction="I",
            status="applied", goods_class="bonded", plate="沪A12345", vehicle_wt=Decimal("1000"),
            elock_no=f"EL000{key}").pk
        out["regimes"][key] = Regime.objects.create(
            number=f"SX-{key}", enterprise=ent, zone_id=ent.zone_id, book=book, kind="repair_out", legal_basis="x",
            start_date=date(2026, 1, 1), deadline=date(2026, 3, 2), duty_at_risk=Decimal("12.50")).pk
        sale = DomesticSale.objects.create(number=f"NX-{key}", enterprise=ent, zone_id=ent.zone_id, book=book,
                                           declared_on=date(2026, 5, 1), goods_quote={})
        out["domestic_sales"][key] = sale.pk
        out["tax_bills"][key] = TaxBill.objects.create(
            number=f"SD-{key}", enterprise=ent, zone_id=ent.zone_id, vlist=vlist, sale=sale, rate_date=date(2026, 5, 1),
            issued_on=date(2026, 5, 1), due_on=date(2026, 5, 16), vat=Decimal("10.00"), total=Decimal("10.00")).pk
    return out


@pytest.mark.parametrize("username", sorted(ROLES))
@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_every_role_sees_only_its_fields_of_its_rows(world, shared, username, dataset):
    c = client(username)
    r = c.get(f"/api/v1/sharing/agency/{dataset}?limit=500")
    fields = allowed_fields(ROLES[username], dataset)
    if not fields:
        assert r.status_code == 403
        assert c.get(f"/sharing/agency/{dataset}/").status_code == 403
        return
    assert r.status_code == 200
    body = r.json()
    assert tuple(body["fields"]) == fields == tuple(f for f in DATASETS[dataset] if f in POLICY[ROLES[username]][dataset])
    for row in body["items"]:
        assert tuple(row) == fields  # no other key, in policy order
    ids = {row["id"] for row in body["items"]}
    want = {shared[dataset][t] for t in SEES[username]}
    if dataset != "enterprises" and username in ("market", "commerce"):
        want = set()  # (never reached: the policy gives them no books or lists)
    assert ids == want, (username, dataset)
    page = c.get(f"/sharing/agency/{dataset}/")
    assert page.status_code == 200
    html = page.content.decode()
    for f in DATASETS[dataset]:
        assert (f'data-field="{f}"' in html) == (f in fields)


def test_the_slips_dataset_carries_the_electronic_lock_for_customs_not_the_zone(world, shared):
    """电子关锁: customs (and the enterprise, its own) read each slip's lock number in the slips dataset, API and page,
    with its heading in both languages; the zone administration, which sees no vehicle, does not."""
    rows = client("customs").get("/api/v1/sharing/agency/slips").json()["items"]
    assert {r["id"]: r["elock_no"] for r in rows} == {shared["slips"]["A"]: "EL000A", shared["slips"]["B"]: "EL000B"}
    assert [r["elock_no"] for r in client("ent_a").get("/api/v1/sharing/agency/slips").json()["items"]] == ["EL000A"]
    for language, heading in (("zh-hans", "电子关锁"), ("en", "Electronic lock")):
        c = client("customs")
        c.cookies["django_language"] = language
        html = c.get("/sharing/agency/slips/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert heading in html and "EL000A" in html
    zone = client("zone_a")
    assert "elock_no" not in zone.get("/api/v1/sharing/agency/slips").json()["fields"]
    assert "EL000A" not in zone.get("/sharing/agency/slips/").content.decode()


def test_forbidden_field_values_never_leave(world, shared):
    """The credit class is customs' (and the zone's): market supervision and commerce never receive it,
    neither in the API nor on the page; commerce does not get the credit code either."""
    for username in ("market", "commerce", "tax"):
        c = client(username)
        api = c.get("/api/v1/sharing/agency/enterprises").content.decode()
        page = c.get("/sharing/agency/enterprises/").content.decode()
        assert "advanced_certified" not in api and "advanced_certified" not in page
    commerce = client("commerce").get("/api/v1/sharing/agency/enterprises").json()
    values = {v for row in commerce["items"] for v in row.values()}
    assert world.ent_a.credit_code not in values and world.ent_a.name in values
    assert "advanced_certified" in client("customs").get("/api/v1/sharing/agency/enterprises").content.decode()


def test_one_record_by_id_and_its_read_is_logged(world, shared):
    from bondzone.core.models import AuditEvent

    r = client("tax").get(f"/api/v1/sharing/agency/enterprises?id={world.ent_b.pk}")
    assert [row["id"] for row in r.json()["items"]] == [world.ent_b.pk]
    assert AuditEvent.objects.filter(action="read.enterprise", actor_name="tax", object_id=str(world.ent_b.pk)).exists()
    # another enterprise's record by id: not there (no 403 that would confirm it exists)
    r = client("ent_a").get(f"/api/v1/sharing/agency/enterprises?id={world.ent_b.pk}")
    assert r.status_code == 200 and r.json()["items"] == []


def test_unknown_dataset_is_a_clear_error(world):
    r = client("customs").get("/api/v1/sharing/agency/payroll")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "dataset"
    assert client("customs").get("/sharing/agency/payroll/").status_code == 404


def test_index_opens_the_first_allowed_dataset(world):
    assert client("market").get("/sharing/agency/")["Location"].endswith("/sharing/agency/enterprises/")
    assert client("customs").get("/sharing/agency/")["Location"].endswith("/sharing/agency/enterprises/")


@pytest.mark.parametrize("language, words", [
    ("zh-hans", ["共享数据", "统一社会信用代码", "企业名录"]),
    ("en", ["Shared data", "Unified social credit code", "Enterprises"]),
])
def test_pages_in_both_languages(world, language, words):
    c = client("market")
    c.cookies["django_language"] = language
    html = c.get("/sharing/agency/enterprises/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert all(w in html for w in words), [w for w in words if w not in html]
    subs = c.get("/sharing/subscriptions/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ("订阅" if language == "zh-hans" else "Subscribe") in subs


CODED_WORDS = {
    "zh-hans": {"enterprises": ["高级认证企业（AEO）"], "slips": ["2 一线一体化进出区", "进区", "已申请", "保税"],
                "regimes": ["出区检测 / 维修", "监管中"], "domestic_sales": ["货物出区", "已试算"], "tax_bills": ["未缴"],
                "books": ["物流账册", "是"], "lists": ["进区", "审核通过"]},
    "en": {"enterprises": ["advanced certified enterprise (AEO)"],
           "slips": ["2 first line (abroad ↔ zone)", "into the zone", "applied", "bonded"],
           "regimes": ["Testing or repair outside the zone", "Open"], "domestic_sales": ["Goods leave the zone", "Quoted"],
           "tax_bills": ["Unpaid"], "books": ["logistics book", "yes"], "lists": ["into the zone", "approved"]},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_coded_values_show_their_names_with_the_code_in_the_title(world, shared, language):
    """Words, not codes: every coded cell of the agency view is named in the page's language (core.labels);
    the code stays in the cell's title, and the API keeps the code."""
    c = client("customs")
    c.cookies["django_language"] = language
    for dataset, words in CODED_WORDS[language].items():
        html = c.get(f"/sharing/agency/{dataset}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert all(f">{w}</td>" in html for w in words), (dataset, [w for w in words if f">{w}</td>" not in html])
        for code in ("advanced_certified", "repair_out", "unpaid", "quoted", "out"):
            assert f">{code}</td>" not in html, (dataset, code)
    html = c.get("/sharing/agency/enterprises/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'title="advanced_certified" data-code="advanced_certified"' in html
    lists = c.get("/sharing/agency/lists/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert (">5000 料件进出区</td>" if language == "zh-hans" else ">5000 Materials in/out of zone</td>") in lists
    api = c.get("/api/v1/sharing/agency/enterprises", HTTP_ACCEPT_LANGUAGE=language).json()
    assert {r["customs_credit_class"] for r in api["items"]} == {"advanced_certified", "regular"}


def test_core_enterprise_api_applies_the_same_field_policy(world, shared):
    """Core's own record and history (GET /api/v1/enterprises…) show each agency the fields the shared view
    shows it: market supervision and commerce get no credit class, commerce no codes; customs gets all."""
    from bondzone.core import services as core_services

    core_services.update_enterprise(actor=world.actor("customs"), enterprise_id=world.ent_a.pk,
                                    changes={"customs_credit_class": "dishonest"})
    core_services.update_enterprise(actor=world.actor("market"), enterprise_id=world.ent_a.pk,
                                    changes={"business_type": "保税研发"})
    for username in ("market", "commerce", "tax", "customs", "zone_a", "ent_a"):
        fields = set(allowed_fields(ROLES[username], "enterprises"))
        c = client(username)
        one = c.get(f"/api/v1/enterprises/{world.ent_a.pk}").json()
        listed = {e["id"]: e for e in c.get("/api/v1/enterprises?limit=100").json()["items"]}[world.ent_a.pk]
        for record in (one, listed):
            assert (record["customs_credit_class"] == "dishonest") == ("customs_credit_class" in fields), username
            assert (record["credit_code"] == world.ent_a.credit_code) == ("credit_code" in fields), username
            assert record["business_type"] == "保税研发" and record["name"] == world.ent_a.name
        history = c.get(f"/api/v1/enterprises/{world.ent_a.pk}/history").json()["items"]
        keys = {k for e in history for side in (e["before"], e["after"]) if side for k in side}
        assert "business_type" in keys
        assert ("customs_credit_class" in keys) == ("customs_credit_class" in fields), username
        assert "dishonest" not in str(history) or "customs_credit_class" in fields


@pytest.mark.parametrize("language, words", [
    ("zh-hans", ["内销", "税单", "进口环节增值税", "缴款状态"]),
    ("en", ["Domestic sales", "Tax bills", "Import VAT", "Payment state"]),
])
def test_tax_sees_domestic_sales_and_tax_bills_in_both_languages(world, shared, language, words):
    c = client("tax")
    c.cookies["django_language"] = language
    html = c.get("/sharing/agency/tax_bills/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert all(w in html for w in words), [w for w in words if w not in html]
    assert "SD-A" in html and "SD-B" in html
    assert 'data-field="tariff"' not in html  # the tariff is customs' (tax collects VAT and consumption tax)
    assert c.get("/sharing/agency/regimes/").status_code == 403


def test_the_audit_trail_does_not_show_market_or_commerce_the_credit_class(world):
    """The registry's change history in the audit browser (page, API, export) follows the field policy."""
    from bondzone.core import services as core_services

    core_services.update_enterprise(actor=world.actor("customs"), enterprise_id=world.ent_a.pk,
                                    changes={"customs_credit_class": "dishonest"})
    for username in ("market", "commerce", "customs"):
        sees = "customs_credit_class" in allowed_fields(ROLES[username], "enterprises")
        c = client(username)
        api = c.get("/api/v1/audit-events?object_type=core.enterprise&limit=500").content.decode()
        page = c.get("/sharing/audit/?object_type=core.enterprise").content.decode()
        export = c.get("/sharing/audit/export/?format=csv&object_type=core.enterprise").content.decode("utf-8-sig")
        for text in (api, page, export):
            assert ("dishonest" in text) == sees, username


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_field_heading_names_one_field(language):
    """Two columns of one view never read alike (the record id and a document's number both read 编号 once)."""
    from django.utils import translation

    from bondzone.sharing.fieldnames import FIELD_NAMES

    with translation.override(language):
        headings = [str(name) for name in FIELD_NAMES.values()]
    assert len(set(headings)) == len(headings), sorted(h for h in headings if headings.count(h) > 1)


def test_the_audit_trail_shows_tax_no_list_field_its_view_hides(world):
    """A list's change carries its remarks; tax, whose view of lists leaves the free-text remarks out, does not
    read them in the audit trail either (API, page, export), customs does."""
    import uuid

    from bondzone.supervision import services as supervision

    vlist = post_list(world, direction="I", lines=[(1, "5")], passed=False)  # awaiting its goods: changeable
    supervision.change_list(actor=world.actor("ent_a"), list_id=vlist.pk, changes={"remarks": "仓位 B-17 内部备注"},
                            reason="补充备注", idempotency_key=uuid.uuid4().hex)
    assert "remarks" not in allowed_fields("tax", "lists")
    for username, sees in (("tax", False), ("customs", True)):
        c = client(username)
        api = c.get("/api/v1/audit-events?action=list.change&limit=500")
        assert api.status_code == 200 and api.json()["count"] == 1, username
        assert [i["after"]["trade_mode"] for i in api.json()["items"]]  # the rest of the change is there
        page = c.get("/sharing/audit/?action=list.change").content.decode()
        export = c.get("/sharing/audit/export/?format=csv&action=list.change")
        texts = [api.content.decode(), page] + ([export.content.decode("utf-8-sig")] if export.status_code == 200 else [])
        for text in texts:
            assert ("B-17" in text) == sees, username
