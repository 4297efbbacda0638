"""Warnings against the database a procedure is deployed into: a lane whose role nobody holds
(its steps would wait in an empty queue) and a partner pool whose code is not configured (the
hand-off would fail only when an officer completes the step). They do not stop deployment: the
administrator may grant the role or add the partner right after."""
from __future__ import annotations

from sqlalchemy import select

from engine.procedures.problems import Problem


def warnings(session, manifest: dict, filename: str) -> list[Problem]:
    from engine.models import Agency, Membership, Partner
    held = set(session.execute(select(Agency.kind, Membership.role).join(Membership.agency)).all())
    roles_anywhere = {role for _kind, role in held}
    found, seen = [], set()
    for step_id, step in manifest.get("steps", {}).items():
        role = step.get("role")
        kind = manifest.get("processes", {}).get(step.get("process_id"), {}).get("agency_kind", "")
        if not role or (role, kind) in seen:
            continue
        seen.add((role, kind))
        if kind and (kind, role) not in held:
            found.append(Problem(filename, step_id,
                                 f"Nobody holds the role “{role}” in an agency of kind “{kind}”: the steps of this lane would wait in an "
                                 "empty queue; grant the role before publishing.", "warning",
                                 f"Chưa ai giữ vai trò «{role}» tại cơ quan loại «{kind}»: các bước của lane này sẽ "
                                 "nằm trong hàng chờ trống; hãy cấp vai trò trước khi xuất bản."))
        elif not kind and role not in roles_anywhere:
            found.append(Problem(filename, step_id,
                                 f"Nobody holds the role “{role}” in any agency: the steps of this lane would wait in an empty queue; "
                                 "grant the role before publishing.", "warning",
                                 f"Chưa ai giữ vai trò «{role}» tại cơ quan nào: các bước của lane này sẽ nằm trong "
                                 "hàng chờ trống; hãy cấp vai trò trước khi xuất bản."))
    configured = {code for (code,) in session.execute(select(Partner.code).where(Partner.active.is_(True))).all()}
    for message, route in sorted(manifest.get("partner_routes", {}).items()):
        code = route.get("code", "")
        if code and code != "*" and code not in configured and (code, "partner") not in seen:
            seen.add((code, "partner"))
            found.append(Problem(filename, message,
                                 f"The partner “{code}” ({route.get('pool')}) is not configured, so the message “{message}” "
                                 "could not be delivered: add the partner (Administration → Partner agencies) before publishing.",
                                 "warning",
                                 f"Đối tác «{code}» ({route.get('pool')}) chưa được cấu hình, nên thông điệp «{message}» "
                                 "không gửi được: hãy thêm đối tác (Quản trị → Đối tác liên thông) trước khi xuất bản."))
    return found
