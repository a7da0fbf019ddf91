"""Extra fields of a request category, as Open311 GeoReport v2 service definitions describe them
(code, datatype, required, description, order, values), and the check of a request's answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import SHOWN_MAX, shown

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def clean_definitions(raw: Any) -> tuple[list[dict], list[Problem]]:
    if raw in (None, ""):
        return [], []
    if not isinstance(raw, list):
        return [], [problem("attributes", "bad_attribute_definition", index=0, reason="a list is expected")]
    out, problems, seen = [], [], set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            problems.append(problem("attributes", "bad_attribute_definition", index=i, reason="not an object"))
            continue
        code = str(item.get("code") or "").strip()
        datatype = str(item.get("datatype") or "string").strip()
        values = item.get("values") or []
        if not code or len(code) > 40 or code in seen:
            problems.append(problem("attributes", "bad_attribute_definition", index=i, reason="code missing or repeated"))
            continue
        if datatype not in DATATYPES:
            problems.append(problem("attributes", "bad_attribute_definition", index=i,
                                    reason=f"datatype must be one of {', '.join(DATATYPES)}"))
            continue
        if datatype.endswith("valuelist") and (not isinstance(values, list) or not values):
            problems.append(problem("attributes", "bad_attribute_definition", index=i, reason="a list needs values"))
            continue
        seen.add(code)
        out.append({"code": code, "datatype": datatype, "required": bool(item.get("required")),
                    "description": str(item.get("description") or code)[:200], "order": i,
                    "values": [str(v.get("key") if isinstance(v, dict) else v) for v in values]
                    if datatype.endswith("valuelist") else []})
    return out, problems


def clean_values(definitions: list[dict], raw: Any) -> tuple[dict, list[Problem]]:
    """A request's answers: required ones present, numbers numeric, list values among the allowed ones."""
    raw = raw if isinstance(raw, dict) else {}
    known = {d["code"]: d for d in definitions}
    # an unknown key is echoed bounded (a 1,000-character key was sent back whole, in the field and the message)
    problems = [problem(f"attributes.{shown(k, SHOWN_MAX)}", "attribute_unknown", attribute=shown(k, SHOWN_MAX))
                for k in raw if k not in known]
    out: dict[str, Any] = {}
    for code, d in known.items():
        value = raw.get(code)
        field = f"attributes.{code}"
        blank = value in (None, "", [])
        if blank:
            if d["required"]:
                problems.append(problem(field, "attribute_required", attribute=d["description"]))
            continue
        kind = d["datatype"]
        if kind == "number":
            try:
                out[code] = str(Decimal(str(value).strip()))
            except InvalidOperation:
                problems.append(problem(field, "not_a_number", value=value))
        elif kind == "datetime":
            try:
                out[code] = datetime.fromisoformat(str(value).strip()).isoformat()
            except ValueError:
                problems.append(problem(field, "bad_date", value=value))
        elif kind == "singlevaluelist":
            if str(value) not in d["values"]:
                problems.append(problem(field, "attribute_bad_value", value=value, attribute=d["description"],
                                        allowed=", ".join(d["values"])))
            else:
                out[code] = str(value)
        elif kind == "multivaluelist":
            items = [str(v) for v in (value if isinstance(value, list) else [value])]
            bad = [v for v in items if v not in d["values"]]
            if bad:
                problems.append(problem(field, "attribute_bad_value", value=", ".join(bad), attribute=d["description"],
                                        allowed=", ".join(d["values"])))
            else:
                out[code] = items
        else:
            text = str(value).strip()
            limit = 200 if kind == "string" else 5000
            if len(text) > limit:
                problems.append(problem(field, "too_long", max=limit))
            out[code] = text
    return out, problems
