"""The slip as the national system's messages: SAS121 out (read back with defusedxml), SAS221 receipts in."""

from __future__ import annotations

import codecs
from decimal import Decimal as D
from io import StringIO

import defusedxml.ElementTree as SafeET
import pytest
from django.core.management import CommandError, call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from bondzone.core.domain.errors import DomainError, Forbidden, NotFound
from bondzone.core.messages import as_dicts
from bondzone.core.models import AuditEvent
from bondzone.gate import services
from bondzone.gate.domain import messages as msg
from bondzone.gate.models import Inspection, Slip, SlipReceipt
from bondzone.gate.services.messages import MAX_RECEIPT_BYTES, sas121_of

from ..conftest import PASSWORD, key, post_list
from .conftest import apply, approved, empty_slip

PASSPORT_NO = "HF011026I000000000000007"  # 24 characters


def codes(exc):
    return [(p.field, p.code) for p in exc.value.problems]


def receipt_xml(number: str, mark: str = "1", passport_no: str = PASSPORT_NO, rmk: str = "", dcl: str = "1",
                message_type: str = "SAS221") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Package>
  <EnvelopInfo><version>1.0</version><message_id>R-{number}-{mark}</message_id><file_name>r.xml</file_name>
    <message_type>{message_type}</message_type><sender_id>DXP</sender_id><receiver_id>1101960001</receiver_id>
    <send_time>2026-11-29 10:00:00</send_time></EnvelopInfo>
  <DataInfo>
    <PocketInfo><pocket_id>1</pocket_id><total_pocket_qty>1</total_pocket_qty><cur_pocket_no>1</cur_pocket_no></PocketInfo>
    <BussinessData><SAS221>
      <HdeApprResult><etpsPreentNo>{number}</etpsPreentNo><businessId>{passport_no}</businessId><tmsCnt>0</tmsCnt>
        <typecd>1</typecd><manageResult>{mark}</manageResult><manageDate>2026-11-29 10:00:00</manageDate><rmk>{rmk}</rmk>
      </HdeApprResult>
      <SasPassportBsc><passportNo>{passport_no}</passportNo><dclTypecd>{dcl}</dclTypecd><emapvMarkcd>{mark}</emapvMarkcd>
        <stucd>1</stucd></SasPassportBsc>
    </SAS221></BussinessData>
  </DataInfo>
</Package>""".encode()


def written():
    return tuple(m.objects.count() for m in (Slip, SlipReceipt, AuditEvent, Inspection))


def outbound(world, lines):
    return post_list(world, direction="E", lines=lines, passed=False)


@pytest.fixture
def stocked(gw):
    post_list(gw.world, direction="I", lines=[(1, "100"), (2, "50")])
    return gw


def list_slip(vlists, binding="2", plate="京A12345", lines=None):
    data = {"slip_type": "2", "binding": binding, "direction": "E", "plate": plate, "vehicle_wt": "8000",
            "total_gross_wt": "500", "lists": [v.pk for v in vlists]}
    return {**data, "lines": lines} if lines else data


def head_of(document: bytes) -> dict[str, str]:
    root = SafeET.fromstring(document)
    head = root.find(f"Object/Package/DataInfo/BussinessData/{msg.UNCONFIRMED['sas121_message']}/"
                     f"{msg.UNCONFIRMED['sas121_head']}")
    return {el.tag: el.text or "" for el in head}


# ---------------------------------------------------------------- SAS121 out
def test_total_weight_is_the_worked_example():
    assert msg.total_wt(D("8200"), D("6500"), D("3800"), D("14600")) == D("33100")
    assert (msg.kg(D("8200.000")), msg.kg(D("12.500")), msg.kg(D("0"))) == ("8200", "12.5", "0")


@pytest.mark.parametrize("element, value", [
    ("VehicleWt", "8200"), ("VehicleFrameWt", "6500"), ("ContainerWt", "3800"), ("TotalGrossWt", "14600"),
    ("TotalWt", "33100"), ("ContainerNo", "CSQU3054383"), ("VehicleNo", "京A12345"), ("IoTypecd", "I"),
    ("PassportTypecd", "6"), ("DclTypecd", "1"), ("MasterCuscd", "0110"), ("AreainEtpsSccd", "91110000600037341L"),
    ("AreainEtpsno", "1101960001"), ("AreainEtpsNm", "企业甲"), ("SeqNo", ""), ("PassportNo", ""),
])
def test_writer_fields_follow_the_worked_example(gw, element, value):
    """§3.5: vehicle 8 200 + frame 6 500 + container 3 800 + goods 14 600 = 33 100 kg expected on the scale
    (an empty slip declares no goods, so the goods weight is set on the row the writer reads)."""
    slip = apply(gw, empty_slip(frame_wt="6500", container_wt="3800", containers=["CSQU3054383"]))
    Slip.objects.filter(pk=slip.pk).update(total_gross_wt=D("14600"))
    _, document = services.sas121_document(gw.actor("customs"), slip.pk)
    assert head_of(document)[element] == value


def test_declaration_envelope_and_misspelt_elements(gw):
    slip = apply(gw, empty_slip())
    _, document = services.sas121_document(gw.actor("ent_a"), slip.pk)
    root = SafeET.fromstring(document)
    assert root.tag == "Signature"  # the client's own form: no namespace
    assert root.findtext("Object/Package/EnvelopInfo/message_type") == "SAS121"
    assert root.findtext("Object/Package/DataInfo/BussinessData/DelcareFlag") == "1"
    assert head_of(document)["EtpsPreentNo"] == slip.number


def test_one_list_on_several_vehicles_round_trips_with_its_lines(stocked):
    gw = stocked
    vlist = outbound(gw.world, [(1, "30"), (2, "4")])
    slip = apply(gw, list_slip([vlist], binding="3", lines=[{"seq": 1, "quantity": "10.5"}, {"seq": 2, "quantity": "4"}]))
    name, document = services.sas121_document(gw.actor("customs"), slip.pk)
    back = msg.read_sas121(document)
    expected = sas121_of(Slip.objects.get(pk=slip.pk))
    assert name == f"SAS121_{slip.number}.xml"
    assert back.head == expected.head and back.lines == expected.lines and back.acmp == expected.acmp
    assert back.oper_cus_reg_code == "1101960001" and back.declare_flag == "1"
    assert back.envelope["message_type"] == "SAS121" and back.envelope["file_name"] == name
    assert (back.head["rltTbTypecd"], back.head["rltNo"], back.head["bindTypecd"]) == ("1", vlist.number, "3")
    assert back.head["areainOriactNo"] == gw.world.book_a.number and back.head["etpsPreentNo"] == slip.number
    assert [(ln["passportSeqNo"], ln["rltGdsSeqno"], ln["dclQty"], ln["gdecd"]) for ln in back.lines] == [
        ("1", "1", "10.5", "8471300001"), ("2", "2", "4", "8471300002")]
    assert back.acmp == ({"rltTbTypecd": "1", "rltNo": vlist.number},)


def test_one_vehicle_several_lists_go_in_the_acmp_table_without_lines(stocked):
    gw = stocked
    a, b = outbound(gw.world, [(1, "5")]), outbound(gw.world, [(2, "7")])
    slip = apply(gw, list_slip([a, b], binding="1"))
    back = msg.read_sas121(services.sas121_document(gw.actor("customs"), slip.pk)[1])
    assert back.lines == () and back.head["rltNo"] == ""
    assert [r["rltNo"] for r in back.acmp] == [a.number, b.number]


def test_cancelled_slip_is_declared_as_cancellation_and_a_passed_one_not_at_all(gw):
    slip = apply(gw, empty_slip())
    services.cancel_slip(actor=gw.actor("ent_a"), slip_id=slip.pk, reason="车辆故障")
    assert head_of(services.sas121_document(gw.actor("ent_a"), slip.pk)[1])["DclTypecd"] == "3"
    Slip.objects.filter(pk=slip.pk).update(status="passed", valid_until=timezone.now())
    with pytest.raises(DomainError) as exc:
        services.sas121_document(gw.actor("ent_a"), slip.pk)
    assert exc.value.status == 409 and codes(exc) == [("status", "slip_wrong_state")]


def test_declaration_is_scoped_as_the_slip(gw):
    slip = apply(gw, empty_slip())
    for outsider in ("ent_b", "tax"):
        with pytest.raises(NotFound):
            services.sas121_document(gw.actor(outsider), slip.pk)
    services.sas121_document(gw.actor("customs_a"), slip.pk)


def test_declaration_reads_back_in_both_root_forms(gw):
    slip = apply(gw, empty_slip())
    document = services.sas121_document(gw.actor("ent_a"), slip.pk)[1]
    namespaced = document.replace(b"<Signature>", f'<Signature xmlns="{msg.DSIG_NS}">'.encode(), 1)
    assert msg.read_sas121(namespaced).head == msg.read_sas121(document).head
    other = document.replace(b"<Signature>", b'<Signature xmlns="urn:other">', 1)
    with pytest.raises(DomainError) as exc:
        msg.read_sas121(other)
    assert codes(exc) == [("file", "xml_wrong_root")]


# ---------------------------------------------------------------- SAS221 in
def test_approval_receipt_approves_with_the_inspection_draw_and_a_second_time_changes_nothing(gw):
    services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, data={"random_rate_pct": "50"})
    slip = apply(gw, empty_slip(slip_type="4", goods_class="non_bonded", vehicle_wt="8200", total_gross_wt="10"))
    outcome = services.apply_receipt(actor=gw.actor("customs_a"), data=receipt_xml(slip.number), draw=D("1"))
    slip.refresh_from_db()
    assert not outcome.replayed and outcome.receipt.effect == "approved"
    assert slip.status == "approved" and slip.valid_until and slip.inspection == "pending"
    assert slip.receipt.passport_no == PASSPORT_NO and slip.receipt.message_id == f"R-{slip.number}-1"
    actions = list(AuditEvent.objects.filter(object_id=str(slip.pk)).values_list("action", flat=True))
    assert "slip.approve" in actions and "slip.receipt" in actions
    before = written()
    again = services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number))
    assert again.replayed and written() == before
    with translation.override("en"):
        assert "nothing changed" in again.sentence()
    with translation.override("zh-hans"):
        assert "未作任何更改" in again.sentence()


def test_return_receipt_cancels_with_the_remark(gw):
    slip = apply(gw, empty_slip())
    outcome = services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number, "3", "", rmk="车牌与备案不符"))
    slip.refresh_from_db()
    assert outcome.receipt.effect == "cancelled" and slip.status == "cancelled"
    assert slip.cancel_reason == "SAS221 退单: 车牌与备案不符"
    assert AuditEvent.objects.filter(action="slip.cancel", object_id=str(slip.pk)).exists()


def test_receipt_on_a_slip_approved_here_is_recorded_without_a_second_approval(gw):
    slip = approved(gw, empty_slip())
    approvals = AuditEvent.objects.filter(action="slip.approve").count()
    outcome = services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number))
    assert outcome.receipt.effect == "confirmed" and AuditEvent.objects.filter(action="slip.approve").count() == approvals


@pytest.mark.parametrize("first, second, code", [
    ("1", "3", "receipt_conflicts"),  # approved by a receipt, then returned
    ("cancel", "1", "receipt_slip_decided"),  # cancelled here, then an approval arrives
    ("approve", "3", "receipt_slip_decided"),  # approved here, then returned
])
def test_a_receipt_deciding_otherwise_is_refused_and_writes_nothing(gw, first, second, code):
    slip = apply(gw, empty_slip())
    if first == "cancel":
        services.cancel_slip(actor=gw.actor("ent_a"), slip_id=slip.pk, reason="不走了")
    elif first == "approve":
        services.approve_slip(actor=gw.actor("customs"), slip_id=slip.pk, idempotency_key=key())
    else:
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number, first))
    before = written()
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number, second))
    assert exc.value.status == 409 and codes(exc) == [("emapvMarkcd", code)] and written() == before


def test_another_passport_number_for_the_same_slip_is_a_conflict(gw):
    slip = apply(gw, empty_slip())
    services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number))
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number, passport_no="X" * 24))
    assert codes(exc) == [("emapvMarkcd", "receipt_conflicts")]


def test_a_passport_number_customs_gave_another_slip_is_a_conflict(gw):
    first, second = apply(gw, empty_slip()), apply(gw, empty_slip(plate="京B54321"))
    services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(first.number))
    before = written()
    with pytest.raises(DomainError) as exc:  # was applied: one passport number on two slips
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(second.number))
    assert exc.value.status == 409 and codes(exc) == [("passportNo", "receipt_passport_no_taken")]
    assert written() == before and Slip.objects.get(pk=second.pk).status == "applied"
    with translation.override("zh-hans"):
        (said,) = as_dicts(exc.value.problems)
    assert first.number in said["message"] and "核放单编号" in said["message"]


def test_unknown_slip_other_zone_and_non_customs_are_refused(gw):
    slip = apply(gw, empty_slip())
    before = written()
    with pytest.raises(NotFound) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml("HF0000000000000000000000"))
    assert codes(exc) == [("etpsPreentNo", "receipt_slip_unknown")]
    zone_b_customs = gw.world.actor("customs_a")
    Slip.objects.filter(pk=slip.pk).update(zone=gw.world.zone_b)
    with pytest.raises(Forbidden) as exc:
        services.apply_receipt(actor=zone_b_customs, data=receipt_xml(slip.number))
    assert codes(exc) == [("etpsPreentNo", "receipt_slip_other_zone")]
    with pytest.raises(Forbidden):
        services.apply_receipt(actor=gw.actor("ent_a"), data=receipt_xml(slip.number))
    assert written() == before


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Package><EnvelopInfo><message_type>&lol3;</message_type></EnvelopInfo></Package>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Package [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Package><EnvelopInfo><message_type>SAS221</message_type></EnvelopInfo><DataInfo>&secret;</DataInfo></Package>"""


@pytest.mark.parametrize("document, code", [
    (BILLION_LAUGHS, ("file", "xml_forbidden")),
    (EXTERNAL_ENTITY, ("file", "xml_forbidden")),
    (b"<!DOCTYPE Package><Package/>", ("file", "xml_forbidden")),
    (b"not xml at all", ("file", "xml_not_well_formed")),
    (b"", ("file", "xml_empty")),
    (b"<Other/>", ("file", "xml_wrong_root")),
])
def test_hostile_or_broken_xml_is_refused_unread(gw, document, code):
    before = written()
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=document)
    assert codes(exc) == [code] and written() == before


def declared(document: bytes, encoding: str) -> str:
    return document.decode().replace('encoding="UTF-8"', f'encoding="{encoding}"', 1)


def test_a_receipt_in_gbk_is_read_in_its_declared_encoding(gw):
    slip = apply(gw, empty_slip())
    document = declared(receipt_xml(slip.number, "3", "", rmk="车牌与备案不符"), "GBK").encode("gbk")
    services.apply_receipt(actor=gw.actor("customs"), data=document)
    assert Slip.objects.get(pk=slip.pk).cancel_reason == "SAS221 退单: 车牌与备案不符"


def test_a_byte_order_mark_wins_over_the_declared_encoding(gw):
    slip = apply(gw, empty_slip())
    document = codecs.BOM_UTF8 + declared(receipt_xml(slip.number, "3", "", rmk="车牌与备案不符"), "GBK").encode()
    services.apply_receipt(actor=gw.actor("customs"), data=document)
    assert Slip.objects.get(pk=slip.pk).cancel_reason == "SAS221 退单: 车牌与备案不符"


@pytest.mark.parametrize("encoding, body, code", [
    ("X-NONE", "", "xml_unknown_encoding"),  # expat's LookupError was a 500
    ("GBK", "\x80", "xml_bad_encoding"),  # expat's "multi-byte encodings are not supported" was a 500
    ("GB18030", "\x80", "xml_bad_encoding"),
])
def test_an_encoding_that_cannot_be_read_is_a_refusal_naming_it(gw, encoding, body, code):
    slip = apply(gw, empty_slip())
    document = declared(receipt_xml(slip.number, rmk="RMK"), encoding).encode().replace(b"RMK", body.encode("latin-1"))
    before = written()
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=document)
    assert codes(exc) == [("file", code)] and written() == before
    r = client_for("customs").post("/api/v1/gate/receipts", document, content_type="application/xml")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == code
    assert Slip.objects.get(pk=slip.pk).status == "applied"


@pytest.mark.parametrize("dcl", ["7", ""])
def test_an_unknown_or_missing_declaration_type_is_not_applied(gw, dcl):
    slip = apply(gw, empty_slip())
    document = receipt_xml(slip.number, dcl=dcl)
    if not dcl:
        document = document.replace(b"<dclTypecd></dclTypecd>", b"")
    before = written()
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=document)
    assert codes(exc) == [("dclTypecd", "receipt_bad_dcl_typecd")] and written() == before


def test_wrong_message_type_and_bad_receipt_fields_are_named(gw):
    slip = apply(gw, empty_slip())
    declaration = services.sas121_document(gw.actor("ent_a"), slip.pk)[1]
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=declaration)
    assert codes(exc) == [("message_type", "xml_wrong_message_type")]
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number, message_type="INV201"))
    assert codes(exc) == [("message_type", "xml_wrong_message_type")]
    for mark, code in (("2", "receipt_transferred"), ("9", "receipt_bad_decision")):
        with pytest.raises(DomainError) as exc:
            services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number, mark))
        assert codes(exc) == [("emapvMarkcd", code)]
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number, passport_no="short"))
    assert codes(exc) == [("passportNo", "receipt_bad_passport_no")]
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml("", dcl="3"))
    assert codes(exc) == [("etpsPreentNo", "required"), ("dclTypecd", "receipt_for_cancellation")]
    assert Slip.objects.get(pk=slip.pk).status == "applied"


def test_receipt_in_the_xmldsig_signature_wrapper_is_accepted(gw):
    slip = apply(gw, empty_slip())
    inner = receipt_xml(slip.number).split(b"?>", 1)[1]
    wrapped = f'<Signature xmlns="{msg.DSIG_NS}"><Object>'.encode() + inner + b"</Object></Signature>"
    assert services.apply_receipt(actor=gw.actor("customs"), data=wrapped).receipt.effect == "approved"


# ---------------------------------------------------------------- API, page, CLI
def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_api_download_and_receipt_upload(gw):
    slip = apply(gw, empty_slip())
    r = client_for("ent_a").get(f"/api/v1/gate/slips/{slip.pk}/sas121.xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/xml")
    assert f'filename="SAS121_{slip.number}.xml"' in r["Content-Disposition"]
    assert msg.read_sas121(r.content).head["etpsPreentNo"] == slip.number
    assert client_for("ent_b").get(f"/api/v1/gate/slips/{slip.pk}/sas121.xml").status_code == 404

    customs = client_for("customs")
    r = customs.post("/api/v1/gate/receipts", receipt_xml(slip.number), content_type="application/xml")
    assert r.status_code == 201 and r.json()["effect"] == "approved" and r.json()["status"] == "approved"
    upload = SimpleUploadedFile("r.xml", receipt_xml(slip.number), content_type="application/xml")
    r = customs.post("/api/v1/gate/receipts", {"file": upload})
    assert r.status_code == 200 and r.json()["replayed"] is True
    r = customs.post("/api/v1/gate/receipts", EXTERNAL_ENTITY, content_type="application/xml")
    assert r.status_code == 400 and "file" in str(r.json())
    r = customs.post("/api/v1/gate/receipts", {"other": "x"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "file"
    r = client_for("ent_a").post("/api/v1/gate/receipts", receipt_xml(slip.number), content_type="application/xml")
    assert r.status_code == 403


def test_a_receipt_over_1_mb_is_refused_before_it_is_read_whole(gw):
    slip = apply(gw, empty_slip())
    customs, before = client_for("customs"), written()
    big = receipt_xml(slip.number) + b" " * MAX_RECEIPT_BYTES  # well-formed XML, one byte too many and more
    for body in ({"file": SimpleUploadedFile("r.xml", big)}, big):
        kwargs = {} if isinstance(body, dict) else {"content_type": "application/xml"}
        r = customs.post("/api/v1/gate/receipts", body, HTTP_ACCEPT_LANGUAGE="en", **kwargs)
        assert r.status_code == 413 and r.json()["errors"][0]["message"] == "The file is larger than the limit of 1 MB."
    r = customs.post("/api/v1/gate/receipts", {"file": SimpleUploadedFile("r.xml", big)}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.json()["errors"][0]["message"] == "文件超过 1 MB 的上限。"
    assert written() == before and Slip.objects.get(pk=slip.pk).status == "applied"


def test_slip_page_offers_the_declaration_while_it_can_be_declared(gw):
    slip = apply(gw, empty_slip())
    c = client_for("ent_a")
    assert f"/gate/slips/{slip.pk}/sas121.xml" in c.get(f"/gate/slips/{slip.pk}/").content.decode()
    r = c.get(f"/gate/slips/{slip.pk}/sas121.xml")
    assert r.status_code == 200 and b"<DelcareFlag>1</DelcareFlag>" in r.content
    Slip.objects.filter(pk=slip.pk).update(status="passed", valid_until=timezone.now())
    assert f"/gate/slips/{slip.pk}/sas121.xml" not in c.get(f"/gate/slips/{slip.pk}/").content.decode()
    assert c.get(f"/gate/slips/{slip.pk}/sas121.xml").status_code == 302
    assert client_for("ent_b").get(f"/gate/slips/{slip.pk}/sas121.xml").status_code == 404


def test_cli_writes_the_declaration_and_applies_a_receipt(gw, tmp_path, monkeypatch):
    slip = apply(gw, empty_slip())
    out = tmp_path / "sas121.xml"
    call_command("gate_sas121", str(slip.pk), output=str(out), user="ent_a", stdout=StringIO())
    assert msg.read_sas121(out.read_bytes()).head["vehicleNo"] == "京A12345"
    receipt = tmp_path / "r.xml"
    receipt.write_bytes(receipt_xml(slip.number))
    said = StringIO()
    call_command("gate_receipt", str(receipt), user="customs", stdout=said)
    assert PASSPORT_NO in said.getvalue() and Slip.objects.get(pk=slip.pk).status == "approved"
    receipt.write_bytes(BILLION_LAUGHS)
    with pytest.raises(CommandError):
        call_command("gate_receipt", str(receipt), user="customs")
    with pytest.raises(CommandError, match=r"^无法使用 .*missing\.xml：") as exc:  # in the CLI's language
        call_command("gate_receipt", str(tmp_path / "missing.xml"), user="customs")
    assert "Cannot read" not in str(exc.value)
    with pytest.raises(CommandError, match="^没有名为“nobody”的有效用户。$"):
        call_command("gate_receipt", str(receipt), user="nobody")
    monkeypatch.setenv("BONDZONE_LANGUAGE", "en")
    with pytest.raises(CommandError, match="^No active user named “nobody”.$"):
        call_command("gate_receipt", str(receipt), user="nobody")
    with pytest.raises(CommandError):
        call_command("gate_sas121", "x", user="ent_a")
