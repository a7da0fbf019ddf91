"""Identifiers of enterprises: unified social credit code (统一社会信用代码) and customs code."""

from __future__ import annotations

import re

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
