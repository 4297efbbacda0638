"""The dossier page says a hand-off to a partner is on its way before its first sending, and again
after a supervisor sends it again. Found by a browser audit of the connected one-stop: until the
scheduler's next run (or after "Gửi lại", whose count of attempts starts afresh) the page said
"Không có bước nào đang chờ xử lý." and nothing about the partner, as if the dossier had no work left."""
from __future__ import annotations

from datetime import timedelta

import lxml.html

from engine.commands.partners import retry_dead_letter
from engine.models import PartnerOutbox
from engine.scheduler import partner_delivery
from tests.partner_instances import _partner_template, partner_database_url  # noqa: F401 (fixtures)
from tests.test_partners import pair, receive_at_a  # noqa: F401  (pair is a fixture)
from tests.web.conftest import Browser

def facts(page: str) -> dict[str, str]:
    """The dossier's facts (its first list of terms) as read: each term with what follows it."""
    [listing] = lxml.html.fromstring(page).xpath('//dl[@class="facts"]')[:1]
    return {" ".join(dt.text_content().split()): " ".join(dt.getnext().text_content().split())
            for dt in listing.xpath("./dt")}


ON_ITS_WAY = "Đang chuyển hồ sơ sang Công an xã Tân Phong (chờ gửi từ 23/11/2026 09:00)."


def test_a_hand_off_on_its_way_and_one_sent_again_are_said_on_the_dossier_page(pair, frozen_clock):  # noqa: F811
    a, b = pair
    b.stop()
    dossier = receive_at_a(a)
    supervisor = Browser(a.app)
    supervisor.login("giamsat", "x" * 12)
    page = supervisor.text(f"/dossiers/{dossier.id}")
    assert ON_ITS_WAY in page
    assert "Không có bước nào đang chờ xử lý." not in page and "đã thử 0 lần" not in page
    supervisor.english()
    assert ("Handing the dossier over to Công an xã Tân Phong (waiting to be sent since 23/11/2026 09:00)."
            in supervisor.text(f"/dossiers/{dossier.id}"))

    for _ in range(partner_delivery.MAX_ATTEMPTS + 1):
        a.tick()
        frozen_clock.advance(timedelta(hours=1, seconds=1))
    [row] = a.read(lambda s: s.query(PartnerOutbox).all())
    assert row.dead_at is not None
    retry_dead_letter(a.motcua.uow(), actor_id=a.users["giamsat"], outbox_id=row.id)
    supervisor = Browser(a.app)  # hours later: a new session (the page keeps the officer's English)
    supervisor.login("giamsat", "x" * 12)
    page = supervisor.text(f"/dossiers/{dossier.id}")
    assert "Sending the dossier to Công an xã Tân Phong again, as a supervisor asked." in page

    b.start()
    a.tick()
    page = supervisor.text(f"/dossiers/{dossier.id}")
    assert "Công an xã Tân Phong again" not in page and "Handing the dossier over" not in page


def test_a_dossier_a_partner_opened_shows_the_partners_own_code(pair):  # noqa: F811
    """Found by the same audit: the partner's officer saw a dossier opened "online" by the system,
    and nowhere the sender's code they need when calling the sender about it."""
    a, b = pair
    dossier = receive_at_a(a)
    a.tick()
    [(b_dossier, _step, _)] = b.open_items()
    police = Browser(b.app)
    police.login("congan", "x" * 12)
    assert facts(police.text(f"/dossiers/{b_dossier}"))["Mã hồ sơ bên gửi"] == f"{dossier.code} (UBND xã Tân Phong)"
    # The sender's own dossier names no sender: the exchange is its own.
    officer = Browser(a.app)
    officer.login("chuyenvien", "x" * 12)
    assert "Mã hồ sơ bên gửi" not in facts(officer.text(f"/dossiers/{dossier.id}"))
