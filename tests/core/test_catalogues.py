"""Django merges the zh_Hans catalogues of all apps into one (the first app in INSTALLED_APPS wins a msgid), so a
msgid translated one way in one app and another way in a second shows whichever app comes first, on both apps'
pages. Each (context, msgid) has one translation across all catalogues: where the meaning is the same the apps
share the glossary's term (docs/glossary.md); where it differs the call sites carry a context
(pgettext / {% translate "x" context "y" %}), e.g. a duties regime's "Item" is a material (料件), a book's "Item"
its record number (备案序号)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation

import bondzone

CATALOGUES = sorted(Path(bondzone.__file__).parent.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def catalogue_entries(path: Path):
    """(context, msgid, msgstr) of a .po file's translated, non-fuzzy entries (msgstr[0] for plurals)."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            m = re.match(r"(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\])\s+(\".*\")$", line)
            if m:
                key = m.group(1)
                fields[key] = ast.literal_eval(m.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        msgstr = fields.get("msgstr") or fields.get("msgstr[0]")
        if fields.get("msgid") and msgstr and not fuzzy:
            yield fields.get("msgctxt"), fields["msgid"], msgstr


def conflicts(paths) -> dict[tuple, dict[str, list[str]]]:
    """{(context, msgid): {msgstr: [app, …]}} for every entry translated differently in two catalogues."""
    found: dict[tuple, dict[str, list[str]]] = {}
    for po in paths:
        for context, msgid, msgstr in catalogue_entries(po):
            found.setdefault((context, msgid), {}).setdefault(msgstr, []).append(po.parts[-5])
    return {k: v for k, v in found.items() if len(v) > 1}


def test_the_catalogues_are_found():
    assert {p.parts[-5] for p in CATALOGUES} >= {"core", "supervision", "gate", "duties", "governance", "servicedesk"}


def test_the_check_sees_a_conflict(tmp_path):
    for app, term in (("a", "进出口标记"), ("b", "进出方向")):
        po = tmp_path / app / "locale/zh_Hans/LC_MESSAGES/django.po"
        po.parent.mkdir(parents=True)
        po.write_text(f'msgid ""\nmsgstr ""\n\nmsgctxt "x"\nmsgid "Item"\nmsgstr "{app}"\n\n'
                      f'msgid "Direction"\nmsgstr "{term}"\n', encoding="utf-8")
    assert conflicts(sorted(tmp_path.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))) == {
        (None, "Direction"): {"进出口标记": ["a"], "进出方向": ["b"]}, ("x", "Item"): {"a": ["a"], "b": ["b"]}}


def test_no_two_catalogues_translate_the_same_message_differently():
    found = conflicts(CATALOGUES)
    assert not found, "translated differently in two catalogues (give one term or a context):\n" + "\n".join(
        f"  {ctx or ''!s:>20} {msgid!r}: " + " | ".join(f"{s} ({', '.join(apps)})" for s, apps in v.items())
        for (ctx, msgid), v in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")))


def test_each_meaning_shows_its_own_word():
    with translation.override("zh-hans"):
        assert translation.gettext("Direction") == "进出口标记"
        assert translation.gettext("Item") == "备案序号"  # a book item's record number, as on most pages
        assert translation.pgettext("item number", "Item") == "备案序号"
        assert translation.pgettext("material", "Item") == "料件"
        assert translation.pgettext("list item", "Item") == "事项"
        assert translation.gettext("Approve") == "审核通过"
        assert translation.pgettext("task approval", "Approve") == "批准"
        assert translation.pgettext("list status", "rejected") == "退单"
        assert translation.gettext("rejected") == "未批准"
        assert translation.gettext("Value") == "总价"
        assert translation.pgettext("amount", "Value") == "金额"
        assert translation.pgettext("goods return", "Returned") == "已退货"
        assert translation.pgettext("regime status", "Returned") == "已复运返区"


TRANSLATED_LITERAL = re.compile(r'\{%\s*translate\s+"([^"]*%[^"]*)"(?:\s+context\s+"([^"]*)")?')


def test_every_template_string_with_a_percent_sign_is_translated():
    """`{% translate "Weight (%)" %}` is looked up as "Weight (%%)" (django.template.base.Variable doubles each %), so
    its catalogue entry must be written doubled, or the zh page shows the English."""
    untranslated = []
    for template in sorted(Path(bondzone.__file__).parent.glob("*/templates/**/*.html")):
        for literal in TRANSLATED_LITERAL.finditer(template.read_text(encoding="utf-8")):
            text, context = literal.group(1).replace("%", "%%"), literal.group(2)
            with translation.override("zh-hans"):
                shown = translation.pgettext(context, text) if context else translation.gettext(text)
            if shown == text:
                untranslated.append(f"{template.name}: {literal.group(1)}")
    assert untranslated == []
