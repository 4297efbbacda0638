"""The versions table of a procedure's page, drawn in a real browser: each row reads as one band
(its cells share its top, bottom and, for the active version, its background), with the actions
cell's link and button inside the row rather than floating beside it."""
from __future__ import annotations

import pytest

from engine.commands import procedures as lifecycle
from tests.bpmn_samples import FORMS, reference_xml

pytestmark = pytest.mark.slow


def test_each_version_row_is_one_band(officer, demo):
    renamed = reference_xml().replace('name="Thẩm định hồ sơ"', 'name="Thẩm định hồ sơ đăng ký"', 1)
    lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=renamed, forms_dir=FORMS,
                      note="Đổi tên bước thẩm định")
    page = officer("thietke")
    page.goto("/procedures/dang_ky_ket_hon")
    rows = page.locator("table.versions tbody tr")
    assert rows.count() == 2
    for index in range(2):
        row = rows.nth(index).bounding_box()
        for cell in rows.nth(index).locator("th, td").all():
            box = cell.bounding_box()
            assert (round(box["y"]), round(box["height"])) == (round(row["y"]), round(row["height"])), index
    backgrounds = rows.first.locator("th, td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).backgroundColor)")
    row_background = rows.first.evaluate("r => getComputedStyle(r).backgroundColor")
    assert set(backgrounds) <= {row_background, "rgba(0, 0, 0, 0)"}, backgrounds
