"""The dossier page shows what was decided and issued: the results the steps recorded, labelled
as on the task pages (issue 12, point 4)."""
from __future__ import annotations

from engine.commands import claim, complete
from engine.models import WorkItem
from tests.web.conftest import open_item

APPRAISAL = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Hai bên đủ điều kiện."}


def _do(demo, username, item, data):
    claim(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item)
    complete(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item, data=data)


def test_the_register_number_and_the_decision_are_on_the_dossier_page(browser, demo, receive_dossier):
    _code, item = receive_dossier()
    with demo.motcua.read_session() as s:
        dossier_id = s.get(WorkItem, item).dossier_id
    page = browser("tiepnhan").text(f"/dossiers/{dossier_id}")
    assert "Số đăng ký" not in page  # nothing registered yet
    _do(demo, "chuyenvien", item, APPRAISAL)
    _do(demo, "lanhdao", open_item(demo, dossier_id), {"decision": "approve", "leader_opinion": "Đồng ý."})
    _do(demo, "chuyenvien", open_item(demo, dossier_id),
        {"register_book": "01/2026", "register_number": 1250, "registered_on": "2026-11-23"})
    page = browser("tiepnhan").text(f"/dossiers/{dossier_id}")
    section = page[page.index("Kết quả và thông tin đã ghi nhận"):page.index("Hồ sơ đang ở đâu")]
    for label, value in (("Quyển sổ đăng ký kết hôn", "01/2026"), ("Số đăng ký", "1.250"),
                         ("Ngày đăng ký", "23/11/2026"), ("Quyết định", "Đồng ý đăng ký kết hôn"),
                         ("Ý kiến của lãnh đạo", "Đồng ý.")):
        assert f"<dt>{label}</dt>" in section and value in section, label
    assert "register_number" not in page and "leader_opinion" not in page
