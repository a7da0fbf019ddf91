"""One way of naming a coded value in the reader's language.

Each app registers its code lists once (at import, beside the models or rules that define the codes):

    labels.register("goods_status", GOODS_STATUS_LABELS)          # {code: gettext_lazy(...)}
    labels.register("unit", lambda code: ...)                      # or a function code -> name | None

Pages write `{% load labels %}{{ value|label:"goods_status" }}` (the name) or `{{ value|coded:"unit" }}`
("007 个"), exports call `labels.name(kind, code)`. An unknown kind or code shows the code itself, so a
value is never hidden — and a code that shows through is a missing label to add, not an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.apps import apps
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

Namer = Callable[[str], Any]

_KINDS: dict[str, Namer] = {}


def register(kind: str, names: Mapping[str, Any] | Namer) -> None:
    """Names for the codes of one kind: a mapping code -> (lazy) text, or a function code -> text or None.
    Registering a kind again adds to it (a mapping) or replaces it (a function)."""
    if callable(names):
        _KINDS[kind] = names
        return
    previous = _KINDS.get(kind)
    table = dict(getattr(previous, "table", {}))
    table.update({str(k): v for k, v in names.items()})

    def lookup(code: str) -> Any:
        return table.get(code)

    lookup.table = table  # type: ignore[attr-defined]
    _KINDS[kind] = lookup


def in_language(zh: str, en: str) -> str:
    """Of a text held in both languages (code tables' name_zh / name_en), the reader's."""
    return zh if (get_language() or "").startswith("zh") else en


_CODE = object()


def name(kind: str, code: Any, default: Any = _CODE) -> str:
    """The code's name in the active language, or (without a `default`) the code itself when it has none."""
    if code is None or code == "":
        return ""
    code = str(code)
    namer = _KINDS.get(kind)
    found = namer(code) if namer else None
    if found not in (None, ""):
        return str(found)
    return code if default is _CODE else default


def each(kind: str, separator: str, joiner: str | None = None) -> Namer:
    """A namer for several codes of one kind stored in one text ("weight_outside_tolerance,seal_mismatch",
    "draft / rejected"), joined as a list in the reader's language (or by `joiner`)."""
    def names(codes: str) -> str:
        glue = joiner or pgettext("list separator", ", ")
        return glue.join(name(kind, c.strip()) for c in codes.split(separator))

    return names


def coded(kind: str, code: Any) -> str:
    """"code name" for codes people also know by number (units, trade modes, currencies)."""
    label = name(kind, code)
    return label if label == str(code or "") else f"{code} {label}"


def choices(kind: str, codes) -> list[tuple[str, str]]:
    return [(str(c), name(kind, c)) for c in codes]


def _object_type(code: str) -> Any:
    """An audit event's object type ("app_label.model") by the model's verbose name."""
    try:
        return apps.get_model(code)._meta.verbose_name
    except (LookupError, ValueError):
        return None


register("object_type", _object_type)
register("bool", {"True": _("yes"), "False": _("no"), "1": _("yes"), "0": _("no")})


# The direction of goods across the zone's boundary — a verification list's, a release slip's, a gate passage's
# I / E — named one way on every page and export (进区 / 出区): `{{ value|label:"direction" }}`, `name("direction",
# code)`. The context keeps it apart from other words spelt "in" / "out" (a book's movements 进 / 出, a regime's
# lists), which the catalogues of all apps, merged into one, would otherwise give a single translation.
DIRECTION_LABELS = {"I": pgettext_lazy("goods direction", "into the zone"),
                    "E": pgettext_lazy("goods direction", "out of the zone")}
register("direction", DIRECTION_LABELS)
