"""The partner administration page tells the administrator where the partner code comes from: the
code the process diagram gives the partner's pool (its partnerCode property, or its name), so that a
code typed here matches what the procedures send to — in both languages."""
from __future__ import annotations


def test_the_partners_page_says_the_code_is_the_pools_partner_code(browser):
    admin = browser("admin")
    page = admin.text("/admin/partners")
    assert "thuộc tính partnerCode của bể, hoặc tên bể nếu bể không có thuộc tính này" in page
    assert "Mã đối tác là tên của bể (pool) trong sơ đồ." not in page
    page = admin.english().text("/admin/partners")
    assert "the pool's partnerCode property, or the pool's name when it has no such property" in page
    assert "Mã đối tác" not in page
