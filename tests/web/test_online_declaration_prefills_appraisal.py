"""The specialist appraising a household business submitted online starts from what the citizen
declared (the appraisal form's ``x-default-from``): name, address, lines of business, capital and
workers are filled in for them to check, rather than typed again (found by a browser audit: the
demo's officers typed placeholders over the citizen's own declaration)."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from engine.demo_citizen import COMMUNE, SHOPS
from engine.models import Dossier
from engine.payments import vnd
from tests.web.test_citizen_online_submission import PDF, app, citizen  # noqa: F401 (fixtures)
from tests.web.test_scans_after_reception import accepted_and_taken_for_appraisal

BUSINESS = "/thu-tuc/dang_ky_ho_kinh_doanh/nop"


def test_the_appraisal_starts_with_the_citizens_declaration(app, citizen, demo):  # noqa: F811
    b = citizen()
    form = dict(SHOPS[1], agency_code=COMMUNE)
    scans = {f"doc-{n}": (io.BytesIO(PDF), f"scan-{n}.pdf") for n in range(6)}  # one per required document
    for action, files in (("save", scans), ("submit", {})):
        b.client.post(BUSINESS, data=dict(form, **files, action=action, csrf_token=b.token()),
                      content_type="multipart/form-data")
    with demo.motcua.read_session() as s:
        dossier_id = s.scalars(select(Dossier.id)).one()
    specialist, item_id = accepted_and_taken_for_appraisal(app, demo, dossier_id)
    page = specialist.text(f"/tasks/{item_id}")
    for name in ("business_name", "business_address", "business_lines", "capital", "workers"):
        given = SHOPS[1][name]  # an amount reads grouped as the page writes figures: 80.000.000
        value = re.escape(vnd(given) if isinstance(given, int) and given >= 10_000 else str(given))
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"|<textarea[^>]*name="{name}"[^>]*>{value}<',
                         page), name
