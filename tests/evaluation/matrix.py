"""Permission matrix of the zone-evaluation pages and API (read by tests/permissions/test_matrix.py).

Fixture objects (see `objects`): target A is the evaluated zone linked to the world's zone A (TZ), an
editable clone of the GACC 2020 framework and a *public* run; target B is the evaluated zone linked to
zone B (DX), the GACC 2020 framework itself (locked: both runs use it) and a *non-public* run.

Rules (bondzone/evaluation/permissions.py and scopes.py):
  evaluation.view         all staff; enterprises see zones, frameworks and public runs only
  evaluation.manage       commerce and the platform admin (runs, publishing, frameworks, platform values)
  evaluation.rectify      commerce and the platform admin (rectification from a published run's exit watch)
  evaluation.enter_values zone_admin, commerce, platform admin; a zone administration only for the
                          evaluated zone linked to its own platform zone
  /evaluation/public/     anyone, logged in or not

Every write is sent with a body that passes the schema but breaks a rule (or, for publish, keeps the run
as it is), so a permitted user gets 400 (API) / a flashed error and a redirect (page) and nothing is
written: `snapshot()` adds the evaluation tables, the runs' public flags and every weight and framework
setting to the matrix's before/after check, and NO_WRITES lists the requests that must never write.
"""

from __future__ import annotations

from ..permissions.matrix import Rule, can

MANAGERS = {"admin", "commerce"}
STAFF = {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce"}
ENTERPRISES = {"ent_a", "ent_b"}
P = "/api/v1/evaluation"  # the API prefix
VIEW, MANAGE, ENTER = "evaluation.view", "evaluation.manage", "evaluation.enter_values"
RECTIFY = "evaluation.rectify"




# label -> (kind, action, object, order, ok, body)
#   kind    "page" (anonymous: login redirect), "api" (anonymous: 401) or "public" (anyone gets ok)
#   object  "run" (enterprises see the public run A only), "zone" (a zone administration may write only
#           for target A, its own zone), "framework" (reference data, visible to every logged-in user)
#   order   "action" the service checks the action before loading the object; "object" the view loads
#           the object first (invisible -> 404 even without the action)
#   ok      the answer for a permitted user: a set, or {"A": set, "B": set}
#   body    name of a body builder in BODIES
SPEC: dict[str, tuple] = {
    "evaluation:index": ("page", None, None, "action", {200}, None),  # enterprises: redirect to public
    "evaluation:public": ("public", None, None, "action", {200}, None),
    "evaluation:run-create": ("page", MANAGE, None, "action", {302}, "evaluation.run-page"),
    "evaluation:run": ("page", None, "run", "object", {200}, None),
    "evaluation:run-zone": ("page", None, "run", "object", {200}, None),
    "evaluation:run-reproduce": ("page", VIEW, "run", "action", {302}, None),
    "evaluation:run-publish": ("page", MANAGE, "run", "object", {302}, "evaluation.publish-page"),
    "evaluation:run-rectify": ("page", RECTIFY, "run", "action", {302}, "evaluation.rectify"),
    "evaluation:run-export": ("page", None, "run", "object", {200}, None),
    "evaluation:run-sensitivity": ("page", MANAGE, "run", "action", {302}, "evaluation.sensitivity"),
    "evaluation:frameworks": ("page", None, None, "action", {200}, None),
    "evaluation:framework": ("page", None, "framework", "object", {200}, None),
    "evaluation:framework-clone": ("page", MANAGE, "framework", "object", {302}, "evaluation.clone"),
    "evaluation:framework-weights": ("page", MANAGE, "framework", "object", {302}, "evaluation.weights-page"),
    "evaluation:framework-indicator": ("page", MANAGE, "framework", "object", {302}, "evaluation.indicator-page"),
    # the add form shows the error on the page again, with what was typed (locked B: the same, 200)
    "evaluation:framework-indicator-add": ("page", MANAGE, "framework", "object", {200}, "evaluation.node-page"),
    "evaluation:framework-indicator-remove": ("page", MANAGE, "framework", "object", {302}, "evaluation.remove"),
    "evaluation:values": ("page", VIEW, None, "action", {200}, None),
    "evaluation:value-create": ("page", ENTER, "zone", "action", {302}, "evaluation.value-page"),
    "evaluation:values-import": ("page", ENTER, None, "action", {400}, "import"),
    "evaluation:values-export": ("page", VIEW, None, "action", {200}, None),
    "evaluation:values-compute": ("page", MANAGE, None, "action", {302}, "evaluation.compute"),
    "evaluation:zones": ("page", None, None, "action", {200}, None),
    "evaluation:zone": ("page", None, "zone", "object", {200}, None),
    "evaluation:zone-area": ("page", ENTER, "zone", "action", {302}, "evaluation.area"),
    "evaluation:zone-create": ("page", MANAGE, None, "action", {302}, "evaluation.zone-page"),
    "evaluation:zone-edit": ("page", MANAGE, "zone", "object", {302}, "evaluation.zone-page"),
    f"GET {P}/zones": ("api", None, None, "action", {200}, None),
    f"GET {P}/zones/{{zone_id}}/areas": ("api", None, "zone", "object", {200}, None),  # enterprises: []
    f"PUT {P}/zones/{{zone_id}}/areas": ("api", ENTER, "zone", "action", {400}, "evaluation.area"),
    f"POST {P}/zones": ("api", MANAGE, None, "action", {400}, "evaluation.zone"),
    f"PATCH {P}/zones/{{zone_id}}": ("api", MANAGE, "zone", "action", {400}, "evaluation.zone"),
    f"GET {P}/frameworks": ("api", None, None, "action", {200}, None),
    f"GET {P}/frameworks/{{framework_id}}": ("api", None, "framework", "object", {200}, None),
    f"PATCH {P}/frameworks/{{framework_id}}": ("api", MANAGE, "framework", "action", {"A": {400}, "B": {409}},
                                                 "evaluation.settings"),
    f"POST {P}/frameworks/{{framework_id}}/clone": ("api", MANAGE, "framework", "action", {400},
                                                      "evaluation.clone"),
    f"PUT {P}/frameworks/{{framework_id}}/weights": ("api", MANAGE, "framework", "action",
                                                       {"A": {400}, "B": {409}}, "evaluation.weights"),
    f"PATCH {P}/frameworks/{{framework_id}}/indicators/{{code}}": ("api", MANAGE, "framework", "action",
                                                                     {"A": {400}, "B": {409}},
                                                                     "evaluation.indicator"),
    f"POST {P}/frameworks/{{framework_id}}/indicators": ("api", MANAGE, "framework", "action",
                                                         {"A": {400}, "B": {409}}, "evaluation.node"),
    f"DELETE {P}/frameworks/{{framework_id}}/indicators/{{code}}": ("api", MANAGE, "framework", "action",
                                                                      {"A": {400}, "B": {409}}, "evaluation.remove"),
    f"GET {P}/values": ("api", None, None, "action", {200}, None),  # enterprises: no rows
    f"POST {P}/values": ("api", ENTER, "zone", "action", {400}, "evaluation.value"),
    f"POST {P}/values/import": ("api", ENTER, None, "action", {400}, "import"),
    f"POST {P}/values/compute": ("api", MANAGE, None, "action", {400}, "evaluation.compute"),
    f"GET {P}/runs": ("api", None, None, "action", {200}, None),  # enterprises: public runs only
    f"POST {P}/runs": ("api", MANAGE, None, "action", {400}, "evaluation.run"),
    f"GET {P}/runs/{{run_id}}": ("api", None, "run", "object", {200}, None),
    f"GET {P}/runs/{{run_id}}/results": ("api", None, "run", "object", {200}, None),
    f"GET {P}/runs/{{run_id}}/zones/{{zone_id}}": ("api", None, "run", "object", {200}, None),
    f"GET {P}/runs/{{run_id}}/exit-watch": ("api", None, "run", "object", {200}, None),
    f"GET {P}/runs/{{run_id}}/export": ("api", None, "run", "object", {200}, None),
    f"POST {P}/runs/{{run_id}}/reproduce": ("api", VIEW, "run", "action", {200}, None),
    f"POST {P}/runs/{{run_id}}/publish": ("api", MANAGE, "run", "action", {200}, "evaluation.publish"),
    f"POST {P}/runs/{{run_id}}/sensitivity": ("api", MANAGE, "run", "action", {400}, "evaluation.sensitivity"),
    # neither run has an exit watch (one data year), so a permitted user is refused and nothing is written
    f"POST {P}/runs/{{run_id}}/exit-watch/{{zone_id}}/rectification": ("api", RECTIFY, "run", "action", {400},
                                                                        "evaluation.rectify"),
}

# Requests of the matrix that must never write, whatever they answer (their bodies are bad).
NO_WRITES = {label for label, spec in SPEC.items() if spec[5] and "publish" not in spec[5]}


def _method(label: str) -> str:
    if " " in label:
        return label.split(" ")[0]
    return "POST" if SPEC[label][5] or label.endswith(("-reproduce", "-publish")) else "GET"


def _rule(label: str, spec: tuple) -> Rule:
    kind, action, obj, _order, ok, body = spec
    oks = set().union(*ok.values()) if isinstance(ok, dict) else set(ok)
    return Rule("public" if kind == "public" else ("object" if obj else "list"), action=action, object=obj,
                ok=frozenset(oks), method=_method(label), body=body)


PAGES = {k: _rule(k, v) for k, v in SPEC.items() if k.startswith("evaluation:")}
API = {k: _rule(k, v) for k, v in SPEC.items() if not k.startswith("evaluation:")}


def expected(label, rule, username, target, world, want):
    spec = SPEC.get(label)
    if spec is None:
        return want
    kind, action, obj, order, ok, _body = spec
    ok = set(ok[target] if isinstance(ok, dict) else ok)
    if kind == "public":
        return ok
    if username is None:
        return {302} if kind == "page" else {401}
    visible = obj != "run" or username in STAFF or target == "A"
    allowed = action is None or can(username, action)
    if allowed and action == ENTER and obj == "zone" and username == "zone_a" and target != "A":
        allowed = False  # a zone administration writes only for its own zone
    if order == "object" and not visible:
        return {404}
    if not allowed:
        return {403}
    if not visible:
        return {404}
    if label == "evaluation:index" and username in ENTERPRISES:
        return {302}
    return ok


def snapshot() -> tuple:
    """Row counts of every evaluation table plus the state a bad write could change without adding rows."""
    from bondzone.evaluation.models import (
        EvalZone, EvaluationRun, Framework, Indicator, NodeScore, Rectification, SeriesValue, ZoneArea, ZoneResult,
    )

    counts = tuple(m.objects.count() for m in (EvalZone, ZoneArea, Framework, Indicator, SeriesValue,
                                               EvaluationRun, ZoneResult, NodeScore, Rectification))
    return (counts, tuple(EvaluationRun.objects.order_by("pk").values_list("pk", "public")),
            tuple(Indicator.objects.order_by("pk").values_list("weight", "normalisation", "direction")),
            tuple(Framework.objects.order_by("pk").values_list("code", "aggregation", "impute", "class_bands")),
            tuple(ZoneArea.objects.order_by("pk").values_list("planned_km2", "accepted_km2")),
            tuple(EvalZone.objects.order_by("pk").values_list("code", "name_zh", "region", "evaluated_from")))


def _zone(o) -> int:
    return o["zone"].pk


BODIES = {
    # draws out of range
    "evaluation.run": lambda w, o: {"framework_id": o["framework"].pk, "year": 2025, "draws": 999999},
    "evaluation.run-page": lambda w, o: {"framework": o["framework"].pk, "year": "2025", "draws": "999999"},
    # an empty code
    "evaluation.clone": lambda w, o: {"code": "", "name": "clone"},
    # the categories no longer sum to 100
    "evaluation.weights": lambda w, o: {"weights": {"S": "55"}},
    "evaluation.weights-page": lambda w, o: {"w_S": "55"},
    "evaluation.settings": lambda w, o: {"aggregation": "median"},
    "evaluation.indicator": lambda w, o: {"normalisation": "bogus"},
    "evaluation.indicator-page": lambda w, o: {"name_zh": "x", "normalisation": "bogus"},
    # a new node reading an unknown series; removing S01, which still carries weight
    "evaluation.node": lambda w, o: {"code": "S99", "parent": "S", "name_zh": "x", "series": "no_such"},
    "evaluation.node-page": lambda w, o: {"code": "S99", "parent": "S", "name_zh": "x", "series": "no_such"},
    "evaluation.remove": lambda w, o: {},
    # an unknown series
    "evaluation.value": lambda w, o: {"zone_id": _zone(o), "series": "no_such", "year": 2025, "value": "1",
                                      "unit": "亿元"},
    "evaluation.value-page": lambda w, o: {"zone": _zone(o), "series": "no_such", "year": "2025", "value": "1",
                                           "unit": "亿元"},
    # accepted area above the planned one
    "evaluation.area": lambda w, o: {"year": 2025, "planned_km2": "1", "accepted_km2": "2", "fenced_km2": "1",
                                     "developed_km2": "1"},
    "evaluation.compute": lambda w, o: {"year": 1800},
    # an empty code and an unknown region board
    "evaluation.zone": lambda w, o: {"code": "", "name_zh": "x", "region": "nowhere"},
    "evaluation.zone-page": lambda w, o: {"code": "", "name_zh": "x", "region": "nowhere"},
    # publishing keeps the run as it is (A public, B not), so the matrix's later requests see the same world
    "evaluation.publish": lambda w, o: {"public": o["run"].public},
    "evaluation.rectify": lambda w, o: {},
    "evaluation.sensitivity": lambda w, o: {"draws": 8},  # below the smallest sample: refused, nothing stored
    "evaluation.publish-page": lambda w, o: {"public": "1"} if o["run"].public else {},
}


def objects(world) -> dict:
    from bondzone.evaluation import services

    from .conftest import build_field, make_run

    ev = build_field(world)
    clone = services.clone_framework(actor=world.actor("commerce"), framework_id=ev.gacc.pk, code="gacc-2020-edit",
                                     name="editable clone")
    public_run = make_run(ev, seed=1, public=True, label="public run")
    private_run = make_run(ev, seed=2, label="internal run")
    series = ev.zone_a.values.order_by("series", "year").first()
    return {"A": {"zone": ev.zone_a, "framework": clone, "run": public_run, "code": "S01",
                  "indicator": clone.indicators.get(code="S01"), "value": series},
            "B": {"zone": ev.zone_b, "framework": ev.gacc, "run": private_run, "code": "S01",
                  "indicator": ev.gacc.indicators.get(code="S01"),
                  "value": ev.zone_b.values.get(series=series.series, year=series.year)}}

# collection -> (fixture object, who sees target A's and B's row[, query]): checked row by row per role. The
# field and the frameworks are reference data for every logged-in user; a run not published only for staff;
# base data only for staff (narrowed to one series and year so the target's row is on the page).
_EVERYONE = STAFF | ENTERPRISES
COLLECTIONS = {
    f"{P}/runs": ("run", {"A": _EVERYONE, "B": STAFF}),
    f"{P}/zones": ("zone", {"A": _EVERYONE, "B": _EVERYONE}),
    f"{P}/frameworks": ("framework", {"A": _EVERYONE, "B": _EVERYONE}),
    f"{P}/values": ("value", {"A": STAFF, "B": STAFF},
                    lambda o: {"series": o["A"]["value"].series, "year": o["A"]["value"].year}),
}
