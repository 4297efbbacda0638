"""Every field a form requires says so in its label (a visible star and, for screen readers,
"bắt buộc"), so the browser's own bubble is never the first the officer hears of it. The new
officer's initial password was required without a mark (found by a browser audit)."""
from __future__ import annotations

import lxml.html
import pytest

PAGES = [("admin", "/admin/users/new"), ("tiepnhan", "/reception/new"), ("admin", "/admin/calendar")]


@pytest.mark.parametrize("username, path", PAGES)
def test_each_required_field_is_marked_in_its_label(browser, username, path):
    root = lxml.html.document_fromstring(browser(username).text(path))
    required = [e for e in root.xpath("//main//*[self::input or self::select or self::textarea][@required]")
                if e.get("type") not in ("hidden", "radio", "checkbox")]
    assert required, f"{path} has no required field: the test would prove nothing"
    for element in required:
        labels = root.xpath(f"//label[@for='{element.get('id')}']")
        assert labels, f"{path}: {element.get('name')} has no label"
        said = labels[0].text_content()
        assert "*" in said and "bắt buộc" in said, f"{path}: {element.get('name')} is required without a mark"
