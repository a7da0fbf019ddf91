"""Identifiers of enterprises: unified social credit code (统一社会信用代码) and customs code."""

from __future__ import annotations

import re
from enum import StrEnum

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from .errors import Problem, problem

_CUSTOMS_CODE = re.compile(r"^[0-9A-Z]{10}$")


def normalize_credit_code(raw: str, field_name: str = "credit_code") -> tuple[str, list[Problem]]:
    """Validate with python-stdnum (length, alphabet and the GB 32100-2015 check character)."""
    code = (raw or "").strip().upper()
    try:
        return uscc.validate(code), []
    except ValidationError as exc:
        return code, [problem(field_name, "bad_credit_code", value=code, reason=str(exc))]


def check_customs_code(raw: str, field_name: str = "customs_code") -> list[Problem]:
    """The 10-character customs registration code (海关编码)."""
    if not _CUSTOMS_CODE.match((raw or "").strip().upper()):
        return [problem(field_name, "bad_customs_code", value=raw)]
    return []


class CustomsCreditClass(StrEnum):
    """Customs credit class (海关信用等级) under GACC Order No. 282, 《中华人民共和国海关注册登记和备案企业信用
    管理办法》 (published 2026-01-13, in force 2026-04-01; it repealed Order No. 251, whose classes were
    高级认证企业 / 其他企业 / 失信企业). Order 282 has five classes; 高级认证 and 认证 are both AEO."""

    ADVANCED_CERTIFIED = "advanced_certified"  # 高级认证企业 (AEO)
    CERTIFIED = "certified"  # 认证企业 (AEO, for small and medium enterprises)
    REGULAR = "regular"  # 常规企业: first registration and every enterprise neither certified nor dishonest
    DISHONEST = "dishonest"  # 失信企业
    SERIOUSLY_DISHONEST = "seriously_dishonest"  # 严重失信企业
