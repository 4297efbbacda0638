"""What one officer does, again and again, in the load test (bench/load/ and
tests/test_load_faults.py): open the inbox, take a step, open it, complete it, or, for a leader,
sometimes send the dossier back. Written against a small client interface so that Locust's
HttpSession and the suite's own client (tests/deployment.Officer) run the very same steps:

    client.get(path, kind) -> (status, location, html)
    client.post(path, form, kind) -> (status, location, html)

``kind`` names the action for the statistics: inbox, claim, task, complete, send_back.
"""
from __future__ import annotations

import random
import re

TASK_LINK = re.compile(r'href="/tasks/(\d+)"')
# Form data per step, recognised by a field only that step's form has (reference procedure).
STEP_FORMS = (
    ("appraisal_opinion", {"conditions_met": "on", "marital_status_verified": "on",
                           "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}),
    ("leader_opinion", {"decision": "approve", "leader_opinion": "Đồng ý."}),
    ("register_book", {"register_book": "01/2026", "register_number": "17", "registered_on": "2026-11-23"}),
    ("returned_to", {"returned_to": "Nguyễn Văn An", "return_method": "counter"}),
)


def work_once(client, rng: random.Random, send_back_share: float = 0.3) -> str:
    """One round: returns what happened (for the caller's counts)."""
    _s, _l, page = client.get("/inbox?tab=mine", "inbox")
    mine = TASK_LINK.findall(page)
    if mine:
        item = mine[0]
    else:
        _s, _l, page = client.get("/inbox?tab=unclaimed", "inbox")
        free = TASK_LINK.findall(page)
        if not free:
            return "nothing to do"
        item = rng.choice(free[:10])
        status, location, _h = client.post(f"/tasks/{item}/claim", {}, "claim")
        if status != 302 or location.endswith("/inbox"):
            return "claim refused"
    status, _l, page = client.get(f"/tasks/{item}", "task")
    if status != 200 or 'action="/tasks/%s/complete"' % item not in page:
        return "not claimable any more"  # someone else holds it, or it moved on
    form = next((data for field, data in STEP_FORMS if f'name="{field}"' in page), None)
    if form is None:
        return "unknown step"
    if 'action="/tasks/%s/send-back"' % item in page and rng.random() < send_back_share:
        client.post(f"/tasks/{item}/send-back", {"reason": "Bổ sung xác minh tình trạng hôn nhân."}, "send_back")
        return "sent back"
    client.post(f"/tasks/{item}/complete", form, "complete")
    return "completed"
