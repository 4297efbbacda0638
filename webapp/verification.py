"""The public page behind an electronic result's QR code (/xac-minh/<token>): which agency issued
the document, when, for which dossier; and a check of a file the visitor uploads: is it the very
file issued, and is its digital signature intact and from a certificate we trust. No login."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from engine.queries import results
from webapp import motcua

bp = Blueprint("verification", __name__)

MAX_UPLOAD = 10 * 1024 * 1024  # a signed result is tens of kilobytes


@bp.get("/xac-minh/<token>")
def show(token: str):
    with motcua().read_session() as s:
        issued = results.issued_document(s, token)
    return render_template("public/verify.html", issued=issued, token=token, outcome=None, refused=None)


@bp.post("/xac-minh/<token>")
def check(token: str):
    upload = request.files.get("document")
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    with motcua().read_session() as s:
        issued = results.issued_document(s, token)
        refused = _refusal(data)
        outcome = None if refused else results.check_upload(s, token, data, [motcua().settings.signing_trust])
    status = 422 if refused else 200
    return render_template("public/verify.html", issued=issued, token=token, outcome=outcome, refused=refused), status


def _refusal(data: bytes) -> str | None:
    if not data:
        return _("Hãy chọn tệp PDF cần kiểm tra.")
    if len(data) > MAX_UPLOAD:
        return _("Tệp quá lớn: văn bản điện tử không quá 10 MB.")
    if not data.startswith(b"%PDF-"):
        return _("Tệp không phải là tệp PDF.")
    return None
