"""A <pre> on a page (a webhook's body, a message) wraps at 375 px: its class must have a white-space rule in
the stylesheet, or one long line widens the whole page (horizontal scrolling on a phone)."""

import re
from pathlib import Path

import bondzone

ROOT = Path(bondzone.__file__).parent
CSS = (ROOT / "core" / "static" / "bondzone" / "app.css").read_text(encoding="utf-8")


def test_every_pre_class_in_the_templates_wraps():
    classes = {c for t in ROOT.glob("*/templates/**/*.html")
               for attr in re.findall(r'<pre[^>]*class="([^"]+)"', t.read_text(encoding="utf-8"))
               for c in attr.split()}
    assert classes, "no <pre class=…> left: drop this test"
    for c in classes:
        rule = re.search(r"pre\." + re.escape(c) + r"\s*\{([^}]*)\}", CSS)
        assert rule and re.search(r"white-space:\s*pre-wrap", rule.group(1)), f"pre.{c} does not wrap"


def test_form_boxes_never_widen_the_page():
    # <input size="60"> and <textarea cols="70"> were 926 px wide on a 375 px phone (the request form)
    rule = re.search(r"(?m)^input, select, textarea\s*\{([^}]*)\}", CSS)
    assert rule and re.search(r"max-width:\s*100%", rule.group(1))
