"""Point 4 (end): the citizen downloads the signed electronic result of their own dossier from
their page, and finds the verification page from there."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from engine.commands.reception import accept
from engine.models import Dossier
from tests.test_electronic_result import PASSPHRASE, issue, pki, signing_settings  # noqa: F401
from tests.test_end_of_processing import APPROVAL, RECORD
from tests.test_reference_procedure import APPRAISAL, Officer
from tests.web.test_citizen_online_submission import app, citizen, submit_complete  # noqa: F401


def test_the_citizen_downloads_the_signed_result(citizen, demo, frozen_clock, signing_settings):
    b = citizen()
    submit_complete(b)
    with demo.motcua.read_session() as s:
        dossier_id = s.scalar(select(Dossier.id))
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id)
    specialist, leader = Officer(demo, "chuyenvien"), Officer(demo, "lanhdao")
    for officer, data, step in ((specialist, APPRAISAL, "appraise"), (leader, APPROVAL, "approve"),
                                (specialist, RECORD, "record_marriage")):
        frozen_clock.advance(timedelta(hours=1))
        officer.take_and_complete(dossier_id, data, expect_step=step)
    url = f"/cong-dan/ho-so/{dossier_id}"
    assert "Kết quả điện tử" not in b.text(url)
    assert b.get(f"{url}/ket-qua.pdf").status_code == 404  # not issued yet
    # pyHanko signs through asyncio.run(): in a thread of its own, whatever loop an earlier test
    # (a browser's, an SMTP server's) left running in this worker.
    with ThreadPoolExecutor(1) as pool:
        document = pool.submit(issue, demo, signing_settings, dossier_id).result()
    page = b.text(url)
    assert "Kết quả điện tử" in page and f'href="/xac-minh/{document.token}"' in page
    response = b.get(f"{url}/ket-qua.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.data == document.pdf
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    other = citizen("vneid-binh", "Trần Bình", "binh@example.vn")
    assert other.get(f"{url}/ket-qua.pdf").status_code == 404
