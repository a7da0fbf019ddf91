"""The release slip as the national system's messages (domain-customs.md §2.10 envelope, §3.1 fields):
SAS121 (our declaration, written) and SAS221 (customs' approval receipt, read).

Written with the standard library's ElementTree; read with defusedxml, which refuses DTDs, entities and
external references, so a hostile document is a refusal, never an expansion or a fetch. Declarations
name their field elements in PascalCase, receipts in camelCase (§2.10); `BussinessData` and
`DelcareFlag` are the real, misspelt names."""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

import defusedxml
import defusedxml.ElementTree as SafeET

from bondzone.core.domain.errors import DomainError, Problem, problem

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"  # some clients put the root Signature here, others in none

# Wrapper and table element names the notes do not confirm (unconfirmed): they follow the public client
# the notes cite for §3.1 (gx-customs-bridge sas121/sas221 models). That client spells the SAS121 Acmp
# fields RtlBillTypecd / RtlBillNo; we write the notes' rltTbTypecd / rltNo in the declaration's case.
UNCONFIRMED = {
    "sas121_message": "PassPortMessage",
    "sas121_head": "PassportHead",
    "sas121_line": "PassportList",
    "sas121_acmp": "PassportAcmp",
    "sas221_message": "SAS221",
    "sas221_head": "SasPassportBsc",
}

# §3.1 head fields we hold, in writing order (camelCase as the notes name them)
HEAD_FIELDS = (
    "seqNo", "passportNo", "etpsPreentNo", "rltTbTypecd", "rltNo", "dclTypecd", "ioTypecd", "passportTypecd",
    "bindTypecd", "masterCuscd", "areainOriactNo", "areainEtpsSccd", "areainEtpsno", "areainEtpsNm", "vehicleNo",
    "vehicleIcNo", "vehicleWt", "vehicleFrameWt", "containerNo", "containerWt", "totalGrossWt", "totalWt",
)
# §3.1 body (表体) fields we hold: the share's weights are not kept per line, so grossWt / netWt are left out
LINE_FIELDS = ("passportSeqNo", "rltGdsSeqno", "gdsMtno", "gdecd", "gdsNm", "dclUnitcd", "dclQty")
ACMP_FIELDS = ("rltTbTypecd", "rltNo")
ENVELOPE_FIELDS = ("version", "message_id", "file_name", "message_type", "sender_id", "receiver_id", "send_time")

DECLARE = "1"  # DelcareFlag: 0 save, 1 declare
DCL_RECORD, DCL_CANCEL = "1", "3"  # dclTypecd: 1 备案, 3 作废
RLT_LIST, RLT_BILL_OF_LADING = "1", "3"  # rltTbTypecd: 1 核注清单, 3 提运单
APPROVED, TRANSFERRED, RETURNED = "1", "2", "3"  # emapvMarkcd: 1 通过, 2 转岗, 3 退单
PASSPORT_NO_LENGTH = 24


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def total_wt(vehicle_wt: Decimal, frame_wt: Decimal, container_wt: Decimal, gross_wt: Decimal) -> Decimal:
    """totalWt (§3.1, §3.5): the weight the weighbridge should read — vehicle, frame, containers and goods."""
    return vehicle_wt + frame_wt + container_wt + gross_wt


def kg(value: Decimal) -> str:
    """A weight or quantity as the message carries it: plain digits, no exponent, no trailing zeros."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Sas121:
    """One SAS121 declaration: the envelope, the head, the body lines (一票多车) and the Acmp rows;
    every value a string as it stands in the message (field name → value, camelCase keys)."""

    envelope: dict[str, str]
    oper_cus_reg_code: str
    head: dict[str, str]
    lines: tuple[dict[str, str], ...] = ()
    acmp: tuple[dict[str, str], ...] = ()
    declare_flag: str = DECLARE


def _sub(parent: ET.Element, tag: str, text: str = "") -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = text
    return el


def write_sas121(msg: Sas121) -> bytes:
    """The declaration as the single-window client nests it (§2.10), root `Signature` without a namespace."""
    root = ET.Element("Signature")
    package = _sub(_sub(root, "Object"), "Package")
    envelope = _sub(package, "EnvelopInfo")
    for name in ENVELOPE_FIELDS:
        _sub(envelope, name, msg.envelope.get(name, ""))
    business = _sub(_sub(package, "DataInfo"), "BussinessData")
    _sub(business, "DelcareFlag", msg.declare_flag)
    message = _sub(business, UNCONFIRMED["sas121_message"])
    head = _sub(message, UNCONFIRMED["sas121_head"])
    for name in HEAD_FIELDS:
        _sub(head, pascal(name), msg.head.get(name, ""))
    for line in msg.lines:
        row = _sub(message, UNCONFIRMED["sas121_line"])
        for name in LINE_FIELDS:
            _sub(row, pascal(name), line.get(name, ""))
    for acmp in msg.acmp:
        row = _sub(message, UNCONFIRMED["sas121_acmp"])
        for name in ACMP_FIELDS:
            _sub(row, pascal(name), acmp.get(name, ""))
    _sub(message, "OperCusRegCode", msg.oper_cus_reg_code)
    ET.indent(root)
    # empty fields as start and end tag, the declaration in double quotes: as the client's templates write them
    body = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


# ---------------------------------------------------------------- reading (defusedxml)
def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(parent: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in parent if _local(c.tag) == name), None)


def _children(parent: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in parent if _local(c.tag) == name]


def _text(parent: ET.Element | None, name: str) -> str:
    el = None if parent is None else _child(parent, name)
    return (el.text or "").strip() if el is not None else ""


# the encoding the XML declaration names (an ASCII-compatible prolog: UTF-16 documents start with their BOM)
DECLARED_ENCODING = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
# what expat reads itself; any other declared encoding (GBK, GB18030 …) is decoded here first
EXPAT_ENCODINGS = {"utf-8", "utf-16", "iso8859-1", "ascii"}


def _text_of(data: bytes) -> bytes | str:
    """The document as expat can take it: bytes in an encoding expat knows, else the text decoded with the
    declared codec (a GBK receipt); an unknown encoding or bytes that are not in it are a refusal."""
    m = DECLARED_ENCODING.match(data)
    if m is None:
        return data
    declared = m.group(1).decode("ascii", "replace").strip()
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise DomainError(problem("file", "xml_unknown_encoding", encoding=declared or "—")) from None
    if codec in EXPAT_ENCODINGS and not data.startswith(codecs.BOM_UTF8):
        return data
    try:  # a UTF-8 byte order mark wins over the declaration
        return data.decode("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else codec)
    except UnicodeDecodeError as exc:
        raise DomainError(problem("file", "xml_bad_encoding", encoding=declared, position=exc.start)) from None


def parse(data: bytes) -> ET.Element:
    """The document's root, read safely: not XML, a DTD, an entity or an external reference is a refusal."""
    if not data or not data.strip():
        raise DomainError(problem("file", "xml_empty"))
    try:
        return SafeET.fromstring(_text_of(data), forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise DomainError(problem("file", "xml_forbidden", what=type(exc).__name__)) from None
    except ET.ParseError as exc:
        raise DomainError(problem("file", "xml_not_well_formed", detail=str(exc))) from None


def _package(root: ET.Element, expected_root: str) -> ET.Element:
    """The `Package` of a declaration (root `Signature` in the xmldsig namespace or in none → `Object`) or of
    a receipt (root `Package`)."""
    if _local(root.tag) == "Signature" and root.tag in ("Signature", f"{{{DSIG_NS}}}Signature"):
        obj = _child(root, "Object")
        package = None if obj is None else _child(obj, "Package")
    elif _local(root.tag) == "Package" and expected_root == "Package":
        package = root
    else:
        package = None
    if package is None:
        raise DomainError(problem("file", "xml_wrong_root", root=_local(root.tag), expected=expected_root))
    return package


def _business(package: ET.Element, message_type: str) -> ET.Element:
    found = _text(_child(package, "EnvelopInfo"), "message_type")
    if found != message_type:
        raise DomainError(problem("message_type", "xml_wrong_message_type", value=found or "—", expected=message_type))
    data_info = _child(package, "DataInfo")
    business = None if data_info is None else _child(data_info, "BussinessData")
    if business is None:
        raise DomainError(problem("BussinessData", "xml_missing_element", element="DataInfo/BussinessData"))
    return business


def _message(business: ET.Element, name: str) -> ET.Element:
    """The message element under BussinessData (its name one of the UNCONFIRMED ones), or a refusal naming it."""
    message = _child(business, UNCONFIRMED[name])
    if message is None:
        raise DomainError(problem("BussinessData", "xml_missing_element", element=UNCONFIRMED[name]))
    return message


def _fields(el: ET.Element | None, names: tuple[str, ...], case=pascal) -> dict[str, str]:
    return {name: _text(el, case(name)) for name in names}


def read_sas121(data: bytes) -> Sas121:
    """A SAS121 declaration back into its values (the round trip of `write_sas121`, and a check of files)."""
    package = _package(parse(data), "Signature")
    business = _business(package, "SAS121")
    message = _message(business, "sas121_message")
    envelope = _child(package, "EnvelopInfo")
    return Sas121(
        envelope={name: _text(envelope, name) for name in ENVELOPE_FIELDS},
        oper_cus_reg_code=_text(message, "OperCusRegCode"),
        head=_fields(_child(message, UNCONFIRMED["sas121_head"]), HEAD_FIELDS),
        lines=tuple(_fields(r, LINE_FIELDS) for r in _children(message, UNCONFIRMED["sas121_line"])),
        acmp=tuple(_fields(r, ACMP_FIELDS) for r in _children(message, UNCONFIRMED["sas121_acmp"])),
        declare_flag=_text(business, "DelcareFlag"),
    )


@dataclass(frozen=True)
class Sas221:
    """Customs' decision on a slip: which slip (our enterprise-internal number), the decision, the passport
    number customs assigned and its remark."""

    etps_preent_no: str
    decision: str  # emapvMarkcd
    passport_no: str
    dcl_typecd: str
    remark: str
    manage_date: str
    message_id: str


def read_sas221(data: bytes) -> Sas221:
    """The receipt's decision; every problem is named by the receipt's element."""
    package = _package(parse(data), "Package")
    business = _business(package, "SAS221")
    message = _message(business, "sas221_message")
    result, head = _child(message, "HdeApprResult"), _child(message, UNCONFIRMED["sas221_head"])
    problems: list[Problem] = []
    if result is None:
        problems.append(problem("HdeApprResult", "xml_missing_element", element="HdeApprResult"))
    if head is None:
        problems.append(problem(UNCONFIRMED["sas221_head"], "xml_missing_element", element=UNCONFIRMED["sas221_head"]))
    if problems:
        raise DomainError(problems)
    receipt = Sas221(
        etps_preent_no=_text(result, "etpsPreentNo"), decision=_text(head, "emapvMarkcd"),
        passport_no=_text(head, "passportNo") or _text(result, "businessId"), dcl_typecd=_text(head, "dclTypecd"),
        remark=_text(result, "rmk") or _text(head, "rmk"), manage_date=_text(result, "manageDate"),
        message_id=_text(_child(package, "EnvelopInfo"), "message_id"),
    )
    return _checked(receipt)


def _checked(r: Sas221) -> Sas221:
    problems: list[Problem] = []
    if not r.etps_preent_no:
        problems.append(problem("etpsPreentNo", "required"))
    if r.decision == TRANSFERRED:
        problems.append(problem("emapvMarkcd", "receipt_transferred"))
    elif r.decision not in (APPROVED, RETURNED):
        problems.append(problem("emapvMarkcd", "receipt_bad_decision", value=r.decision or "—"))
    if r.dcl_typecd == DCL_CANCEL:
        problems.append(problem("dclTypecd", "receipt_for_cancellation"))
    elif r.dcl_typecd != DCL_RECORD:
        problems.append(problem("dclTypecd", "receipt_bad_dcl_typecd", value=r.dcl_typecd or "—"))
    if r.decision == APPROVED and len(r.passport_no) != PASSPORT_NO_LENGTH:
        problems.append(problem("passportNo", "receipt_bad_passport_no", value=r.passport_no or "—",
                                length=PASSPORT_NO_LENGTH))
    if problems:
        raise DomainError(problems)
    return r
