"""A reason the counter typed on several lines (one legal ground, one thing to add, a line) prints
on those lines: on the refusal (form 03) and on the supplement request (form 02)."""
from __future__ import annotations

from engine.commands.reception import Applicant, WalkIn, give_guidance, refuse

LINES = ["Không thuộc thẩm quyền giải quyết của UBND xã (Điều 37 Luật Hộ tịch 2014).",
         "Đề nghị nộp tại UBND huyện nơi cư trú."]


def _walk_in(demo) -> WalkIn:
    return WalkIn(demo.commune, "dang_ky_ket_hon", Applicant(name="Lê Thị Hồng Nhung"))


def test_a_refusal_and_a_guidance_typed_on_two_lines_print_on_two_lines(officer, demo):
    """Before, both printed as one run-on line: '…2014). Đề nghị nộp…'."""
    dossier = refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], reason="\r\n".join(LINES),
                     walk_in=_walk_in(demo))
    slip = give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], missing=["Ảnh 4x6"],
                         note="\n".join(LINES), walk_in=_walk_in(demo))
    page = officer("tiepnhan")
    page.goto(f"/dossiers/{dossier.id}/refusal")
    assert page.locator("p.reason").inner_text().splitlines() == LINES
    page.goto(f"/supplement-requests/{slip.id}")
    note = page.locator("p.as-typed").inner_text().splitlines()
    assert note[1:] == LINES[1:] and note[0].endswith(LINES[0])
