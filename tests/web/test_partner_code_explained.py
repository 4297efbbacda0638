"""The partner administration page tells the administrator where the partner code comes from: the
partner code the process diagram gives the partner's pool (or the pool's name), so that a
code typed here matches what the procedures send to — in both languages."""
from __future__ import annotations


def test_the_partners_page_says_the_code_is_the_pools_partner_code(browser):
    admin = browser("admin")
    page = admin.text("/admin/partners")
    assert "mã đối tác mà sơ đồ quy trình ghi cho bể (pool) của cơ quan đó, hoặc với tên bể nếu sơ đồ không ghi mã" in page
    assert "Mã đối tác là tên của bể (pool) trong sơ đồ." not in page
    page = admin.english().text("/admin/partners")
    assert "the partner code the process diagram gives that agency's pool, or the pool's name when" in page
    assert "Mã đối tác" not in page
