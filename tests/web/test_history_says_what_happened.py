"""The dossier's history in English says what happened ("Claimed", "Sent back"), where the same
Vietnamese words on a button are a command ("Claim", "Send back"): found by a browser audit, the
history read "Claim", "Ask for a supplement", "Submit online"."""
from __future__ import annotations

from sqlalchemy import select

from engine import commands
from engine.models import Dossier
from tests.page_text import table_rows
from tests.web.conftest import open_item

APPRAISAL = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện."}


def test_the_history_in_english_says_what_happened(browser, demo, receive_dossier):
    code, item_id = receive_dossier()
    commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item_id)
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item_id, data=APPRAISAL)
    with demo.motcua.read_session() as s:
        dossier_id = s.scalar(select(Dossier.id).where(Dossier.code == code))
    approval = open_item(demo, dossier_id)
    commands.claim(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=approval)
    commands.send_back(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=approval, reason="Xác minh lại.")
    leader = browser("lanhdao")
    leader.post("/language", {"locale": "en"})
    said = " | ".join(" ".join(row) for row in table_rows(leader.text(f"/dossiers/{dossier_id}"), "history-title"))
    assert "Claimed" in said and "Sent back" in said, said
    assert "Returned to the officer who did it: " in said and "Reassigned to another officer" not in said, said
    assert "Claim " not in said + " " and "Send back" not in said, said
