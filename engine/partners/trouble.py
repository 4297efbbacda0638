"""When a hand-off to a partner does not go through: the supervisors of the dossier's agency are
told on the first failed attempt (it is retried on its own) and again when it becomes a dead
letter (it needs them: the supervision page's "Thư gửi thất bại" lets them send it again). Plain words only: the
technical reason stays on the administration page, never in a notice."""
from __future__ import annotations

from engine.models import Dossier, PartnerOutbox
from engine.officer_notices import supervisors, tell


def tell_hand_off_trouble(session, row: PartnerOutbox, *, dead: bool) -> None:
    dossier = session.get(Dossier, row.dossier_id)
    partner = row.partner.name
    if dead:
        vi = (f"Không gửi được hồ sơ {dossier.code} sang {partner} sau {row.attempts} lần thử. "
              f"Cần giám sát kiểm tra và gửi lại (Giám sát › Thư gửi thất bại).")
        en = (f"Dossier {dossier.code} could not be handed to {partner} after {row.attempts} attempts. "
              f"A supervisor needs to check and resend it (Supervision › Failed messages).")
    else:
        vi = (f"Chưa gửi được hồ sơ {dossier.code} sang {partner}: hệ thống của cơ quan này chưa trả lời. "
              f"Hệ thống sẽ tự gửi lại.")
        en = (f"Dossier {dossier.code} has not reached {partner} yet: their system did not answer. "
              f"It will be resent automatically.")
    tell(session, supervisors(session, dossier.agency_id), dossier_id=dossier.id,
         key=f"hand-off-{row.id}-{'dead' if dead else 'failed'}", message_vi=vi, message_en=en)
